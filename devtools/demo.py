"""`make run` demo: six complaints from real situations, driven as customers and managers would.

The six run under the demo's policy (`devtools/policies/2026-11-demo.json`), whose
deadlines are seconds so the whole lifecycle plays out in about a minute; the demo worker
loads it from that folder (`worker_settings`), as a worker loads any policy. Everything
else is the production workflow on a real Temporal server. Everything goes through the SDK
(`sdk.ComplaintClient`), as a backend service would, naming the policy version only. A
seventh complaint, under the current (default) policy, is left waiting for a manager, for
you to decide with the CLI.
"""

from __future__ import annotations

import asyncio
import shlex
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from temporalio.client import Client

from activities.policy_store import DEVELOPMENT
from devtools.demo_staff import demo_directory, demo_key, key_file
from domain.signatures import sign
from schemas.actions import DecisionKind, ManagerDecision, StaffResume
from schemas.complaint import TASK_QUEUE
from schemas.intake import Category, Channel, ComplaintIntake, Contact, Language, Severity
from schemas.remedies import Remedy, RemedyKind
from schemas.staff import SignedAssertion
from schemas.state import Status
from sdk.client import ComplaintClient
from sdk.signing import assertion
from workers.config import Settings

DEMO_POLICIES = Path(__file__).resolve().parent / "policies"
DEMO_VERSION = "2026-11-demo"
"""Deadlines of seconds, so it needs the development bounds."""


def worker_settings(settings: Settings) -> Settings:
    """The demo worker's settings: the operator's policy folders, then the demo's, under the
    development bounds."""
    return settings.model_copy(
        update={
            "policy_dirs": (*settings.policy_dirs, DEMO_POLICIES),
            "policy_http": None,
            "policy_bounds": DEVELOPMENT.name,
        }
    )


Script = Callable[[ComplaintClient, ComplaintIntake], Awaitable[None]]


async def _until(complaints: ComplaintClient, cid: str, status: Status, timeout=90.0) -> None:
    deadline = time.monotonic() + timeout
    while (await complaints.state(cid)).status is not status:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{cid} did not reach {status.value}")
        await asyncio.sleep(0.3)


async def _choose_then_confirm(
    complaints: ComplaintClient, c: ComplaintIntake, kind: RemedyKind
) -> None:
    cid, customer = c.complaint_id, c.customer_id
    await _until(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, kind, customer_id=customer)
    await _until(complaints, cid, Status.AWAITING_CONFIRMATION)
    await complaints.answer_follow_up(cid, customer_id=customer)


def _signed(cid: str, by: str, **content) -> SignedAssertion:
    """As the staff console would: the demo person's decision, signed with their demo key."""
    return sign(assertion(cid, by, **content), demo_key(by))


async def _kettle(complaints: ComplaintClient, c: ComplaintIntake) -> None:
    await _choose_then_confirm(complaints, c, RemedyKind.REPLACEMENT)


async def _no_receipt(complaints: ComplaintClient, c: ComplaintIntake) -> None:
    """The shift manager is silent: reminded, then the store manager overrides the rule."""
    cid, customer = c.complaint_id, c.customer_id
    await _until(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=customer)
    while (await complaints.state(cid)).escalation_level < 2:
        await asyncio.sleep(0.5)
    await complaints.decide_escalation(
        cid,
        _signed(
            cid,
            "manager-2",
            decision=ManagerDecision(
                kind=DecisionKind.OVERRIDE,
                remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("89.00")),
                reason="Card statement shows the purchase; the claim is credible",
            ),
        ),
    )
    await _until(complaints, cid, Status.AWAITING_CONFIRMATION)
    await complaints.answer_follow_up(cid, customer_id=customer)


async def _rude_employee(complaints: ComplaintClient, c: ComplaintIntake) -> None:
    cid, customer = c.complaint_id, c.customer_id
    await _until(complaints, cid, Status.AWAITING_MANAGER)
    await complaints.decide_escalation(
        cid,
        _signed(
            cid,
            "manager-1",
            decision=ManagerDecision(
                kind=DecisionKind.APPROVE,
                remedy=Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("15.00")),
            ),
        ),
    )
    await _until(complaints, cid, Status.AWAITING_CONFIRMATION)
    await complaints.answer_follow_up(cid, customer_id=customer)


async def _abusive(complaints: ComplaintClient, c: ComplaintIntake) -> None:
    cid = c.complaint_id
    await _until(complaints, cid, Status.PAUSED)
    await asyncio.sleep(2)
    resume = StaffResume(note="Spoke by phone; calm now")
    await complaints.resume(cid, _signed(cid, "specialist-1", resume=resume))
    await _choose_then_confirm(complaints, c, RemedyKind.DISCOUNT)


async def _late_big_refund(complaints: ComplaintClient, c: ComplaintIntake) -> None:
    """Above agent authority and outside the return window: the manager overrides."""
    cid, customer = c.complaint_id, c.customer_id
    await _until(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=customer)
    await _until(complaints, cid, Status.AWAITING_MANAGER)
    await complaints.decide_escalation(
        cid,
        _signed(
            cid,
            "manager-1",
            decision=ManagerDecision(
                kind=DecisionKind.OVERRIDE,
                remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("449.00")),
                reason="Loyal customer, fault is a known batch defect",
            ),
        ),
    )
    await _until(complaints, cid, Status.AWAITING_CONFIRMATION)
    await complaints.answer_follow_up(cid, customer_id=customer)


async def _reopened(complaints: ComplaintClient, c: ComplaintIntake) -> None:
    cid, customer = c.complaint_id, c.customer_id
    await _until(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, RemedyKind.REPAIR, customer_id=customer)
    await _until(complaints, cid, Status.AWAITING_CONFIRMATION)
    await complaints.answer_follow_up(
        cid, fixed=False, comment="Still jams after the repair", customer_id=customer
    )
    await _choose_then_confirm(complaints, c, RemedyKind.REPLACEMENT)


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
                description="The coffee grinder jams after a few seconds of grinding",
                order_reference="ORD-2026-0555",
                amount=Decimal("69.00"),
                receipt_present=True,
                purchase_date=today - timedelta(days=20),
            ),
            _reopened,
        ),
    ]


async def _play(
    complaints: ComplaintClient, ui_url: str, title: str, intake: ComplaintIntake, script: Script
) -> str:
    filed = await complaints.file_complaint(intake, DEMO_VERSION)
    await script(complaints, intake)
    result = await complaints.result(intake.complaint_id)
    remedy = result.remedy.label() if result.remedy else "no remedy"
    link = f"{ui_url}/namespaces/{complaints.temporal.namespace}/workflows/{filed.workflow_id}"
    return (
        f"- {title}: {result.outcome.value} ({remedy}; escalations {result.escalations}, "
        f"reopened {result.reopen_count}, {result.event_count} events)\n    {link}"
    )


def _for_a_manager(run: str) -> ComplaintIntake:
    """A refund above the shift manager's limit (500), within the store manager's (2000)."""
    return ComplaintIntake(
        complaint_id=f"demo-{run}-for-you",
        customer_id="cust-ee-707",
        customer_name="Kadri Kask",
        contact=Contact(email="kadri.kask@example.ee"),
        language=Language.ET,
        category=Category.DEFECTIVE_PRODUCT,
        description="The espresso machine leaks water onto the counter when it heats up",
        order_reference="ORD-2026-1207",
        amount=Decimal("799.00"),
        receipt_present=True,
        purchase_date=date.today() - timedelta(days=10),
        severity=Severity.HIGH,
    )


async def _leave_for_a_manager(complaints: ComplaintClient, intake: ComplaintIntake) -> None:
    """Default (days-long) deadlines: it waits calmly in the inbox until someone decides."""
    cid, customer = intake.complaint_id, intake.customer_id
    await complaints.file_complaint(intake)
    await _until(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=customer)
    await _until(complaints, cid, Status.AWAITING_MANAGER)


KEYS = Path("data/keys")
"""Where the demo writes its staff's demo keys, for trying `complaints` by hand."""


def _write_demo_keys() -> None:
    KEYS.mkdir(parents=True, exist_ok=True)
    for member in demo_directory().members:
        (KEYS / f"{member.staff_id}.pem").write_bytes(key_file(member.staff_id))


def _ui_query(ui_url: str, namespace: str, query: str) -> str:
    return f"{ui_url}/namespaces/{namespace}/workflows?query={quote(query)}"


def _try_this(complaints: ComplaintClient, ui_url: str, run: str, cid: str) -> str:
    namespace = complaints.temporal.namespace
    address = complaints.temporal.service_client.config.target_host
    cli = ".venv/bin/complaints"

    def decide(by: str) -> str:
        return f"{cli} approve {cid} --as {by} --key-file {KEYS}/{by}.pem"

    why = shlex.quote("Leak confirmed on the video the customer sent")
    return "\n".join(
        [
            f"Complaint {cid} is waiting for a manager. Try the manager CLI "
            f"(it talks to {address}; add --json for scripts):",
            f"  {cli} inbox --level 2",
            f"  {cli} show {cid}",
            f"  {decide('manager-1')}   # refused: above a shift manager's limit",
            f"  {decide('manager-2')}   # the store manager may grant 799.00",
            f"  {cli} counter {cid} --as manager-2 --key-file {KEYS}/manager-2.pem "
            f"--remedy repair --amount 150 --reason {why}",
            f"(demo keys in {KEYS}/, written by this demo: development only)",
            "",
            "In the Temporal UI:",
            "  this demo's complaints: "
            + _ui_query(ui_url, namespace, f'WorkflowId STARTS_WITH "complaint-demo-{run}"'),
            "  all complaints awaiting a manager: "
            + _ui_query(ui_url, namespace, f"ComplaintStatus = '{Status.AWAITING_MANAGER.value}'"),
        ]
    )


async def run_demo(client: Client, ui_url: str) -> None:
    complaints = ComplaintClient(client, TASK_QUEUE)
    _write_demo_keys()
    run = time.strftime("%Y%m%d-%H%M%S")
    print(f"\nDemo {run}: filing six complaints (deadlines shortened to seconds)...\n")
    for_you = _for_a_manager(run)
    lines, _ = await asyncio.gather(
        asyncio.gather(
            *(
                _play(complaints, ui_url, title, intake, script)
                for title, intake, script in _cases(run)
            )
        ),
        _leave_for_a_manager(complaints, for_you),
    )
    print("\n".join(lines))
    print(f"\n{_try_this(complaints, ui_url, run, for_you.complaint_id)}\n")
