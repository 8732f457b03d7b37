"""The agent's decision and the remedies on offer: pure functions, no Temporal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.decisions import Decline, Escalate, Resolve, assess, default_option, manager_denial
from domain.listening import missing_details
from domain.proposals import PRICED_FROM_PURCHASE, alternatives, options, price
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind

TODAY = date(2026, 11, 25)
POLICY = CompanyPolicy()


def intake(**overrides) -> ComplaintIntake:
    fields = dict(
        complaint_id="c-1",
        customer_id="cust-1",
        customer_name="Mari",
        contact=Contact(email="mari@example.ee"),
        category=Category.DEFECTIVE_PRODUCT,
        description="The kettle stopped heating after a week",
        order_reference="ORD-1",
        amount=Decimal("49.90"),
        receipt_present=True,
        purchase_date=TODAY - timedelta(days=7),
    )
    return ComplaintIntake(**(fields | overrides))


def remedy(kind: RemedyKind, amount: str = "0") -> Remedy:
    return Remedy(kind=kind, amount=Decimal(amount))


def test_refund_with_receipt_in_window_within_authority_is_resolved():
    refund = remedy(RemedyKind.REFUND, "49.90")
    assert assess(intake(), refund, POLICY, TODAY) == Resolve(refund)


def test_refund_above_agent_authority_escalates_without_policy_exception():
    refund = remedy(RemedyKind.REFUND, "450.00")
    decision = assess(intake(amount=Decimal("450")), refund, POLICY, TODAY)
    assert decision == Escalate(EscalationReason.BEYOND_AUTHORITY, policy_exception=False)


def test_missing_receipt_escalates_instead_of_promising():
    refund = remedy(RemedyKind.REFUND, "49.90")
    decision = assess(intake(receipt_present=False), refund, POLICY, TODAY)
    assert decision == Escalate(EscalationReason.NO_RECEIPT, policy_exception=True)


def test_unknown_receipt_is_treated_as_missing():
    decision = assess(intake(receipt_present=None), remedy(RemedyKind.REPLACEMENT), POLICY, TODAY)
    assert decision == Escalate(EscalationReason.NO_RECEIPT, policy_exception=True)


def test_just_outside_return_window_is_an_exception_for_a_manager():
    late = intake(purchase_date=TODAY - timedelta(days=POLICY.return_window_days + 5))
    decision = assess(late, remedy(RemedyKind.REFUND, "49.90"), POLICY, TODAY)
    assert decision == Escalate(EscalationReason.OUTSIDE_RETURN_WINDOW, policy_exception=True)


def test_far_outside_return_window_is_declined_with_why_and_alternatives():
    days = POLICY.return_window_days + POLICY.exception_grace_days + 1
    late = intake(purchase_date=TODAY - timedelta(days=days))
    decision = assess(late, remedy(RemedyKind.REFUND, "49.90"), POLICY, TODAY)
    assert isinstance(decision, Decline)
    [reason] = decision.reasons
    assert reason.code == "outside_return_window"
    assert f"{days} days ago" in reason.rule
    assert "resell" in reason.why_policy_exists
    kinds = [r.kind for r in decision.alternatives]
    assert kinds == [RemedyKind.REPAIR, RemedyKind.EXPLANATION]


def test_missing_order_reference_for_refund_goes_to_a_manager():
    decision = assess(
        intake(order_reference=None), remedy(RemedyKind.REFUND, "49.90"), POLICY, TODAY
    )
    assert decision == Escalate(EscalationReason.MISSING_DETAILS, policy_exception=True)


def test_goodwill_remedies_need_no_receipt():
    service = intake(category=Category.POOR_SERVICE, receipt_present=False, amount=None)
    credit = price(RemedyKind.STORE_CREDIT, service, POLICY)
    assert credit.amount == POLICY.goodwill_amount
    assert assess(service, credit, POLICY, TODAY) == Resolve(credit)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (RemedyKind.REFUND, "49.90"),
        (RemedyKind.REPLACEMENT, "49.90"),
        (RemedyKind.REPAIR, "14.97"),
        (RemedyKind.STORE_CREDIT, "49.90"),
        (RemedyKind.DISCOUNT, "9.98"),
        (RemedyKind.EXPLANATION, "0.00"),
    ],
)
def test_prices_follow_policy_ratios(kind, expected):
    assert price(kind, intake(), POLICY).amount == Decimal(expected)


def test_options_follow_the_category_catalogue():
    kinds = [r.kind for r in options(intake(category=Category.BILLING), POLICY)]
    assert kinds == POLICY.remedy_catalogue[Category.BILLING]


def test_default_option_is_the_first_the_agent_may_grant():
    no_receipt = intake(receipt_present=False)
    # replacement and refund need a receipt: repair is the first grantable option
    assert default_option(no_receipt, POLICY, TODAY).kind is RemedyKind.REPAIR
    assert default_option(intake(), POLICY, TODAY).kind is RemedyKind.REPLACEMENT


def test_alternatives_fall_back_to_goodwill_credit():
    expensive = intake(category=Category.DELIVERY, amount=Decimal("5000"))
    refused = remedy(RemedyKind.REFUND, "5000")
    assert alternatives(expensive, POLICY, refused) == [remedy(RemedyKind.STORE_CREDIT, "20.00")]


def test_manager_denial_keeps_the_why():
    reason = manager_denial("The claim could not be verified", EscalationReason.NO_RECEIPT)
    assert reason.rule == "The claim could not be verified"
    assert "receipt" in reason.why_policy_exists


def test_missing_details_asks_only_what_the_category_needs():
    assert missing_details(intake(order_reference=None, purchase_date=None), POLICY) == [
        "order_reference",
        "purchase_date",
    ]
    rude = intake(category=Category.RUDE_EMPLOYEE, order_reference=None, amount=None)
    assert missing_details(rude, POLICY) == []


@pytest.mark.parametrize("days_ahead", [1, 30, 400])
@pytest.mark.parametrize("kind", sorted(POLICY.receipt_required_for))
def test_a_purchase_date_in_the_future_is_never_inside_the_return_window(kind, days_ahead):
    future = intake(purchase_date=TODAY + timedelta(days=days_ahead))
    decision = assess(future, remedy(kind, "49.90"), POLICY, TODAY)
    assert decision == Escalate(EscalationReason.MISSING_DETAILS, policy_exception=True)


def test_a_purchase_made_today_is_inside_the_return_window():
    refund = remedy(RemedyKind.REFUND, "49.90")
    assert assess(intake(purchase_date=TODAY), refund, POLICY, TODAY) == Resolve(refund)


def test_a_future_date_does_not_matter_to_goodwill():
    future = intake(purchase_date=TODAY + timedelta(days=3))
    credit = remedy(RemedyKind.STORE_CREDIT, "20.00")
    assert assess(future, credit, POLICY, TODAY) == Resolve(credit)


def test_priced_from_purchase_names_the_remedies_worth_nothing_without_an_amount():
    unknown, known = intake(amount=None), intake(amount=Decimal("49.90"))
    worthless = {
        kind
        for kind in RemedyKind
        if price(kind, unknown, POLICY).amount == 0 and price(kind, known, POLICY).amount > 0
    }
    assert worthless == PRICED_FROM_PURCHASE
