"""The HTTP contract a company implements to run the engine against its own services.

One module holds it so the clients (`HttpBackend`, `HttpPolicyStore`), the test services and
the published OpenAPI document (`docs/openapi.json`, regenerated with
`python -m activities.http_contract`) cannot drift apart: bodies are the pydantic schemas
the activities already exchange.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.json_schema import models_json_schema

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
from schemas.policy import CURRENT, CompanyPolicy, PolicyVersion

USER_AGENT = "complaint-engine/0.1"
"""Sent by every client of the contract."""
IDEMPOTENCY_KEY = "Idempotency-Key"
"""Request header: one effect per key, whatever the number of attempts."""

REFUSAL_STATUS: dict[RemedyRefused, int] = {
    RemedyRefused.ORDER_NOT_FOUND: 404,
    RemedyRefused.ALREADY_APPLIED: 409,
    RemedyRefused.NOT_ALLOWED: 422,
}
"""Business refusals of the commerce API; they count only with their `code` in the body,
so a proxy's 404 page or a framework's 422 validation error is never taken for a refusal."""

REJECTED_STATUSES = frozenset({400, 409, 413, 415, 422})
"""The service read the request and rejected its content: a bug, never retried.
Every other non-2xx answer (5xx, 408, 429, 401/403, 404 without a refusal code, 3xx) is
transient or a deployment problem, and retried so a fix resumes every complaint."""


class MessageDelivery(BaseModel):
    """Body of POST /v1/messages: what to send (rendered) and to whom (the message)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message: CustomerMessage
    rendered: RenderedMessage


class Problem(BaseModel):
    """Body of an error answer; RFC 9457 problem details may carry these as extensions."""

    model_config = ConfigDict(frozen=True, extra="allow")

    code: str | None = None
    """For a refusal of POST /v1/remedies: a `RemedyRefused` value."""
    message: str | None = None
    """Said to people: it is recorded on the complaint (RemedyFailed.error)."""

    @classmethod
    def parse(cls, content: bytes) -> Problem | None:
        """The error body, or None when it is not one (a proxy's HTML page, say)."""
        try:
            return cls.model_validate_json(content)
        except ValidationError:
            return None

    def text(self) -> str | None:
        """The human-readable reason, also from RFC 9457's `detail`/`title`."""
        extra = self.model_extra or {}
        for candidate in (self.message, extra.get("detail"), extra.get("title")):
            if isinstance(candidate, str) and candidate:
                return candidate
        return None


@dataclass(frozen=True)
class Endpoint:
    """One operation: which service answers it, at what path, with which bodies."""

    service: str
    """Also the env suffix of its base URL: COMPLAINTS_HTTP_<SERVICE>_URL."""
    path: str
    request: type[BaseModel]
    receipt: type[BaseModel]
    summary: str
    description: str
    refusals: tuple[RemedyRefused, ...] = field(default=())


MESSAGES = Endpoint(
    service="notify",
    path="/v1/messages",
    request=MessageDelivery,
    receipt=DeliveryReceipt,
    summary="Send one message to a customer",
    description=(
        "Deliver `rendered` (subject and plain-text body, already in the customer's "
        "language) to `message.contact` over `message.channel`. Accept any well-formed "
        "message: bounces are the gateway's business, not a reason to answer 4xx."
    ),
)
REMEDIES = Endpoint(
    service="commerce",
    path="/v1/remedies",
    request=RemedyOrder,
    receipt=RemedyReceipt,
    summary="Carry out a remedy: refund, replacement, store credit, repair or discount",
    description=(
        "Apply `remedy` (kind and amount) to `order_reference` for `customer_id`. "
        "`store_credit` is credited to the customer's account; `explanation` carries no "
        "money, and a product specialist contacts the customer within two working days "
        "(customers are told both). "
        "Refuse with 404 `order_not_found`, 409 `already_applied` (a remedy of this kind "
        "already exists for the order under another key, e.g. refunded at the counter, or "
        "another complaint holds the order, see /v1/order-claims) or "
        "422 `not_allowed`; the complaint then goes to a manager."
    ),
    refusals=tuple(REFUSAL_STATUS),
)
ORDER_CLAIMS = Endpoint(
    service="commerce",
    path="/v1/order-claims",
    request=OrderClaim,
    receipt=OrderClaimReceipt,
    summary="Claim (or release) a customer's order for one complaint",
    description=(
        "Keep one holder per `customer_id` and `order_reference`, atomically. A claim when "
        "nobody holds the order makes `complaint_id` its holder; when another complaint "
        "holds it, nothing changes and the answer names that `holder` (the workflow links "
        "the new complaint to it and carries out no remedy). `release: true` frees the "
        "order if `complaint_id` holds it (answer `holder: null`). While a complaint holds "
        "an order, refuse POST /v1/remedies for it from any other complaint with 409 "
        "`already_applied`."
    ),
)
PAGES = Endpoint(
    service="staff",
    path="/v1/pages",
    request=ManagerPage,
    receipt=PageReceipt,
    summary="Page a manager or specialist about a complaint",
    description=(
        "Notify the person titled `title` at escalation `level`. Answers come back through "
        "the workflow's `decide_escalation` or `resume` update, by `workflow_id`."
    ),
)
EMPLOYEE_FOLLOW_UPS = Endpoint(
    service="hr",
    path="/v1/employee-follow-ups",
    request=EmployeeFollowUp,
    receipt=EmployeeFollowUpReceipt,
    summary="Record that an employee's conduct needs a follow-up (coaching)",
    description="Sent once a rude-employee complaint is closed, for the employee's manager.",
)
ENDPOINTS: tuple[Endpoint, ...] = (MESSAGES, REMEDIES, ORDER_CLAIMS, PAGES, EMPLOYEE_FOLLOW_UPS)

POLICY_SERVICE = "policy"
"""The optional policy service: COMPLAINTS_HTTP_POLICY_URL, read with GET."""
POLICY_PATH = "/policies/{version_id}"
POLICY_NOT_FOUND = "policy_not_found"
"""The `code` of a 404 that means "no such version" (any other 404 is retried)."""

_REF = "#/components/schemas/{model}"


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="Problem")}}},
    }


def _responses(endpoint: Endpoint, schemas: dict[Any, Any]) -> dict[str, Any]:
    receipt = {"application/json": {"schema": schemas[(endpoint.receipt, "validation")]}}
    responses: dict[str, Any] = {
        "201": {"description": "Done now; `duplicate` is false.", "content": receipt},
        "200": {
            "description": (
                "The key was seen before: nothing is done again and the original receipt "
                "comes back with `duplicate: true` (answer the same for a retry after a lost "
                "response; do not compare bodies, a retried message may be re-rendered)."
            ),
            "content": receipt,
        },
    }
    for refusal in endpoint.refusals:
        responses[str(REFUSAL_STATUS[refusal])] = _problem(
            f"Business refusal, body `code: {refusal.value}`: never retried; the workflow "
            "records RemedyFailed, escalates to a manager and tells the customer one is on it."
        )
    if 422 not in {REFUSAL_STATUS[r] for r in endpoint.refusals}:
        responses["422"] = _problem("The body breaks the schema: a bug, never retried.")
    responses |= {
        "400": _problem("Malformed request or missing Idempotency-Key: a bug, never retried."),
        "401": _problem("Missing or wrong bearer token: retried until the token is fixed."),
        "429": _problem("Slow down: retried after `Retry-After` seconds."),
        "503": _problem(
            "Unavailable, or a request with this key is still in progress: retried with "
            "backoff (after `Retry-After` seconds if given). Never 409 for this."
        ),
        "5XX": _problem("Any server error: retried with backoff, with the same key."),
    }
    return responses


def _servers(service: str) -> list[dict[str, Any]]:
    env = f"COMPLAINTS_HTTP_{service.upper()}_URL"
    return [
        {
            "url": "{baseUrl}",
            "description": f"The {service} service",
            "variables": {
                "baseUrl": {
                    "default": f"https://{service}.example.com",
                    "description": f"Configured by {env}",
                }
            },
        }
    ]


def _policy_path(policy_schema: dict[str, Any]) -> dict[str, Any]:
    version = TypeAdapter(PolicyVersion).json_schema()
    return {
        "servers": _servers(POLICY_SERVICE),
        "get": {
            "operationId": "get_policy",
            "summary": "One version of the company policy, or the current one",
            "description": (
                f"The policy document of `version_id`. `{CURRENT}` is the version the "
                "company made current: answer with that version's document (its `version` "
                "field says which). Never change a published version: publish a new one and "
                "make it current. A worker refuses a document that is not a valid policy, "
                "is of another version than asked for, or breaks its bounds."
            ),
            "parameters": [
                {
                    "name": "version_id",
                    "in": "path",
                    "required": True,
                    "description": f"A version id, or `{CURRENT}`.",
                    "schema": version,
                }
            ],
            "responses": {
                "200": {
                    "description": "The policy document.",
                    "content": {"application/json": {"schema": policy_schema}},
                },
                "404": _problem(
                    f"With code `{POLICY_NOT_FOUND}`: no such version; the complaint naming it "
                    "fails at once. Without that code (a proxy's page): retried until fixed."
                ),
                "401": _problem("Missing or wrong bearer token: retried until the token is fixed."),
                "5XX": _problem("Any server error: retried with backoff."),
            },
        },
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the four services and the policy service, generated
    from the schemas."""
    models: list[tuple[type[BaseModel], Any]] = [(e.request, "serialization") for e in ENDPOINTS]
    models += [(e.receipt, "validation") for e in ENDPOINTS] + [(Problem, "validation")]
    models += [(CompanyPolicy, "validation")]
    schemas, definitions = models_json_schema(models, ref_template=_REF)
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        paths[endpoint.path] = {
            "servers": _servers(endpoint.service),
            "post": {
                "operationId": endpoint.path.rsplit("/", 1)[-1].replace("-", "_"),
                "summary": endpoint.summary,
                "description": endpoint.description,
                "parameters": [
                    {
                        "name": IDEMPOTENCY_KEY,
                        "in": "header",
                        "required": True,
                        "description": (
                            "Derived from the workflow id, the position in the complaint's "
                            "event log and the step. Every attempt of one effect sends the "
                            "same key; apply the effect at most once per key."
                        ),
                        "schema": {"type": "string", "maxLength": 512},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": schemas[(endpoint.request, "serialization")]}
                    },
                },
                "responses": _responses(endpoint, schemas),
            },
        }
    paths[POLICY_PATH] = _policy_path(schemas[(CompanyPolicy, "validation")])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Complaint engine: services a company implements",
            "version": "1",
            "description": "Semantics in docs/http-contract.md.",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": definitions["$defs"],
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "COMPLAINTS_HTTP_TOKEN, sent to all four services and, when set, "
                        "to the policy service."
                    ),
                }
            },
        },
    }


def openapi_json() -> str:
    """Exactly what `docs/openapi.json` holds; a test keeps the two equal."""
    return json.dumps(openapi(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(openapi_json(), end="")
