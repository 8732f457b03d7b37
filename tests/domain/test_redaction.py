"""Contact details are masked wherever they hide; ids, dates and amounts are left alone."""

from __future__ import annotations

import pytest

from domain.redaction import EMAIL_MASK, PHONE_MASK, redact, redact_text
from schemas.intake import Contact


@pytest.mark.parametrize(
    "text",
    [
        "write to mari.tamm@example.ee please",
        "call +371 2000 0000",
        "call (555) 123-4567 after six",
        "my number is 5551234567.",
        "+86 138 0000 0000",
    ],
)
def test_contacts_in_free_text_are_masked(text):
    masked = redact_text(text)
    assert "@example" not in masked and "0000" not in masked and "4567" not in masked
    assert EMAIL_MASK in masked or PHONE_MASK in masked


@pytest.mark.parametrize(
    "text",
    [
        "ORD-2026-1101",
        "complaint-c-1/12/page-escalation-1",
        "2026-11-25T13:13:37.906427Z",
        "bought 2026-11-18",
        "refund 1000000.00",
        "127.0.0.1:7233",
        "run 01234567-8901-7abc-0000-000000000000",
    ],
)
def test_ids_dates_and_amounts_are_not_mistaken_for_phones(text):
    assert redact_text(text) == text


def test_nested_values_and_contact_fields_are_masked():
    event = {
        "event": "sent to ana@example.hr",
        "contact": {"email": "ana@example.hr"},
        "phone": "+385 91 000 0000",
        "history": [{"note": "rang 555 123 4567"}, ("x@y.io",)],
        "attempt": 2,
        "model": Contact(email="ana@example.hr"),
    }
    masked = redact(event)
    assert "example" not in repr(masked) and "0000" not in repr(masked)
    assert masked["attempt"] == 2
    assert masked["contact"] == "<redacted>"
