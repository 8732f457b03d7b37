"""Contact details never leave the complaint in clear: not in logs, not in the UI.

Masks anything shaped like an email address or a phone number in free text,
so a customer who types their number into a description is protected too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

EMAIL_MASK = "<email>"
PHONE_MASK = "<phone>"
CONTACT_FIELDS = frozenset({"email", "phone", "contact"})
"""Keys whose whole value is contact data, whatever its shape."""

# Starts only where a token starts, so a long run of letters without "@" is scanned once.
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the separators people type ("+371 2000 0000", "(555) 123-4567").
# Not part of a longer token: ids (ORD-2026-1101), keys (wf/12/step), amounts (1000000.00)
# and timestamps (2026-11-25T13:13) are left alone.
_PHONE = re.compile(r"(?<![\w+/-])(?<!\d\.)(?:\+|\()?\d[\d ()-]{5,}\d(?![\w/-]|\.\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MIN_PHONE_DIGITS = 7


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    digits = sum(c.isdigit() for c in text)
    if digits < _MIN_PHONE_DIGITS or _DATE.fullmatch(text):
        return text
    return PHONE_MASK


def redact_text(text: str) -> str:
    return _PHONE.sub(_phone, _EMAIL.sub(EMAIL_MASK, text))


def redact(value: Any) -> Any:
    """`value` with contact data masked, looking inside mappings, lists and tuples."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, BaseModel):  # its repr would show every field
        return redact(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return {
            k: ("<redacted>" if k in CONTACT_FIELDS and v else redact(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    return value
