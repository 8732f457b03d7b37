"""What a lifecycle reaction asks for: events to record and effects to run, in order.

A plan is data, so every rule can be tested without Temporal; the workflow walks it,
recording each event and running each effect, then asks `domain.lifecycle.after` what
the effect's result means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schemas.effects import EmployeeFollowUpReceipt, OrderClaimReceipt, PageKind, RemedyReceipt
from schemas.events import DomainEvent
from schemas.messages import MessageKind
from schemas.remedies import Remedy
from schemas.staff import StaffMember, StaffRole


class Effect:
    """Something a plan asks the workflow to do (as an activity), as opposed to record."""


@dataclass(frozen=True)
class Tell(Effect):
    """Send the customer a message of this kind; `facts` are `MessageContext` fields."""

    kind: MessageKind
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page(Effect):
    """Page a manager (or the specialist) about the complaint."""

    kind: PageKind
    level: int
    title: str
    reason: str
    requested: Remedy | None = None
    respond_by: datetime | None = None


@dataclass(frozen=True)
class FindStaff(Effect):
    """Ask the staff directory who may act now: managers at `min_level` or above, or the
    specialists, covering the complaint's store."""

    role: StaffRole
    min_level: int = 0


@dataclass(frozen=True)
class ExecuteRemedy(Effect):
    """Carry out the remedy that `authorised_by` granted: the one effect that moves money."""

    remedy: Remedy
    authorised_by: str


@dataclass(frozen=True)
class RecordEmployeeFollowUp(Effect):
    """After the customer's problem, the employee's: their manager follows up (coaching)."""

    manager_id: str | None


@dataclass(frozen=True)
class ClaimOrder(Effect):
    """Tell the commerce backend this complaint handles its order (`release`: no longer);
    it answers which complaint holds the order."""

    release: bool = False


@dataclass(frozen=True)
class Refused:
    """The commerce backend's business refusal of a remedy: retrying will not change it."""

    reason: str


Step = DomainEvent | Effect
Plan = list[Step]
EffectResult = (
    None
    | str
    | list[StaffMember]
    | RemedyReceipt
    | Refused
    | EmployeeFollowUpReceipt
    | OrderClaimReceipt
)
"""What running an effect returns: nothing (a message), a page id, the staff found, a
remedy's receipt or refusal, the employee follow-up's receipt, an order claim's holder."""
