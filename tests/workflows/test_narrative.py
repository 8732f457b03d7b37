"""What the Temporal UI shows: the facts at start and where the complaint stands now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.evolve import fold
from schemas import events as ev
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.state import WaitingOn
from workflows.narrative import current_details, start_details, start_summary

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
POLICY = CompanyPolicy()
INTAKE = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-7",
    customer_name="Olga",
    contact=Contact(email="olga@example.ru", phone="+7 900 000 0000"),
    category=Category.DEFECTIVE_PRODUCT,
    description="Motor burnt out; call me on +7 900 000 0000 or olga@example.ru",
    order_reference="ORD-7",
    amount=Decimal("449.00"),
)
FILED = [ev.Received(at=T0, intake=INTAKE, policy_version="v1")]


def test_start_texts_tell_the_facts_without_contact_details():
    summary = start_summary(INTAKE)
    details = start_details(INTAKE)
    assert summary == "defective product, medium: ORD-7 (customer cust-7)"
    assert "449.00" in details and "ORD-7" in details
    for secret in ("olga@example.ru", "900 000", "Olga"):
        assert secret not in summary + details


def test_current_details_say_who_we_wait_for_and_until_when():
    escalated = fold(
        [
            *FILED,
            ev.Escalated(
                at=T0,
                level=1,
                reason=EscalationReason.BEYOND_AUTHORITY,
                requested=Remedy(kind=RemedyKind.REFUND, amount=Decimal("449.00")),
                policy_exception=False,
                respond_by=T0 + timedelta(days=1),
            ),
            ev.CallbackPromised(at=T0, due=T0 + timedelta(days=2)),
        ]
    )
    text = current_details(escalated, WaitingOn.MANAGER, POLICY)
    assert "awaiting manager" in text and "level 1 Shift manager" in text
    assert "**Waiting for** a manager's decision" in text
    assert "**Until** 2026-11-26 09:00 UTC" in text
    assert "**Next callback** 2026-11-27 09:00 UTC" in text
    assert text.endswith("**Policy** 2026-11-default")


def test_a_closed_complaint_shows_its_outcome_and_no_deadline():
    remedy = Remedy(kind=RemedyKind.REPLACEMENT)
    closed = fold(
        [
            *FILED,
            ev.Resolved(at=T0, remedy=remedy, follow_up_at=T0 + timedelta(days=4)),
            ev.FixConfirmed(at=T0),
            ev.Closed(at=T0, outcome="resolved_confirmed"),
        ]
    )
    text = current_details(closed, None, POLICY)
    assert text.startswith("**Status** closed (resolved confirmed)")
    assert "**Carried out** replacement" in text
    assert "Until" not in text and "Waiting" not in text


@pytest.mark.parametrize("waiting_on", list(WaitingOn), ids=lambda w: w.name)
def test_what_a_complaint_waits_for_reads_as_words(waiting_on: WaitingOn):
    text = current_details(fold(FILED), waiting_on, POLICY)
    assert f"**Waiting for** {waiting_on.value}" in text
    phrase = text.split("**Waiting for** ", 1)[1].split("\n", 1)[0]
    assert "_" not in phrase and waiting_on.name not in phrase and " is due" not in phrase
