"""The effects a plan asks for, as activities: their options written once; and the policy
a complaint runs under, loaded once at its start.

Messages, pages, the staff lookup and the employee follow-up are local activities, run in
the workflow task that asks for them, each called by what it does ("tell customer:
apology", `activities.names`): the UI's Timeline labels a local activity by its type. The
remedy, the one effect that moves money or goods, is a regular activity: scheduled by the
workflow task that records the decision, it runs only once that decision is in history.
Each effect with an outside consequence carries an idempotency key that is the same in
every attempt and every replay (`workflows.record.Record.key`), so a retried effect is
recognised by the backend and never happens twice; the staff lookup only reads. A business
refusal of a remedy is returned as a value; every other failure is retried until it passes.

The policy is loaded by a local activity from the operator's store; its result, the whole
policy, is recorded in history, so a replay runs under the same content whatever the store
holds by then. A version the store does not have, or refuses, fails the complaint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import names
    from activities.complaint_activities import ComplaintActivities, PolicyActivities
    from domain.currency import currency_of
    from domain.plan import (
        ClaimOrder,
        Effect,
        EffectResult,
        ExecuteRemedy,
        FindStaff,
        Page,
        RecordEmployeeFollowUp,
        Refused,
        Tell,
    )
    from schemas.actions import DecisionKind
    from schemas.effects import (
        EmployeeFollowUp,
        EmployeeFollowUpReceipt,
        ManagerPage,
        OrderClaim,
        OrderClaimReceipt,
        PageReceipt,
        RemedyOrder,
    )
    from schemas.failures import POLICY_FAILURES, FailureType
    from schemas.messages import CustomerMessage, DeliveryReceipt, MessageContext, MessageKind
    from schemas.policy import CURRENT, CompanyPolicy
    from schemas.staff import StaffMember, StaffQuery
    from schemas.state import ComplaintState

_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)
_TIMEOUT = timedelta(seconds=30)
_LOCAL_RETRY_THRESHOLD = timedelta(milliseconds=500)
"""A failing local effect waits out longer backoffs on a durable timer, not in the worker."""

_POLICY_TIMEOUT = timedelta(seconds=10)
"""A policy is one small document: a store slower than this is retried."""

Key = Callable[[str], str]
"""Gives the idempotency key of the next effect of a step (`Record.key`)."""


async def run(
    effect: Effect, state: ComplaintState, key: Key, policy: CompanyPolicy
) -> EffectResult:
    """Carry out one effect of a plan and return its result.

    `policy`, the complaint's own, gives messages their currency, default time zone and
    return window.
    """
    match effect:
        case Tell():
            message = _message(effect, state, key, policy, workflow.now())
            await _local(
                names.tell(message.kind), message, message.idempotency_key, DeliveryReceipt
            )
            return None
        case Page():
            page = _page(effect, state, key, policy)
            receipt = await _local(names.page(page.kind), page, page.idempotency_key, PageReceipt)
            return receipt.page_id
        case FindStaff():
            assert state.intake is not None
            query = StaffQuery(
                complaint_id=state.complaint_id,
                role=effect.role,
                min_level=effect.min_level,
                store=state.intake.store,
            )
            return await _local(names.find(query.role), query, key("staff"), list[StaffMember])
        case ExecuteRemedy():
            return await _execute_remedy(effect, state, key, policy)
        case RecordEmployeeFollowUp():
            note = _employee_note(effect, state, key)
            return await _local(
                names.EMPLOYEE_FOLLOW_UP, note, note.idempotency_key, EmployeeFollowUpReceipt
            )
        case ClaimOrder(release=release):
            intake = state.intake
            assert intake is not None and intake.order_reference is not None
            claim = OrderClaim(
                idempotency_key=key("order-release" if release else "order-claim"),
                complaint_id=intake.complaint_id,
                customer_id=intake.customer_id,
                order_reference=intake.order_reference,
                release=release,
            )
            name = names.RELEASE_ORDER if release else names.CLAIM_ORDER
            return await _local(name, claim, claim.idempotency_key, OrderClaimReceipt)
    raise TypeError(f"unknown effect {effect!r}")


async def load_policy(version: str | None) -> CompanyPolicy:
    """The policy of `version` (the current one if None); an unknown or refused version
    fails the complaint with the store's reason, before anything is recorded."""
    version = version or CURRENT
    try:
        return await workflow.execute_local_activity_method(
            PolicyActivities.load_policy,
            version,
            activity_id="policy",
            summary=f"load policy {version}",
            start_to_close_timeout=_POLICY_TIMEOUT,
            retry_policy=_RETRY,
            local_retry_threshold=_LOCAL_RETRY_THRESHOLD,
        )
    except ActivityError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError) and cause.type in POLICY_FAILURES:
            raise ApplicationError(cause.message, type=cause.type, non_retryable=True) from None
        raise


def _message(
    tell: Tell,
    state: ComplaintState,
    key: Key,
    policy: CompanyPolicy | None = None,
    now: datetime | None = None,
) -> CustomerMessage:
    intake = state.intake
    assert intake is not None
    return CustomerMessage(
        idempotency_key=key(tell.kind.value),
        complaint_id=intake.complaint_id,
        customer_id=intake.customer_id,
        contact=intake.contact,
        language=intake.language,
        channel=intake.channel,
        kind=tell.kind,
        context=MessageContext(
            customer_name=intake.customer_name,
            complaint_id=intake.complaint_id,
            **(_told_facts(tell.kind, state, policy, now) | tell.facts),
        ),
    )


ANSWERED_BY = {
    DecisionKind.APPROVE: MessageKind.RESOLUTION,
    DecisionKind.OVERRIDE: MessageKind.RESOLUTION,
    DecisionKind.COUNTER: MessageKind.PROPOSALS,
    DecisionKind.DENY: MessageKind.DECLINE,
}
"""The message that tells the customer a manager's decision: it carries the manager's note."""


def _told_facts(
    kind: MessageKind, state: ComplaintState, policy: CompanyPolicy | None, now: datetime | None
) -> dict[str, Any]:
    """What a message says beyond the plan's facts: from the intake, the state and the policy."""
    intake = state.intake
    assert intake is not None
    facts: dict[str, Any] = {}
    if policy is not None:
        facts["currency"] = currency_of(intake, policy)
        facts["time_zone"] = policy.time_zone
    if intake.time_zone:
        facts["time_zone"] = intake.time_zone
    decision = state.decision
    if decision and decision.customer_note and ANSWERED_BY[decision.kind] is kind:
        facts["manager_note"] = decision.customer_note
    match kind:
        case MessageKind.ACKNOWLEDGEMENT:
            facts |= {"category": intake.category, "order_reference": intake.order_reference}
        case MessageKind.PAUSE:
            facts |= {"specialist_by": state.review_by, "written_at": now}
        case MessageKind.ESCALATION_NOTICE | MessageKind.CALLBACK:
            facts["manager_level"] = state.escalation_level or None
        case MessageKind.DECLINE:
            facts |= {"purchase_date": intake.purchase_date, "written_at": now}
            if policy is not None:
                facts["return_window_days"] = policy.return_window_days
    return facts


def _page(page: Page, state: ComplaintState, key: Key, policy: CompanyPolicy) -> ManagerPage:
    intake = state.intake
    assert intake is not None
    requested = page.requested
    if requested is not None:
        requested = requested.in_currency(currency_of(intake, policy))
    return ManagerPage(
        idempotency_key=key(f"page-{page.kind.value}-{page.level}"),
        complaint_id=intake.complaint_id,
        workflow_id=workflow.info().workflow_id,
        kind=page.kind,
        level=page.level,
        title=page.title,
        reason=page.reason,
        category=intake.category,
        severity=intake.severity,
        requested=requested,
        respond_by=page.respond_by,
        summary=intake.description[:280],
    )


def _employee_note(
    note: RecordEmployeeFollowUp, state: ComplaintState, key: Key
) -> EmployeeFollowUp:
    intake, outcome = state.intake, state.outcome
    assert intake is not None and outcome is not None
    return EmployeeFollowUp(
        idempotency_key=key("employee-follow-up"),
        complaint_id=intake.complaint_id,
        employee_reference=intake.employee_reference,
        manager_id=note.manager_id,
        customer_id=intake.customer_id,
        outcome=outcome.value,
    )


async def _execute_remedy(
    order: ExecuteRemedy, state: ComplaintState, key: Key, policy: CompanyPolicy
) -> EffectResult:
    """The order names the remedy's currency (the complaint's, where the remedy has none)."""
    intake = state.intake
    assert intake is not None
    request = RemedyOrder(
        idempotency_key=key("remedy"),
        complaint_id=intake.complaint_id,
        customer_id=intake.customer_id,
        order_reference=intake.order_reference,
        remedy=order.remedy.in_currency(currency_of(intake, policy)),
        authorised_by=order.authorised_by,
    )
    try:
        return await workflow.execute_activity_method(
            ComplaintActivities.execute_remedy,
            request,
            activity_id=_activity_id(request.idempotency_key),
            summary=f"execute {order.remedy.label()}",
            start_to_close_timeout=_TIMEOUT,
            retry_policy=_RETRY,
        )
    except ActivityError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError) and cause.type == FailureType.REMEDY_REFUSED:
            return Refused(cause.message)
        raise


async def _local(
    name: str,
    arg: LocalArg,
    key: str,
    result_type: type,
) -> Any:
    """A local effect, by its activity name (one per kind: `activities.names`)."""
    return await workflow.execute_local_activity(
        name,
        arg,
        result_type=result_type,
        activity_id=_activity_id(key),
        summary=_summary(arg),
        start_to_close_timeout=_TIMEOUT,
        retry_policy=_RETRY,
        local_retry_threshold=_LOCAL_RETRY_THRESHOLD,
    )


LocalArg = CustomerMessage | ManagerPage | StaffQuery | EmployeeFollowUp | OrderClaim


def _summary(arg: LocalArg) -> str:
    match arg:
        case OrderClaim(release=release):
            return "release the order" if release else "claim the order"
        case CustomerMessage(kind=kind):
            return f"tell customer: {kind.value}"
        case ManagerPage(title=title, kind=kind):
            return f"page {title}: {kind.value}"
        case StaffQuery(role=role, min_level=level):
            return f"find {role.value}s" + (f" at level {level} or above" if level else "")
    return "record employee follow-up"


def _activity_id(key: str) -> str:
    """Readable in the UI ('proposals/1'), and unique as the idempotency key is."""
    return key.removeprefix(f"{workflow.info().workflow_id}/")
