"""Staff actions as the tests send them: signed with the demo staff's keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from devtools.demo_staff import demo_directory, demo_key
from domain.signatures import sign
from schemas import events as ev
from schemas.actions import (
    CustomerNote,
    DecisionKind,
    ManagerDecision,
    SafetyAcknowledgement,
    StaffResume,
)
from schemas.remedies import Remedy
from schemas.staff import Reassignment, SignedAssertion, StaffQuery, StaffRole
from sdk.signing import assertion

DIRECTORY = demo_directory()


def decision(
    complaint_id: str,
    kind: DecisionKind,
    remedy: Remedy | None = None,
    reason: str | None = None,
    by: str = "manager-1",
    now: datetime | None = None,
    valid_for: timedelta = timedelta(minutes=30),
) -> SignedAssertion:
    """`by`'s decision on the complaint, signed with their demo key."""
    content = ManagerDecision(kind=kind, remedy=remedy, reason=reason)
    claim = assertion(complaint_id, by, decision=content, now=now, valid_for=valid_for)
    return sign(claim, demo_key(by))


def resume(
    complaint_id: str,
    note: str = "Calm again; we spoke by phone",
    by: str = "specialist-1",
    now: datetime | None = None,
) -> SignedAssertion:
    claim = assertion(
        complaint_id, by, resume=StaffResume(note=note), now=now, valid_for=timedelta(minutes=30)
    )
    return sign(claim, demo_key(by))


def safety_seen(
    complaint_id: str,
    note: str = "Spoke to the customer; product withdrawn from sale",
    by: str = "safety-1",
    now: datetime | None = None,
    key_of: str | None = None,
) -> SignedAssertion:
    """`by`'s acknowledgement of a reported hazard, signed with `key_of`'s demo key (theirs
    by default: another's key is a forgery)."""
    content = SafetyAcknowledgement(note=note)
    claim = assertion(complaint_id, by, safety=content, now=now, valid_for=timedelta(minutes=30))
    return sign(claim, demo_key(key_of or by))


def identified(role: StaffRole, level: int = 0, at: datetime | None = None) -> ev.StaffIdentified:
    """What the workflow records when it asks the demo directory who may act."""
    members = DIRECTORY.find(StaffQuery(complaint_id="-", role=role, min_level=level))
    return ev.StaffIdentified(at=at or datetime.now(UTC), role=role, level=level, members=members)


@dataclass(frozen=True)
class Unsigned:
    """A staff action the driver signs when it sends it, with the complaint's own clock
    (the time-skipping server's runs days ahead of this machine's)."""

    by: str
    decision: ManagerDecision | None = None
    resume: StaffResume | None = None
    safety: SafetyAcknowledgement | None = None
    reassignment: Reassignment | None = None

    def signed(self, complaint_id: str, now: datetime) -> SignedAssertion:
        claim = assertion(
            complaint_id,
            self.by,
            decision=self.decision,
            resume=self.resume,
            safety=self.safety,
            reassignment=self.reassignment,
            now=now,
            valid_for=timedelta(minutes=30),
        )
        return sign(claim, demo_key(self.by))


def manager(
    kind: DecisionKind,
    level: int = 1,
    remedy: Remedy | None = None,
    reason: str | None = None,
    customer_note: CustomerNote | None = None,
) -> Unsigned:
    """The demo manager `manager-<level>` decides."""
    decision = ManagerDecision(kind=kind, remedy=remedy, reason=reason, customer_note=customer_note)
    return Unsigned(f"manager-{level}", decision=decision)


def specialist(note: str = "Calm again; we spoke by phone") -> Unsigned:
    return Unsigned("specialist-1", resume=StaffResume(note=note))


def safety_officer(
    note: str = "Spoke to the customer; product withdrawn from sale", by: str = "safety-1"
) -> Unsigned:
    return Unsigned(by, safety=SafetyAcknowledgement(note=note))


def operator(
    assignee: str = "specialist-1",
    note: str = "Back to you: the customer is waiting",
    by: str = "operations-1",
) -> Unsigned:
    """`by` (the demo operations coordinator) hands the complaint to `assignee`."""
    return Unsigned(by, reassignment=Reassignment(assignee_id=assignee, note=note))
