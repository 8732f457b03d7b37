"""Complaints to benchmark and the clients that drive them, as customers and managers would.

Every path runs the real `ComplaintWorkflow` with real activities on the local backend;
only the policy's deadlines are shortened, in a policy version named by its deadlines that
the driver registers in the bench worker's policy folder before filing under it. The
customer acts through the same updates as in production. The driver never polls: it files
with update-with-start and a `wait_until` that returns once the complaint waits for the
customer's choice, and waits for the follow-up with `wait_until` too, exactly as it drives
the floor (whose `wait_until` waits the same way). `Polls` counts the queries the driver's
client sent meanwhile (`bench.env.QUERIES`), so the report shows that there are none.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from bench.baseline import (
    WAITING_FOR_ANSWER,
    WAITING_FOR_CHOICE,
    BareLifecycle,
    BareSpec,
    BareUpdate,
)
from bench.env import QUERIES, WorkerProcess
from devtools.demo_staff import demo_key
from domain.signatures import sign
from schemas.actions import CustomerChoice, DecisionKind, FollowUpAnswer, ManagerDecision
from schemas.complaint import WORKFLOW_ID_PREFIX, ComplaintInput, ComplaintResult, workflow_id_for
from schemas.intake import ComplaintIntake
from schemas.messages import Outcome
from schemas.policy import CompanyPolicy, Deadlines, SlaPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.staff import SignedAssertion
from schemas.state import WaitingOn
from schemas.waits import WaitFor
from sdk.signing import assertion
from tests.factories import make_intake
from workflows.complaint import ComplaintWorkflow as W

WAITING_FOR_MANAGER = WaitingOn.MANAGER.value
CUSTOMER = "cust-bench"
LONG = timedelta(hours=1)
"""Waits a person ends (choice, answer, decision): the timer is started, then cancelled."""

PATHS = ("resolve", "decline", "escalate_override", "reopen")


def bench_policy(follow_up_delay_s: float, **deadlines: timedelta) -> CompanyPolicy:
    """The default policy with the follow-up (and any given deadline) shortened; its version
    is named by its deadlines, so one version always means one content. The SLA clocks are
    off: the bare floor has no timer of theirs, so the shapes would differ (their cost is
    not in these figures). So is aftercare (no reopen window, no order claim): the run ends
    at closing, as the floor's does."""
    fields: dict[str, Any] = dict(
        details_reply=LONG,
        solution_choice=LONG,
        appeal=LONG,
        manager_response=LONG,
        manager_after_reminder=LONG,
        callback_interval=timedelta(hours=2),
        follow_up_delay=timedelta(seconds=follow_up_delay_s),
        follow_up_reply=LONG,
        follow_up_after_reminder=LONG,
        specialist_review=LONG,
        reopen_grace=timedelta(0),
    )
    chosen = Deadlines(**(fields | deadlines))
    digest = hashlib.sha256(chosen.model_dump_json().encode()).hexdigest()[:12]
    return CompanyPolicy(
        version=f"bench-{digest}",
        deadlines=chosen,
        sla=SlaPolicy(enabled=False),
        link_duplicates=False,
    )


def kettle(prefix: str, days_since_purchase: int = 7, **overrides: Any) -> ComplaintIntake:
    """A defective kettle with its receipt (the tests' standard case): the agent solves it."""
    return make_intake(
        complaint_id=f"{prefix}-{uuid.uuid4().hex[:12]}",
        customer_id=CUSTOMER,
        purchase_date=date.today() - timedelta(days=days_since_purchase),
        **overrides,
    )


@dataclass
class Polls:
    """How many queries the driver's client sent since this was made (none: it waits)."""

    since: int = field(default_factory=lambda: QUERIES.count)

    @property
    def count(self) -> int:
        return QUERIES.count - self.since


async def until_waiting(handle: WorkflowHandle, wanted: str) -> None:
    """Until the workflow waits for `wanted`: a `wait_until` update, answered in the workflow
    (the engine's and the floor's take the same argument)."""
    await handle.execute_update("wait_until", _wait(wanted))


def _wait(wanted: str) -> WaitFor:
    return WaitFor(waiting_on=WaitingOn(wanted), timeout=LONG)


async def file(
    client: Client,
    worker: WorkerProcess,
    intake: ComplaintIntake,
    policy: CompanyPolicy,
    until: str | None = WAITING_FOR_CHOICE,
) -> WorkflowHandle[W, ComplaintResult]:
    """Register `policy` with the worker, then file the complaint under its version, in one
    request with a `wait_until` that returns once it waits on `until` (None: just start)."""
    arg = ComplaintInput(intake=intake, policy_version=worker.add_policy(policy))
    workflow_id, queue = workflow_id_for(intake.complaint_id), worker.task_queue
    if until is None:
        return await client.start_workflow(W.run, arg, id=workflow_id, task_queue=queue)
    start = WithStartWorkflowOperation(
        W.run,
        arg,
        id=workflow_id,
        task_queue=queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    await client.execute_update_with_start_workflow(
        W.wait_until, _wait(until), start_workflow_operation=start
    )
    return await start.workflow_handle()


_FIXED = FollowUpAnswer(customer_id=CUSTOMER, fixed=True, comment="works")


async def _answer_follow_up(handle: WorkflowHandle, answer: FollowUpAnswer = _FIXED) -> None:
    """Once the follow-up comes, the customer answers it."""
    await until_waiting(handle, WAITING_FOR_ANSWER)
    await handle.execute_update(W.answer_follow_up, answer)


async def _choose(handle: WorkflowHandle, remedy: RemedyKind, then: str) -> None:
    """The customer's choice, answered once the complaint waits on `then` (one update: the
    action's `then_wait_for`, as the SDK's `choose_solution` sends it)."""
    choice = CustomerChoice(customer_id=CUSTOMER, remedy=remedy, then_wait_for=_wait(then))
    receipt = await handle.execute_update(W.choose_solution, choice)
    if not receipt.reached:
        raise AssertionError(f"{handle.id} did not get to {then!r} after the choice")


async def happy_path(
    client: Client,
    worker: WorkerProcess,
    follow_up_delay_s: float,
    polls: Polls,
    prefix: str,
    **intake: Any,
) -> WorkflowHandle:
    """Intake → the customer chooses → resolved → the follow-up comes → 'fixed' → closed.
    `intake`: overrides of the kettle's intake (say, an order of its own)."""
    handle = await file(client, worker, kettle(prefix, **intake), bench_policy(follow_up_delay_s))
    await _choose(handle, RemedyKind.REPLACEMENT, WAITING_FOR_ANSWER)
    await handle.execute_update(W.answer_follow_up, _FIXED)
    result = await handle.result()
    if result.outcome is not Outcome.RESOLVED_CONFIRMED:
        raise AssertionError(f"{handle.id} ended {result.outcome}, not resolved_confirmed")
    return handle


async def bare_path(
    client: Client,
    worker: WorkerProcess,
    follow_up_delay_s: float,
    polls: Polls,
    prefix: str,
    local_steps: tuple[str, ...] = (),
) -> WorkflowHandle:
    """The floor, driven exactly like `happy_path`."""
    start = WithStartWorkflowOperation(
        BareLifecycle.run,
        BareSpec(follow_up_delay_s=follow_up_delay_s, local_steps=local_steps),
        id=f"{prefix}-{uuid.uuid4().hex[:12]}",
        task_queue=worker.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    await client.execute_update_with_start_workflow(
        "wait_until", _wait(WAITING_FOR_CHOICE), start_workflow_operation=start
    )
    handle = await start.workflow_handle()
    await handle.execute_update(
        BareLifecycle.choose, {"remedy": "replacement", "then_wait_for": WAITING_FOR_ANSWER}
    )
    await handle.execute_update(BareLifecycle.answer, True)
    await handle.result()
    return handle


async def decline_path(
    client: Client, worker: WorkerProcess, follow_up_delay_s: float, polls: Polls, prefix: str
) -> WorkflowHandle:
    """Bought 150 days ago: a refund is declined; the customer lets it be, and it closes."""
    policy = bench_policy(follow_up_delay_s, appeal=timedelta(seconds=follow_up_delay_s))
    handle = await file(client, worker, kettle(prefix, days_since_purchase=150), policy)
    await handle.execute_update(
        W.choose_solution, CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.REFUND)
    )
    result = await handle.result()
    if result.outcome is not Outcome.DECLINED:
        raise AssertionError(f"{handle.id} ended {result.outcome}, not declined")
    return handle


def override(handle: WorkflowHandle, manager_id: str = "manager-1") -> SignedAssertion:
    """The shift manager's override, signed with their demo key, as the console would."""
    decision = ManagerDecision(
        kind=DecisionKind.OVERRIDE,
        remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90")),
        reason="Card statement shows the purchase",
    )
    complaint_id = handle.id.removeprefix(WORKFLOW_ID_PREFIX)
    return sign(assertion(complaint_id, manager_id, decision=decision), demo_key(manager_id))


async def escalated(
    client: Client, worker: WorkerProcess, follow_up_delay_s: float, polls: Polls, prefix: str
) -> WorkflowHandle:
    """No receipt, a refund asked for: the complaint waits for a level-1 manager."""
    intake = kettle(prefix, receipt_present=False)
    handle = await file(client, worker, intake, bench_policy(follow_up_delay_s))
    await _choose(handle, RemedyKind.REFUND, WAITING_FOR_MANAGER)
    return handle


async def escalate_override_path(
    client: Client, worker: WorkerProcess, follow_up_delay_s: float, polls: Polls, prefix: str
) -> WorkflowHandle:
    """No receipt → escalated → the manager overrides → resolved → follow-up confirmed."""
    handle = await escalated(client, worker, follow_up_delay_s, polls, prefix)
    await handle.execute_update(W.decide_escalation, override(handle))
    await _answer_follow_up(handle)
    result = await handle.result()
    if result.outcome is not Outcome.RESOLVED_CONFIRMED or result.escalations != 1:
        raise AssertionError(f"{handle.id} ended {result}")
    return handle


async def reopen_path(
    client: Client, worker: WorkerProcess, follow_up_delay_s: float, polls: Polls, prefix: str
) -> WorkflowHandle:
    """A repair that did not work: 'not fixed' at the follow-up reopens; a replacement works."""
    handle = await file(client, worker, kettle(prefix), bench_policy(follow_up_delay_s))
    await _choose(handle, RemedyKind.REPAIR, WAITING_FOR_ANSWER)
    not_fixed = FollowUpAnswer(
        customer_id=CUSTOMER, fixed=False, comment="cold", then_wait_for=_wait(WAITING_FOR_CHOICE)
    )
    await handle.execute_update(W.answer_follow_up, not_fixed)
    await _choose(handle, RemedyKind.REPLACEMENT, WAITING_FOR_ANSWER)
    await handle.execute_update(W.answer_follow_up, _FIXED)
    result = await handle.result()
    if result.outcome is not Outcome.RESOLVED_CONFIRMED or result.reopen_count != 1:
        raise AssertionError(f"{handle.id} ended {result}")
    return handle


DRIVERS = {
    "resolve": happy_path,
    "decline": decline_path,
    "escalate_override": escalate_override_path,
    "reopen": reopen_path,
}


async def start_bare_update(client: Client, worker: WorkerProcess, prefix: str) -> WorkflowHandle:
    return await client.start_workflow(
        BareUpdate.run, id=f"{prefix}-{uuid.uuid4().hex[:12]}", task_queue=worker.task_queue
    )
