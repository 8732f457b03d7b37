"""Remedies we can offer, and the offers themselves."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.locale import Currency
from schemas.text import Reason


class RemedyKind(StrEnum):
    REPLACEMENT = "replacement"
    REFUND = "refund"
    STORE_CREDIT = "store_credit"
    REPAIR = "repair"
    DISCOUNT = "discount"
    EXPLANATION = "explanation"
    """Sometimes the 'defect' is unfamiliarity with the product: explaining it solves it."""


MONEY_REMEDIES = frozenset(
    {RemedyKind.REFUND, RemedyKind.REPLACEMENT, RemedyKind.STORE_CREDIT, RemedyKind.DISCOUNT}
)
"""Remedies worth their amount to the customer: one of 0 grants nothing."""


def money(value: Decimal) -> str:
    """Two decimals, the way amounts are shown to people."""
    return f"{value:.2f}"


class Remedy(BaseModel):
    """One concrete way to make things right, with what it costs the company."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: RemedyKind
    amount: Decimal = Field(default=Decimal("0"), ge=0, le=1_000_000, decimal_places=2)
    currency: Currency | None = Field(default=None, exclude_if=lambda code: code is None)
    """The ISO 4217 currency of `amount`; None means the complaint's own (the policy's), as
    for every remedy the agent prices. A remedy in another currency is refused. Left out of
    the JSON when None, so remedies recorded and signed before it read and verify as then."""

    def label(self) -> str:
        """The kind and its amount in two decimals ("refund 349.99", "refund 0.00", with its
        currency when named: "refund 349.99 EUR"); a remedy that is not money and costs
        nothing reads as its kind ("explanation")."""
        if self.amount or self.kind in MONEY_REMEDIES:
            suffix = f" {self.currency}" if self.currency else ""
            return f"{self.kind.value} {money(self.amount)}{suffix}"
        return self.kind.value

    def in_currency(self, currency: str) -> Remedy:
        """This remedy with its currency named (`currency` where none was)."""
        return self if self.currency else self.model_copy(update={"currency": currency})

    def same_as(self, other: Remedy | None, currency: str) -> bool:
        """The same grant, an unnamed currency read as `currency` (the complaint's)."""
        return other is not None and self.in_currency(currency) == other.in_currency(currency)


class DeclineCode(StrEnum):
    """Why a request was declined; each has its own explanation in every language."""

    OUTSIDE_RETURN_WINDOW = "outside_return_window"
    NO_RECEIPT = "no_receipt"
    BEYOND_AUTHORITY = "beyond_authority"
    MANAGER_DENIED = "manager_denied"


class DeclineReason(BaseModel):
    """A refusal explained: the rule, and why the rule exists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: DeclineCode
    rule: Reason
    why_policy_exists: Reason
