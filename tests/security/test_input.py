"""Hostile input: oversize text, control and bidi characters, purchase dates in the future,
and raw payloads that bypass the SDK. Each is refused with the field named: through the SDK
before anything is sent, past it by the workflow's converter or command, so nothing starts,
no history changes and no customer is sent a message."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from temporalio.client import WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from devtools.demo_staff import demo_key
from domain.signatures import sign
from schemas.actions import DecisionKind, ManagerDecision
from schemas.complaint import workflow_id_for
from schemas.events import EscalationReason
from schemas.failures import FailureType
from schemas.intake import CustomerDetails
from schemas.remedies import RemedyKind
from schemas.state import Status
from sdk import ComplaintClient
from sdk.signing import assertion
from tests.conftest import DevWorker
from tests.factories import CUSTOMER, make_intake
from tests.polling import DEADLINE_S, until_status
from wire.converter import describe

TOMORROW = datetime.now(UTC).date() + timedelta(days=1)
HOSTILE = {"NUL": "\x00", "ESC": "\x1b[2J", "RLO": "\u202e", "LF": "\n", "CR": "\r"}
"""What was rendered verbatim into customer messages: a NUL, a terminal escape, a
right-to-left override; and line breaks, which forge lines in single-line fields."""
FREE_TEXT_HOSTILE = {k: v for k, v in HOSTILE.items() if k not in ("LF",)}
"""Free text keeps its newlines (a CRLF is a newline), not a lone carriage return."""


def _cid() -> str:
    return f"sec-{uuid.uuid4().hex[:12]}"


async def _not_started(complaints: ComplaintClient, complaint_id: str) -> None:
    handle = complaints.temporal.get_workflow_handle(workflow_id_for(complaint_id))
    with pytest.raises(RPCError) as missing:
        await handle.describe()
    assert missing.value.status is RPCStatusCode.NOT_FOUND


async def _refused_raw(handle: WorkflowHandle, update: str, payload: Any) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(update, payload)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


def _raw_intake(complaint_id: str, **changes: Any) -> dict[str, Any]:
    return make_intake(complaint_id=complaint_id).model_dump(mode="json") | changes


# ---------------------------------------------------------------- filing through the SDK


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("description", "x" * 3_000_000, 5000),  # was a bare RPCError: the server's blob limit
        ("description", "x" * 5001, 5000),
        ("customer_id", "c" * 5000, 128),
        ("customer_name", "n" * 201, 200),
        ("order_reference", "o" * 129, 128),
        ("employee_reference", "e" * 129, 128),
    ],
    ids=lambda v: str(len(v)) if isinstance(v, str) and len(v) > 100 else str(v),
)
async def test_oversize_text_is_refused_naming_the_field_and_nothing_starts(
    complaints: ComplaintClient, field: str, value: str, limit: int
):
    cid = _cid()
    with pytest.raises(ValidationError) as refused:
        await complaints.file_complaint(make_intake(complaint_id=cid, **{field: value}))
    assert describe(refused.value) == f"{field}: String should have at most {limit} characters"
    await _not_started(complaints, cid)


async def test_an_oversize_email_is_refused_too(complaints: ComplaintClient):
    cid = _cid()
    with pytest.raises(ValidationError) as refused:
        await complaints.file_complaint(
            make_intake(complaint_id=cid, contact={"email": "m" * 250 + "@example.ee"})
        )
    assert describe(refused.value) == "contact.email: String should have at most 254 characters"
    await _not_started(complaints, cid)


@pytest.mark.parametrize("char", HOSTILE, ids=list(HOSTILE))
@pytest.mark.parametrize("field", ["customer_name", "customer_id", "order_reference"])
async def test_control_and_bidi_characters_in_a_name_or_id_are_refused(
    complaints: ComplaintClient, field: str, char: str
):
    cid = _cid()
    with pytest.raises(ValidationError) as refused:
        await complaints.file_complaint(
            make_intake(complaint_id=cid, **{field: f"Mari{HOSTILE[char]}Tamm"})
        )
    message = describe(refused.value)
    assert message.startswith(f"{field}: must "), message
    assert f"U+{ord(HOSTILE[char][0]):04X}" in message, message
    await _not_started(complaints, cid)


@pytest.mark.parametrize("char", FREE_TEXT_HOSTILE, ids=list(FREE_TEXT_HOSTILE))
async def test_control_and_bidi_characters_in_a_description_are_refused(
    complaints: ComplaintClient, char: str
):
    cid = _cid()
    description = f"The kettle {FREE_TEXT_HOSTILE[char]}stopped heating"
    with pytest.raises(ValidationError) as refused:
        await complaints.file_complaint(make_intake(complaint_id=cid, description=description))
    assert describe(refused.value).startswith("description: must not contain "), refused.value
    await _not_started(complaints, cid)


async def test_a_purchase_date_in_the_future_is_refused_before_filing(
    complaints: ComplaintClient,
):
    cid = _cid()
    with pytest.raises(ValidationError) as refused:
        await complaints.file_complaint(make_intake(complaint_id=cid, purchase_date=TOMORROW))
    assert describe(refused.value).startswith(
        f"purchase_date: Value error, the purchase date {TOMORROW} is in the future"
    )
    await _not_started(complaints, cid)


# ---------------------------------------------------------------- raw starts, past the SDK


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer_id": "c" * 5000}, "customer_id"),  # was terminated by the server
        ({"customer_name": "Mari\x00Tamm"}, "customer_name"),
        ({"customer_name": "Mari\x1b[31mTamm"}, "customer_name"),
        ({"customer_name": "Mari \u202eTamm"}, "customer_name"),
        ({"description": "x" * 6000}, "description"),
        ({"contact": {"email": "mari\x00@example.ee"}}, "contact.email"),
    ],
    ids=["long customer id", "NUL name", "ESC name", "RLO name", "long description", "email"],
)
async def test_a_raw_start_with_hostile_text_fails_at_once_naming_the_field(
    complaints: ComplaintClient, dev_worker: DevWorker, changes: dict, field: str
):
    cid = _cid()
    handle = await complaints.temporal.start_workflow(
        "ComplaintWorkflow",
        {"intake": _raw_intake(cid, **changes)},
        id=workflow_id_for(cid),
        task_queue=dev_worker.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await asyncio.wait_for(handle.result(), DEADLINE_S)  # a refused start ends at once
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError), cause
    assert cause.type == FailureType.INVALID_INPUT
    assert cause.message.startswith(f"invalid ComplaintInput: intake.{field}: "), cause.message
    assert dev_worker.backend.messages(cid) == []  # no customer was told anything
    assert dev_worker.backend.pages(cid) == []


async def test_a_raw_start_with_a_future_purchase_date_is_never_granted_as_in_the_window(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    cid = _cid()
    await complaints.temporal.start_workflow(
        "ComplaintWorkflow",
        {"intake": _raw_intake(cid, purchase_date=(TOMORROW + timedelta(days=30)).isoformat())},
        id=workflow_id_for(cid),
        task_queue=dev_worker.task_queue,
    )
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=CUSTOMER)
    state = await until_status(complaints, cid, Status.AWAITING_MANAGER)
    assert state.escalation is not None
    assert state.escalation.reason is EscalationReason.MISSING_DETAILS
    assert dev_worker.backend.remedies(cid) == []
    await complaints.withdraw(cid, customer_id=CUSTOMER)


# ---------------------------------------------------------------- actions and raw updates

_me = {"customer_id": CUSTOMER}
_SIGNED = sign(
    assertion("c-any", "manager-1", decision=ManagerDecision(kind=DecisionKind.APPROVE)),
    demo_key("manager-1"),
).model_dump(mode="json")
_SIGNED_AS_NEWLINE = _SIGNED | {"assertion": _SIGNED["assertion"] | {"staff_id": "m\n1"}}


@pytest.fixture
async def asking(complaints: ComplaintClient):
    """A complaint waiting for its order reference and purchase date."""
    intake = make_intake(complaint_id=_cid(), order_reference=None, purchase_date=None)
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_DETAILS)
    yield intake.complaint_id
    await complaints.withdraw(intake.complaint_id, customer_id=CUSTOMER)


async def test_hostile_actions_are_refused_by_the_sdk_before_sending(
    complaints: ComplaintClient, asking: str
):
    before = await complaints.events(asking)
    attempts = {
        "order_reference": lambda: complaints.provide_details(
            asking, CustomerDetails(customer_id=CUSTOMER, order_reference="ORD\x1b[2J")
        ),
        "note": lambda: complaints.provide_details(
            asking,
            CustomerDetails(customer_id=CUSTOMER, order_reference="ORD-1", note="call me\x00"),
        ),
        "purchase_date": lambda: complaints.provide_details(
            asking, CustomerDetails(customer_id=CUSTOMER, purchase_date=TOMORROW)
        ),
        "reason": lambda: complaints.withdraw(asking, "x" * 2001, customer_id=CUSTOMER),
        "comment": lambda: complaints.answer_follow_up(
            asking, comment="fixed \u2066ok", customer_id=CUSTOMER
        ),
        "staff_id": lambda: complaints.decide_escalation(
            asking,
            sign(
                assertion(asking, "ana\u202e", decision=ManagerDecision(kind=DecisionKind.APPROVE)),
                demo_key("manager-1"),
            ),
        ),
    }
    for field, attempt in attempts.items():
        with pytest.raises(ValidationError) as refused:
            await attempt()
        assert describe(refused.value).startswith(f"{field}: "), describe(refused.value)
    assert await complaints.events(asking) == before


@pytest.mark.parametrize(
    ("update", "payload", "field"),
    [
        ("provide_details", _me | {"order_reference": "ORD\x1b[2J"}, "order_reference"),
        ("provide_details", _me | {"order_reference": "o" * 5000}, "order_reference"),
        ("provide_details", _me | {"order_reference": "ORD-1", "note": "\u202eeton"}, "note"),
        ("provide_details", _me | {"order_reference": "ORD-1", "note": "n" * 2001}, "note"),
        ("withdraw", _me | {"reason": "bye\x00"}, "reason"),
        ("appeal", _me | {"reason": "x" * 3_000}, "reason"),
        ("decide_escalation", _SIGNED_AS_NEWLINE, "assertion.staff_id"),
    ],
    ids=["ESC ref", "long ref", "RLO note", "long note", "NUL reason", "long appeal", "LF id"],
)
async def test_a_raw_update_with_hostile_text_is_refused_naming_the_field(
    complaints: ComplaintClient, asking: str, update: str, payload: dict, field: str
):
    handle = complaints.temporal.get_workflow_handle(workflow_id_for(asking))
    before = await complaints.events(asking)
    cause = await _refused_raw(handle, update, payload)
    assert cause.type == FailureType.INVALID_INPUT
    assert cause.message.split(": ", 1)[1].startswith(f"{field}: "), cause.message
    assert await complaints.events(asking) == before


async def test_a_raw_update_with_a_future_purchase_date_is_refused_by_the_workflow(
    complaints: ComplaintClient, asking: str
):
    handle = complaints.temporal.get_workflow_handle(workflow_id_for(asking))
    before = await complaints.events(asking)
    cause = await _refused_raw(
        handle,
        "provide_details",
        _me | {"order_reference": "ORD-1", "purchase_date": str(TOMORROW)},
    )
    assert cause.type == FailureType.INVALID_ACTION
    assert cause.message.startswith(f"the purchase date {TOMORROW} is in the future"), cause
    assert await complaints.events(asking) == before
    assert (await complaints.state(asking)).status is Status.AWAITING_DETAILS
