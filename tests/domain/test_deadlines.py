"""When a deadline falls due (`domain.deadlines.due_at`): wall-clock as before, business time
on the store's calendar; and the lifecycle's deadlines, promises and messages follow it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import lifecycle
from domain.business_time import Calendar, at_receipt
from domain.deadlines import NoCalendar, calendar_of, due_at, needs_calendar
from domain.plan import Tell
from schemas import events as ev
from schemas.events import EscalationReason
from schemas.messages import MessageKind
from schemas.policy import (
    BusinessCalendar,
    BusinessDuration,
    CompanyPolicy,
    Deadlines,
    OpeningHours,
    SlaPolicy,
    Weekday,
)
from tests.builders import escalated
from tests.factories import make_intake

TALLINN, RIGA = ZoneInfo("Europe/Tallinn"), ZoneInfo("Europe/Riga")
TALLINN_OFFICE = BusinessCalendar()  # Europe/Tallinn, Estonian holidays, Mon-Fri 09-18
RIGA_OFFICE = BusinessCalendar(time_zone="Europe/Riga", country="LV")
RIGA_AROUND_THE_CLOCK = BusinessCalendar(
    time_zone="Europe/Riga",
    country="LV",
    hours={d: [OpeningHours(opens=time(0), closes=time(0))] for d in Weekday},
)
EIGHT_HOURS = BusinessDuration(business=timedelta(hours=8))


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


def calendar(spec: BusinessCalendar, at: datetime) -> Calendar:
    return at_receipt(spec, at)


CASES = [
    pytest.param(
        EIGHT_HOURS,
        TALLINN_OFFICE,
        local(TALLINN, 2025, 2, 21, 17, 55),  # Friday; Monday 24 February is a holiday
        local(TALLINN, 2025, 2, 25, 16, 55),  # 5 minutes on Friday, 7h55 on Tuesday
        id="business manager_response filed Friday 17:55 before Independence Day",
    ),
    pytest.param(
        EIGHT_HOURS,
        RIGA_OFFICE,
        local(RIGA, 2026, 3, 27, 17, 0),  # Friday, EET (UTC+2); clocks go forward on Sunday
        local(RIGA, 2026, 3, 30, 16, 0),  # Monday, EEST (UTC+3): 13:00 UTC
        id="business hours across the spring DST change in Riga",
    ),
    pytest.param(
        EIGHT_HOURS,
        RIGA_OFFICE,
        local(RIGA, 2026, 10, 23, 17, 0),  # Friday, EEST; clocks go back on Sunday
        local(RIGA, 2026, 10, 26, 16, 0),  # Monday, EET: 14:00 UTC
        id="business hours across the autumn DST change in Riga",
    ),
    pytest.param(
        BusinessDuration(business=timedelta(hours=24)),
        RIGA_AROUND_THE_CLOCK,
        local(RIGA, 2026, 3, 28, 12, 0),  # Saturday 10:00 UTC
        local(RIGA, 2026, 3, 29, 13, 0),  # 24 real hours later: the night had 23 on the wall
        id="round-the-clock business time counts real hours over the DST night",
    ),
    pytest.param(
        timedelta(days=1),
        TALLINN_OFFICE,
        local(TALLINN, 2025, 2, 21, 17, 55),
        local(TALLINN, 2025, 2, 22, 17, 55),  # Saturday: the calendar does not matter
        id="wall-clock deadline ignores hours and holidays",
    ),
    pytest.param(
        timedelta(days=1),
        RIGA_OFFICE,
        local(RIGA, 2026, 3, 28, 12, 0),
        local(RIGA, 2026, 3, 29, 13, 0),  # 24 real hours, as `now + deadline` always was
        id="wall-clock deadline across the DST change is 24 real hours",
    ),
]


@pytest.mark.parametrize(("deadline", "spec", "now", "due"), CASES)
def test_due_at(deadline, spec, now, due) -> None:
    assert due_at(deadline, calendar(spec, now), now) == due
    assert due_at(deadline, calendar(spec, now), now).tzinfo is not None


@pytest.mark.parametrize(
    "deadline", [timedelta(hours=8), timedelta(days=2), timedelta(microseconds=1)]
)
def test_a_wall_clock_deadline_is_now_plus_its_duration_with_or_without_a_calendar(
    deadline,
) -> None:
    now = datetime(2026, 11, 27, 15, 55, tzinfo=UTC)
    assert due_at(deadline, None, now) == now + deadline
    assert due_at(deadline, calendar(TALLINN_OFFICE, now), now) == now + deadline


def test_a_business_deadline_needs_the_calendar() -> None:
    with pytest.raises(NoCalendar, match="needs the store's calendar"):
        due_at(EIGHT_HOURS, None, datetime(2026, 11, 27, tzinfo=UTC))


def test_the_calendar_is_the_stores_and_only_read_for_business_deadlines() -> None:
    at = local(TALLINN, 2025, 2, 21, 17, 55)
    riga_store = make_intake(complaint_id="c-1", store="riga-1")
    sla = SlaPolicy(
        calendars={"default": TALLINN_OFFICE, "riga": RIGA_OFFICE},
        store_calendars={"riga-1": "riga"},
    )
    wall = CompanyPolicy(sla=sla)
    business = CompanyPolicy(sla=sla, deadlines=Deadlines(manager_response=EIGHT_HOURS))
    events = [ev.Received(at=at, intake=riga_store, policy_version="v1")]

    assert not needs_calendar(wall) and calendar_of(events, wall) is None
    assert needs_calendar(business) and calendar_of([], business) is None
    found = calendar_of(events, business)
    assert found is not None and found.zone == RIGA
    # Latvia's 24 February is a working day, Estonia's is not.
    assert due_at(EIGHT_HOURS, found, at) == local(RIGA, 2025, 2, 24, 16, 55)


FRIDAY_EVENING = local(TALLINN, 2025, 2, 21, 17, 55)
BUSINESS = CompanyPolicy(
    deadlines=Deadlines(
        manager_response=EIGHT_HOURS,
        callback_interval=BusinessDuration(business=timedelta(hours=9)),
        follow_up_delay=BusinessDuration(business=timedelta(hours=18)),
    )
)


def test_an_escalation_pages_and_promises_by_the_business_instants() -> None:
    """The deadline recorded, the page's and the instant told the customer are one."""
    cal = calendar(TALLINN_OFFICE, FRIDAY_EVENING)
    state = escalated(make_intake(complaint_id="c-1"), FRIDAY_EVENING)
    plan = lifecycle.escalate(
        state, EscalationReason.APPEAL, None, BUSINESS, FRIDAY_EVENING, calendar=cal
    )
    [escalation] = [s for s in plan if isinstance(s, ev.Escalated)]
    [promise] = [s for s in plan if isinstance(s, ev.CallbackPromised)]
    [notice] = [s for s in plan if isinstance(s, Tell)]
    assert escalation.respond_by == local(TALLINN, 2025, 2, 25, 16, 55)
    assert promise.due == local(TALLINN, 2025, 2, 25, 17, 55)  # 9 business hours
    assert notice.kind is MessageKind.ESCALATION_NOTICE
    assert notice.facts["callback_by"] == promise.due


def test_a_wall_clock_policy_plans_exactly_as_before() -> None:
    policy = CompanyPolicy()
    state = escalated(make_intake(complaint_id="c-1"), FRIDAY_EVENING)
    with_calendar = lifecycle.escalate(
        state,
        EscalationReason.APPEAL,
        None,
        policy,
        FRIDAY_EVENING,
        calendar=calendar(TALLINN_OFFICE, FRIDAY_EVENING),
    )
    without = lifecycle.escalate(state, EscalationReason.APPEAL, None, policy, FRIDAY_EVENING)
    assert with_calendar == without
    [escalation] = [s for s in without if isinstance(s, ev.Escalated)]
    assert escalation.respond_by == FRIDAY_EVENING + policy.deadlines.manager_response
