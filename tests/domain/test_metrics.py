"""The pure mapping from domain events to business metric observations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain import metrics
from schemas import events as ev
from schemas.events import EscalationReason
from schemas.messages import Outcome
from schemas.remedies import Remedy, RemedyKind
from schemas.sla import ClockKind
from tests.factories import make_intake

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _received() -> ev.Received:
    return ev.Received(at=T0, intake=make_intake(), policy_version="v1")


def test_filing_counts_by_category_and_severity() -> None:
    (filed,) = metrics.observe([], received := _received())
    assert filed.metric is metrics.FILED
    assert filed.attributes["category"] == received.intake.category.value
    assert filed.attributes["severity"] == received.intake.severity.value


def test_first_response_is_timed_once_from_filing() -> None:
    received = _received()
    remedy = Remedy(kind=RemedyKind.REPAIR)
    proposed = ev.SolutionsProposed(
        at=T0 + timedelta(seconds=90), options=[remedy], default=remedy, choose_by=T0
    )
    (first,) = metrics.observe([received], proposed)
    assert (first.metric, first.value) == (metrics.FIRST_RESPONSE, 90.0)
    assert metrics.observe([received, proposed], proposed) == []


def test_manager_response_is_timed_from_the_level_reached() -> None:
    escalated = ev.Escalated(
        at=T0, level=1, reason=EscalationReason.NO_RECEIPT, requested=None,
        policy_exception=False, respond_by=T0,
    )  # fmt: skip
    moved = ev.EscalatedToNextLevel(
        at=T0 + timedelta(minutes=10), from_level=1, to_level=2, respond_by=T0
    )
    (up,) = metrics.observe([escalated], moved)
    assert up.attributes == {"level": "2", "reason": "manager_silent"}
    decided = ev.ManagerDecided.model_validate(
        {
            "at": T0 + timedelta(minutes=25),
            "decision": {"kind": "approve"},
            "decider_id": "m-2",
            "level": 2,
            "nonce": "n",
        }
    )
    (response,) = metrics.observe([escalated, moved], decided)
    assert response.metric is metrics.MANAGER_RESPONSE
    assert response.value == 15 * 60
    assert response.attributes == {"level": "2", "decision": "approve"}


def test_remedies_count_their_kind_and_amount() -> None:
    remedy = Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90"))
    done = ev.RemedyExecuted(at=T0, remedy=remedy, reference="r", authorised_by="agent")
    count, amount = metrics.observe([], done)
    assert (count.metric, count.attributes) == (metrics.REMEDIES, {"kind": "refund"})
    assert (amount.metric, amount.value) == (metrics.REMEDY_AMOUNT, 49.90)
    (refused,) = metrics.observe([], ev.RemedyFailed(at=T0, remedy=remedy, error="no"))
    assert refused.metric is metrics.REMEDIES_REFUSED


def test_closing_times_the_whole_complaint() -> None:
    closed = ev.Closed(at=T0 + timedelta(hours=2), outcome=Outcome.RESOLVED_CONFIRMED)
    count, took = metrics.observe([_received()], closed)
    assert count.attributes == {"outcome": "resolved_confirmed"}
    assert (took.metric, took.value) == (metrics.RESOLUTION, 7200.0)


def test_events_without_a_metric_map_to_nothing() -> None:
    assert metrics.observe([], ev.Apologised(at=T0)) == []
    assert metrics.observe([], ev.Reopened(at=T0)) == [metrics.Observation(metrics.REOPENS)]


def test_sla_warnings_and_breaches_count_by_clock() -> None:
    clock = next(iter(ClockKind))
    warned = ev.SlaWarned(at=T0, clock=clock, due_at=T0)
    breached = ev.SlaBreached(at=T0, clock=clock, due_at=T0, escalate=False)
    (warning,) = metrics.observe([], warned)
    (breach,) = metrics.observe([], breached)
    assert (warning.metric, warning.attributes) == (metrics.SLA_WARNINGS, {"sla": clock.value})
    assert (breach.metric, breach.attributes) == (metrics.SLA_BREACHES, {"sla": clock.value})


def test_survey_answers_count_by_score() -> None:
    answered = ev.SurveyAnswered(at=T0, score=4, comment="Quick")
    assert metrics.observe([], answered) == [
        metrics.Observation(metrics.SURVEY_ANSWERS, attributes={"score": "4"})
    ]
