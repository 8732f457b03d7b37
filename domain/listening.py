"""Listening: what we still need to know before we can solve the problem.

We ask closed questions about facts (order, date, receipt) instead of arguing.
"""

from __future__ import annotations

from schemas.intake import Category, ComplaintIntake, DetailField

_ORDER, _DATE, _RECEIPT, _AMOUNT = (
    DetailField.ORDER_REFERENCE,
    DetailField.PURCHASE_DATE,
    DetailField.RECEIPT_PRESENT,
    DetailField.AMOUNT,
)
_NEEDED: dict[Category, tuple[DetailField, ...]] = {
    Category.DEFECTIVE_PRODUCT: (_ORDER, _DATE, _RECEIPT, _AMOUNT),
    Category.BILLING: (_ORDER, _AMOUNT),
    Category.DELIVERY: (_ORDER, _AMOUNT),
    Category.POOR_SERVICE: (),
    Category.RUDE_EMPLOYEE: (),
    Category.OTHER: (),
}


def missing_details(intake: ComplaintIntake) -> list[DetailField]:
    """Facts the category needs that the intake does not carry, in asking order.

    A rude-employee complaint goes to a manager at once, so we never hold it up
    to ask questions; the manager talks to the customer.
    """
    return [field for field in _NEEDED[intake.category] if getattr(intake, field) is None]
