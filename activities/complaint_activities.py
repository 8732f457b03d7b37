"""Activities of the complaint workflow: the only place where effects happen, and where the
policy a complaint runs under is loaded.

Activities are methods of a class so what they use is injected (as in Temporal's
samples-python): the worker builds `ComplaintActivities(backend, staff)` and
`PolicyActivities(store)` once and registers their `as_list()`; tests pass a
`LocalBackend` on a temporary file and an `InMemoryPolicyStore`.

Logs carry ids, keys and kinds only: contact details and message bodies are personal
data and never reach the logs.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import names
from activities.backend import (
    BackendContractError,
    BackendUnavailableError,
    ComplaintBackend,
    RemedyRefusedError,
)
from activities.messages import render_message
from activities.policy_store import (
    PolicyRefused,
    PolicyStore,
    PolicyStoreUnavailable,
    UnknownPolicyVersion,
)
from activities.staff_directory import FileStaffDirectory, StaffDirectorySource
from schemas.effects import (
    EmployeeFollowUp,
    EmployeeFollowUpReceipt,
    ManagerPage,
    OrderClaim,
    OrderClaimReceipt,
    PageKind,
    PageReceipt,
    RemedyOrder,
    RemedyReceipt,
)
from schemas.failures import FailureType
from schemas.messages import CustomerMessage, DeliveryReceipt, MessageKind
from schemas.policy import CompanyPolicy
from schemas.staff import StaffMember, StaffQuery, StaffRole

logger = structlog.get_logger()


def _log(complaint_id: str, idempotency_key: str, kind: str) -> Any:
    """Bind what identifies an effect (and the attempt, to see retries), nothing personal."""
    return logger.bind(
        complaint_id=complaint_id,
        idempotency_key=idempotency_key,
        kind=kind,
        activity=activity.info().activity_type,
        attempt=activity.info().attempt,
    )


@contextmanager
def _backend_errors(log: Any) -> Iterator[None]:
    """Give each backend failure the retry behaviour it needs; others stay retryable as raised.

    A refusal or a broken contract fails the activity at once (retrying cannot change the
    answer); an unavailable service is retried by the workflow's retry policy, sooner or
    later as the service asked.
    """
    try:
        yield
    except RemedyRefusedError as refused:
        log.warning("remedy.refused", code=refused.code.value)
        raise ApplicationError(
            refused.message, refused.code.value, type=FailureType.REMEDY_REFUSED, non_retryable=True
        ) from refused
    except BackendContractError as broken:
        # The reason stays out of logs (a service may echo personal data); the failure has it.
        log.error("backend.contract_error", status=broken.status)
        raise ApplicationError(
            broken.message, broken.status, type=FailureType.BACKEND_CONTRACT, non_retryable=True
        ) from broken
    except BackendUnavailableError as down:
        cause = type(down.__cause__).__name__ if down.__cause__ else None
        log.warning(
            "backend.unavailable", status=down.status, cause=cause, retry_after=down.retry_after
        )
        delay = timedelta(seconds=down.retry_after) if down.retry_after else None
        raise ApplicationError(
            down.message, type=FailureType.BACKEND_UNAVAILABLE, next_retry_delay=delay
        ) from down


def _named(name: str, method: Callable[[Any], Awaitable[Any]]) -> Callable[..., Any]:
    """`method` registered as the activity `name` (same argument and result types)."""

    @functools.wraps(method, updated=())  # its signature and hints, not its definition
    async def run(arg: Any) -> Any:
        return await method(arg)

    return activity.defn(name=name)(run)


class ComplaintActivities:
    """Every side effect of a complaint, each through the injected backend and idempotent."""

    def __init__(
        self, backend: ComplaintBackend, staff: StaffDirectorySource | None = None
    ) -> None:
        self._backend = backend
        self._staff = staff or FileStaffDirectory()

    def as_list(self) -> list[Callable[..., Any]]:
        """The bound activities, ready for `Worker(activities=...)`: the remedy, and each
        local effect under one name per kind (`activities.names`)."""
        return [
            self.execute_remedy,
            *(_named(names.tell(kind), self.send_customer_message) for kind in MessageKind),
            *(_named(names.page(kind), self.notify_manager) for kind in PageKind),
            *(_named(names.find(role), self.find_staff) for role in StaffRole),
            _named(names.EMPLOYEE_FOLLOW_UP, self.record_employee_follow_up),
            _named(names.CLAIM_ORDER, self.claim_order),
            _named(names.RELEASE_ORDER, self.claim_order),
        ]

    @activity.defn
    async def send_customer_message(self, message: CustomerMessage) -> DeliveryReceipt:
        """Render here, not in the workflow: wording may change without breaking replay."""
        rendered = render_message(message)
        log = _log(message.complaint_id, message.idempotency_key, message.kind.value)
        with _backend_errors(log):
            receipt = await self._backend.deliver_message(message, rendered)
        log.info(
            "customer_message.delivered",
            language=message.language.value,
            channel=message.channel.value,
            message_id=receipt.message_id,
            duplicate=receipt.duplicate,
        )
        return receipt

    @activity.defn
    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        """A refusal is final (non-retryable) so the workflow escalates instead of waiting."""
        log = _log(order.complaint_id, order.idempotency_key, order.remedy.kind.value)
        with _backend_errors(log):
            receipt = await self._backend.execute_remedy(order)
        log.info("remedy.applied", reference=receipt.reference, duplicate=receipt.duplicate)
        return receipt

    @activity.defn
    async def notify_manager(self, page: ManagerPage) -> PageReceipt:
        """Page once per key, so a retry never wakes a manager twice."""
        log = _log(page.complaint_id, page.idempotency_key, page.kind.value)
        with _backend_errors(log):
            receipt = await self._backend.page_manager(page)
        # Not `level`: structlog's own key (the log level) would overwrite it.
        log.info(
            "manager.paged",
            manager_level=page.level,
            page_id=receipt.page_id,
            duplicate=receipt.duplicate,
        )
        return receipt

    @activity.defn
    async def find_staff(self, query: StaffQuery) -> list[StaffMember]:
        """Who may act now, from the staff directory: the workflow records the answer."""
        found = await self._staff.find(query)
        logger.info(
            "staff.found",
            complaint_id=query.complaint_id,
            role=query.role.value,
            min_level=query.min_level,
            staff_ids=[m.staff_id for m in found],
        )
        return found

    @activity.defn
    async def record_employee_follow_up(self, note: EmployeeFollowUp) -> EmployeeFollowUpReceipt:
        """The employee's side is followed up too (coaching), recorded exactly once."""
        log = _log(note.complaint_id, note.idempotency_key, "employee_follow_up")
        with _backend_errors(log):
            receipt = await self._backend.record_employee_follow_up(note)
        log.info(
            "employee_follow_up.recorded", reference=receipt.reference, duplicate=receipt.duplicate
        )
        return receipt

    @activity.defn
    async def claim_order(self, claim: OrderClaim) -> OrderClaimReceipt:
        """Which complaint handles the customer's order (or release it), atomically in the
        commerce backend: a second complaint learns the first one's id."""
        log = _log(claim.complaint_id, claim.idempotency_key, "order_claim")
        with _backend_errors(log):
            receipt = await self._backend.claim_order(claim)
        log.info("order.claimed", release=claim.release, holder=receipt.holder)
        return receipt


class PolicyActivities:
    """The policy a complaint runs under, from the operator's store, never from its caller."""

    def __init__(self, store: PolicyStore) -> None:
        self._store = store

    def as_list(self) -> list[Callable[..., Any]]:
        return [self.load_policy]

    @activity.defn
    async def load_policy(self, version: str) -> CompanyPolicy:
        """The checked policy of `version` (or `current`), whose content becomes the result in
        history. An unknown or refused version fails at once; an unavailable store is retried.
        """
        info = activity.info()
        log = logger.bind(
            workflow_id=info.workflow_id, version=version, activity=info.activity_type
        )
        try:
            policy = await self._store.load(version)
        except UnknownPolicyVersion as unknown:
            log.warning("policy.unknown")
            raise ApplicationError(
                unknown.message, type=FailureType.UNKNOWN_POLICY, non_retryable=True
            ) from unknown
        except PolicyRefused as refused:
            log.error("policy.refused", reason=refused.message)
            raise ApplicationError(
                refused.message, type=FailureType.POLICY_REFUSED, non_retryable=True
            ) from refused
        except PolicyStoreUnavailable as down:
            log.warning("policy.unavailable", attempt=info.attempt)
            raise ApplicationError(down.message, type=FailureType.BACKEND_UNAVAILABLE) from down
        log.info("policy.loaded", policy_version=policy.version)
        return policy
