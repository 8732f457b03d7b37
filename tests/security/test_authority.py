"""Attacks on authority and on customer actions, against the real dev server and worker.

Each is refused with a clear message, leaves the complaint's history as it was and puts
nothing in the ledger. On main before the trust work every one of them was accepted: the
decision's manager id and level were whatever the caller wrote, no signature existed, and
customer actions needed only the complaint id.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from temporalio.client import WorkflowUpdateFailedError

from devtools.demo_staff import demo_key
from domain.signatures import sign
from schemas.actions import DecisionKind, ManagerDecision
from schemas.intake import Category, ComplaintIntake, CustomerDetails, DetailField
from schemas.remedies import Remedy, RemedyKind
from schemas.staff import Reassignment, SignedAssertion
from schemas.state import Status
from sdk import ComplaintClient, InvalidAction
from sdk.signing import assertion
from tests.builders import QUICK_QUEUE
from tests.factories import CUSTOMER, make_intake
from tests.polling import until_status

REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1500.00"))


def signed(
    complaint_id: str,
    by: str,
    decision: ManagerDecision,
    key: Ed25519PrivateKey | None = None,
    valid_for: timedelta = timedelta(minutes=5),
) -> SignedAssertion:
    claim = assertion(complaint_id, by, decision=decision, valid_for=valid_for)
    return sign(claim, key or demo_key(by))


async def refused(complaints: ComplaintClient, complaint_id: str, act: Any) -> str:
    """Run one attack: refused, history untouched, nothing in the ledger."""
    before = await complaints.events(complaint_id)
    with pytest.raises(InvalidAction) as refusal:
        await act
    assert await complaints.events(complaint_id) == before
    return refusal.value.message


async def escalated(complaints: ComplaintClient, **intake: Any) -> ComplaintIntake:
    """A refund the agent may not grant (1,500.00 on a 1,500.00 purchase), at a manager."""
    filed = make_intake(amount=Decimal("1500.00"), **intake)
    await complaints.file_complaint(filed)
    await until_status(complaints, filed.complaint_id, Status.AWAITING_CHOICE)
    await complaints.choose_solution(filed.complaint_id, RemedyKind.REFUND, customer_id=CUSTOMER)
    await until_status(complaints, filed.complaint_id, Status.AWAITING_MANAGER)
    return filed


async def test_forged_stale_and_mismatched_decisions_are_refused(complaints, dev_worker):
    filed = await escalated(complaints)
    cid = filed.complaint_id
    approve = ManagerDecision(kind=DecisionKind.APPROVE)
    good = signed(cid, "manager-2", approve)
    tampered = good.model_copy(
        update={
            "assertion": good.assertion.model_copy(
                update={
                    "decision": ManagerDecision(
                        kind=DecisionKind.OVERRIDE,
                        remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("1600")),
                        reason="a little more",
                    )
                }
            )
        }
    )
    attacks = {
        "the signature is not manager-2's": [
            signed(cid, "manager-2", approve, key=Ed25519PrivateKey.generate()),
            signed(cid, "manager-2", approve, key=demo_key("manager-3")),
            tampered,
        ],
        "expired": [signed(cid, "manager-2", approve, valid_for=timedelta(seconds=-5))],
        "valid for longer than": [signed(cid, "manager-2", approve, valid_for=timedelta(days=7))],
        "signed for complaint": [signed("someone-elses-complaint", "manager-2", approve)],
        "nobody is not among the managers": [
            signed(cid, "nobody", approve, key=Ed25519PrivateKey.generate())
        ],
        "specialist-1 is not among the managers": [signed(cid, "specialist-1", approve)],
    }
    for expected, forgeries in attacks.items():
        for forgery in forgeries:
            message = await refused(complaints, cid, complaints.decide_escalation(cid, forgery))
            assert expected in message, (expected, message)
    assert dev_worker.backend.remedies(cid) == []
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def test_an_unsigned_decision_or_a_self_declared_level_is_refused(complaints, dev_worker):
    filed = await escalated(complaints)
    cid = filed.complaint_id
    handle = complaints.temporal.get_workflow_handle(f"complaint-{cid}")
    before = await complaints.events(cid)

    unsigned = [
        {"kind": "approve", "manager_id": "manager-3", "level": 3},
        {"assertion": signed(cid, "manager-1", ManagerDecision(kind=DecisionKind.APPROVE))
         .assertion.model_dump(mode="json") | {"level": 3}, "signature": "x" * 86},
    ]  # fmt: skip
    for payload in unsigned:
        with pytest.raises(WorkflowUpdateFailedError) as refusal:
            await handle.execute_update("decide_escalation", payload)
        assert refusal.value.cause.message.startswith("invalid SignedAssertion")
    assert await complaints.events(cid) == before
    assert dev_worker.backend.remedies(cid) == []
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def test_a_large_grant_needs_two_different_managers_and_no_replay(complaints, dev_worker):
    filed = await escalated(complaints)
    cid = filed.complaint_id
    approve = ManagerDecision(kind=DecisionKind.APPROVE)
    first = signed(cid, "manager-2", approve)
    await complaints.decide_escalation(cid, first)
    state = await complaints.state(cid)
    assert state.status is Status.AWAITING_MANAGER and state.decision is None

    message = await refused(complaints, cid, complaints.decide_escalation(cid, first))
    assert "already used" in message
    again = signed(cid, "manager-2", approve)
    message = await refused(complaints, cid, complaints.decide_escalation(cid, again))
    assert "a second, different manager must confirm" in message
    assert dev_worker.backend.remedies(cid) == []

    await complaints.decide_escalation(cid, signed(cid, "manager-2b", approve))
    await until_status(complaints, cid, Status.RESOLVED)
    [ledger] = dev_worker.backend.remedies(cid)
    assert (ledger.amount, ledger.authorised_by) == (Decimal("1500.00"), "manager-2b")
    events = await complaints.events(cid)
    assert [e.decider_id for e in events if e.type == "ManagerDecided"] == [
        "manager-2",
        "manager-2b",
    ]


@pytest.mark.parametrize("who", ["employee_reference", "customer_id"])
async def test_nobody_decides_a_complaint_about_themselves(complaints, dev_worker, who):
    intake = make_intake(
        category=Category.RUDE_EMPLOYEE,
        description="The shift manager was rude to me at the till",
        amount=None,
        order_reference=None,
        **{who: "manager-1"},
    )
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.AWAITING_MANAGER)
    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("20"))
    decision = ManagerDecision(kind=DecisionKind.APPROVE, remedy=credit)
    message = await refused(
        complaints, cid, complaints.decide_escalation(cid, signed(cid, "manager-1", decision))
    )
    assert "cannot decide a complaint about themselves" in message
    assert dev_worker.backend.remedies(cid) == []
    await complaints.decide_escalation(cid, signed(cid, "manager-1b", decision))
    await until_status(complaints, cid, Status.RESOLVED)


async def test_caps_and_cumulative_limits_hold_live(complaints, dev_worker):
    filed = await escalated(complaints)
    cid = filed.complaint_id
    over_purchase = ManagerDecision(
        kind=DecisionKind.OVERRIDE,
        remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("1700")),
        reason="Loyal customer",
    )
    message = await refused(
        complaints, cid, complaints.decide_escalation(cid, signed(cid, "manager-3", over_purchase))
    )
    assert "goes 200.00 beyond the purchase of 1500.00" in message
    over_limit = signed(cid, "manager-1", ManagerDecision(kind=DecisionKind.APPROVE))
    message = await refused(complaints, cid, complaints.decide_escalation(cid, over_limit))
    assert "above your authority limit of 500.00" in message
    assert dev_worker.backend.remedies(cid) == []
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def test_another_customers_actions_and_unasked_facts_are_refused(complaints, dev_worker):
    intake = make_intake(order_reference=None)
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    state = await until_status(complaints, cid, Status.AWAITING_DETAILS)
    assert state.missing_details == [DetailField.ORDER_REFERENCE]

    rewrite = CustomerDetails(
        customer_id=CUSTOMER,
        order_reference="ORD-9",
        receipt_present=True,
        amount=Decimal("99.00"),
    )
    message = await refused(complaints, cid, complaints.provide_details(cid, rewrite))
    assert "we asked only for order_reference" in message
    stranger = CustomerDetails(customer_id="cust-2", order_reference="ORD-9")
    message = await refused(complaints, cid, complaints.provide_details(cid, stranger))
    assert "belongs to another customer" in message
    message = await refused(complaints, cid, complaints.withdraw(cid, customer_id="cust-2"))
    assert "belongs to another customer" in message

    await complaints.provide_details(
        cid, CustomerDetails(customer_id=CUSTOMER, order_reference="ORD-9")
    )
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    message = await refused(
        complaints,
        cid,
        complaints.choose_solution(cid, RemedyKind.REPLACEMENT, customer_id="cust-2"),
    )
    assert "belongs to another customer" in message
    assert (await complaints.state(cid)).intake.amount == Decimal("49.90")
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def test_a_reopen_never_repeats_a_remedy_already_carried_out(complaints, dev_worker):
    """After 'not fixed', the repair already done is not offered again, nor accepted."""
    intake = make_intake()
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    await complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=CUSTOMER)
    await until_status(complaints, cid, Status.RESOLVED)
    await complaints.answer_follow_up(cid, fixed=False, customer_id=CUSTOMER)
    state = await until_status(complaints, cid, Status.AWAITING_CHOICE)
    assert RemedyKind.REFUND not in [r.kind for r in state.options]
    message = await refused(
        complaints, cid, complaints.choose_solution(cid, RemedyKind.REFUND, customer_id=CUSTOMER)
    )
    assert "refund is not on offer" in message
    assert [r.kind for r in dev_worker.backend.remedies(cid)] == ["refund"]
    await complaints.withdraw(cid, customer_id=CUSTOMER)


def reassignment(
    complaint_id: str,
    by: str = "operations-1",
    to: str = "specialist-1",
    key: Ed25519PrivateKey | None = None,
    valid_for: timedelta = timedelta(minutes=5),
) -> SignedAssertion:
    content = Reassignment(assignee_id=to, note="Nobody took it up: please call her today")
    claim = assertion(complaint_id, by, reassignment=content, valid_for=valid_for)
    return sign(claim, key or demo_key(by))


async def test_forged_and_replayed_reassignments_are_refused(complaints, dev_worker):
    dev_worker.policies.add(QUICK_QUEUE)
    filed = make_intake(abusive=True)
    cid = filed.complaint_id
    await complaints.file_complaint(filed, QUICK_QUEUE.version)
    await until_status(complaints, cid, Status.IN_OPERATIONS)
    good = reassignment(cid)
    tampered = good.model_copy(
        update={
            "assertion": good.assertion.model_copy(
                update={"reassignment": Reassignment(assignee_id="manager-3", note="to me")}
            )
        }
    )
    attacks = {
        "the signature is not operations-1's": [
            reassignment(cid, key=Ed25519PrivateKey.generate()),
            reassignment(cid, key=demo_key("manager-3")),
            tampered,
        ],
        "expired": [reassignment(cid, valid_for=timedelta(seconds=-5))],
        "signed for complaint": [reassignment("someone-elses-complaint")],
        "specialist-1 is not among the operations staff": [reassignment(cid, by="specialist-1")],
        "manager-3 is not among the operations staff": [reassignment(cid, by="manager-3")],
        "manager-3 is not among the specialists": [reassignment(cid, to="manager-3")],
    }
    for expected, forgeries in attacks.items():
        for forgery in forgeries:
            message = await refused(complaints, cid, complaints.reassign(cid, forgery))
            assert expected in message, (expected, message)
    await complaints.reassign(cid, good)
    # Nobody takes it up again: back in the queue a second later; the same assertion again
    # is a replay.
    await until_found_moved_twice(complaints, cid)
    replayed = await refused(complaints, cid, complaints.reassign(cid, good))
    assert "already used" in replayed
    await complaints.withdraw(cid, customer_id=CUSTOMER)


async def until_found_moved_twice(complaints: ComplaintClient, complaint_id: str) -> None:
    for _ in range(600):
        events = await complaints.events(complaint_id)
        moves = sum(e.type == "MovedToOperations" for e in events)
        state = await complaints.state(complaint_id)
        if moves >= 2 and state.status is Status.IN_OPERATIONS:
            await until_status(complaints, complaint_id, Status.IN_OPERATIONS)
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not back in the operations queue")
