"""Listening: what we still need to know before we can solve the problem.

We ask closed questions about facts (order, date, receipt) instead of arguing.
"""

from __future__ import annotations

from domain.proposals import PRICED_FROM_PURCHASE
from schemas.intake import Category, ComplaintIntake, DetailField
from schemas.policy import CompanyPolicy

PROOF_OF_PURCHASE = (
    DetailField.ORDER_REFERENCE,
    DetailField.PURCHASE_DATE,
    DetailField.RECEIPT_PRESENT,
    DetailField.AMOUNT,
)
"""What the agent must know to grant a remedy the policy needs a receipt for: which order,
when it was bought (the return window), whether there is a receipt, and what it cost
(`domain.decisions.assess` escalates without any of them)."""
PURCHASE = (DetailField.ORDER_REFERENCE, DetailField.AMOUNT)
"""What a remedy priced from the purchase needs without a receipt rule: which order, and
what it cost."""


def needed_details(category: Category, policy: CompanyPolicy) -> tuple[DetailField, ...]:
    """The facts a complaint of this category needs, from what the policy lets us offer.

    Where the category's catalogue offers a remedy the policy needs a receipt for
    (``receipt_required_for`` ∩ ``remedy_catalogue[category]``), we ask for the proof of
    purchase, receipt included; where it only offers remedies priced from the purchase,
    for the order and its amount; goodwill remedies need nothing. A rude-employee complaint
    goes to a manager at once, so we never hold it up to ask questions: the manager talks
    to the customer.
    """
    if category is Category.RUDE_EMPLOYEE:
        return ()
    offered = set(policy.remedy_catalogue.get(category, []))
    if offered & policy.receipt_required_for:
        return PROOF_OF_PURCHASE
    if offered & PRICED_FROM_PURCHASE:
        return PURCHASE
    return ()


def missing_details(intake: ComplaintIntake, policy: CompanyPolicy) -> list[DetailField]:
    """Facts the category needs (`needed_details`) that the intake does not carry, in
    asking order."""
    needed = needed_details(intake.category, policy)
    return [field for field in needed if getattr(intake, field) is None]
