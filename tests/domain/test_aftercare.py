"""After closing, without Temporal: the window's waits, the reopen and survey commands, the
order claim's plans, and what the insight report reads from aftercare records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import commands, lifecycle
from domain.errors import InvalidAction
from domain.evolve import fold
from domain.insight import insight
from domain.plan import ClaimOrder, Tell
from schemas import events as ev
from schemas.actions import ReopenRequest, SurveyAnswer
from schemas.effects import OrderClaimReceipt
from schemas.messages import MessageKind, Outcome
from schemas.policy import CompanyPolicy, Deadlines
from schemas.remedies import Remedy, RemedyKind
from schemas.state import Status, WaitingOn
from tests.factories import CUSTOMER, make_intake

T = datetime(2026, 11, 25, 9, tzinfo=UTC)
POLICY = CompanyPolicy()
INTAKE = make_intake(today=date(2026, 11, 25), complaint_id="c-1")
REPLACEMENT = Remedy(kind=RemedyKind.REPLACEMENT, amount=Decimal("49.90"))
CLOSED = [
    ev.Received(at=T, intake=INTAKE, policy_version="v1"),
    ev.RemedyExecuted(at=T, remedy=REPLACEMENT, reference="RP-1", authorised_by="agent"),
    ev.Resolved(at=T, remedy=REPLACEMENT, follow_up_at=T + timedelta(days=4)),
    ev.FixConfirmed(at=T + timedelta(days=4)),
    ev.Closed(at=T + timedelta(days=4), outcome=Outcome.RESOLVED_CONFIRMED),
]
AT_CLOSE = T + timedelta(days=4)


def opened() -> list[ev.DomainEvent]:
    [event] = lifecycle.open_aftercare(fold(CLOSED), POLICY, AT_CLOSE)
    return [*CLOSED, event]


def test_a_resolved_closing_opens_the_window_with_the_survey_due_inside_it():
    state = fold(CLOSED)
    assert lifecycle.gets_aftercare(state, POLICY)
    state = fold(opened())
    assert state.reopen_until == AT_CLOSE + POLICY.deadlines.reopen_grace
    assert state.survey_at == AT_CLOSE + POLICY.deadlines.survey_delay
    assert lifecycle.waiting_for(state).on is WaitingOn.SURVEY_DATE
    state = fold([*opened(), ev.SurveySent(at=state.survey_at)])
    assert lifecycle.waiting_for(state) == lifecycle.Wait(
        WaitingOn.REOPEN_WINDOW, state.reopen_until
    )
    assert lifecycle.waiting_for(fold([*opened(), ev.ReopenWindowClosed(at=T)])) is None


@pytest.mark.parametrize("outcome", [Outcome.DECLINED, Outcome.WITHDRAWN, Outcome.LINKED])
def test_no_aftercare_without_a_remedy_carried_out(outcome: Outcome):
    state = fold([*CLOSED[:1], ev.Closed(at=T, outcome=outcome)])
    assert not lifecycle.gets_aftercare(state, POLICY)


def test_no_aftercare_under_a_zero_window():
    policy = CompanyPolicy(deadlines=Deadlines(reopen_grace=timedelta(0)))
    assert not lifecycle.gets_aftercare(fold(CLOSED), policy)


def test_the_survey_must_come_inside_the_window():
    with pytest.raises(ValidationError, match="survey_delay"):
        Deadlines(reopen_grace=timedelta(days=2), survey_delay=timedelta(days=2))


def test_a_reply_in_the_window_reopens_and_cancels_the_survey():
    state = fold(opened())
    reply = ReopenRequest(customer_id=CUSTOMER, comment="Broken again")
    [reopened] = commands.reopen(state, reply, POLICY, AT_CLOSE + timedelta(days=1))
    after = fold([*opened(), reopened])
    assert after.status is Status.IN_PROGRESS and after.outcome is None
    assert after.survey_at is None and after.reopen_until is None and after.reopen_count == 1
    plan = lifecycle.seek_remedy(after, POLICY, AT_CLOSE + timedelta(days=1))
    proposed = next(s for s in plan if isinstance(s, ev.SolutionsProposed))
    assert RemedyKind.REPLACEMENT not in [r.kind for r in proposed.options]


def test_reopen_is_refused_to_another_customer_and_after_the_window():
    state = fold(opened())
    with pytest.raises(InvalidAction, match="another customer"):
        commands.reopen(state, ReopenRequest(customer_id="cust-2"), POLICY, AT_CLOSE)
    late = state.reopen_until
    with pytest.raises(InvalidAction, match="window .* has passed"):
        commands.reopen(state, ReopenRequest(customer_id=CUSTOMER), POLICY, late)
    with pytest.raises(InvalidAction, match="cannot reopen"):
        commands.reopen(fold(CLOSED[:3]), ReopenRequest(customer_id=CUSTOMER), POLICY, T)


def test_the_survey_is_answered_once_after_it_was_sent():
    answer = SurveyAnswer(customer_id=CUSTOMER, score=4, comment="Friendly")
    with pytest.raises(InvalidAction, match="no satisfaction survey"):
        commands.answer_survey(fold(opened()), answer, POLICY, AT_CLOSE)
    sent = [*opened(), ev.SurveySent(at=AT_CLOSE)]
    with pytest.raises(InvalidAction, match="another customer"):
        commands.answer_survey(
            fold(sent), answer.model_copy(update={"customer_id": "x"}), POLICY, T
        )
    [answered] = commands.answer_survey(fold(sent), answer, POLICY, AT_CLOSE)
    state = fold([*sent, answered])
    assert (state.satisfaction, state.survey_comment) == (4, "Friendly")
    with pytest.raises(InvalidAction, match="already answered"):
        commands.answer_survey(state, answer, POLICY, AT_CLOSE)


@pytest.mark.parametrize("score", [0, 6])
def test_a_score_is_one_to_five(score: int):
    with pytest.raises(ValidationError):
        SurveyAnswer(customer_id=CUSTOMER, score=score)


def test_a_reopened_complaint_is_not_surveyed_twice():
    surveyed = [*opened(), ev.SurveySent(at=AT_CLOSE), ev.Reopened(at=AT_CLOSE)]
    [again] = lifecycle.open_aftercare(fold(surveyed), POLICY, AT_CLOSE + timedelta(days=5))
    assert again.survey_at is None


def test_a_complaint_with_an_order_claims_it_and_a_duplicate_is_linked():
    state = fold(CLOSED[:1])
    assert lifecycle.claim_order(state, POLICY) == [ClaimOrder()]
    assert lifecycle.claim_order(state, POLICY.model_copy(update={"link_duplicates": False})) == []
    no_order = fold(
        [ev.Received(at=T, intake=make_intake(order_reference=None), policy_version="v")]
    )
    assert lifecycle.claim_order(no_order, POLICY) == []
    own = lifecycle.after(ClaimOrder(), OrderClaimReceipt(holder="c-1"), state, POLICY, T)
    assert own == []
    plan = lifecycle.after(ClaimOrder(), OrderClaimReceipt(holder="c-0"), state, POLICY, T)
    assert plan[0] == ev.LinkedToOpenComplaint(at=T, complaint_id="c-0")
    assert plan[1] == Tell(MessageKind.LINKED, {"linked_to": "c-0"})
    linked = fold([*CLOSED[:1], *(s for s in plan if not isinstance(s, Tell))])
    assert linked.closed and linked.outcome is Outcome.LINKED
    assert lifecycle.release_order(linked, POLICY) == []  # it never held the order
    assert lifecycle.release_order(fold(CLOSED), POLICY) == [ClaimOrder(release=True)]


def test_related_to_may_not_name_the_complaint_itself():
    with pytest.raises(ValidationError, match="related_to"):
        make_intake(complaint_id="c-9", related_to="c-9")
    assert make_intake(related_to="c-8").related_to == "c-8"
    assert "related_to" not in make_intake().model_dump(mode="json")


def test_the_report_reads_satisfaction_and_closings_from_aftercare_records():
    sent = [*opened(), ev.SurveySent(at=AT_CLOSE), ev.SurveyAnswered(at=AT_CLOSE, score=2)]
    report = insight([[*sent, ev.ReopenWindowClosed(at=AT_CLOSE)]], T.date(), AT_CLOSE.date())
    assert (report.closed, report.satisfaction_mean, report.satisfaction_count) == (1, 2.0, 1)
    reopened = insight([[*sent, ev.Reopened(at=AT_CLOSE)]], T.date(), AT_CLOSE.date())
    assert reopened.closed == 0 and reopened.reopen_rate == 1.0


def test_a_client_waiting_for_closed_is_answered_at_closing_and_the_window_waits_are_known():
    from domain import progress
    from schemas.waits import WaitFor

    in_window = fold(opened())
    closed = WaitFor(status=Status.CLOSED)
    assert progress.reached(closed, fold(CLOSED), None, True)  # at closing, before the window
    assert progress.reached(closed, in_window, WaitingOn.SURVEY_DATE, True)
    window = WaitFor(waiting_on=WaitingOn.REOPEN_WINDOW)
    assert progress.never(window, in_window) is None
    assert progress.never(window, fold(CLOSED[:3])) is None  # it may still get there
    assert "never" in progress.never(
        WaitFor(waiting_on=WaitingOn.SURVEY_DATE, status=Status.RESOLVED), in_window
    )
