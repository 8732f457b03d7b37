"""`make run` demo: six complaints from real situations, driven as customers and managers would.

Deadlines are shortened to seconds so the whole lifecycle plays out in about a
minute; everything else is the production workflow on a real Temporal server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

from temporalio.client import Client, WorkflowHandle

from schemas.actions import (
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    StaffResume,
)
from schemas.complaint import ComplaintInput, ComplaintResult, workflow_id_for
from schemas.intake import Category, Channel, ComplaintIntake, Contact, Language, Severity
from schemas.policy import CompanyPolicy, Deadlines
from schemas.remedies import Remedy, RemedyKind
from schemas.state import Status
from workers.config import TASK_QUEUE
from workflows.complaint import ComplaintWorkflow as W

DEMO_POLICY = CompanyPolicy(
    version="2026-11-demo",
    deadlines=Deadlines(
        details_reply=timedelta(seconds=20),
        solution_choice=timedelta(seconds=20),
        appeal=timedelta(seconds=20),
        manager_response=timedelta(seconds=8),
        manager_after_reminder=timedelta(seconds=6),
        callback_interval=timedelta(seconds=12),
        follow_up_delay=timedelta(seconds=5),
        follow_up_reply=timedelta(seconds=10),
        follow_up_after_reminder=timedelta(seconds=10),
        specialist_review=timedelta(seconds=30),
    ),
)

Script = Callable[[WorkflowHandle], Awaitable[None]]


async def _until(handle: WorkflowHandle, status: Status, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while (await handle.query(W.state)).status is not status:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{handle.id} did not reach {status.value}")
        await asyncio.sleep(0.3)


async def _choose_then_confirm(handle: WorkflowHandle, kind: RemedyKind) -> None:
    await _until(handle, Status.AWAITING_CHOICE)
    await handle.execute_update(W.choose_solution, CustomerChoice(remedy=kind))
    await _until(handle, Status.AWAITING_CONFIRMATION)
    await handle.execute_update(W.answer_follow_up, FollowUpAnswer(fixed=True))


async def _kettle(handle: WorkflowHandle) -> None:
    await _choose_then_confirm(handle, RemedyKind.REPLACEMENT)


async def _no_receipt(handle: WorkflowHandle) -> None:
    """The shift manager is silent: reminded, then the store manager overrides the rule."""
    await _until(handle, Status.AWAITING_CHOICE)
    await handle.execute_update(W.choose_solution, CustomerChoice(remedy=RemedyKind.REFUND))
    while (await handle.query(W.state)).escalation_level < 2:
        await asyncio.sleep(0.5)
    await handle.execute_update(
        W.decide_escalation,
        ManagerDecision(
            kind=DecisionKind.OVERRIDE,
            manager_id="store-manager-ieva",
            level=2,
            remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("89.00")),
            reason="Card statement shows the purchase; the claim is credible",
        ),
    )
    await _until(handle, Status.AWAITING_CONFIRMATION)
    await handle.execute_update(W.answer_follow_up, FollowUpAnswer(fixed=True))


async def _rude_employee(handle: WorkflowHandle) -> None:
    await _until(handle, Status.AWAITING_MANAGER)
    await handle.execute_update(
        W.decide_escalation,
        ManagerDecision(
            kind=DecisionKind.APPROVE,
            manager_id="shift-manager-ivan",
            level=1,
            remedy=Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("15.00")),
        ),
    )
    await _until(handle, Status.AWAITING_CONFIRMATION)
    await handle.execute_update(W.answer_follow_up, FollowUpAnswer(fixed=True))


async def _abusive(handle: WorkflowHandle) -> None:
    await _until(handle, Status.PAUSED)
    await asyncio.sleep(2)
    await handle.execute_update(
        W.resume, StaffResume(staff_id="specialist-wei", note="Spoke by phone; calm now")
    )
    await _choose_then_confirm(handle, RemedyKind.DISCOUNT)


async def _late_big_refund(handle: WorkflowHandle) -> None:
    """Above agent authority and outside the return window: the manager overrides."""
    await _until(handle, Status.AWAITING_CHOICE)
    await handle.execute_update(W.choose_solution, CustomerChoice(remedy=RemedyKind.REFUND))
    await _until(handle, Status.AWAITING_MANAGER)
    await handle.execute_update(
        W.decide_escalation,
        ManagerDecision(
            kind=DecisionKind.OVERRIDE,
            manager_id="shift-manager-ana",
            level=1,
            remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("449.00")),
            reason="Loyal customer, fault is a known batch defect",
        ),
    )
    await _until(handle, Status.AWAITING_CONFIRMATION)
    await handle.execute_update(W.answer_follow_up, FollowUpAnswer(fixed=True))


async def _reopened(handle: WorkflowHandle) -> None:
    await _until(handle, Status.AWAITING_CHOICE)
    await handle.execute_update(W.choose_solution, CustomerChoice(remedy=RemedyKind.REPAIR))
    await _until(handle, Status.AWAITING_CONFIRMATION)
    await handle.execute_update(
        W.answer_follow_up, FollowUpAnswer(fixed=False, comment="Still leaks after the repair")
    )
    await _choose_then_confirm(handle, RemedyKind.REPLACEMENT)


def _cases(run: str) -> list[tuple[str, ComplaintIntake, Script]]:
    today = date.today()

    def intake(slug: str, **fields) -> ComplaintIntake:
        return ComplaintIntake(complaint_id=f"demo-{run}-{slug}", **fields)

    return [
        (
            "Defective kettle, receipt kept",
            intake(
                "kettle",
                customer_id="cust-ee-101",
                customer_name="Mari Tamm",
                contact=Contact(email="mari.tamm@example.ee"),
                language=Language.ET,
                category=Category.DEFECTIVE_PRODUCT,
                description="The kettle stopped heating after a week of normal use",
                order_reference="ORD-2026-1101",
                amount=Decimal("49.90"),
                receipt_present=True,
                purchase_date=today - timedelta(days=8),
            ),
            _kettle,
        ),
        (
            "Headphones, receipt lost",
            intake(
                "no-receipt",
                customer_id="cust-lv-202",
                customer_name="Jānis Bērziņš",
                contact=Contact(phone="+371 2000 0000"),
                language=Language.LV,
                channel=Channel.PHONE,
                category=Category.DEFECTIVE_PRODUCT,
                description="Left earphone went silent; I lost the paper receipt",
                order_reference="ORD-2026-0990",
                amount=Decimal("89.00"),
                receipt_present=False,
                purchase_date=today - timedelta(days=12),
            ),
            _no_receipt,
        ),
        (
            "Rude cashier",
            intake(
                "rude-cashier",
                customer_id="cust-hr-303",
                customer_name="Ana Kovač",
                contact=Contact(email="ana.kovac@example.hr"),
                language=Language.HR,
                category=Category.RUDE_EMPLOYEE,
                description="The cashier shouted at me in front of other customers",
                employee_reference="EMP-17",
                severity=Severity.HIGH,
            ),
            _rude_employee,
        ),
        (
            "Abusive caller",
            intake(
                "abusive",
                customer_id="cust-zh-404",
                customer_name="王伟",
                contact=Contact(phone="+86 138 0000 0000"),
                language=Language.ZH,
                channel=Channel.PHONE,
                category=Category.POOR_SERVICE,
                description="Waited forty minutes on hold, then the line dropped twice",
                abusive=True,
            ),
            _abusive,
        ),
        (
            "Refund above agent authority, bought 45 days ago",
            intake(
                "big-refund",
                customer_id="cust-ru-505",
                customer_name="Ольга Иванова",
                contact=Contact(email="olga@example.ru"),
                language=Language.RU,
                category=Category.DEFECTIVE_PRODUCT,
                description="The vacuum cleaner motor burnt out with a smell of smoke",
                order_reference="ORD-2026-0777",
                amount=Decimal("449.00"),
                receipt_present=True,
                purchase_date=today - timedelta(days=45),
                severity=Severity.HIGH,
            ),
            _late_big_refund,
        ),
        (
            "Repair did not work, reopened",
            intake(
                "reopened",
                customer_id="cust-en-606",
                customer_name="Sam Carter",
                contact=Contact(email="sam@example.com"),
                category=Category.DEFECTIVE_PRODUCT,
                description="The washing machine door seal leaks on every wash",
                order_reference="ORD-2026-0555",
                amount=Decimal("95.00"),
                receipt_present=True,
                purchase_date=today - timedelta(days=20),
            ),
            _reopened,
        ),
    ]


async def _play(
    client: Client, ui_url: str, title: str, intake: ComplaintIntake, script: Script
) -> str:
    workflow_id = workflow_id_for(intake.complaint_id)
    handle = await client.start_workflow(
        W.run,
        ComplaintInput(intake=intake, policy=DEMO_POLICY),
        id=workflow_id,
        task_queue=TASK_QUEUE,
    )
    await script(handle)
    result: ComplaintResult = await handle.result()
    remedy = result.remedy.label() if result.remedy else "no remedy"
    link = f"{ui_url}/namespaces/default/workflows/{workflow_id}"
    return (
        f"- {title}: {result.outcome.value} ({remedy}; escalations {result.escalations}, "
        f"reopened {result.reopen_count}, {result.event_count} events)\n    {link}"
    )


async def run_demo(client: Client, ui_url: str) -> None:
    run = time.strftime("%Y%m%d-%H%M%S")
    print(f"\nDemo {run}: filing six complaints (deadlines shortened to seconds)...\n")
    lines = await asyncio.gather(
        *(_play(client, ui_url, title, intake, script) for title, intake, script in _cases(run))
    )
    print("\n".join(lines))
    query = quote(f'WorkflowId STARTS_WITH "complaint-demo-{run}"')
    print(f"\nAll demo complaints: {ui_url}/namespaces/default/workflows?query={query}\n")
