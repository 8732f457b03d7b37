"""Resolve, decline or escalate: the agent's assessment as a pure function of the facts.

Make no promise we cannot keep: whatever needs an exception or more authority
goes to a manager; only what no exception could cover is declined, with the
reason, why the policy exists, and alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.proposals import alternatives, options
from schemas.actions import DecisionKind, ManagerDecision
from schemas.events import EscalationReason
from schemas.intake import ComplaintIntake
from schemas.policy import CompanyPolicy
from schemas.remedies import DeclineCode, DeclineReason, Remedy
from schemas.state import Escalation


@dataclass(frozen=True)
class Resolve:
    remedy: Remedy


@dataclass(frozen=True)
class Decline:
    reasons: list[DeclineReason]
    alternatives: list[Remedy]


@dataclass(frozen=True)
class Escalate:
    reason: EscalationReason
    policy_exception: bool
    """Granting would break a rule (no receipt, late): only a manager's override may."""


Assessment = Resolve | Decline | Escalate

WHY_POLICY_EXISTS: dict[EscalationReason, str] = {
    EscalationReason.NO_RECEIPT: (
        "A receipt shows where and when the item was bought; it protects every customer "
        "from paying for refunds of goods bought elsewhere."
    ),
    EscalationReason.OUTSIDE_RETURN_WINDOW: (
        "The return window lets us resell returned goods as new and keep prices fair "
        "for every customer."
    ),
    EscalationReason.BEYOND_AUTHORITY: (
        "Larger amounts are approved by a manager so that every customer is treated the same way."
    ),
    EscalationReason.MISSING_DETAILS: (
        "We can only carry out a refund or replacement for a purchase we can find."
    ),
}
_DEFAULT_WHY = "Our policy keeps decisions consistent and fair for every customer."


def why_policy_exists(reason: EscalationReason) -> str:
    return WHY_POLICY_EXISTS.get(reason, _DEFAULT_WHY)


def assess(
    intake: ComplaintIntake,
    remedy: Remedy,
    policy: CompanyPolicy,
    today: date,
    already_granted: Decimal = Decimal(0),
) -> Assessment:
    """What the agent may do with the remedy the customer chose; its authority limit counts
    everything already granted on the complaint.

    A purchase date after `today` is never inside the return window: nothing is bought in
    the future, so the date is a typo or a false claim, and the purchase's age is unknown.
    The agent neither grants on it nor declines on it (a typo is no reason to refuse a
    customer): like any fact it cannot verify, it goes to a manager (missing details, a
    policy exception).
    """
    if remedy.kind in policy.receipt_required_for:
        if intake.purchase_date is not None:
            age = (today - intake.purchase_date).days
            if age < 0:
                return Escalate(EscalationReason.MISSING_DETAILS, policy_exception=True)
            if age > policy.return_window_days + policy.exception_grace_days:
                return Decline(
                    reasons=[_outside_window(age, policy)],
                    alternatives=alternatives(intake, policy, remedy),
                )
            if age > policy.return_window_days:
                return Escalate(EscalationReason.OUTSIDE_RETURN_WINDOW, policy_exception=True)
        if intake.receipt_present is not True:
            return Escalate(EscalationReason.NO_RECEIPT, policy_exception=True)
        if intake.order_reference is None or intake.amount is None or intake.purchase_date is None:
            return Escalate(EscalationReason.MISSING_DETAILS, policy_exception=True)
    if already_granted + remedy.amount > policy.agent_authority_limit:
        return Escalate(EscalationReason.BEYOND_AUTHORITY, policy_exception=False)
    return Resolve(remedy)


def default_option(
    intake: ComplaintIntake, policy: CompanyPolicy, today: date, offered: list[Remedy] | None = None
) -> Remedy:
    """What we do if the customer does not choose: the first option we can grant at once."""
    offered = offered if offered is not None else options(intake, policy)
    grantable = [r for r in offered if isinstance(assess(intake, r, policy, today), Resolve)]
    return (grantable or offered)[0]


def granted(escalation: Escalation, decision: ManagerDecision) -> Remedy | None:
    """What a manager's decision grants: their own remedy, or the one requested; none on deny."""
    if decision.kind is DecisionKind.DENY:
        return None
    return decision.remedy or escalation.requested


def manager_denial(reason_text: str, escalation_reason: EscalationReason) -> DeclineReason:
    """A manager's refusal, still explained with why the policy exists."""
    return DeclineReason(
        code=DeclineCode.MANAGER_DENIED,
        rule=reason_text,
        why_policy_exists=why_policy_exists(escalation_reason),
    )


def _outside_window(age: int, policy: CompanyPolicy) -> DeclineReason:
    return DeclineReason(
        code=DeclineCode.OUTSIDE_RETURN_WINDOW,
        rule=(
            f"Returns and refunds are accepted within {policy.return_window_days} days of "
            f"purchase; this purchase was {age} days ago."
        ),
        why_policy_exists=WHY_POLICY_EXISTS[EscalationReason.OUTSIDE_RETURN_WINDOW],
    )
