"""Business metrics: what each recorded domain event means to an operator's dashboard.

A pure mapping from an event (and the events recorded before it) to metric observations;
the workflow hands them to the SDK's replay-safe meter (`workflows.metrics`). Names are
the ones `ops/` dashboards and alert rules use (`METRICS` lists them all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from schemas.events import DomainEvent


class Kind(StrEnum):
    COUNTER = "counter"
    HISTOGRAM = "histogram"
    """Float values: seconds or money."""


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    description: str
    unit: str | None = None


FILED = Metric("complaints_filed", Kind.COUNTER, "Complaints filed, by category and severity")
FIRST_RESPONSE = Metric(
    "complaints_first_response_seconds",
    Kind.HISTOGRAM,
    "From filing to the first answer on the substance (solutions proposed or declined)",
    "s",
)
ESCALATIONS = Metric(
    "complaints_escalations", Kind.COUNTER, "Escalations to a manager, by level and reason"
)
MANAGER_RESPONSE = Metric(
    "complaints_manager_response_seconds",
    Kind.HISTOGRAM,
    "From an escalation reaching a level to a manager's decision, by level and decision",
    "s",
)
REOPENS = Metric("complaints_reopened", Kind.COUNTER, "Fixes the customer said did not work")
REMEDIES = Metric("complaints_remedies", Kind.COUNTER, "Remedies carried out, by kind")
REMEDY_AMOUNT = Metric(
    "complaints_remedy_amount", Kind.HISTOGRAM, "What remedies carried out cost, by kind"
)
REMEDIES_REFUSED = Metric(
    "complaints_remedies_refused",
    Kind.COUNTER,
    "Remedies the commerce system refused (the complaint goes to a manager), by kind",
)
DECLINES = Metric("complaints_declined", Kind.COUNTER, "Requests declined, by reason")
ACTIONS_REFUSED = Metric(
    "complaints_actions_refused",
    Kind.COUNTER,
    "Customer and staff actions refused by the workflow's validators, by action",
)
CLOSED = Metric("complaints_closed", Kind.COUNTER, "Complaints closed, by outcome")
RESOLUTION = Metric(
    "complaints_resolution_seconds", Kind.HISTOGRAM, "From filing to closing, by outcome", "s"
)
MOVED_TO_OPERATIONS = Metric(
    "complaints_moved_to_operations",
    Kind.COUNTER,
    "Complaints moved to the operations queue after unanswered reminders, by whom they waited for",
)
REASSIGNED = Metric(
    "complaints_reassigned",
    Kind.COUNTER,
    "Complaints operations handed back from their queue, by the role they went to",
)
SURVEY_ANSWERS = Metric(
    "complaints_survey_answers", Kind.COUNTER, "Satisfaction survey answers, by score (1-5)"
)
SLA_WARNINGS = Metric("complaints_sla_warnings", Kind.COUNTER, "SLA deadlines close to breach")
SLA_BREACHES = Metric("complaints_sla_breaches", Kind.COUNTER, "SLA deadlines breached")

METRICS = (
    FILED,
    FIRST_RESPONSE,
    ESCALATIONS,
    MANAGER_RESPONSE,
    REOPENS,
    REMEDIES,
    REMEDY_AMOUNT,
    REMEDIES_REFUSED,
    DECLINES,
    ACTIONS_REFUSED,
    CLOSED,
    RESOLUTION,
    MOVED_TO_OPERATIONS,
    REASSIGNED,
    SURVEY_ANSWERS,
    SLA_WARNINGS,
    SLA_BREACHES,
)

SLA_EVENTS = {"SlaWarned": SLA_WARNINGS, "SlaWarning": SLA_WARNINGS, "SlaBreached": SLA_BREACHES}
"""SLA events by type name, if the record has them; their clock (the first of
`SLA_FIELDS` the event has) becomes the `sla` attribute."""
SLA_FIELDS = ("clock", "sla", "target", "kind")


@dataclass(frozen=True)
class Observation:
    metric: Metric
    value: float = 1
    attributes: dict[str, str] = field(default_factory=dict)


def _first(history: Sequence[DomainEvent], *types: str) -> DomainEvent | None:
    return next((e for e in history if e.type in types), None)


def _last(history: Sequence[DomainEvent], *types: str) -> DomainEvent | None:
    return next((e for e in reversed(history) if e.type in types), None)


def _since(event: DomainEvent, start: DomainEvent | None) -> float | None:
    if start is None:
        return None
    return max((event.at - start.at).total_seconds(), 0.0)


def observe(history: Sequence[DomainEvent], event: DomainEvent) -> list[Observation]:
    """What `event` adds to the metrics, given the events recorded before it."""
    match event.type:
        case "Received":
            intake = event.intake
            return [
                Observation(
                    FILED,
                    attributes={
                        "category": intake.category.value,
                        "severity": intake.severity.value,
                        "channel": intake.channel.value,
                    },
                )
            ]
        case "SolutionsProposed" | "Declined":
            first = _first(history, "SolutionsProposed", "Declined") is None
            waited = _since(event, _first(history, "Received")) if first else None
            timed = [] if waited is None else [Observation(FIRST_RESPONSE, waited)]
            return timed + _declines(event)
        case "Escalated":
            return [
                Observation(
                    ESCALATIONS,
                    attributes={"level": str(event.level), "reason": event.reason.value},
                )
            ]
        case "EscalatedToNextLevel":
            attributes = {"level": str(event.to_level), "reason": "manager_silent"}
            return [Observation(ESCALATIONS, attributes=attributes)]
        case "ManagerDecided":
            waited = _since(event, _last(history, "Escalated", "EscalatedToNextLevel"))
            attributes = {"level": str(event.level), "decision": event.decision.kind.value}
            return [] if waited is None else [Observation(MANAGER_RESPONSE, waited, attributes)]
        case "Reopened":
            return [Observation(REOPENS)]
        case "MovedToOperations":
            waited = {"waited_for": event.waited_for.value}
            return [Observation(MOVED_TO_OPERATIONS, attributes=waited)]
        case "Reassigned":
            return [Observation(REASSIGNED, attributes={"role": event.role.value})]
        case "RemedyExecuted":
            kind = {"kind": event.remedy.kind.value}
            return [
                Observation(REMEDIES, attributes=kind),
                Observation(REMEDY_AMOUNT, float(event.remedy.amount), kind),
            ]
        case "RemedyFailed":
            return [Observation(REMEDIES_REFUSED, attributes={"kind": event.remedy.kind.value})]
        case "SurveyAnswered":
            return [Observation(SURVEY_ANSWERS, attributes={"score": str(event.score)})]
        case "Closed":
            outcome = {"outcome": event.outcome.value}
            took = _since(event, _first(history, "Received"))
            return [
                Observation(CLOSED, attributes=outcome),
                *([] if took is None else [Observation(RESOLUTION, took, outcome)]),
            ]
    metric = SLA_EVENTS.get(event.type)
    if metric is not None:
        target = next((str(getattr(event, n)) for n in SLA_FIELDS if hasattr(event, n)), "")
        return [Observation(metric, attributes={"sla": target} if target else {})]
    return []


def _declines(event: DomainEvent) -> list[Observation]:
    if event.type != "Declined":
        return []
    return [Observation(DECLINES, attributes={"reason": r.code.value}) for r in event.reasons]


def refused(action: str) -> Observation:
    """An action the workflow's validator refused (it never reaches the record)."""
    return Observation(ACTIONS_REFUSED, attributes={"action": action})
