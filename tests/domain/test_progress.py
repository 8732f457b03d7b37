"""What a client may wait for: reached, still possible, or never (with the reason)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from domain.progress import WAIT_OF_STATUS, never, reached
from schemas.intake import HazardKind, SafetyHazard
from schemas.remedies import Remedy, RemedyKind
from schemas.state import ComplaintState, Status, WaitingOn
from schemas.waits import WaitFor
from tests.factories import make_intake

INTAKE = make_intake()
FLAGGED = make_intake(
    safety=SafetyHazard(kind=HazardKind.HEALTH, description="A rash after one use"), abusive=True
)


def at(status: Status, **fields) -> ComplaintState:
    return ComplaintState(status=status, intake=INTAKE, **fields)


def test_a_wait_names_something_and_a_bounded_timeout():
    with pytest.raises(ValidationError, match="none was given"):
        WaitFor()
    with pytest.raises(ValidationError):
        WaitFor(status=Status.CLOSED, timeout=timedelta(days=60))
    assert WaitFor.model_validate_json('{"status": "closed", "timeout": "PT30S"}').timeout == (
        timedelta(seconds=30)
    )


def test_reached_needs_every_field_given():
    wait = WaitFor(status=Status.AWAITING_CHOICE, waiting_on=WaitingOn.CHOICE)
    assert not reached(wait, at(Status.AWAITING_CHOICE), None, True)  # not settled yet
    assert reached(wait, at(Status.AWAITING_CHOICE), WaitingOn.CHOICE, True)
    assert not reached(WaitFor(acknowledged=True), at(Status.RECEIVED), None, False)
    assert reached(WaitFor(acknowledged=True), at(Status.RECEIVED), None, True)
    settled = WaitFor(settled=True)
    assert not reached(settled, at(Status.IN_PROGRESS), None, True)  # still at work
    assert reached(settled, at(Status.DECLINED), WaitingOn.DECLINE_ANSWER, True)
    assert reached(settled, at(Status.CLOSED), None, True)


@pytest.mark.parametrize(
    ("wait", "state", "reason"),
    [
        (WaitFor(status=Status.RECEIVED), at(Status.AWAITING_CHOICE), "received already"),
        (WaitFor(status=Status.PAUSED), at(Status.RECEIVED), "only an abusive conversation"),
        (
            WaitFor(waiting_on=WaitingOn.SAFETY),
            at(Status.RECEIVED),
            "only a complaint that reports a hazard",
        ),
        (
            WaitFor(status=Status.AWAITING_SAFETY),
            ComplaintState(
                status=Status.IN_PROGRESS, intake=FLAGGED, safety_acknowledged_by="safety-1"
            ),
            "the safety review comes first",
        ),
        (
            WaitFor(waiting_on=WaitingOn.DETAILS),
            at(Status.AWAITING_CHOICE, options=[Remedy(kind=RemedyKind.REPAIR)]),
            "past listening",
        ),
        (
            WaitFor(status=Status.AWAITING_MANAGER),
            at(Status.CLOSED),
            "closed: it will never reach status awaiting_manager",
        ),
        (WaitFor(escalation_level=2), at(Status.CLOSED), "never reach escalation level 2"),
        (
            WaitFor(status=Status.RESOLVED, waiting_on=WaitingOn.MANAGER),
            at(Status.AWAITING_CHOICE),
            "is awaiting_manager, never resolved",
        ),
    ],
)
def test_never_says_why(wait, state, reason):
    assert reason in (never(wait, state) or "")


@pytest.mark.parametrize(
    ("wait", "state"),
    [
        (WaitFor(status=Status.AWAITING_CHOICE), at(Status.AWAITING_CONFIRMATION)),  # reopens
        (WaitFor(status=Status.AWAITING_MANAGER), at(Status.DECLINED)),  # appeal
        (WaitFor(status=Status.CLOSED), at(Status.CLOSED)),
        (WaitFor(status=Status.PAUSED), ComplaintState()),  # before the intake is folded
        (WaitFor(status=Status.AWAITING_SAFETY), ComplaintState(intake=FLAGGED)),
        (
            WaitFor(status=Status.PAUSED),
            ComplaintState(status=Status.AWAITING_SAFETY, intake=FLAGGED),
        ),
        (
            WaitFor(waiting_on=WaitingOn.SPECIALIST),
            ComplaintState(
                status=Status.IN_PROGRESS, intake=FLAGGED, safety_acknowledged_by="safety-1"
            ),
        ),
        (WaitFor(escalation_level=2), at(Status.AWAITING_MANAGER)),
        (WaitFor(waiting_on=WaitingOn.DETAILS), at(Status.RECEIVED, apologised=True)),
    ],
)
def test_what_may_still_come_is_not_refused(wait, state):
    assert never(wait, state) is None


def test_every_wait_has_its_status():
    assert set(WAIT_OF_STATUS) == set(WaitingOn)
