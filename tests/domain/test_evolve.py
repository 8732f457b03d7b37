"""State is a pure fold of events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.evolve import evolve, fold
from schemas import events as ev
from schemas.actions import DecisionKind, ManagerDecision
from schemas.events import EVENT_LIST, EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact, CustomerDetails
from schemas.messages import Outcome
from schemas.remedies import Remedy, RemedyKind
from schemas.state import ComplaintState, Status

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
INTAKE = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-1",
    customer_name="Ivan",
    contact=Contact(phone="+372 5555 1234"),
    category=Category.DEFECTIVE_PRODUCT,
    description="Screen cracked on arrival, box intact",
)
REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("300"))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_details_fill_the_intake_and_shrink_what_is_missing():
    state = fold(
        [
            ev.Received(at=at(0), intake=INTAKE, policy_version="v1"),
            ev.DetailsRequested(at=at(1), missing=["order_reference", "amount"], reply_by=at(60)),
            ev.DetailsProvided(
                at=at(5), details=CustomerDetails(customer_id="cust-1", order_reference="ORD-9")
            ),
        ]
    )
    assert state.intake.order_reference == "ORD-9"
    assert state.missing_details == ["amount"]
    assert state.status is Status.IN_PROGRESS


def test_escalation_reminder_and_next_level():
    state = fold(
        [
            ev.Received(at=at(0), intake=INTAKE, policy_version="v1"),
            ev.Escalated(
                at=at(1),
                level=1,
                reason=EscalationReason.BEYOND_AUTHORITY,
                requested=REFUND,
                policy_exception=False,
                respond_by=at(60),
            ),
            ev.ManagerReminded(at=at(60), level=1, respond_by=at(90)),
        ]
    )
    assert state.status is Status.AWAITING_MANAGER
    assert state.escalation.reminded and state.escalation.respond_by == at(90)
    state = evolve(
        state, ev.EscalatedToNextLevel(at=at(90), from_level=1, to_level=2, respond_by=at(150))
    )
    assert state.escalation_level == 2 and not state.escalation.reminded
    decision = ManagerDecision(kind=DecisionKind.APPROVE)
    decided = ev.ManagerDecided(
        at=at(100), decision=decision, decider_id="m-2", level=2, nonce="n" * 16
    )
    state = evolve(state, decided)
    assert state.decision == decision and state.status is Status.IN_PROGRESS
    assert (state.decided_by, state.deciders, state.nonces) == ("m-2", ["m-2"], ["n" * 16])


def test_answers_fulfil_promised_callbacks():
    state = fold(
        [
            ev.Received(at=at(0), intake=INTAKE, policy_version="v1"),
            ev.CallbackPromised(at=at(1), due=at(100)),
        ]
    )
    assert state.callback_due == at(100)
    made = evolve(state, ev.CallbackMade(at=at(100), promised_for=at(100)))
    assert made.callback_due is None and made.callbacks_made == 1
    answered = evolve(
        state,
        ev.Resolved(at=at(50), remedy=REFUND, follow_up_at=at(500)),
    )
    assert answered.callback_due is None and answered.status is Status.RESOLVED


def test_reopen_counts_and_clears_the_previous_fix():
    state = fold(
        [
            ev.Received(at=at(0), intake=INTAKE, policy_version="v1"),
            ev.Resolved(at=at(1), remedy=REFUND, follow_up_at=at(10)),
            ev.FollowUpSent(at=at(10), reply_by=at(20), reminder=False),
            ev.Reopened(at=at(12), comment="still broken"),
        ]
    )
    assert state.reopen_count == 1
    assert state.resolved_with is None and state.status is Status.IN_PROGRESS
    assert state.follow_ups_sent == 1


def test_closed_carries_the_outcome():
    state = fold(
        [
            ev.Received(at=at(0), intake=INTAKE, policy_version="v1"),
            ev.Closed(at=at(1), outcome=Outcome.DECLINED),
        ]
    )
    assert state.closed and state.outcome is Outcome.DECLINED


def test_event_log_round_trips_through_json():
    events = [
        ev.Received(at=at(0), intake=INTAKE, policy_version="v1"),
        ev.SolutionsProposed(at=at(1), options=[REFUND], default=REFUND, choose_by=at(9)),
        ev.SolutionChosen(at=at(2), remedy=REFUND, by="customer"),
    ]
    parsed = EVENT_LIST.validate_json(EVENT_LIST.dump_json(events))
    assert parsed == events
    assert fold(parsed) == fold(events)


def test_fold_of_nothing_is_the_initial_state():
    assert fold([]) == ComplaintState()
