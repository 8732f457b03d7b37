"""What each local effect's activity is called: by what it does, one name per kind.

The Temporal UI's Timeline labels a local activity by its activity type alone (the summary
shows only in Event History), so "tell customer: apology" and "page manager: reminder" are
types of their own, each registered for the method that carries it out
(`ComplaintActivities.as_list`) and called by that name (`workflows.effects`). The remedy is
a regular activity, `execute_remedy`, which the Timeline shows with its summary.
"""

from __future__ import annotations

from domain.wording import words
from schemas.effects import PageKind
from schemas.messages import MessageKind
from schemas.staff import StaffRole

EMPLOYEE_FOLLOW_UP = "record employee follow-up"
CLAIM_ORDER = "claim order"
RELEASE_ORDER = "release order"


def tell(kind: MessageKind) -> str:
    """e.g. "tell customer: follow up reminder"."""
    return f"tell customer: {words(kind.value)}"


STAFF_PAGES = {
    PageKind.SPECIALIST: "page specialist",
    PageKind.SAFETY: "page safety officer",
    PageKind.OPERATIONS: "page operations",
}
"""Pages to staff who are not managers: a specialist (abusive), a safety officer (hazard),
operations (nobody acted after the reminders)."""


def page(kind: PageKind) -> str:
    """e.g. "page manager: escalation", "page specialist" (an abusive conversation) or
    "page safety officer" (a reported hazard)."""
    return STAFF_PAGES.get(kind) or f"page manager: {words(kind.value)}"


_FIND = {StaffRole.SAFETY: "find safety officers", StaffRole.OPERATIONS: "find operations staff"}


def find(role: StaffRole) -> str:
    """e.g. "find managers", "find safety officers": who may act, from the staff directory."""
    return _FIND.get(role) or f"find {role.value}s"
