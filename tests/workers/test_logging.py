"""Worker logs: JSON lines with the complaint's Temporal context, no contacts, no replay echoes."""

from __future__ import annotations

import ast
import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import structlog
from temporalio.testing import ActivityEnvironment
from temporalio.worker import Replayer

from activities.complaint_activities import ComplaintActivities
from activities.local_backend import LocalBackend
from schemas.effects import ManagerPage, PageKind
from schemas.intake import Category, Contact, Severity
from schemas.state import Status
from sdk import ComplaintClient
from tests.factories import CUSTOMER, make_intake
from tests.polling import until_status
from wire.connection import data_converter
from workers.logging import configure_logging
from workflows.complaint import ComplaintWorkflow
from workflows.sandbox import WORKFLOW_RUNNER

EMAIL, PHONE = "olga.petrova@example.ru", "+7 900 123 4567"
REPO = Path(__file__).resolve().parents[2]
RESERVED = {"event", "level", "logger", "timestamp"}
"""Keys structlog's processors set on every line (`configure_logging`): a log call's own
value under one of them would be overwritten or would overwrite the line's meaning."""
_LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "msg", "bind"}
Lines = Callable[[], list[dict]]


@pytest.fixture
def lines() -> Iterator[Lines]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(stream=stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        structlog.reset_defaults()


def test_structlog_and_stdlib_lines_are_json_with_contacts_masked(lines: Lines):
    structlog.get_logger().info(
        "customer_message.delivered",
        contact={"email": EMAIL},
        note=f"customer wrote from {EMAIL}",
        idempotency_key="complaint-c-1/proposals/1",
    )
    logging.getLogger("backend").warning("could not reach %s at %s", EMAIL, PHONE)

    first, second = lines()
    assert first["event"] == "customer_message.delivered" and first["level"] == "info"
    assert first["contact"] == "<redacted>" and first["note"] == "customer wrote from <email>"
    assert first["step"] == "proposals" and first["timestamp"].endswith("Z")
    assert second == second | {"event": "could not reach <email> at <phone>", "level": "warning"}


def test_the_step_is_read_from_both_key_formats(lines: Lines):
    """Keys name the step then its count; complaints started before that still log theirs."""
    for key in ("complaint-c-1/remedy/2", "complaint-c-1/7/remedy", "remedy"):
        structlog.get_logger().info("remedy.applied", idempotency_key=key)
    assert [line["step"] for line in lines()] == ["remedy", "remedy", "remedy"]


async def test_a_page_logs_the_manager_level_beside_the_log_level(lines: Lines, tmp_path: Path):
    """`level` is structlog's (the log level); the paged rung has a key of its own."""
    backend = LocalBackend(tmp_path / "complaints.db")
    acts = ComplaintActivities(backend)
    try:
        for level in (1, 2):
            page = ManagerPage(
                idempotency_key=f"complaint-c-1/page-escalation-{level}/1",
                complaint_id="c-1",
                workflow_id="complaint-c-1",
                kind=PageKind.ESCALATION,
                level=level,
                title=f"Level {level} manager",
                reason="beyond authority",
                category=Category.BILLING,
                severity=Severity.MEDIUM,
                summary="Charged twice.",
            )
            await ActivityEnvironment().run(acts.notify_manager, page)
    finally:
        await backend.aclose()

    paged = [line for line in lines() if line["event"] == "manager.paged"]
    assert [line["manager_level"] for line in paged] == [1, 2]
    assert [line["level"] for line in paged] == ["info", "info"]


def _logged_keys(call: ast.Call) -> Iterator[str]:
    """The keys a log call adds: its keyword arguments, and a stdlib `extra={...}`'s keys."""
    for kw in call.keywords:
        if kw.arg == "extra" and isinstance(kw.value, ast.Dict):
            yield from (k.value for k in kw.value.keys if isinstance(k, ast.Constant))
        elif kw.arg is not None:
            yield kw.arg


def test_no_log_call_passes_a_key_structlog_sets_itself():
    """Every `.info(...)`, `.bind(...)` etc. in the code, read from source, not run."""
    clashes = []
    for package in sorted(init.parent for init in REPO.glob("*/__init__.py")):
        for file in sorted(package.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr in _LOG_METHODS:
                        clashes += [
                            f"{file.relative_to(REPO)}:{node.lineno} {key}"
                            for key in _logged_keys(node)
                            if key in RESERVED
                        ]
    assert clashes == []


async def test_a_complaint_logs_each_step_once_with_its_context_and_never_on_replay(
    complaints: ComplaintClient, lines: Lines
):
    intake = make_intake(
        contact=Contact(email=EMAIL, phone=PHONE),
        description=f"Kettle broke. Call me on {PHONE} or write to {EMAIL}",
    )
    filed = await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    await complaints.withdraw(
        intake.complaint_id, f"reach me at {EMAIL} instead", customer_id=CUSTOMER
    )
    await complaints.result(intake.complaint_id)
    events = await complaints.events(intake.complaint_id)

    ours = [line for line in lines() if line.get("workflow_id") == filed.workflow_id]
    recorded = [line for line in ours if line["event"] == "complaint.recorded"]
    assert [line["step"] for line in recorded] == [e.type for e in events]  # each exactly once
    assert all(line["complaint_id"] == intake.complaint_id for line in recorded)
    assert {line["run_id"] for line in ours} == {filed.run_id}
    delivered = [line for line in ours if line["event"] == "customer_message.delivered"]
    assert delivered[0]["step"] == "acknowledgement"
    assert delivered[0]["activity_id"] == "acknowledgement/1"

    everything = "\n".join(json.dumps(line) for line in lines())
    assert EMAIL not in everything and "123 4567" not in everything

    history = await complaints.temporal.get_workflow_handle(filed.workflow_id).fetch_history()
    before = len(lines())
    replayer = Replayer(
        workflows=[ComplaintWorkflow],
        data_converter=data_converter(),
        workflow_runner=WORKFLOW_RUNNER,
    )
    await replayer.replay_workflow(history)  # also proves the upserts are deterministic
    assert lines()[before:] == []
