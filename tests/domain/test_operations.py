"""Bounded waiting in the pure domain: after the policy's reminders the complaint moves to the
operations queue, reminders stop, the SLA clocks run on, and only operations staff the
directory lists reassign it, signed, to a person the directory named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devtools.demo_staff import demo_key
from domain import commands, lifecycle, sla
from domain.business_time import at_receipt
from domain.deadlines import NoCalendar
from domain.errors import InvalidAction
from domain.evolve import evolve, fold
from domain.metrics import MOVED_TO_OPERATIONS, REASSIGNED, observe
from domain.plan import FindStaff, Page, Tell
from domain.signatures import sign
from domain.stages import stage_of
from schemas import events as ev
from schemas.actions import Withdrawal
from schemas.effects import PageKind
from schemas.messages import MessageKind
from schemas.policy import (
    BusinessCalendar,
    BusinessDuration,
    CompanyPolicy,
    Deadlines,
    OperationsQueue,
    SlaPolicy,
)
from schemas.sla import ClockStatus
from schemas.staff import Reassignment, SignedAssertion, StaffRole
from schemas.stages import Stage
from schemas.state import ComplaintState, Status, WaitingOn
from sdk.signing import assertion
from tests import builders
from tests.factories import make_intake
from tests.signing import identified

T = datetime(2026, 11, 25, 9, tzinfo=UTC)
POLICY = CompanyPolicy()
D = POLICY.deadlines
ABUSIVE = make_intake(today=T.date(), complaint_id="c-1", abusive=True)


def paused(reminders: int) -> list[ev.DomainEvent]:
    events: list[ev.DomainEvent] = [
        ev.Received(at=T, intake=ABUSIVE, policy_version=POLICY.version),
        *[s for s in lifecycle.pause_for_specialist(POLICY, T) if isinstance(s, ev.Paused)],
        identified(StaffRole.SPECIALIST, 0, T),
    ]
    for _ in range(reminders):
        events.append(ev.SpecialistReminded(at=T, review_by=T + D.specialist_review))
    return events


def moved(reminders: int = 2) -> list[ev.DomainEvent]:
    """Paused, reminded, moved; with the operations staff and specialists the directory lists."""
    before = paused(reminders)
    plan = lifecycle.move_to_operations(fold(before), POLICY, T)
    [move] = [s for s in plan if isinstance(s, ev.MovedToOperations)]
    return [
        *before,
        move,
        identified(StaffRole.OPERATIONS, 0, T),
        identified(StaffRole.SPECIALIST, 0, T),
    ]


def signed_reassign(
    assignee: str = "specialist-1",
    by: str = "operations-1",
    key_of: str | None = None,
    complaint_id: str = "c-1",
    now: datetime = T,
) -> SignedAssertion:
    content = Reassignment(assignee_id=assignee, note="Please call the customer today")
    claim = assertion(
        complaint_id, by, reassignment=content, now=now, valid_for=timedelta(minutes=30)
    )
    return sign(claim, demo_key(key_of or by))


def test_the_specialist_gets_the_policys_reminders_then_the_silence_moves_it():
    limit = POLICY.operations.specialist_reminders
    for sent in range(limit):
        assert not lifecycle.due_for_operations(fold(paused(sent)), POLICY)
    state = fold(paused(limit))
    assert state.specialist_reminders == limit
    assert lifecycle.due_for_operations(state, POLICY)
    plan = lifecycle.on_specialist_silent(state, POLICY, T, to_operations=True)
    assert plan[0] == ev.MovedToOperations(
        at=T, waited_for=StaffRole.SPECIALIST, reminders=limit, level=None
    )
    assert plan[1:3] == [FindStaff(StaffRole.OPERATIONS), FindStaff(StaffRole.SPECIALIST, 0)]
    assert (plan[3].kind, plan[3].title) == (PageKind.OPERATIONS, POLICY.operations.title)
    assert plan[4] == Tell(MessageKind.MOVED_TO_OPERATIONS, {})  # no callback to promise
    # Without the patch (older complaints) the silence is one more reminder.
    reminded = lifecycle.on_specialist_silent(state, POLICY, T)
    assert isinstance(reminded[0], ev.SpecialistReminded)


def test_no_bound_means_reminders_without_end():
    unbounded = CompanyPolicy(operations=OperationsQueue(specialist_reminders=None))
    assert not lifecycle.due_for_operations(fold(paused(50)), unbounded)


def test_only_the_top_level_is_bounded():
    intake = make_intake(today=T.date(), complaint_id="c-2")
    lower = builders.escalated(intake, T, level=2, reminded=True)
    assert not lifecycle.due_for_operations(lower, POLICY)
    top = builders.escalated(intake, T, level=POLICY.top_level)
    top = evolve(top, ev.CallbackPromised(at=T, due=T + D.callback_interval))
    for _ in range(POLICY.operations.top_manager_reminders):
        assert not lifecycle.due_for_operations(top, POLICY)
        [reminder, _page] = lifecycle.on_manager_silent(top, POLICY, T)
        top = evolve(top, reminder)
    assert top.escalation.reminders == POLICY.operations.top_manager_reminders
    assert lifecycle.due_for_operations(top, POLICY)
    plan = lifecycle.on_manager_silent(top, POLICY, T, to_operations=True)
    assert plan[0] == ev.MovedToOperations(
        at=T,
        waited_for=StaffRole.MANAGER,
        reminders=POLICY.operations.top_manager_reminders,
        level=POLICY.top_level,
    )
    assert plan[2] == FindStaff(StaffRole.MANAGER, POLICY.top_level)
    callback = {"callback_by": T + D.callback_interval}  # the promise already made
    assert plan[-1] == Tell(MessageKind.MOVED_TO_OPERATIONS, callback)


def test_in_the_queue_nothing_is_reminded_and_the_customer_may_withdraw():
    state = fold(moved())
    assert state.status is Status.IN_OPERATIONS
    assert lifecycle.waiting_for(state) == lifecycle.Wait(WaitingOn.OPERATIONS, None)
    assert state.operations.since == T and state.operations.reminders == 2
    assert [m.staff_id for m in state.operations.operators] == ["operations-1"]
    assert stage_of(state) is Stage.INVESTIGATING
    assert not lifecycle.due_for_operations(state, POLICY)
    withdrawal = Withdrawal(customer_id=ABUSIVE.customer_id)
    assert commands.withdraw(state, withdrawal, POLICY, T)


def test_the_sla_clocks_keep_running_in_the_queue():
    clocks = sla.fold_clocks(moved(), SlaPolicy())
    assert not clocks.waiting_on_customer
    assert all(c.status is ClockStatus.RUNNING for k, c in clocks.clocks.items() if c.started)


def test_a_reassignment_hands_it_back_with_a_fresh_deadline():
    state = fold(moved())
    now = T + timedelta(days=1)
    [event] = commands.reassign(state, signed_reassign(now=now), POLICY, now)
    assert (event.staff_id, event.assignee_id, event.role) == (
        "operations-1",
        "specialist-1",
        StaffRole.SPECIALIST,
    )
    assert event.respond_by == now + D.specialist_review
    after = fold([*moved(), event])
    assert after.status is Status.PAUSED and after.operations is None
    assert (after.review_by, after.specialist_reminders, after.assignee) == (
        now + D.specialist_review,
        0,
        "specialist-1",
    )
    [page] = lifecycle.on_reassigned(after, POLICY, now)
    assert isinstance(page, Page) and page.kind is PageKind.SPECIALIST
    assert "specialist-1" in page.reason


@pytest.mark.parametrize(
    ("signed", "refusal"),
    [
        (signed_reassign(by="specialist-1"), "is not among the operations staff"),
        (signed_reassign(by="manager-3"), "is not among the operations staff"),
        (signed_reassign(key_of="manager-1"), "the signature is not operations-1's"),
        (signed_reassign(complaint_id="c-other"), "signed for complaint 'c-other'"),
        (signed_reassign(assignee="manager-1"), "manager-1 is not among the specialists"),
        (signed_reassign(now=T - timedelta(hours=1)), "expired"),
    ],
)
def test_forged_reassignments_are_refused(signed, refusal):
    with pytest.raises(InvalidAction, match=refusal):
        commands.reassign(fold(moved()), signed, POLICY, T)


def test_a_reassignment_is_refused_outside_the_queue_and_never_replayed():
    with pytest.raises(InvalidAction, match="cannot reassign"):
        commands.reassign(fold(paused(0)), signed_reassign(), POLICY, T)
    used = signed_reassign()
    [event] = commands.reassign(fold(moved()), used, POLICY, T)
    # Handed back, silent again, moved again: the same signed assertion is worthless.
    again = fold([*moved(), event, *moved()[len(paused(0)) :]])
    assert again.status is Status.IN_OPERATIONS
    with pytest.raises(InvalidAction, match="already used"):
        commands.reassign(again, used, POLICY, T)


def test_a_manager_reassignment_needs_a_manager_at_the_escalations_level():
    intake = make_intake(today=T.date(), complaint_id="c-3")
    top = builders.escalated(intake, T, level=POLICY.top_level)
    plan = lifecycle.move_to_operations(top, POLICY, T)
    queued = top
    for step in [plan[0], identified(StaffRole.OPERATIONS, 0, T)]:
        queued = evolve(queued, step)
    queued = evolve(queued, identified(StaffRole.MANAGER, POLICY.top_level, T))
    signed = signed_reassign(assignee="manager-1", complaint_id="c-3")
    with pytest.raises(InvalidAction, match="manager-1 is not among the managers"):
        commands.reassign(queued, signed, POLICY, T)
    [event] = commands.reassign(
        queued, signed_reassign(assignee="manager-3b", complaint_id="c-3"), POLICY, T
    )
    after = evolve(queued, event)
    assert after.status is Status.AWAITING_MANAGER
    assert after.escalation.respond_by == T + D.manager_response
    assert (after.escalation.reminders, after.escalation.reminded) == (0, False)


def test_the_metrics_count_moves_and_reassignments():
    events = moved()
    move = next(e for e in events if isinstance(e, ev.MovedToOperations))
    [seen] = observe(events, move)
    assert (seen.metric, seen.attributes) == (MOVED_TO_OPERATIONS, {"waited_for": "specialist"})
    [event] = commands.reassign(fold(events), signed_reassign(), POLICY, T)
    [seen] = observe(events, event)
    assert (seen.metric, seen.attributes) == (REASSIGNED, {"role": "specialist"})


def test_older_policy_documents_load_with_the_defaults():
    document = CompanyPolicy().model_dump(mode="json")
    del document["operations"]
    loaded = CompanyPolicy.model_validate(document)
    assert loaded.operations == OperationsQueue()
    assert ComplaintState().operations is None


def test_a_reassignment_under_business_deadlines_counts_the_stores_hours():
    """Handed back on Wednesday 25 November 2026 at 11:00 in Tallinn (09:00 UTC), with 18
    business hours to review: the rest of Wednesday (7 h), Thursday (9 h), two on Friday."""
    policy = CompanyPolicy(
        deadlines=Deadlines(specialist_review=BusinessDuration(business=timedelta(hours=18)))
    )
    calendar = at_receipt(BusinessCalendar(), T)
    [event] = commands.reassign(fold(moved()), signed_reassign(), policy, T, calendar=calendar)
    assert event.respond_by == datetime(2026, 11, 27, 9, tzinfo=UTC)  # 11:00 in Tallinn
    with pytest.raises(NoCalendar):
        commands.reassign(fold(moved()), signed_reassign(), policy, T)
