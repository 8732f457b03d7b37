"""The SLA clocks in the workflow, on the time-skipping server: a warning, a breach that
escalates, and a clock that pauses exactly while the complaint waits on the customer.

The policy's calendar works around the clock, so business time is the server's time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest_asyncio
from temporalio.converter import default

from domain.sla import CALLBACK_LEAD, fold_clocks
from schemas.actions import FollowUpAnswer, Withdrawal
from schemas.intake import Category, CustomerDetails, Severity
from schemas.policy import (
    CompanyPolicy,
    SlaPolicy,
    SlaTargets,
)
from schemas.remedies import RemedyKind
from schemas.sla import ClockKind, ClockStatus
from schemas.state import Status
from tests.builders import ALWAYS_OPEN
from tests.factories import CUSTOMER, make_intake
from tests.replay.test_replay import replayer
from tests.workflows.driver import Complaint
from tests.workflows.test_complaint import choose
from workflows import search_attributes as sa
from workflows.complaint import (
    AFTERCARE,
    CALLBACKS_KEEP_SLA,
    FEWER_EVENTS,
    PUBLISH_AT_WAITS,
    SLA_AT_WAITS,
    SLA_CLOCKS,
    ComplaintWorkflow,
)
from workflows.complaint import ComplaintWorkflow as W

TARGETS = SlaTargets(
    first_response=timedelta(hours=1),
    next_update=timedelta(hours=100),
    resolution=timedelta(hours=4),
)
SLA = SlaPolicy(targets=dict.fromkeys(Severity, TARGETS), calendars={"default": ALWAYS_OPEN})
TIMED = CompanyPolicy(version="sla-timed", sla=SLA)
UPDATE_CLOCK = ClockKind.NEXT_UPDATE


@pytest_asyncio.fixture
async def file(env, backend, task_queue, worker, policies):
    policies.add(TIMED)
    filed: list[Complaint] = []

    async def _file(**overrides) -> Complaint:
        today = (await env.get_current_time()).date()
        intake = make_intake(**({"purchase_date": today - timedelta(days=7)} | overrides))
        filed.append(await Complaint.file(env, backend, task_queue, intake, TIMED.version))
        return filed[-1]

    yield _file
    for complaint in filed:
        await complaint.terminate_if_open()


async def sla_attributes(complaint: Complaint) -> tuple[str | None, datetime | None]:
    """SlaState and SlaDueAt, a null read as unset (see `Complaint.status`)."""
    raw = (await complaint.raw_description()).workflow_execution_info.search_attributes
    fields = raw.indexed_fields
    converter = default().payload_converter

    def value(name: str):
        return converter.from_payloads([fields[name]])[0] if name in fields else None

    due = value(sa.SLA_DUE_AT.name)
    return value(sa.SLA_STATE.name), datetime.fromisoformat(due) if due else None


async def sla_events(complaint: Complaint) -> list[tuple[str, str]]:
    return [(e.type, e.clock.value) for e in await complaint.events() if e.type.startswith("Sla")]


async def test_the_resolution_clock_warns_then_breaches_and_escalates(file):
    """Waiting on a manager is not waiting on the customer: the clock runs; it warns at
    three quarters of its four hours and breaches at four, paging the first level."""
    complaint = await file(
        category=Category.RUDE_EMPLOYEE,
        description="The cashier shouted at me in front of other customers",
        employee_reference="EMP-17",
        order_reference=None,
        amount=None,
    )
    await complaint.until(Status.AWAITING_MANAGER)
    await complaint.until_event("Thanked")
    events = await complaint.events()
    received = events[0].at
    assert await sla_attributes(complaint) == ("ok", received + timedelta(hours=4))

    await complaint.skip(timedelta(hours=3, minutes=1))
    await complaint.until_event("SlaWarned")
    assert await sla_events(complaint) == [("SlaWarned", "resolution")]
    assert (await sla_attributes(complaint))[0] == "warning"

    await complaint.skip(timedelta(hours=1))
    await complaint.until_event("SlaBreached")
    assert await sla_events(complaint) == [
        ("SlaWarned", "resolution"),
        ("SlaBreached", "resolution"),
    ]
    [breach] = [e for e in await complaint.events() if e.type == "SlaBreached"]
    assert breach.escalate and breach.due_at == received + timedelta(hours=4)
    pages = [(p.kind, p.level) for p in complaint.backend.pages(complaint.complaint_id)]
    assert pages == [("escalation", 1), ("sla_breach", 1)]
    next_update = fold_clocks(await complaint.events(), SLA).due_at(ClockKind.NEXT_UPDATE)
    assert await sla_attributes(complaint) == ("breached", next_update)  # the next one due

    # The SLA path (its timers, events, page and upserts) replays as it ran.
    await complaint.act(W.withdraw, Withdrawal(customer_id=CUSTOMER))
    await complaint.result()
    await replayer(ComplaintWorkflow).replay_workflow(await complaint.handle.fetch_history())


async def test_the_clocks_pause_exactly_while_the_customer_is_awaited(file):
    """Details, then a choice, then the follow-up answer: days of waiting on the customer
    run no clock, and nothing warns or breaches."""
    complaint = await file(purchase_date=None)
    await complaint.until(Status.AWAITING_DETAILS)
    assert await sla_attributes(complaint) == ("paused", None)
    await complaint.skip(timedelta(hours=20))
    today = (await complaint.env.get_current_time()).date()
    await complaint.act(
        W.provide_details,
        CustomerDetails(customer_id=CUSTOMER, purchase_date=today - timedelta(days=7)),
    )
    await complaint.until(Status.AWAITING_CHOICE)
    assert await sla_attributes(complaint) == ("paused", None)
    await complaint.skip(timedelta(hours=20))
    await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
    await complaint.until(Status.RESOLVED)
    await complaint.skip(TIMED.deadlines.follow_up_delay)
    await complaint.until(Status.AWAITING_CONFIRMATION)
    await complaint.act(W.answer_follow_up, FollowUpAnswer(customer_id=CUSTOMER, fixed=True))
    await complaint.result()
    await replayer(ComplaintWorkflow).replay_workflow(await complaint.handle.fetch_history())

    assert await sla_events(complaint) == []
    clocks = fold_clocks(await complaint.events(), SLA)
    resolution = clocks[ClockKind.RESOLUTION]
    assert resolution.status is ClockStatus.STOPPED
    assert resolution.pauses == 2  # details and choice; the follow-up came after resolution
    assert resolution.used < timedelta(minutes=5)
    assert clocks[ClockKind.FIRST_RESPONSE].used < timedelta(minutes=5)


async def test_a_new_complaint_records_the_patch_its_sla_path_is_behind(file):
    """One marker, `sla-at-waits`, stands for `sla-clocks` and every other patch before it
    (`fewer-events`, `publish-at-waits`, `aftercare` too): histories recorded before it
    lack it, so they replay the old path (tests/replay)."""
    complaint = await file()
    await complaint.until(Status.AWAITING_CHOICE)
    history = await complaint.handle.fetch_history()
    markers = [
        e.marker_recorded_event_attributes.SerializeToString()
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
        and e.marker_recorded_event_attributes.marker_name == "core_patch"
    ]
    assert len(markers) == 1 and SLA_AT_WAITS.encode() in markers[0], markers
    for older in (SLA_CLOCKS, PUBLISH_AT_WAITS, AFTERCARE, FEWER_EVENTS):
        assert not any(older.encode() in m for m in markers)


def _status_upserts_by_task(history) -> list[list[str | None]]:
    """Per workflow task (events after its WORKFLOW_TASK_COMPLETED), the ComplaintStatus of
    each of our upserts (None where an upsert leaves the status as it was); the SDK's
    TemporalChangeVersion upserts are left out."""
    converter = default().payload_converter
    tasks: list[list[str | None]] = []
    for event in history.events:
        if event.HasField("workflow_task_completed_event_attributes"):
            tasks.append([])
        elif event.HasField("upsert_workflow_search_attributes_event_attributes"):
            fields = event.upsert_workflow_search_attributes_event_attributes
            fields = fields.search_attributes.indexed_fields
            if set(fields) == {"TemporalChangeVersion"}:
                continue
            status = fields.get(sa.STATUS.name)
            tasks[-1].append(converter.from_payloads([status])[0] if status else None)
    return tasks


async def test_visibility_is_published_once_a_task_where_the_complaint_waits(file):
    """Since `publish-at-waits`: at most one upsert per workflow task, made where the
    complaint waits (on the customer, the follow-up date) and at the close; the SLA clocks'
    values ride along. The remedy's task upserts no status (only the clocks' moved target):
    visibility keeps the wait's status until the next wait; the state query has it at once."""
    complaint = await file()
    await complaint.until(Status.AWAITING_CHOICE)
    await complaint.act(W.choose_solution, choose(RemedyKind.REPLACEMENT))
    await complaint.until(Status.RESOLVED)
    await complaint.skip(CompanyPolicy().deadlines.follow_up_delay)
    await complaint.until(Status.AWAITING_CONFIRMATION)
    answer = FollowUpAnswer(customer_id=CUSTOMER, fixed=True, comment="works now")
    await complaint.act(W.answer_follow_up, answer)
    await complaint.result()
    history = await complaint.handle.fetch_history()

    tasks = _status_upserts_by_task(history)
    assert all(len(upserts) <= 1 for upserts in tasks), tasks
    statuses = [s for upserts in tasks for s in upserts if s is not None]
    assert statuses == [
        "awaiting_choice",  # the first task: filed, acknowledged, proposals out
        "resolved",  # waiting for the follow-up date
        "awaiting_confirmation",
        "closed",
    ]
    state, due = await sla_attributes(complaint)
    assert (state, due) == ("ok", None)  # the clocks stopped at the resolution
    await replayer(ComplaintWorkflow).replay_workflow(history)


UPDATES = SlaTargets(
    first_response=timedelta(hours=1),
    next_update=timedelta(hours=4),
    resolution=timedelta(hours=100),
)
UPDATING = CompanyPolicy(
    version="sla-updates",
    sla=SlaPolicy(targets=dict.fromkeys(Severity, UPDATES), calendars={"default": ALWAYS_OPEN}),
)


async def test_the_next_update_clock_brings_each_promised_callback_forward(
    env, backend, task_queue, worker, policies
):
    """A manager says nothing for days: the customer hears from us a minute before the
    four-hour next-update clock would warn (not after the policy's two days), every time,
    and the clock never warns or breaches."""
    policies.add(UPDATING)
    intake = make_intake(
        category=Category.RUDE_EMPLOYEE,
        description="The cashier shouted at me in front of other customers",
        employee_reference="EMP-17",
        order_reference=None,
        amount=None,
    )
    complaint = await Complaint.file(env, backend, task_queue, intake, UPDATING.version)
    try:
        await complaint.until(Status.AWAITING_MANAGER)
        await complaint.until_event("CallbackPromised")
        first = next(e for e in await complaint.events() if e.type == "CallbackPromised")
        every = timedelta(hours=3) - CALLBACK_LEAD  # 0.75 of four hours, a minute early
        assert first.due == first.at + every
        notice = backend.messages(complaint.complaint_id)[-1]
        assert notice.kind == "escalation_notice"

        for made in (1, 2):
            await complaint.skip(every)
            await complaint.until_event("CallbackMade", count=made)
        events = await complaint.events()
        promised = [e for e in events if e.type == "CallbackPromised"]
        calls = [e for e in events if e.type == "CallbackMade"]
        assert len(calls) == 2, calls
        late = timedelta(seconds=1)  # timers fire to the millisecond
        on_time = [p.due <= c.at < p.due + late for p, c in zip(promised[:2], calls, strict=True)]
        assert all(on_time), (promised, calls)
        assert all(p.due == p.at + every for p in promised)
        assert not [e for e in events if e.type.startswith("Sla") and e.clock is UPDATE_CLOCK]
        assert complaint.messages().count("callback") == 2

        await complaint.act(W.withdraw, Withdrawal(customer_id=CUSTOMER))
        await complaint.result()
        history = await complaint.handle.fetch_history()
        await replayer(ComplaintWorkflow).replay_workflow(history)
        markers = [
            e.marker_recorded_event_attributes.SerializeToString()
            for e in history.events
            if e.HasField("marker_recorded_event_attributes")
        ]
        # The one marker of sla-at-waits stands for callbacks-keep-sla.
        assert any(SLA_AT_WAITS.encode() in m for m in markers)
        assert not any(CALLBACKS_KEEP_SLA.encode() in m for m in markers)
    finally:
        await complaint.terminate_if_open()
