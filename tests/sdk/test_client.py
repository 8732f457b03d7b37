"""`ComplaintClient` against a real dev server and worker: filing, acting, finding."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.api.sdk.v1 import WorkflowMetadata

from devtools.demo_staff import demo_key
from domain.signatures import sign
from schemas.actions import DecisionKind, ManagerDecision
from schemas.intake import Category, Severity
from schemas.messages import Outcome
from schemas.remedies import RemedyKind
from schemas.state import Status, WaitingOn
from sdk import ComplaintClient, ComplaintClosed, InvalidAction, UnknownComplaint
from sdk.signing import assertion
from tests.builders import ENDS_AT_CLOSING
from tests.conftest import DevWorker
from tests.factories import CUSTOMER, make_intake
from tests.polling import until_found, until_status

UPSERT = EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES


async def test_filing_is_idempotent_even_after_the_complaint_closed(complaints: ComplaintClient):
    intake = make_intake()
    first = await complaints.file_complaint(intake)
    assert first.workflow_id == f"complaint-{intake.complaint_id}"
    assert await complaints.file_complaint(intake) == first  # a retried call

    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    await complaints.withdraw(
        intake.complaint_id, "bought a new one elsewhere", customer_id=CUSTOMER
    )
    assert (await complaints.result(intake.complaint_id)).outcome is Outcome.WITHDRAWN

    assert await complaints.file_complaint(intake) == first  # no second run
    with pytest.raises(ComplaintClosed, match="is closed"):
        await complaints.choose_solution(
            intake.complaint_id, RemedyKind.REFUND, customer_id=CUSTOMER
        )


async def test_an_unknown_complaint_is_named_as_such(complaints: ComplaintClient):
    with pytest.raises(UnknownComplaint, match="no complaint 'never-filed'"):
        await complaints.state("never-filed")
    with pytest.raises(UnknownComplaint):
        await complaints.answer_follow_up("never-filed", customer_id=CUSTOMER)


async def test_a_refused_action_carries_the_reason_and_leaves_history_alone(
    complaints: ComplaintClient,
):
    intake = make_intake()
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    before = await complaints.events(intake.complaint_id)

    with pytest.raises(InvalidAction, match="cannot answer the follow-up") as refused:
        await complaints.answer_follow_up(intake.complaint_id, customer_id=CUSTOMER)
    assert refused.value.complaint_id == intake.complaint_id
    with pytest.raises(InvalidAction, match="store_credit is not on offer"):
        await complaints.choose_solution(
            intake.complaint_id, RemedyKind.STORE_CREDIT, customer_id=CUSTOMER
        )
    with pytest.raises(ValidationError):  # bad input never leaves the process
        await complaints.appeal(intake.complaint_id, "no", customer_id=CUSTOMER)

    assert await complaints.events(intake.complaint_id) == before
    await complaints.withdraw(intake.complaint_id, customer_id=CUSTOMER)


async def test_a_manager_over_their_authority_limit_is_refused_and_a_higher_one_decides(
    complaints: ComplaintClient,
):
    intake = make_intake(amount=Decimal("800.00"))
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    await complaints.choose_solution(intake.complaint_id, RemedyKind.REFUND, customer_id=CUSTOMER)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_MANAGER)
    before = await complaints.events(intake.complaint_id)

    approve = ManagerDecision(kind=DecisionKind.APPROVE)
    shift = sign(
        assertion(intake.complaint_id, "manager-1", decision=approve), demo_key("manager-1")
    )
    with pytest.raises(InvalidAction, match="above your authority limit of 500"):
        await complaints.decide_escalation(intake.complaint_id, shift)
    assert await complaints.events(intake.complaint_id) == before

    store = sign(
        assertion(intake.complaint_id, "manager-2", decision=approve), demo_key("manager-2")
    )
    receipt = await complaints.decide_escalation(intake.complaint_id, store)
    assert receipt.event_count == len(before) + 1
    state = await until_status(complaints, intake.complaint_id, Status.RESOLVED)
    assert state.resolved_with is not None and state.resolved_with.amount == Decimal("800.00")
    found = await until_found(
        complaints,
        f"AssignedManager = 'manager-2' AND ComplaintStatus = '{Status.RESOLVED.value}'",
        {intake.complaint_id},
        {intake.complaint_id},
    )
    assert found[0].escalation_level == 0  # the escalation is over


async def test_happy_path_reads_well_in_the_ui_and_upserts_once_per_status(
    complaints: ComplaintClient,
):
    intake = make_intake()
    filed = await complaints.file_complaint(intake)
    handle = complaints.temporal.get_workflow_handle(filed.workflow_id)
    description = await handle.describe()
    assert (
        await description.static_summary()
        == "defective product, medium: ORD-1001 (customer cust-1)"
    )
    assert "ORD-1001" in (await description.static_details() or "")

    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert "**Status** awaiting choice" in metadata.current_details
    assert f"**Waiting for** {WaitingOn.CHOICE.value}" in metadata.current_details

    await complaints.choose_solution(
        intake.complaint_id, RemedyKind.REPLACEMENT, customer_id=CUSTOMER
    )
    await until_status(complaints, intake.complaint_id, Status.RESOLVED)
    await complaints.answer_follow_up(
        intake.complaint_id, comment="works again", customer_id=CUSTOMER
    )
    assert (await complaints.result(intake.complaint_id)).outcome is Outcome.RESOLVED_CONFIRMED

    history = await handle.fetch_history()
    upserts = [
        e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        for e in history.events
        if e.event_type == UPSERT
    ]
    upserts = [u for u in upserts if set(u) != {"TemporalChangeVersion"}]  # SDK: patches taken
    # Set at start; then one upsert per wait and the close, the clocks' values with each
    # (publish-at-waits: the remedy's task upserts nothing; sla-at-waits: no watcher upserts
    # the clocks' values alone when the resolution clock starts again).
    statuses = [json.loads(u["ComplaintStatus"].data) for u in upserts]
    assert statuses == ["awaiting_choice", "resolved", "closed"], upserts
    assert all("SlaState" in u for u in upserts[:2]), upserts
    # The policy is loaded first, before anything is said.
    # The acknowledgement apologises and thanks: the proposals come next (ack-apologises).
    assert _effect_ids(history)[:3] == ["policy", "acknowledgement/1", "proposals/1"]
    print(f"happy path history: {len(history.events)} events")  # for the benchmark record


def _effect_ids(history) -> list[str]:
    """Activity ids of the effects, run as activity tasks or as local activities (markers)."""
    ids = []
    for e in history.events:
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            ids.append(e.activity_task_scheduled_event_attributes.activity_id)
        elif e.marker_recorded_event_attributes.marker_name == "core_local_activity":
            data = e.marker_recorded_event_attributes.details["data"].payloads[0].data
            ids.append(json.loads(data)["activity_id"])
    return ids


async def test_visibility_finds_complaints_by_their_search_attributes(
    complaints: ComplaintClient,
):
    customer, other = f"cust-{uuid.uuid4().hex[:8]}", f"cust-{uuid.uuid4().hex[:8]}"
    billing_high = make_intake(
        customer_id=customer, category=Category.BILLING, severity=Severity.HIGH
    )
    rude_first = make_intake(
        customer_id=customer,
        category=Category.RUDE_EMPLOYEE,
        employee_reference="EMP-17",
        severity=Severity.LOW,
    )
    rude_second = make_intake(
        customer_id=other, category=Category.RUDE_EMPLOYEE, employee_reference="EMP-9"
    )
    ids = {c.complaint_id for c in (billing_high, rude_first, rude_second)}
    for intake in (billing_high, rude_first, rude_second):
        await complaints.file_complaint(intake)

    await until_found(
        complaints,
        f"CustomerId = '{customer}'",
        ids,
        {billing_high.complaint_id, rude_first.complaint_id},
    )
    await until_found(
        complaints, "ComplaintSeverity = 'high' AND ComplaintCategory = 'billing'", ids,
        {billing_high.complaint_id},
    )  # fmt: skip
    # A rude-employee complaint goes to a level-1 manager at once.
    escalated = {rude_first.complaint_id, rude_second.complaint_id}
    await until_found(complaints, "EscalationLevel = 1", ids, escalated)
    inbox = [c for c in await complaints.inbox(level=2) if c.complaint_id in ids]
    assert [c.complaint_id for c in inbox] == [rude_first.complaint_id, rude_second.complaint_id]
    assert inbox[0].started_at <= inbox[1].started_at
    assert inbox[0].category == "rude_employee" and inbox[0].customer_id == customer

    await until_status(complaints, billing_high.complaint_id, Status.AWAITING_CHOICE)
    for intake in (billing_high, rude_first, rude_second):
        await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)


async def test_a_complaint_runs_under_the_policy_version_it_names(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    version = dev_worker.policies.add(
        ENDS_AT_CLOSING.model_copy(
            update={"version": "sdk-strict", "agent_authority_limit": Decimal("10")}
        )
    )
    intake = make_intake()
    cid, customer = intake.complaint_id, intake.customer_id
    await complaints.file_complaint(intake, policy_version=version)
    state = await until_status(complaints, cid, Status.AWAITING_CHOICE)
    assert state.policy_version == "sdk-strict"
    await complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=customer)  # 49.90 > 10
    state = await until_status(complaints, cid, Status.AWAITING_MANAGER)
    assert state.escalation is not None and state.escalation.reason.value == "beyond_authority"
    await complaints.withdraw(cid, customer_id=customer)
