"""The SLA clocks, a fold of the complaint's events.

Three clocks run against the severity's targets in business time on the store's calendar:
first response (receipt to the first answer beyond the acknowledgement), next update (from
each word to the customer to the next) and resolution (receipt to resolution; a reopen
starts it again where it stopped). A clock pauses exactly while we wait on the customer
(details, a choice, a follow-up answer) and for nothing else: a manager's silence, a
specialist's review or a failed remedy all count. It warns at the policy's fraction of its
target and breaches at the whole; both are events, recorded by the workflow when
`reactions` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from domain.business_time import Calendar, add, at_receipt, between
from domain.plan import Page, Plan, Tell
from schemas import events as ev
from schemas.effects import PageKind
from schemas.events import DomainEvent
from schemas.policy import CompanyPolicy, SlaPolicy, SlaTargets
from schemas.sla import ClockKind, ClockStatus, SlaState

WAITS_ON_CUSTOMER = (ev.DetailsRequested, ev.SolutionsProposed, ev.Declined, ev.FollowUpSent)
"""We asked the customer something and wait for their answer."""
CUSTOMER_ANSWERS = (
    ev.DetailsProvided,
    ev.DetailsDeadlinePassed,
    ev.SolutionChosen,
    ev.Appealed,
    ev.FixConfirmed,
    ev.Reopened,
    ev.Withdrawn,
    ev.Closed,
)
"""The wait is over: an answer, or the deadline that stands for one."""
RESPONSES = (
    ev.DetailsRequested,
    ev.SolutionsProposed,
    ev.Declined,
    ev.CallbackPromised,
    ev.CallbackMade,
    ev.Resolved,
    ev.FollowUpSent,
)
"""What tells the customer where their complaint stands (the acknowledgement aside)."""


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    target: timedelta
    status: ClockStatus = ClockStatus.STOPPED
    used: timedelta = timedelta(0)
    """Business time run before `since`."""
    since: datetime | None = None
    """When it last started, paused or stopped."""
    warned: bool = False
    breached: bool = False
    pauses: int = 0
    started: bool = False


@dataclass(frozen=True)
class Clocks:
    """The three clocks of one complaint, and whether we wait on the customer."""

    calendar: Calendar
    warning_fraction: float
    escalating: frozenset[ClockKind]
    clocks: dict[ClockKind, Clock] = field(default_factory=dict)
    waiting_on_customer: bool = False

    def __getitem__(self, kind: ClockKind) -> Clock:
        return self.clocks[kind]

    def used(self, kind: ClockKind, now: datetime) -> timedelta:
        """Business time the clock has run, up to `now` if it is running."""
        clock = self.clocks[kind]
        if clock.status is ClockStatus.RUNNING:
            return clock.used + between(self.calendar, clock.since, max(now, clock.since))
        return clock.used

    def due_at(self, kind: ClockKind) -> datetime | None:
        """When a running clock reaches its target (None unless running)."""
        return self._after(kind, self.clocks[kind].target)

    def warn_at(self, kind: ClockKind) -> datetime | None:
        """When a running clock reaches the warning fraction of its target."""
        clock = self.clocks[kind]
        threshold = clock.target * self.warning_fraction
        return self._after(kind, timedelta(seconds=round(threshold.total_seconds())))

    def _after(self, kind: ClockKind, amount: timedelta) -> datetime | None:
        clock = self.clocks[kind]
        if clock.status is not ClockStatus.RUNNING:
            return None
        return add(self.calendar, clock.since, max(amount - clock.used, timedelta(0)))


def start(sla: SlaPolicy, targets: SlaTargets, calendar: Calendar) -> Clocks:
    return Clocks(
        calendar=calendar,
        warning_fraction=float(sla.warning_fraction),
        escalating=sla.escalate_on_breach,
        clocks={kind: Clock(kind=kind, target=targets.of(kind)) for kind in ClockKind},
    )


def retarget(clocks: Clocks, targets: SlaTargets) -> Clocks:
    """The clocks held to another severity's targets (what they used so far still counts)."""
    changed = {kind: replace(c, target=targets.of(kind)) for kind, c in clocks.clocks.items()}
    return replace(clocks, clocks=changed)


def fold_clocks(events: Iterable[DomainEvent], sla: SlaPolicy) -> Clocks | None:
    """The clocks after `events` (None before the complaint is received). The calendar's
    public holidays are read once, at receipt (`business_time.at_receipt`)."""
    clocks: Clocks | None = None
    for event in events:
        if isinstance(event, ev.Received):
            intake = event.intake
            calendar = at_receipt(sla.calendar_for(intake.store), event.at)
            clocks = start(sla, sla.targets[intake.severity], calendar)
        if isinstance(event, ev.SeverityRaised) and clocks is not None:
            clocks = retarget(clocks, sla.targets[event.to_severity])
        if clocks is not None:
            clocks = evolve_clocks(clocks, event)
    return clocks


def evolve_clocks(clocks: Clocks, event: DomainEvent) -> Clocks:  # noqa: C901 - one rule a line
    """Apply one event to the clocks."""
    at = event.at
    c = dict(clocks.clocks)
    waiting = clocks.waiting_on_customer
    cal = clocks.calendar
    first, update, resolution = (
        ClockKind.FIRST_RESPONSE,
        ClockKind.NEXT_UPDATE,
        ClockKind.RESOLUTION,
    )

    match event:
        case ev.SlaWarned(clock=kind):
            c[kind] = replace(c[kind], warned=True)
            return replace(clocks, clocks=c)
        case ev.SlaBreached(clock=kind):
            c[kind] = replace(c[kind], breached=True)
            return replace(clocks, clocks=c)
        case ev.Received():
            c[first] = _run(c[first], at)
            c[resolution] = _run(c[resolution], at)
            return replace(clocks, clocks=c)

    if isinstance(event, CUSTOMER_ANSWERS) and waiting:
        waiting = False
        c = {kind: _resume(clock, at) for kind, clock in c.items()}
    if isinstance(event, RESPONSES):
        c[first] = _stop(cal, c[first], at)
        if c[resolution].status is not ClockStatus.STOPPED:  # an update owed on an open case
            c[update] = _run(Clock(kind=update, target=c[update].target), at)
    if isinstance(event, ev.Reopened):
        c[resolution] = _run(c[resolution], at)
        c[update] = _run(Clock(kind=update, target=c[update].target), at)
    if isinstance(event, ev.Resolved | ev.Withdrawn | ev.Closed):
        c = {kind: _stop(cal, clock, at) for kind, clock in c.items()}
    if isinstance(event, WAITS_ON_CUSTOMER) and not waiting:
        waiting = True
        c = {kind: _pause(cal, clock, at) for kind, clock in c.items()}
    return replace(clocks, clocks=c, waiting_on_customer=waiting)


def _run(clock: Clock, at: datetime) -> Clock:
    if clock.status is ClockStatus.RUNNING:
        return clock
    return replace(clock, status=ClockStatus.RUNNING, since=at, started=True)


def _pause(calendar: Calendar, clock: Clock, at: datetime) -> Clock:
    if clock.status is not ClockStatus.RUNNING:
        return clock
    used = clock.used + between(calendar, clock.since, at)
    return replace(clock, status=ClockStatus.PAUSED, used=used, since=at, pauses=clock.pauses + 1)


def _resume(clock: Clock, at: datetime) -> Clock:
    if clock.status is not ClockStatus.PAUSED:
        return clock
    return replace(clock, status=ClockStatus.RUNNING, since=at)


def _stop(calendar: Calendar, clock: Clock, at: datetime) -> Clock:
    if clock.status is ClockStatus.RUNNING:
        used = clock.used + between(calendar, clock.since, at)
        return replace(clock, status=ClockStatus.STOPPED, used=used, since=at)
    if clock.status is ClockStatus.PAUSED:
        return replace(clock, status=ClockStatus.STOPPED, since=at)
    return clock


def reactions(clocks: Clocks, now: datetime) -> list[ev.SlaWarned | ev.SlaBreached]:
    """The warnings and breaches due by `now`, each once per run of its clock."""
    found: list[ev.SlaWarned | ev.SlaBreached] = []
    for kind, clock in clocks.clocks.items():
        due = clocks.due_at(kind)
        if due is None:
            continue
        warn = clocks.warn_at(kind)
        if not clock.warned and warn is not None and warn <= now:
            found.append(ev.SlaWarned(at=now, clock=kind, due_at=due))
        if not clock.breached and due <= now:
            escalate = kind in clocks.escalating
            found.append(ev.SlaBreached(at=now, clock=kind, due_at=due, escalate=escalate))
    return found


def on_clock_due(clocks: Clocks, policy: CompanyPolicy, now: datetime) -> Plan:
    """Record what is due; each breach the policy escalates pages the first manager level."""
    plan: Plan = []
    for event in reactions(clocks, now):
        plan.append(event)
        if isinstance(event, ev.SlaBreached) and event.escalate:
            manager = policy.manager(1)
            plan.append(
                Page(
                    kind=PageKind.SLA_BREACH,
                    level=manager.level,
                    title=manager.title,
                    reason=f"SLA breached: {event.clock.value.replace('_', ' ')}",
                )
            )
    return plan


def next_timer(clocks: Clocks) -> datetime | None:
    """When `reactions` will next have something to say (None while nothing runs)."""
    pending = []
    for kind, clock in clocks.clocks.items():
        if not clock.warned and (warn := clocks.warn_at(kind)) is not None:
            pending.append(warn)
        if not clock.breached and (due := clocks.due_at(kind)) is not None:
            pending.append(due)
    return min(pending, default=None)


def next_due(clocks: Clocks) -> datetime | None:
    """The earliest target a running clock has yet to breach: the `SlaDueAt` attribute."""
    dues = [
        due
        for kind, clock in clocks.clocks.items()
        if not clock.breached and (due := clocks.due_at(kind)) is not None
    ]
    return min(dues, default=None)


def sla_state(clocks: Clocks) -> SlaState:
    """Breached if any clock ever breached; else paused while we wait on the customer;
    else warning if a running clock warned; else ok."""
    states = clocks.clocks.values()
    if any(c.breached for c in states):
        return SlaState.BREACHED
    if clocks.waiting_on_customer and any(c.status is ClockStatus.PAUSED for c in states):
        return SlaState.PAUSED
    if any(c.warned and c.status is ClockStatus.RUNNING for c in states):
        return SlaState.WARNING
    return SlaState.OK


CALLBACK_LEAD = timedelta(minutes=1)
"""A promised callback comes this long before the next-update clock would warn."""


def callback_by(clocks: Clocks | None, plain: datetime, now: datetime) -> datetime:
    """When to promise a callback made `now`: the policy's plain interval, or earlier when
    the next-update clock (restarted by the promise) would warn before it: the call then
    comes `CALLBACK_LEAD` ahead of the warning, so an update is never late."""
    if clocks is None or clocks[ClockKind.RESOLUTION].status is ClockStatus.STOPPED:
        return plain  # no clocks, or the case is resolved: no update is owed
    update = clocks[ClockKind.NEXT_UPDATE]
    fraction = update.target * clocks.warning_fraction
    warns = add(clocks.calendar, now, timedelta(seconds=round(fraction.total_seconds())))
    ahead = warns - CALLBACK_LEAD
    return min(plain, ahead if ahead > now else warns)


def promises_callback(plan: Plan) -> bool:
    return any(isinstance(step, ev.CallbackPromised) for step in plan)


def keep_callbacks_on_time(plan: Plan, clocks: Clocks | None, now: datetime) -> Plan:
    """The plan with each callback it promises brought forward to `callback_by`: the
    promise recorded and the promise told the customer stay the same instant."""
    moved: dict[datetime, datetime] = {}
    kept: Plan = []
    for step in plan:
        if isinstance(step, ev.CallbackPromised):
            due = callback_by(clocks, step.due, now)
            moved[step.due] = due
            step = step.model_copy(update={"due": due})
        elif isinstance(step, Tell) and step.facts.get("callback_by") in moved:
            step = replace(
                step, facts={**step.facts, "callback_by": moved[step.facts["callback_by"]]}
            )
        kept.append(step)
    return kept
