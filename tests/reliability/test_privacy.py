"""Privacy: customer data is ciphertext at rest in Temporal, and contacts never reach the logs.

With ``COMPLAINTS_PAYLOAD_KEY`` set, every payload (start argument, updates,
activity inputs and results, query answers) is sealed with AES-256-GCM before it
leaves the process. The proof reads a complaint's raw history with a client that
has no key: no name, email or phone anywhere in its bytes, yet with the key it all
decodes. The logs are read at DEBUG over a whole complaint, including refused
input that carries contact details.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import structlog
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError

from activities.local_backend import LocalBackend
from schemas.complaint import ComplaintResult, workflow_id_for
from schemas.failures import FailureType
from schemas.messages import Outcome
from tests.reliability.paths import BY_NAME, contact_for, policy_store
from tests.reliability.runner import BackendWatch, Tally, advance, follow, play
from tests.reliability.summary import SUMMARY
from wire.codec import EncryptionCodec, key_id
from wire.converter import data_converter
from workers.logging import configure_logging
from workers.worker import build_worker

KEY = bytes(range(32))
NAME = "Mari Tamm"


# ---------------------------------------------------------------- at rest in Temporal


async def test_customer_data_at_rest_in_temporal_is_ciphertext(dev_env, tmp_path) -> None:
    """A whole complaint with the codec; its raw history read without the key."""
    sealed = Client(**{**dev_env.client.config(), "data_converter": data_converter(KEY)})
    keyless = dev_env.client
    backend = LocalBackend(tmp_path / "complaints.db")
    watch = BackendWatch(backend.db_path)
    task_queue = f"sealed-{uuid.uuid4().hex[:8]}"
    complaint_id = f"sealed-{uuid.uuid4().hex[:8]}"
    contact = contact_for(complaint_id)
    path = dataclasses.replace(
        BY_NAME["details_given"],
        intake=BY_NAME["details_given"].intake
        | {"description": f"Kettle broke. Call {contact.phone} or write to {contact.email}"},
    )
    watching = asyncio.create_task(watch.run())
    try:
        async with build_worker(sealed, task_queue, backend, policies=policy_store()):
            result = await play(
                sealed, watch, path, complaint_id, task_queue, date.today(), Tally()
            )
    finally:
        watching.cancel()
    assert isinstance(result, ComplaintResult) and result.outcome is Outcome.RESOLVED_CONFIRMED

    history = await keyless.get_workflow_handle(workflow_id_for(complaint_id)).fetch_history()
    raw = b"".join(event.SerializeToString() for event in history.events)
    for secret in (contact.email, contact.phone, NAME, "Kettle broke"):
        found = secret.encode() in raw
        SUMMARY.contacts_in_history += found
        assert not found, f"{secret!r} is readable in the raw history"
    assert raw.count(key_id(KEY).encode()) >= len(history.events) // 4  # sealed, not absent

    started = history.events[0].workflow_execution_started_event_attributes.input.payloads
    opened = await EncryptionCodec(KEY).decode(list(started))
    assert contact.email in json.loads(opened[0].data)["intake"]["contact"]["email"]
    with pytest.raises(Exception, match="binary/encrypted"):
        await keyless.get_workflow_handle(workflow_id_for(complaint_id)).result()


# ---------------------------------------------------------------- logs


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The worker's own log setup (JSON lines), at DEBUG, into a buffer."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(logging.DEBUG, stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        structlog.reset_defaults()


async def test_contact_details_never_reach_the_logs(live, debug_log, capfd) -> None:
    """A whole complaint at DEBUG, with contacts in free text and in refused input."""
    complaint_id = live.complaint_id("logs")
    contact = contact_for(complaint_id)
    path = dataclasses.replace(
        BY_NAME["details_given"],
        intake=BY_NAME["details_given"].intake
        | {"description": f"Kettle broke. Call {contact.phone} or write to {contact.email}"},
    )
    handle = await live.client.start_workflow(
        "ComplaintWorkflow",
        {"intake": {"complaint_id": complaint_id, "contact": {"email": contact.email}}},
        id=f"malformed-{complaint_id}",
        task_queue=live.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    assert failed.value.cause.message.startswith("invalid ComplaintInput")

    handle = await advance(
        live.client, live.watch, path, complaint_id, live.task_queue, date.today(), live.tally, 0
    )
    for payload in (
        {"note": f"mail me at {contact.email}", "amount": "-1"},
        {"note": f"or call {contact.phone}", "surprise": contact.email},
        {"order_reference": contact.phone, "purchase_date": contact.email},
    ):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update("provide_details", payload)
        assert refused.value.cause.type == FailureType.INVALID_INPUT
    result = await follow(handle, live.watch, path, live.tally)
    assert result.outcome is Outcome.RESOLVED_CONFIRMED

    logs = debug_log.getvalue()
    captured = capfd.readouterr()
    assert f'"workflow_id": "{handle.id}"' in logs  # we did read this complaint's logs
    everything = logs + captured.out + captured.err
    for secret in (contact.email, contact.phone, contact.phone.replace(" ", "")):
        found = secret in everything
        SUMMARY.contacts_in_logs += found
        assert not found, f"{secret!r} appears in the logs"
