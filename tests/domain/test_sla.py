"""The SLA clocks as a fold of events: what runs, what pauses (waiting on the customer and
nothing else), what stops; warnings, breaches and the attributes operators search by."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.plan import Page, Tell
from domain.sla import (
    callback_by,
    fold_clocks,
    keep_callbacks_on_time,
    next_due,
    next_timer,
    reactions,
    sla_state,
)
from schemas import events as ev
from schemas.effects import PageKind
from schemas.intake import DetailField, Severity
from schemas.messages import MessageKind, Outcome
from schemas.policy import BusinessCalendar, SlaPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.sla import ClockKind, ClockStatus, SlaState
from tests.factories import make_intake

TALLINN = ZoneInfo("Europe/Tallinn")
RIGA = ZoneInfo("Europe/Riga")
FIRST, UPDATE, RESOLUTION = ClockKind.FIRST_RESPONSE, ClockKind.NEXT_UPDATE, ClockKind.RESOLUTION
SLA = SlaPolicy(
    calendars={
        "default": BusinessCalendar(),
        "riga": BusinessCalendar(time_zone="Europe/Riga", country="LV"),
    },
    store_calendars={"riga-1": "riga"},
)
KETTLE = Remedy(kind=RemedyKind.REPLACEMENT, amount=Decimal("49.90"))
LATER = datetime(2030, 1, 1, tzinfo=TALLINN)
"""A deadline far away, where an event needs one that the clocks do not read."""


def tallinn(*args: int) -> datetime:
    return datetime(*args, tzinfo=TALLINN)


def received(at: datetime, severity=Severity.MEDIUM, store=None) -> ev.Received:
    intake = make_intake(severity=severity, store=store)
    return ev.Received(at=at, intake=intake, policy_version="v1")


def details_requested(at):
    return ev.DetailsRequested(at=at, missing=[DetailField.PURCHASE_DATE], reply_by=LATER)


def details_provided(at):
    from schemas.intake import CustomerDetails

    return ev.DetailsProvided(at=at, details=CustomerDetails(customer_id="cust-1", note="Hi"))


def proposed(at):
    return ev.SolutionsProposed(at=at, options=[KETTLE], default=KETTLE, choose_by=LATER)


def chosen(at):
    return ev.SolutionChosen(at=at, remedy=KETTLE, by="customer")


def declined(at):
    return ev.Declined(
        at=at,
        requested=None,
        reasons=[],
        alternatives=[KETTLE],
        decided_by="agent",
        can_appeal=True,
        answer_by=LATER,
    )


def escalated(at):
    return ev.Escalated(
        at=at,
        level=1,
        reason=ev.EscalationReason.BEYOND_AUTHORITY,
        requested=KETTLE,
        policy_exception=False,
        respond_by=LATER,
    )


def paused_for_abuse(at):
    return ev.Paused(at=at, reason=ev.ABUSIVE_CONVERSATION, review_by=LATER)


def resumed(at):
    return ev.Resumed(at=at, staff_id="spec-1", note="Calm again", nonce="n" * 16)


def resolved(at):
    return ev.Resolved(at=at, remedy=KETTLE, follow_up_at=LATER)


def follow_up_sent(at):
    return ev.FollowUpSent(at=at, reply_by=LATER, reminder=False)


def test_filed_friday_1755_before_an_estonian_public_holiday():
    """New Year's Day 2029 is a Monday: a critical complaint's first hour runs five minutes
    on Friday and 55 on Tuesday; it warns at 45 minutes and breaches, escalating, at 60."""
    clocks = fold_clocks([received(tallinn(2028, 12, 29, 17, 55), Severity.CRITICAL)], SLA)
    assert clocks.due_at(FIRST) == tallinn(2029, 1, 2, 9, 55)
    assert clocks.warn_at(FIRST) == tallinn(2029, 1, 2, 9, 40)
    assert next_timer(clocks) == tallinn(2029, 1, 2, 9, 40)
    assert next_due(clocks) == tallinn(2029, 1, 2, 9, 55)
    assert reactions(clocks, tallinn(2029, 1, 1, 12, 0)) == []

    warning = reactions(clocks, tallinn(2029, 1, 2, 9, 40))
    assert warning == [
        ev.SlaWarned(at=tallinn(2029, 1, 2, 9, 40), clock=FIRST, due_at=tallinn(2029, 1, 2, 9, 55))
    ]
    clocks = fold_clocks(
        [received(tallinn(2028, 12, 29, 17, 55), Severity.CRITICAL), *warning], SLA
    )
    assert sla_state(clocks) is SlaState.WARNING
    assert next_timer(clocks) == tallinn(2029, 1, 2, 9, 55)

    breach = reactions(clocks, tallinn(2029, 1, 2, 9, 55))
    assert breach == [
        ev.SlaBreached(
            at=tallinn(2029, 1, 2, 9, 55),
            clock=FIRST,
            due_at=tallinn(2029, 1, 2, 9, 55),
            escalate=True,
        )
    ]


def test_a_dst_change_in_riga_keeps_the_wall_clock():
    """Nine business hours from Friday 16:00 in Riga, over the spring change: Monday 16:00
    EEST, 71 real hours later rather than 72."""
    filed = datetime(2026, 3, 27, 16, 0, tzinfo=RIGA)
    clocks = fold_clocks([received(filed, Severity.MEDIUM, store="riga-1")], SLA)
    due = clocks.due_at(FIRST)
    assert due == datetime(2026, 3, 30, 16, 0, tzinfo=RIGA)
    assert due - filed == timedelta(hours=71)


def test_a_complaint_that_waits_on_the_customer_three_times_pauses_exactly_three_times():
    events = [
        received(tallinn(2026, 12, 7, 9, 0)),
        details_requested(tallinn(2026, 12, 7, 10, 0)),  # 1h run
        details_provided(tallinn(2026, 12, 7, 14, 0)),  # 4h waiting: not counted
        paused_for_abuse(tallinn(2026, 12, 7, 14, 30)),  # a specialist's review counts
        resumed(tallinn(2026, 12, 7, 15, 30)),
        proposed(tallinn(2026, 12, 7, 16, 0)),  # 2h run
        chosen(tallinn(2026, 12, 8, 10, 0)),  # overnight waiting: not counted
        ev.RemedyFailed(at=tallinn(2026, 12, 8, 11, 0), remedy=KETTLE, error="out of stock"),
        proposed(tallinn(2026, 12, 8, 12, 0)),  # 2h run
        chosen(tallinn(2026, 12, 8, 13, 0)),
        resolved(tallinn(2026, 12, 8, 14, 0)),  # 1h run
        follow_up_sent(tallinn(2026, 12, 12, 10, 0)),  # after resolution: stopped, not paused
        ev.FixConfirmed(at=tallinn(2026, 12, 12, 11, 0)),
        ev.Closed(at=tallinn(2026, 12, 12, 11, 0), outcome=Outcome.RESOLVED_CONFIRMED),
    ]
    clocks = fold_clocks(events, SLA)
    assert clocks[RESOLUTION].pauses == 3
    assert clocks[RESOLUTION].used == timedelta(hours=6)
    assert clocks[RESOLUTION].status is ClockStatus.STOPPED
    assert clocks[FIRST].used == timedelta(hours=1)
    assert not clocks.waiting_on_customer

    for n in range(1, len(events) + 1):  # while it waits, the state says so
        state = sla_state(fold_clocks(events[:n], SLA))
        waiting = type(events[n - 1]) in (ev.DetailsRequested, ev.SolutionsProposed)
        assert (state is SlaState.PAUSED) == waiting, events[n - 1].type


ONE_HOUR_IN = tallinn(2026, 12, 7, 10, 0)
THREE_HOURS_IN = tallinn(2026, 12, 7, 12, 0)


@pytest.mark.parametrize(
    "event, pauses",
    [
        (details_requested(ONE_HOUR_IN), True),
        (proposed(ONE_HOUR_IN), True),
        (declined(ONE_HOUR_IN), True),
        (escalated(ONE_HOUR_IN), False),
        (paused_for_abuse(ONE_HOUR_IN), False),
        (ev.ManagerReminded(at=ONE_HOUR_IN, level=1, respond_by=LATER), False),
        (ev.CallbackPromised(at=ONE_HOUR_IN, due=LATER), False),
        (ev.RemedyFailed(at=ONE_HOUR_IN, remedy=KETTLE, error="x"), False),
        (ev.Acknowledged(at=ONE_HOUR_IN), False),
    ],
    ids=lambda v: getattr(v, "type", "pauses" if v is True else "runs"),
)
def test_the_resolution_clock_pauses_only_while_we_wait_on_the_customer(event, pauses):
    clocks = fold_clocks([received(tallinn(2026, 12, 7, 9, 0)), event], SLA)
    expected = timedelta(hours=1) if pauses else timedelta(hours=3)
    assert clocks.used(RESOLUTION, THREE_HOURS_IN) == expected
    assert (clocks.due_at(RESOLUTION) is None) == pauses
    assert (sla_state(clocks) is SlaState.PAUSED) == pauses


def test_the_first_response_stops_at_the_first_answer_not_at_the_acknowledgement():
    start = tallinn(2026, 12, 7, 9, 0)
    clocks = fold_clocks([received(start), ev.Acknowledged(at=start)], SLA)
    assert clocks[FIRST].status is ClockStatus.RUNNING
    assert clocks[UPDATE].status is ClockStatus.STOPPED  # owed only after a first answer
    clocks = fold_clocks(
        [
            received(start),
            ev.Acknowledged(at=start),
            escalated(start),
            ev.CallbackPromised(at=tallinn(2026, 12, 7, 11, 0), due=LATER),
        ],
        SLA,
    )
    assert clocks[FIRST].status is ClockStatus.STOPPED
    assert clocks[FIRST].used == timedelta(hours=2)
    assert clocks.due_at(UPDATE) == tallinn(2026, 12, 9, 11, 0)  # 7h + 9h + 2h


def test_each_word_to_the_customer_restarts_the_next_update_clock_and_its_warning():
    start = tallinn(2026, 12, 7, 9, 0)
    promised = ev.CallbackPromised(at=start, due=LATER)
    warned = ev.SlaWarned(at=tallinn(2026, 12, 8, 9, 0), clock=UPDATE, due_at=LATER)
    made = ev.CallbackMade(at=tallinn(2026, 12, 8, 10, 0), promised_for=LATER)
    clocks = fold_clocks([received(start), escalated(start), promised, warned], SLA)
    assert clocks[UPDATE].warned
    clocks = fold_clocks([received(start), escalated(start), promised, warned, made], SLA)
    assert not clocks[UPDATE].warned
    assert clocks.due_at(UPDATE) == tallinn(2026, 12, 10, 10, 0)  # 8h + 9h + 1h


def test_a_next_update_breach_is_recorded_but_escalates_only_if_the_policy_says_so():
    start = tallinn(2026, 12, 7, 9, 0)
    events = [received(start), escalated(start), ev.CallbackPromised(at=start, due=LATER)]
    due = tallinn(2026, 12, 9, 9, 0)
    found = reactions(fold_clocks(events, SLA), due)
    breaches = [e for e in found if isinstance(e, ev.SlaBreached)]
    assert {(b.clock, b.escalate) for b in breaches} == {(UPDATE, False)}
    strict = SLA.model_copy(update={"escalate_on_breach": frozenset(ClockKind)})
    breaches = [
        e for e in reactions(fold_clocks(events, strict), due) if isinstance(e, ev.SlaBreached)
    ]
    assert {(b.clock, b.escalate) for b in breaches} == {(UPDATE, True)}


def test_a_breach_is_recorded_once_and_stays_in_the_state():
    start = tallinn(2026, 12, 7, 9, 0)
    events = [received(start, Severity.CRITICAL)]
    late = tallinn(2026, 12, 7, 11, 0)
    found = reactions(fold_clocks(events, SLA), late)
    assert [e.type for e in found] == ["SlaWarned", "SlaBreached"]
    clocks = fold_clocks([*events, *found], SLA)
    assert reactions(clocks, late) == []
    assert sla_state(clocks) is SlaState.BREACHED
    assert next_due(clocks) == clocks.due_at(RESOLUTION)


def test_a_reopen_runs_the_resolution_clock_again_from_where_it_stopped():
    events = [
        received(tallinn(2026, 12, 7, 9, 0)),
        escalated(tallinn(2026, 12, 7, 9, 0)),
        resolved(tallinn(2026, 12, 7, 13, 0)),  # 4h
        follow_up_sent(tallinn(2026, 12, 11, 10, 0)),
        ev.Reopened(at=tallinn(2026, 12, 14, 10, 0)),
    ]
    clocks = fold_clocks(events, SLA)
    assert clocks[RESOLUTION].used == timedelta(hours=4)
    assert clocks[RESOLUTION].status is ClockStatus.RUNNING
    assert clocks.due_at(RESOLUTION) == tallinn(2026, 12, 18, 15, 0)  # 41h more: 8+9+9+9+6
    assert clocks.used(UPDATE, tallinn(2026, 12, 14, 12, 0)) == timedelta(hours=2)


def test_nothing_runs_after_closing():
    events = [
        received(tallinn(2026, 12, 7, 9, 0)),
        ev.Withdrawn(at=tallinn(2026, 12, 7, 10, 0)),
        ev.Closed(at=tallinn(2026, 12, 7, 10, 0), outcome=Outcome.WITHDRAWN),
    ]
    clocks = fold_clocks(events, SLA)
    assert {c.status for c in clocks.clocks.values()} == {ClockStatus.STOPPED}
    assert next_timer(clocks) is None and next_due(clocks) is None
    assert reactions(clocks, LATER) == []
    assert sla_state(clocks) is SlaState.OK


def test_no_clocks_before_receipt():
    assert fold_clocks([], SLA) is None


def escalated_clocks(at: datetime, severity=Severity.MEDIUM):
    """Clocks of a complaint escalated at `at`: the resolution clock runs."""
    return fold_clocks([received(at, severity=severity), escalated(at)], SLA)


@pytest.mark.parametrize(
    ("now", "plain", "expected", "why"),
    [
        # Medium: next update 18 business hours, warning at 13.5 (0.75), day 09-18.
        (tallinn(2026, 12, 7, 9, 0), LATER, tallinn(2026, 12, 8, 13, 29), "warns Tue 13:30"),
        (
            tallinn(2026, 12, 7, 9, 0),
            tallinn(2026, 12, 8, 9, 0),
            tallinn(2026, 12, 8, 9, 0),
            "the plain interval is sooner",
        ),
        # Friday 16:00: 2 h on Friday, 9 on Monday, 2.5 on Tuesday (a weekend runs no clock).
        (tallinn(2026, 12, 11, 16, 0), LATER, tallinn(2026, 12, 15, 11, 29), "over a weekend"),
    ],
)
def test_a_callback_comes_a_minute_before_the_next_update_clock_would_warn(
    now, plain, expected, why
):
    clocks = escalated_clocks(tallinn(2026, 12, 7, 9, 0))
    assert callback_by(clocks, plain, now) == expected, why


def test_a_callback_keeps_the_plain_interval_without_clocks_or_after_resolution():
    start = tallinn(2026, 12, 7, 9, 0)
    assert callback_by(None, LATER, start) == LATER
    done = fold_clocks([received(start), escalated(start), resolved(start)], SLA)
    assert callback_by(done, LATER, start) == LATER


def test_a_target_shorter_than_the_lead_still_calls_back_no_later_than_the_warning():
    quick = {"next_update": timedelta(seconds=40)}
    short = SLA.model_copy(
        update={"targets": {s: t.model_copy(update=quick) for s, t in SLA.targets.items()}}
    )
    start = tallinn(2026, 12, 7, 10, 0)
    clocks = fold_clocks([received(start), escalated(start)], short)
    assert callback_by(clocks, LATER, start) == start + timedelta(seconds=30)


def test_the_promise_recorded_and_the_promise_told_move_together():
    start = tallinn(2026, 12, 7, 9, 0)
    plain = start + timedelta(days=7)
    plan = [
        ev.CallbackPromised(at=start, due=plain),
        Tell(MessageKind.CALLBACK, {"callback_by": plain, "manager_title": "Store manager"}),
        Page(PageKind.REMINDER, 1, "Store manager", "still waiting"),
    ]
    kept = keep_callbacks_on_time(plan, escalated_clocks(start), start)
    due = tallinn(2026, 12, 8, 13, 29)
    assert kept == [
        ev.CallbackPromised(at=start, due=due),
        Tell(MessageKind.CALLBACK, {"callback_by": due, "manager_title": "Store manager"}),
        plan[2],
    ]
    assert keep_callbacks_on_time(plan, None, start) == plan
