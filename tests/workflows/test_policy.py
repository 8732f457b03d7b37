"""A complaint runs under the operator's policy it names, loaded once, kept in its history."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError

from activities.policy_store import InMemoryPolicyStore
from schemas.actions import CustomerChoice
from schemas.failures import FailureType
from schemas.policy import CompanyPolicy, ManagerLevel
from schemas.remedies import RemedyKind
from schemas.state import Status
from tests.factories import CUSTOMER, make_intake
from tests.workflows.driver import Complaint
from workflows.complaint import ComplaintWorkflow as W

STRICT = CompanyPolicy(
    version="2027-01-strict",
    agent_authority_limit=Decimal("10"),
    managers=[ManagerLevel(level=1, title="Duty manager", authority_limit=Decimal("300"))],
)
REFUND = CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.REFUND)
"""49.90: within the default agent's 100, not within STRICT's 10."""


@pytest_asyncio.fixture
async def file(env, backend, task_queue, worker):
    """Files a kettle complaint under a version; terminates those still open afterwards
    (see tests/workflows/test_complaint.py)."""
    filed: list[Complaint] = []

    async def _file(version: str | None = None) -> Complaint:
        today = (await env.get_current_time()).date()
        intake = make_intake(purchase_date=today - timedelta(days=7))
        filed.append(await Complaint.file(env, backend, task_queue, intake, version))
        return filed[-1]

    yield _file
    for complaint in filed:
        await complaint.terminate_if_open()


async def test_the_named_version_decides_and_is_recorded(file, backend, policies):
    policies.add(STRICT)
    complaint = await file(STRICT.version)
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, REFUND)
    state = await complaint.until(Status.AWAITING_MANAGER)

    assert state.policy_version == STRICT.version
    assert state.escalation is not None and state.escalation.reason.value == "beyond_authority"
    assert backend.remedies(complaint.complaint_id) == []


async def test_no_version_is_the_current_one(file, policies):
    policies.add(STRICT)
    policies.current = STRICT.version
    complaint = await file()
    state = await complaint.until(Status.AWAITING_CHOICE)
    assert state.policy_version == STRICT.version


async def test_the_history_holds_the_content_it_ran_under(file, policies):
    """Loaded once, at the start: a store changed later cannot change a complaint in flight,
    and a replay reads the content from history, not from the store."""
    policies.add(STRICT)
    complaint = await file(STRICT.version)
    await complaint.until(Status.AWAITING_CHOICE)
    policies.documents[STRICT.version] = CompanyPolicy(version=STRICT.version).model_dump_json()
    await complaint.act(W.choose_solution, REFUND)
    await complaint.until(Status.AWAITING_MANAGER)
    history = await complaint.handle.fetch_history()

    loaded = [
        CompanyPolicy.model_validate_json(marker.details["result"].payloads[0].data)
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and (marker := e.marker_recorded_event_attributes).marker_name == "core_local_activity"
        and json.loads(marker.details["data"].payloads[0].data)["activity_type"] == "load_policy"
    ]
    assert loaded == [STRICT]


@pytest.mark.parametrize("version", ["2025-01-gone", None])
async def test_an_unknown_version_fails_the_start_before_anything_is_said(
    file, backend, policies, version
):
    if version is None:
        policies.current = "2025-01-gone"  # the current version was withdrawn
    complaint = await file(version)
    with pytest.raises(WorkflowFailureError) as failed:
        await complaint.result()

    cause = failed.value.cause
    assert isinstance(cause, ApplicationError), cause
    assert (cause.type, cause.message) == (
        FailureType.UNKNOWN_POLICY,
        "no policy version '2025-01-gone' in memory",
    )
    assert complaint.messages() == [] and backend.remedies(complaint.complaint_id) == []


async def test_a_refused_document_fails_the_start_naming_the_field(
    file, policies: InMemoryPolicyStore
):
    spam = CompanyPolicy().model_dump(mode="json") | {"version": "spam"}
    spam["deadlines"]["callback_interval"] = "PT0S"
    policies.documents["spam"] = json.dumps(spam)
    complaint = await file("spam")
    with pytest.raises(WorkflowFailureError) as failed:
        await complaint.result()

    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == FailureType.POLICY_REFUSED
    assert "deadlines.callback_interval: Input should be greater than 0 seconds" in cause.message
    assert complaint.messages() == []
