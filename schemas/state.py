"""Where a complaint stands: derived from its events, never stored on its own."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from schemas.actions import ManagerDecision
from schemas.events import EscalationReason
from schemas.intake import ComplaintIntake, DetailField
from schemas.messages import Outcome
from schemas.remedies import DeclineReason, Remedy
from schemas.staff import StaffMember, StaffRole
from schemas.status import Status, WaitingOn  # noqa: F401 - both are read from here too


class Approval(BaseModel):
    """A first approval above the four-eyes threshold, waiting for a second decider."""

    model_config = ConfigDict(frozen=True)

    decider_id: str
    decision: ManagerDecision


class OperationsCase(BaseModel):
    """A complaint in the operations queue: whom it waited for, since when, how long."""

    model_config = ConfigDict(frozen=True)

    waited_for: StaffRole
    """A specialist or a manager: whom a reassignment hands it back to."""
    since: datetime
    reminders: int
    """Reminders that went unanswered before the move."""
    level: int | None = None
    """The escalation's level, when it waited for a manager."""
    operators: list[StaffMember] = Field(default_factory=list)
    """Who may reassign it, as the staff directory said."""
    candidates: list[StaffMember] = Field(default_factory=list)
    """Whom it may be reassigned to, as the staff directory said at the move."""


class Escalation(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: int
    reason: EscalationReason
    requested: Remedy | None
    policy_exception: bool
    respond_by: datetime
    reminded: bool = False
    reminders: int = 0
    """Reminders sent at this level (counted for bounded waiting at the top level)."""
    deciders: list[StaffMember] = Field(default_factory=list)
    """Who may decide at this level, as the staff directory said when it was reached."""
    approvals: list[Approval] = Field(default_factory=list)


class ComplaintState(BaseModel):
    """The fold of a complaint's events; see `domain.evolve`."""

    model_config = ConfigDict(frozen=True)

    status: Status = Status.RECEIVED
    intake: ComplaintIntake | None = None
    policy_version: str | None = None
    acknowledged: bool = False
    apologised: bool = False
    thanked: bool = False
    missing_details: list[DetailField] = Field(default_factory=list)
    reply_by: datetime | None = None
    paused_reason: str | None = None
    specialists: list[StaffMember] = Field(default_factory=list)
    """Who may resume the paused conversation, as the staff directory said."""
    review_by: datetime | None = None
    """When the specialist is reminded, while the conversation is paused."""
    specialist_reminders: int = 0
    """Reminders sent to the specialist since the pause (or the last reassignment)."""
    operations: OperationsCase | None = None
    """Set while the complaint is in the operations queue."""
    assignee: str | None = None
    """Whom operations last reassigned the complaint to."""
    safety_officers: list[StaffMember] = Field(default_factory=list)
    """Who may acknowledge a reported hazard, as the staff directory said."""
    safety_review_by: datetime | None = None
    """When the safety officers are reminded, while nobody has acknowledged the hazard."""
    safety_reminders: int = 0
    safety_acknowledged_by: str | None = None
    options: list[Remedy] = Field(default_factory=list)
    default_option: Remedy | None = None
    offered_by: str | None = None
    """Who made the offer on the table: the agent, or the manager who countered or denied."""
    chosen: Remedy | None = None
    authorised_by: str | None = None
    """Who authorised the chosen remedy; None while the agent has yet to assess its own offer."""
    declined_request: Remedy | None = None
    decline_reasons: list[DeclineReason] = Field(default_factory=list)
    alternatives: list[Remedy] = Field(default_factory=list)
    can_appeal: bool = False
    appealed: bool = False
    escalation: Escalation | None = None
    escalations: int = 0
    decision: ManagerDecision | None = None
    decided_by: str | None = None
    """Who made the decision in effect (the second decider, under four-eyes)."""
    nonces: list[str] = Field(default_factory=list)
    """Of every signed assertion accepted: a replayed one is refused."""
    deciders: list[str] = Field(default_factory=list)
    """Every manager who decided on the complaint, in order."""
    callback_due: datetime | None = None
    callbacks_made: int = 0
    remedies_executed: list[Remedy] = Field(default_factory=list)
    resolved_with: Remedy | None = None
    follow_up_at: datetime | None = None
    follow_ups_sent: int = 0
    """Follow-up messages sent about the current resolution."""
    reopen_count: int = 0
    employee_follow_up: str | None = None
    outcome: Outcome | None = None
    reopen_until: datetime | None = None
    """While closed: a reply from the customer until then reopens the complaint."""
    survey_at: datetime | None = None
    """While closed: when the satisfaction survey goes out (cancelled by a reopen)."""
    survey_sent: bool = False
    satisfaction: int | None = None
    """The survey's score, 1-5."""
    survey_comment: str | None = None
    linked_to: str | None = None
    """The open complaint this duplicate was added to."""

    @property
    def complaint_id(self) -> str:
        return self.intake.complaint_id if self.intake else ""

    @property
    def closed(self) -> bool:
        return self.status is Status.CLOSED

    @property
    def granted_total(self) -> Decimal:
        """Everything carried out on the complaint so far, in money."""
        return sum((r.amount for r in self.remedies_executed), Decimal(0))

    @property
    def escalation_level(self) -> int:
        return self.escalation.level if self.escalation else 0
