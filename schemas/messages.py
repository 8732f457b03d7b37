"""Messages to the customer: which one, with what facts, and what came back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.intake import Channel, Contact, DetailField, Language
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
    FOLLOW_UP = "follow_up"
    FOLLOW_UP_REMINDER = "follow_up_reminder"
    REOPENED = "reopened"
    CLOSING = "closing"


class Outcome(StrEnum):
    RESOLVED_CONFIRMED = "resolved_confirmed"
    RESOLVED_UNCONFIRMED = "resolved_unconfirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class MessageContext(BaseModel):
    """The facts a template may use. Only what the message kind needs is set."""

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
    callback_by: datetime | None = None
    follow_up_on: datetime | None = None
    outcome: Outcome | None = None


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
