"""The seam between activities and the outside world.

Activities talk to a `ComplaintBackend`, never to a concrete service, so the
embedded SQLite backend (default, no outside service needed) and an HTTP backend
can be swapped by configuration without touching activities or workflows.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from schemas.effects import (
    EmployeeFollowUp,
    EmployeeFollowUpReceipt,
    ManagerPage,
    OrderClaim,
    OrderClaimReceipt,
    PageReceipt,
    RemedyOrder,
    RemedyReceipt,
    RemedyRefused,
)
from schemas.messages import CustomerMessage, DeliveryReceipt, RenderedMessage


class RemedyRefusedError(Exception):
    """The backend said no for a business reason; retrying cannot change the answer.

    Distinct from transport errors (which are worth retrying) so the activity can
    turn it into a non-retryable failure the workflow reacts to (it escalates).
    """

    def __init__(self, code: RemedyRefused, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[RemedyRefusedError], tuple[RemedyRefused, str]]:
        # Keep the exception picklable despite the custom signature.
        return (type(self), (self.code, self.message))


class BackendUnavailableError(Exception):
    """The service could not answer now: 5xx, timeout, dropped connection, rate limit.

    Worth retrying with the same idempotency key, so the activity leaves it retryable and
    Temporal's retry policy does the backoff. `retry_after` (seconds) is the service's own
    hint, when it gave one.
    """

    def __init__(
        self, message: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.status = status
        """The HTTP status, when there was an answer at all."""

    def __reduce__(
        self,
    ) -> tuple[type[BackendUnavailableError], tuple[str, float | None, int | None]]:
        return (type(self), (self.message, self.retry_after, self.status))


class BackendContractError(Exception):
    """The service rejected the request itself, or answered in a shape we cannot read.

    A bug on one side of the contract, not a business answer: the same request can never
    succeed, so the activity fails at once with the service's reason instead of retrying.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __reduce__(self) -> tuple[type[BackendContractError], tuple[str, int | None]]:
        return (type(self), (self.message, self.status))


@runtime_checkable
class ComplaintBackend(Protocol):
    """Every side effect of the complaint workflow, each idempotent by its key.

    Implementations must make a repeated call with the same idempotency key a no-op
    that returns the original receipt with `duplicate=True`: activities are retried.
    They raise `RemedyRefusedError` for a business refusal, `BackendContractError` for a
    request that can never succeed, and anything else (ideally `BackendUnavailableError`)
    for a failure worth retrying.
    """

    async def deliver_message(
        self, message: CustomerMessage, rendered: RenderedMessage
    ) -> DeliveryReceipt: ...

    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        """Apply the remedy, or raise `RemedyRefusedError` for a business refusal."""
        ...

    async def page_manager(self, page: ManagerPage) -> PageReceipt: ...

    async def claim_order(self, claim: OrderClaim) -> OrderClaimReceipt:
        """Make `claim.complaint_id` the holder of the customer's order unless another
        complaint holds it (answer the holder), or release it if this one holds it.
        `execute_remedy` for an order another complaint holds is refused."""
        ...

    async def record_employee_follow_up(
        self, note: EmployeeFollowUp
    ) -> EmployeeFollowUpReceipt: ...

    async def aclose(self) -> None:
        """Release connections; called once when the worker shuts down."""
        ...
