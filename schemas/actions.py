"""What customers, managers and staff can do to a complaint in flight.

Each is a Temporal update argument; shape errors are caught here, state errors
by the workflow's validators, so an invalid action never reaches history.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.intake import Language, NonEmpty
from schemas.remedies import Remedy, RemedyKind
from schemas.text import Note, Reason
from schemas.waits import WaitFor


class CustomerAction(BaseModel):
    """An action only the complaint's own customer may take.

    `customer_id` comes from the backend's authenticated session with the customer; the
    complaint refuses an action whose customer is not its own.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: NonEmpty
    then_wait_for: WaitFor | None = None
    """After the action, answer only once the complaint gets there, or the wait's timeout
    passes (e.g. ``{"status": "resolved"}``: the chosen remedy was carried out). The action
    is taken either way; the receipt's `reached` says whether the wait was. Not recorded."""


class CustomerChoice(CustomerAction):
    """The customer takes part in choosing the solution."""

    remedy: RemedyKind


class Appeal(CustomerAction):
    """The customer does not accept a refusal and asks for someone with more authority."""

    reason: Reason


class FollowUpAnswer(CustomerAction):
    """Did the fix work? 'Not fixed' reopens the complaint."""

    fixed: bool
    comment: Note | None = None


class Withdrawal(CustomerAction):
    reason: Note | None = None


class ReopenRequest(CustomerAction):
    """The customer replies after closing: within the reopen window it reopens the
    complaint; later, it becomes a new complaint linked to it (`sdk`)."""

    comment: Note | None = None


class SurveyAnswer(CustomerAction):
    """The satisfaction survey's answer, accepted once."""

    score: int = Field(ge=1, le=5)
    comment: Note | None = None


class StaffResume(BaseModel):
    """A specialist says the conversation can go on after an abusive episode (signed by them,
    see `schemas.staff.StaffAssertion`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    note: Reason


class SafetyAcknowledgement(BaseModel):
    """A safety officer has seen the reported hazard; the complaint may go on (signed by them,
    see `schemas.staff.StaffAssertion`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    note: Reason


class DecisionKind(StrEnum):
    APPROVE = "approve"
    """Grant the remedy that was asked for."""
    OVERRIDE = "override"
    """Grant a remedy the policy would refuse (no receipt, late): the complaint is legitimate."""
    COUNTER = "counter"
    """Offer the customer something else instead."""
    DENY = "deny"


class CustomerNote(BaseModel):
    """What a manager writes for the customer, and the language it is written in. It reaches
    the customer only if that is the customer's language; otherwise the message says, in
    their language, that a manager looked at the complaint in person. Never the internal
    `ManagerDecision.reason`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Reason
    language: Language


class ManagerDecision(BaseModel):
    """What a manager decides on an escalation. Who decided, and at which level, comes from
    the signed assertion that carries it and the staff directory, never from here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DecisionKind
    remedy: Remedy | None = None
    reason: Reason | None = None
    """Why, for the record and the staff: never shown to the customer."""
    customer_note: CustomerNote | None = Field(default=None, exclude_if=lambda n: n is None)
    """For the customer, in the message that answers the decision (left out of the JSON when
    None, so decisions signed before it verify as then)."""

    @model_validator(mode="after")
    def _complete(self) -> ManagerDecision:
        if self.kind in (DecisionKind.OVERRIDE, DecisionKind.COUNTER) and self.remedy is None:
            raise ValueError(f"a {self.kind.value} decision must name the remedy to grant")
        if self.kind is not DecisionKind.APPROVE and not self.reason:
            raise ValueError(f"a {self.kind.value} decision must give a reason")
        return self


class ActionReceipt(BaseModel):
    """What an accepted action answers: where the complaint stands now."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    status: str
    event_count: int
    reached: bool | None = None
    """The action's `then_wait_for`: True once reached, False when its timeout passed first
    or it can no longer happen; None when the action asked for no wait."""
