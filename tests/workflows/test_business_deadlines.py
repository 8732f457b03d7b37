"""Business deadlines on the time-skipping server: a manager's eight business hours, filed
on a Friday evening, run out on Monday afternoon, not on Saturday; the promise told the
customer and the page's deadline are the same instants, and the path replays."""

from __future__ import annotations

import ast
import inspect
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest_asyncio
from temporalio.api.testservice.v1 import SleepRequest

import workflows.complaint
from domain import commands, lifecycle
from domain.business_time import add, at_receipt
from schemas import events as ev
from schemas.intake import Category
from schemas.messages import MessageKind
from schemas.policy import (
    BusinessCalendar,
    BusinessDuration,
    CompanyPolicy,
    Deadlines,
    OperationsQueue,
    SlaPolicy,
)
from schemas.state import Status
from tests.factories import make_intake
from tests.replay.test_replay import replayer
from tests.workflows.driver import SKIP_TIMEOUT, Complaint
from tests.workflows.test_sla import sla_attributes
from workflows.complaint import ComplaintWorkflow

TALLINN = ZoneInfo("Europe/Tallinn")
OFFICE = BusinessCalendar(country=None)  # Mon-Fri 09:00-18:00 in Tallinn, no holidays
BUSINESS = CompanyPolicy(
    version="business-deadlines",
    sla=SlaPolicy(enabled=False, calendars={"default": OFFICE}),
    deadlines=Deadlines(
        manager_response=BusinessDuration(business=timedelta(hours=8)),
        manager_after_reminder=BusinessDuration(business=timedelta(hours=4)),
        callback_interval=BusinessDuration(business=timedelta(hours=9)),
        reopen_grace=timedelta(0),
    ),
    link_duplicates=False,
)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day.date(), time(hour, minute), tzinfo=TALLINN)


@pytest_asyncio.fixture
async def friday_evening(env) -> datetime:
    """The server's clock skipped to the next Friday, 18:30 in Tallinn (after closing)."""
    now = (await env.get_current_time()).astimezone(TALLINN)
    days = (4 - now.weekday()) % 7 or 7
    friday = at(now + timedelta(days=days), 18, 30)
    request = SleepRequest()
    request.duration.FromTimedelta(friday - now)
    await env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=SKIP_TIMEOUT)
    return friday


@pytest_asyncio.fixture
async def complaint(env, backend, task_queue, worker, policies, friday_evening):
    policies.add(BUSINESS)
    intake = make_intake(
        category=Category.RUDE_EMPLOYEE,
        description="The cashier shouted at me in front of other customers",
        employee_reference="EMP-17",
        order_reference=None,
        amount=None,
        purchase_date=friday_evening.date() - timedelta(days=7),
    )
    filed = await Complaint.file(env, backend, task_queue, intake, BUSINESS.version)
    yield filed
    await filed.terminate_if_open()


async def test_a_managers_business_hours_run_out_on_monday_not_before(complaint, friday_evening):
    await complaint.until(Status.AWAITING_MANAGER)
    await complaint.until_event("Thanked")
    events = await complaint.events()
    filed = events[0].at.astimezone(TALLINN)
    assert friday_evening <= filed < friday_evening + timedelta(minutes=5)
    monday = friday_evening + timedelta(days=3)
    [escalated] = [e for e in events if isinstance(e, ev.Escalated)]
    [promise] = [e for e in events if isinstance(e, ev.CallbackPromised)]
    assert escalated.respond_by == at(monday, 17)  # 09:00 + 8 hours; the weekend is off
    assert promise.due == at(monday, 18)  # 9 business hours: Monday's whole day
    [page] = complaint.backend.pages(complaint.complaint_id)
    assert page.respond_by == escalated.respond_by
    [notice] = [
        m
        for m in complaint.backend.messages(complaint.complaint_id)
        if m.kind is MessageKind.ESCALATION_NOTICE
    ]
    assert f"{monday.day} {monday:%B %Y}" in notice.body, notice.body
    assert (await sla_attributes(complaint))[1] is None  # no clocks run: the deadline did it

    # A wall-clock day would have run out on Saturday evening; a minute before Monday
    # 17:00 the manager has not been reminded.
    await complaint.skip(escalated.respond_by - timedelta(minutes=1) - filed)
    assert "ManagerReminded" not in await complaint.event_types()

    await complaint.skip(timedelta(minutes=2))
    await complaint.until_event("ManagerReminded")
    [reminded] = [e for e in await complaint.events() if isinstance(e, ev.ManagerReminded)]
    assert escalated.respond_by <= reminded.at < escalated.respond_by + timedelta(minutes=2)
    # Four business hours from the reminder: what is left of Monday, then Tuesday morning.
    left_on_monday = at(monday, 18) - reminded.at
    assert reminded.respond_by == at(monday + timedelta(days=1), 9) + (
        timedelta(hours=4) - left_on_monday
    )
    assert "CallbackMade" not in await complaint.event_types()  # due at 18:00

    await complaint.terminate_if_open()
    await replayer(ComplaintWorkflow).replay_workflow(await complaint.handle.fetch_history())


def test_every_call_to_a_rule_that_computes_a_deadline_passes_the_calendar():
    """A rule that takes `calendar` computes a deadline; the workflow must hand it the
    store's calendar at each call (for a wall-clock policy it is None and changes nothing)."""
    source = Path(workflows.complaint.__file__).read_text()
    missing = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = [node.func, *node.args[:1]]  # a rule, or a command given to `_on_calendar`
        for target in called:
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
                continue
            module = {"lifecycle": lifecycle, "commands": commands}.get(target.value.id)
            rule = getattr(module, target.attr, None) if module else None
            if not callable(rule) or "calendar" not in inspect.signature(rule).parameters:
                continue
            passed = [*node.args, *(k.value for k in node.keywords)]
            on_calendar = ast.unparse(node.func) == "self._on_calendar"
            if not on_calendar and not any(ast.unparse(a) == "self._calendar" for a in passed):
                missing.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
    assert not missing, missing


LONG_LIVED = BUSINESS.model_copy(
    update={
        "version": "business-deadlines-long-lived",
        "continue_as_new_after_events": 30,
        "operations": OperationsQueue(top_manager_reminders=None),
    }
)


async def test_business_deadlines_hold_across_continue_as_new(
    env, backend, task_queue, worker, policies, friday_evening
):
    """A week of a silent manager: reminders and levels across runs, each deadline and
    promised callback business time from when it was set (the calendar read again in each
    new run, from the record it carries)."""
    policies.add(LONG_LIVED)
    intake = make_intake(
        category=Category.RUDE_EMPLOYEE,
        description="The cashier shouted at me in front of other customers",
        employee_reference="EMP-17",
        order_reference=None,
        amount=None,
    )
    complaint = await Complaint.file(env, backend, task_queue, intake, LONG_LIVED.version)
    try:
        await complaint.until(Status.AWAITING_MANAGER)
        for _ in range(7):
            await complaint.skip(timedelta(days=1))
        await complaint.until(Status.AWAITING_MANAGER)
        events = await complaint.events()
        run = await complaint.raw_description()
        assert run.workflow_execution_info.execution.run_id != complaint.handle.run_id  # continued
    finally:
        await complaint.terminate_if_open()

    office = at_receipt(OFFICE, events[0].at)
    d = LONG_LIVED.deadlines
    expected = {
        ev.Escalated: d.manager_response,
        ev.EscalatedToNextLevel: d.manager_response,
        ev.ManagerReminded: d.manager_after_reminder,
    }
    deadlines = [(e, expected[type(e)]) for e in events if type(e) in expected]
    assert len(deadlines) >= 4, [type(e).__name__ for e, _ in deadlines]
    for event, deadline in deadlines:
        assert event.respond_by == add(office, event.at, deadline.business), event
    promises = [e for e in events if isinstance(e, ev.CallbackPromised)]
    assert len(promises) >= 3
    for promise in promises:
        assert promise.due == add(office, promise.at, d.callback_interval.business), promise
