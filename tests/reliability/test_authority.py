"""Authority and identity: who may grant what.

A manager acts only if the staff directory lists them for the escalation's level or above,
with a valid signature, and only within their authority limit; a policy exception needs an
override, and a money remedy of 0 is no remedy.
A customer's action can never approve a remedy: the customer updates cannot carry
a decision, they only pick from what is on offer, at its price, and a customer
cannot act while a manager decides. Checked on the pure command for every
combination hypothesis finds, and on the live workflow.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from devtools.demo_staff import demo_key
from domain import commands
from domain.errors import InvalidAction
from domain.evolve import evolve
from domain.signatures import sign
from schemas.actions import (
    Appeal,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    Withdrawal,
)
from schemas.intake import CustomerDetails
from schemas.policy import CompanyPolicy
from schemas.remedies import MONEY_REMEDIES, Remedy, RemedyKind
from schemas.staff import SignedAssertion, StaffRole
from schemas.state import ComplaintState, Status
from sdk.signing import assertion
from tests import builders
from tests.factories import CUSTOMER, make_intake
from tests.reliability.paths import msg
from tests.reliability.strategies import actions, command, decisions, remedies, states
from tests.reliability.summary import SUMMARY
from tests.signing import DIRECTORY, Unsigned, manager
from workflows.complaint import ComplaintWorkflow

POLICY = CompanyPolicy()
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
CUSTOMER_ACTIONS = (CustomerChoice, Appeal, FollowUpAnswer, Withdrawal, CustomerDetails)


PURCHASE = Decimal("20000.00")
"""Large enough that the purchase rarely caps a grant: this test is about authority."""
STAFF = [m.staff_id for m in DIRECTORY.members] + ["nobody"]


def _escalated(level: int, requested: Remedy | None, policy_exception: bool) -> ComplaintState:
    intake = make_intake(complaint_id="c-authority", amount=PURCHASE)
    return builders.escalated(
        intake, NOW, level=level, requested=requested, policy_exception=policy_exception
    )


@settings(max_examples=1500, deadline=None)
@given(
    level=st.integers(min_value=1, max_value=POLICY.top_level),
    requested=st.none() | remedies,
    policy_exception=st.booleans(),
    decision=decisions(),
    by=st.sampled_from(STAFF),
)
def test_a_manager_acts_at_their_level_within_their_limit(
    level: int,
    requested: Remedy | None,
    policy_exception: bool,
    decision: ManagerDecision,
    by: str,
) -> None:
    """Who the directory says you are decides what you may do, whatever the payload holds."""
    state = _escalated(level, requested, policy_exception)
    key = demo_key(by) if by != "nobody" else Ed25519PrivateKey.generate()
    signed = sign(assertion("c-authority", by, decision=decision, now=NOW), key)
    counts = SUMMARY.refusals("manager decisions (authority)")
    counts.tried += 1
    try:
        commands.decide_escalation(state, signed, POLICY, NOW)
        accepted = True
    except InvalidAction as refusal:
        counts.refused += 1
        assert str(refusal).strip()
        accepted = False

    member = DIRECTORY.member(by)
    granted = None if decision.kind is DecisionKind.DENY else (decision.remedy or requested)
    is_manager = member is not None and member.role is StaffRole.MANAGER
    may = (
        is_manager
        and member.level >= level
        and (
            decision.kind is DecisionKind.DENY
            or (
                granted is not None
                and not (decision.kind is DecisionKind.APPROVE and policy_exception)
                and not (granted.kind in MONEY_REMEDIES and granted.amount == 0)
                and granted.amount
                <= min(member.authority_limit, POLICY.manager(member.level).authority_limit)
            )
        )
    )
    assert accepted == may, (level, requested, policy_exception, decision, by)


@settings(max_examples=1000, deadline=None)
@given(state=states(), action=actions)
def test_no_customer_action_can_decide_or_price_a_remedy(state: ComplaintState, action: Any):
    if isinstance(action, SignedAssertion):
        return  # staff, not a customer
    try:
        events = command(state, action)
    except InvalidAction:
        return
    after = reduce(evolve, events, state)
    assert "ManagerDecided" not in [e.type for e in events]
    assert after.decision == state.decision  # a customer never makes or changes a decision
    assert after.remedies_executed == state.remedies_executed
    if isinstance(action, CustomerChoice):
        offered = state.options if state.status is Status.AWAITING_CHOICE else state.alternatives
        assert after.chosen in offered  # picked from the offer, at the offered price


VALID_CUSTOMER_PAYLOADS = {
    CustomerChoice: {"customer_id": "cust-1", "remedy": "refund"},
    Appeal: {"customer_id": "cust-1", "reason": "I was abroad"},
    FollowUpAnswer: {"customer_id": "cust-1", "fixed": True},
    Withdrawal: {"customer_id": "cust-1"},
    CustomerDetails: {"customer_id": "cust-1", "order_reference": "ORD-1"},
}
DECISION_FIELDS = [
    {"kind": "approve"},
    {"manager_id": "store-manager"},
    {"level": 3},
    {"amount": "1000000.00"},
    {"remedy": {"kind": "refund", "amount": "1000000.00"}},
    {"decision": {"kind": "override", "manager_id": "me", "level": 3}},
]


SMUGGLING = [
    pytest.param(model, smuggled, id=f"{model.__name__}-{next(iter(smuggled))}")
    for model in CUSTOMER_ACTIONS
    for smuggled in DECISION_FIELDS
    # CustomerChoice.remedy (a kind) and CustomerDetails.amount (a fact) are their own fields.
    if not set(smuggled) <= set(model.model_fields)
]


@pytest.mark.parametrize(("model", "smuggled"), SMUGGLING)
def test_a_customer_action_cannot_carry_a_decision(model: type, smuggled: dict) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        model.model_validate(VALID_CUSTOMER_PAYLOADS[model] | smuggled)


def test_a_decision_cannot_name_its_own_manager_or_level() -> None:
    """Who decides and at which level comes from the signature and the directory only."""
    for smuggled in ({"manager_id": "manager-3"}, {"level": 3}):
        with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
            ManagerDecision.model_validate({"kind": "deny", "reason": "No"} | smuggled)


# ---------------------------------------------------------------- the live workflow


async def _refused(handle: WorkflowHandle, update: str, arg: Any) -> str:
    counts = SUMMARY.refusals("live authority checks")
    counts.tried += 1
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(update, arg)
    counts.refused += 1
    return failure.value.cause.message


def _decision(
    handle: WorkflowHandle,
    kind: DecisionKind,
    level: int,
    remedy: Remedy | None = None,
    reason=None,
    by: str | None = None,
):
    unsigned = manager(kind, level, remedy, reason)
    if by is not None:
        unsigned = Unsigned(by, decision=unsigned.decision)
    return unsigned.signed(handle.id.removeprefix("complaint-"), datetime.now(UTC))


async def _event_types(handle: WorkflowHandle) -> list[str]:
    return [e.type for e in await handle.query(ComplaintWorkflow.events)]


async def test_a_manager_over_their_limit_is_refused_and_a_higher_level_may_grant(live):
    # 900.00 refund: beyond the agent (100), beyond a shift manager (500).
    handle = await live.park("beyond_authority_manager_counters", 1)
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("900"))
    message = await _refused(
        handle, "decide_escalation", _decision(handle, DecisionKind.APPROVE, 1)
    )
    assert "above your authority limit of 500" in message
    message = await _refused(
        handle,
        "decide_escalation",
        _decision(handle, DecisionKind.OVERRIDE, 1, refund, "Loyal customer"),
    )
    assert "above your authority limit of 500" in message
    assert "ManagerDecided" not in await _event_types(handle)

    await handle.execute_update("decide_escalation", _decision(handle, DecisionKind.APPROVE, 2))
    await live.watch.seen(handle.id.removeprefix("complaint-"), msg("resolution"))
    [ledger] = live.backend.remedies(handle.id.removeprefix("complaint-"))
    assert (ledger.kind, ledger.amount, ledger.authorised_by) == (
        RemedyKind.REFUND,
        Decimal("900.00"),
        "manager-2",
    )
    await handle.terminate(reason="test finished")


async def test_a_manager_below_the_escalation_level_cannot_act(live):
    # The shift manager stayed silent: the escalation moved to the store manager (level 2).
    handle = await live.park("silent_manager_next_level_approves", 1)
    for kind, remedy, reason in (
        (DecisionKind.APPROVE, None, None),
        (DecisionKind.DENY, None, "Not a defect"),
        (DecisionKind.COUNTER, Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("10")), "Less"),
    ):
        message = await _refused(
            handle, "decide_escalation", _decision(handle, kind, 1, remedy, reason)
        )
        assert "not among the managers who may decide at level 2" in message, message
    message = await _refused(
        handle, "decide_escalation", _decision(handle, DecisionKind.APPROVE, 1, by="nobody")
    )
    assert "nobody is not among the managers" in message
    assert "ManagerDecided" not in await _event_types(handle)
    await handle.execute_update("decide_escalation", _decision(handle, DecisionKind.APPROVE, 2))
    assert (await _event_types(handle)).count("ManagerDecided") == 1
    await handle.terminate(reason="test finished")


async def test_a_customer_cannot_approve_while_a_manager_decides(live):
    # No receipt: only a manager's override may grant the refund.
    handle = await live.park("no_receipt_manager_overrides", 1)
    complaint_id = handle.id.removeprefix("complaint-")
    before = await _event_types(handle)
    attempts: list[tuple[str, Any]] = [
        ("choose_solution", CustomerChoice(customer_id=CUSTOMER, remedy=RemedyKind.REFUND)),
        ("choose_solution", {"customer_id": CUSTOMER, "remedy": "refund", "kind": "approve"}),
        ("answer_follow_up", FollowUpAnswer(customer_id=CUSTOMER, fixed=True)),
        ("answer_follow_up", {"fixed": True, "decision": {"kind": "approve"}}),
        ("appeal", Appeal(customer_id=CUSTOMER, reason="Just approve it")),
        ("provide_details", {"customer_id": CUSTOMER, "receipt_present": True, "level": 3}),
    ]
    for update, arg in attempts:
        await _refused(handle, update, arg)
    assert await _event_types(handle) == before
    assert live.backend.remedies(complaint_id) == []

    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90"))
    await handle.execute_update(
        "decide_escalation", _decision(handle, DecisionKind.OVERRIDE, 1, refund, "Card statement")
    )
    await live.watch.seen(complaint_id, msg("resolution"))
    [ledger] = live.backend.remedies(complaint_id)
    assert ledger.authorised_by == "manager-1"
    assert (await _event_types(handle)).count("ManagerDecided") == 1
    await handle.terminate(reason="test finished")
