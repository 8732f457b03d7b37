"""The ISO 10002 stage a complaint is told to be in, from its record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.evolve import fold
from domain.stages import stage_of
from schemas import events as ev
from schemas.intake import DetailField
from schemas.messages import Outcome
from schemas.remedies import Remedy, RemedyKind
from schemas.stages import Stage
from tests.factories import make_intake

T = datetime(2026, 12, 7, 9, tzinfo=UTC)
LATER = T + timedelta(days=2)
KETTLE = Remedy(kind=RemedyKind.REPLACEMENT, amount=Decimal("49.90"))
RECEIVED = [ev.Received(at=T, intake=make_intake(), policy_version="v1")]
ACKNOWLEDGED = [*RECEIVED, ev.Acknowledged(at=T)]
ASKED = [*ACKNOWLEDGED, ev.DetailsRequested(at=T, missing=[DetailField.AMOUNT], reply_by=LATER)]
ASSESSED = [*ACKNOWLEDGED, ev.Apologised(at=T), ev.Thanked(at=T)]
RESPONDED = [
    *ASSESSED,
    ev.SolutionsProposed(at=T, options=[KETTLE], default=KETTLE, choose_by=LATER),
]
CHOSEN = [*RESPONDED, ev.SolutionChosen(at=T, remedy=KETTLE, by="customer")]
ESCALATED = [
    *ASSESSED,
    ev.Escalated(
        at=T,
        level=1,
        reason=ev.EscalationReason.BEYOND_AUTHORITY,
        requested=KETTLE,
        policy_exception=False,
        respond_by=LATER,
    ),
]
DECIDED = [*CHOSEN, ev.Resolved(at=T, remedy=KETTLE, follow_up_at=LATER)]
CLOSED = [*DECIDED, ev.Closed(at=T, outcome=Outcome.RESOLVED_CONFIRMED)]


@pytest.mark.parametrize(
    "events, stage",
    [
        (RECEIVED, Stage.RECEIVED),
        (ACKNOWLEDGED, Stage.ACKNOWLEDGED),
        (ASKED, Stage.ACKNOWLEDGED),
        (ASSESSED, Stage.ASSESSED),
        (RESPONDED, Stage.RESPONDED),
        (CHOSEN, Stage.DECIDED),
        (ESCALATED, Stage.INVESTIGATING),
        (DECIDED, Stage.DECIDED),
        (CLOSED, Stage.CLOSED),
    ],
    ids=["received", "acknowledged", "asking", "assessed", "responded", "chosen", "escalated",
         "decided", "closed"],
)  # fmt: skip
def test_each_state_is_told_as_its_iso_10002_stage(events, stage):
    assert stage_of(fold(events)) is stage
