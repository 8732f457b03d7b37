"""Bad input is refused with a clear message, before a workflow starts or history is touched.

Three layers, each tried with generated input:

- the edge: intake payloads (arbitrary JSON, and valid intakes broken one field at
  a time) either validate or raise a `ValidationError` naming what is wrong;
- the commands behind every update validator: any action, in any state, is allowed
  or refused with `InvalidAction`, and an allowed one never breaks the handler;
- the live workflow: malformed and out-of-turn updates, in every state a complaint
  waits in, are rejected (history untouched, no workflow task failed), and a
  malformed start fails the workflow at once with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.errors import InvalidAction
from domain.evolve import evolve
from schemas.actions import (
    Appeal,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    StaffResume,
    Withdrawal,
)
from schemas.failures import FailureType
from schemas.intake import ComplaintIntake, CustomerDetails
from schemas.remedies import RemedyKind
from schemas.staff import SignedAssertion
from schemas.state import ComplaintState, Status
from tests.factories import CUSTOMER, make_intake
from tests.reliability.paths import BY_NAME
from tests.reliability.runner import act
from tests.reliability.strategies import (
    EDGE_VALUES,
    actions,
    command,
    json_values,
    states,
)
from tests.reliability.summary import SUMMARY
from tests.signing import Unsigned, manager, operator, specialist
from wire.converter import describe

VALID_INTAKE = make_intake(complaint_id="c-valid").model_dump(mode="json")
FIELDS = list(ComplaintIntake.model_fields)
REQUIRED = [name for name, f in ComplaintIntake.model_fields.items() if f.is_required()]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _refused(family: str, attempt: Any) -> str | None:
    """Run `attempt`; the refusal's clear message, or None when it was accepted."""
    counts = SUMMARY.refusals(family)
    counts.tried += 1
    try:
        attempt()
    except ValidationError as error:
        counts.refused += 1
        details = error.errors(include_input=False, include_url=False)
        assert details and all(d["msg"] for d in details)
        message = describe(error)
        assert message.strip()
        return message
    except InvalidAction as refusal:
        counts.refused += 1
        assert str(refusal).strip()
        return str(refusal)
    return None


# ---------------------------------------------------------------- the edge: intake


@st.composite
def broken_intakes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid intake with one to three things done to it."""
    payload = dict(VALID_INTAKE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        key = draw(st.sampled_from(FIELDS))
        match draw(st.sampled_from(["drop", "replace", "extra", "edge"])):
            case "drop":
                payload.pop(key, None)
            case "replace":
                payload[key] = draw(json_values)
            case "extra":
                payload[
                    draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in FIELDS))
                ] = draw(json_values)
            case "edge":
                payload[key] = draw(st.sampled_from(EDGE_VALUES))
    return payload


@FAST
@given(payload=st.dictionaries(st.text(max_size=15), json_values, max_size=8) | json_values)
def test_arbitrary_json_is_accepted_or_refused_with_a_message(payload: Any) -> None:
    _refused("intake: arbitrary JSON", lambda: ComplaintIntake.model_validate(payload))


@settings(max_examples=500, deadline=None)
@given(payload=broken_intakes())
def test_a_broken_intake_is_refused_with_a_message_naming_the_field(payload: dict) -> None:
    message = _refused(
        "intake: broken valid intakes", lambda: ComplaintIntake.model_validate(payload)
    )
    missing = [name for name in REQUIRED if name not in payload]
    if missing:
        assert message is not None and all(name in message for name in missing), message


@FAST
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
def test_undecodable_bytes_are_refused(raw: bytes | str) -> None:
    _refused("intake: raw bytes", lambda: ComplaintIntake.model_validate_json(raw))


@pytest.mark.parametrize("field", REQUIRED)
def test_a_missing_required_field_is_named(field: str) -> None:
    payload = {k: v for k, v in VALID_INTAKE.items() if k != field}
    message = _refused(
        "intake: broken valid intakes", lambda: ComplaintIntake.model_validate(payload)
    )
    assert message is not None and message.startswith(f"{field}: ")


# ---------------------------------------------------------------- the commands


ALLOWED: dict[type, set[Status]] = {
    CustomerDetails: {Status.AWAITING_DETAILS},
    CustomerChoice: {Status.AWAITING_CHOICE, Status.DECLINED},
    Appeal: {Status.DECLINED},
    FollowUpAnswer: {Status.RESOLVED, Status.AWAITING_CONFIRMATION},
    Withdrawal: {
        Status.AWAITING_DETAILS,
        Status.PAUSED,
        Status.AWAITING_CHOICE,
        Status.DECLINED,
        Status.AWAITING_MANAGER,
        Status.IN_OPERATIONS,
    },
    "resume": {Status.PAUSED},
    "reassign": {Status.IN_OPERATIONS},
    "decide_escalation": {Status.AWAITING_MANAGER},
}
"""Where each action may happen: the lifecycle's rules, restated independently of the commands."""


def _allowed(action: BaseModel) -> set[Status]:
    key = action.assertion.action if isinstance(action, SignedAssertion) else type(action)
    return ALLOWED[key]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state=states(), action=actions)
def test_every_action_in_every_state_is_allowed_or_refused_clearly(
    state: ComplaintState, action: BaseModel
) -> None:
    message = _refused("actions x states (commands)", lambda: command(state, action))
    if message is not None:
        if state.status not in _allowed(action):
            assert f"the complaint is {state.status.value}" in message, message
        return
    assert state.status in _allowed(action), (state.status, action)
    # What the handler then does must not fail either: no input can fail a workflow task.
    after = reduce(evolve, command(state, action), state)
    if isinstance(action, CustomerChoice):
        offered = state.options if state.status is Status.AWAITING_CHOICE else state.alternatives
        assert after.chosen in offered  # the customer picks from the offer, at its price


@settings(max_examples=400, deadline=None)
@given(
    model=st.sampled_from(
        [CustomerDetails, CustomerChoice, Appeal, FollowUpAnswer, Withdrawal, StaffResume]
        + [ManagerDecision, SignedAssertion]
    ),
    payload=st.dictionaries(
        st.sampled_from(
            ["remedy", "reason", "fixed", "comment", "staff_id", "note", "kind", "manager_id"]
            + ["level", "amount", "order_reference", "purchase_date", "receipt_present", "x"]
        ),
        json_values | st.sampled_from(EDGE_VALUES),
        max_size=5,
    ),
)
def test_malformed_action_payloads_are_refused_at_the_edge(model: type, payload: dict) -> None:
    _refused("action payloads (schemas)", lambda: model.model_validate(payload))


# ---------------------------------------------------------------- the live workflow

_DETAILS = {"order_reference": "ORD-1"}
_DECISION = {"kind": "approve", "manager_id": "m-1", "level": 1}
MALFORMED: dict[str, list[Any]] = {
    "provide_details": [
        None,
        {},
        {"amount": "-5"},
        {"amount": "12.345"},
        {"order_reference": "   "},
        {"purchase_date": "2026-02-30"},
        {"note": "x" * 3000},
        {"order_reference": "ORD-1", "surprise": 1},
        "ORD-1",
    ],
    "choose_solution": [
        None,
        {},
        {"remedy": "teleport"},
        {"remedy": "refund", "amount": "1000000"},
        {"remedy": 3},
        "refund",
    ],
    "appeal": [None, {}, {"reason": ""}, {"reason": "no"}, {"reason": "unfair", "level": 3}],
    "answer_follow_up": [None, {}, {"fixed": "maybe"}, {"fixed": True, "kind": "approve"}],
    "withdraw": [None, {"reason": "x" * 3000}, {"reason": 5}, {"why": "bored"}],
    "resume": [None, {}, {"staff_id": "", "note": "calm now"}, {"staff_id": "s-1", "note": ""}],
    "reassign": [None, {}, {"assignee_id": "specialist-1"}, {"assignee_id": "", "note": "x"}],
    "decide_escalation": [
        None,
        {},
        {"kind": "approve"},
        _DECISION | {"manager_id": ""},
        _DECISION | {"kind": "override"},
        _DECISION | {"kind": "deny"},
        _DECISION | {"level": 0},
        _DECISION | {"level": 11},
        _DECISION | {"kind": "yes"},
        _DECISION | {"remedy": {"kind": "refund", "amount": "-1"}},
    ],
}
"""Payloads a typed client could never send (a buggy or hostile caller could)."""

OUT_OF_TURN: dict[str, Any] = {
    "provide_details": CustomerDetails(customer_id=CUSTOMER, order_reference="ORD-1"),
    "choose_solution": CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.STORE_CREDIT),
    "appeal": Appeal(customer_id=CUSTOMER, reason="I was abroad"),
    "answer_follow_up": FollowUpAnswer(customer_id=CUSTOMER, fixed=True),
    "resume": specialist("Calm now"),
    "withdraw": Withdrawal(customer_id=CUSTOMER, reason="Changed my mind"),
    "decide_escalation": manager(DecisionKind.APPROVE, 1),
    "reassign": operator(),
}
"""Well-formed actions; each state below refuses those not allowed in it."""

PARKED = [
    ("details_given", 0, Status.AWAITING_DETAILS),
    ("abusive_paused_then_resumed", 0, Status.PAUSED),
    ("resolved_confirmed", 0, Status.AWAITING_CHOICE),
    ("declined_alternative_taken", 1, Status.DECLINED),
    ("no_receipt_manager_overrides", 1, Status.AWAITING_MANAGER),
    ("resolved_confirmed", 1, Status.RESOLVED),
]


_WORKFLOW_TASK = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
}


async def _history(handle: WorkflowHandle) -> tuple[int, int]:
    """(events in history other than workflow-task bookkeeping, failed workflow tasks).

    Workflow-task events are left out of the count: right after a workflow task that ran
    local activities, the server may keep the (otherwise speculative) task that carried
    the first refused update, as three empty events with no command. A refused update
    never adds anything else: no update, marker, timer, activity or search attribute.
    """
    events = (await handle.fetch_history()).events
    failed = sum(e.HasField("workflow_task_failed_event_attributes") for e in events)
    return sum(e.event_type not in _WORKFLOW_TASK for e in events), failed


async def _rejected(handle: WorkflowHandle, update: str, arg: Any) -> str:
    counts = SUMMARY.refusals("live updates (dev server)")
    counts.tried += 1
    try:
        await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        assert isinstance(cause, ApplicationError), cause
        assert cause.type in (FailureType.INVALID_ACTION, FailureType.INVALID_INPUT), cause.type
        assert cause.message.strip()
        counts.refused += 1
        return cause.message
    raise AssertionError(f"{update}({arg!r}) was accepted")


@pytest.mark.parametrize(("path", "steps", "status"), PARKED, ids=[p[2].value for p in PARKED])
async def test_malformed_and_out_of_turn_updates_never_touch_history(live, path, steps, status):
    handle = await live.park(path, steps)
    before = await _history(handle)
    for update, payloads in MALFORMED.items():
        for payload in payloads:
            message = await _rejected(handle, update, payload)
            assert message.startswith("invalid "), message
    allowed = {
        Status.AWAITING_DETAILS: {"provide_details", "withdraw"},
        Status.PAUSED: {"resume", "withdraw"},
        Status.AWAITING_CHOICE: {"choose_solution", "withdraw"},
        Status.DECLINED: {"choose_solution", "appeal", "withdraw"},
        Status.AWAITING_MANAGER: {"decide_escalation", "withdraw"},
        Status.RESOLVED: {"answer_follow_up"},
    }[status]
    for update, arg in OUT_OF_TURN.items():
        # Out of turn; or in turn but still wrong: a remedy not on offer, an approval
        # of a policy exception (only an override may grant it).
        if update not in allowed or update in ("choose_solution", "decide_escalation"):
            if isinstance(arg, Unsigned):
                arg = arg.signed(handle.id.removeprefix("complaint-"), datetime.now(UTC))
            await _rejected(handle, update, arg)
    after = await _history(handle)
    SUMMARY.input_task_failures += after[1]
    assert after == before, "a refused update changed history"
    assert after[1] == 0, "a workflow task failed"

    # Nothing was damaged: the complaint goes on along its path.
    step = BY_NAME[path].steps[steps]
    await act(handle, steps, step, live.tally)
    assert (await _history(handle))[1] == 0


async def test_a_malformed_start_fails_the_workflow_with_the_reason_not_a_task(live) -> None:
    bad = [
        None,
        {},
        {"intake": {"complaint_id": "x"}},
        {"intake": VALID_INTAKE | {"contact": {"email": "nope"}}},
        {
            "intake": VALID_INTAKE,
            "policy": {"managers": [{"level": 2, "title": "x", "authority_limit": 1}]},
        },
        {"intake": VALID_INTAKE | {"amount": "-3"}, "surprise": True},
    ]
    counts = SUMMARY.refusals("live starts (dev server)")
    for n, payload in enumerate(bad):
        counts.tried += 1
        handle = await live.client.start_workflow(
            "ComplaintWorkflow",
            payload,
            id=f"malformed-{n}-{live.complaint_id('start')}",
            task_queue=live.task_queue,
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()
        cause = failed.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == FailureType.INVALID_INPUT, (
            cause
        )
        assert cause.message.startswith("invalid ComplaintInput: "), cause.message
        task_failures = (await _history(handle))[1]
        SUMMARY.input_task_failures += task_failures
        assert task_failures == 0, "a malformed start failed a workflow task"
        counts.refused += 1
