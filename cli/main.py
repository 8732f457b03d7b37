"""`complaints`: the managers' command line, an inbox and decisions on escalations.

    complaints inbox --level 2
    complaints show c-1001                  # or its workflow id, complaint-c-1001
    export COMPLAINTS_CONSOLE_TOKEN=...     # your OpenID Connect ID token for the console
    complaints override c-1001 \\
        --remedy refund --amount 89 --currency EUR --reason "Card statement shows the purchase"
    complaints resume c-1002 --note "Calm again"
    complaints acknowledge-safety c-1003 --note "Product recalled"
    complaints reassign c-1004 --to specialist-1 --note "Nobody took it up"
    complaints approve c-1001 --dev-as manager-2   # development only: a demo person's token

A decision (a resume, a safety acknowledgement, a reassignment) goes through the staff
console's JSON API (``--console`` or COMPLAINTS_CONSOLE_URL) with your ID token (``--token``
or COMPLAINTS_CONSOLE_TOKEN): the console verifies it and signs as you; the complaint
verifies the signature and takes your role, level and authority limit from the staff
directory, and a refusal changes nothing. Reading (inbox, show) asks Temporal directly.
A complaint is named by its id or by its workflow id (``complaint-<id>``, as the Temporal UI
shows it). A receipt says where the complaint stands once it has carried the action out
(for up to ``COMPLAINTS_CLI_SETTLE_S`` seconds, 10 by default).
Every command takes ``--json`` for scripts. Exit codes: 0 done, 1 unexpected
(e.g. server unreachable), 2 bad usage or input, 3 refused by the complaint,
4 no such complaint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from pydantic import TypeAdapter, ValidationError
from temporalio.service import RPCError, RPCStatusCode

from cli import report
from cli.console_api import (
    CONSOLE_URL_ENV,
    DEFAULT_CONSOLE_URL,
    TOKEN_ENV,
    ConsoleApi,
    ConsoleRefused,
    ConsoleUnreachable,
    dev_token,
)
from domain.lifecycle import waiting_for
from domain.redaction import redact
from domain.wording import words
from schemas.actions import (
    ActionReceipt,
    CustomerNote,
    DecisionKind,
    ManagerDecision,
    SafetyAcknowledgement,
    StaffResume,
)
from schemas.complaint import WORKFLOW_ID_PREFIX, workflow_id_for
from schemas.intake import Language
from schemas.locale import Currency
from schemas.remedies import Remedy, RemedyKind, money
from schemas.staff import Reassignment
from schemas.state import ComplaintState
from sdk.client import ComplaintClient, ComplaintSummary
from sdk.errors import ComplaintClosed, InvalidAction, UnknownComplaint, WaitTimedOut
from sdk.timeline import timeline
from wire.codec import PayloadKeyError
from wire.connection import connect, connect_config
from wire.converter import describe

OK, UNEXPECTED, USAGE, REFUSED, UNKNOWN = 0, 1, 2, 3, 4
CENT = Decimal("0.01")
LEVEL_ENV = "COMPLAINTS_MANAGER_LEVEL"
ANSWER_TIMEOUT_S = float(os.environ.get("COMPLAINTS_CLI_TIMEOUT_S", "30"))
"""How long to wait for the complaint to answer (a worker must be running)."""
SETTLE_S = float(os.environ.get("COMPLAINTS_CLI_SETTLE_S", "10"))
"""How long a receipt waits for the complaint to carry the action out and settle."""


class Failure(Exception):
    """Ends the command with an exit code and a sentence for the person at the terminal."""

    def __init__(self, code: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.code, self.kind, self.message = code, kind, message


# ---------------------------------------------------------------------- arguments


def _amount(text: str) -> Decimal:
    """An amount as typed, in cents when it has at most two decimals ("89" is 89.00); more
    decimals are left for the model to refuse, never rounded."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if value.is_finite() and int(value.as_tuple().exponent) >= -2:
        return value.quantize(CENT)
    return value


def _currency(text: str) -> str:
    """An ISO 4217 code as typed ("eur" is EUR); one Babel does not know is refused."""
    code = text.strip().upper()
    try:
        return TypeAdapter(Currency).validate_python(code)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"not an ISO 4217 currency code: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--address", help="Temporal frontend (default: $TEMPORAL_ADDRESS)")
    common.add_argument("--namespace", help="Temporal namespace (default: $TEMPORAL_NAMESPACE)")

    console = argparse.ArgumentParser(add_help=False)
    console.add_argument(
        "--console",
        default=os.environ.get(CONSOLE_URL_ENV, DEFAULT_CONSOLE_URL),
        help=f"the staff console's base URL (or ${CONSOLE_URL_ENV}; default {DEFAULT_CONSOLE_URL})",
    )
    identity = argparse.ArgumentParser(add_help=False, parents=[console])
    identity.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV),
        help=f"your OpenID Connect ID token for the console (or ${TOKEN_ENV})",
    )
    identity.add_argument(
        "--dev-as",
        metavar="STAFF_ID",
        help="DEVELOPMENT ONLY: act as this demo person, with a token from the console's "
        "development issuer (a console started with COMPLAINTS_CONSOLE_DEV=1)",
    )

    parser = argparse.ArgumentParser(
        prog="complaints", description="Escalated complaints: your inbox and your decisions."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    inbox = commands.add_parser(
        "inbox", parents=[common], help="escalations waiting for your level, oldest first"
    )
    inbox.add_argument(
        "--level",
        "--manager-level",
        dest="level",
        type=int,
        default=os.environ.get(LEVEL_ENV),
        help=f"your manager level (or ${LEVEL_ENV}); lower levels' escalations are included",
    )

    report.add_parser(commands, common)

    show = commands.add_parser("show", parents=[common], help="a complaint's status and timeline")
    show.add_argument("complaint_id")

    token = commands.add_parser(
        "dev-token",
        parents=[common, console],
        help="DEVELOPMENT ONLY: print a demo person's ID token from the console's development "
        "issuer (export COMPLAINTS_CONSOLE_TOKEN=$(complaints dev-token manager-2))",
    )
    token.add_argument("staff_id")

    for kind, help_, remedy, reason in (
        (DecisionKind.APPROVE, "grant what was requested (or --remedy)", False, False),
        (DecisionKind.OVERRIDE, "grant a remedy policy would refuse", True, True),
        (DecisionKind.COUNTER, "offer the customer something else", True, True),
        (DecisionKind.DENY, "refuse, with the reason", False, True),
    ):
        cmd = commands.add_parser(kind.value, parents=[common, identity], help=help_)
        cmd.add_argument("complaint_id")
        if kind is not DecisionKind.DENY:
            cmd.add_argument(
                "--remedy",
                required=remedy,
                choices=[k.value for k in RemedyKind],
                help="the remedy to grant" + ("" if remedy else " (default: the one requested)"),
            )
            cmd.add_argument(
                "--amount",
                type=_amount,
                help="its value (default: the requested one, when you grant the requested kind)",
            )
            cmd.add_argument(
                "--currency",
                type=_currency,
                help="the ISO 4217 code of --amount, checked against the complaint's "
                "(default: the complaint's own; another is refused, never converted)",
            )
        cmd.add_argument("--reason", required=reason, help="why, for the record (internal)")
        cmd.add_argument(
            "--customer-note",
            help="a note for the customer, sent in the message answering your decision only "
            "if written in their language (--note-language); otherwise a standard sentence "
            "in their language says a manager reviewed the complaint",
        )
        cmd.add_argument(
            "--note-language",
            choices=[language.value for language in Language],
            help="the language --customer-note is written in (required with it)",
        )
        cmd.set_defaults(decision=kind)

    resume = commands.add_parser(
        "resume", parents=[common, identity], help="resume a paused conversation (specialists)"
    )
    resume.add_argument("complaint_id")
    resume.add_argument("--note", required=True, help="what changed, for the record")

    safety = commands.add_parser(
        "acknowledge-safety",
        parents=[common, identity],
        help="acknowledge a reported hazard, so the complaint goes on (safety officers)",
    )
    safety.add_argument("complaint_id")
    safety.add_argument("--note", required=True, help="what you did about it, for the record")

    reassign = commands.add_parser(
        "reassign",
        parents=[common, identity],
        help="hand a complaint nobody acted on to a named specialist or manager (operations)",
    )
    reassign.add_argument("complaint_id")
    reassign.add_argument(
        "--to", dest="assignee", required=True, help="their staff id, as the directory lists it"
    )
    reassign.add_argument("--note", required=True, help="what they should know, for the record")

    customer = argparse.ArgumentParser(add_help=False)
    customer.add_argument("complaint_id")
    customer.add_argument(
        "--customer",
        dest="customer_id",
        required=True,
        help="the customer's id, as your customer system authenticated them",
    )
    customer.add_argument("--comment", help="what the customer said (optional)")
    commands.add_parser(
        "reopen",
        parents=[common, customer],
        help="record a customer's reply after closing: reopens the complaint within its "
        "window, files a new complaint linked to it after",
    )
    answer = commands.add_parser(
        "answer-survey",
        parents=[common, customer],
        help="record a customer's answer to the satisfaction survey (once)",
    )
    answer.add_argument("--score", type=int, required=True, choices=range(1, 6), metavar="1-5")
    return parser


async def _acting(args: argparse.Namespace) -> tuple[ConsoleApi, str]:
    """The console as the person the token names, and their staff id (asked of the console,
    which verified the token): checked before connecting to Temporal."""
    if args.dev_as and args.token:
        raise Failure(USAGE, "usage", "--dev-as or a token, not both")
    token = args.token or (await dev_token(args.console, args.dev_as) if args.dev_as else None)
    if not token:
        raise Failure(
            USAGE, "usage", f"who are you? pass --token or set ${TOKEN_ENV} (your ID token)"
        )
    api = ConsoleApi(args.console, token)
    return api, (await api.me()).staff_id


def _decision(args: argparse.Namespace, requested: Remedy | None = None) -> ManagerDecision:
    """The decision as typed; without ``--amount``, a remedy of the requested kind takes the
    requested amount (before the request is known, 0 stands in, to check the rest)."""
    remedy = None
    if kind := getattr(args, "remedy", None):
        amount = args.amount
        if amount is None:
            amount = requested.amount if requested and requested.kind == kind else Decimal(0)
        remedy = Remedy(kind=RemedyKind(kind), amount=amount, currency=args.currency)
    note = None
    if args.customer_note is not None or args.note_language is not None:
        if args.customer_note is None or args.note_language is None:
            raise Failure(
                USAGE, "usage", "--customer-note and --note-language go together: say both"
            )
        note = CustomerNote(text=args.customer_note, language=Language(args.note_language))
    return ManagerDecision(
        kind=args.decision, remedy=remedy, reason=args.reason, customer_note=note
    )


def _granted(
    args: argparse.Namespace, decision: ManagerDecision, requested: Remedy | None
) -> tuple[Remedy | None, bool]:
    """What the decision grants, and whether its amount was taken from the request. An
    amount nobody typed must come from the request: a remedy of another kind (other than an
    explanation, which costs nothing) needs ``--amount``."""
    remedy = None if decision.kind is DecisionKind.DENY else decision.remedy or requested
    if remedy is None or args.amount is not None:
        return remedy, False
    if requested is not None and requested.kind == remedy.kind:
        return remedy, True
    if remedy.kind is not RemedyKind.EXPLANATION:
        source = (
            f"the escalation requested {requested.label()}"
            if requested
            else "nothing was requested to take it from"
        )
        raise Failure(
            USAGE,
            "usage",
            f"--amount is needed to {decision.kind.value} a {remedy.kind.value}: {source}",
        )
    return remedy, False


# ---------------------------------------------------------------------- output


def _age(since: datetime) -> str:
    minutes = int((datetime.now(UTC) - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def _inbox_table(items: list[ComplaintSummary], level: int) -> str:
    if not items:
        return f"Nothing is waiting for a level-{level} manager."
    rows = [("COMPLAINT", "LEVEL", "SEVERITY", "CATEGORY", "CUSTOMER", "FILED", "NEXT", "SLA")]
    rows += [
        (
            c.complaint_id,
            str(c.escalation_level),
            c.severity or "",
            c.category or "",
            c.customer_id or "",
            f"{c.started_at:%Y-%m-%d %H:%M} ({_age(c.started_at)} ago)",
            _next_step(c),
            c.sla_state or "",
        )
        for c in items
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _next_step(summary: ComplaintSummary) -> str:
    """e.g. "reminder at 2026-12-02 14:00": from the memo's listing, where the complaint
    keeps one (docs/decisions/012-visible-listing.md)."""
    listed = summary.listing.escalation if summary.listing else None
    if listed is None:
        return ""
    step = "next level" if listed.reminded else "reminder"
    return f"{step} at {listed.respond_by:%Y-%m-%d %H:%M}"


def _emit(args: argparse.Namespace, text: str, data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text)


def _say(args: argparse.Namespace, text: str) -> None:
    """A word to the person before acting; with ``--json`` the receipt says it instead
    (``"as_requested": true``), so stdout and stderr each stay one JSON document."""
    if not args.json:
        print(text, flush=True)


def _remedy_json(remedy: Remedy | None) -> dict[str, str] | None:
    if remedy is None:
        return None
    named = {"currency": remedy.currency} if remedy.currency else {}
    return {"kind": remedy.kind.value, "amount": money(remedy.amount)} | named


# ---------------------------------------------------------------------- complaints


async def _complaint_id(complaints: ComplaintClient, given: str) -> str:
    """The complaint id for what was typed: the complaint id, or its workflow id
    (``complaint-<id>``) as the Temporal UI and the workflow list show it."""
    if not given.startswith(WORKFLOW_ID_PREFIX) or await _filed(complaints, given):
        return given
    return given.removeprefix(WORKFLOW_ID_PREFIX)


async def _filed(complaints: ComplaintClient, complaint_id: str) -> bool:
    """Whether a complaint was filed under exactly this id."""
    handle = complaints.temporal.get_workflow_handle(workflow_id_for(complaint_id))
    try:
        await handle.describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def _settled(
    complaints: ComplaintClient, complaint_id: str
) -> tuple[ComplaintState, str | None] | None:
    """Where the complaint stands once it has carried out what was just recorded (messages,
    a remedy) and waits again, or has closed; None if it is still at work after `SETTLE_S`.
    The complaint says so itself (`wait_until`, settled): nothing polls."""
    try:
        state = await complaints.wait_until(
            complaint_id, settled=True, timeout=timedelta(seconds=SETTLE_S)
        )
    except WaitTimedOut:
        return None
    except ComplaintClosed:  # closed before the wait arrived: it stands as it closed
        state = await complaints.state(complaint_id)
    wait = waiting_for(state)
    return state, wait.on.value if wait is not None else None


def _standing(state: ComplaintState, waiting: str | None) -> str:
    """e.g. "declined, waiting for the customer's answer to the decline"."""
    text = words(state.status.value)
    if state.outcome:
        text += f" ({words(state.outcome.value)})"
    return f"{text}, waiting for {waiting}" if waiting else text


async def _now(
    complaints: ComplaintClient, receipt: ActionReceipt
) -> tuple[str, dict[str, str | None]]:
    """The receipt's closing sentence, and its JSON: the status the complaint settled in."""
    settled = await _settled(complaints, receipt.complaint_id)
    if settled is None:
        sentence = (
            f"The complaint is still carrying it out ({words(receipt.status)}); "
            f"`complaints show {receipt.complaint_id}` says where it stands."
        )
        return sentence, {"status": receipt.status, "waiting_on": None}
    state, waiting = settled
    sentence = f"The complaint is now {_standing(state, waiting)}."
    return sentence, {"status": state.status.value, "waiting_on": waiting}


# ---------------------------------------------------------------------- commands


async def _run(
    args: argparse.Namespace, complaints: ComplaintClient, acting: tuple[ConsoleApi, str] | None
) -> None:
    if args.command == "inbox":
        if args.level is None:
            raise Failure(USAGE, "usage", f"which level? pass --level or set ${LEVEL_ENV}")
        items = await complaints.inbox(int(args.level))
        _emit(args, _inbox_table(items, args.level), [c.model_dump(mode="json") for c in items])
        return
    cid = await _complaint_id(complaints, args.complaint_id)
    if args.command == "show":
        state = await complaints.state(cid)
        events = await complaints.events(cid)
        waiting = await complaints.waiting_on(cid)
        head = f"Complaint {cid}: {words(state.status.value)}"
        if state.outcome:
            head += f" ({words(state.outcome.value)})"
        requested = state.escalation.requested if state.escalation else None
        if state.escalation:
            head += f", escalated to level {state.escalation.level}"
            if requested:
                head += f" (requested {requested.label()})"
        if state.resolved_with:
            head += f", resolved with {state.resolved_with.label()}"
        if waiting:
            head += f"; waiting for {waiting}"
        data = {
            "complaint_id": cid,
            "status": state.status.value,
            "outcome": state.outcome.value if state.outcome else None,
            "escalation_level": state.escalation_level,
            "requested": _remedy_json(requested),
            "resolved_with": _remedy_json(state.resolved_with),
            "waiting_on": waiting,
            "events": redact([e.model_dump(mode="json") for e in events]),
        }
        _emit(args, "\n".join([head, "", *timeline(events)]), data)
        return
    if args.command == "reopen":
        reply = await complaints.reopen(cid, args.comment, customer_id=args.customer_id)
        text = (
            f"Recorded: complaint {cid} reopened."
            if reply.reopened
            else f"The reopen window of complaint {cid} has passed: filed complaint "
            f"{reply.complaint_id}, linked to it."
        )
        _emit(args, text, reply.model_dump(mode="json"))
        return
    if args.command == "answer-survey":
        receipt = await complaints.answer_survey(
            cid, args.score, args.comment, customer_id=args.customer_id
        )
        text = f"Recorded: satisfaction {args.score} of 5 on complaint {receipt.complaint_id}."
        _emit(args, text, receipt.model_dump(mode="json"))
        return
    assert acting is not None
    api, staff_id = acting
    if args.command == "resume":
        receipt = await api.resume(cid, StaffResume(note=args.note))
        now, standing = await _now(complaints, receipt)
        text = f"Recorded: resumed complaint {receipt.complaint_id} by {staff_id}. {now}"
        _emit(args, text, receipt.model_dump(mode="json") | standing)
    elif args.command == "reassign":
        wanted = Reassignment(assignee_id=args.assignee, note=args.note)
        receipt = await api.reassign(cid, wanted)
        now, standing = await _now(complaints, receipt)
        text = (
            f"Recorded: complaint {receipt.complaint_id} reassigned to {args.assignee} by "
            f"{staff_id}. {now}"
        )
        _emit(args, text, receipt.model_dump(mode="json") | standing)
    elif args.command == "acknowledge-safety":
        receipt = await api.acknowledge_safety(cid, SafetyAcknowledgement(note=args.note))
        now, standing = await _now(complaints, receipt)
        text = (
            f"Recorded: safety report on complaint {receipt.complaint_id} acknowledged by "
            f"{staff_id}. {now}"
        )
        _emit(args, text, receipt.model_dump(mode="json") | standing)
    else:
        state = await complaints.state(cid)
        requested = state.escalation.requested if state.escalation else None
        decision = _decision(args, requested)
        granted, as_requested = _granted(args, decision, requested)
        if granted and as_requested:
            verb = "Offering" if decision.kind is DecisionKind.COUNTER else "Granting"
            _say(args, f"{verb} the requested {granted.label()}.")
        receipt = await api.decide(cid, decision)
        what = decision.kind.value + (f" {granted.label()}" if granted else "")
        now, standing = await _now(complaints, receipt)
        text = f"Recorded: {what} on complaint {receipt.complaint_id} by {staff_id}. {now}"
        data = {
            "decision": decision.model_dump(mode="json"),
            "decided_by": staff_id,
            "granted": _remedy_json(granted),
            "as_requested": as_requested,
            **receipt.model_dump(mode="json"),
            **standing,
        }
        _emit(args, text, data)


async def _report(args: argparse.Namespace) -> None:
    complaints = None
    if report.needs_temporal(args):
        complaints = ComplaintClient(await connect(connect_config(args.address, args.namespace)))
    print(report.render(args, await report.build(args, complaints)))


async def _main(args: argparse.Namespace) -> None:
    if args.command == "report":
        return await _report(args)
    if args.command == "dev-token":
        print(await dev_token(args.console, args.staff_id))
        return
    if "decision" in args:
        _decision(args)  # bad input: fail before connecting
    acting = await _acting(args) if "token" in args else None
    config = connect_config(args.address, args.namespace)
    try:
        client = await connect(config)
    except PayloadKeyError as error:  # the encryption settings, before any connection
        raise Failure(USAGE, "configuration", str(error)) from None
    except Exception as error:  # noqa: BLE001 - any failure here means we could not connect
        raise Failure(
            UNEXPECTED, "unreachable", f"cannot reach Temporal at {config['target_host']}: {error}"
        ) from None
    try:
        async with asyncio.timeout(ANSWER_TIMEOUT_S):
            await _run(args, ComplaintClient(client), acting)
    except TimeoutError:
        raise Failure(
            UNEXPECTED,
            "timeout",
            f"no answer within {ANSWER_TIMEOUT_S:.0f}s: is the complaint worker running?",
        ) from None


def execute(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit code."""
    args = _parser().parse_args(argv)  # exits with 2 on bad usage
    try:
        asyncio.run(_main(args))
        return OK
    except Failure as failure:
        error = failure
    except ValidationError as invalid:
        error = Failure(USAGE, "invalid", f"invalid input: {describe(invalid)}")
    except UnknownComplaint as unknown:
        error = Failure(UNKNOWN, "unknown_complaint", unknown.message)
    except InvalidAction as refused:
        error = Failure(REFUSED, "refused", f"refused: {refused.message}")
    except ConsoleRefused as refused:
        error = _console_failure(refused)
    except ConsoleUnreachable as unreachable:
        error = Failure(UNEXPECTED, "unreachable", str(unreachable))
    except Exception as unexpected:  # noqa: BLE001 - the person gets a sentence, not a traceback
        error = Failure(UNEXPECTED, "unexpected", f"{type(unexpected).__name__}: {unexpected}")
    if args.json:
        print(json.dumps({"error": error.kind, "message": error.message}), file=sys.stderr)
    else:
        print(f"complaints: {error.message}", file=sys.stderr)
    return error.code


def _console_failure(refused: ConsoleRefused) -> Failure:
    """The console's answer as an exit code: 401 and 403 (who you are, what you may do) and
    409 (the complaint's refusal) are refusals; 404 no such complaint; 400 and 422 bad input."""
    if refused.status == 404:
        return Failure(UNKNOWN, "unknown_complaint", refused.detail)
    if refused.status in (400, 422):
        return Failure(USAGE, "invalid", f"invalid input: {refused.detail}")
    if refused.status in (401, 403, 409):
        return Failure(REFUSED, "refused", f"refused: {refused.detail}")
    return Failure(UNEXPECTED, "unexpected", f"the console answered: {refused.detail}")


def exit_code(argv: Sequence[str] | None = None) -> int:
    """Run one command; the process's exit code, argparse's own exits (bad usage, --help)
    included."""
    try:
        return execute(argv)
    except SystemExit as usage:
        return usage.code if isinstance(usage.code, int) else USAGE


def main() -> NoReturn:
    """Console entry point. Ends the process without interpreter teardown, which can abort
    (SIGABRT) while the Temporal client's core threads still run (temporalio/sdk-python#300),
    and would turn an exit code a script relies on into -6."""
    code = exit_code()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
