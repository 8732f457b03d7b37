"""`make run` demo: seven complaints from real situations, driven as customers and staff would.

Six run under the demo's policy (`devtools/policies/2026-11-demo.json`), whose deadlines
are seconds so their lifecycles play out in about a minute; the demo worker loads it from
that folder (`worker_settings`), as a worker loads any policy. Everything else is the
production workflow on a real Temporal server. Everything goes through the SDK
(`sdk.ComplaintClient`), as a backend service would, naming the policy version only. Each
step is printed as it happens and each outcome as it comes; the seventh complaint, under the
current (default) policy, is left waiting for a manager, for you to decide with the CLI. A
second `make run` finds the complaints of earlier demos (they live in the dev server's
database) and files no more; `make demo` does.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from temporalio.client import Client

from activities.policy_store import DEVELOPMENT
from devtools.demo_staff import demo_directory, demo_key
from domain.signatures import sign
from domain.wording import words
from schemas.actions import DecisionKind, ManagerDecision, StaffResume
from schemas.complaint import DEFAULT_ADDRESS, TASK_QUEUE, workflow_id_for
from schemas.intake import Category, Channel, ComplaintIntake, Contact, Language, Severity
from schemas.remedies import Remedy, RemedyKind
from schemas.state import ComplaintState, Status
from schemas.waits import WaitFor
from sdk.client import ComplaintClient, ComplaintSummary
from sdk.errors import InvalidAction
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


STEP_TIMEOUT = timedelta(seconds=90)
ACKNOWLEDGED = WaitFor(acknowledged=True, timeout=STEP_TIMEOUT)
"""Filing returns once the customer has the acknowledgement (update-with-start)."""
"""How long a script waits for its complaint to reach the next step before giving up."""
DEMO_PREFIX = "demo-"
TAG_WIDTH = 13


def say(text: str) -> None:
    """One line for the person at the terminal, at once (stdout may be a pipe)."""
    print(text, flush=True)


class Case:
    """One demo complaint, acted on as its customer and staff would, each step told."""

    def __init__(
        self, complaints: ComplaintClient, intake: ComplaintIntake, run: str, started: float
    ) -> None:
        self.complaints = complaints
        self.intake = intake
        self.tag = intake.complaint_id.removeprefix(f"{DEMO_PREFIX}{run}-")
        self._started = started

    @property
    def cid(self) -> str:
        return self.intake.complaint_id

    def say(self, text: str) -> None:
        elapsed = time.monotonic() - self._started
        say(f"{elapsed:>5.0f}s  {self.tag:<{TAG_WIDTH}} {text}")

    async def until(self, *statuses: Status) -> ComplaintState:
        """The first of `statuses` the complaint reaches: waited for in the workflow
        (`wait_until`), one wait per status, never by polling."""
        waits = [
            asyncio.ensure_future(
                self.complaints.wait_until(self.cid, status=status, timeout=STEP_TIMEOUT)
            )
            for status in statuses
        ]
        try:
            for first in asyncio.as_completed(waits):
                try:
                    return await first
                except InvalidAction:  # that one can no longer come; another may
                    continue
        finally:
            for wait in waits:
                wait.cancel()
        wanted = " or ".join(words(s.value) for s in statuses)
        raise TimeoutError(f"can no longer reach {wanted}")

    async def choose(self, kind: RemedyKind) -> None:
        state = await self.until(Status.AWAITING_CHOICE)
        self.say("offered " + ", ".join(option.label() for option in state.options))
        await self.complaints.choose_solution(self.cid, kind, customer_id=self.intake.customer_id)
        self.say(f"customer chose {kind.value}")

    async def escalated(self) -> ComplaintState:
        state = await self.until(Status.AWAITING_MANAGER)
        assert state.escalation is not None
        reason = words(state.escalation.reason.value)
        self.say(f"escalated to a level-{state.escalation.level} manager: {reason}")
        return state

    async def moved_up(self, level: int) -> None:
        await self.complaints.wait_until(self.cid, escalation_level=level, timeout=STEP_TIMEOUT)
        self.say(f"no answer in time, reminded, then moved up to level {level}")

    async def decide(self, by: str, decision: ManagerDecision) -> None:
        """As the staff console would: the person's decision, signed with their demo key."""
        signed = sign(assertion(self.cid, by, decision=decision), demo_key(by))
        await self.complaints.decide_escalation(self.cid, signed)
        granted = f" {decision.remedy.label()}" if decision.remedy else ""
        self.say(f"{_who(by)} decided: {decision.kind.value}{granted}")

    async def resume(self, by: str, note: str) -> None:
        resume = StaffResume(note=note)
        await self.complaints.resume(
            self.cid, sign(assertion(self.cid, by, resume=resume), demo_key(by))
        )
        self.say(f"{_who(by)} resumed the conversation: {note}")

    async def confirm(self, fixed: bool = True, comment: str | None = None) -> None:
        await self.until(Status.AWAITING_CONFIRMATION)
        self.say("follow-up sent: is it fixed?")
        await self.complaints.answer_follow_up(
            self.cid, fixed=fixed, comment=comment, customer_id=self.intake.customer_id
        )
        self.say("customer: fixed" if fixed else f"customer: not fixed ({comment}); reopened")


def _who(staff_id: str) -> str:
    member = next(m for m in demo_directory().members if m.staff_id == staff_id)
    return f"{member.title} {member.name}"


Script = Callable[[Case], Awaitable[None]]


async def _kettle(case: Case) -> None:
    await case.choose(RemedyKind.REPLACEMENT)
    await case.confirm()


async def _no_receipt(case: Case) -> None:
    """The shift manager is silent: reminded, then the store manager overrides the rule."""
    await case.choose(RemedyKind.REFUND)
    await case.escalated()
    await case.moved_up(2)
    await case.decide(
        "manager-2",
        ManagerDecision(
            kind=DecisionKind.OVERRIDE,
            remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("89.00")),
            reason="Card statement shows the purchase; the claim is credible",
        ),
    )
    await case.confirm()


async def _rude_employee(case: Case) -> None:
    await case.escalated()
    await case.decide(
        "manager-1",
        ManagerDecision(
            kind=DecisionKind.APPROVE,
            remedy=Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("15.00")),
        ),
    )
    await case.confirm()


async def _abusive(case: Case) -> None:
    await case.until(Status.PAUSED)
    case.say("abusive conversation: paused, a specialist takes over")
    await asyncio.sleep(2)
    await case.resume("specialist-1", "Spoke by phone; calm now")
    await case.choose(RemedyKind.DISCOUNT)
    await case.confirm()


async def _late_big_refund(case: Case) -> None:
    """Above agent authority and outside the return window: the manager overrides."""
    await case.choose(RemedyKind.REFUND)
    await case.escalated()
    await case.decide(
        "manager-1",
        ManagerDecision(
            kind=DecisionKind.OVERRIDE,
            remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("449.00")),
            reason="Loyal customer, fault is a known batch defect",
        ),
    )
    await case.confirm()


async def _reopened(case: Case) -> None:
    """The repair fails and the customer takes a replacement. Should the replacement need a
    manager (everything granted counts against the agent's limit), the shift manager
    approves it, with a reason."""
    await case.choose(RemedyKind.REPAIR)
    await case.confirm(fixed=False, comment="Still jams after the repair")
    await case.choose(RemedyKind.REPLACEMENT)
    state = await case.until(Status.AWAITING_MANAGER, Status.AWAITING_CONFIRMATION)
    if state.status is Status.AWAITING_MANAGER:
        await case.escalated()
        await case.decide(
            "manager-1",
            ManagerDecision(
                kind=DecisionKind.APPROVE, reason="The repair failed; a replacement is owed"
            ),
        )
    await case.confirm()


def _cases(run: str) -> list[tuple[str, ComplaintIntake, Script]]:
    """Six complaints the demo plays to their end: (title, intake, script)."""
    today = date.today()

    def intake(slug: str, **fields) -> ComplaintIntake:
        return ComplaintIntake(complaint_id=f"{DEMO_PREFIX}{run}-{slug}", **fields)

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


async def _play(case: Case, ui_url: str, title: str, script: Script) -> bool:
    """Play one complaint to its end; True if it ended as the script meant."""
    try:
        await script(case)
        result = await case.complaints.result(case.cid)
    except Exception as error:  # noqa: BLE001 - one broken case must not stop the others
        case.say(f"=> did not finish: {error}")
        case.say(f"   {_link(case.complaints, ui_url, case.cid)}")
        return False
    remedy = f"with {result.remedy.label()}" if result.remedy else "with no remedy"
    escalations = {0: "no escalation", 1: "1 escalation"}.get(
        result.escalations, f"{result.escalations} escalations"
    )
    case.say(
        f"=> {words(result.outcome.value)} {remedy} "
        f"({title.lower()}; {escalations}, {result.event_count} events)"
    )
    case.say(f"   {_link(case.complaints, ui_url, case.cid)}")
    return True


def _link(complaints: ComplaintClient, ui_url: str, cid: str) -> str:
    namespace = complaints.temporal.namespace
    return f"{ui_url}/namespaces/{namespace}/workflows/{workflow_id_for(cid)}"


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


async def _leave_for_a_manager(case: Case) -> None:
    """Default (days-long) deadlines: it waits calmly in the inbox until someone decides."""
    await case.complaints.file_complaint(case.intake, until=ACKNOWLEDGED)
    case.say("filed: espresso machine leaks, refund 799.00 asked (default deadlines: days)")
    await case.choose(RemedyKind.REFUND)
    await case.escalated()
    case.say("=> waiting for you: a shift manager may grant up to 500, a store manager 2000")


def _ui_query(ui_url: str, namespace: str, query: str) -> str:
    return f"{ui_url}/namespaces/{namespace}/workflows?query={quote(query)}"


def _try_this(
    complaints: ComplaintClient, ui_url: str, prefix: str, cid: str, data_dir: Path
) -> str:
    """The CLI commands to decide `cid`, and UI links to the complaints whose id starts
    with `prefix`."""
    namespace = complaints.temporal.namespace
    address = complaints.temporal.service_client.config.target_host
    cli = ".venv/bin/complaints"

    def decide(by: str) -> str:
        return f"{cli} approve {cid} --dev-as {by}"

    why = shlex.quote("Leak confirmed on the video the customer sent")
    lines = [
        f"Complaint {cid} is waiting for a manager. Try the manager CLI (add --json for scripts):"
    ]
    if address != DEFAULT_ADDRESS:
        lines.append(f"  export TEMPORAL_ADDRESS={address}")
    console_port = os.environ.get("COMPLAINTS_CONSOLE_PORT", "8400")
    if console_port != "8400":
        lines.append(f"  export COMPLAINTS_CONSOLE_URL=http://127.0.0.1:{console_port}")
    return "\n".join(
        [
            *lines,
            f"  {cli} inbox --level 2",
            f"  {cli} show {cid}",
            f"  {decide('manager-1')}   # refused: above a shift manager's limit",
            f"  {decide('manager-2')}   # the store manager may grant 799.00",
            f"  {cli} counter {cid} --dev-as manager-2 --remedy repair --amount 150 --reason {why}",
            "(decisions go through the staff console, which signs as the person; --dev-as takes "
            "a demo person's token from its development issuer: development only)",
            "",
            "In the Temporal UI:",
            "  the demo's complaints: "
            + _ui_query(ui_url, namespace, f'WorkflowId STARTS_WITH "complaint-{prefix}"'),
            "  all complaints awaiting a manager: "
            + _ui_query(ui_url, namespace, f"ComplaintStatus = '{Status.AWAITING_MANAGER.value}'"),
        ]
    )


async def earlier_demos(complaints: ComplaintClient) -> list[ComplaintSummary]:
    """The complaints earlier demos filed on this server, oldest first."""
    return await complaints.find(f'WorkflowId STARTS_WITH "complaint-{DEMO_PREFIX}"')


def _found(earlier: list[ComplaintSummary], data_dir: Path) -> str:
    open_ = [c for c in earlier if c.running]
    waiting = [c for c in open_ if c.status == Status.AWAITING_MANAGER.value]
    return (
        f"Found {len(earlier)} complaints from earlier demos in {data_dir}/ "
        f"({len(earlier) - len(open_)} closed, {len(open_)} open, "
        f"{len(waiting)} waiting for a manager). Not filing the demo again: "
        "`make demo` files seven more, `make clean-data` starts afresh."
    )


async def run(client: Client, ui_url: str, data_dir: Path, *, again: bool = False) -> bool:
    """The demo, unless earlier demos' complaints are on the server (then say so), or
    `again`. False if a complaint did not end as its script meant."""
    complaints = ComplaintClient(client, TASK_QUEUE)
    earlier = await earlier_demos(complaints)
    if earlier and not again:
        say(_found(earlier, data_dir))
        waiting = [
            c
            for c in earlier
            if c.running
            and c.status == Status.AWAITING_MANAGER.value
            and c.complaint_id.endswith("-for-you")
        ]
        if waiting:
            cid = waiting[-1].complaint_id
            say(f"\n{_try_this(complaints, ui_url, DEMO_PREFIX, cid, data_dir)}\n")
        return True
    return await run_demo(client, ui_url, data_dir)


async def run_demo(client: Client, ui_url: str, data_dir: Path) -> bool:
    """File and play the seven complaints; False if one did not end as its script meant."""
    complaints = ComplaintClient(client, TASK_QUEUE)
    run = time.strftime("%Y%m%d-%H%M%S")
    started = time.monotonic()
    say(
        f"Demo {run}: seven complaints, deadlines shortened to seconds; "
        "six play to their end, one waits for you."
    )
    cases = [
        (title, Case(complaints, intake, run, started), script)
        for title, intake, script in _cases(run)
    ]
    for title, case, _ in cases:
        await complaints.file_complaint(case.intake, DEMO_VERSION, until=ACKNOWLEDGED)
        case.say(f"filed: {title} (acknowledgement sent)")
    for_you = Case(complaints, _for_a_manager(run), run, started)
    played, _ = await asyncio.gather(
        asyncio.gather(*(_play(case, ui_url, title, script) for title, case, script in cases)),
        _leave_for_a_manager(for_you),
    )
    finished = sum(played)
    say(f"\nDemo done: {finished} of {len(cases)} complaints ended as planned, one waits for you.")
    say(f"\n{_try_this(complaints, ui_url, f'{DEMO_PREFIX}{run}', for_you.cid, data_dir)}\n")
    return finished == len(cases)
