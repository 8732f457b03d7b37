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


@runtime_checkable
class ComplaintBackend(Protocol):
    """Every side effect of the complaint workflow, each idempotent by its key.

    Implementations must make a repeated call with the same idempotency key a no-op
    that returns the original receipt with `duplicate=True`: activities are retried.
    """

    async def deliver_message(
        self, message: CustomerMessage, rendered: RenderedMessage
    ) -> DeliveryReceipt: ...

    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        """Apply the remedy, or raise `RemedyRefusedError` for a business refusal."""
        ...

    async def page_manager(self, page: ManagerPage) -> PageReceipt: ...

    async def record_employee_follow_up(
        self, note: EmployeeFollowUp
    ) -> EmployeeFollowUpReceipt: ...

    async def aclose(self) -> None:
        """Release connections; called once when the worker shuts down."""
        ...
