"""Whether a complaint has reached what a client waits for, or never can any more.

Pure: the workflow passes what only it knows (whom it waits on now, whether the
acknowledgement is out) and calls these on every step, so a waiting client is answered on
the step that gets there and refused as soon as it cannot.
"""

from __future__ import annotations

from schemas.staff import StaffRole
from schemas.state import ComplaintState, Status, WaitingOn
from schemas.waits import WaitFor

WAIT_OF_STATUS: dict[WaitingOn, Status] = {
    WaitingOn.DETAILS: Status.AWAITING_DETAILS,
    WaitingOn.SPECIALIST: Status.PAUSED,
    WaitingOn.SAFETY: Status.AWAITING_SAFETY,
    WaitingOn.CHOICE: Status.AWAITING_CHOICE,
    WaitingOn.DECLINE_ANSWER: Status.DECLINED,
    WaitingOn.MANAGER: Status.AWAITING_MANAGER,
    WaitingOn.FOLLOW_UP_DATE: Status.RESOLVED,
    WaitingOn.FOLLOW_UP_ANSWER: Status.AWAITING_CONFIRMATION,
    WaitingOn.OPERATIONS: Status.IN_OPERATIONS,
    WaitingOn.SURVEY_DATE: Status.CLOSED,
    WaitingOn.REOPEN_WINDOW: Status.CLOSED,
}
"""The status a complaint has while the workflow waits on each."""


def reached(
    wait: WaitFor, state: ComplaintState, waiting_on: WaitingOn | None, acknowledged: bool
) -> bool:
    return (
        (wait.status is None or state.status is wait.status)
        and (wait.waiting_on is None or waiting_on is wait.waiting_on)
        and (not wait.acknowledged or acknowledged)
        and _level_reached(wait, state)
        and (not wait.settled or waiting_on is not None or state.closed)
    )


def never(wait: WaitFor, state: ComplaintState) -> str | None:
    """Why the complaint can no longer reach `wait` (None: it still may, or already has).

    The opening steps happen once, in order: received, awaiting safety (intakes reporting a
    hazard only), paused (abusive intakes only), awaiting details; a closed complaint stays
    closed.
    """
    status = wait.status
    if wait.waiting_on is not None:
        of_wait = WAIT_OF_STATUS[wait.waiting_on]
        if status is not None and status is not of_wait:
            return (
                f"a complaint waiting for {wait.waiting_on.value} is {of_wait.value}, "
                f"never {status.value}"
            )
        status = of_wait
    if state.closed:
        if status in (None, Status.CLOSED) and _level_reached(wait, state):
            return None
        return f"the complaint is closed: it will never reach {wait.describe()}"
    if status is None or status is state.status:
        return None
    if status is Status.RECEIVED:
        return f"the complaint is {state.status.value}: it was received already"
    if status is Status.AWAITING_SAFETY:
        if state.intake is not None and state.intake.safety is None:
            return "only a complaint that reports a hazard awaits a safety officer"
        if state.safety_acknowledged_by is not None or state.status is not Status.RECEIVED:
            return f"the complaint is {state.status.value}: the safety review comes first"
    if status is Status.PAUSED:
        if state.intake is not None and not state.intake.abusive:
            return "only an abusive conversation is paused, and this one is not"
        case = state.operations
        handed_back = case is not None and case.waited_for is StaffRole.SPECIALIST
        opening = state.status in (Status.RECEIVED, Status.AWAITING_SAFETY)
        if not (opening or handed_back or _just_seen(state)):
            return f"the complaint is {state.status.value}: a pause comes first or never"
    if status in (Status.PAUSED, Status.AWAITING_DETAILS) and _past_listening(state):
        return f"the complaint is past listening ({state.status.value}): never {status.value} again"
    return None


def _level_reached(wait: WaitFor, state: ComplaintState) -> bool:
    return wait.escalation_level is None or state.escalation_level >= wait.escalation_level


def _just_seen(state: ComplaintState) -> bool:
    """A reported hazard was acknowledged and nothing has happened since (a pause may come)."""
    return (
        state.safety_acknowledged_by is not None
        and state.status is Status.IN_PROGRESS
        and not state.missing_details
        and not _past_listening(state)
    )


def _past_listening(state: ComplaintState) -> bool:
    """Solutions were sought: listening (details asked once at most) is over for good."""
    return bool(state.options or state.decline_reasons) or state.chosen is not None
