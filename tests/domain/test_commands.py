"""Each update's command: the events it records, and refusals with a clear sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import commands
from domain.errors import InvalidAction
from domain.evolve import evolve, fold
from schemas import events as ev
from schemas.actions import (
    Appeal,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    StaffResume,
    Withdrawal,
)
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact, CustomerDetails, DetailField
from schemas.policy import CompanyPolicy
from schemas.remedies import MONEY_REMEDIES, Remedy, RemedyKind

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
    commands.decide_escalation(
        escalated(REFUND_400, False), decision(DecisionKind.APPROVE), POLICY, T
    )


def test_manager_over_limit_is_refused_with_the_limit():
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=Decimal("900")), False)
    with pytest.raises(InvalidAction, match="above your authority limit of 500"):
        commands.decide_escalation(state, decision(DecisionKind.APPROVE), POLICY, T)


def test_policy_exception_needs_an_override():
    state = escalated(REFUND_400, True)
    with pytest.raises(InvalidAction, match="use override"):
        commands.decide_escalation(state, decision(DecisionKind.APPROVE), POLICY, T)
    commands.decide_escalation(
        state, decision(DecisionKind.OVERRIDE, amount="400", reason="credible claim"), POLICY, T
    )


def test_lower_level_cannot_act_on_a_higher_escalation():
    state = escalated(REFUND_400, False, level=2)
    with pytest.raises(InvalidAction, match="at level 2"):
        commands.decide_escalation(state, decision(DecisionKind.APPROVE, level=1), POLICY, T)
    commands.decide_escalation(state, decision(DecisionKind.APPROVE, level=2), POLICY, T)


def test_no_decision_unless_awaiting_a_manager():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="not awaiting_manager"):
        commands.decide_escalation(state, decision(DecisionKind.APPROVE), POLICY, T)


def test_nothing_to_approve_without_a_remedy():
    with pytest.raises(InvalidAction, match="name the remedy"):
        commands.decide_escalation(
            escalated(None, False), decision(DecisionKind.APPROVE), POLICY, T
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
    [chosen] = commands.choose_solution(state, CustomerChoice(remedy=RemedyKind.REFUND), POLICY, T)
    assert chosen == ev.SolutionChosen(at=T, remedy=refund, by="customer")
    with pytest.raises(InvalidAction, match="repair is not on offer; the options are: refund"):
        commands.choose_solution(state, CustomerChoice(remedy=RemedyKind.REPAIR), POLICY, T)


def test_follow_up_answer_only_after_resolution():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="cannot answer the follow-up"):
        commands.answer_follow_up(state, FollowUpAnswer(fixed=True), POLICY, T)


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
        commands.appeal(declined, Appeal(reason="I still want my money"), POLICY, T)


def test_manager_decision_is_recorded_as_sent():
    sent = decision(DecisionKind.APPROVE)
    events = commands.decide_escalation(escalated(REFUND_400, False), sent, POLICY, T)
    assert events == [ev.ManagerDecided(at=T, decision=sent)]


ASKED = fold(
    [
        ev.Received(at=T, intake=INTAKE, policy_version="v1"),
        ev.DetailsRequested(at=T, missing=[DetailField.ORDER_REFERENCE], reply_by=T),
    ]
)


def test_a_details_reply_fills_in_what_was_asked():
    details = CustomerDetails(order_reference="ORD-9", note="bought it in Split")
    assert commands.provide_details(ASKED, details, POLICY, T) == [
        ev.DetailsProvided(at=T, details=details)
    ]


def test_a_details_reply_cannot_rewrite_facts_that_were_not_asked_for():
    details = CustomerDetails(order_reference="ORD-9", receipt_present=True, amount=Decimal("99"))
    with pytest.raises(InvalidAction, match="asked only for order_reference") as refused:
        commands.provide_details(ASKED, details, POLICY, T)
    assert "receipt_present, amount" in str(refused.value)


def test_details_only_while_asked():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="not awaiting_details"):
        commands.provide_details(state, CustomerDetails(order_reference="ORD-9"), POLICY, T)


def test_follow_up_answer_confirms_or_reopens():
    resolved = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.Resolved(at=T, remedy=REFUND_400, follow_up_at=T),
        ]
    )
    fixed, broken = FollowUpAnswer(fixed=True), FollowUpAnswer(fixed=False, comment="leaks")
    assert commands.answer_follow_up(resolved, fixed, POLICY, T) == [ev.FixConfirmed(at=T)]
    assert commands.answer_follow_up(resolved, broken, POLICY, T) == [
        ev.Reopened(at=T, comment="leaks")
    ]


def test_withdrawal_while_waiting_on_someone_but_not_twice():
    waiting = escalated(REFUND_400, False)
    [withdrawn] = commands.withdraw(waiting, Withdrawal(reason="found it"), POLICY, T)
    assert withdrawn == ev.Withdrawn(at=T, reason="found it")
    with pytest.raises(InvalidAction):
        commands.withdraw(evolve(waiting, withdrawn), Withdrawal(), POLICY, T)


def test_resume_only_while_paused():
    paused = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.Paused(at=T, reason="abusive conversation", review_by=T),
        ]
    )
    resume = StaffResume(staff_id="spec-1", note="calm again, spoke by phone")
    assert commands.resume(paused, resume, POLICY, T) == [
        ev.Resumed(at=T, staff_id="spec-1", note="calm again, spoke by phone")
    ]
    with pytest.raises(InvalidAction, match="cannot resume"):
        commands.resume(escalated(None, False), resume, POLICY, T)


ASKED_FOR_DATE = fold(
    [
        ev.Received(at=T, intake=INTAKE, policy_version="v1"),
        ev.DetailsRequested(at=T, missing=[DetailField.PURCHASE_DATE], reply_by=T),
    ]
)


@pytest.mark.parametrize("days_ahead", [1, 365])
def test_a_purchase_date_after_today_is_refused(days_ahead):
    future = T.date() + timedelta(days=days_ahead)
    with pytest.raises(InvalidAction) as refused:
        commands.provide_details(ASKED_FOR_DATE, CustomerDetails(purchase_date=future), POLICY, T)
    assert (
        str(refused.value) == f"the purchase date {future} is in the future (today is 2026-11-25)"
    )


@pytest.mark.parametrize("days_ago", [0, 1, 400])
def test_a_purchase_date_today_or_earlier_is_taken(days_ago):
    details = CustomerDetails(purchase_date=T.date() - timedelta(days=days_ago))
    assert commands.provide_details(ASKED_FOR_DATE, details, POLICY, T) == [
        ev.DetailsProvided(at=T, details=details)
    ]


def test_today_is_the_workflows_date_in_utc():
    late_evening = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    tomorrow = CustomerDetails(purchase_date=late_evening.date() + timedelta(days=1))
    with pytest.raises(InvalidAction, match="in the future"):
        commands.provide_details(ASKED_FOR_DATE, tomorrow, POLICY, late_evening)


ZERO = Decimal("0")


@pytest.mark.parametrize("kind", sorted(MONEY_REMEDIES))
@pytest.mark.parametrize("decision_kind", [DecisionKind.OVERRIDE, DecisionKind.COUNTER])
def test_a_money_remedy_of_zero_is_refused_for_overrides_and_counters(kind, decision_kind):
    worthless = ManagerDecision(
        kind=decision_kind,
        manager_id="m-1",
        level=1,
        remedy=Remedy(kind=kind, amount=ZERO),
        reason="credible claim",
    )
    with pytest.raises(InvalidAction) as refused:
        commands.decide_escalation(escalated(REFUND_400, True), worthless, POLICY, T)
    assert str(refused.value) == f"a {kind.value} of 0.00 grants nothing: name its amount"


def test_approving_a_request_worth_zero_is_refused_too():
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=ZERO), False)
    with pytest.raises(InvalidAction, match="a refund of 0.00 grants nothing"):
        commands.decide_escalation(state, decision(DecisionKind.APPROVE), POLICY, T)


@pytest.mark.parametrize("kind", [RemedyKind.EXPLANATION, RemedyKind.REPAIR])
def test_a_remedy_that_is_not_money_may_cost_nothing(kind):
    free = ManagerDecision(
        kind=DecisionKind.COUNTER,
        manager_id="m-1",
        level=1,
        remedy=Remedy(kind=kind, amount=ZERO),
        reason="it only needs setting up",
    )
    commands.decide_escalation(escalated(REFUND_400, True), free, POLICY, T)


def test_a_money_remedy_of_one_cent_is_a_remedy():
    cent = decision(DecisionKind.OVERRIDE, amount="0.01", reason="token of goodwill")
    commands.decide_escalation(escalated(REFUND_400, True), cent, POLICY, T)
