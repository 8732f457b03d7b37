"""What the workflow tells a message beyond the plan's facts (`workflows.effects._message`).

Each plan is walked as the workflow walks it: events folded into the state, each `Tell`
turned into the message the send activity receives, then rendered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from activities.messages import render_message
from domain import lifecycle
from domain.deadlines import calendar_of
from domain.decisions import manager_denial
from domain.evolve import evolve, fold
from domain.plan import Plan, Tell
from schemas import events as ev
from schemas.events import AGENT, EscalationReason
from schemas.intake import Category, Language
from schemas.messages import CustomerMessage
from schemas.policy import BusinessDuration, CompanyPolicy, Deadlines
from schemas.remedies import Remedy, RemedyKind
from schemas.state import ComplaintState
from tests.factories import make_intake
from workflows.effects import _message

T = datetime(2026, 11, 25, 9, tzinfo=UTC)
POLICY = CompanyPolicy(currency="RUB", time_zone="Europe/Moscow")
REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1234.50"))


def _key(step: str) -> str:
    return f"wf/{step}/1"


def told(plan: Plan, state: ComplaintState, policy: CompanyPolicy | None = POLICY):
    """(messages, state after the plan): what each Tell of the plan would send."""
    messages: list[CustomerMessage] = []
    for step in plan:
        if isinstance(step, Tell):
            messages.append(_message(step, state, _key, policy, T))
        elif hasattr(step, "at"):  # an event, not another effect
            state = evolve(state, step)
    return messages, state


def received(**intake):
    intake = make_intake(today=T.date(), complaint_id="c-1", **intake)
    return told(lifecycle.receive(intake, POLICY, T), ComplaintState())


def test_acknowledgement_restates_category_and_order() -> None:
    [ack], _ = received(language=Language.EN, category=Category.DELIVERY, order_reference="O-9")

    assert ack.context.category is Category.DELIVERY and ack.context.order_reference == "O-9"
    body = render_message(ack).body
    assert "a problem with your delivery" in body and "order O-9" in body


def test_the_policy_gives_currency_and_zone_and_the_intake_zone_wins() -> None:
    [ack], _ = received()
    [own], _ = received(time_zone="Asia/Shanghai")
    [bare], _ = told(lifecycle.receive(make_intake(), POLICY, T), ComplaintState(), policy=None)

    assert (ack.context.currency, ack.context.time_zone) == ("RUB", "Europe/Moscow")
    assert own.context.time_zone == "Asia/Shanghai"
    assert (bare.context.currency, bare.context.time_zone) == ("EUR", "Europe/Tallinn")


def test_a_decline_gets_the_window_and_the_purchase_date() -> None:
    _, state = received(language=Language.RU, purchase_date=T.date() - timedelta(days=95))
    [decline], _ = told(lifecycle.decline(REFUND, [], [REFUND], AGENT, True, POLICY, T), state)

    assert decline.context.return_window_days == POLICY.return_window_days
    assert decline.context.purchase_date == T.date() - timedelta(days=95)
    assert decline.context.written_at == T


def test_a_manager_denial_in_russian_states_the_receipt_rule_not_the_managers_words() -> None:
    _, state = received(language=Language.RU, receipt_present=False)
    reason = manager_denial("No receipt, no refund. Sorry!", EscalationReason.NO_RECEIPT)
    [decline], _ = told(lifecycle.decline(REFUND, [reason], [], "m-1", False, POLICY, T), state)
    body = render_message(decline).body

    assert "No receipt" not in body and "Sorry" not in body
    assert "Мы просим чек" in body


def test_an_escalation_notice_names_the_level_and_a_pause_the_specialist_date() -> None:
    _, state = received(language=Language.EN)
    [notice], state = told(
        lifecycle.escalate(state, EscalationReason.BEYOND_AUTHORITY, REFUND, POLICY, T), state
    )
    [pause], _ = told(lifecycle.pause_for_specialist(POLICY, T), state)

    assert notice.context.manager_level == 1
    assert "our shift manager" in render_message(notice).body
    assert pause.context.specialist_by == T + POLICY.deadlines.specialist_review
    assert "within 3 days" in render_message(pause).body


def test_a_business_callback_is_promised_for_the_day_its_timer_fires() -> None:
    """Filed Friday 21 February 2025 at 17:55 in Tallinn: nine business hours run to
    Tuesday 17:55 (Monday is Independence Day); the customer is promised that day, not the
    Saturday a wall-clock day would give."""
    friday = datetime(2025, 2, 21, 15, 55, tzinfo=UTC)  # 17:55 in Tallinn
    policy = CompanyPolicy(
        deadlines=Deadlines(callback_interval=BusinessDuration(business=timedelta(hours=9)))
    )
    intake = make_intake(today=friday.date(), complaint_id="c-1", language=Language.EN)
    events = [ev.Received(at=friday, intake=intake, policy_version=policy.version)]
    state = fold(events)
    calendar = calendar_of(events, policy)
    plan = lifecycle.escalate(
        state, EscalationReason.BEYOND_AUTHORITY, REFUND, policy, friday, calendar=calendar
    )
    [notice], _ = told(plan, state, policy)
    [promise] = [s for s in plan if isinstance(s, ev.CallbackPromised)]

    assert promise.due == datetime(2025, 2, 25, 15, 55, tzinfo=UTC)
    assert notice.context.callback_by == promise.due
    body = render_message(notice).body
    assert "25 February 2025" in body and "22 February" not in body, body
