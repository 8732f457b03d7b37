"""A long complaint continues as new at its waits and keeps its whole story and every promise."""

from __future__ import annotations

import collections
from datetime import timedelta
from decimal import Decimal

import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowHistory
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer

from domain.evolve import fold
from schemas.actions import CustomerChoice, DecisionKind, FollowUpAnswer
from schemas.complaint import ComplaintInput, Continuation, workflow_id_for
from schemas.failures import FailureType
from schemas.messages import Outcome
from schemas.policy import CompanyPolicy, OperationsQueue
from schemas.remedies import RemedyKind
from schemas.state import Status
from tests.factories import CUSTOMER, make_intake
from tests.signing import manager, operator, specialist
from tests.workflows.conftest import LIFECYCLE_ONLY
from tests.workflows.driver import Complaint
from workflows.complaint import ComplaintWorkflow as W
from workflows.sandbox import WORKFLOW_RUNNER

# The SLA clocks off: with them on, the time-skipping server's time skip times out now and
# then across a boundary (open: docs/replay.md, Continue-as-new).
# Without bounded waiting: silent specialists and managers are reminded across many runs.
LONG_LIVED = LIFECYCLE_ONLY.model_copy(
    update={
        "version": "2027-01-long-lived",
        "continue_as_new_after_events": 30,
        "operations": OperationsQueue(specialist_reminders=None, top_manager_reminders=None),
    }
)
BOUNDED = LONG_LIVED.model_copy(
    update={
        "version": "2027-01-long-lived-bounded",
        "operations": OperationsQueue(),
        # Long by the workflow task that moves it to the operations queue (its 28th event),
        # not by the one before (the 23rd): the run continues as new at the queue's wait,
        # which has no deadline, so no later task would.
        "continue_as_new_after_events": 26,
    }
)
DAYS = LONG_LIVED.deadlines


@pytest_asyncio.fixture
async def complaint(env, backend, task_queue, worker, policies):
    policies.add(LONG_LIVED)
    today = (await env.get_current_time()).date()
    intake = make_intake(amount=Decimal("450"), purchase_date=today - timedelta(days=7))
    filed = await Complaint.file(env, backend, task_queue, intake, LONG_LIVED.version)
    yield filed
    await filed.terminate_if_open()


async def runs(complaint: Complaint) -> list[WorkflowHistory]:
    """Every run of the complaint's workflow id, first to last, as their histories."""
    client = complaint.env.client
    run_id = (await complaint.raw_description()).workflow_execution_info.execution.run_id
    chain = []
    while run_id:
        history = await client.get_workflow_handle(
            complaint.handle.id, run_id=run_id
        ).fetch_history()
        chain.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        run_id = started.continued_execution_run_id
    return chain[::-1]


async def test_three_continue_as_new_boundaries_keep_the_story_and_every_promise(complaint):
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(
        W.choose_solution, CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.REFUND)
    )
    await complaint.until(Status.AWAITING_MANAGER)
    # Nobody decides for a week: reminders, two levels up, the top level reminded again
    # and again, and a callback every two days, each across runs.
    for _ in range(14):
        await complaint.skip(timedelta(hours=12))
        await complaint.until(Status.AWAITING_MANAGER)
    state = await complaint.state()
    assert state.escalation.level == 3
    await complaint.act(W.decide_escalation, manager(DecisionKind.APPROVE, level=3))
    await complaint.until(Status.RESOLVED)
    await complaint.skip(DAYS.follow_up_delay + timedelta(minutes=1))
    await complaint.until(Status.AWAITING_CONFIRMATION)
    await complaint.act(W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True))
    result = await complaint.result()
    assert result.outcome is Outcome.RESOLVED_CONFIRMED

    histories = await runs(complaint)
    chain = [h.events for h in histories]
    assert len(chain) >= 4, f"{len(chain)} runs: three boundaries wanted"
    # Each run replays on its own, from the record it was started with.
    replayer = Replayer(
        workflows=[W],
        data_converter=complaint.env.client.data_converter,
        workflow_runner=WORKFLOW_RUNNER,
    )
    for history in histories:
        await replayer.replay_workflow(history)
    for history in chain[:-1]:
        assert history[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
    # The policy is loaded once, by the first run; the others carry it.
    loads = [
        sum(
            e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and b"load policy" in e.user_metadata.summary.data
            for e in history
        )
        for history in chain
    ]
    assert loads == [1] + [0] * (len(chain) - 1)

    # The whole story: the events query of the last run is the fold of every step.
    events = await complaint.events()
    types = [e.type for e in events]
    assert types[:5] == ["Received", "Acknowledged", "Apologised", "Thanked", "SolutionsProposed"]
    assert types[-2:] == ["FixConfirmed", "Closed"]
    assert result.event_count == len(events)
    assert fold(events).outcome is Outcome.RESOLVED_CONFIRMED
    assert types.count("EscalatedToNextLevel") == 2
    assert types.count("ManagerReminded") >= 4

    # Every callback on time: made when it fell due (the timer fires at the promise).
    made = [e for e in events if e.type == "CallbackMade"]
    assert len(made) >= 3
    for callback in made:
        assert callback.at - callback.promised_for < timedelta(minutes=1), callback

    # No message twice, none missing: one per step the record says was told.
    messages = complaint.backend.messages(complaint.complaint_id)
    keys = [m.idempotency_key for m in messages]
    assert len(keys) == len(set(keys))
    kinds = collections.Counter(m.kind for m in messages)
    assert kinds["callback"] == len(made)
    assert kinds["escalation_notice"] == 1
    promised = types.count("CallbackPromised")
    assert promised == kinds["callback"] + kinds["escalation_notice"]
    assert [m.kind for m in messages][-2:] == ["follow_up", "closing"]
    pages = complaint.backend.pages(complaint.complaint_id)
    page_keys = [p.idempotency_key for p in pages]
    assert len(page_keys) == len(set(page_keys))
    assert len(pages) == types.count("ManagerReminded") + types.count("Escalated") + 2, (
        [(p.kind, p.idempotency_key) for p in pages],
        [t for t in types if "Escalat" in t or "Remind" in t],
    )
    [ledger] = complaint.backend.remedies(complaint.complaint_id)
    assert ledger.authorised_by == "manager-3"


async def test_a_start_cannot_carry_a_record(env, task_queue, worker):
    """Only the workflow continues itself: a client's forged record is refused."""
    intake = make_intake()
    forged = Continuation(events=[], effects_per_step={}, policy=CompanyPolicy())
    handle = await env.client.start_workflow(
        W.run,
        ComplaintInput(intake=intake, continued=forged),
        id=workflow_id_for(intake.complaint_id),
        task_queue=task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == FailureType.INVALID_INPUT
    assert "only the workflow itself" in cause.message


async def test_a_paused_conversation_continues_as_new_and_resumes_where_it_waited(
    env, backend, task_queue, worker, policies
):
    policies.add(LONG_LIVED)
    intake = make_intake(abusive=True)
    complaint = await Complaint.file(env, backend, task_queue, intake, LONG_LIVED.version)
    try:
        await complaint.until(Status.PAUSED)
        for _ in range(8):  # a reminder every three days, nobody resumes for 24 days
            await complaint.skip(DAYS.specialist_review)
            await complaint.until(Status.PAUSED)
        assert len(await runs(complaint)) >= 2
        await complaint.act(W.resume, specialist("Calm now, spoke by phone"))
        await complaint.until(Status.AWAITING_CHOICE)
        types = await complaint.event_types()
        assert types[:5] == ["Received", "Acknowledged", "Apologised", "Thanked", "Paused"]
        assert types.count("SpecialistReminded") == 8
        assert types[-2:] == ["Resumed", "SolutionsProposed"]
        assert types.count("SolutionsProposed") == 1
        pages = [p.kind for p in backend.pages(complaint.complaint_id)]
        assert pages == ["specialist"] + ["reminder"] * 8
        assert [m.kind for m in backend.messages(complaint.complaint_id)][-1] == "proposals"
    finally:
        await complaint.terminate_if_open()


async def test_a_complaint_in_the_operations_queue_continues_as_new_and_is_reassigned(
    env, backend, task_queue, worker, policies
):
    policies.add(BOUNDED)
    complaint = await Complaint.file(
        env, backend, task_queue, make_intake(abusive=True), BOUNDED.version
    )
    reminders = BOUNDED.operations.specialist_reminders
    try:
        await complaint.until(Status.PAUSED)
        await complaint.skip((reminders + 1) * DAYS.specialist_review + timedelta(minutes=1))
        await complaint.until(Status.IN_OPERATIONS)
        await complaint.skip(timedelta(days=10))  # the queue's wait has no deadline
        await complaint.until(Status.IN_OPERATIONS)
        chain = await runs(complaint)
        assert len(chain) >= 2
        last_start = chain[-1].events[0].workflow_execution_started_event_attributes
        assert last_start.continued_execution_run_id  # a run continued into the queue's wait
        await complaint.act(W.reassign, operator())
        await complaint.until(Status.PAUSED)
        await complaint.act(W.resume, specialist("Calm now, spoke by phone"))
        await complaint.until(Status.AWAITING_CHOICE)
        types = await complaint.event_types()
        assert types.count("MovedToOperations") == 1 and types.count("Reassigned") == 1
        assert types.count("SpecialistReminded") == reminders
        assert types.count("Paused") == 1  # the new run did not pause again
        messages = [m.kind for m in backend.messages(complaint.complaint_id)]
        assert messages.count("moved_to_operations") == 1 and messages.count("pause") == 1
        assert messages[-1] == "proposals"
    finally:
        await complaint.terminate_if_open()
