"""What operators and the manager inbox filter complaints by, in Temporal visibility.

The values are a pure function of the complaint's state, so the workflow can
upsert only what changed, and a starter can set the same values at start.
`SEARCH_ATTRIBUTE_TYPES` is what the dev server registers (`make run`, tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from temporalio.common import (
    SearchAttributeIndexedValueType,
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from domain.sla import Clocks, next_due, sla_state
from schemas.listing import ListedEscalation, Listing
from schemas.state import ComplaintState, Status

STATUS = SearchAttributeKey.for_keyword("ComplaintStatus")
CATEGORY = SearchAttributeKey.for_keyword("ComplaintCategory")
SEVERITY = SearchAttributeKey.for_keyword("ComplaintSeverity")
ESCALATION_LEVEL = SearchAttributeKey.for_int("EscalationLevel")
"""The open escalation's level; 0 when no manager is involved right now."""
CUSTOMER_ID = SearchAttributeKey.for_keyword("CustomerId")
ASSIGNED_MANAGER = SearchAttributeKey.for_keyword("AssignedManager")
"""The manager whose decision the complaint is carrying out; unset until one decides."""
REOPEN_COUNT = SearchAttributeKey.for_int("ReopenCount")
SLA_DUE_AT = SearchAttributeKey.for_datetime("SlaDueAt")
"""When the next SLA target falls due (business time on the store's calendar); unset while
no clock runs (paused, resolved, closed)."""
SLA_STATE = SearchAttributeKey.for_keyword("SlaState")
"""ok, warning, breached or paused (`schemas.sla.SlaState`)."""
STORE = SearchAttributeKey.for_keyword("ComplaintStore")
"""The store or region the complaint is about (unset: any); the inbox filters on it."""
ORDER_REFERENCE = SearchAttributeKey.for_keyword("OrderReference")
"""The customer's order, once known (at intake or with their details)."""

OPERATIONS_SINCE = SearchAttributeKey.for_datetime("OperationsSince")
"""When the complaint moved to the operations queue (nobody acted after the policy's
reminders); unset while it is not there. The queue is oldest first by it."""

KEYS: tuple[SearchAttributeKey, ...] = (
    STATUS,
    CATEGORY,
    SEVERITY,
    ESCALATION_LEVEL,
    CUSTOMER_ID,
    ASSIGNED_MANAGER,
    REOPEN_COUNT,
    SLA_DUE_AT,
    SLA_STATE,
    STORE,
    ORDER_REFERENCE,
    OPERATIONS_SINCE,
)

_TYPE_NAMES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
}
SEARCH_ATTRIBUTE_TYPES: dict[str, str] = {
    key.name: _TYPE_NAMES[key.indexed_value_type] for key in KEYS
}
"""Name -> type as `temporal operator search-attribute create --type` spells it."""

Values = Mapping[SearchAttributeKey, str | int | datetime | None]
"""None means unset."""


def search_attributes_for(state: ComplaintState) -> Values:
    """Every key's value for this state (None where it does not apply)."""
    intake = state.intake
    return {
        STATUS: state.status.value,
        CATEGORY: intake.category.value if intake else None,
        SEVERITY: intake.severity.value if intake else None,
        ESCALATION_LEVEL: state.escalation_level,
        CUSTOMER_ID: intake.customer_id if intake else None,
        ASSIGNED_MANAGER: state.decided_by,
        REOPEN_COUNT: state.reopen_count,
        OPERATIONS_SINCE: state.operations.since if state.operations else None,
    }


def listed_values(state: ComplaintState) -> Values:
    """The store and order keys' values: set at start by the SDK, upserted by the workflow
    since the `visible-listing` patch."""
    intake = state.intake
    return {
        STORE: intake.store if intake else None,
        ORDER_REFERENCE: intake.order_reference if intake else None,
    }


def listing_for(state: ComplaintState) -> Listing:
    """The complaint's row in the staff lists, kept in its memo (`schemas.listing`)."""
    intake, esc = state.intake, state.escalation
    listed = None
    if esc is not None and state.status is Status.AWAITING_MANAGER:
        listed = ListedEscalation(
            level=esc.level, requested=esc.requested, policy_exception=esc.policy_exception,
            respond_by=esc.respond_by, reminded=esc.reminded,
        )  # fmt: skip
    return Listing(
        store=intake.store if intake else None,
        order_reference=intake.order_reference if intake else None,
        escalation=listed,
        safety_review_by=state.safety_review_by if state.status is Status.AWAITING_SAFETY else None,
    )


def sla_values(clocks: Clocks) -> Values:
    """The SLA keys' values for these clocks."""
    return {SLA_DUE_AT: next_due(clocks), SLA_STATE: sla_state(clocks).value}


def changes(current: TypedSearchAttributes, wanted: Values) -> list[SearchAttributeUpdate]:
    """The updates that turn `current` into `wanted`; empty when nothing changed.

    Each upsert is a history event, so unchanged values are never sent again.
    """
    updates: list[SearchAttributeUpdate] = []
    for key, value in wanted.items():
        if current.get(key) == value:
            continue
        updates.append(key.value_unset() if value is None else key.value_set(value))
    return updates


def typed(values: Values) -> TypedSearchAttributes:
    """The set values, in the form `start_workflow(search_attributes=...)` takes."""
    return TypedSearchAttributes(
        [SearchAttributePair(key, value) for key, value in values.items() if value is not None]
    )
