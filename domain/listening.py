"""Listening: what we still need to know before we can solve the problem.

We ask closed questions about facts (order, date, receipt) instead of arguing.
"""

from __future__ import annotations

from schemas.intake import Category, ComplaintIntake

_NEEDED: dict[Category, tuple[str, ...]] = {
    Category.DEFECTIVE_PRODUCT: ("order_reference", "purchase_date", "receipt_present", "amount"),
    Category.BILLING: ("order_reference", "amount"),
    Category.DELIVERY: ("order_reference", "amount"),
    Category.POOR_SERVICE: (),
    Category.RUDE_EMPLOYEE: (),
    Category.OTHER: (),
}


def missing_details(intake: ComplaintIntake) -> list[str]:
    """Facts the category needs that the intake does not carry, in asking order.

    A rude-employee complaint goes to a manager at once, so we never hold it up
    to ask questions; the manager talks to the customer.
    """
    return [field for field in _NEEDED[intake.category] if getattr(intake, field) is None]
