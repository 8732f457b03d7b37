"""What staff lists show of a complaint without asking it: the workflow keeps it in its memo
(`workflows.search_attributes.listing_for`), so a list is one visibility call."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from schemas.remedies import Remedy

LISTING_MEMO = "listing"
"""The memo key that holds a complaint's `Listing`."""


class ListedEscalation(BaseModel):
    """The open escalation, as the managers' inbox shows it."""

    model_config = ConfigDict(frozen=True)

    level: int
    requested: Remedy | None
    policy_exception: bool
    respond_by: datetime
    """When the reminder goes out (not reminded yet) or the next level takes over."""
    reminded: bool


class Listing(BaseModel):
    """A complaint's row in the staff lists."""

    model_config = ConfigDict(frozen=True)

    store: str | None = None
    order_reference: str | None = None
    escalation: ListedEscalation | None = None
    """Set while the complaint waits for a manager."""
    safety_review_by: datetime | None = None
    """When the safety officers are reminded, while a reported hazard waits for them."""

    @property
    def lists_something(self) -> bool:
        """Whether the row says more than the search attributes (store, order) do."""
        return self.escalation is not None or self.safety_review_by is not None
