"""`ComplaintClient`: what a backend service needs to file complaints and act on them.

A thin, typed face over `temporalio.client.Client`: one workflow per complaint
(`complaint-<id>`), updates for every action (refused ones raise `InvalidAction`
with the workflow's reason), queries for where it stands, and visibility for lists.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecution,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.envconfig import ClientConnectConfig
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.evolve import fold
from domain.stages import stage_of
from schemas import events as ev
from schemas.actions import (
    ActionReceipt,
    Appeal,
    CustomerChoice,
    FollowUpAnswer,
    ReopenRequest,
    SurveyAnswer,
    Withdrawal,
)
from schemas.complaint import (
    TASK_QUEUE,
    WORKFLOW_ID_PREFIX,
    ComplaintInput,
    ComplaintResult,
    workflow_id_for,
)
from schemas.events import DomainEvent
from schemas.failures import POLICY_FAILURES, REFUSALS, FailureType
from schemas.intake import ComplaintIntake, CustomerDetails, as_of
from schemas.listing import LISTING_MEMO, Listing
from schemas.policy import CURRENT
from schemas.remedies import RemedyKind
from schemas.staff import SignedAssertion
from schemas.stages import Stage
from schemas.state import ComplaintState, Status, WaitingOn
from schemas.waits import DEFAULT_WAIT, WaitFor
from sdk.errors import (
    ComplaintBusy,
    ComplaintClosed,
    ComplaintError,
    IntakeRefused,
    InvalidAction,
    PolicyNotAvailable,
    UnknownComplaint,
    WaitTimedOut,
)
from wire.connection import connect
from workflows import search_attributes as sa
from workflows.complaint import ComplaintWorkflow
from workflows.narrative import start_details, start_summary

_OURS = f"WorkflowType = '{ComplaintWorkflow.__name__}'"


RETRYABLE = frozenset(
    {
        RPCStatusCode.RESOURCE_EXHAUSTED,  # e.g. too many updates in flight on one complaint
        RPCStatusCode.UNAVAILABLE,
        RPCStatusCode.ABORTED,  # e.g. the update was aborted by a workflow task retry
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.CANCELLED,
    }
)
RETRY_ATTEMPTS = 10
RETRY_FIRST_DELAY_S = 0.1
RETRY_MAX_DELAY_S = 2.0


class FiledComplaint(BaseModel):
    """Where a filed complaint lives; the same answer however often it is filed."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    workflow_id: str
    run_id: str | None
    state: ComplaintState | None = None
    """Where the complaint stood when what the filing waited for (`until`) was reached."""


class ReplyReceipt(BaseModel):
    """Where a customer's reply after closing went: the same complaint, reopened, or a new
    complaint that follows it (`related_to`)."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    """The complaint that handles the reply now."""
    reopened: bool
    """True: the closed complaint reopened within its window; False: a new one was filed."""
    related_to: str | None = None


class ComplaintSummary(BaseModel):
    """A complaint as visibility sees it: enough for a list, without asking the workflow."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    workflow_id: str
    running: bool
    status: str | None
    category: str | None
    severity: str | None
    customer_id: str | None
    escalation_level: int
    assigned_manager: str | None
    reopen_count: int
    started_at: datetime
    closed_at: datetime | None
    store: str | None = None
    order_reference: str | None = None
    sla_state: str | None = None
    sla_due_at: datetime | None = None
    listing: Listing | None = None
    """The staff lists' row from the memo; None for a complaint started before it was kept."""

    @classmethod
    def of(cls, execution: WorkflowExecution, listing: Listing | None = None) -> ComplaintSummary:
        attrs = execution.typed_search_attributes
        return cls(
            store=attrs.get(sa.STORE),
            order_reference=attrs.get(sa.ORDER_REFERENCE),
            sla_state=attrs.get(sa.SLA_STATE),
            sla_due_at=attrs.get(sa.SLA_DUE_AT),
            listing=listing,
            complaint_id=execution.id.removeprefix(WORKFLOW_ID_PREFIX),
            workflow_id=execution.id,
            running=execution.status is WorkflowExecutionStatus.RUNNING,
            status=attrs.get(sa.STATUS),
            category=attrs.get(sa.CATEGORY),
            severity=attrs.get(sa.SEVERITY),
            customer_id=attrs.get(sa.CUSTOMER_ID),
            escalation_level=attrs.get(sa.ESCALATION_LEVEL) or 0,
            assigned_manager=attrs.get(sa.ASSIGNED_MANAGER),
            reopen_count=attrs.get(sa.REOPEN_COUNT) or 0,
            started_at=execution.start_time,
            closed_at=execution.close_time,
        )


async def _listing(execution: WorkflowExecution) -> Listing | None:
    """The memo's `listing`, or None when it is absent or not one."""
    if LISTING_MEMO not in execution.raw_info.memo.fields:
        return None
    try:
        return Listing.model_validate(await execution.memo_value(LISTING_MEMO, type_hint=dict))
    except Exception:  # noqa: BLE001 - a memo this client cannot open or read: no listing
        return None


def _today() -> date:
    """Today as the workflow sees it: its clock is UTC."""
    return datetime.now(UTC).date()


def inbox_query(level: int) -> str:
    """Open escalations a manager at `level` may decide (their level and the ones below)."""
    return (
        f"ExecutionStatus = 'Running' AND {sa.STATUS.name} = '{Status.AWAITING_MANAGER.value}' "
        f"AND {sa.ESCALATION_LEVEL.name} <= {int(level)}"
    )


class ComplaintClient:
    """File complaints and act on them as customers, staff and managers."""

    def __init__(self, client: Client, task_queue: str | None = None) -> None:
        self._client = client
        self._task_queue = task_queue or os.environ.get("COMPLAINTS_TASK_QUEUE", TASK_QUEUE)

    @classmethod
    async def connect(
        cls, config: ClientConnectConfig | None = None, task_queue: str | None = None
    ) -> ComplaintClient:
        """Connect as `wire.connection.connect` does (environment, TLS, data converter)."""
        return cls(await connect(config), task_queue)

    @property
    def temporal(self) -> Client:
        return self._client

    # ------------------------------------------------------------------ filing

    async def file_complaint(
        self,
        intake: ComplaintIntake,
        policy_version: str | None = None,
        *,
        until: WaitFor | None = None,
        request_id: str | None = None,
    ) -> FiledComplaint:
        """Start the complaint's workflow; filing the same complaint id again is a no-op.

        With `until` (e.g. ``WaitFor(acknowledged=True)``: the acknowledgement is out), the
        start and a `wait_until` go in one request (update-with-start) and the call returns
        once the complaint got there, with its `state`; it raises as `wait_until` does.

        The complaint runs under the operator's policy: the version named (one the workers'
        store holds), or the current one. An unknown version fails the complaint at once:
        `result` raises `PolicyNotAvailable`; a purchase amount in a currency the policy does
        not take fails it too, and `result` raises `IntakeRefused`. Safe to retry: a running
        or completed complaint with this id is returned as it is (the first filing wins; a different
        intake under the same id is ignored). A run that failed or was terminated never
        burns the id: filing again starts the complaint anew. A purchase date after today
        (UTC) raises a `ValidationError` before anything is sent.
        """
        intake = as_of(intake, _today())
        arg = ComplaintInput(intake=intake, policy_version=policy_version)
        workflow_id = workflow_id_for(intake.complaint_id)
        # The values the workflow would upsert first, so the complaint is findable at once.
        filed = fold(
            [
                ev.Received(
                    at=datetime.now(UTC), intake=intake, policy_version=policy_version or CURRENT
                )
            ]
        )
        start = dict(
            id=workflow_id,
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            search_attributes=sa.typed(sa.search_attributes_for(filed) | sa.listed_values(filed)),
            static_summary=start_summary(intake),
            static_details=start_details(intake),
        )
        state: ComplaintState | None = None
        try:
            if until is None:
                handle = await self._client.start_workflow(ComplaintWorkflow.run, arg, **start)
                run_id = handle.result_run_id
            else:
                operation = WithStartWorkflowOperation(ComplaintWorkflow.run, arg, **start)
                state = await self._retrying(
                    intake.complaint_id,
                    f"wait_until/{request_id or uuid.uuid4().hex}",
                    lambda update_id: self._client.execute_update_with_start_workflow(
                        ComplaintWorkflow.wait_until,
                        until,
                        start_workflow_operation=operation,
                        id=update_id,
                    ),
                )
                run_id = (await operation.workflow_handle()).result_run_id
        except WorkflowAlreadyStartedError:  # filed before, and completed since
            described = await self._client.get_workflow_handle(workflow_id).describe()
            if described.status is not WorkflowExecutionStatus.COMPLETED:
                raise ComplaintError(
                    intake.complaint_id,
                    f"complaint {intake.complaint_id!r} exists as a {described.status.name} run",
                ) from None
            run_id = described.run_id
            if until is not None:
                state = await self.state(intake.complaint_id)
        return FiledComplaint(
            complaint_id=intake.complaint_id, workflow_id=workflow_id, run_id=run_id, state=state
        )

    # ------------------------------------------------------------------ reading

    async def state(self, complaint_id: str) -> ComplaintState:
        """Where the complaint stands (the fold of its events)."""
        return await self._query(complaint_id, ComplaintWorkflow.state)

    async def stage(self, complaint_id: str) -> Stage:
        """Where the complaint stands in ISO 10002's terms (derived from its state)."""
        return stage_of(await self.state(complaint_id))

    async def events(self, complaint_id: str) -> list[DomainEvent]:
        """The complaint-and-resolution record, oldest first."""
        return await self._query(complaint_id, ComplaintWorkflow.events)

    async def waiting_on(self, complaint_id: str) -> str | None:
        return await self._query(complaint_id, ComplaintWorkflow.waiting_on)

    async def wait_until(
        self,
        complaint_id: str,
        *,
        status: Status | str | None = None,
        waiting_on: WaitingOn | str | None = None,
        acknowledged: bool = False,
        escalation_level: int | None = None,
        settled: bool = False,
        timeout: timedelta = DEFAULT_WAIT,
        request_id: str | None = None,
    ) -> ComplaintState:
        """Wait, in the workflow and without polling, until the complaint has `status`, waits
        on `waiting_on`, has sent its acknowledgement, reached `escalation_level` and/or
        `settled` (waits on someone, whoever, or closed) (every one given); its state then.

        Raises `WaitTimedOut` when `timeout` passes first, and `InvalidAction` at once (or as
        soon as it is so) when the complaint can no longer get there, e.g. a status it has
        passed for good, or any status but closed once it is closed.
        """
        wait = WaitFor(
            status=status,
            waiting_on=waiting_on,
            acknowledged=acknowledged,
            escalation_level=escalation_level,
            settled=settled,
            timeout=timeout,
        )
        return await self._act(complaint_id, ComplaintWorkflow.wait_until, wait, request_id)

    async def result(self, complaint_id: str) -> ComplaintResult:
        """Wait for the complaint to close, and say how it ended."""
        try:
            return await self._handle(complaint_id).result()
        except WorkflowFailureError as failure:
            cause = failure.cause
            if isinstance(cause, ApplicationError) and cause.type in POLICY_FAILURES:
                raise PolicyNotAvailable(complaint_id, cause.message) from None
            if isinstance(cause, ApplicationError) and cause.type == FailureType.INTAKE_REFUSED:
                raise IntakeRefused(complaint_id, cause.message) from None
            raise
        except RPCError as error:
            raise self._unknown_if_missing(complaint_id, error) from None

    async def find(self, query: str | None = None) -> list[ComplaintSummary]:
        """Complaints matching a visibility query on our search attributes, oldest first.

        e.g. ``"CustomerId = 'cust-1'"`` or ``"ComplaintStatus = 'awaiting_manager'"``.
        """
        where = f"{_OURS} AND ({query})" if query else _OURS
        found = [
            ComplaintSummary.of(e, await _listing(e))
            async for e in self._client.list_workflows(where)
        ]
        return sorted(found, key=lambda c: c.started_at)

    async def inbox(self, level: int) -> list[ComplaintSummary]:
        """Escalations waiting for a manager at `level` or below, the oldest first."""
        return await self.find(inbox_query(level))

    # ------------------------------------------------------------------ customers
    # Each names the customer acting, from the backend's authenticated session with them:
    # the complaint refuses an action by anyone but its own customer.

    async def provide_details(
        self, complaint_id: str, details: CustomerDetails, *, request_id: str | None = None
    ) -> ActionReceipt:
        """The customer's answer to our questions; a purchase date after today (UTC) raises
        a `ValidationError` before anything is sent."""
        details = as_of(details, _today())
        return await self._act(complaint_id, ComplaintWorkflow.provide_details, details, request_id)

    async def choose_solution(
        self,
        complaint_id: str,
        remedy: RemedyKind | str,
        *,
        customer_id: str,
        request_id: str | None = None,
        then_wait_for: WaitFor | None = None,
    ) -> ActionReceipt:
        """The customer's choice; with `then_wait_for` (say, `WaitFor(status=Status.RESOLVED)`)
        the answer comes once the complaint gets there, in the same update (`reached`)."""
        choice = CustomerChoice(customer_id=customer_id, remedy=remedy, then_wait_for=then_wait_for)
        return await self._act(complaint_id, ComplaintWorkflow.choose_solution, choice, request_id)

    async def appeal(
        self,
        complaint_id: str,
        reason: str,
        *,
        customer_id: str,
        request_id: str | None = None,
        then_wait_for: WaitFor | None = None,
    ) -> ActionReceipt:
        """The customer asks for someone with more authority (`then_wait_for`: as in
        `choose_solution`)."""
        appeal = Appeal(customer_id=customer_id, reason=reason, then_wait_for=then_wait_for)
        return await self._act(complaint_id, ComplaintWorkflow.appeal, appeal, request_id)

    async def answer_follow_up(
        self,
        complaint_id: str,
        fixed: bool = True,
        comment: str | None = None,
        *,
        customer_id: str,
        request_id: str | None = None,
        then_wait_for: WaitFor | None = None,
    ) -> ActionReceipt:
        """The customer's answer to the follow-up; ``fixed=False`` reopens the complaint
        (`then_wait_for`: as in `choose_solution`)."""
        answer = FollowUpAnswer(
            customer_id=customer_id, fixed=fixed, comment=comment, then_wait_for=then_wait_for
        )
        return await self._act(complaint_id, ComplaintWorkflow.answer_follow_up, answer, request_id)

    async def withdraw(
        self,
        complaint_id: str,
        reason: str | None = None,
        *,
        customer_id: str,
        request_id: str | None = None,
    ) -> ActionReceipt:
        withdrawal = Withdrawal(customer_id=customer_id, reason=reason)
        return await self._act(complaint_id, ComplaintWorkflow.withdraw, withdrawal, request_id)

    async def reopen(
        self,
        complaint_id: str,
        comment: str | None = None,
        *,
        customer_id: str,
        request_id: str | None = None,
    ) -> ReplyReceipt:
        """The customer replies about a closed complaint. Within its reopen window the same
        complaint reopens (back to finding a remedy it has not carried out); once the window
        has passed (its run has ended), a new complaint with the old one's facts and the
        reply as its description is filed, `related_to` the old one, and acknowledged. A
        retry with the same `request_id` files it once."""
        request = ReopenRequest(customer_id=customer_id, comment=comment)
        try:
            await self._act(complaint_id, ComplaintWorkflow.reopen, request, request_id)
            return ReplyReceipt(complaint_id=complaint_id, reopened=True)
        except ComplaintClosed:
            pass  # the window passed and the run ended: a new complaint follows it
        except InvalidAction:
            state = await self.state(complaint_id)
            until = state.reopen_until
            if not state.closed or (until is not None and until > datetime.now(UTC)):
                raise  # open, or closed within its window: the refusal stands
        old = await self.state(complaint_id)  # the closed run still answers queries
        if old.intake is None or old.intake.customer_id != customer_id:
            raise InvalidAction(complaint_id, "this complaint belongs to another customer")
        token = request_id or uuid.uuid4().hex
        suffix = hashlib.sha256(f"{complaint_id}/{token}".encode()).hexdigest()[:10]
        intake = ComplaintIntake.model_validate(
            old.intake.model_dump()
            | {
                "complaint_id": f"{complaint_id[:68]}-{suffix}",
                "related_to": complaint_id,
                "description": comment or old.intake.description,
            }
        )
        filed = await self.file_complaint(
            intake, old.policy_version, until=WaitFor(acknowledged=True), request_id=token
        )
        return ReplyReceipt(
            complaint_id=filed.complaint_id, reopened=False, related_to=complaint_id
        )

    async def answer_survey(
        self,
        complaint_id: str,
        score: int,
        comment: str | None = None,
        *,
        customer_id: str,
        request_id: str | None = None,
    ) -> ActionReceipt:
        """The satisfaction survey's answer (score 1-5), accepted once."""
        answer = SurveyAnswer(customer_id=customer_id, score=score, comment=comment)
        return await self._act(complaint_id, ComplaintWorkflow.answer_survey, answer, request_id)

    # ------------------------------------------------------------------ staff
    # Signed where the person was authenticated (`sdk.signing`); the complaint verifies the
    # signature and takes who they are, their level and limit from the staff directory.

    async def resume(
        self, complaint_id: str, signed: SignedAssertion, *, request_id: str | None = None
    ) -> ActionReceipt:
        return await self._act(complaint_id, ComplaintWorkflow.resume, signed, request_id)

    async def reassign(
        self, complaint_id: str, signed: SignedAssertion, *, request_id: str | None = None
    ) -> ActionReceipt:
        """Operations hand a complaint from their queue to a person the directory lists."""
        return await self._act(complaint_id, ComplaintWorkflow.reassign, signed, request_id)

    async def acknowledge_safety(
        self, complaint_id: str, signed: SignedAssertion, *, request_id: str | None = None
    ) -> ActionReceipt:
        """A safety officer has seen a reported hazard: the complaint may go on."""
        return await self._act(
            complaint_id, ComplaintWorkflow.acknowledge_safety, signed, request_id
        )

    async def decide_escalation(
        self, complaint_id: str, signed: SignedAssertion, *, request_id: str | None = None
    ) -> ActionReceipt:
        return await self._act(
            complaint_id, ComplaintWorkflow.decide_escalation, signed, request_id
        )

    # ------------------------------------------------------------------ plumbing

    def _handle(self, complaint_id: str) -> WorkflowHandle[ComplaintWorkflow, ComplaintResult]:
        return self._client.get_workflow_handle_for(
            ComplaintWorkflow.run, workflow_id_for(complaint_id)
        )

    async def _query(self, complaint_id: str, query: Callable[..., Any]) -> Any:
        try:
            return await self._handle(complaint_id).query(query)
        except WorkflowQueryFailedError as failed:  # e.g. a run that failed at its start
            raise ComplaintError(
                complaint_id, f"complaint {complaint_id!r} cannot answer: {failed.message}"
            ) from None
        except RPCError as error:
            raise self._unknown_if_missing(complaint_id, error) from None

    async def _act(
        self,
        complaint_id: str,
        update: Callable[..., Any],
        arg: Any,
        request_id: str | None,
    ) -> Any:
        """Send one action, as one update whatever the retries: its id comes from the
        caller's `request_id` (or is made once here), so the server answers a retry with
        the first attempt's outcome. Overload, aborts and outages are retried with backoff."""
        return await self._retrying(
            complaint_id,
            f"{update.__name__}/{request_id or uuid.uuid4().hex}",
            lambda update_id: self._handle(complaint_id).execute_update(update, arg, id=update_id),
        )

    async def _retrying(
        self, complaint_id: str, update_id: str, send: Callable[[str], Awaitable[Any]]
    ) -> Any:
        """`send(update_id)` until it is answered; SDK errors for every way it is not."""
        delay, last = RETRY_FIRST_DELAY_S, ""
        for _ in range(RETRY_ATTEMPTS):
            try:
                return await send(update_id)
            except WorkflowUpdateFailedError as failure:
                cause = failure.cause
                if isinstance(cause, ApplicationError) and cause.type in REFUSALS:
                    raise InvalidAction(complaint_id, cause.message) from None
                if isinstance(cause, ApplicationError) and cause.type == FailureType.WAIT_TIMED_OUT:
                    raise WaitTimedOut(complaint_id, cause.message) from None
                if isinstance(cause, ApplicationError) and cause.type in POLICY_FAILURES:
                    raise PolicyNotAvailable(complaint_id, cause.message) from None
                raise ComplaintError(complaint_id, f"the action failed: {cause}") from None
            except WorkflowUpdateRPCTimeoutOrCancelledError as unanswered:
                cancelled = unanswered.__cause__
                if isinstance(cancelled, asyncio.CancelledError):
                    raise cancelled from None  # the caller cancelled: no retry behind its back
                last = "no answer in time"
            except RPCError as error:
                if error.status is RPCStatusCode.NOT_FOUND:
                    raise await self._missing_or_closed(complaint_id) from None
                if error.status not in RETRYABLE:
                    raise ComplaintError(
                        complaint_id, f"Temporal refused the request: {error.message}"
                    ) from None
                last = error.message
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY_S)
        raise ComplaintBusy(complaint_id, update_id, last)

    async def _missing_or_closed(self, complaint_id: str) -> ComplaintError:
        """The server says NOT_FOUND both for no such complaint and for a closed one."""
        try:
            await self._handle(complaint_id).describe()
        except RPCError as missing:
            found = self._unknown_if_missing(complaint_id, missing)
            return (
                found
                if isinstance(found, ComplaintError)
                else ComplaintError(complaint_id, str(found))
            )
        return ComplaintClosed(complaint_id)

    @staticmethod
    def _unknown_if_missing(complaint_id: str, error: RPCError) -> Exception:
        return UnknownComplaint(complaint_id) if error.status is RPCStatusCode.NOT_FOUND else error
