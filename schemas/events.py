"""Domain events: the complaint-and-resolution record, from first contact to closing.

The workflow only ever appends these; the state is a fold over them
(`domain.evolve.fold`), so the record and the state can never disagree.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas.actions import ManagerDecision
from schemas.intake import ComplaintIntake, CustomerDetails, DetailField, SafetyHazard, Severity
from schemas.messages import Outcome
from schemas.remedies import DeclineReason, Remedy
from schemas.sla import ClockKind
from schemas.staff import StaffMember, StaffRole

AGENT = "agent"
SAFETY_REPORTED = "safety hazard reported"
"""Why a flagged complaint is critical, and what its safety page says."""
"""Who decided, proposed or authorised when no person did: the engine, within policy."""
ABUSIVE_CONVERSATION = "abusive conversation"


class EscalationReason(StrEnum):
    BEYOND_AUTHORITY = "beyond_authority"
    NO_RECEIPT = "no_receipt"
    OUTSIDE_RETURN_WINDOW = "outside_return_window"
    MISSING_DETAILS = "missing_details"
    RUDE_EMPLOYEE = "rude_employee"
    APPEAL = "appeal"
    REOPENED_AGAIN = "reopened_again"
    REMEDY_FAILED = "remedy_failed"


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime


class Received(_Event):
    type: Literal["Received"] = "Received"
    intake: ComplaintIntake
    policy_version: str


class Acknowledged(_Event):
    type: Literal["Acknowledged"] = "Acknowledged"


class DetailsRequested(_Event):
    type: Literal["DetailsRequested"] = "DetailsRequested"
    missing: list[DetailField]
    reply_by: datetime


class DetailsProvided(_Event):
    type: Literal["DetailsProvided"] = "DetailsProvided"
    details: CustomerDetails


class DetailsDeadlinePassed(_Event):
    """We go on with what we know; what we cannot verify goes to a manager."""

    type: Literal["DetailsDeadlinePassed"] = "DetailsDeadlinePassed"
    still_missing: list[DetailField]


class Paused(_Event):
    type: Literal["Paused"] = "Paused"
    reason: str
    review_by: datetime
    """When the specialist is reminded if the conversation is still paused."""


class SpecialistAssigned(_Event):
    type: Literal["SpecialistAssigned"] = "SpecialistAssigned"
    page_id: str


class SpecialistReminded(_Event):
    type: Literal["SpecialistReminded"] = "SpecialistReminded"
    review_by: datetime


class Resumed(_Event):
    type: Literal["Resumed"] = "Resumed"
    staff_id: str
    note: str
    nonce: str
    """Of the signed assertion that carried it: never accepted twice."""


class SeverityRaised(_Event):
    """The assessment raised the complaint's severity (a reported hazard makes it critical)."""

    type: Literal["SeverityRaised"] = "SeverityRaised"
    from_severity: Severity
    to_severity: Severity
    reason: str


class SafetyReferred(_Event):
    """A reported hazard goes to the safety officers at once; nothing else happens before
    one of them acknowledges it."""

    type: Literal["SafetyReferred"] = "SafetyReferred"
    hazard: SafetyHazard
    review_by: datetime | None
    """When the safety officers are reminded if nobody has acknowledged it (None when the
    policy allows no reminder)."""


class SafetyOfficerPaged(_Event):
    type: Literal["SafetyOfficerPaged"] = "SafetyOfficerPaged"
    page_id: str


class SafetyReminded(_Event):
    type: Literal["SafetyReminded"] = "SafetyReminded"
    review_by: datetime | None
    """None after the last reminder the policy allows: the complaint waits without one."""


class SafetyAcknowledged(_Event):
    type: Literal["SafetyAcknowledged"] = "SafetyAcknowledged"
    staff_id: str
    note: str
    nonce: str
    """Of the signed assertion that carried it: never accepted twice."""


class MovedToOperations(_Event):
    """Nobody acted after the policy's reminders: the complaint moves to the operations queue
    and the reminders stop."""

    type: Literal["MovedToOperations"] = "MovedToOperations"
    waited_for: StaffRole
    """A specialist (a paused conversation) or a manager (the top escalation level)."""
    reminders: int
    """Reminders that went unanswered."""
    level: int | None = None
    """The escalation's level, when it waited for a manager."""


class Reassigned(_Event):
    """Operations hand the complaint back to a named specialist or manager, with a fresh
    deadline."""

    type: Literal["Reassigned"] = "Reassigned"
    staff_id: str
    """The operator who reassigned it."""
    assignee_id: str
    role: StaffRole
    level: int | None = None
    note: str
    nonce: str
    """Of the signed assertion that carried it: never accepted twice."""
    respond_by: datetime
    """The assignee's fresh deadline (the specialist's review, the manager's response)."""


class Apologised(_Event):
    type: Literal["Apologised"] = "Apologised"


class Thanked(_Event):
    type: Literal["Thanked"] = "Thanked"


class SolutionsProposed(_Event):
    type: Literal["SolutionsProposed"] = "SolutionsProposed"
    options: list[Remedy]
    default: Remedy
    choose_by: datetime
    proposed_by: str = AGENT


class SolutionChosen(_Event):
    type: Literal["SolutionChosen"] = "SolutionChosen"
    remedy: Remedy
    by: Literal["customer", "default"]


class Declined(_Event):
    type: Literal["Declined"] = "Declined"
    requested: Remedy | None
    reasons: list[DeclineReason]
    alternatives: list[Remedy]
    decided_by: str
    can_appeal: bool
    answer_by: datetime


class Appealed(_Event):
    type: Literal["Appealed"] = "Appealed"
    reason: str


class Escalated(_Event):
    type: Literal["Escalated"] = "Escalated"
    level: int
    reason: EscalationReason
    requested: Remedy | None
    policy_exception: bool
    """True when granting would break a rule: only an override may do that."""
    respond_by: datetime


class ManagerNotified(_Event):
    type: Literal["ManagerNotified"] = "ManagerNotified"
    level: int
    page_id: str


class ManagerReminded(_Event):
    type: Literal["ManagerReminded"] = "ManagerReminded"
    level: int
    respond_by: datetime


class EscalatedToNextLevel(_Event):
    type: Literal["EscalatedToNextLevel"] = "EscalatedToNextLevel"
    from_level: int
    to_level: int
    respond_by: datetime


class StaffIdentified(_Event):
    """Who may act now, as the staff directory says: their ids, levels, limits and keys."""

    type: Literal["StaffIdentified"] = "StaffIdentified"
    role: StaffRole
    level: int
    members: list[StaffMember]


class ManagerDecided(_Event):
    type: Literal["ManagerDecided"] = "ManagerDecided"
    decision: ManagerDecision
    decider_id: str
    level: int
    """The decider's level in the staff directory."""
    nonce: str
    awaiting_second: bool = False
    """A grant above the four-eyes threshold: it takes effect when a second, different
    manager decides the same."""


class CallbackPromised(_Event):
    type: Literal["CallbackPromised"] = "CallbackPromised"
    due: datetime


class CallbackMade(_Event):
    type: Literal["CallbackMade"] = "CallbackMade"
    promised_for: datetime


class RemedyExecuted(_Event):
    type: Literal["RemedyExecuted"] = "RemedyExecuted"
    remedy: Remedy
    reference: str
    authorised_by: str


class RemedyFailed(_Event):
    type: Literal["RemedyFailed"] = "RemedyFailed"
    remedy: Remedy
    error: str


class Resolved(_Event):
    type: Literal["Resolved"] = "Resolved"
    remedy: Remedy
    follow_up_at: datetime


class FollowUpSent(_Event):
    type: Literal["FollowUpSent"] = "FollowUpSent"
    reply_by: datetime
    reminder: bool


class FixConfirmed(_Event):
    type: Literal["FixConfirmed"] = "FixConfirmed"
    comment: str | None = None


class Reopened(_Event):
    type: Literal["Reopened"] = "Reopened"
    comment: str | None = None


class AftercareOpened(_Event):
    """The complaint closed resolved: its customer may reopen it until `reopen_until`, and
    is asked for their satisfaction at `survey_at` (None: a survey was sent already)."""

    type: Literal["AftercareOpened"] = "AftercareOpened"
    reopen_until: datetime
    survey_at: datetime | None


class SurveySent(_Event):
    type: Literal["SurveySent"] = "SurveySent"


class SurveyAnswered(_Event):
    type: Literal["SurveyAnswered"] = "SurveyAnswered"
    score: int = Field(ge=1, le=5)
    comment: str | None = None


class ReopenWindowClosed(_Event):
    """Nobody replied within the window: a later reply is a new complaint."""

    type: Literal["ReopenWindowClosed"] = "ReopenWindowClosed"


class LinkedToOpenComplaint(_Event):
    """Another complaint of the same customer about the same order is open: this one is
    added to it and never gets a remedy of its own."""

    type: Literal["LinkedToOpenComplaint"] = "LinkedToOpenComplaint"
    complaint_id: str


class EmployeeFollowUpRecorded(_Event):
    type: Literal["EmployeeFollowUpRecorded"] = "EmployeeFollowUpRecorded"
    employee_reference: str | None
    reference: str


class Withdrawn(_Event):
    type: Literal["Withdrawn"] = "Withdrawn"
    reason: str | None = None


class Closed(_Event):
    type: Literal["Closed"] = "Closed"
    outcome: Outcome


class SlaWarned(_Event):
    """A clock ran the policy's warning fraction of its target."""

    type: Literal["SlaWarned"] = "SlaWarned"
    clock: ClockKind
    due_at: datetime


class SlaBreached(_Event):
    """A clock ran its whole target; `escalate` when the policy escalates this clock."""

    type: Literal["SlaBreached"] = "SlaBreached"
    clock: ClockKind
    due_at: datetime
    escalate: bool


DomainEvent = Annotated[
    Received
    | Acknowledged
    | DetailsRequested
    | DetailsProvided
    | DetailsDeadlinePassed
    | Paused
    | SpecialistAssigned
    | SpecialistReminded
    | Resumed
    | SeverityRaised
    | SafetyReferred
    | SafetyOfficerPaged
    | SafetyReminded
    | SafetyAcknowledged
    | MovedToOperations
    | Reassigned
    | Apologised
    | Thanked
    | SolutionsProposed
    | SolutionChosen
    | Declined
    | Appealed
    | Escalated
    | ManagerNotified
    | ManagerReminded
    | EscalatedToNextLevel
    | StaffIdentified
    | ManagerDecided
    | CallbackPromised
    | CallbackMade
    | RemedyExecuted
    | RemedyFailed
    | Resolved
    | FollowUpSent
    | FixConfirmed
    | Reopened
    | EmployeeFollowUpRecorded
    | Withdrawn
    | Closed
    | SlaWarned
    | SlaBreached
    | AftercareOpened
    | SurveySent
    | SurveyAnswered
    | ReopenWindowClosed
    | LinkedToOpenComplaint,
    Field(discriminator="type"),
]

EVENT_LIST = TypeAdapter(list[DomainEvent])
"""Parses an event log (e.g. a query result) back into typed events."""
