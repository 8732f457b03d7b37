"""Who may do what, when: refusals with a clear sentence."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import guards
from domain.errors import InvalidAction
from domain.evolve import fold
from schemas import events as ev
from schemas.actions import CustomerChoice, DecisionKind, ManagerDecision
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind

T = datetime(2026, 11, 25, tzinfo=UTC)
POLICY = CompanyPolicy()
INTAKE = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-1",
    customer_name="Ana",
    contact=Contact(email="ana@example.hr"),
    category=Category.DEFECTIVE_PRODUCT,
    description="The washing machine leaks from the first wash",
)


def escalated(requested: Remedy | None, exception: bool, level: int = 1):
    events = [
        ev.Received(at=T, intake=INTAKE, policy_version="v1"),
        ev.Escalated(
            at=T,
            level=1,
            reason=EscalationReason.NO_RECEIPT if exception else EscalationReason.BEYOND_AUTHORITY,
            requested=requested,
            policy_exception=exception,
            respond_by=T,
        ),
    ]
    if level > 1:
        events.append(ev.EscalatedToNextLevel(at=T, from_level=1, to_level=level, respond_by=T))
    return fold(events)


def decision(
    kind: DecisionKind, level: int = 1, amount: str | None = None, reason: str | None = None
):
    remedy = Remedy(kind=RemedyKind.REFUND, amount=Decimal(amount)) if amount else None
    return ManagerDecision(kind=kind, manager_id="m-1", level=level, remedy=remedy, reason=reason)


REFUND_400 = Remedy(kind=RemedyKind.REFUND, amount=Decimal("400"))


def test_manager_within_limit_may_approve():
    guards.check_manager_decision(
        escalated(REFUND_400, False), decision(DecisionKind.APPROVE), POLICY
    )


def test_manager_over_limit_is_refused_with_the_limit():
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=Decimal("900")), False)
    with pytest.raises(InvalidAction, match="above your authority limit of 500"):
        guards.check_manager_decision(state, decision(DecisionKind.APPROVE), POLICY)


def test_policy_exception_needs_an_override():
    state = escalated(REFUND_400, True)
    with pytest.raises(InvalidAction, match="use override"):
        guards.check_manager_decision(state, decision(DecisionKind.APPROVE), POLICY)
    guards.check_manager_decision(
        state, decision(DecisionKind.OVERRIDE, amount="400", reason="credible claim"), POLICY
    )


def test_lower_level_cannot_act_on_a_higher_escalation():
    state = escalated(REFUND_400, False, level=2)
    with pytest.raises(InvalidAction, match="at level 2"):
        guards.check_manager_decision(state, decision(DecisionKind.APPROVE, level=1), POLICY)
    guards.check_manager_decision(state, decision(DecisionKind.APPROVE, level=2), POLICY)


def test_no_decision_unless_awaiting_a_manager():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="not awaiting_manager"):
        guards.check_manager_decision(state, decision(DecisionKind.APPROVE), POLICY)


def test_nothing_to_approve_without_a_remedy():
    with pytest.raises(InvalidAction, match="name the remedy"):
        guards.check_manager_decision(
            escalated(None, False), decision(DecisionKind.APPROVE), POLICY
        )


def test_deny_and_override_need_reasons():
    with pytest.raises(ValidationError, match="must give a reason"):
        decision(DecisionKind.DENY)
    with pytest.raises(ValidationError, match="must name the remedy"):
        decision(DecisionKind.OVERRIDE, reason="ok then")


def test_customer_can_only_choose_what_is_offered():
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("10"))
    state = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.SolutionsProposed(at=T, options=[refund], default=refund, choose_by=T),
        ]
    )
    assert guards.check_choice(state, CustomerChoice(remedy=RemedyKind.REFUND)) == refund
    with pytest.raises(InvalidAction, match="repair is not on offer; the options are: refund"):
        guards.check_choice(state, CustomerChoice(remedy=RemedyKind.REPAIR))


def test_follow_up_answer_only_after_resolution():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="cannot answer the follow-up"):
        guards.check_follow_up_answer(state)


def test_appeal_only_once():
    declined = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.Declined(
                at=T,
                requested=None,
                reasons=[],
                alternatives=[],
                decided_by="m-1",
                can_appeal=False,
                answer_by=T,
            ),
        ]
    )
    with pytest.raises(InvalidAction, match="final"):
        guards.check_appeal(declined)
