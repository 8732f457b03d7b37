"""The `complaints` CLI as a manager runs it, against the dev server and worker: in this
process (`cli`), and as the process a script starts (`cli_process`, `python -m cli`)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import pytest

from cli.main import exit_code
from schemas.intake import ComplaintIntake, HazardKind, SafetyHazard
from schemas.messages import Outcome
from schemas.remedies import RemedyKind
from schemas.state import Status
from sdk import ComplaintClient
from tests import processes
from tests.builders import QUICK_QUEUE
from tests.conftest import DevWorker
from tests.console.conftest import Running
from tests.factories import CUSTOMER, make_intake
from tests.polling import until_found, until_status

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def who(served: Running):
    """`--token` with a demo staff member's ID token from the console's development issuer."""

    def token(staff_id: str) -> tuple[str, str]:
        return ("--token", served.token(staff_id))

    return token


def _environment(dev_worker: DevWorker, served: Running, **env: str) -> dict[str, str]:
    """A manager's shell: none of this run's Temporal or complaint settings, only where the
    server and the console are, and `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "COMPLAINTS_"))}
    return (
        clean
        | {
            "TEMPORAL_ADDRESS": dev_worker.address,
            "TEMPORAL_NAMESPACE": dev_worker.namespace,
            "COMPLAINTS_CONSOLE_URL": served.url,
        }
        | env
    )


@pytest.fixture
def cli_process(dev_worker: DevWorker, served: Running):
    """Run `python -m cli ...` without blocking the loop the worker and the console (which
    the CLI sends its decisions to) run on."""

    async def run(*args: str, **env: str) -> Run:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "cli", *args,
            cwd=REPO, env=_environment(dev_worker, served, **env),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await processes.communicate(proc)
        assert proc.returncode is not None
        return Run(proc.returncode, out.decode(), err.decode())

    return run


_IN_PROCESS = threading.Lock()
"""One command at a time: each swaps the process's environment and standard streams."""


class _ThisThread(io.TextIOBase):
    """A standard stream whose writes from one thread go to a buffer of their own, and from
    every other thread (the worker's logs) where they went before."""

    def __init__(self, before: TextIO) -> None:
        self.before, self.buffer, self.thread = before, io.StringIO(), threading.get_ident()

    def write(self, text: str) -> int:
        mine = threading.get_ident() == self.thread
        return (self.buffer if mine else self.before).write(text)

    def flush(self) -> None:
        if threading.get_ident() != self.thread:
            self.before.flush()


@pytest.fixture
def cli(dev_worker: DevWorker, served: Running):
    """Run a command as `python -m cli` would (`cli.main.exit_code`, the environment of
    `cli_process`, its stdout and stderr), in this process: in a thread with an event loop
    of its own, so the worker and the console on the test's loop go on serving it."""

    def in_process(args: tuple[str, ...], env: dict[str, str]) -> Run:
        with _IN_PROCESS, _environ(env):
            out, err = _ThisThread(sys.stdout), _ThisThread(sys.stderr)
            sys.stdout, sys.stderr = out, err
            try:
                code = exit_code(list(args))
            finally:
                sys.stdout, sys.stderr = out.before, err.before
        return Run(code, out.buffer.getvalue(), err.buffer.getvalue())

    async def run(*args: str, **env: str) -> Run:
        return await asyncio.to_thread(in_process, args, _environment(dev_worker, served, **env))

    return run


@contextmanager
def _environ(env: dict[str, str]) -> Iterator[None]:
    """`os.environ` as `env` meanwhile, restored after (pytest's `MonkeyPatch`)."""
    with pytest.MonkeyPatch.context() as patch:
        for key in os.environ.keys() - env.keys():
            patch.delenv(key)
        for key, value in env.items():
            patch.setenv(key, value)
        yield


async def escalated(complaints: ComplaintClient, **overrides) -> ComplaintIntake:
    """A refund the agent may not grant alone, waiting for a manager."""
    intake = make_intake(**overrides)
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    await complaints.choose_solution(
        intake.complaint_id, RemedyKind.REFUND, customer_id=intake.customer_id
    )
    await until_status(complaints, intake.complaint_id, Status.AWAITING_MANAGER)
    return intake


async def test_inbox_show_override_resolves_the_complaint(
    complaints: ComplaintClient, cli, who, served: Running
):
    # Bought 45 days ago: outside the return window, so only an override may grant it.
    intake = await escalated(
        complaints,
        amount=Decimal("449.00"),
        purchase_date=date.today() - timedelta(days=45),
        description="Motor burnt out; reach me at olga@example.ru or +7 900 000 0000",
    )
    cid = intake.complaint_id
    await until_found(complaints, "EscalationLevel = 1", {cid}, {cid})

    inbox = await cli("inbox", "--level", "1", "--json")
    assert inbox.code == 0, inbox.err
    mine = [c for c in inbox.json() if c["complaint_id"] == cid]
    assert mine and mine[0]["status"] == "awaiting_manager" and mine[0]["escalation_level"] == 1
    table = await cli("inbox", "--manager-level", "3")
    assert table.code == 0 and cid in table.out and "COMPLAINT" in table.out
    row = next(line for line in table.out.splitlines() if line.startswith(cid))
    assert "reminder at " in row and row.rstrip().endswith(("ok", "warning", "breached"))

    show = await cli("show", cid)
    assert show.code == 0, show.err
    assert f"Complaint {cid}: awaiting manager, escalated to level 1" in show.out
    assert "escalated to level 1 (outside return window, requested refund 449.00" in show.out
    shown_json = await cli("show", cid, "--json")
    for output in (show.out, shown_json.out):
        assert "olga@example.ru" not in output and "900 000" not in output

    approve = await cli("approve", cid, *who("manager-1"))
    assert approve.code == 3
    assert "refused: granting this needs a policy exception" in approve.err

    override = await cli(
        "override", cid, "--remedy", "refund", "--amount", "449.00",
        "--reason", "Known batch defect", "--json",
        COMPLAINTS_CONSOLE_TOKEN=served.token("manager-1"),
    )  # fmt: skip
    assert override.code == 0, override.err
    assert override.json()["decided_by"] == "manager-1"
    # Through the console, which signed as manager-1 and audited it.
    assert [(a.staff_id, a.via, a.outcome) for a in served.audit.entries(cid)] == [
        ("manager-1", "api", "refused"),
        ("manager-1", "api", "sent"),
    ]

    await until_status(complaints, cid, Status.RESOLVED)
    await complaints.answer_follow_up(cid, customer_id=CUSTOMER)
    assert (await complaints.result(cid)).outcome is Outcome.RESOLVED_CONFIRMED
    closed = await cli("show", cid)
    assert (
        "closed (resolved confirmed)" in closed.out
        and "manager-1 (level 1): override" in closed.out
    )


async def test_a_manager_over_their_authority_limit_gets_a_clear_refusal(
    complaints: ComplaintClient, cli, who
):
    intake = await escalated(complaints, amount=Decimal("800.00"))
    before = await complaints.events(intake.complaint_id)

    run = await cli(
        "approve",
        intake.complaint_id,
        *who("manager-1"),
        "--json",
    )
    assert run.code == 3
    assert json.loads(run.err) == {
        "error": "refused",
        "message": "refused: refund 800.00 is above your authority limit of 500.00 as Shift "
        "manager; it needs a higher level",
    }
    assert await complaints.events(intake.complaint_id) == before
    await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)


async def test_mistakes_get_exit_codes_a_script_can_tell_apart(cli_process, who):
    """The process's own exit codes and stderr, as a script sees them."""
    cli = cli_process
    signer = who("manager-1")
    unknown = await cli("deny", "never-filed", *signer, "--reason", "no way")
    assert (unknown.code, unknown.err) == (4, "complaints: no complaint 'never-filed' was filed\n")

    no_reason = await cli("deny", "c-1", *signer)
    assert no_reason.code == 2 and "--reason" in no_reason.err

    nobody = await cli("approve", "c-1")
    assert nobody.code == 2 and "COMPLAINTS_CONSOLE_TOKEN" in nobody.err
    forged = await cli("approve", "c-1", "--token", "not.a.token")
    assert forged.code == 3 and forged.err.startswith("complaints: refused: ")
    both = await cli("approve", "c-1", *who("manager-1"), "--dev-as", "manager-1")
    assert both.code == 2 and "not both" in both.err
    nowhere = await cli(
        "approve", "c-1", *who("manager-1"), "--console", "http://127.0.0.1:9", "--json"
    )
    assert nowhere.code == 1 and json.loads(nowhere.err)["error"] == "unreachable"

    negative = await cli(
        "counter", "c-1", *signer,
        "--remedy", "discount", "--amount", "-5", "--reason", "half off",
    )  # fmt: skip
    assert negative.code == 2 and "amount" in negative.err


async def test_override_without_an_amount_grants_the_requested_one_and_says_so(
    complaints: ComplaintClient, cli, who, dev_worker: DevWorker
):
    intake = await escalated(complaints, amount=Decimal("349.99"), receipt_present=False)
    cid = intake.complaint_id
    show = await cli("show", cid)
    assert f"Complaint {cid}: awaiting manager, escalated to level 1 (requested refund 349.99)" in (
        show.out
    )

    run = await cli(
        "override", cid, *who("manager-1"),
        "--remedy", "refund", "--reason", "Card statement shows the purchase",
    )  # fmt: skip
    assert run.code == 0, run.err
    notice, receipt = run.out.splitlines()
    assert notice == "Granting the requested refund 349.99."
    assert receipt.startswith(f"Recorded: override refund 349.99 on complaint {cid} by manager-1")

    await until_status(complaints, cid, Status.RESOLVED)
    assert [entry.amount for entry in dev_worker.backend.remedies(cid)] == [Decimal("349.99")]
    resolved = await cli("show", cid)
    assert "resolved with refund 349.99" in resolved.out.splitlines()[0]
    assert "manager-1 (level 1): override refund 349.99" in resolved.out
    await complaints.answer_follow_up(cid, customer_id=CUSTOMER)


async def test_an_approval_names_the_amount_it_grants(complaints: ComplaintClient, cli, who):
    intake = await escalated(complaints, amount=Decimal("450"))
    run = await cli(
        "approve",
        intake.complaint_id,
        *who("manager-1"),
        "--json",
    )
    assert run.code == 0, run.err
    receipt = run.json()
    assert receipt["granted"] == {"kind": "refund", "amount": "450.00"}
    assert receipt["as_requested"] is True
    text = await cli("show", intake.complaint_id)
    assert "manager-1 (level 1): approve (the requested refund 450.00)" in text.out
    await until_status(complaints, intake.complaint_id, Status.RESOLVED)
    await complaints.answer_follow_up(intake.complaint_id, customer_id=CUSTOMER)


async def test_an_amount_nobody_typed_or_requested_is_never_zero(
    complaints: ComplaintClient, cli, who
):
    intake = await escalated(complaints, amount=Decimal("349.99"), receipt_present=False)
    cid = intake.complaint_id
    before = await complaints.events(cid)

    other_kind = await cli(
        "counter", cid, *who("manager-1"),
        "--remedy", "store_credit", "--reason", "Credit instead",
    )  # fmt: skip
    assert other_kind.code == 2
    assert other_kind.err == (
        "complaints: --amount is needed to counter a store_credit: "
        "the escalation requested refund 349.99\n"
    )
    zero = await cli(
        "override", cid, *who("manager-1"),
        "--remedy", "refund", "--amount", "0", "--reason", "Card statement shows it",
    )  # fmt: skip
    assert zero.code == 3
    assert zero.err == "complaints: refused: a refund of 0.00 grants nothing: name its amount\n"
    assert await complaints.events(cid) == before

    counter = await cli(
        "counter", cid, *who("manager-1"),
        "--remedy", "store_credit", "--amount", "50", "--reason", "Credit instead",
    )  # fmt: skip
    assert counter.code == 0, counter.err
    assert counter.out.startswith(f"Recorded: counter store_credit 50.00 on complaint {cid}")
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def test_a_counter_in_another_currency_is_refused_and_one_in_the_complaints_recorded(
    complaints: ComplaintClient, cli, who, dev_worker: DevWorker
):
    intake = await escalated(complaints, amount=Decimal("349.99"), receipt_present=False)
    cid = intake.complaint_id
    before = await complaints.events(cid)
    signer = who("manager-1")

    usd = await cli(
        "override", cid, *signer, "--remedy", "refund", "--amount", "349.99",
        "--currency", "usd", "--reason", "Card statement shows it",
    )  # fmt: skip
    assert usd.code == 3
    assert usd.err == (
        "complaints: refused: the remedy is in USD, but this complaint is in EUR: give the "
        "amount in EUR (nothing is converted between currencies)\n"
    )
    unknown = await cli(
        "override", cid, *signer, "--remedy", "refund", "--currency", "EUX", "--reason", "x"
    )
    assert unknown.code == 2 and "not an ISO 4217 currency code: 'EUX'" in unknown.err
    assert await complaints.events(cid) == before

    eur = await cli(
        "override", cid, *signer, "--remedy", "refund", "--amount", "349.99",
        "--currency", "EUR", "--reason", "Card statement shows it", "--json",
    )  # fmt: skip
    assert eur.code == 0, eur.err
    assert eur.json()["granted"] == {"kind": "refund", "amount": "349.99", "currency": "EUR"}
    await until_status(complaints, cid, Status.RESOLVED)
    [entry] = dev_worker.backend.remedies(cid)
    assert (entry.amount, entry.currency) == (Decimal("349.99"), "EUR")
    await complaints.answer_follow_up(cid, customer_id=CUSTOMER)


async def test_a_denial_carries_the_managers_note_for_the_customer_in_their_language(
    complaints: ComplaintClient, cli, who, dev_worker: DevWorker
):
    intake = await escalated(complaints, amount=Decimal("349.99"), receipt_present=False)
    cid = intake.complaint_id
    signer = who("manager-1")
    alone = await cli("deny", cid, *signer, "--reason", "No receipt", "--customer-note", "Hi")
    assert alone.code == 2 and "--customer-note and --note-language go together" in alone.err

    deny = await cli(
        "deny", cid, *signer, "--reason", "Bought at another shop (internal)",
        "--customer-note", "Я лично проверил журнал поставок.", "--note-language", "ru",
    )  # fmt: skip
    assert deny.code == 0, deny.err
    await until_status(complaints, cid, Status.DECLINED)
    decline = dev_worker.backend.messages(cid)[-1]
    assert decline.kind == "decline" and decline.language == intake.language
    assert "internal" not in decline.body and "Я лично" not in decline.body  # not its language
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def test_the_workflow_id_the_ui_shows_names_the_complaint_everywhere(
    complaints: ComplaintClient, cli, who
):
    intake = await escalated(complaints, amount=Decimal("449.00"))
    cid = intake.complaint_id
    workflow_id = f"complaint-{cid}"

    show = await cli("show", workflow_id)
    assert show.code == 0, show.err
    assert show.out.startswith(
        f"Complaint {cid}: awaiting manager, escalated to level 1 (requested refund 449.00); "
        "waiting for a manager's decision\n"
    )
    assert (await cli("show", workflow_id, "--json")).json()["complaint_id"] == cid

    signer = who("manager-1")
    deny = await cli("deny", workflow_id, *signer, "--reason", "Transport damage, not a defect")
    assert deny.code == 0, deny.err
    # What `show` says next, not the status the update answered while the decline was sent.
    assert deny.out == (
        f"Recorded: deny on complaint {cid} by manager-1. The complaint is now declined, "
        "waiting for the customer's answer to the decline.\n"
    )
    after = await cli("show", cid)
    assert after.out.startswith(
        f"Complaint {cid}: declined; waiting for the customer's answer to the decline\n"
    )
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_a_specialist_resumes_by_workflow_id_and_the_receipt_says_what_follows(
    complaints: ComplaintClient, cli, who
):
    intake = make_intake(abusive=True)
    cid = intake.complaint_id
    await complaints.file_complaint(intake)
    await until_status(complaints, cid, Status.PAUSED)

    resume = await cli(
        "resume", f"complaint-{cid}", *who("specialist-1"),
        "--note", "Spoke by phone; calm now", "--json",
    )  # fmt: skip
    assert resume.code == 0, resume.err
    receipt = resume.json()
    assert receipt["complaint_id"] == cid
    assert (receipt["status"], receipt["waiting_on"]) == (
        "awaiting_choice",
        "the customer's choice of solution",
    )
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_a_safety_officer_acknowledges_a_hazard_and_the_complaint_goes_on(
    complaints: ComplaintClient, cli, who
):
    hazard = SafetyHazard(kind=HazardKind.INJURY, description="The lid flew off: scalded hand")
    intake = make_intake(safety=hazard)
    cid = intake.complaint_id
    await complaints.file_complaint(intake)
    await until_status(complaints, cid, Status.AWAITING_SAFETY)

    def acknowledge(staff_id: str):
        return cli(
            "acknowledge-safety", cid, *who(staff_id),
            "--note", "Called her; batch withdrawn", "--json",
        )  # fmt: skip

    refused = await acknowledge("specialist-1")
    assert refused.code == 3, refused.err
    assert "only safety officers acknowledge reported hazards" in refused.err
    done = await acknowledge("safety-1")
    assert done.code == 0, done.err
    receipt = done.json()
    assert (receipt["status"], receipt["waiting_on"]) == (
        "awaiting_choice",
        "the customer's choice of solution",
    )
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_operations_reassign_a_complaint_from_their_queue(
    complaints: ComplaintClient, cli, who, served: Running, dev_worker: DevWorker
):
    dev_worker.policies.add(QUICK_QUEUE)
    intake = make_intake(abusive=True)
    cid = intake.complaint_id
    await complaints.file_complaint(intake, QUICK_QUEUE.version)
    await until_status(complaints, cid, Status.IN_OPERATIONS)

    def reassign(staff_id: str, to: str):
        return cli(
            "reassign", cid, "--to", to, *who(staff_id), "--note", "Please call her today",
            "--json",
        )  # fmt: skip

    refused = await reassign("specialist-1", "specialist-1")
    assert refused.code == 3, refused.err
    assert "only operations staff reassign complaints" in refused.err
    elsewhere = await reassign("operations-1", "manager-3")
    assert elsewhere.code == 3 and "manager-3 is not among the specialists" in elsewhere.err
    done = await reassign("operations-1", "specialist-1")
    assert done.code == 0, done.err
    assert done.json()["complaint_id"] == cid
    shown = await cli("show", cid)
    assert "reassigned by operations-1 to specialist-1" in shown.out
    assert [(a.staff_id, a.action, a.outcome) for a in served.audit.entries(cid)] == [
        ("operations-1", "reassign", "refused"),
        ("operations-1", "reassign", "sent"),
    ]
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_a_complaint_id_that_looks_like_a_workflow_id_is_still_found(
    complaints: ComplaintClient, cli
):
    intake = make_intake(complaint_id=f"complaint-{uuid.uuid4().hex[:8]}")
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)

    show = await cli("show", intake.complaint_id)
    assert show.code == 0, show.err
    assert show.out.startswith(f"Complaint {intake.complaint_id}: awaiting choice")
    missing = await cli("show", "complaint-never-filed")
    assert (missing.code, missing.err) == (4, "complaints: no complaint 'never-filed' was filed\n")
    await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)


async def test_a_development_token_for_a_demo_person_acts_as_them(
    complaints: ComplaintClient, cli, served: Running
):
    token = await cli("dev-token", "manager-2")
    assert token.code == 0, token.err
    async with served.api() as api:
        me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token.out.strip()}"})
        assert me.json()["staff_id"] == "manager-2"
    stranger = await cli("dev-token", "nobody-here")
    assert stranger.code == 2 and "not in the staff directory" in stranger.err

    intake = await escalated(complaints, amount=Decimal("450"))
    deny = await cli(
        "deny", intake.complaint_id, "--dev-as", "manager-2", "--reason", "Transport damage"
    )
    assert deny.code == 0, deny.err
    assert f"on complaint {intake.complaint_id} by manager-2." in deny.out
    await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)
