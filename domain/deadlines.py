"""Deadlines: when a policy's deadline, started at an instant, falls due.

A wall-clock deadline falls due its duration later; a business one after that much working
time on the complaint's store calendar (`domain.business_time`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from domain.business_time import Calendar, add, at_receipt
from schemas import events as ev
from schemas.events import DomainEvent
from schemas.policy import BusinessDuration, CompanyPolicy


class NoCalendar(ValueError):
    """A business deadline was asked for without the store's calendar."""


def due_at(
    deadline: timedelta | BusinessDuration, calendar: Calendar | None, now: datetime
) -> datetime:
    """The instant (in UTC) `deadline` started at `now` falls due; wall-clock deadlines count
    real time, so a day across a DST change is 24 hours, whatever zone `now` is in."""
    if not isinstance(deadline, BusinessDuration):
        return now.astimezone(UTC) + deadline
    if calendar is None:
        raise NoCalendar(f"a business deadline ({deadline.business}) needs the store's calendar")
    return add(calendar, now, deadline.business)


def needs_calendar(policy: CompanyPolicy) -> bool:
    """Whether any of the policy's deadlines is in business time."""
    return bool(policy.deadlines.business())


def calendar_of(events: Iterable[DomainEvent], policy: CompanyPolicy) -> Calendar | None:
    """The calendar business deadlines count on: the received complaint's store calendar,
    with the public holidays of the years around receipt (None before receipt, or when
    every deadline is wall-clock)."""
    if not needs_calendar(policy):
        return None
    received = next((e for e in events if isinstance(e, ev.Received)), None)
    if received is None:
        return None
    return at_receipt(policy.sla.calendar_for(received.intake.store), received.at)
