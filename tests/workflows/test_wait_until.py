"""Clients wait in the workflow, not by polling: `wait_until` and filing with `until`
(update-with-start), on a time-skipping server with real activities."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment
from temporalio.workflow import UnfinishedUpdateHandlersWarning

from schemas.messages import MessageKind, Outcome
from schemas.remedies import RemedyKind
from schemas.state import Status, WaitingOn
from schemas.waits import WaitFor
from sdk import ComplaintClient, InvalidAction, PolicyNotAvailable, WaitTimedOut
from tests.factories import make_intake
from tests.workflows.conftest import time_skipping_env
from workflows.complaint import ComplaintWorkflow


@pytest_asyncio.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: the SDK dates purchases by the real
    today, and the session's server has skipped years ahead for other modules' tests."""
    async with time_skipping_env() as env:
        yield env


@pytest_asyncio.fixture
async def complaints(env, task_queue, worker):
    return ComplaintClient(env.client, task_queue)


@pytest_asyncio.fixture
async def intake(env):
    # The time-skipping server's clock runs ahead of ours: the purchase is dated by it.
    today = (await env.get_current_time()).date()
    return make_intake(purchase_date=today - timedelta(days=7))


async def _history_types(complaints: ComplaintClient, complaint_id: str) -> list[str]:
    return [e.type for e in await complaints.events(complaint_id)]


async def test_filing_returns_once_the_acknowledgement_is_out(complaints, backend, intake):
    filed = await complaints.file_complaint(intake, until=WaitFor(acknowledged=True))
    assert filed.state is not None and filed.state.acknowledged
    assert filed.run_id
    kinds = [m.kind for m in backend.messages(intake.complaint_id)]
    assert kinds[:1] == [MessageKind.ACKNOWLEDGEMENT]

    again = await complaints.file_complaint(intake, until=WaitFor(acknowledged=True))
    assert again.run_id == filed.run_id  # the same complaint, not a second one


async def test_wait_until_answers_when_the_complaint_gets_there(complaints, intake):
    filed = await complaints.file_complaint(intake, until=WaitFor(waiting_on=WaitingOn.CHOICE))
    assert filed.state is not None and filed.state.status is Status.AWAITING_CHOICE
    cid = intake.complaint_id
    # Sent before the choice: the workflow answers it on the step that resolves it.
    resolved = asyncio.create_task(
        complaints.wait_until(cid, waiting_on=WaitingOn.FOLLOW_UP_DATE, timeout=timedelta(30))
    )
    await complaints.choose_solution(cid, RemedyKind.REPLACEMENT, customer_id=intake.customer_id)
    state = await resolved
    assert state.status is Status.RESOLVED
    assert [r.kind for r in state.remedies_executed] == [RemedyKind.REPLACEMENT]
    # Already there: answered at once, and a wait records nothing.
    before = await _history_types(complaints, cid)
    again = await complaints.wait_until(cid, status="resolved")
    assert again.status is Status.RESOLVED
    assert await _history_types(complaints, cid) == before


async def test_a_wait_that_times_out_raises_an_sdk_error_and_records_nothing(complaints, intake):
    await complaints.file_complaint(intake, until=WaitFor(status=Status.AWAITING_CHOICE))
    cid = intake.complaint_id
    before = await _history_types(complaints, cid)
    with pytest.raises(WaitTimedOut, match="did not reach status awaiting_manager within"):
        await complaints.wait_until(
            cid, status=Status.AWAITING_MANAGER, timeout=timedelta(seconds=1)
        )
    assert await _history_types(complaints, cid) == before
    await complaints.choose_solution(cid, RemedyKind.REPAIR, customer_id=intake.customer_id)


@pytest.mark.parametrize(
    ("wait", "reason"),
    [
        ({"status": Status.RECEIVED}, "it was received already"),
        ({"status": Status.PAUSED}, "only an abusive conversation is paused"),
        ({"waiting_on": WaitingOn.DETAILS}, "past listening"),
        (
            {"status": Status.DECLINED, "waiting_on": WaitingOn.CHOICE},
            "is awaiting_choice, never declined",
        ),
    ],
)
async def test_a_wait_for_what_can_never_happen_is_refused(complaints, intake, wait, reason):
    await complaints.file_complaint(intake, until=WaitFor(status=Status.AWAITING_CHOICE))
    with pytest.raises(InvalidAction, match=reason):
        await complaints.wait_until(intake.complaint_id, **wait)


async def test_pending_waits_end_with_the_complaint(complaints, env, intake):
    """Closing answers a wait for closed and refuses the others: no handler outlives it."""
    await complaints.file_complaint(intake, until=WaitFor(status=Status.AWAITING_CHOICE))
    cid = intake.complaint_id
    long = timedelta(minutes=5)
    closed = asyncio.create_task(complaints.wait_until(cid, status="closed", timeout=long))
    manager = asyncio.create_task(
        complaints.wait_until(cid, status=Status.AWAITING_MANAGER, timeout=long)
    )
    await asyncio.sleep(0.5)  # both in the workflow, waiting
    handle = env.client.get_workflow_handle_for(ComplaintWorkflow.run, f"complaint-{cid}")
    with warnings.catch_warnings(record=True) as warned:  # the worker runs in this process
        warnings.simplefilter("always")
        await complaints.withdraw(cid, customer_id=intake.customer_id)
        assert (await closed).outcome is Outcome.WITHDRAWN
        with pytest.raises(
            InvalidAction, match="closed: it will never reach status awaiting_manager"
        ):
            await manager
        assert (await handle.result()).outcome is Outcome.WITHDRAWN
    unfinished = [w for w in warned if issubclass(w.category, UnfinishedUpdateHandlersWarning)]
    assert unfinished == []
    assert (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED
    with pytest.raises(InvalidAction, match="closed"):
        await complaints.wait_until(cid, status=Status.AWAITING_CHOICE)


async def test_filing_under_an_unknown_policy_with_a_wait_says_so(complaints, backend, intake):
    with pytest.raises(PolicyNotAvailable, match="no-such-version"):
        await complaints.file_complaint(intake, "no-such-version", until=WaitFor(acknowledged=True))
    assert backend.messages(intake.complaint_id) == []


async def test_an_action_can_answer_once_the_complaint_gets_where_it_asked(
    complaints, backend, intake
):
    """`then_wait_for` on a customer's action: one update takes the choice and answers once
    the remedy is carried out; the choice is recorded once, with no wait recorded."""
    await complaints.file_complaint(intake, until=WaitFor(waiting_on=WaitingOn.CHOICE))
    cid = intake.complaint_id
    receipt = await complaints.choose_solution(
        cid,
        RemedyKind.REPLACEMENT,
        customer_id=intake.customer_id,
        then_wait_for=WaitFor(waiting_on=WaitingOn.FOLLOW_UP_DATE, timeout=timedelta(days=1)),
    )
    assert receipt.reached is True
    assert receipt.status == Status.RESOLVED.value
    assert [m.kind for m in backend.messages(cid)][-1] is MessageKind.RESOLUTION
    types = await _history_types(complaints, cid)
    assert types.count("SolutionChosen") == 1
    assert receipt.event_count == len(types)

    plain = await complaints.wait_until(cid, status=Status.RESOLVED)  # nothing asked: at once
    assert plain.status is Status.RESOLVED


async def test_an_action_whose_wait_is_not_reached_still_stands(complaints, intake):
    """A wait not reached (its timeout passed, or it can no longer happen) neither undoes nor
    fails the action: `reached` is False."""
    await complaints.file_complaint(intake, until=WaitFor(waiting_on=WaitingOn.CHOICE))
    cid = intake.complaint_id
    receipt = await complaints.choose_solution(
        cid,
        RemedyKind.REPAIR,
        customer_id=intake.customer_id,
        then_wait_for=WaitFor(status=Status.AWAITING_MANAGER, timeout=timedelta(seconds=2)),
    )
    assert receipt.reached is False
    assert "SolutionChosen" in await _history_types(complaints, cid)
    state = await complaints.wait_until(cid, waiting_on=WaitingOn.FOLLOW_UP_DATE)
    assert [r.kind for r in state.remedies_executed] == [RemedyKind.REPAIR]


async def test_an_action_without_a_wait_answers_at_once(complaints, intake):
    await complaints.file_complaint(intake, until=WaitFor(waiting_on=WaitingOn.CHOICE))
    receipt = await complaints.choose_solution(
        intake.complaint_id, RemedyKind.REPAIR, customer_id=intake.customer_id
    )
    assert receipt.reached is None
    assert receipt.status == Status.IN_PROGRESS.value
