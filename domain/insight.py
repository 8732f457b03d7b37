"""What the complaints say about the business (ISO 10002's analysis step), from their records.

A pure function of the complaints' domain event logs and a period: volumes and daily trends
by category, order and store, time to resolution, first-contact resolution, reopen and
escalation rates, SLA compliance and satisfaction where the records know them, and the top
decline reasons. The CLI's `complaints report` prints it (`cli/report.py`); where the logs
come from is `sdk.insight`'s business.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from schemas.events import DomainEvent
from schemas.messages import Outcome

RESOLVED = {Outcome.RESOLVED_CONFIRMED, Outcome.RESOLVED_UNCONFIRMED}
SLA_BREACH_EVENTS = {"SlaBreached"}
SATISFACTION_FIELDS = ("satisfaction", "score")
"""An event field holding a satisfaction score (1-5), if the record has one."""
TOP = 10


class Insight(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    """The period: complaints filed on `start` up to the day before `end`."""
    filed: int
    closed: int
    by_category: dict[str, int]
    by_store: dict[str, int]
    by_order: dict[str, int]
    """The orders (products) complained about most, top ten."""
    by_day: dict[str, dict[str, int]]
    """Trend: per day (ISO date), complaints filed per category."""
    outcomes: dict[str, int]
    resolution_hours_median: float | None
    resolution_hours_p90: float | None
    first_contact_resolution: float | None
    """Of closed complaints: resolved without an escalation, a decline or a reopen."""
    reopen_rate: float | None
    escalation_rate: float | None
    sla_compliance: float | None
    """Share without an SLA breach; None when the records hold no SLA events."""
    top_decline_reasons: dict[str, int]
    satisfaction_mean: float | None
    """Mean satisfaction score; None when the records hold none."""
    satisfaction_count: int


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _top(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP])


def _p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=10, method="inclusive")[-1], 2)


def _closing(log: Sequence[DomainEvent]) -> DomainEvent | None:
    """The `Closed` event that closed the complaint for now: the last one, unless a reopen
    followed it (aftercare records the survey and the reopen window after it)."""
    for event in reversed(log):
        if event.type == "Closed":
            return event
        if event.type == "Reopened":
            return None
    return None


def insight(logs: Iterable[Sequence[DomainEvent]], start: date, end: date) -> Insight:
    """The report over the complaints filed in [start, end)."""
    category: Counter[str] = Counter()
    store: Counter[str] = Counter()
    order: Counter[str] = Counter()
    day: dict[str, Counter[str]] = {}
    outcomes: Counter[str] = Counter()
    declines: Counter[str] = Counter()
    hours: list[float] = []
    scores: list[float] = []
    filed = closed = first_contact = reopened = escalated = breached = 0
    sla_known = False
    for log in logs:
        if not log or log[0].type != "Received" or not start <= log[0].at.date() < end:
            continue
        received = log[0]
        intake = received.intake
        filed += 1
        category[intake.category.value] += 1
        store[intake.store or "(none)"] += 1
        if intake.order_reference:
            order[intake.order_reference] += 1
        day.setdefault(received.at.date().isoformat(), Counter())[intake.category.value] += 1
        types = Counter(e.type for e in log)
        reopened += types["Reopened"] > 0
        escalated += types["Escalated"] > 0
        sla = [e for e in log if e.type in SLA_BREACH_EVENTS or e.type.startswith("Sla")]
        sla_known = sla_known or bool(sla)
        breached += any(e.type in SLA_BREACH_EVENTS for e in sla)
        for e in log:
            if e.type == "Declined":
                declines.update(r.code.value for r in e.reasons)
            for name in SATISFACTION_FIELDS:
                if isinstance(getattr(e, name, None), int | float):
                    scores.append(float(getattr(e, name)))
        end_event = _closing(log)
        if end_event is not None:
            closed += 1
            outcomes[end_event.outcome.value] += 1
            hours.append((end_event.at - received.at).total_seconds() / 3600)
            straight = not (types["Escalated"] or types["Declined"] or types["Reopened"])
            first_contact += straight and end_event.outcome in RESOLVED
    return Insight(
        start=start,
        end=end,
        filed=filed,
        closed=closed,
        by_category=_top(category) if len(category) <= TOP else dict(category.most_common()),
        by_store=dict(sorted(store.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_order=_top(order),
        by_day={d: dict(sorted(c.items())) for d, c in sorted(day.items())},
        outcomes=dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
        resolution_hours_median=round(statistics.median(hours), 2) if hours else None,
        resolution_hours_p90=_p90(hours),
        first_contact_resolution=_rate(first_contact, closed),
        reopen_rate=_rate(reopened, filed),
        escalation_rate=_rate(escalated, filed),
        sla_compliance=_rate(filed - breached, filed) if sla_known else None,
        top_decline_reasons=_top(declines),
        satisfaction_mean=round(statistics.fmean(scores), 2) if scores else None,
        satisfaction_count=len(scores),
    )
