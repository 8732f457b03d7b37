"""Which remedies to offer, and what each costs: company policy applied to one complaint."""

from __future__ import annotations

from decimal import Decimal

from schemas.intake import ComplaintIntake
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind

_CENT = Decimal("0.01")
PRICED_FROM_PURCHASE = frozenset({RemedyKind.REFUND, RemedyKind.REPLACEMENT, RemedyKind.REPAIR})
"""Remedies `price` derives from the purchase amount alone: without it they are worth 0."""


def price(kind: RemedyKind, intake: ComplaintIntake, policy: CompanyPolicy) -> Remedy:
    """The remedy with its cost. Without a purchase amount, goodwill stands in for it."""
    amount = intake.amount
    match kind:
        case RemedyKind.REFUND | RemedyKind.REPLACEMENT:
            value = amount or Decimal(0)
        case RemedyKind.REPAIR:
            value = (amount or Decimal(0)) * policy.repair_cost_ratio
        case RemedyKind.STORE_CREDIT:
            value = amount or policy.goodwill_amount
        case RemedyKind.DISCOUNT:
            value = amount * policy.discount_ratio if amount else policy.goodwill_amount
        case RemedyKind.EXPLANATION:
            value = Decimal(0)
    return Remedy(kind=kind, amount=value.quantize(_CENT))


def options(intake: ComplaintIntake, policy: CompanyPolicy) -> list[Remedy]:
    """Every remedy the policy lists for the category, so the customer can take part in choosing."""
    return [price(kind, intake, policy) for kind in policy.remedy_catalogue[intake.category]]


def alternatives(
    intake: ComplaintIntake, policy: CompanyPolicy, refused: Remedy | None
) -> list[Remedy]:
    """What we can still do ourselves when the requested remedy is refused.

    Meet as many of the customer's needs as we can: any listed remedy the agent
    may grant outright, else a goodwill store credit.
    """
    offered = [
        remedy
        for remedy in options(intake, policy)
        if (refused is None or remedy.kind != refused.kind)
        and remedy.kind not in policy.receipt_required_for
        and remedy.amount <= policy.agent_authority_limit
    ]
    goodwill = Remedy(
        kind=RemedyKind.STORE_CREDIT,
        amount=min(policy.goodwill_amount, policy.agent_authority_limit).quantize(_CENT),
    )
    return offered or [goodwill]
