"""HTTP backend: the company's own notification, commerce, staff and HR services.

Selected with COMPLAINTS_BACKEND=http; the contract is `activities.http_contract` and
docs/http-contract.md. One `httpx.AsyncClient` per worker with explicit timeouts and
limits. Each activity attempt makes exactly one request: Temporal's retry policy does
the backoff (visible in history), and the `Idempotency-Key` header makes every retry safe,
even after the service applied the effect and the answer was lost.
"""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr, ValidationError

from activities.backend import BackendContractError, BackendUnavailableError, RemedyRefusedError
from activities.http_contract import (
    EMPLOYEE_FOLLOW_UPS,
    IDEMPOTENCY_KEY,
    MESSAGES,
    ORDER_CLAIMS,
    PAGES,
    REFUSAL_STATUS,
    REJECTED_STATUSES,
    REMEDIES,
    USER_AGENT,
    Endpoint,
    MessageDelivery,
    Problem,
)
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

MAX_RETRY_AFTER_S = 300.0
"""A service asking us to wait longer than this is treated as asking for five minutes."""
_REASON_CHARS = 300
"""Reasons travel into workflow history; a whole error page does not belong there."""

R = TypeVar("R", bound=BaseModel)


class HttpBackendConfig(BaseModel):
    """Where the four services live and how to reach them (see workers.config for the env)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    notify_url: HttpUrl
    commerce_url: HttpUrl
    staff_url: HttpUrl
    hr_url: HttpUrl
    token: SecretStr
    """Sent as `Authorization: Bearer` to every service; never logged (SecretStr)."""
    timeout_s: float = Field(default=10.0, gt=0, le=25)
    """Connect, read, write and pool timeout. Below the activities' 30 s start-to-close
    timeout, so a hung service ends the attempt as an HTTP timeout and is retried."""
    max_connections: int = Field(default=50, ge=1)

    def base_url(self, service: str) -> str:
        url: HttpUrl = getattr(self, f"{service}_url")
        return str(url).rstrip("/")


class HttpBackend:
    """`ComplaintBackend` over HTTP. Answers map to the activity's retry behaviour:

    - 2xx: the receipt (200 with `duplicate: true` replays an earlier attempt's result);
    - commerce 404/409/422 with a `RemedyRefused` code: `RemedyRefusedError`, the workflow
      escalates to a manager;
    - 400/409/413/415/422 otherwise, or a 2xx we cannot read: `BackendContractError`;
    - anything else, timeouts and connection errors: `BackendUnavailableError`, retried.
    """

    def __init__(self, config: HttpBackendConfig) -> None:
        self._config = config
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_s),
            limits=httpx.Limits(
                max_connections=config.max_connections,
                max_keepalive_connections=config.max_connections,
            ),
            headers={
                "Authorization": f"Bearer {config.token.get_secret_value()}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            follow_redirects=False,
        )

    # -- ComplaintBackend ---------------------------------------------------------------

    async def deliver_message(
        self, message: CustomerMessage, rendered: RenderedMessage
    ) -> DeliveryReceipt:
        body = MessageDelivery(message=message, rendered=rendered)
        return await self._post(MESSAGES, body, message.idempotency_key, DeliveryReceipt)

    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        return await self._post(REMEDIES, order, order.idempotency_key, RemedyReceipt)

    async def claim_order(self, claim: OrderClaim) -> OrderClaimReceipt:
        return await self._post(ORDER_CLAIMS, claim, claim.idempotency_key, OrderClaimReceipt)

    async def page_manager(self, page: ManagerPage) -> PageReceipt:
        return await self._post(PAGES, page, page.idempotency_key, PageReceipt)

    async def record_employee_follow_up(self, note: EmployeeFollowUp) -> EmployeeFollowUpReceipt:
        return await self._post(
            EMPLOYEE_FOLLOW_UPS, note, note.idempotency_key, EmployeeFollowUpReceipt
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- plumbing -----------------------------------------------------------------------

    async def _post(self, endpoint: Endpoint, body: BaseModel, key: str, receipt: type[R]) -> R:
        url = self._config.base_url(endpoint.service) + endpoint.path
        try:
            response = await self._client.post(
                url,
                content=body.model_dump_json(),
                headers={IDEMPOTENCY_KEY: key, "Content-Type": "application/json"},
            )
        except httpx.TransportError as lost:
            # Timeouts, refused or dropped connections: the effect may or may not have
            # happened, and only a retry with the same key can tell.
            reason = f"{type(lost).__name__} {lost}".strip()
            raise BackendUnavailableError(f"{endpoint.service}: {reason}") from lost
        return _read(endpoint, response, receipt)


def _read(endpoint: Endpoint, response: httpx.Response, receipt: type[R]) -> R:
    """The receipt, or the exception that gives the activity the right retry behaviour."""
    status = response.status_code
    if 200 <= status < 300:
        try:
            return receipt.model_validate_json(response.content)
        except ValidationError as unreadable:
            raise BackendContractError(
                f"{endpoint.service} answered {status} with no valid {receipt.__name__}: "
                f"{_excerpt(response.text)}",
                status,
            ) from unreadable
    problem = Problem.parse(response.content)
    reason = _excerpt((problem.text() if problem else None) or response.text)
    refusal = _refusal(endpoint, status, problem)
    if refusal is not None:
        raise RemedyRefusedError(refusal, reason or refusal.value)
    if status in REJECTED_STATUSES:
        raise BackendContractError(
            f"{endpoint.service} rejected the request ({status}): {reason}", status
        )
    raise BackendUnavailableError(
        f"{endpoint.service} answered {status}: {reason}",
        retry_after=_retry_after(response),
        status=status,
    )


def _refusal(endpoint: Endpoint, status: int, problem: Problem | None) -> RemedyRefused | None:
    """A business refusal needs both a refusal status and a known code in the body."""
    if problem is None or status not in REFUSAL_STATUS.values():
        return None
    return next((r for r in endpoint.refusals if r.value == problem.code), None)


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in whole seconds (the form the contract asks for); dates are ignored."""
    value = response.headers.get("Retry-After", "").strip()
    if not value.isdigit():
        return None
    return min(float(value), MAX_RETRY_AFTER_S) or None


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"
