"""Drives one complaint through the time-skipping server as customers and managers would."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
    DescribeWorkflowExecutionResponse,
)
from temporalio.client import (
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from schemas.complaint import ComplaintInput, ComplaintResult, workflow_id_for
from schemas.events import DomainEvent
from schemas.intake import ComplaintIntake
from schemas.state import ComplaintState, Status
from tests.signing import Unsigned
from workflows.complaint import ComplaintWorkflow

_TASK = frozenset({
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
})  # fmt: skip
_RUN_ENDED = frozenset({
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
})  # fmt: skip
_ACTIVITY_CLOSED = tuple(
    f"activity_task_{end}_event_attributes"
    for end in ("completed", "failed", "timed_out", "canceled")
)
QUERY_TIMEOUT = timedelta(seconds=5)
QUERY_ATTEMPTS = 3
SKIP_TIMEOUT = timedelta(minutes=3)


@dataclass
class Complaint:
    env: WorkflowEnvironment
    handle: WorkflowHandle
    backend: LocalBackend
    complaint_id: str

    @classmethod
    async def file(
        cls,
        env: WorkflowEnvironment,
        backend: LocalBackend,
        task_queue: str,
        intake: ComplaintIntake,
        policy_version: str | None = None,
        task_timeout: timedelta | None = None,
    ) -> Complaint:
        """Start the complaint under a version the worker's store holds (its current one
        by default). `task_timeout`: its workflow task timeout (Temporal's 10 s by default);
        a local activity that runs longer than 80% of it has its task heartbeat, which is
        when an update or a query sent meanwhile is delivered."""
        handle = await env.client.start_workflow(
            ComplaintWorkflow.run,
            ComplaintInput(intake=intake, policy_version=policy_version),
            id=workflow_id_for(intake.complaint_id),
            task_queue=task_queue,
            task_timeout=task_timeout,
        )
        return cls(env, handle, backend, intake.complaint_id)

    async def state(self) -> ComplaintState:
        """The state; a query that lands while the run continues as new (the new run has no
        workflow task done yet, and the time-skipping server lets it time out) is asked again."""
        for attempt in range(QUERY_ATTEMPTS):
            try:
                return await self.handle.query(ComplaintWorkflow.state, rpc_timeout=QUERY_TIMEOUT)
            except RPCError as error:
                retry = error.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED)
                if not retry or attempt == QUERY_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def until(
        self, status: Status, timeout: float = 30, settled: bool = True
    ) -> ComplaintState:
        """Poll in real time (no skipping) until the complaint reaches `status` and settles.

        Settled means the workflow is inside a wait, for people or timers, so what
        we assert next cannot race its progress. It is asked only while nothing of the run
        is under way (`_quiet`).
        """
        deadline = asyncio.get_running_loop().time() + timeout
        state = None
        while True:
            if not settled or await self._quiet():
                state = await self.state()
                if state.status is status and (not settled or await self._settled()):
                    return state
            if asyncio.get_running_loop().time() > deadline:
                now = state.status if state else "busy (a workflow task or an activity)"
                raise AssertionError(f"still {now} after {timeout}s, wanted {status}")
            await asyncio.sleep(0.05)

    async def _settled(self) -> bool:
        return await self.handle.query(ComplaintWorkflow.waiting_on) is not None

    async def _quiet(self) -> bool:
        """Nothing of the current run is under way (or the run is over): no workflow task
        scheduled or running, no activity scheduled, so only a timer or an update can start
        a task while a query sent now is answered (the clock skips only in `skip`).

        A query sent while a task runs is held until the task ends. If that task ends the
        run (continue-as-new), the time-skipping server sends the query to the ended run,
        refuses the worker's answer ("workflow execution already completed") and the query
        waits out its deadline; its hold on the server's clock stays, so time no longer skips
        (temporalio/sdk-java#1538: the server's continue-as-new is not atomic). An activity
        that completes starts such a task at any moment."""
        history = await self.env.client.get_workflow_handle(self.handle.id).fetch_history()
        if history.events[-1].event_type in _RUN_ENDED:
            return True
        task = next((e.event_type for e in reversed(history.events) if e.event_type in _TASK), None)
        activities = set()
        for event in history.events:
            if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                activities.add(event.event_id)
            for closed in _ACTIVITY_CLOSED:
                if event.HasField(closed):
                    activities.discard(getattr(event, closed).scheduled_event_id)
        return task == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and not activities

    async def until_event(
        self, event_type: str, timeout: float = 30, settled: bool = True, count: int = 1
    ) -> None:
        """Poll until `event_type` was recorded `count` times (and the workflow settled,
        asked while nothing is under way, as in `until`)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if not settled or await self._quiet():
                recorded = (await self.event_types()).count(event_type) >= count
                if recorded and (not settled or await self._settled()):
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"no {event_type} after {timeout}s: {await self.event_types()}"
                )
            await asyncio.sleep(0.05)

    async def skip(self, duration: timedelta) -> None:
        """Let durable time pass: timers fire as if days went by. As `env.sleep`, with a
        deadline for the call: the server answers once every timer in `duration` fired and
        the workflow tasks they caused are done, which on a loaded machine can outlast the
        client's default RPC deadline (the call fails "Timeout expired")."""
        request = SleepRequest()
        request.duration.FromTimedelta(duration)
        await self.env.client.test_service.unlock_time_skipping_with_sleep(
            request, timeout=SKIP_TIMEOUT
        )

    async def events(self) -> list[DomainEvent]:
        return await self.handle.query(ComplaintWorkflow.events)

    async def event_types(self) -> list[str]:
        return [e.type for e in await self.events()]

    def messages(self) -> list[str]:
        """What the customer actually received, in order."""
        return [m.kind for m in self.backend.messages(self.complaint_id)]

    async def act(self, update: Any, arg: Any) -> Any:
        return await self.handle.execute_update(update, await self._signed(arg))

    async def _signed(self, arg: Any) -> Any:
        """Staff actions are signed as they are sent, with the server's clock."""
        if isinstance(arg, Unsigned):
            return arg.signed(self.complaint_id, await self.env.get_current_time())
        return arg

    async def refused(self, update: Any, arg: Any) -> str:
        """Send an invalid action; assert it was rejected and left history as it was."""
        before = await self.event_types()
        try:
            await self.handle.execute_update(update, await self._signed(arg))
        except WorkflowUpdateFailedError as failure:
            cause = failure.cause
            assert isinstance(cause, ApplicationError), cause
            after = await self.event_types()
            assert after == before, (before, after)
            return cause.message
        raise AssertionError(f"{update} with {arg!r} was accepted")

    async def terminate_if_open(self) -> None:
        if await self.status() is WorkflowExecutionStatus.RUNNING:
            await self.handle.terminate(reason="test finished")

    async def status(self) -> WorkflowExecutionStatus:
        """Read from the raw description: the time-skipping server keeps an unset datetime
        search attribute as a null the SDK's `describe()` cannot parse (the dev server
        removes it)."""
        return WorkflowExecutionStatus(
            (await self.raw_description()).workflow_execution_info.status
        )

    async def raw_description(self) -> DescribeWorkflowExecutionResponse:
        return await self.env.client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=self.env.client.namespace,
                execution=WorkflowExecution(workflow_id=self.handle.id),
            )
        )

    async def result(self) -> ComplaintResult:
        return await self.handle.result()
