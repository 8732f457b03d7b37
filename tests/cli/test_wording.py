"""What the CLI says about where a complaint stands: words, never enum names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cli.main import _standing
from domain.evolve import fold
from schemas import events as ev
from schemas.messages import Outcome
from schemas.state import ComplaintState, Status, WaitingOn
from tests.factories import make_intake


@pytest.mark.parametrize("waiting_on", list(WaitingOn), ids=lambda w: w.name)
def test_a_wait_reads_as_the_workflows_own_phrase(waiting_on: WaitingOn):
    state = ComplaintState(status=Status.AWAITING_MANAGER)
    assert _standing(state, waiting_on) == f"awaiting manager, waiting for {waiting_on.value}"
    assert waiting_on.name not in _standing(state, waiting_on)


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.name)
def test_every_status_reads_as_words(status: Status):
    text = _standing(ComplaintState(status=status), None)
    assert "_" not in text and status.name not in text


def test_a_closed_complaint_says_how_it_ended():
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    closed = fold(
        [
            ev.Received(at=at, intake=make_intake(), policy_version="v1"),
            ev.Closed(at=at, outcome=Outcome.RESOLVED_UNCONFIRMED),
        ]
    )
    assert _standing(closed, None) == "closed (resolved unconfirmed)"
