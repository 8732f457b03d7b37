"""The stages of complaint handling as ISO 10002 names them: what a customer or a backend
is told when they ask where a complaint stands."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    RECEIVED = "received"
    """Recorded with its unique id."""
    ACKNOWLEDGED = "acknowledged"
    """The customer was told we have it; we may be asking what is missing."""
    ASSESSING = "assessing"
    """The initial assessment is under way: a safety officer looks at a reported hazard."""
    ASSESSED = "assessed"
    """The initial assessment is done (what happened, how severe): a response is next."""
    INVESTIGATING = "investigating"
    """Someone beyond the agent looks into it: a manager, or a specialist."""
    RESPONDED = "responded"
    """We answered with what we can do (proposals, or a decline with alternatives)."""
    DECIDED = "decided"
    """A remedy was decided and carried out; we check that it worked."""
    CLOSED = "closed"
