"""Which ISO 10002 stage a complaint is in: derived from its state, never stored."""

from __future__ import annotations

from schemas.stages import Stage
from schemas.state import ComplaintState, Status


def stage_of(state: ComplaintState) -> Stage:
    """The stage a customer is told; the internal `Status` stays what the lifecycle uses."""
    match state.status:
        case Status.CLOSED:
            return Stage.CLOSED
        case Status.RESOLVED | Status.AWAITING_CONFIRMATION:
            return Stage.DECIDED
        case Status.AWAITING_CHOICE | Status.DECLINED:
            return Stage.RESPONDED
        case Status.AWAITING_SAFETY:
            return Stage.ASSESSING
        case Status.AWAITING_MANAGER | Status.PAUSED | Status.IN_OPERATIONS:
            return Stage.INVESTIGATING
    if state.outcome is not None:
        return Stage.CLOSED
    if state.chosen is not None:
        return Stage.DECIDED
    if state.apologised or state.thanked:
        return Stage.ASSESSED
    if state.acknowledged:
        return Stage.ACKNOWLEDGED
    return Stage.RECEIVED
