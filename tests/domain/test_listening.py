"""What we ask the customer: derived from the category's remedies and the policy's receipt
rule, so every remedy the policy needs a receipt for is asked about before it is assessed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.decisions import Escalate, Resolve, assess
from domain.listening import PROOF_OF_PURCHASE, PURCHASE, missing_details, needed_details
from domain.proposals import price
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake, Contact, DetailField
from schemas.policy import CompanyPolicy
from schemas.remedies import RemedyKind

TODAY = date(2026, 11, 25)
POLICY = CompanyPolicy()
_O, _D, _R, _A = (
    DetailField.ORDER_REFERENCE,
    DetailField.PURCHASE_DATE,
    DetailField.RECEIPT_PRESENT,
    DetailField.AMOUNT,
)
NOTHING_KNOWN = {"order_reference": None, "purchase_date": None, "receipt_present": None}
NO_RECEIPT_RULE = CompanyPolicy(receipt_required_for=frozenset())
CREDIT_NEEDS_RECEIPT = CompanyPolicy(receipt_required_for=frozenset({RemedyKind.STORE_CREDIT}))
BILLING_GOODWILL_ONLY = CompanyPolicy(
    remedy_catalogue=POLICY.remedy_catalogue
    | {Category.BILLING: [RemedyKind.STORE_CREDIT, RemedyKind.EXPLANATION]}
)


def intake(category: Category, **overrides) -> ComplaintIntake:
    fields = dict(
        complaint_id="c-1",
        customer_id="cust-1",
        customer_name="Ana",
        contact=Contact(email="ana@example.hr"),
        category=category,
        description="Charged twice for the same order",
        amount=None,
    )
    return ComplaintIntake(**(fields | NOTHING_KNOWN | overrides))


@pytest.mark.parametrize(
    ("category", "policy", "asked"),
    [
        # The default policy: refunds and replacements need a receipt.
        (Category.DEFECTIVE_PRODUCT, POLICY, [_O, _D, _R, _A]),
        (Category.BILLING, POLICY, [_O, _D, _R, _A]),  # a billing refund needs one too
        (Category.DELIVERY, POLICY, [_O, _D, _R, _A]),
        (Category.POOR_SERVICE, POLICY, []),  # discount, store credit: goodwill
        (Category.OTHER, POLICY, []),
        (Category.RUDE_EMPLOYEE, POLICY, []),  # to a manager at once, no questions
        # No receipt rule: remedies priced from the purchase still need its order and amount.
        (Category.BILLING, NO_RECEIPT_RULE, [_O, _A]),
        (Category.DEFECTIVE_PRODUCT, NO_RECEIPT_RULE, [_O, _A]),
        (Category.POOR_SERVICE, NO_RECEIPT_RULE, []),
        # A policy that wants a receipt for store credit asks wherever store credit is offered.
        (Category.POOR_SERVICE, CREDIT_NEEDS_RECEIPT, [_O, _D, _R, _A]),
        (Category.OTHER, CREDIT_NEEDS_RECEIPT, [_O, _D, _R, _A]),
        (Category.RUDE_EMPLOYEE, CREDIT_NEEDS_RECEIPT, []),
        # The catalogue decides too: billing without refunds asks nothing.
        (Category.BILLING, BILLING_GOODWILL_ONLY, []),
    ],
)
def test_what_is_asked_follows_the_category_catalogue_and_receipt_rule(category, policy, asked):
    assert missing_details(intake(category), policy) == asked


@pytest.mark.parametrize(
    ("known", "asked"),
    [
        ({"order_reference": "ORD-1"}, [_D, _R, _A]),
        ({"receipt_present": False}, [_O, _D, _A]),  # "no" is an answer, not a gap
        ({"amount": Decimal("349.99"), "purchase_date": TODAY}, [_O, _R]),
        (
            {"order_reference": "O", "purchase_date": TODAY, "receipt_present": True}
            | {"amount": Decimal("1")},
            [],
        ),
    ],
)
def test_only_what_the_intake_lacks_is_asked(known, asked):
    assert missing_details(intake(Category.BILLING, **known), POLICY) == asked


@pytest.mark.parametrize("field", PROOF_OF_PURCHASE)
@pytest.mark.parametrize("kind", sorted(POLICY.receipt_required_for))
def test_each_question_is_a_fact_the_agent_needs_to_grant_a_receipt_remedy(field, kind):
    complete = {
        "order_reference": "ORD-1",
        "purchase_date": TODAY - timedelta(days=3),
        "receipt_present": True,
        "amount": Decimal("49.99"),
    }
    answered = intake(Category.BILLING, **complete)
    remedy = price(kind, answered, POLICY)
    assert assess(answered, remedy, POLICY, TODAY) == Resolve(remedy)
    unanswered = intake(Category.BILLING, **(complete | {field.value: None}))
    decision = assess(unanswered, remedy, POLICY, TODAY)
    assert isinstance(decision, Escalate) and decision.reason in (
        EscalationReason.NO_RECEIPT,
        EscalationReason.MISSING_DETAILS,
    )


def test_a_billing_refund_asked_about_its_receipt_is_not_escalated_as_no_receipt():
    """The bug: billing never asked for the receipt, then every refund went to a manager."""
    asked = missing_details(intake(Category.BILLING), POLICY)
    assert DetailField.RECEIPT_PRESENT in asked
    answered = intake(
        Category.BILLING,
        order_reference="ORD-7",
        purchase_date=TODAY - timedelta(days=2),
        receipt_present=True,
        amount=Decimal("49.99"),
    )
    refund = price(RemedyKind.REFUND, answered, POLICY)
    assert assess(answered, refund, POLICY, TODAY) == Resolve(refund)


def test_needed_details_are_in_asking_order():
    order = list(DetailField)
    for needed in (PROOF_OF_PURCHASE, PURCHASE):
        assert sorted(needed, key=order.index) == list(needed)
    assert needed_details(Category.BILLING, POLICY) == PROOF_OF_PURCHASE
