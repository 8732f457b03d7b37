"""Who may decide: the staff directory's people, and the assertions they sign.

The directory is the server side's word on identity, role, level, stores and authority
limit; a decision or a resume carries an assertion signed by the component that
authenticated the person, which the workflow verifies against the public key the
directory holds for them. Nothing a caller writes into the payload sets a level or a limit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from schemas.actions import ManagerDecision, SafetyAcknowledgement, StaffResume
from schemas.intake import ComplaintId
from schemas.text import Reason

StaffId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}$")]
StoreId = Annotated[str, StringConstraints(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$")]
ANY_STORE = "*"
PublicKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")]
"""An Ed25519 public key: 32 bytes, URL-safe base64."""


class StaffRole(StrEnum):
    MANAGER = "manager"
    """Decides escalations at their level and below, within their authority limit."""
    SPECIALIST = "specialist"
    """Takes over paused (abusive) conversations and resumes them."""
    SAFETY = "safety"
    """Sees every complaint that reports an injury, a health risk or a safety hazard first."""
    OPERATIONS = "operations"
    """Reassigns complaints nobody acted on after the policy's reminders."""


class StaffMember(BaseModel):
    """One person in the staff directory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    staff_id: StaffId
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: StaffRole
    title: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    level: int = Field(default=0, ge=0, le=10)
    """A manager's escalation level (1 is the first rung); 0 for everyone else."""
    authority_limit: Decimal = Field(default=Decimal(0), ge=0, le=10_000_000)
    """The most this person may grant on one complaint, everything counted."""
    stores: list[StoreId] = Field(default_factory=lambda: [ANY_STORE], min_length=1)
    reports_to: StaffId | None = None
    public_key: PublicKey

    @model_validator(mode="after")
    def _manager_has_a_level(self) -> StaffMember:
        if (self.role is StaffRole.MANAGER) != (self.level >= 1):
            raise ValueError("managers have a level of 1 or more; specialists have none")
        return self

    def covers(self, store: str | None) -> bool:
        return ANY_STORE in self.stores or store is None or store in self.stores


class StaffQuery(BaseModel):
    """Whom to look up in the directory for one complaint."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    complaint_id: str
    role: StaffRole
    min_level: int = 0
    store: str | None = None


class StaffDirectory(BaseModel):
    """The directory as a document (the embedded default, or what an HTTP directory returns)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    members: list[StaffMember]

    @model_validator(mode="after")
    def _ids_are_unique(self) -> StaffDirectory:
        ids = [m.staff_id for m in self.members]
        if len(ids) != len(set(ids)):
            raise ValueError("staff ids must be unique")
        return self

    def find(self, query: StaffQuery) -> list[StaffMember]:
        """Who may act: the role, at the level or above, covering the complaint's store."""
        return [
            m
            for m in self.members
            if m.role is query.role and m.level >= query.min_level and m.covers(query.store)
        ]

    def member(self, staff_id: str) -> StaffMember | None:
        return next((m for m in self.members if m.staff_id == staff_id), None)


class Reassignment(BaseModel):
    """Operations hand a complaint nobody acted on to a named person, signed by the operator;
    the workflow checks the person against the staff directory's list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    assignee_id: StaffId
    note: Reason


Nonce = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,128}$")]


class StaffAssertion(BaseModel):
    """What a staff member's signature covers: who, which complaint, which action, until when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    complaint_id: ComplaintId
    staff_id: StaffId
    action: Literal["decide_escalation", "resume", "acknowledge_safety", "reassign"]
    decision: ManagerDecision | None = None
    resume: StaffResume | None = None
    safety: SafetyAcknowledgement | None = Field(
        default=None, exclude_if=lambda content: content is None
    )
    """Absent from the JSON when unset: the signed bytes of other assertions are unchanged."""
    reassignment: Reassignment | None = Field(
        default=None, exclude_if=lambda content: content is None
    )
    """Absent from the JSON when unset, as `safety` is."""
    nonce: Nonce
    """Unique per assertion: a complaint records every nonce it accepted and refuses a replay."""
    expires_at: datetime

    @model_validator(mode="after")
    def _says_what_it_authorises(self) -> StaffAssertion:
        wanted = {
            "decide_escalation": self.decision,
            "resume": self.resume,
            "acknowledge_safety": self.safety,
            "reassign": self.reassignment,
        }
        if wanted[self.action] is None or sum(v is not None for v in wanted.values()) != 1:
            raise ValueError(f"a {self.action} assertion carries exactly its own content")
        return self


class SignedAssertion(BaseModel):
    """The argument of `decide_escalation`, `resume`, `acknowledge_safety` and `reassign`: an
    assertion and its signature."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    assertion: StaffAssertion
    signature: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{86}$")]
    """Ed25519 over `domain.signatures.canonical(assertion)`, URL-safe base64."""
