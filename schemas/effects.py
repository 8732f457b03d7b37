"""Side effects other than customer messages: remedies, manager pages, employee notes.

Every request carries an idempotency key, so a retried activity never
refunds twice nor pages a manager twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from schemas.intake import Category, Severity
from schemas.remedies import Remedy


class RemedyOrder(BaseModel):
    """Input of the execute-remedy activity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: str
    complaint_id: str
    customer_id: str
    order_reference: str | None
    remedy: Remedy
    authorised_by: str
    """'agent' within policy, or the id of the manager who approved it."""


class RemedyReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    reference: str
    duplicate: bool = False


class RemedyRefused(StrEnum):
    """Business refusals from the remedy backend: retrying will not help."""

    ORDER_NOT_FOUND = "order_not_found"
    ALREADY_APPLIED = "already_applied"
    NOT_ALLOWED = "not_allowed"


class OrderClaim(BaseModel):
    """Input of the claim-order activity: this complaint handles the customer's order
    (`release`: it no longer does). The commerce backend keeps one holder per customer and
    order, and refuses a remedy for that order to any other complaint while it is held."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: str
    complaint_id: str
    customer_id: str
    order_reference: str
    release: bool = False


class OrderClaimReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    holder: str | None
    """The complaint that handles the order now (this one, or the open one it duplicates);
    None after a release."""
    duplicate: bool = False


class PageKind(StrEnum):
    ESCALATION = "escalation"
    SLA_BREACH = "sla_breach"
    """An SLA clock ran out: the manager hears of it (the complaint's course is unchanged)."""
    REMINDER = "reminder"
    SPECIALIST = "specialist"
    """An abusive customer: a specialist (or security) takes over, nobody argues."""
    SAFETY = "safety"
    """A reported injury, health risk or safety hazard: a safety officer sees it first."""
    OPERATIONS = "operations"
    """Nobody acted after the policy's reminders: operations reassign the complaint."""


class ManagerPage(BaseModel):
    """Input of the notify-manager activity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: str
    complaint_id: str
    workflow_id: str
    kind: PageKind
    level: int
    title: str
    reason: str
    category: Category
    severity: Severity
    requested: Remedy | None = None
    respond_by: datetime | None = None
    summary: str


class PageReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    page_id: str
    duplicate: bool = False


class EmployeeFollowUp(BaseModel):
    """After the customer is looked after, the employee's side is handled too (coaching)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: str
    complaint_id: str
    employee_reference: str | None
    manager_id: str | None
    customer_id: str
    outcome: str


class EmployeeFollowUpReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    reference: str
    duplicate: bool = False
