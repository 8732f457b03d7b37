"""Messages to the customer: which one, with what facts, and what came back."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.actions import CustomerNote
from schemas.intake import Category, Channel, Contact, DetailField, Language
from schemas.locale import DEFAULT_CURRENCY, DEFAULT_TIME_ZONE, Currency, TimeZone
from schemas.remedies import DeclineReason, Remedy


class MessageKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    DETAILS_REQUEST = "details_request"
    PAUSE = "pause"
    """Abusive conversation: we do not argue, we offer another time."""
    APOLOGY = "apology"
    THANKS = "thanks"
    PROPOSALS = "proposals"
    RESOLUTION = "resolution"
    DECLINE = "decline"
    ESCALATION_NOTICE = "escalation_notice"
    """A manager is looking at it; we say when we will call back."""
    CALLBACK = "callback"
    """The promised callback, made on time even without news."""
    MOVED_TO_OPERATIONS = "moved_to_operations"
    """Nobody acted in the time we gave: we say so, and that operations reassign it."""
    FOLLOW_UP = "follow_up"
    FOLLOW_UP_REMINDER = "follow_up_reminder"
    REOPENED = "reopened"
    CLOSING = "closing"
    SURVEY = "survey"
    """Some days after closing: how satisfied was the customer (1-5 and a comment)."""
    LINKED = "linked"
    """A second complaint about an order that has one open: added to the open one."""


class Outcome(StrEnum):
    RESOLVED_CONFIRMED = "resolved_confirmed"
    RESOLVED_UNCONFIRMED = "resolved_unconfirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    LINKED = "linked"
    """A duplicate: the customer's open complaint about the same order handles it."""


class MessageContext(BaseModel):
    """The facts a message may use. Only what the message kind needs is set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_name: str
    complaint_id: str
    missing_details: list[DetailField] = Field(default_factory=list)
    reply_by: datetime | None = None
    options: list[Remedy] = Field(default_factory=list)
    default_option: Remedy | None = None
    remedy: Remedy | None = None
    remedy_reference: str | None = None
    reasons: list[DeclineReason] = Field(default_factory=list)
    alternatives: list[Remedy] = Field(default_factory=list)
    can_appeal: bool = False
    manager_title: str | None = None
    with_thanks: bool = False
    """The acknowledgement thanks the customer too (no separate thanks follows)."""
    safety_review: bool = Field(default=False, exclude_if=lambda flagged: not flagged)
    """The acknowledgement says a safety specialist looks at the reported hazard first."""
    manager_note: CustomerNote | None = None
    """The deciding manager's note for the customer, on the message answering the decision."""
    callback_by: datetime | None = None
    follow_up_on: datetime | None = None
    outcome: Outcome | None = None
    currency: Currency = DEFAULT_CURRENCY
    """Amounts are shown in it (the policy's currency)."""
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    """Dates and times are told in it: the customer's zone, else the policy's."""
    category: Category | None = None
    order_reference: str | None = None
    """What the complaint is about, restated in the acknowledgement."""
    purchase_date: date | None = None
    return_window_days: int | None = None
    """With `purchase_date` and `written_at`, the figures a return-window decline states."""
    manager_level: int | None = None
    """The escalation level, whose translated title the message names."""
    specialist_by: datetime | None = None
    """When the specialist is due to take up a paused conversation."""
    written_at: datetime | None = None
    """When the workflow decided to send the message (workflow time)."""
    linked_to: str | None = Field(default=None, exclude_if=lambda linked: linked is None)
    """The open complaint a duplicate was added to."""


class CustomerMessage(BaseModel):
    """Input of the send-message activity: one message, sent at most once per key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idempotency_key: str
    complaint_id: str
    customer_id: str
    contact: Contact
    language: Language
    channel: Channel
    kind: MessageKind
    context: MessageContext


class RenderedMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    subject: str
    body: str


class DeliveryReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    message_id: str
    duplicate: bool = False
    """True when the key had been seen: nothing was sent a second time."""
