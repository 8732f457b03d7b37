"""The ISO 10002 safety path on a time-skipping server: a reported hazard is critical, paged
to a safety officer at once, and nothing else happens before their signed acknowledgement."""

from __future__ import annotations

from datetime import timedelta

import pytest_asyncio

from domain.stages import stage_of
from schemas.actions import CustomerChoice, Withdrawal
from schemas.intake import HazardKind, SafetyHazard, Severity
from schemas.policy import CompanyPolicy, SlaPolicy, SlaTargets
from schemas.remedies import RemedyKind
from schemas.stages import Stage
from schemas.state import Status
from tests.builders import ALWAYS_OPEN
from tests.factories import make_intake
from tests.signing import Unsigned, safety_officer, specialist
from tests.workflows.driver import Complaint
from tests.workflows.test_sla import sla_attributes, sla_events
from workflows.complaint import ComplaintWorkflow as W

POLICY = CompanyPolicy()
REVIEW = POLICY.deadlines.safety_review
CUSTOMER = make_intake().customer_id
HAZARD = SafetyHazard(kind=HazardKind.INJURY, description="The kettle's lid flew off: scalded hand")


@pytest_asyncio.fixture
async def file(env, backend, task_queue, worker):
    """Files complaints; terminates those still open afterwards."""
    filed: list[Complaint] = []

    async def _file(**overrides) -> Complaint:
        today = (await env.get_current_time()).date()
        intake = make_intake(today, **overrides)
        filed.append(await Complaint.file(env, backend, task_queue, intake))
        return filed[-1]

    yield _file
    for complaint in filed:
        await complaint.terminate_if_open()


def someone_elses_key() -> Unsigned:
    """safety-1's name on an acknowledgement, signed with manager-1's key."""

    class Forged(Unsigned):
        def signed(self, complaint_id, now):
            real = safety_officer().signed(complaint_id, now)
            theirs = Unsigned("manager-1", safety=real.assertion.safety).signed(complaint_id, now)
            return real.model_copy(update={"signature": theirs.signature})

    return Forged("safety-1")


async def test_a_hazard_is_critical_paged_at_once_and_waits_for_the_safety_officer(file):
    complaint = await file(safety=HAZARD, severity=Severity.LOW)
    state = await complaint.until(Status.AWAITING_SAFETY)
    assert state.intake.severity is Severity.CRITICAL
    assert stage_of(state) is Stage.ASSESSING
    assert complaint.messages() == ["acknowledgement"]
    [ack] = complaint.backend.messages(complaint.complaint_id)
    assert "safety specialist" in ack.body
    [page] = complaint.backend.pages(complaint.complaint_id)
    assert (page.kind, page.title, page.severity) == ("safety", POLICY.safety_title, "critical")
    assert [m.staff_id for m in state.safety_officers] == ["safety-1"]

    # No agent remedy, nor anything else, before the safety officer has seen it.
    choice = CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.REFUND)
    assert "cannot choose" in await complaint.refused(W.choose_solution, choice)
    withdrawal = Withdrawal(customer_id=CUSTOMER)
    assert "cannot withdraw" in await complaint.refused(W.withdraw, withdrawal)
    assert "is not among the safety officers" in await complaint.refused(
        W.acknowledge_safety, Unsigned("specialist-1", safety=safety_officer().safety)
    )
    assert "is not among the safety officers" in await complaint.refused(
        W.acknowledge_safety, Unsigned("manager-3", safety=safety_officer().safety)
    )
    assert "the signature is not safety-1's" in await complaint.refused(
        W.acknowledge_safety, someone_elses_key()
    )
    assert "authorises resume" in await complaint.refused(W.acknowledge_safety, specialist())

    await complaint.skip(REVIEW + timedelta(minutes=1))
    await complaint.until_event("SafetyReminded")
    assert (await complaint.state()).status is Status.AWAITING_SAFETY
    assert complaint.messages() == ["acknowledgement"]

    await complaint.act(W.acknowledge_safety, safety_officer("Called her; batch withdrawn"))
    state = await complaint.until(Status.AWAITING_CHOICE)
    assert state.safety_acknowledged_by == "safety-1"
    assert await complaint.event_types() == [
        "Received",
        "Acknowledged",
        "Apologised",
        "Thanked",
        "SeverityRaised",
        "SafetyReferred",
        "StaffIdentified",
        "SafetyOfficerPaged",
        "SafetyReminded",
        "SafetyAcknowledged",
        "SolutionsProposed",
    ]
    assert complaint.messages() == ["acknowledgement", "proposals"]
    assert [p.kind for p in complaint.backend.pages(complaint.complaint_id)] == [
        "safety",
        "reminder",
    ]
    assert "cannot acknowledge" in await complaint.refused(W.acknowledge_safety, safety_officer())


async def test_silent_safety_officers_are_reminded_only_as_often_as_the_policy_says(file):
    complaint = await file(safety=HAZARD, severity=Severity.CRITICAL)
    await complaint.until(Status.AWAITING_SAFETY)
    await complaint.skip(POLICY.safety_reminders * REVIEW + timedelta(minutes=1))
    await complaint.until_event("SafetyReminded", count=POLICY.safety_reminders)
    await complaint.skip(timedelta(days=5))
    state = await complaint.until(Status.AWAITING_SAFETY)
    assert state.safety_reminders == POLICY.safety_reminders
    types = await complaint.event_types()
    assert "SeverityRaised" not in types  # already critical
    assert types.count("SafetyReminded") == POLICY.safety_reminders
    pages = [p.kind for p in complaint.backend.pages(complaint.complaint_id)]
    assert pages == ["safety", *["reminder"] * POLICY.safety_reminders]

    await complaint.act(W.acknowledge_safety, safety_officer())
    await complaint.until(Status.AWAITING_CHOICE)


async def test_an_unflagged_complaint_never_waits_for_safety(file):
    complaint = await file()
    await complaint.until(Status.AWAITING_CHOICE)
    types = await complaint.event_types()
    assert not {"SeverityRaised", "SafetyReferred"} & set(types)
    assert "safety specialist" not in complaint.backend.messages(complaint.complaint_id)[0].body


async def test_the_clocks_of_a_reported_hazard_run_to_the_critical_targets_while_it_waits(
    env, backend, task_queue, worker, policies
):
    """Waiting on a safety officer is not waiting on the customer: the clocks run, held to
    the critical targets from receipt, as the record's `SeverityRaised` says."""
    slow = SlaTargets(
        first_response=timedelta(hours=100),
        next_update=timedelta(hours=100),
        resolution=timedelta(hours=100),
    )
    urgent = SlaTargets(
        first_response=timedelta(hours=2),
        next_update=timedelta(hours=100),
        resolution=timedelta(hours=8),
    )
    targets = dict.fromkeys(Severity, slow) | {Severity.CRITICAL: urgent}
    timed = CompanyPolicy(
        version="safety-timed",
        sla=SlaPolicy(targets=targets, calendars={"default": ALWAYS_OPEN}),
    )
    policies.add(timed)
    today = (await env.get_current_time()).date()
    intake = make_intake(today, safety=HAZARD, severity=Severity.MEDIUM)
    complaint = await Complaint.file(env, backend, task_queue, intake, timed.version)
    try:
        await complaint.until(Status.AWAITING_SAFETY)
        received = (await complaint.events())[0].at
        assert await sla_attributes(complaint) == ("ok", received + timedelta(hours=2))
        await complaint.skip(timedelta(hours=2, minutes=1))
        await complaint.until_event("SlaBreached")
        assert ("SlaBreached", "first_response") in await sla_events(complaint)
    finally:
        await complaint.terminate_if_open()
