"""Encryption as a control, against the session's real dev server.

Each test runs its own workers, each configured as a deployment would configure it
(`data_converter_from_env` over an environment of its own), on a task queue and a
ledger of its own, and stops them before it ends:

- with ``COMPLAINTS_REQUIRE_ENCRYPTION=1`` no client or worker starts without a key,
  and a worker refuses plaintext: a plaintext decision is rejected (never in history,
  no money moves), a plaintext start fails at once and does nothing;
- a worker without the key, or with the wrong one (a key retired too early), never
  fails a complaint: its workflow tasks fail, loudly and retryably, and the complaint
  goes on once a worker with the key runs, the action sent meanwhile applied once;
- keys rotate in the middle of a complaint: new payloads carry the new key's id, the
  old key still decrypts the old ones, and once it is retired it is named, not guessed;
- failure messages and stack traces are ciphertext in raw history.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import pytest_asyncio
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.local_backend import LocalBackend
from schemas.complaint import ComplaintInput, workflow_id_for
from schemas.messages import Outcome
from schemas.remedies import RemedyKind
from schemas.state import Status
from sdk.client import ComplaintClient
from tests.polling import eventually
from tests.reliability.paths import BY_NAME, contact_for, policy_store
from tests.reliability.runner import BackendWatch, Tally, act, advance, follow, play, start
from tests.signing import Unsigned
from wire.codec import (
    ENCODING,
    KEY_ENV,
    KEY_ID_HEADER,
    OLD_KEYS_ENV,
    CannotDecrypt,
    EncryptionCodec,
    PayloadKeyError,
    key_id,
)
from wire.connection import connect, connect_config
from wire.converter import data_converter_from_env
from workers.config import Settings
from workers.worker import build_worker, run_worker
from workflows.complaint import ComplaintWorkflow

REQUIRE_ENV = "COMPLAINTS_REQUIRE_ENCRYPTION"  # spelled out: the refusal test also runs on main
KEY, NEW_KEY, OTHER_KEY = bytes(range(32)), bytes(range(64, 96)), bytes(range(1, 33))
REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T", bound=Message)
UNREAD = timedelta(seconds=2)
"""The workflow task timeout of a complaint a worker cannot read: the attempt that worker
still held when it stopped times out after 2 s, not 10, before a worker with the key
gets it."""


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


KEYED = {KEY_ENV: _b64(KEY)}
REQUIRED = KEYED | {REQUIRE_ENV: "1"}
ROTATED = {KEY_ENV: _b64(NEW_KEY), OLD_KEYS_ENV: _b64(KEY)}
RETIRED = {KEY_ENV: _b64(NEW_KEY)}


def client_for(env: WorkflowEnvironment, settings: dict[str, str]) -> Client:
    """A client of the dev server, configured as a process with environment `settings`."""
    converter = data_converter_from_env(settings)
    return Client(**{**env.client.config(), "data_converter": converter})


@dataclass
class Site:
    """A task queue and a ledger of our own on the session's dev server."""

    env: WorkflowEnvironment
    task_queue: str
    backend: LocalBackend
    watch: BackendWatch
    tally: Tally

    def client(self, settings: dict[str, str]) -> Client:
        return client_for(self.env, settings)

    @property
    def plaintext(self) -> Client:
        """A client without the key (the session's)."""
        return self.env.client

    def worker(self, client: Client) -> Worker:
        return build_worker(client, self.task_queue, self.backend, policies=policy_store())

    def complaint_id(self, what: str) -> str:
        return f"{what}-{uuid.uuid4().hex[:8]}"

    async def history(self, workflow_id: str) -> WorkflowHistory:
        """Raw, as the server stores it (fetching decodes nothing)."""
        return await self.plaintext.get_workflow_handle(workflow_id).fetch_history()


@pytest_asyncio.fixture
async def site(dev_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Site]:
    backend = LocalBackend(tmp_path / "complaints.db")
    watch = BackendWatch(backend.db_path)
    watching = asyncio.create_task(watch.run())
    try:
        yield Site(dev_env, f"crypto-{uuid.uuid4().hex[:8]}", backend, watch, Tally())
    finally:
        watching.cancel()
        await backend.aclose()


def found(message: Message, kind: type[T]) -> Iterator[T]:
    """Every `kind` message nested anywhere in `message` (maps and lists included)."""
    if isinstance(message, kind):
        yield message
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            entry = field.message_type.fields_by_name["value"]
            items = list(value.values()) if entry.type == entry.TYPE_MESSAGE else []
        else:
            items = list(value) if field.is_repeated else [value]
        for item in items:
            yield from found(item, kind)


def sealing_key_ids(events) -> set[str]:
    return {
        p.metadata[KEY_ID_HEADER].decode()
        for event in events
        for p in found(event, Payload)
        if p.metadata.get("encoding") == ENCODING
    }


def task_failures(history: WorkflowHistory) -> list[Failure]:
    return [
        e.workflow_task_failed_event_attributes.failure
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]


async def first_task_failure(site: Site, handle: WorkflowHandle) -> Failure:
    """Until the complaint's history holds a failed workflow task."""
    history = await eventually(
        lambda: site.history(handle.id),
        lambda history: bool(task_failures(history)),
        f"a failed workflow task on {handle.id}",
    )
    return task_failures(history)[0]


# ---------------------------------------------------------------- required: no key, no start


async def test_no_client_or_worker_starts_when_encryption_is_required_without_a_key(
    dev_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(OLD_KEYS_ENV, raising=False)
    nowhere = connect_config("127.0.0.1:1")  # refused before any connection is tried
    missing = f"{REQUIRE_ENV} is set but {KEY_ENV} is not"
    with pytest.raises(PayloadKeyError, match=missing):
        await connect(nowhere)
    with pytest.raises(PayloadKeyError, match=missing):
        await ComplaintClient.connect(nowhere)
    with pytest.raises(PayloadKeyError, match=missing):
        Settings.from_env()

    # A worker that requires encryption refuses a client that does not, however it was built.
    required = Settings(require_encryption=True, data_dir=tmp_path)
    for client in (dev_env.client, client_for(dev_env, KEYED)):
        with pytest.raises(PayloadKeyError, match=f"{REQUIRE_ENV} is set"):
            await run_worker(client, required, asyncio.Event())
    assert not (tmp_path / "complaints.db").exists()


@pytest.mark.parametrize(
    ("command", "code"),
    [(("-m", "workers.worker"), 1), (("-m", "cli", "inbox", "--level", "1"), 2)],
    ids=["worker", "cli"],
)
async def test_the_worker_and_cli_processes_refuse_to_start(command: tuple, code: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "COMPLAINTS_"))}
    env |= {"TEMPORAL_ADDRESS": "127.0.0.1:1", REQUIRE_ENV: "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *command, cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(60):
        _, err = await proc.communicate()
    assert proc.returncode == code, err.decode()
    assert f"{REQUIRE_ENV} is set but {KEY_ENV} is not" in err.decode()
    assert "Traceback" not in err.decode()


# ---------------------------------------------------------------- required: plaintext refused


async def test_a_plaintext_decision_is_refused_and_moves_no_money(site: Site) -> None:
    """What was measured on main: a client without the key sent a plaintext override, the
    keyed worker took it, and the refund was carried out."""
    sealed = site.client(REQUIRED)
    path = BY_NAME["no_receipt_manager_overrides"]  # the refund needs a manager's override
    complaint_id = site.complaint_id("plain-decision")
    today = date.today()
    async with site.worker(sealed):
        handle = await advance(
            sealed, site.watch, path, complaint_id, site.task_queue, today, site.tally, 1
        )
        accepted_before = _updates_accepted(await site.history(handle.id))
        override = path.steps[1].arg
        assert isinstance(override, Unsigned)
        # A manager's override, properly signed: only not encrypted.
        decision = override.signed(complaint_id, datetime.now(UTC))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await site.plaintext.get_workflow_handle(handle.id).execute_update(
                "decide_escalation", decision, id="plaintext-decision"
            )
        state = await handle.query(ComplaintWorkflow.state)
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "InvalidInput", cause
    assert "not encrypted" in cause.message and REQUIRE_ENV in cause.message  # read without key
    assert site.backend.remedies(complaint_id) == []
    assert state.status is Status.AWAITING_MANAGER and state.decision is None
    history = await site.history(handle.id)
    assert b"plaintext-decision" not in b"".join(e.SerializeToString() for e in history.events)
    assert _updates_accepted(history) == accepted_before

    # A fresh worker replays the whole sealed history (nothing legitimate is plaintext),
    # and the manager's sealed decision goes through.
    async with site.worker(sealed):
        result = await follow(handle, site.watch, path, site.tally, first=1)
    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    assert [r.kind for r in site.backend.remedies(complaint_id)] == [RemedyKind.REFUND]


def _updates_accepted(history: WorkflowHistory) -> int:
    accepted = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    return sum(e.event_type == accepted for e in history.events)


async def test_a_plaintext_start_fails_at_once_and_does_nothing(site: Site) -> None:
    sealed = site.client(REQUIRED)
    path = BY_NAME["resolved_confirmed"]
    complaint_id = site.complaint_id("plain-start")
    arg = ComplaintInput(
        intake=path.make_intake(complaint_id, date.today()), policy_version=path.policy().version
    )
    async with site.worker(sealed):
        handle = await site.plaintext.start_workflow(
            ComplaintWorkflow.run,
            arg,
            id=workflow_id_for(complaint_id),
            task_queue=site.task_queue,
        )
        with pytest.raises(WorkflowFailureError) as failed:
            async with asyncio.timeout(60):  # on a worker that accepts plaintext it would wait
                await handle.result()
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "InvalidInput", cause
    assert cause.non_retryable and "not encrypted" in cause.message and REQUIRE_ENV in cause.message
    history = await site.history(handle.id)
    done = {EventType.Name(e.event_type) for e in history.events}
    assert not {t for t in done if "ACTIVITY" in t or "MARKER" in t or "TIMER" in t}, done
    assert site.backend.messages(complaint_id) == [] and site.backend.remedies(complaint_id) == []


# ---------------------------------------------------------------- missing keys: retried, not failed


async def test_a_worker_without_the_key_never_fails_a_complaint(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    """A complaint filed encrypted while the only worker has no key: its workflow tasks
    fail (retried), it never fails; a keyed worker then carries it to its end."""
    sealed = site.client(KEYED)
    keyless = site.client({})
    path = BY_NAME["resolved_confirmed"]
    complaint_id = site.complaint_id("keyless")
    with caplog.at_level(logging.ERROR, logger="wire.codec"):
        async with site.worker(keyless):
            handle = await start(
                sealed, path, complaint_id, site.task_queue, date.today(), site.tally, UNREAD
            )
            failure = await first_task_failure(site, handle)
    assert failure.message.startswith("cannot decrypt"), failure  # readable in the UI
    assert key_id(KEY) in failure.message and f"{KEY_ENV} is not set" in failure.message
    assert any(key_id(KEY) in r.getMessage() for r in caplog.records if r.name == "wire.codec")
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    assert site.backend.messages(complaint_id) == []

    async with site.worker(sealed):
        result = await follow(handle, site.watch, path, site.tally)
    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    assert [r.kind for r in site.backend.remedies(complaint_id)] == [RemedyKind.REPLACEMENT]


async def test_a_key_retired_too_early_stalls_a_complaint_until_it_is_back(site: Site) -> None:
    """Mid-complaint, a worker with the wrong key (the old one retired too early): the
    customer's details sent meanwhile wait, the complaint does not fail; with the old
    key back among the old keys, the details are applied once and it goes on."""
    first, rotated, retired = site.client(KEYED), site.client(ROTATED), site.client(RETIRED)
    path = BY_NAME["details_given"]
    complaint_id = site.complaint_id("retired")
    async with site.worker(first):
        handle = await advance(
            first, site.watch, path, complaint_id, site.task_queue, date.today(), site.tally, 0,
            task_timeout=UNREAD,
        )  # fmt: skip
    customer = rotated.get_workflow_handle_for(ComplaintWorkflow.run, handle.id)
    async with site.worker(retired):
        details = asyncio.create_task(act(customer, 0, path.steps[0], site.tally))
        try:
            failure = await first_task_failure(site, handle)
            assert not details.done()  # no worker here can read the complaint to apply them
        except BaseException:
            details.cancel()
            raise
    assert failure.message.startswith("cannot decrypt"), failure
    assert key_id(KEY) in failure.message and "not configured" in failure.message
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING

    async with site.worker(rotated):
        await details
        result = await follow(customer, site.watch, path, site.tally, first=1)
        events = await customer.query(ComplaintWorkflow.events)
    assert result.outcome is Outcome.RESOLVED_CONFIRMED
    assert [e.type for e in events].count("DetailsProvided") == 1
    assert [r.kind for r in site.backend.remedies(complaint_id)] == [RemedyKind.REFUND]


# ---------------------------------------------------------------- rotation


async def test_keys_rotate_in_the_middle_of_a_complaint(site: Site) -> None:
    first, rotated = site.client(KEYED), site.client(ROTATED)
    path = BY_NAME["details_given"]
    complaint_id = site.complaint_id("rotation")
    async with site.worker(first):
        handle = await advance(
            first, site.watch, path, complaint_id, site.task_queue, date.today(), site.tally, 0
        )
    rotated_at = len((await site.history(handle.id)).events)
    async with site.worker(rotated):  # every process now: the new key current, the old one old
        again = rotated.get_workflow_handle_for(ComplaintWorkflow.run, handle.id)
        result = await follow(again, site.watch, path, site.tally)
    assert result.outcome is Outcome.RESOLVED_CONFIRMED

    history = await site.history(handle.id)
    assert sealing_key_ids(history.events[:rotated_at]) == {key_id(KEY)}
    assert sealing_key_ids(history.events[rotated_at:]) == {key_id(NEW_KEY)}  # new payloads

    # The old key retired: the new key alone still reads what it sealed, and names the
    # retired key for what it cannot.
    retired = EncryptionCodec(NEW_KEY)
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads
    with pytest.raises(CannotDecrypt, match=key_id(KEY)):
        await retired.decode(list(started))
    closed = history.events[-1].workflow_execution_completed_event_attributes.result.payloads
    [opened] = await retired.decode(list(closed))
    assert b"resolved_confirmed" in opened.data


# ---------------------------------------------------------------- failures at rest


def _without_visibility(event: HistoryEvent) -> bytes:
    """The event without the search attributes it sets: visibility's values are in clear by
    design (the order reference is `OrderReference`, as the customer id is `CustomerId`:
    docs/security.md), so only the payloads are checked."""
    if event.HasField("upsert_workflow_search_attributes_event_attributes"):
        return b""
    copy = HistoryEvent()
    copy.CopyFrom(event)
    if copy.HasField("workflow_execution_started_event_attributes"):
        copy.workflow_execution_started_event_attributes.ClearField("search_attributes")
    return copy.SerializeToString()


async def test_failure_messages_are_not_readable_in_raw_history(site: Site) -> None:
    """A refused remedy ("order UNKNOWN-7 not found") and a refused start: each failure in
    history reads "Encoded failure", without a stack trace; the key holder reads both."""
    sealed = site.client(KEYED)
    path = BY_NAME["remedy_refused_manager_denies"]
    refused_id = site.complaint_id("refused-remedy")
    malformed_id = site.complaint_id("malformed")
    contact = contact_for(malformed_id)
    async with site.worker(sealed):
        result = await play(
            sealed, site.watch, path, refused_id, site.task_queue, date.today(), site.tally
        )
        malformed = await sealed.start_workflow(
            "ComplaintWorkflow",
            {"intake": {"complaint_id": malformed_id, "contact": {"email": contact.email}}},
            id=workflow_id_for(malformed_id),
            task_queue=site.task_queue,
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await malformed.result()
    assert result.outcome is Outcome.DECLINED
    assert failed.value.cause.message.startswith("invalid ComplaintInput: intake.")

    for workflow_id, secrets in (
        (workflow_id_for(refused_id), (b"not found", b"UNKNOWN-7")),
        (workflow_id_for(malformed_id), (b"invalid ComplaintInput", b"Field required")),
    ):
        history = await site.history(workflow_id)
        failures = [f for event in history.events for f in found(event, Failure)]
        assert failures, f"{workflow_id}: no failure to check"
        for failure in failures:
            assert (failure.message, failure.stack_trace) == ("Encoded failure", ""), failure
            assert failure.encoded_attributes.metadata["encoding"] == ENCODING
        raw = b"".join(_without_visibility(event) for event in history.events)
        for secret in (*secrets, b"Traceback", b'File "'):
            assert secret not in raw, f"{secret!r} readable in the raw history of {workflow_id}"
