"""Complaints over the HTTP backend, against loopback services that fail on purpose.

A real worker runs the real activities with `HttpBackend`; the services (tests/fakes)
answer 500s, answer too late, or drop the connection after applying the effect. The
workflow's own retry policy and the idempotency keys must still bring every complaint to
its end with exactly one remedy applied. Retry backoff is skipped by the time-skipping
server while a result is awaited, so the batch runs in seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.http_backend import HttpBackend
from schemas.actions import CustomerChoice, DecisionKind
from schemas.complaint import WORKFLOW_ID_PREFIX, ComplaintInput, workflow_id_for
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake
from schemas.messages import MessageKind, Outcome
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.state import Status
from tests.factories import make_intake
from tests.fakes.http_services import Faults, HttpServices
from tests.signing import manager
from tests.workflows.driver import Complaint
from workflows.complaint import ComplaintWorkflow as W

KETTLES = 44
"""Defective kettles nobody answers: the default replacement, follow-ups, closed unconfirmed."""
REFUNDED = 6
"""Double charges already refunded at the counter: the refund gets 409, a manager grants
store credit instead."""
RUDE = 6
"""Rude-employee complaints: a manager grants a discount; the HR service hears of it."""
FAULTS = Faults(error_rate=0.30, slow_rate=0.05, drop_rate=0.05, slow_s=1.0, seed=20261125)
CLIENT_TIMEOUT_S = 0.5
"""Below FAULTS.slow_s: a slow answer is a timeout on our side."""
HANG_GUARD_S = 240
"""Not a timing assertion: a stuck batch fails instead of hanging the suite."""
UNCONFIRMED_MESSAGES = [
    MessageKind.ACKNOWLEDGEMENT,
    MessageKind.PROPOSALS,
    MessageKind.RESOLUTION,
    MessageKind.FOLLOW_UP,
    MessageKind.FOLLOW_UP_REMINDER,
    MessageKind.CLOSING,
]
"""A complaint nobody answers: the default remedy, follow-up, reminder, closed unconfirmed."""


@pytest_asyncio.fixture
async def backend(services: HttpServices) -> AsyncIterator[HttpBackend]:
    """Replaces conftest's local backend, so conftest's `worker` runs over HTTP."""
    backend = HttpBackend(services.config(timeout_s=CLIENT_TIMEOUT_S))
    yield backend
    await backend.aclose()


@pytest_asyncio.fixture
async def start(env: WorkflowEnvironment, task_queue: str, worker):
    """Starts complaints; terminates those still open afterwards (see test_complaint.py)."""
    started: list[WorkflowHandle] = []

    async def _start(intake: ComplaintIntake) -> WorkflowHandle:
        handle = await env.client.start_workflow(
            W.run,
            ComplaintInput(intake=intake),
            id=workflow_id_for(intake.complaint_id),
            task_queue=task_queue,
        )
        started.append(handle)
        return handle

    yield _start
    for handle in started:
        if (await handle.describe()).status is WorkflowExecutionStatus.RUNNING:
            await handle.terminate(reason="test finished")


def kinds(services: HttpServices, complaint_id: str) -> list[MessageKind]:
    """What the customer actually received, in order."""
    return [d.message.kind for d in services.messages(complaint_id)]


async def approve_when_escalated(
    env: WorkflowEnvironment, handle: WorkflowHandle, remedy: Remedy
) -> None:
    """Once the complaint waits on a manager, the top level approves `remedy`.

    The top level may act whatever level the reminders have reached by then.
    """
    while (await handle.query(W.state)).status is not Status.AWAITING_MANAGER:
        await asyncio.sleep(0.05)
    top = CompanyPolicy().top_level
    complaint_id = handle.id.removeprefix(WORKFLOW_ID_PREFIX)
    now = await env.get_current_time()
    signed = manager(DecisionKind.APPROVE, top, remedy).signed(complaint_id, now)
    await handle.execute_update(W.decide_escalation, signed)


@pytest.mark.slow
async def test_every_complaint_ends_with_exactly_one_remedy_under_faults(
    env: WorkflowEnvironment, services: HttpServices, start
) -> None:
    services.inject(FAULTS)
    today = (await env.get_current_time()).date()
    kettles = [make_intake(today, order_reference=f"ORD-{n:04d}") for n in range(KETTLES)]
    refunded = [
        make_intake(
            today,
            category=Category.BILLING,
            description="I was charged twice for the kettle",
            order_reference=f"ORD-R{n:03d}",
        )
        for n in range(REFUNDED)
    ]
    for intake in refunded:
        services.already_applied(intake.order_reference, RemedyKind.REFUND)
    rude = [
        make_intake(
            today,
            category=Category.RUDE_EMPLOYEE,
            description="The cashier shouted at me in front of other customers",
            employee_reference=f"EMP-{n}",
            order_reference=None,
            amount=None,
        )
        for n in range(RUDE)
    ]
    everyone = kettles + refunded + rude
    handles = [await start(intake) for intake in everyone]
    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("49.90"))
    discount = Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("25"))
    grants = [credit] * REFUNDED + [discount] * RUDE

    async with asyncio.timeout(HANG_GUARD_S):
        managers = [
            asyncio.create_task(approve_when_escalated(env, handle, grant))
            for handle, grant in zip(handles[KETTLES:], grants, strict=True)
        ]
        # One result at a time: each await lets the test server's global clock skip (timers
        # and retry backoff of every complaint); awaiting several at once unbalances its lock.
        results = [await handle.result() for handle in handles]
        await asyncio.gather(*managers)

    stats = services.stats()
    print(f"\nHTTP faults over {len(handles)} complaints: {stats}")
    assert [r.outcome for r in results] == [Outcome.RESOLVED_UNCONFIRMED] * len(handles)
    events = {
        i.complaint_id: await h.query(W.events) for i, h in zip(everyone, handles, strict=True)
    }
    for intake in everyone:
        cid = intake.complaint_id
        [applied] = services.remedies(cid)
        executed = [e for e in events[cid] if e.type == "RemedyExecuted"]
        # The workflow holds the reference the service created, even if that answer was lost.
        assert [e.reference for e in executed] == [
            services.reference("commerce", applied.idempotency_key)
        ]
        sent = kinds(services, cid)
        assert sent.count(MessageKind.RESOLUTION) == sent.count(MessageKind.CLOSING) == 1
    for intake in kettles:
        assert kinds(services, intake.complaint_id) == UNCONFIRMED_MESSAGES
    for intake in refunded:
        cid = intake.complaint_id
        [failed] = [e for e in events[cid] if e.type == "RemedyFailed"]
        assert (failed.remedy.kind, "refund already done" in failed.error) == ("refund", True)
        assert [r.remedy for r in services.remedies(cid)] == [credit.in_currency("EUR")]
        sent = kinds(services, cid)
        assert sent.index(MessageKind.ESCALATION_NOTICE) < sent.index(MessageKind.RESOLUTION)
    for intake in rude:
        assert [f.employee_reference for f in services.follow_ups(intake.complaint_id)] == [
            intake.employee_reference
        ]
    assert (stats["applied_commerce"], stats["refused_commerce"]) == (len(handles), REFUNDED)
    # The faults really happened, including answers lost after a remedy was applied.
    assert min(stats["errors_500"], stats["slow"], stats["dropped"], stats["replays"]) > 0
    lost = [r for r in services.requests if r.service == "commerce" and r.fault in ("slow", "drop")]
    assert lost, "no remedy answer was lost: the batch proved nothing about idempotency"


@pytest.mark.parametrize(
    ("refuse", "reason"),
    [
        (lambda s: s.already_applied("ORD-77", RemedyKind.REFUND), "refund already done"),
        (lambda s: s.unknown_orders.add("ORD-77"), "ORD-77 not found"),
    ],
    ids=["409-already-refunded", "404-order-not-found"],
)
async def test_a_refused_remedy_goes_to_a_manager_and_the_customer_is_told(
    env: WorkflowEnvironment, services: HttpServices, start, refuse, reason
) -> None:
    refuse(services)
    today = (await env.get_current_time()).date()
    intake = make_intake(today, order_reference="ORD-77")
    handle = await start(intake)
    complaint = Complaint(env, handle, services, intake.complaint_id)  # type: ignore[arg-type]
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(
        W.choose_solution, CustomerChoice(customer_id="cust-1", remedy=RemedyKind.REFUND)
    )

    state = await complaint.until(Status.AWAITING_MANAGER)

    assert state.escalation.reason is EscalationReason.REMEDY_FAILED
    [failed] = [e for e in await complaint.events() if e.type == "RemedyFailed"]
    assert reason in failed.error
    assert services.remedies(intake.complaint_id) == []
    [paged] = services.pages(intake.complaint_id)
    assert (paged.reason, paged.requested.kind) == ("remedy_failed", RemedyKind.REFUND)
    # Honest: told that a manager is on it and when we call back, never "refunded".
    assert kinds(services, intake.complaint_id)[-2:] == [
        MessageKind.PROPOSALS,
        MessageKind.ESCALATION_NOTICE,
    ]


async def test_after_already_refunded_the_manager_may_grant_something_else(
    env: WorkflowEnvironment, services: HttpServices, start
) -> None:
    services.already_applied("ORD-77", RemedyKind.REFUND)
    today = (await env.get_current_time()).date()
    intake = make_intake(today, order_reference="ORD-77")
    complaint = Complaint(env, await start(intake), services, intake.complaint_id)  # type: ignore[arg-type]
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(
        W.choose_solution, CustomerChoice(customer_id="cust-1", remedy=RemedyKind.REFUND)
    )
    await complaint.until(Status.AWAITING_MANAGER)

    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("49.90"))
    await complaint.act(
        W.decide_escalation,
        manager(DecisionKind.APPROVE, 1, credit),
    )
    await complaint.until(Status.RESOLVED)

    # The order names the complaint's currency (the policy's) that the remedy left implicit.
    assert [r.remedy for r in services.remedies(intake.complaint_id)] == [credit.in_currency("EUR")]
    assert kinds(services, intake.complaint_id)[-1] is MessageKind.RESOLUTION
