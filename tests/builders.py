"""Complaint states the domain tests start from, built as the workflow builds them: a fold."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from domain.evolve import fold
from schemas import events as ev
from schemas.events import EscalationReason
from schemas.intake import ComplaintIntake
from schemas.policy import (
    BusinessCalendar,
    CompanyPolicy,
    Deadlines,
    OpeningHours,
    OperationsQueue,
    SlaPolicy,
    Weekday,
)
from schemas.remedies import Remedy
from schemas.staff import StaffRole
from schemas.state import ComplaintState
from tests.signing import identified

ENDS_AT_CLOSING = CompanyPolicy(
    deadlines=Deadlines(reopen_grace=timedelta(0)), link_duplicates=False
)
"""The default policy without aftercare: no reopen window or survey (the run ends at
closing) and no duplicate linking (the tests' complaints share a customer and an order)."""

ALWAYS_OPEN = BusinessCalendar(
    country=None, hours={d: [OpeningHours(opens=time(0), closes=time(0))] for d in Weekday}
)
"""A calendar open around the clock, every day: business time is real time."""


def escalated(
    intake: ComplaintIntake,
    at: datetime,
    *,
    level: int = 1,
    requested: Remedy | None = None,
    policy_exception: bool = False,
    reminded: bool = False,
) -> ComplaintState:
    """Waiting for a manager at `level` (no receipt if a policy exception, else beyond the
    agent's authority), with the demo directory's managers recorded as who may decide."""
    events: list[ev.DomainEvent] = [
        ev.Received(at=at, intake=intake, policy_version="v1"),
        ev.Escalated(
            at=at,
            level=1,
            reason=EscalationReason.NO_RECEIPT
            if policy_exception
            else EscalationReason.BEYOND_AUTHORITY,
            requested=requested,
            policy_exception=policy_exception,
            respond_by=at,
        ),
        identified(StaffRole.MANAGER, 1, at),
    ]
    if level > 1:
        events += [
            ev.EscalatedToNextLevel(at=at, from_level=1, to_level=level, respond_by=at),
            identified(StaffRole.MANAGER, level, at),
        ]
    if reminded:
        events.append(ev.ManagerReminded(at=at, level=level, respond_by=at))
    return fold(events)


QUICK_QUEUE = CompanyPolicy(
    version="quick-operations-queue",
    deadlines=Deadlines(specialist_review=timedelta(seconds=1)),
    operations=OperationsQueue(specialist_reminders=0),
    sla=SlaPolicy(enabled=False),
)
"""For real-time servers: a paused conversation moves to the operations queue a second after
it pauses (and a second after each reassignment nobody takes up)."""
