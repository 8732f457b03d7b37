"""Bounded waiting on a time-skipping server: after the policy's reminders, a complaint no
specialist or top manager acted on moves to the operations queue, the customer is told once,
the reminders stop, and operations reassign it, signed and checked against the directory."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest_asyncio
from temporalio.converter import default

from schemas.actions import CustomerChoice, DecisionKind
from schemas.policy import CompanyPolicy, SlaPolicy
from schemas.remedies import RemedyKind
from schemas.staff import StaffRole
from schemas.state import Status, WaitingOn
from tests.builders import ALWAYS_OPEN
from tests.factories import CUSTOMER, make_intake
from tests.signing import Unsigned, manager, operator, specialist
from tests.workflows.driver import Complaint
from tests.workflows.test_sla import sla_attributes
from workflows import search_attributes as sa
from workflows.complaint import ComplaintWorkflow as W

POLICY = CompanyPolicy(
    version="operations-timed", sla=SlaPolicy(calendars={"default": ALWAYS_OPEN})
)
"""The default lifecycle, with SLA clocks that run round the clock."""
DAYS = POLICY.deadlines
SPECIALIST_REMINDERS = POLICY.operations.specialist_reminders
TOP_REMINDERS = POLICY.operations.top_manager_reminders


@pytest_asyncio.fixture
async def file(env, backend, task_queue, worker, policies):
    """Files complaints under POLICY; terminates those still open afterwards."""
    policies.add(POLICY)
    filed: list[Complaint] = []

    async def _file(**overrides) -> Complaint:
        today = (await env.get_current_time()).date()
        intake = make_intake(today, **overrides)
        filed.append(await Complaint.file(env, backend, task_queue, intake, POLICY.version))
        return filed[-1]

    yield _file
    for complaint in filed:
        await complaint.terminate_if_open()


async def operations_since(complaint: Complaint):
    raw = (await complaint.raw_description()).workflow_execution_info.search_attributes
    fields = raw.indexed_fields
    name = sa.OPERATIONS_SINCE.name
    return default().payload_converter.from_payloads([fields[name]])[0] if name in fields else None


def pages(complaint: Complaint) -> list[str]:
    """The pages about the complaint, SLA breaches (which the clocks page on) left out."""
    return [
        p.kind for p in complaint.backend.pages(complaint.complaint_id) if p.kind != "sla_breach"
    ]


async def lifecycle(complaint: Complaint) -> list[str]:
    """The recorded event types, the SLA clocks' own left out."""
    return [t for t in await complaint.event_types() if not t.startswith("Sla")]


def forged_key() -> Unsigned:
    """operations-1's name on a reassignment, signed with manager-1's key."""

    class Forged(Unsigned):
        def signed(self, complaint_id, now):
            real = operator().signed(complaint_id, now)
            theirs = Unsigned("manager-1", reassignment=real.assertion.reassignment)
            return real.model_copy(update={"signature": theirs.signed(complaint_id, now).signature})

    return Forged("operations-1")


def for_another_complaint() -> Unsigned:
    class Elsewhere(Unsigned):
        def signed(self, complaint_id, now):
            return operator().signed("c-someone-else", now)

    return Elsewhere("operations-1")


async def test_a_silent_specialist_moves_the_paused_conversation_to_operations(file):
    complaint = await file(abusive=True)
    await complaint.until(Status.PAUSED)
    await complaint.skip((SPECIALIST_REMINDERS + 1) * DAYS.specialist_review + timedelta(minutes=1))
    state = await complaint.until(Status.IN_OPERATIONS)
    case = state.operations
    assert (case.waited_for, case.reminders, case.level) == (
        StaffRole.SPECIALIST,
        SPECIALIST_REMINDERS,
        None,
    )
    assert [m.staff_id for m in case.operators] == ["operations-1"]
    assert await complaint.handle.query(W.waiting_on) is WaitingOn.OPERATIONS
    types = await lifecycle(complaint)
    assert types.count("SpecialistReminded") == SPECIALIST_REMINDERS
    assert types[-3:] == ["MovedToOperations", "StaffIdentified", "StaffIdentified"]
    assert complaint.messages() == ["acknowledgement", "pause", "moved_to_operations"]
    told = complaint.backend.messages(complaint.complaint_id)[-1]
    assert "operations team" in told.body and "will contact you" in told.body
    assert pages(complaint) == ["specialist", *["reminder"] * SPECIALIST_REMINDERS, "operations"]
    assert await operations_since(complaint) is not None
    sla_state, _ = await sla_attributes(complaint)
    assert sla_state == "breached"  # the clocks ran on: nobody waited on the customer

    # The reminders stop: a month later nothing more was sent or paged.
    await complaint.skip(timedelta(days=30))
    await complaint.until(Status.IN_OPERATIONS)
    assert (await complaint.event_types()).count("SpecialistReminded") == SPECIALIST_REMINDERS
    assert complaint.messages() == ["acknowledgement", "pause", "moved_to_operations"]
    assert pages(complaint)[-1] == "operations" and pages(complaint).count("operations") == 1

    # Only operations staff reassign, signed with their own key, for this complaint, to a
    # specialist the directory lists.
    assert "cannot resume" in await complaint.refused(W.resume, specialist())
    assert "is not among the operations staff" in await complaint.refused(
        W.reassign, operator(by="specialist-1")
    )
    assert "is not among the operations staff" in await complaint.refused(
        W.reassign, operator(by="manager-3")
    )
    assert "the signature is not operations-1's" in await complaint.refused(
        W.reassign, forged_key()
    )
    assert "signed for complaint 'c-someone-else'" in await complaint.refused(
        W.reassign, for_another_complaint()
    )
    assert "manager-1 is not among the specialists" in await complaint.refused(
        W.reassign, operator(assignee="manager-1")
    )
    assert "nobody-9 is not among the specialists" in await complaint.refused(
        W.reassign, operator(assignee="nobody-9")
    )
    assert "authorises resume" in await complaint.refused(W.reassign, specialist())

    await complaint.act(W.reassign, operator("specialist-1", "Kadri, please call her today"))
    state = await complaint.until(Status.PAUSED)
    now = await complaint.env.get_current_time()
    assert state.assignee == "specialist-1" and state.operations is None
    assert timedelta(0) < state.review_by - now <= DAYS.specialist_review
    assert state.specialist_reminders == 0
    assert pages(complaint)[-1] == "specialist"
    assert await operations_since(complaint) is None
    assert "cannot reassign" in await complaint.refused(W.reassign, operator())

    await complaint.act(W.resume, specialist("Spoke by phone, calm now"))
    await complaint.until(Status.AWAITING_CHOICE)
    assert complaint.messages().count("moved_to_operations") == 1


async def test_a_reassigned_conversation_nobody_takes_up_moves_to_operations_again(file):
    complaint = await file(abusive=True)
    await complaint.until(Status.PAUSED)
    await complaint.skip((SPECIALIST_REMINDERS + 1) * DAYS.specialist_review + timedelta(minutes=1))
    await complaint.until(Status.IN_OPERATIONS)
    await complaint.act(W.reassign, operator())
    await complaint.until(Status.PAUSED)
    await complaint.skip((SPECIALIST_REMINDERS + 1) * DAYS.specialist_review + timedelta(minutes=1))
    await complaint.until(Status.IN_OPERATIONS)
    types = await complaint.event_types()
    assert types.count("MovedToOperations") == 2
    assert types.count("SpecialistReminded") == 2 * SPECIALIST_REMINDERS
    assert complaint.messages().count("moved_to_operations") == 2


async def test_a_silent_top_manager_moves_the_escalation_to_operations(file, env):
    today = (await env.get_current_time()).date()
    complaint = await file(amount=Decimal("450"), purchase_date=today - timedelta(days=7))
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(
        W.choose_solution, CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.REFUND)
    )
    await complaint.until(Status.AWAITING_MANAGER)
    # Up the ladder (a reminder and a move at each level), then the top level's reminders.
    climb = 3 * DAYS.manager_response + 2 * DAYS.manager_after_reminder
    await complaint.skip(climb + TOP_REMINDERS * DAYS.manager_after_reminder + timedelta(minutes=1))
    state = await complaint.until(Status.IN_OPERATIONS)
    case = state.operations
    assert (case.waited_for, case.reminders, case.level) == (
        StaffRole.MANAGER,
        TOP_REMINDERS,
        POLICY.top_level,
    )
    assert [m.staff_id for m in state.escalation.deciders] == ["manager-3", "manager-3b"]
    types = await lifecycle(complaint)
    moved = types.index("MovedToOperations")
    top = types.index("EscalatedToNextLevel", types.index("EscalatedToNextLevel") + 1)
    assert types[top:moved].count("ManagerReminded") == TOP_REMINDERS
    assert complaint.messages().count("moved_to_operations") == 1
    told = complaint.backend.messages(complaint.complaint_id)
    moved_message = next(m for m in told if m.kind == "moved_to_operations")
    assert "As promised, we will get in touch by" in moved_message.body

    # No more reminders to managers; the promised callbacks still come.
    reminders = types.count("ManagerReminded")
    await complaint.skip(timedelta(days=5))
    await complaint.until(Status.IN_OPERATIONS)
    types = await complaint.event_types()
    assert types.count("ManagerReminded") == reminders
    assert "CallbackMade" in types[types.index("MovedToOperations") :]
    assert complaint.messages().count("moved_to_operations") == 1

    assert "manager-1 is not among the managers" in await complaint.refused(
        W.reassign, operator(assignee="manager-1")
    )
    assert "cannot decide" in await complaint.refused(
        W.decide_escalation, manager(DecisionKind.APPROVE, level=3)
    )
    await complaint.act(W.reassign, operator("manager-3b", "Olga, please decide today"))
    state = await complaint.until(Status.AWAITING_MANAGER)
    now = await complaint.env.get_current_time()
    assert state.assignee == "manager-3b"
    assert timedelta(0) < state.escalation.respond_by - now <= DAYS.manager_response
    assert state.escalation.reminders == 0
    assert pages(complaint)[-1] == "escalation"
    await complaint.act(
        W.decide_escalation, Unsigned("manager-3b", decision=manager(DecisionKind.APPROVE).decision)
    )
    await complaint.until(Status.RESOLVED)


async def test_a_policy_without_a_bound_reminds_the_specialist_without_end(
    env, backend, task_queue, worker, policies
):
    unbounded = POLICY.model_copy(
        update={
            "version": "operations-unbounded",
            "operations": POLICY.operations.model_copy(update={"specialist_reminders": None}),
        }
    )
    policies.add(unbounded)
    intake = make_intake((await env.get_current_time()).date(), abusive=True)
    complaint = await Complaint.file(env, backend, task_queue, intake, unbounded.version)
    try:
        await complaint.until(Status.PAUSED)
        await complaint.skip(6 * DAYS.specialist_review + timedelta(minutes=1))
        await complaint.until_event("SpecialistReminded", count=6)
        assert (await complaint.state()).status is Status.PAUSED
        assert "moved_to_operations" not in complaint.messages()
    finally:
        await complaint.terminate_if_open()
