"""Search attribute values are a pure function of the state; only changes are upserted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from temporalio.common import TypedSearchAttributes

from domain.evolve import fold
from domain.sla import fold_clocks
from schemas import events as ev
from schemas.actions import DecisionKind, ManagerDecision
from schemas.events import EscalationReason
from schemas.intake import (
    Category,
    ComplaintIntake,
    Contact,
    CustomerDetails,
    DetailField,
    Severity,
)
from schemas.listing import ListedEscalation, Listing
from schemas.policy import SlaPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.sla import ClockKind
from schemas.staff import StaffRole
from workflows import search_attributes as sa

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
INTAKE = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-7",
    customer_name="Ivan",
    contact=Contact(phone="+372 5555 1234"),
    category=Category.BILLING,
    severity=Severity.HIGH,
    description="Charged twice for the same order",
)
REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("300"))
FILED = [ev.Received(at=T0, intake=INTAKE, policy_version="v1")]
ESCALATED = [
    *FILED,
    ev.Escalated(
        at=T0,
        level=1,
        reason=EscalationReason.BEYOND_AUTHORITY,
        requested=REFUND,
        policy_exception=False,
        respond_by=T0 + timedelta(days=1),
    ),
    ev.EscalatedToNextLevel(at=T0, from_level=1, to_level=2, respond_by=T0 + timedelta(days=2)),
]
DECIDED = [
    *ESCALATED,
    ev.ManagerDecided(
        at=T0,
        decision=ManagerDecision(kind=DecisionKind.APPROVE),
        decider_id="ieva",
        level=2,
        nonce="n" * 16,
    ),
]


def values(events) -> dict[str, object]:
    return {key.name: value for key, value in sa.search_attributes_for(fold(events)).items()}


def test_registered_types_cover_every_key():
    assert sa.SEARCH_ATTRIBUTE_TYPES == {
        "ComplaintStatus": "Keyword",
        "ComplaintCategory": "Keyword",
        "ComplaintSeverity": "Keyword",
        "EscalationLevel": "Int",
        "CustomerId": "Keyword",
        "AssignedManager": "Keyword",
        "ReopenCount": "Int",
        "SlaDueAt": "Datetime",
        "SlaState": "Keyword",
        "ComplaintStore": "Keyword",
        "OrderReference": "Keyword",
        "OperationsSince": "Datetime",
    }


def test_a_filed_complaint_is_findable_by_customer_category_and_severity():
    assert values(FILED) == {
        "ComplaintStatus": "received",
        "ComplaintCategory": "billing",
        "ComplaintSeverity": "high",
        "EscalationLevel": 0,
        "CustomerId": "cust-7",
        "AssignedManager": None,
        "ReopenCount": 0,
        "OperationsSince": None,
    }


def test_an_escalation_shows_its_current_level_and_then_who_decided():
    assert values(ESCALATED)["ComplaintStatus"] == "awaiting_manager"
    assert values(ESCALATED)["EscalationLevel"] == 2
    assert values(ESCALATED)["AssignedManager"] is None
    assert values(DECIDED)["ComplaintStatus"] == "in_progress"
    assert values(DECIDED)["AssignedManager"] == "ieva"


def test_the_operations_queue_is_findable_oldest_first_and_left_on_reassignment():
    moved = ev.MovedToOperations(at=T0, waited_for=StaffRole.MANAGER, reminders=3, level=2)
    queued = values([*ESCALATED, moved])
    assert (queued["ComplaintStatus"], queued["OperationsSince"]) == ("in_operations", T0)
    reassigned = ev.Reassigned(
        at=T0, staff_id="ops", assignee_id="ieva", role=StaffRole.MANAGER, level=2,
        note="please decide", nonce="n" * 16, respond_by=T0 + timedelta(days=1),
    )  # fmt: skip
    handed_back = values([*ESCALATED, moved, reassigned])
    assert (handed_back["ComplaintStatus"], handed_back["OperationsSince"]) == (
        "awaiting_manager",
        None,
    )


def test_a_reopen_is_counted():
    reopened = [*FILED, ev.Reopened(at=T0, comment="still broken")]
    assert values(reopened)["ReopenCount"] == 1


def test_nothing_to_upsert_when_nothing_changed():
    current = sa.typed(sa.search_attributes_for(fold(DECIDED)))
    assert sa.changes(current, sa.search_attributes_for(fold(DECIDED))) == []


def test_only_the_changed_values_are_upserted_and_a_cleared_one_is_unset():
    current = sa.typed(sa.search_attributes_for(fold(DECIDED)))
    after = fold([*DECIDED, ev.Reopened(at=T0)])  # a reopen forgets the decision
    updates = {u.key.name: u.value for u in sa.changes(current, sa.search_attributes_for(after))}
    assert updates == {"ReopenCount": 1, "AssignedManager": None}


def test_the_first_upsert_sets_every_known_value():
    updates = sa.changes(TypedSearchAttributes.empty, sa.search_attributes_for(fold(FILED)))
    # The SLA keys come from the clocks; OperationsSince only in the operations queue.
    unset = {"AssignedManager", "SlaDueAt", "SlaState", "OperationsSince"}
    unset |= {"ComplaintStore", "OrderReference"}  # `listed_values`, since visible-listing
    assert {u.key.name for u in updates} == set(sa.SEARCH_ATTRIBUTE_TYPES) - unset


def test_the_sla_keys_follow_the_clocks():
    clocks = fold_clocks(FILED, SlaPolicy())
    assert sa.sla_values(clocks) == {
        sa.SLA_DUE_AT: clocks.due_at(ClockKind.FIRST_RESPONSE),
        sa.SLA_STATE: "ok",
    }
    asked = ev.DetailsRequested(
        at=T0, missing=[DetailField.AMOUNT], reply_by=T0 + timedelta(days=2)
    )
    assert sa.sla_values(fold_clocks([*FILED, asked], SlaPolicy())) == {
        sa.SLA_DUE_AT: None,
        sa.SLA_STATE: "paused",
    }


def test_typed_leaves_out_unset_values():
    typed = sa.typed(sa.search_attributes_for(fold(FILED)))
    assert sa.ASSIGNED_MANAGER not in typed
    assert typed[sa.STATUS] == "received"


def test_the_store_and_the_order_are_listed_once_known():
    assert sa.listed_values(fold(FILED)) == {sa.STORE: None, sa.ORDER_REFERENCE: None}
    intake = INTAKE.model_copy(update={"store": "tallinn-1"})
    details = ev.DetailsProvided(
        at=T0, details=CustomerDetails(customer_id="cust-7", order_reference="ord-42")
    )
    listed = sa.listed_values(fold([ev.Received(at=T0, intake=intake, policy_version="v1"),
                                    details]))  # fmt: skip
    assert listed == {sa.STORE: "tallinn-1", sa.ORDER_REFERENCE: "ord-42"}


def test_the_listing_holds_the_open_escalation_only_while_a_manager_is_awaited():
    listing = sa.listing_for(fold(ESCALATED))
    assert listing.escalation == ListedEscalation(
        level=2, requested=REFUND, policy_exception=False,
        respond_by=T0 + timedelta(days=2), reminded=False,
    )  # fmt: skip
    assert sa.listing_for(fold(DECIDED)).escalation is None
    assert sa.listing_for(fold(FILED)) == Listing()
