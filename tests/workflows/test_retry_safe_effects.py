"""A workflow task that is tried again must find the effects it already did.

Keys count effects per step, and the remedy waits for its decision to be in history
(docs/decisions/002, 003). These tests pin both properties without needing a crash.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from temporalio.api.enums.v1 import EventType

from activities.local_backend import LocalBackend
from schemas.actions import DecisionKind
from schemas.intake import Category
from schemas.policy import CompanyPolicy, Deadlines
from schemas.remedies import Remedy, RemedyKind
from schemas.state import Status
from tests.factories import make_intake
from tests.signing import manager
from tests.workflows.driver import Complaint
from workers.worker import build_worker
from workflows.complaint import ComplaintWorkflow as W

DISCOUNT = Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("25"))
APPROVE = manager(DecisionKind.APPROVE, 1, DISCOUNT)


def rude_employee_intake():
    return make_intake(
        category=Category.RUDE_EMPLOYEE,
        description="The cashier shouted at me in front of other customers",
        employee_reference="EMP-17",
        order_reference=None,
        amount=None,
    )


class _HeldRemedy(LocalBackend):
    """Holds the remedy at the moment it would move money, until released."""

    def __init__(self, path) -> None:
        super().__init__(path)
        self.holding, self.release = asyncio.Event(), asyncio.Event()

    async def execute_remedy(self, order):
        self.holding.set()
        await self.release.wait()
        return await super().execute_remedy(order)


async def test_money_moves_only_once_the_decision_is_in_history(
    env, tmp_path, task_queue, policies
):
    """Had the remedy run inside the workflow task that accepts the approval, a crash there
    would leave money moved on a decision that history does not hold yet."""
    backend = _HeldRemedy(tmp_path / "held.db")
    async with build_worker(env.client, task_queue, backend, policies=policies):
        complaint = await Complaint.file(env, backend, task_queue, rude_employee_intake())
        await complaint.until(Status.AWAITING_MANAGER)
        await complaint.until_event("Thanked")
        decided = asyncio.create_task(complaint.act(W.decide_escalation, APPROVE))
        try:
            await asyncio.wait_for(backend.holding.wait(), 30)
            history = await complaint.handle.fetch_history()
        finally:
            backend.release.set()
        await decided
        await complaint.until(Status.RESOLVED)
        await complaint.terminate_if_open()

    events = list(history.events)
    accepted = [
        i
        for i, event in enumerate(events)
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]
    scheduled = [
        i
        for i, event in enumerate(events)
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and event.activity_task_scheduled_event_attributes.activity_type.name == "execute_remedy"
    ]
    assert accepted and scheduled and accepted[0] < scheduled[0], (
        "the remedy ran before the approval that authorises it was in history"
    )
    assert len(backend.remedies(complaint.complaint_id)) == 1


async def test_idempotency_keys_do_not_depend_on_what_came_in_between(
    env, tmp_path, task_queue, policies
):
    """The same remedy and resolution keep their keys whether or not a promised callback
    came first: a retried workflow task that makes the callback first finds them done."""
    backend = LocalBackend(tmp_path / "keys.db")
    hourly = policies.add(
        CompanyPolicy(version="hourly", deadlines=Deadlines(callback_interval=timedelta(hours=1)))
    )
    keys: list[list[str]] = []
    async with build_worker(env.client, task_queue, backend, policies=policies):
        for callbacks_first in (0, 1):
            complaint = await Complaint.file(
                env, backend, task_queue, rude_employee_intake(), hourly
            )
            await complaint.until(Status.AWAITING_MANAGER)
            await complaint.until_event("Thanked")
            if callbacks_first:
                await complaint.skip(timedelta(hours=1, minutes=1))
                await complaint.until_event("CallbackMade")
            await complaint.act(W.decide_escalation, APPROVE)
            await complaint.until(Status.RESOLVED)
            await complaint.terminate_if_open()
            prefix = f"{complaint.handle.id}/"
            [remedy] = backend.remedies(complaint.complaint_id)
            [resolution] = [
                m for m in backend.messages(complaint.complaint_id) if m.kind == "resolution"
            ]
            keys.append([e.idempotency_key.removeprefix(prefix) for e in (remedy, resolution)])

    assert keys[0] == keys[1] == ["remedy/1", "resolution/1"]
