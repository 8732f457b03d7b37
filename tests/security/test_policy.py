"""The policy is the operator's: a caller cannot send it, raise a limit through it, or name
one the workers do not hold; a store refuses a document that would spam or overspend.

The reported attacks: a backend started a complaint with
`CompanyPolicy(agent_authority_limit=1000000)` and the agent refunded 999,999 with no manager;
a policy with `callback_interval=0` sent 2,105 messages in 8 seconds.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from activities.policy_store import DEVELOPMENT, FilePolicyStore, PolicyRefused
from schemas.complaint import ComplaintInput, workflow_id_for
from schemas.failures import FailureType
from schemas.policy import CompanyPolicy
from schemas.state import WaitingOn
from sdk import ComplaintClient, IntakeRefused, PolicyNotAvailable, UnknownComplaint
from tests.conftest import DevWorker
from tests.factories import CUSTOMER, make_intake
from tests.polling import eventually

BIG = Decimal("999999")
"""The refund of the reported attack: far above the agent's (100) and every manager's limit."""
GENEROUS = {"version": "attacker", "agent_authority_limit": "1000000"}
"""The attacker's policy: a valid document for the model as it was, limits aside."""


def intake_json(complaint_id: str) -> dict[str, Any]:
    intake = make_intake(complaint_id=complaint_id, amount=BIG)
    return json.loads(intake.model_dump_json())


def document(**changes: Any) -> str:
    doc = CompanyPolicy().model_dump(mode="json") | changes
    return json.dumps(doc)


async def after_asking_for_the_refund(
    handle: WorkflowHandle, backend: LocalBackend, complaint_id: str
) -> WorkflowExecutionStatus:
    """What an attacker does once the complaint started: ask for the refund when the
    proposals arrive, and wait until the complaint has acted on it (settled in its next
    wait) or ended. No query before the complaint has spoken: a query on a workflow whose
    start argument is refused would fail its workflow task."""

    async def started() -> tuple[WorkflowExecutionStatus, bool]:
        status = (await handle.describe()).status
        return status, any(m.kind == "proposals" for m in backend.messages(complaint_id))

    status, proposed = await eventually(
        started,
        lambda at: at[0] is not WorkflowExecutionStatus.RUNNING or at[1],
        f"{handle.id} starting",
    )
    if status is not WorkflowExecutionStatus.RUNNING:
        return status
    await handle.execute_update("choose_solution", {"customer_id": CUSTOMER, "remedy": "refund"})

    async def acted() -> tuple[WorkflowExecutionStatus, str | None]:
        status = (await handle.describe()).status
        if status is not WorkflowExecutionStatus.RUNNING:
            return status, None
        return status, await handle.query("waiting_on", result_type=str | None)

    status, _ = await eventually(
        acted,
        lambda at: (
            at[0] is not WorkflowExecutionStatus.RUNNING
            or at[1] not in (None, WaitingOn.CHOICE.value)
        ),
        f"{handle.id} acting on the refund",
    )
    return status


ATTACKS = {
    "policy content": lambda intake: {"intake": intake, "policy": GENEROUS},
    "content as the version": lambda intake: {"intake": intake, "policy_version": GENEROUS},
    "a path as the version": lambda intake: {"intake": intake, "policy_version": "../../tmp/x"},
    "a limit beside the intake": lambda intake: {"intake": intake, "agent_authority_limit": 1e6},
    "a limit inside the intake": lambda intake: {
        "intake": intake | {"agent_authority_limit": "1000000"}
    },
}


@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_a_start_carrying_policy_content_is_refused_and_moves_no_money(
    dev_env: WorkflowEnvironment, dev_worker: DevWorker, attack: str
):
    complaint_id = f"attack-{uuid.uuid4().hex[:8]}"
    handle = await dev_env.client.start_workflow(
        "ComplaintWorkflow",
        ATTACKS[attack](intake_json(complaint_id)),
        id=workflow_id_for(complaint_id),
        task_queue=dev_worker.task_queue,
    )
    status = await after_asking_for_the_refund(handle, dev_worker.backend, complaint_id)

    assert dev_worker.backend.remedies(complaint_id) == [], "money moved on the caller's policy"
    assert dev_worker.backend.messages(complaint_id) == []
    assert status is WorkflowExecutionStatus.FAILED
    history = await handle.fetch_history()
    task_failed = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    assert not [e for e in history.events if e.event_type == task_failed], "a task failed"
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == FailureType.INVALID_INPUT
    assert cause.message.startswith("invalid ComplaintInput: "), cause.message
    if attack == "policy content":
        assert "cannot carry policy content" in cause.message
        assert "policy_version" in cause.message


async def test_under_the_operators_policy_the_agent_cannot_grant_it(
    complaints: ComplaintClient, dev_env: WorkflowEnvironment, dev_worker: DevWorker
):
    """The same request, filed as the SDK files it, under the current policy: a manager's."""
    intake = make_intake(amount=BIG)
    await complaints.file_complaint(intake)
    handle = dev_env.client.get_workflow_handle(workflow_id_for(intake.complaint_id))
    status = await after_asking_for_the_refund(handle, dev_worker.backend, intake.complaint_id)

    assert status is WorkflowExecutionStatus.RUNNING
    assert await complaints.waiting_on(intake.complaint_id) == WaitingOn.MANAGER.value
    state = await complaints.state(intake.complaint_id)
    assert (state.policy_version, state.escalation_level) == ("2026-11-default", 1)
    assert dev_worker.backend.remedies(intake.complaint_id) == []
    await complaints.withdraw(intake.complaint_id, customer_id=CUSTOMER)


async def test_the_sdk_cannot_send_policy_content(complaints: ComplaintClient):
    intake = make_intake()
    with pytest.raises(ValidationError, match="cannot carry policy content"):
        ComplaintInput.model_validate({"intake": intake, "policy": GENEROUS})
    with pytest.raises(TypeError):
        await complaints.file_complaint(intake, policy=CompanyPolicy())  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="policy_version"):
        await complaints.file_complaint(intake, policy_version="../../tmp/x")
    with pytest.raises(UnknownComplaint):  # nothing was started
        await complaints.state(intake.complaint_id)


async def test_a_caller_naming_an_unknown_version_gets_a_clear_error(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    intake = make_intake()
    await complaints.file_complaint(intake, policy_version="2025-01-withdrawn")
    with pytest.raises(PolicyNotAvailable) as unknown:
        await complaints.result(intake.complaint_id)

    assert unknown.value.message == "no policy version '2025-01-withdrawn' in memory"
    assert dev_worker.backend.messages(intake.complaint_id) == []


@pytest.mark.parametrize(
    ("version", "changes", "field"),
    [
        ("spam", {"deadlines": {"callback_interval": "PT0S"}}, "deadlines.callback_interval"),
        ("generous", {"agent_authority_limit": "1000000"}, "agent_authority_limit"),
    ],
)
async def test_a_store_refuses_a_document_that_would_spam_or_overspend(
    complaints: ComplaintClient,
    dev_worker: DevWorker,
    tmp_path: Path,
    version: str,
    changes: dict[str, Any],
    field: str,
):
    base = CompanyPolicy().model_dump(mode="json")
    changes = {k: base[k] | v if isinstance(v, dict) else v for k, v in changes.items()}
    (tmp_path / f"{version}.json").write_text(document(version=version, **changes))
    with pytest.raises(PolicyRefused, match=field.replace(".", r"\.")):
        await FilePolicyStore(tmp_path, DEVELOPMENT).load(version)

    # The worker's own store refuses it as well, and the complaint says nothing at all.
    dev_worker.policies.documents[version] = document(version=version, **changes)
    intake = make_intake(amount=BIG)
    await complaints.file_complaint(intake, policy_version=version)
    with pytest.raises(PolicyNotAvailable) as refused:
        await complaints.result(intake.complaint_id)
    assert refused.value.message.startswith(f"policy {version!r} refused: {field}")
    assert dev_worker.backend.messages(intake.complaint_id) == []
    assert dev_worker.backend.remedies(intake.complaint_id) == []


async def test_an_intake_in_a_currency_the_policy_does_not_take_fails_with_a_clear_error(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    intake = make_intake(currency="USD")
    await complaints.file_complaint(intake)
    with pytest.raises(IntakeRefused) as refused:
        await complaints.result(intake.complaint_id)
    assert "in USD, but policy 2026-11-default takes EUR only" in refused.value.message
    assert dev_worker.backend.messages(intake.complaint_id) == []
