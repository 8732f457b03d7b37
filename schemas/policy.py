"""Company policy as versioned data.

A complaint records the policy it started under, so a later policy change
never rewrites the rules of a complaint already in flight.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.intake import Category
from schemas.locale import DEFAULT_CURRENCY, DEFAULT_TIME_ZONE, Currency, TimeZone
from schemas.remedies import RemedyKind


class ManagerLevel(BaseModel):
    """One rung of the escalation ladder and how much it may grant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=1)
    title: str
    authority_limit: Decimal = Field(ge=0)


class Deadlines(BaseModel):
    """How long we wait, and how long before we call back.

    Promise prudently: the follow-up comes a little later than the fix is expected.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    details_reply: timedelta = timedelta(days=2)
    solution_choice: timedelta = timedelta(days=2)
    appeal: timedelta = timedelta(days=7)
    manager_response: timedelta = timedelta(days=1)
    manager_after_reminder: timedelta = timedelta(hours=8)
    callback_interval: timedelta = timedelta(days=2)
    follow_up_delay: timedelta = timedelta(days=4)
    follow_up_reply: timedelta = timedelta(days=3)
    follow_up_after_reminder: timedelta = timedelta(days=3)
    specialist_review: timedelta = timedelta(days=3)


def _default_catalogue() -> dict[Category, list[RemedyKind]]:
    return {
        Category.DEFECTIVE_PRODUCT: [
            RemedyKind.REPLACEMENT,
            RemedyKind.REFUND,
            RemedyKind.REPAIR,
            RemedyKind.EXPLANATION,
        ],
        Category.POOR_SERVICE: [RemedyKind.DISCOUNT, RemedyKind.STORE_CREDIT],
        Category.RUDE_EMPLOYEE: [RemedyKind.DISCOUNT, RemedyKind.STORE_CREDIT],
        Category.BILLING: [RemedyKind.REFUND, RemedyKind.STORE_CREDIT, RemedyKind.EXPLANATION],
        Category.DELIVERY: [RemedyKind.REPLACEMENT, RemedyKind.REFUND, RemedyKind.DISCOUNT],
        Category.OTHER: [RemedyKind.STORE_CREDIT, RemedyKind.EXPLANATION],
    }


def _default_ladder() -> list[ManagerLevel]:
    return [
        ManagerLevel(level=1, title="Shift manager", authority_limit=Decimal("500")),
        ManagerLevel(level=2, title="Store manager", authority_limit=Decimal("2000")),
        ManagerLevel(level=3, title="Regional director", authority_limit=Decimal("10000")),
    ]


class CompanyPolicy(BaseModel):
    """The rules an agent applies without asking anyone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = "2026-11-default"
    agent_authority_limit: Decimal = Field(default=Decimal("100"), ge=0)
    managers: list[ManagerLevel] = Field(default_factory=_default_ladder, min_length=1)
    specialist_title: str = "Customer care specialist"
    """Who takes over an abusive conversation (or calls security, per policy)."""
    return_window_days: int = Field(default=30, ge=0)
    exception_grace_days: int = Field(default=60, ge=0)
    """Beyond the window but within this grace a manager may still make an exception;
    later than that the agent declines (with alternatives) rather than raise false hope."""
    receipt_required_for: frozenset[RemedyKind] = frozenset(
        {RemedyKind.REFUND, RemedyKind.REPLACEMENT}
    )
    remedy_catalogue: dict[Category, list[RemedyKind]] = Field(default_factory=_default_catalogue)
    repair_cost_ratio: Decimal = Field(default=Decimal("0.30"), ge=0, le=1)
    discount_ratio: Decimal = Field(default=Decimal("0.20"), ge=0, le=1)
    goodwill_amount: Decimal = Field(default=Decimal("20"), ge=0)
    """What a discount or store credit is worth when there is no purchase amount."""
    goodwill_limit: Decimal = Field(default=Decimal("100"), ge=0)
    """How far a manager may go beyond the purchase amount, or outside the category's
    catalogue, as goodwill (always with a reason)."""
    four_eyes_above: Decimal = Field(default=Decimal("1000"), ge=0)
    """A grant above this needs two different managers who both decide it."""
    reopens_before_escalation: int = Field(default=1, ge=0)
    """A fix that failed once is retried by the agent; failing again goes to a manager."""
    deadlines: Deadlines = Field(default_factory=Deadlines)
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    """The company's time zone: customer messages tell times in it when the intake has none."""
    currency: Currency = DEFAULT_CURRENCY
    """The ISO 4217 currency amounts are shown in to the customer."""

    @model_validator(mode="after")
    def _ladder_is_ordered(self) -> CompanyPolicy:
        levels = [m.level for m in self.managers]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError("manager levels must be 1, 2, 3, ... in order")
        return self

    @property
    def top_level(self) -> int:
        return len(self.managers)

    def manager(self, level: int) -> ManagerLevel:
        return self.managers[min(level, self.top_level) - 1]
