"""Business time: working time on a store's calendar.

A business duration counts the real time elapsed inside working hours (so a day whose
hours span a DST change is an hour shorter or longer), on working days: neither a public
holiday of the calendar's country (the `holidays` package) nor a company closure. All
instants are aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schemas.policy import BusinessCalendar, Weekday

SEARCH_DAYS = 3 * 366
"""How far ahead `add` looks for working time before it gives up on the calendar."""
HOLIDAY_YEARS = (-1, 4)
"""The public holidays a complaint's calendar knows: from the year before receipt to three
after."""


class NoWorkingTime(ValueError):
    """The calendar has no working time within `SEARCH_DAYS` of the instant."""


class Calendar:
    """A `BusinessCalendar` ready to answer: its zone, its hours and its days off.

    With `years`, the public holidays of those years are read once, here, and no others
    count (what the workflow does: the package is never called again while it runs);
    without, each year is read from the package when first asked about.
    """

    def __init__(self, spec: BusinessCalendar, years: range | None = None) -> None:
        self.zone = ZoneInfo(spec.time_zone)
        self._hours = [
            sorted((s.opens, s.closes) for s in spec.hours.get(day, [])) for day in Weekday
        ]
        self._public: Container[date] | None = None
        if spec.country:
            import holidays  # here, not on import: a process that reads no calendar saves it

            public = holidays.country_holidays(spec.country, subdiv=spec.subdivision, years=years)
            self._public = public if years is None else frozenset(public)
        self._closures = [(c.first_day, c.last_day) for c in spec.closures]

    def is_day_off(self, day: date) -> bool:
        """A public holiday or a company closure (weekly hours aside)."""
        if self._public is not None and day in self._public:
            return True
        return any(first <= day <= last for first, last in self._closures)

    def stretches(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working stretches as UTC instants, in order (none on a day off)."""
        if self.is_day_off(day):
            return []
        found = []
        for opens, closes in self._hours[day.weekday()]:
            begin = self._instant(day, opens)
            end = self._instant(day + timedelta(days=1), time(0)) if closes == time(0) else None
            end = end or self._instant(day, closes)
            if end > begin:
                found.append((begin, end))
        return found

    def _instant(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()


def at_receipt(spec: BusinessCalendar, received_at: datetime) -> Calendar:
    """The calendar of a complaint received at `received_at`: its public holidays read once,
    for `HOLIDAY_YEARS` around that year."""
    first, after_last = HOLIDAY_YEARS
    return Calendar(spec, range(received_at.year + first, received_at.year + after_last))


def add(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The instant `duration` of business time after `start` (`start` itself for zero)."""
    if duration < timedelta(0):
        raise ValueError(f"a business duration cannot be negative ({duration})")
    start = start.astimezone(UTC)
    remaining = duration
    if not remaining:
        return start
    day = calendar.local_day(start)
    for _ in range(SEARCH_DAYS):
        for begin, end in calendar.stretches(day):
            if end <= start:
                continue
            begin = max(begin, start)
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        day += timedelta(days=1)
    raise NoWorkingTime(f"no working time within {SEARCH_DAYS} days of {start.isoformat()}")


def between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """The business time from `start` to `end` (`start` must not be after `end`)."""
    if end < start:
        raise ValueError(f"{end.isoformat()} is before {start.isoformat()}")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = timedelta(0)
    day, last = calendar.local_day(start), calendar.local_day(end)
    while day <= last:
        for begin, finish in calendar.stretches(day):
            overlap = min(finish, end) - max(begin, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def is_working(calendar: Calendar, instant: datetime) -> bool:
    """Whether `instant` lies inside a working stretch (opening included, closing not)."""
    instant = instant.astimezone(UTC)
    day = calendar.local_day(instant)
    return any(begin <= instant < end for begin, end in calendar.stretches(day))
