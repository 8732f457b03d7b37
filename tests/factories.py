"""Complaints drawn from real situations, for every test layer."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from schemas.intake import Category, ComplaintIntake, Contact

CUSTOMER = "cust-1"
"""The customer every factory complaint belongs to (customer actions must name them)."""


def make_intake(today: date | None = None, **overrides) -> ComplaintIntake:
    """A defective kettle bought a week ago, with receipt: the case the agent can solve alone."""
    fields = dict(
        complaint_id=f"c-{uuid.uuid4().hex[:12]}",
        customer_id=CUSTOMER,
        customer_name="Mari Tamm",
        contact=Contact(email="mari@example.ee"),
        category=Category.DEFECTIVE_PRODUCT,
        description="The kettle stopped heating after a week of normal use",
        order_reference="ORD-1001",
        amount=Decimal("49.90"),
        receipt_present=True,
        purchase_date=(today or date.today()) - timedelta(days=7),
    )
    return ComplaintIntake(**(fields | overrides))
