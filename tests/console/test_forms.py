"""What the decision form's fields mean, before the pure checks run."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from console.app import _decision_from_form
from schemas.actions import DecisionKind
from schemas.remedies import Remedy, RemedyKind

REQUESTED = Remedy(kind=RemedyKind.REFUND, amount=Decimal("800.00"))
VIEW = SimpleNamespace(state=SimpleNamespace(escalation=SimpleNamespace(requested=REQUESTED)))


def test_blank_fields_mean_what_was_requested():
    approve = _decision_from_form("approve", "", "", "", VIEW)
    assert approve.kind is DecisionKind.APPROVE and approve.remedy is None
    override = _decision_from_form("override", "", "", "Known defect", VIEW)
    assert override.remedy == REQUESTED
    smaller = _decision_from_form("override", "", "450,50", "Known defect", VIEW)
    assert smaller.remedy == Remedy(kind=RemedyKind.REFUND, amount=Decimal("450.50"))
    credit = _decision_from_form("counter", "store_credit", "100", "Credit instead", VIEW)
    assert credit.remedy == Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal(100))
    deny = _decision_from_form("deny", "refund", "5", "Outside policy", VIEW)
    assert deny.remedy is None


@pytest.mark.parametrize(
    ("kind", "remedy", "amount", "reason", "says"),
    [
        ("grant", "", "", "", "choose what you decide"),
        ("override", "voucher", "", "x", "unknown remedy"),
        ("override", "refund", "lots", "x", "is not an amount"),
        ("counter", "store_credit", "", "x", "name the amount"),
        ("override", "", "", "", "must give a reason"),
    ],
)
def test_mistakes_are_named(kind, remedy, amount, reason, says):
    with pytest.raises(ValueError, match=says):
        _decision_from_form(kind, remedy, amount, reason, VIEW)
