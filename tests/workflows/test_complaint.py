"""Every lifecycle path of `ComplaintWorkflow`, on a time-skipping server with real activities.

Each test asserts the domain events and the messages the customer actually
received (the local outbox), in order.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
import pytest_asyncio

from activities.local_backend import LocalBackend
from schemas.actions import (
    Appeal,
    CustomerChoice,
    CustomerNote,
    DecisionKind,
    FollowUpAnswer,
    Withdrawal,
)
from schemas.events import EscalationReason
from schemas.intake import Category, CustomerDetails, Language
from schemas.messages import MessageKind, Outcome
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.state import Status, WaitingOn
from tests.factories import make_intake
from tests.signing import manager, specialist
from tests.workflows.driver import Complaint
from workers.worker import build_worker
from workflows.complaint import ComplaintWorkflow as W

POLICY = CompanyPolicy()
CUSTOMER = make_intake().customer_id
DAYS = POLICY.deadlines
OPENING = ["Received", "Acknowledged", "Apologised", "Thanked", "SolutionsProposed"]
OPENING_MESSAGES = ["acknowledgement", "proposals"]
"""The acknowledgement apologises and thanks at once (patch ack-apologises)."""


@pytest_asyncio.fixture
async def file(env, backend, task_queue, worker):
    """Files complaints; terminates those still open afterwards.

    An open complaint left without its worker would hold a pending workflow task
    once its timers fire, and the time-skipping server never skips past that.
    """
    filed: list[Complaint] = []

    async def _file(days_since_purchase: int = 7, **overrides) -> Complaint:
        # The time-skipping server's clock runs ahead of ours: purchases are dated by it.
        today = (await env.get_current_time()).date()
        purchased = today - timedelta(days=days_since_purchase)
        intake = make_intake(**({"purchase_date": purchased} | overrides))
        filed.append(await Complaint.file(env, backend, task_queue, intake))
        return filed[-1]

    yield _file
    for complaint in filed:
        await complaint.terminate_if_open()


def choose(kind: RemedyKind) -> CustomerChoice:
    return CustomerChoice(customer_id=CUSTOMER, remedy=kind)


async def test_resolve_within_authority_then_fix_confirmed(file):
    complaint = await file()
    state = await complaint.until(Status.AWAITING_CHOICE)
    assert [r.kind for r in state.options] == POLICY.remedy_catalogue[Category.DEFECTIVE_PRODUCT]

    await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
    await complaint.until(Status.RESOLVED)
    await complaint.skip(DAYS.follow_up_delay)
    await complaint.until(Status.AWAITING_CONFIRMATION)
    await complaint.act(
        W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True, comment="works now")
    )
    result = await complaint.result()

    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    assert result.remedy == Remedy(kind=RemedyKind.REPLACEMENT, amount=Decimal("49.90"))
    assert await complaint.event_types() == [
        *OPENING,
        "SolutionChosen",
        "RemedyExecuted",
        "Resolved",
        "FollowUpSent",
        "FixConfirmed",
        "Closed",
    ]
    assert complaint.messages() == [*OPENING_MESSAGES, "resolution", "follow_up", "closing"]
    [ledger] = complaint.backend.remedies(complaint.complaint_id)
    assert (ledger.kind, ledger.amount, ledger.currency, ledger.authorised_by) == (
        "replacement",
        Decimal("49.90"),
        "EUR",  # the policy's: the agent's remedies leave it implicit, the order names it
        "agent",
    )
    # Since `fewer-events`: no listing memo (no manager or safety officer lists it); the
    # choice's timer is cancelled before the remedy, the answer's ends with the run.
    history = await complaint.handle.fetch_history()
    assert not any(
        e.HasField("workflow_properties_modified_event_attributes") for e in history.events
    )
    started = {
        e.event_id: e.user_metadata.summary.data.decode()
        for e in history.events
        if e.HasField("timer_started_event_attributes")
    }
    cancelled = [
        started[e.timer_canceled_event_attributes.started_event_id]
        for e in history.events
        if e.HasField("timer_canceled_event_attributes")
    ]
    lifecycle_cancelled = [c for c in cancelled if "wait_until" not in c]  # not the driver's
    assert [WaitingOn.CHOICE.value in c for c in lifecycle_cancelled] == [True], cancelled
    assert any(WaitingOn.FOLLOW_UP_ANSWER.value in s for s in started.values()), started


async def test_decline_far_outside_return_window_then_silence_closes(file):
    complaint = await file(days_since_purchase=150)
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    state = await complaint.until(Status.DECLINED)
    assert [r.code for r in state.decline_reasons] == ["outside_return_window"]
    assert [r.kind for r in state.alternatives] == [RemedyKind.REPAIR, RemedyKind.EXPLANATION]

    result = await complaint.result()

    assert result.outcome is Outcome.DECLINED and result.remedy is None
    assert await complaint.event_types() == [*OPENING, "SolutionChosen", "Declined", "Closed"]
    assert complaint.messages() == [*OPENING_MESSAGES, "decline", "closing"]
    decline = complaint.backend.messages(complaint.complaint_id)[-2]
    assert "return period for this purchase has ended" in decline.body
    assert "resold" in decline.body and "A free repair" in decline.body
    assert complaint.backend.remedies(complaint.complaint_id) == []


async def test_decline_then_customer_takes_an_alternative(file):
    complaint = await file(days_since_purchase=150)
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    await complaint.until(Status.DECLINED)
    message = await complaint.refused(W.choose_solution, choose(RemedyKind.REFUND))
    assert "refund is not on offer; the options are: repair, explanation" in message

    await complaint.act(W.choose_solution, choose(RemedyKind.REPAIR))
    await complaint.until(Status.RESOLVED)

    assert (await complaint.event_types())[-4:] == [
        "Declined",
        "SolutionChosen",
        "RemedyExecuted",
        "Resolved",
    ]
    [ledger] = complaint.backend.remedies(complaint.complaint_id)
    assert (ledger.kind, ledger.amount) == ("repair", Decimal("14.97"))


async def test_decline_appeal_escalates_and_manager_denies(file):
    complaint = await file(days_since_purchase=150)
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    await complaint.until(Status.DECLINED)

    await complaint.act(
        W.appeal, Appeal(customer_id=CUSTOMER, reason="I was abroad for three months")
    )
    state = await complaint.until(Status.AWAITING_MANAGER)
    assert state.escalation.reason is EscalationReason.APPEAL
    assert state.escalation.policy_exception

    refusal = await complaint.refused(W.decide_escalation, manager(DecisionKind.APPROVE))
    assert "use override" in refusal
    await complaint.act(
        W.decide_escalation,
        manager(
            DecisionKind.DENY,
            reason="The product shows heavy wear, not a defect",
            customer_note=CustomerNote(
                text="I looked at the photos myself: the wear is not a fault.",
                language=Language.EN,
            ),
        ),
    )
    state = await complaint.until(Status.DECLINED)
    assert not state.can_appeal
    assert "final" in await complaint.refused(
        W.appeal, Appeal(customer_id=CUSTOMER, reason="please reconsider")
    )
    result = await complaint.result()

    assert result.outcome is Outcome.DECLINED
    assert await complaint.event_types() == [
        *OPENING,
        "SolutionChosen",
        "Declined",
        "Appealed",
        "Escalated",
        "StaffIdentified",
        "ManagerNotified",
        "CallbackPromised",
        "ManagerDecided",
        "Declined",
        "Closed",
    ]
    assert complaint.messages() == [
        *OPENING_MESSAGES,
        "decline",
        "escalation_notice",
        "decline",
        "closing",
    ]
    final, closing = complaint.backend.messages(complaint.complaint_id)[-2:]
    assert "I looked at the photos myself" in final.body  # the note, in the customer's language
    assert "photos" not in closing.body  # on the message answering the decision only
    assert "heavy wear" not in final.body  # the reason is internal


async def test_no_receipt_escalates_and_manager_overrides_policy(file):
    complaint = await file(receipt_present=False)
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    state = await complaint.until(Status.AWAITING_MANAGER)
    assert state.escalation.reason is EscalationReason.NO_RECEIPT

    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90"))
    await complaint.act(
        W.decide_escalation,
        manager(DecisionKind.OVERRIDE, remedy=refund, reason="Card statement shows the purchase"),
    )
    await complaint.until(Status.RESOLVED)

    assert await complaint.event_types() == [
        *OPENING,
        "SolutionChosen",
        "Escalated",
        "StaffIdentified",
        "ManagerNotified",
        "CallbackPromised",
        "ManagerDecided",
        "RemedyExecuted",
        "Resolved",
    ]
    assert complaint.messages() == [*OPENING_MESSAGES, "escalation_notice", "resolution"]
    [ledger] = complaint.backend.remedies(complaint.complaint_id)
    assert (ledger.kind, ledger.authorised_by) == ("refund", "manager-1")
    [page] = complaint.backend.pages(complaint.complaint_id)
    assert (page.kind, page.level, page.reason) == ("escalation", 1, "no_receipt")
    assert page.requested is not None and page.requested.currency == "EUR"


async def test_manager_over_authority_limit_is_refused_and_history_untouched(file):
    complaint = await file(amount=Decimal("900"))
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    state = await complaint.until(Status.AWAITING_MANAGER)
    assert state.escalation.reason is EscalationReason.BEYOND_AUTHORITY

    refusal = await complaint.refused(W.decide_escalation, manager(DecisionKind.APPROVE))
    assert "above your authority limit of 500" in refusal
    counter = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("450"))
    await complaint.act(
        W.decide_escalation,
        manager(DecisionKind.COUNTER, remedy=counter, reason="Store credit now, refund needs L2"),
    )
    state = await complaint.until(Status.AWAITING_CHOICE)
    assert state.options == [counter]
    await complaint.act(W.choose_solution, choose(RemedyKind.STORE_CREDIT))
    await complaint.until(Status.RESOLVED)
    [ledger] = complaint.backend.remedies(complaint.complaint_id)
    assert (ledger.kind, ledger.amount, ledger.authorised_by) == (
        "store_credit",
        Decimal("450.00"),
        "manager-1",
    )


async def test_silent_manager_is_reminded_then_next_level_and_callbacks_are_kept(file):
    complaint = await file(amount=Decimal("450"))
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    await complaint.until(Status.AWAITING_MANAGER)

    await complaint.skip(DAYS.manager_response + timedelta(minutes=1))
    await complaint.until_event("ManagerReminded")
    await complaint.skip(DAYS.manager_after_reminder)
    await complaint.until_event("EscalatedToNextLevel")
    state = await complaint.state()
    assert state.escalation.level == 2

    # Two days after the promise, with no news, the customer still gets the callback.
    await complaint.skip(
        DAYS.callback_interval - DAYS.manager_response - DAYS.manager_after_reminder
    )
    await complaint.until_event("CallbackMade")

    assert "level 2 or above" in await complaint.refused(
        W.decide_escalation, manager(DecisionKind.APPROVE)
    )
    await complaint.act(W.decide_escalation, manager(DecisionKind.APPROVE, level=2))
    await complaint.until(Status.RESOLVED)

    assert (await complaint.event_types())[len(OPENING) :] == [
        "SolutionChosen",
        "Escalated",
        "StaffIdentified",
        "ManagerNotified",
        "CallbackPromised",
        "ManagerReminded",
        "EscalatedToNextLevel",
        "StaffIdentified",
        "ManagerNotified",
        "CallbackMade",
        "CallbackPromised",
        "ManagerDecided",
        "RemedyExecuted",
        "Resolved",
    ]
    assert complaint.messages()[len(OPENING_MESSAGES) :] == [
        "escalation_notice",
        "callback",
        "resolution",
    ]
    pages = [(p.kind, p.level) for p in complaint.backend.pages(complaint.complaint_id)]
    assert pages == [("escalation", 1), ("reminder", 1), ("escalation", 2)]
    [ledger] = complaint.backend.remedies(complaint.complaint_id)
    assert ledger.authorised_by == "manager-2"


async def test_not_fixed_reopens_and_a_second_failure_goes_to_a_manager(file):
    complaint = await file()
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REPAIR))
    await complaint.until(Status.RESOLVED)
    await complaint.act(
        W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=False, comment="still cold")
    )

    state = await complaint.until(Status.AWAITING_CHOICE)
    assert state.reopen_count == 1
    await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
    await complaint.until(Status.RESOLVED)
    await complaint.skip(DAYS.follow_up_delay)
    await complaint.until(Status.AWAITING_CONFIRMATION)
    await complaint.act(W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=False))

    state = await complaint.until(Status.AWAITING_MANAGER)
    assert state.escalation.reason is EscalationReason.REOPENED_AGAIN
    assert state.escalation.requested.kind is RemedyKind.REPLACEMENT
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90"))
    await complaint.act(
        W.decide_escalation,
        manager(DecisionKind.COUNTER, remedy=refund, reason="Two failures: refund instead"),
    )
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    await complaint.until(Status.RESOLVED)
    await complaint.act(W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True))
    result = await complaint.result()

    assert result.outcome is Outcome.RESOLVED_CONFIRMED and result.reopen_count == 2
    assert [e.kind for e in complaint.backend.remedies(complaint.complaint_id)] == [
        "repair",
        "replacement",
        "refund",
    ]
    assert complaint.messages() == [
        *OPENING_MESSAGES,
        "resolution",
        "reopened",
        "proposals",
        "resolution",
        "follow_up",
        "reopened",
        "escalation_notice",
        "proposals",
        "resolution",
        "closing",
    ]


async def test_no_answer_to_follow_up_closes_resolved_unconfirmed(file):
    complaint = await file()
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
    result = await complaint.result()

    assert result.outcome is Outcome.RESOLVED_UNCONFIRMED
    events = await complaint.events()
    assert [e.type for e in events][-4:] == ["Resolved", "FollowUpSent", "FollowUpSent", "Closed"]
    resolved, first, reminder = events[-4], events[-3], events[-2]
    assert first.at >= resolved.follow_up_at and reminder.reminder
    assert complaint.messages()[-4:] == ["resolution", "follow_up", "follow_up_reminder", "closing"]


async def test_missing_details_are_asked_for_and_the_deadline_moves_on(file):
    complaint = await file(
        order_reference=None, purchase_date=None, receipt_present=None, amount=None
    )
    result = await complaint.result()

    events = await complaint.events()
    assert [e.type for e in events][:6] == [
        "Received",
        "Acknowledged",
        "Apologised",  # at once, in the acknowledgement: not after the details round
        "Thanked",
        "DetailsRequested",
        "DetailsDeadlinePassed",
    ]
    assert events[4].missing == ["order_reference", "purchase_date", "receipt_present", "amount"]
    assert complaint.messages()[:3] == ["acknowledgement", "details_request", "proposals"]
    # Nothing verifiable: the default is the option the agent may grant without a receipt.
    chosen = next(e for e in events if e.type == "SolutionChosen")
    assert (chosen.by, chosen.remedy.kind) == ("default", RemedyKind.REPAIR)
    assert result.outcome is Outcome.RESOLVED_UNCONFIRMED


async def test_details_given_in_time_complete_the_complaint(file):
    complaint = await file(order_reference=None, amount=None)
    await complaint.until(Status.AWAITING_DETAILS)
    assert "cannot choose" in await complaint.refused(W.choose_solution, choose(RemedyKind.REFUND))
    await complaint.act(
        W.provide_details,
        CustomerDetails(customer_id=CUSTOMER, order_reference="ORD-77", amount=Decimal("80")),
    )
    state = await complaint.until(Status.AWAITING_CHOICE)
    assert state.intake.order_reference == "ORD-77" and state.missing_details == []
    assert [r.amount for r in state.options][:2] == [Decimal("80.00"), Decimal("80.00")]


async def test_abusive_customer_is_paused_for_a_specialist_and_resumed(file):
    complaint = await file(abusive=True)
    await complaint.until(Status.PAUSED)
    assert complaint.messages() == ["acknowledgement", "pause"]
    [page] = complaint.backend.pages(complaint.complaint_id)
    assert (page.kind, page.title) == ("specialist", POLICY.specialist_title)
    assert "cannot choose" in await complaint.refused(W.choose_solution, choose(RemedyKind.REFUND))

    await complaint.skip(2 * DAYS.specialist_review + timedelta(minutes=1))
    await complaint.until_event("SpecialistReminded", count=2)
    await complaint.act(W.resume, specialist("Calm now, spoke by phone"))
    await complaint.until(Status.AWAITING_CHOICE)

    assert await complaint.event_types() == [
        "Received",
        "Acknowledged",
        "Apologised",
        "Thanked",
        "Paused",
        "StaffIdentified",
        "SpecialistAssigned",
        "SpecialistReminded",
        "SpecialistReminded",
        "Resumed",
        "SolutionsProposed",
    ]
    assert [p.kind for p in complaint.backend.pages(complaint.complaint_id)] == [
        "specialist",
        "reminder",
        "reminder",
    ]
    assert "cannot resume" in await complaint.refused(W.resume, specialist("again"))


async def test_rude_employee_goes_to_a_manager_at_once_and_the_employee_is_followed_up(file):
    complaint = await file(
        category=Category.RUDE_EMPLOYEE,
        description="The cashier shouted at me in front of other customers",
        employee_reference="EMP-17",
        order_reference=None,
        amount=None,
    )
    state = await complaint.until(Status.AWAITING_MANAGER)
    assert state.escalation.reason is EscalationReason.RUDE_EMPLOYEE
    await complaint.until_event("Thanked")
    assert "name the remedy" in await complaint.refused(
        W.decide_escalation, manager(DecisionKind.APPROVE)
    )
    discount = Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("25"))
    await complaint.act(W.decide_escalation, manager(DecisionKind.APPROVE, remedy=discount))
    await complaint.until(Status.RESOLVED)
    await complaint.act(W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True))
    result = await complaint.result()

    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    assert await complaint.event_types() == [
        "Received",
        "Acknowledged",
        "Apologised",
        "Thanked",
        "Escalated",
        "StaffIdentified",
        "ManagerNotified",
        "CallbackPromised",
        "ManagerDecided",
        "RemedyExecuted",
        "Resolved",
        "FixConfirmed",
        "Closed",
        "EmployeeFollowUpRecorded",
    ]
    assert complaint.messages() == [
        "acknowledgement",
        "escalation_notice",
        "resolution",
        "closing",
    ]
    [note] = complaint.backend.employee_follow_ups(complaint.complaint_id)
    assert (note.employee_reference, note.manager_id) == ("EMP-17", "manager-1")


HELD = timedelta(seconds=2)
"""The workflow task timeout of a complaint whose message is held: the task running the
held delivery (a local activity) heartbeats after 1.6 s instead of Temporal's 8 s, and the
action sent meanwhile is delivered then."""


class _HeldBackend(LocalBackend):
    """Holds one kind of message until released, to order events deterministically."""

    def __init__(self, path, held: MessageKind) -> None:
        super().__init__(path)
        self.held, self.holding, self.release = held, asyncio.Event(), asyncio.Event()

    async def deliver_message(self, message, rendered):
        if message.kind is self.held:
            self.holding.set()
            await self.release.wait()
        return await super().deliver_message(message, rendered)


@pytest.mark.slow
async def test_an_instant_answer_to_the_proposals_is_heard(env, tmp_path, task_queue, policies):
    """The customer answers while the proposals' delivery is still being reported: the
    complaint already waits for that answer, so it is accepted, not refused as early."""
    backend = _HeldBackend(tmp_path / "held.db", held=MessageKind.PROPOSALS)
    today = (await env.get_current_time()).date()
    intake = make_intake(purchase_date=today - timedelta(days=7))
    async with build_worker(env.client, task_queue, backend, policies=policies):
        complaint = await Complaint.file(env, backend, task_queue, intake, task_timeout=HELD)
        await asyncio.wait_for(backend.holding.wait(), 30)
        receipt = await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
        backend.release.set()
        await complaint.until(Status.RESOLVED)
        types = await complaint.event_types()
        await complaint.terminate_if_open()

    assert receipt.status == Status.IN_PROGRESS.value
    assert types[: len(OPENING) + 3] == [*OPENING, "SolutionChosen", "RemedyExecuted", "Resolved"]
    assert complaint.messages()[:5] == [*OPENING_MESSAGES, "resolution"]


@pytest.mark.slow
async def test_a_manager_may_decide_while_the_escalation_notice_is_being_sent(
    env, tmp_path, task_queue, policies
):
    """Every step is recorded before its message goes out: the decision lands between the
    two and is carried out once the escalation notice is delivered."""
    backend = _HeldBackend(tmp_path / "held.db", held=MessageKind.ESCALATION_NOTICE)
    intake = make_intake(
        category=Category.RUDE_EMPLOYEE,
        description="The delivery driver insulted me at my door",
        amount=None,
    )
    async with build_worker(env.client, task_queue, backend, policies=policies):
        complaint = await Complaint.file(env, backend, task_queue, intake, task_timeout=HELD)
        await complaint.until_event("CallbackPromised", settled=False)
        await asyncio.wait_for(backend.holding.wait(), 30)
        credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("30"))
        await complaint.act(W.decide_escalation, manager(DecisionKind.APPROVE, remedy=credit))
        backend.release.set()
        await complaint.until(Status.RESOLVED)
        types = await complaint.event_types()
        await complaint.terminate_if_open()

    assert (
        types.index("CallbackPromised")
        < types.index("ManagerDecided")
        < types.index("RemedyExecuted")
    )
    assert "SolutionsProposed" not in types
    assert complaint.messages()[-2:] == ["escalation_notice", "resolution"]
    [ledger] = backend.remedies(complaint.complaint_id)
    assert (ledger.kind, ledger.amount) == ("store_credit", Decimal("30.00"))


async def test_customer_may_withdraw_while_waiting_for_a_manager(file):
    complaint = await file(receipt_present=False)
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REFUND))
    await complaint.until(Status.AWAITING_MANAGER)
    await complaint.act(
        W.withdraw,
        Withdrawal(customer_id=CUSTOMER, reason="Found the receipt, will return in store"),
    )
    result = await complaint.result()

    assert result.outcome is Outcome.WITHDRAWN
    assert (await complaint.event_types())[-2:] == ["Withdrawn", "Closed"]
    assert complaint.messages()[-2:] == ["escalation_notice", "closing"]
    assert complaint.backend.remedies(complaint.complaint_id) == []


async def test_remedy_refused_by_the_backend_goes_to_a_manager(file):
    complaint = await file(order_reference="UNKNOWN-7")
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
    state = await complaint.until(Status.AWAITING_MANAGER)
    assert state.escalation.reason is EscalationReason.REMEDY_FAILED
    failed = next(e for e in await complaint.events() if e.type == "RemedyFailed")
    assert "not found" in failed.error
    assert complaint.backend.remedies(complaint.complaint_id) == []


async def test_invalid_actions_are_refused_with_a_clear_message(file):
    complaint = await file()
    await complaint.until(Status.AWAITING_CHOICE)
    assert "cannot answer the follow-up" in await complaint.refused(
        W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True)
    )
    assert "cannot appeal" in await complaint.refused(
        W.appeal, Appeal(customer_id=CUSTOMER, reason="why not")
    )
    assert "cannot decide the escalation" in await complaint.refused(
        W.decide_escalation, manager(DecisionKind.APPROVE)
    )
    assert "cannot provide details" in await complaint.refused(
        W.provide_details, CustomerDetails(customer_id=CUSTOMER, order_reference="X")
    )
