"""Business time on calendars with holidays, closures and DST changes: a table of cases
worked out by hand, and properties over random instants around the hard days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.business_time import Calendar, NoWorkingTime, add, between, is_working
from schemas.policy import BusinessCalendar, Closure, OpeningHours, Weekday

TALLINN = ZoneInfo("Europe/Tallinn")
RIGA = ZoneInfo("Europe/Riga")

ESTONIAN_OFFICE = BusinessCalendar()
"""The default: Monday to Friday 09:00-18:00 in Tallinn, Estonian public holidays."""
RIGA_OFFICE = BusinessCalendar(time_zone="Europe/Riga", country="LV")
RIGA_ROUND_THE_CLOCK = BusinessCalendar(
    time_zone="Europe/Riga",
    country=None,
    hours={day: [OpeningHours(opens=time(0), closes=time(0))] for day in Weekday},
)
RIGA_NIGHT_SHIFT = BusinessCalendar(
    time_zone="Europe/Riga",
    country="LV",
    hours={
        day: [
            OpeningHours(opens=time(1), closes=time(5)),
            OpeningHours(opens=time(10), closes=time(14)),
        ]
        for day in Weekday
    },
    closures=[Closure(first_day=date(2026, 12, 27), last_day=date(2026, 12, 31), reason="Stock")],
)
"""Hours that straddle both DST changes (03:00 and 04:00 local), seven days a week."""
CLOSED_FOR_INVENTORY = ESTONIAN_OFFICE.model_copy(
    update={
        "closures": [
            Closure(first_day=date(2026, 12, 28), last_day=date(2026, 12, 30), reason="Inventory")
        ]
    }
)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


CASES = [
    pytest.param(
        ESTONIAN_OFFICE,
        local(TALLINN, 2028, 12, 29, 17, 55),
        timedelta(hours=1),
        local(TALLINN, 2029, 1, 2, 9, 55),
        id="Friday 17:55 before New Year's Day on a Monday: five minutes, then Tuesday",
    ),
    pytest.param(
        ESTONIAN_OFFICE,
        local(TALLINN, 2026, 4, 2, 17, 55),
        timedelta(hours=1),
        local(TALLINN, 2026, 4, 6, 9, 55),
        id="Thursday 17:55 before Good Friday: Monday",
    ),
    pytest.param(
        ESTONIAN_OFFICE,
        local(TALLINN, 2026, 6, 19, 17, 55),
        timedelta(minutes=10),
        local(TALLINN, 2026, 6, 22, 9, 5),
        id="Friday 17:55 before Victory Day: Monday 22 June still works",
    ),
    pytest.param(
        ESTONIAN_OFFICE,
        local(TALLINN, 2026, 6, 22, 17, 55),
        timedelta(minutes=10),
        local(TALLINN, 2026, 6, 25, 9, 5),
        id="Monday 17:55 before Victory Day and Midsummer Day: Thursday",
    ),
    pytest.param(
        ESTONIAN_OFFICE,
        local(TALLINN, 2026, 12, 5, 11, 0),
        timedelta(hours=2),
        local(TALLINN, 2026, 12, 7, 11, 0),
        id="Filed on a Saturday: the clock starts on Monday morning",
    ),
    pytest.param(
        CLOSED_FOR_INVENTORY,
        local(TALLINN, 2026, 12, 23, 17, 0),
        timedelta(hours=2),
        local(TALLINN, 2026, 12, 31, 10, 0),
        id="Christmas holidays, a weekend and a company closure in a row",
    ),
    pytest.param(
        RIGA_OFFICE,
        local(RIGA, 2026, 3, 27, 16, 0),
        timedelta(hours=3),
        local(RIGA, 2026, 3, 30, 10, 0),
        id="Riga, over the spring DST change: the wall clock holds (Monday 10:00 EEST)",
    ),
    pytest.param(
        RIGA_OFFICE,
        local(RIGA, 2026, 10, 23, 16, 0),
        timedelta(hours=3),
        local(RIGA, 2026, 10, 26, 10, 0),
        id="Riga, over the autumn DST change: Monday 10:00 EET",
    ),
    pytest.param(
        RIGA_ROUND_THE_CLOCK,
        local(RIGA, 2026, 3, 28, 12, 0),
        timedelta(hours=24),
        local(RIGA, 2026, 3, 29, 13, 0),
        id="Riga around the clock: the spring day has 23 hours",
    ),
    pytest.param(
        RIGA_ROUND_THE_CLOCK,
        local(RIGA, 2026, 10, 24, 12, 0),
        timedelta(hours=24),
        local(RIGA, 2026, 10, 25, 11, 0),
        id="Riga around the clock: the autumn day has 25 hours",
    ),
    pytest.param(
        RIGA_OFFICE,
        local(RIGA, 2026, 5, 1, 17, 0),
        timedelta(hours=2),
        local(RIGA, 2026, 5, 5, 11, 0),
        id="Riga, filed on Labour Day (a Friday); Monday 4 May is Restoration Day: Tuesday",
    ),
]


@pytest.mark.parametrize("spec, start, duration, expected", CASES)
def test_adding_business_time(spec, start, duration, expected):
    calendar = Calendar(spec)
    assert add(calendar, start, duration) == expected
    assert between(calendar, start, expected) == duration


def test_a_night_shift_over_the_spring_change_loses_the_missing_hour():
    calendar = Calendar(RIGA_NIGHT_SHIFT)
    night = (local(RIGA, 2026, 3, 29, 0, 0), local(RIGA, 2026, 3, 29, 6, 0))
    assert between(calendar, *night) == timedelta(hours=3)
    autumn = (local(RIGA, 2026, 10, 25, 0, 0), local(RIGA, 2026, 10, 25, 6, 0))
    assert between(calendar, *autumn) == timedelta(hours=5)


def test_zero_is_the_start_itself_and_negative_is_refused():
    calendar = Calendar(ESTONIAN_OFFICE)
    saturday = local(TALLINN, 2026, 12, 5, 11, 0)
    assert add(calendar, saturday, timedelta(0)) == saturday
    with pytest.raises(ValueError, match="negative"):
        add(calendar, saturday, timedelta(seconds=-1))
    with pytest.raises(ValueError, match="before"):
        between(calendar, saturday, saturday - timedelta(seconds=1))


def test_a_calendar_closed_for_years_gives_up_with_a_clear_error():
    spec = ESTONIAN_OFFICE.model_copy(
        update={
            "closures": [
                Closure(first_day=date(2026, 1, 1), last_day=date(2030, 1, 1), reason="Closed")
            ]
        }
    )
    with pytest.raises(NoWorkingTime, match="no working time within"):
        add(Calendar(spec), local(TALLINN, 2026, 1, 2, 10, 0), timedelta(hours=1))


# Instants around the hard days: both DST changes in 2026 and 2027, Christmas, New Year's
# Day 2029 on a Monday, Midsummer; and anywhere in between.
HARD_DAYS = [
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2027, 3, 28, tzinfo=UTC),
    datetime(2027, 10, 31, tzinfo=UTC),
    datetime(2026, 12, 24, tzinfo=UTC),
    datetime(2028, 12, 29, tzinfo=UTC),
    datetime(2026, 6, 23, tzinfo=UTC),
]
instants = st.one_of(
    st.builds(
        lambda day, offset: day + offset,
        st.sampled_from(HARD_DAYS),
        st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)),
    ),
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2029, 12, 31)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
SPECS = [ESTONIAN_OFFICE, RIGA_OFFICE, RIGA_ROUND_THE_CLOCK, RIGA_NIGHT_SHIFT, CLOSED_FOR_INVENTORY]
CALENDARS = {id(spec): Calendar(spec) for spec in SPECS}
calendars = st.sampled_from(SPECS).map(lambda spec: CALENDARS[id(spec)])
specs = st.sampled_from(SPECS)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, durations)
def test_the_time_added_is_the_time_between(calendar, start, duration):
    end = add(calendar, start, duration)
    assert end >= start
    assert between(calendar, start, end) == duration
    assert between(calendar, start, end) <= end - start


@settings(max_examples=200, deadline=None)
@given(calendars, instants, durations, durations)
def test_adding_in_two_steps_is_adding_once(calendar, start, first, second):
    assert add(calendar, add(calendar, start, first), second) == add(
        calendar, start, first + second
    )
    assert add(calendar, start, first) <= add(calendar, start, first + second)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, instants)
def test_business_time_between_adds_up(calendar, a, b, c):
    a, b, c = sorted([a, b, c])
    assert between(calendar, a, b) + between(calendar, b, c) == between(calendar, a, c)


@settings(max_examples=300, deadline=None)
@given(specs, instants, durations.filter(bool))
def test_a_deadline_falls_in_working_time_never_on_a_holiday(spec, start, duration):
    calendar = CALENDARS[id(spec)]
    end = add(calendar, start, duration)
    last_worked = end - timedelta(microseconds=1)
    assert last_worked >= start
    assert is_working(calendar, last_worked)
    day = calendar.local_day(last_worked)
    if spec.country:
        assert day not in holidays.country_holidays(spec.country), day
    assert not any(c.first_day <= day <= c.last_day for c in spec.closures), day
    weekday = list(Weekday)[day.weekday()]
    assert spec.hours.get(weekday), day
