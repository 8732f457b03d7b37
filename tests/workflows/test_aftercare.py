"""After closing, on a time-skipping server: the reopen window, the satisfaction survey, and
duplicates linked to the open complaint about the same order (patch `aftercare`)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
import pytest_asyncio
from temporalio.client import WorkflowExecutionStatus

from activities.policy_store import InMemoryPolicyStore
from schemas.actions import CustomerChoice, FollowUpAnswer, ReopenRequest, SurveyAnswer
from schemas.intake import ComplaintIntake, CustomerDetails
from schemas.messages import Outcome
from schemas.policy import CompanyPolicy, Deadlines, SlaPolicy
from schemas.remedies import RemedyKind
from schemas.state import Status, WaitingOn
from sdk.client import ComplaintClient
from tests.factories import make_intake
from tests.workflows.driver import Complaint
from tests.workflows.test_continue_as_new import runs
from workflows.complaint import ComplaintWorkflow as W

DEADLINES = Deadlines(reopen_grace=timedelta(days=10), survey_delay=timedelta(days=2))
AFTERCARE = CompanyPolicy(
    version="aftercare",
    sla=SlaPolicy(enabled=False),
    deadlines=DEADLINES,
    link_duplicates=True,
    return_window_days=36500,  # the server's clock runs years ahead of ours (see below)
)
CUSTOMER = make_intake().customer_id
CLOSING = ["FixConfirmed", "Closed", "AftercareOpened"]


@pytest.fixture
def policies() -> InMemoryPolicyStore:
    return InMemoryPolicyStore(AFTERCARE)


@pytest_asyncio.fixture
async def file(env, backend, task_queue, worker):
    filed: list[Complaint] = []

    async def _file(**overrides) -> Complaint:
        today = (await env.get_current_time()).date()
        intake = make_intake(**({"purchase_date": today - timedelta(days=7)} | overrides))
        filed.append(await Complaint.file(env, backend, task_queue, intake))
        return filed[-1]

    yield _file
    for complaint in filed:
        await complaint.terminate_if_open()


async def resolve(complaint: Complaint, remedy: RemedyKind = RemedyKind.REPLACEMENT) -> None:
    """Choose `remedy`, confirm the fix: the complaint closes and its window opens."""
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, CustomerChoice(customer_id=CUSTOMER, remedy=remedy))
    await complaint.until(Status.RESOLVED)
    await complaint.skip(DEADLINES.follow_up_delay)
    await complaint.until(Status.AWAITING_CONFIRMATION)
    await complaint.act(W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True))
    await complaint.until_event("AftercareOpened")


async def linked_and_done(complaint: Complaint) -> bool:
    """The duplicate closed as linked and its run completed. (Its `result()` is not awaited:
    on the time-skipping server, awaiting a completed run's result while another complaint
    is open leaves later time skips timing out.)"""
    for _ in range(100):
        if await complaint.status() is WorkflowExecutionStatus.COMPLETED:
            state = await complaint.state()
            return state.outcome is Outcome.LINKED and not state.remedies_executed
        await asyncio.sleep(0.05)
    return False


def survey(score: int, customer_id: str = CUSTOMER, comment: str | None = None) -> SurveyAnswer:
    return SurveyAnswer(customer_id=customer_id, score=score, comment=comment)


def reply(customer_id: str = CUSTOMER) -> ReopenRequest:
    return ReopenRequest(customer_id=customer_id, comment="The kettle stopped heating again")


async def test_the_survey_goes_out_once_after_its_delay_and_is_answered_once(file):
    complaint = await file()
    await resolve(complaint)
    state = await complaint.state()
    assert state.status is Status.CLOSED and state.outcome is Outcome.RESOLVED_CONFIRMED
    assert await complaint.handle.query(W.waiting_on) is WaitingOn.SURVEY_DATE
    assert "no satisfaction survey was sent" in await complaint.refused(W.answer_survey, survey(5))

    await complaint.skip(DEADLINES.survey_delay)
    await complaint.until_event("SurveySent")
    assert complaint.messages().count("survey") == 1
    assert "another customer" in await complaint.refused(W.answer_survey, survey(5, "cust-2"))
    await complaint.act(W.answer_survey, survey(4, comment="Quick and friendly"))
    assert "already answered" in await complaint.refused(W.answer_survey, survey(1))

    result = await complaint.result()  # the window passes: the run ends

    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    types = await complaint.event_types()
    assert types[-6:] == [*CLOSING, "SurveySent", "SurveyAnswered", "ReopenWindowClosed"]
    state = await complaint.state()
    assert (state.satisfaction, state.survey_comment) == (4, "Quick and friendly")
    assert complaint.messages()[-2:] == ["closing", "survey"]


async def test_a_reopen_before_the_survey_cancels_it(file):
    complaint = await file()
    await resolve(complaint)
    await complaint.act(W.reopen, reply())
    state = await complaint.until(Status.AWAITING_CHOICE)

    assert state.outcome is None and state.reopen_count == 1 and state.survey_at is None
    assert RemedyKind.REPLACEMENT not in [r.kind for r in state.options]  # never repeated
    await complaint.skip(DEADLINES.survey_delay)  # past the cancelled survey's date
    await complaint.until(Status.RESOLVED)  # the default choice was carried out
    types = await complaint.event_types()
    assert "SurveySent" not in types
    assert types[types.index("AftercareOpened") :][:3] == [
        "AftercareOpened",
        "Reopened",
        "SolutionsProposed",
    ]
    messages = complaint.messages()
    assert "survey" not in messages
    assert messages[messages.index("closing") :][:3] == ["closing", "reopened", "proposals"]


async def test_a_reply_within_the_window_reopens_the_same_complaint(file):
    complaint = await file()
    await resolve(complaint)
    await complaint.skip(DEADLINES.survey_delay)
    await complaint.until_event("SurveySent")
    assert "another customer" in await complaint.refused(W.reopen, reply("cust-2"))
    await complaint.act(W.reopen, reply())
    await resolve(complaint, RemedyKind.REFUND)  # the same complaint, a new remedy

    result = await complaint.result()

    assert result.outcome is Outcome.RESOLVED_CONFIRMED and result.reopen_count == 1
    ledger = complaint.backend.remedies(complaint.complaint_id)
    assert [e.kind for e in ledger] == [RemedyKind.REPLACEMENT, RemedyKind.REFUND]
    types = await complaint.event_types()
    assert types.count("SurveySent") == 1  # once per complaint, not once per closing
    assert types.count("AftercareOpened") == 2 and types[-1] == "ReopenWindowClosed"
    assert complaint.messages().count("survey") == 1


async def test_a_reply_after_the_window_files_a_new_complaint_linked_to_it(
    env, backend, task_queue, worker, file
):
    # The SDK files the follower dated by our clock: the purchase is too (the window is long).
    complaint = await file(purchase_date=date.today() - timedelta(days=7))
    await resolve(complaint)
    await complaint.result()  # the window passed
    sdk = ComplaintClient(env.client, task_queue)

    answer = await sdk.reopen(
        complaint.complaint_id, "It broke again", customer_id=CUSTOMER, request_id="r-1"
    )

    assert not answer.reopened and answer.related_to == complaint.complaint_id
    assert answer.complaint_id != complaint.complaint_id
    again = await sdk.reopen(
        complaint.complaint_id, "It broke again", customer_id=CUSTOMER, request_id="r-1"
    )
    assert again.complaint_id == answer.complaint_id  # a retried reply files it once
    follower = Complaint(env, sdk._handle(answer.complaint_id), backend, answer.complaint_id)
    [received, *_] = await follower.events()
    assert isinstance(received.intake, ComplaintIntake)
    assert received.intake.related_to == complaint.complaint_id
    assert received.intake.description == "It broke again"
    state = await follower.until(Status.AWAITING_CHOICE)  # the old order is free again
    assert state.linked_to is None
    await follower.terminate_if_open()


async def test_reopen_in_the_window_through_the_sdk(env, task_queue, file):
    complaint = await file()
    await resolve(complaint)
    sdk = ComplaintClient(env.client, task_queue)

    answer = await sdk.reopen(complaint.complaint_id, "Broken again", customer_id=CUSTOMER)

    assert answer.reopened and answer.complaint_id == complaint.complaint_id
    await complaint.until(Status.AWAITING_CHOICE)


async def test_a_duplicate_is_linked_to_the_open_complaint_and_gets_no_remedy(file):
    first = await file()
    await first.until(Status.AWAITING_CHOICE)
    second = await file()

    await second.until_event("Closed", settled=False)

    assert await second.event_types() == [
        "Received",
        "Acknowledged",
        "Apologised",
        "Thanked",
        "LinkedToOpenComplaint",
        "Closed",
    ]
    assert (await second.state()).linked_to == first.complaint_id
    assert second.messages() == ["acknowledgement", "linked"]
    linked = second.backend.messages(second.complaint_id)[-1]
    assert first.complaint_id in linked.body
    assert second.backend.remedies(second.complaint_id) == []
    await resolve(first)  # the first one goes on as before
    assert len(first.backend.remedies(first.complaint_id)) == 1
    assert await linked_and_done(second)


async def test_a_duplicate_whose_order_comes_with_the_details_is_linked_too(file):
    first = await file()
    await first.until(Status.AWAITING_CHOICE)
    second = await file(order_reference=None)
    await second.until(Status.AWAITING_DETAILS)
    await second.act(
        W.provide_details, CustomerDetails(customer_id=CUSTOMER, order_reference="ORD-1001")
    )
    await second.until_event("Closed", settled=False)

    assert await linked_and_done(second)
    assert second.backend.remedies(second.complaint_id) == []


async def test_the_window_survives_continue_as_new(env, backend, task_queue, policies, worker):
    """The first run reaches its limit at closing and continues inside the window."""
    short = AFTERCARE.model_copy(
        update={"version": "aftercare-short", "continue_as_new_after_events": 44}
    )
    policies.add(short)
    today = (await env.get_current_time()).date()
    intake = make_intake(purchase_date=today - timedelta(days=7))
    complaint = await Complaint.file(env, backend, task_queue, intake, policy_version=short.version)
    try:
        await resolve(complaint)
        await complaint.skip(DEADLINES.survey_delay)
        await complaint.until_event("SurveySent")
        await complaint.act(W.answer_survey, survey(5))
        result = await complaint.result()
    finally:
        await complaint.terminate_if_open()

    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    chain = await runs(complaint)
    assert len(chain) >= 2  # continued inside the window (44 events)
    carried = chain[1].events[0].workflow_execution_started_event_attributes.input
    assert b"AftercareOpened" in carried.payloads[0].data  # the window opened in the first
    types = await complaint.event_types()
    assert types.count("SurveySent") == 1 and types[-1] == "ReopenWindowClosed"
    assert complaint.messages().count("survey") == 1
    assert (await complaint.state()).satisfaction == 5
