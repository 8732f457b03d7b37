"""The timeline reads as a story, one dated line per event, with contacts masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import get_args

from schemas import events as ev
from schemas.actions import DecisionKind, ManagerDecision
from schemas.events import DomainEvent, EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact, HazardKind, SafetyHazard, Severity
from schemas.remedies import Remedy, RemedyKind
from sdk import timeline as tl

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("449.00"))
INTAKE = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-7",
    customer_name="Olga",
    contact=Contact(email="olga@example.ru"),
    category=Category.DEFECTIVE_PRODUCT,
    description="Motor burnt out with a smell of smoke",
    amount=Decimal("449.00"),
)


def test_an_escalation_decided_by_a_manager_reads_as_a_story():
    lines = tl.timeline(
        [
            ev.Received(at=T0, intake=INTAKE, policy_version="v1"),
            ev.Escalated(
                at=T0 + timedelta(minutes=1),
                level=1,
                reason=EscalationReason.OUTSIDE_RETURN_WINDOW,
                requested=REFUND,
                policy_exception=True,
                respond_by=T0 + timedelta(days=1),
            ),
            ev.ManagerDecided(
                at=T0 + timedelta(minutes=2),
                decision=ManagerDecision(
                    kind=DecisionKind.OVERRIDE,
                    remedy=REFUND,
                    reason="Known batch defect; call her at +7 900 000 0000",
                ),
                decider_id="ana",
                level=1,
                nonce="n" * 16,
            ),
        ]
    )
    assert lines == [
        "2026-11-25 09:00 UTC  filed by customer cust-7 via email: defective product, "
        "severity medium, amount 449.00",
        "2026-11-25 09:01 UTC  escalated to level 1 (outside return window, requested refund "
        "449.00, needs a policy exception; respond by 2026-11-26 09:00 UTC)",
        '2026-11-25 09:02 UTC  ana (level 1): override refund 449.00: "Known batch defect; '
        'call her at <phone>"',
    ]


def test_the_safety_path_reads_as_a_story_with_free_text_redacted():
    hazard = SafetyHazard(kind=HazardKind.SAFETY_HAZARD, description="Sparks; call +7 900 000 0000")
    lines = tl.timeline(
        [
            ev.SeverityRaised(
                at=T0,
                from_severity=Severity.MEDIUM,
                to_severity=Severity.CRITICAL,
                reason="safety hazard reported",
            ),
            ev.SafetyReferred(at=T0, hazard=hazard, review_by=T0 + timedelta(hours=1)),
            ev.SafetyReminded(at=T0 + timedelta(hours=1), review_by=None),
            ev.SafetyAcknowledged(
                at=T0 + timedelta(hours=2), staff_id="safety-1", note="Recalled", nonce="n" * 16
            ),
        ]
    )
    assert lines == [
        '2026-11-25 09:00 UTC  severity raised from medium to critical: "safety hazard reported"',
        "2026-11-25 09:00 UTC  referred to the safety officers (safety hazard): "
        '"Sparks; call <phone>"',
        "2026-11-25 10:00 UTC  safety officers reminded (the last reminder)",
        '2026-11-25 11:00 UTC  safety report acknowledged by safety-1: "Recalled"',
    ]


def test_every_event_type_has_its_own_sentence():
    """A new event type must get a case in `describe`, not fall back to its bare name."""
    source = open(tl.__file__, encoding="utf-8").read()
    event_types = [t.__name__ for t in get_args(get_args(DomainEvent)[0])]
    assert len(event_types) > 20
    assert [name for name in event_types if f"case ev.{name}(" not in source] == []


def test_amounts_read_in_two_decimals_and_an_approval_says_what_it_grants():
    whole = INTAKE.model_copy(update={"amount": Decimal("449")})
    approval = ManagerDecision(kind=DecisionKind.APPROVE)
    worthless = Remedy(kind=RemedyKind.REFUND, amount=Decimal("0"))
    lines = tl.timeline(
        [
            ev.Received(at=T0, intake=whole, policy_version="v1"),
            ev.Escalated(
                at=T0,
                level=1,
                reason=EscalationReason.BEYOND_AUTHORITY,
                requested=Remedy(kind=RemedyKind.REFUND, amount=Decimal("449")),
                policy_exception=False,
                respond_by=T0,
            ),
            ev.ManagerDecided(at=T0, decision=approval, decider_id="ana", level=1, nonce="n" * 16),
            ev.SolutionChosen(at=T0, remedy=worthless, by="customer"),
        ]
    )
    assert lines[0].endswith("severity medium, amount 449.00")
    assert lines[2].endswith("ana (level 1): approve (the requested refund 449.00)")
    assert lines[3].endswith("customer chose refund 0.00")
