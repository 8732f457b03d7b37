"""Worker logs: JSON lines with the complaint's Temporal context, no contacts, no replay echoes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
import structlog
from temporalio.worker import Replayer

from schemas.intake import Contact
from schemas.state import Status
from sdk import ComplaintClient
from tests.factories import CUSTOMER, make_intake
from tests.polling import until_status
from wire.connection import data_converter
from workers.logging import configure_logging
from workflows.complaint import ComplaintWorkflow
from workflows.sandbox import WORKFLOW_RUNNER

EMAIL, PHONE = "olga.petrova@example.ru", "+7 900 123 4567"
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
