"""The ISO 10002 safety path in the pure domain: a reported hazard is critical, goes to a
safety officer at once, and nothing else happens before one acknowledges it, signed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from domain import commands, lifecycle, sla
from domain.errors import InvalidAction
from domain.evolve import evolve, fold
from domain.plan import FindStaff, Page, Tell
from domain.signatures import sign
from domain.stages import stage_of
from schemas import events as ev
from schemas.actions import CustomerChoice, Withdrawal
from schemas.effects import PageKind
from schemas.intake import (
    Category,
    ComplaintIntake,
    Contact,
    HazardKind,
    SafetyHazard,
    Severity,
)
from schemas.messages import MessageKind
from schemas.policy import CompanyPolicy
from schemas.remedies import RemedyKind
from schemas.sla import ClockKind
from schemas.staff import SignedAssertion, StaffRole
from schemas.stages import Stage
from schemas.state import Status, WaitingOn
from tests.signing import identified, resume, safety_seen

T = datetime(2026, 11, 25, 10, tzinfo=UTC)
POLICY = CompanyPolicy()
HAZARD = SafetyHazard(kind=HazardKind.INJURY, description="The kettle's handle broke; burnt hand")
PLAIN = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-1",
    customer_name="Ana",
    contact=Contact(email="ana@example.hr"),
    category=Category.DEFECTIVE_PRODUCT,
    description="The kettle's handle came off while pouring",
    amount=Decimal("39.00"),
    order_reference="ORD-1",
    receipt_present=True,
)
FLAGGED = PLAIN.model_copy(update={"safety": HAZARD})


def received(intake: ComplaintIntake = FLAGGED) -> list[ev.DomainEvent]:
    return [
        e for e in lifecycle.receive(intake, POLICY, T, apologise=True) if not isinstance(e, Tell)
    ]


def referred(intake: ComplaintIntake = FLAGGED) -> list[ev.DomainEvent]:
    """Received and referred, with the safety officers the demo directory lists."""
    before = received(intake)
    plan = lifecycle.refer_to_safety(fold(before), POLICY, T)
    events = [step for step in plan if isinstance(step, ev.SafetyReferred | ev.SeverityRaised)]
    return [*before, *events, identified(StaffRole.SAFETY, 0, T)]


# ---------------------------------------------------------------------- intake


def test_an_unflagged_intake_has_no_safety_key_so_old_payloads_are_unchanged():
    assert "safety" not in PLAIN.model_dump(mode="json")
    assert "safety" not in PLAIN.model_dump_json()
    assert FLAGGED.model_dump(mode="json")["safety"] == {
        "kind": "injury",
        "description": HAZARD.description,
    }
    assert ComplaintIntake.model_validate_json(FLAGGED.model_dump_json()) == FLAGGED


@pytest.mark.parametrize(
    "hazard",
    [
        {"kind": "injury", "description": "x" * 5000},
        {"kind": "injury", "description": ""},
        {"kind": "fire", "description": "smoke"},
        {"kind": "health", "description": "bad\u202eword"},
    ],
)
def test_a_hazard_is_one_of_three_kinds_with_a_bounded_description(hazard):
    with pytest.raises(ValidationError):
        ComplaintIntake.model_validate({**PLAIN.model_dump(mode="json"), "safety": hazard})


def test_an_assertion_without_safety_signs_the_same_bytes_as_before():
    claim = resume("c-1", now=T).assertion
    assert "safety" not in claim.model_dump(mode="json")


# ---------------------------------------------------------------------- reactions


def test_the_acknowledgement_says_a_safety_specialist_reviews_it_first():
    [*_, tell] = lifecycle.receive(FLAGGED, POLICY, T, apologise=True, safety=True)
    assert tell == Tell(MessageKind.ACKNOWLEDGEMENT, {"with_thanks": True, "safety_review": True})
    [*_, plain] = lifecycle.receive(FLAGGED, POLICY, T, apologise=True)
    assert plain == Tell(MessageKind.ACKNOWLEDGEMENT, {"with_thanks": True})


@pytest.mark.parametrize(
    ("severity", "raised"),
    [
        (Severity.LOW, True),
        (Severity.MEDIUM, True),
        (Severity.HIGH, True),
        (Severity.CRITICAL, False),
    ],
)
def test_a_reported_hazard_is_critical_and_goes_to_a_safety_officer_at_once(severity, raised):
    intake = FLAGGED.model_copy(update={"severity": severity})
    plan = lifecycle.refer_to_safety(fold(received(intake)), POLICY, T)
    review_by = T + POLICY.deadlines.safety_review
    expected_raise = [
        ev.SeverityRaised(
            at=T,
            from_severity=severity,
            to_severity=Severity.CRITICAL,
            reason="safety hazard reported",
        )
    ]
    assert plan == [
        *(expected_raise if raised else []),
        ev.SafetyReferred(at=T, hazard=HAZARD, review_by=review_by),
        FindStaff(StaffRole.SAFETY),
        Page(
            PageKind.SAFETY,
            0,
            POLICY.safety_title,
            "safety hazard reported: injury",
            None,
            review_by,
        ),
    ]
    state = fold([*received(intake), *plan[:-2]])
    assert state.intake.severity is Severity.CRITICAL
    assert state.status is Status.AWAITING_SAFETY
    assert lifecycle.waiting_for(state) == lifecycle.Wait(WaitingOn.SAFETY, review_by)


@pytest.mark.parametrize(
    ("reminders", "already", "next_review"),
    [
        (3, 0, timedelta(hours=1)),
        (3, 1, timedelta(hours=1)),
        (3, 2, None),  # the third and last reminder: no deadline after it
        (1, 0, None),
    ],
)
def test_silent_safety_officers_are_reminded_a_bounded_number_of_times(
    reminders, already, next_review
):
    policy = POLICY.model_copy(update={"safety_reminders": reminders})
    state = fold(referred()).model_copy(update={"safety_reminders": already})
    [reminded, page] = lifecycle.on_safety_silent(state, policy, T)
    review_by = None if next_review is None else T + next_review
    assert reminded == ev.SafetyReminded(at=T, review_by=review_by)
    assert (page.kind, page.title, page.respond_by) == (
        PageKind.REMINDER,
        POLICY.safety_title,
        review_by,
    )
    assert f"reminder {already + 1} of {reminders}" in page.reason
    after = evolve(state, reminded)
    assert after.safety_reminders == already + 1
    assert lifecycle.waiting_for(after) == lifecycle.Wait(WaitingOn.SAFETY, review_by)


def test_without_reminders_the_referral_has_no_deadline():
    policy = POLICY.model_copy(update={"safety_reminders": 0})
    plan = lifecycle.refer_to_safety(fold(received()), policy, T)
    referral = next(step for step in plan if isinstance(step, ev.SafetyReferred))
    assert referral.review_by is None


def test_the_safety_page_is_recorded_as_seen_by_the_pager():
    page = Page(PageKind.SAFETY, 0, POLICY.safety_title, "safety hazard reported: injury")
    assert lifecycle.after(page, "page-7", fold(referred()), POLICY, T) == [
        ev.SafetyOfficerPaged(at=T, page_id="page-7")
    ]


# ---------------------------------------------------------------------- the acknowledgement


def test_a_listed_safety_officer_acknowledges_and_the_lifecycle_may_go_on():
    state = fold(referred())
    assert stage_of(state) is Stage.ASSESSING
    signed = safety_seen("c-1", "Called the customer; batch recalled", now=T)
    [seen] = commands.acknowledge_safety(state, signed, POLICY, T)
    assert seen == ev.SafetyAcknowledged(
        at=T,
        staff_id="safety-1",
        note="Called the customer; batch recalled",
        nonce=signed.assertion.nonce,
    )
    after = evolve(state, seen)
    assert (after.status, after.safety_acknowledged_by) == (Status.IN_PROGRESS, "safety-1")
    assert signed.assertion.nonce in after.nonces
    assert lifecycle.waiting_for(after) is None
    assert stage_of(after) is Stage.ASSESSED  # the initial assessment is done


def _tampered() -> SignedAssertion:
    signed = safety_seen("c-1", now=T)
    changed = signed.assertion.model_copy(update={"staff_id": "manager-3"})
    return signed.model_copy(update={"assertion": changed})


@pytest.mark.parametrize(
    ("name", "forge", "refusal"),
    [
        (
            "a specialist, with their own key",
            lambda: safety_seen("c-1", by="specialist-1", now=T),
            "specialist-1 is not among the safety officers",
        ),
        (
            "a top manager, with their own key",
            lambda: safety_seen("c-1", by="manager-3", now=T),
            "manager-3 is not among the safety officers",
        ),
        (
            "the safety officer's name, someone else's key",
            lambda: safety_seen("c-1", key_of="manager-1", now=T),
            "the signature is not safety-1's",
        ),
        (
            "the safety officer's name, a fresh key",
            lambda: sign(safety_seen("c-1", now=T).assertion, Ed25519PrivateKey.generate()),
            "the signature is not safety-1's",
        ),
        ("signed, then its signer changed", _tampered, "manager-3 is not among"),
        (
            "signed for another complaint",
            lambda: safety_seen("c-2", now=T),
            "signed for complaint 'c-2'",
        ),
        (
            "expired",
            lambda: safety_seen("c-1", now=T - timedelta(hours=1)),
            "expired",
        ),
        (
            "a resume assertion used as an acknowledgement",
            lambda: resume("c-1", by="safety-1", now=T),
            "authorises resume, not acknowledge_safety",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_a_forged_or_stale_acknowledgement_is_refused(name, forge, refusal):
    with pytest.raises(InvalidAction, match=refusal):
        commands.acknowledge_safety(fold(referred()), forge(), POLICY, T)


def test_an_unsigned_acknowledgement_is_refused_at_the_edge():
    claim = safety_seen("c-1", now=T).assertion.model_dump(mode="json")
    with pytest.raises(ValidationError):
        SignedAssertion.model_validate({"assertion": claim})
    with pytest.raises(ValidationError):
        SignedAssertion.model_validate({"assertion": claim, "signature": ""})


def test_a_replayed_acknowledgement_is_refused():
    state = fold(referred())
    signed = safety_seen("c-1", now=T)
    after = evolve(state, commands.acknowledge_safety(state, signed, POLICY, T)[0])
    again = after.model_copy(update={"status": Status.AWAITING_SAFETY})
    with pytest.raises(InvalidAction, match="already used"):
        commands.acknowledge_safety(again, signed, POLICY, T)
    with pytest.raises(InvalidAction, match="cannot acknowledge the safety report"):
        commands.acknowledge_safety(after, safety_seen("c-1", now=T), POLICY, T)


def test_the_role_is_the_directorys_even_among_the_listed_officers():
    """Whoever the record lists, only a member the directory calls a safety officer counts."""
    specialists = identified(StaffRole.SPECIALIST, 0, T).members
    state = fold(referred()).model_copy(update={"safety_officers": specialists})
    with pytest.raises(InvalidAction, match="specialist-1 is not a safety officer"):
        commands.acknowledge_safety(state, safety_seen("c-1", by="specialist-1", now=T), POLICY, T)


def test_no_unacknowledged_hazard_is_acknowledged_without_a_referral():
    with pytest.raises(InvalidAction, match="cannot acknowledge the safety report"):
        commands.acknowledge_safety(fold(received()), safety_seen("c-1", now=T), POLICY, T)


@pytest.mark.parametrize(
    ("command", "action", "refusal"),
    [
        (
            commands.choose_solution,
            CustomerChoice(customer_id="cust-1", remedy=RemedyKind.REFUND),
            "cannot choose a solution",
        ),
        (commands.withdraw, Withdrawal(customer_id="cust-1"), "cannot withdraw"),
    ],
)
def test_nothing_else_happens_while_the_hazard_awaits_its_acknowledgement(command, action, refusal):
    with pytest.raises(InvalidAction, match=refusal):
        command(fold(referred()), action, POLICY, T)


# ---------------------------------------------------------------------- SLA clocks


def test_the_clocks_run_to_critical_targets_once_the_severity_is_raised():
    clocks = sla.fold_clocks(referred(), POLICY.sla)
    plain = sla.fold_clocks(received(PLAIN), POLICY.sla)
    assert clocks is not None and plain is not None
    for kind in ClockKind:
        assert clocks.clocks[kind].target == POLICY.sla.targets[Severity.CRITICAL].of(kind)
        assert plain.clocks[kind].target == POLICY.sla.targets[Severity.MEDIUM].of(kind)
