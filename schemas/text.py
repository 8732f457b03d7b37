"""Text that comes from outside: bounded, and free of characters that disguise or break it.

Every string a caller sends (intake, details, actions, contact, policy text) is one of
these types, so oversize or hostile text is refused by pydantic, with the field named,
before anything reaches the server or a customer message.

- Single-line text (ids, references, names, titles) refuses every control character
  (C0 including NUL, CR and LF; DEL; C1 including ESC's 8-bit forms), the line and
  paragraph separators, and the bidirectional embedding, override and isolate characters
  (U+202A-U+202E, U+2066-U+2069), which can make a name read as something it is not.
- Multi-line free text (descriptions, notes, reasons, comments) may keep newlines and
  tabs (a CRLF is read as a newline), but refuses the other controls and the bidi
  characters alike.

Right-to-left letters are ordinary text and stay allowed; only the invisible formatting
controls that reorder what a reader sees are refused. Leading and trailing whitespace is
stripped before the checks, so "Mari\\n" is "Mari".
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

ID_MAX = 128
NAME_MAX = 200
DESCRIPTION_MAX = 5000
NOTE_MAX = 2000
EMAIL_MAX = 254
"""The longest address SMTP can carry (RFC 5321)."""

_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Every control character, the line and paragraph separators, bidi embeddings and isolates."""
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""The same, but for the tab (U+0009), the newline (U+000A) and the line separators."""


def _refuse(found: str, single_line: bool) -> None:
    point = f"U+{ord(found):04X}"
    if "\u202a" <= found <= "\u202e" or "\u2066" <= found <= "\u2069":
        raise PydanticCustomError(
            "bidi_control",
            "must not contain bidirectional override or isolate characters (found {point}): "
            "they can make the text read as something else",
            {"point": point},
        )
    if single_line:
        raise PydanticCustomError(
            "single_line",
            "must be a single line of printable text (found control character {point})",
            {"point": point},
        )
    raise PydanticCustomError(
        "control_character",
        "must not contain control characters other than newlines and tabs (found {point})",
        {"point": point},
    )


def single_line(value: str) -> str:
    """`value` if it is one line of printable text; a validation error naming the character."""
    if found := _SINGLE_LINE_BAD.search(value):
        _refuse(found.group(), single_line=True)
    return value


def multi_line(value: str) -> str:
    """`value` if it is printable text with newlines and tabs at most."""
    if found := _MULTI_LINE_BAD.search(value):
        _refuse(found.group(), single_line=False)
    return value


def _newlines(value: object) -> object:
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=ID_MAX),
    AfterValidator(single_line),
]
"""An id or reference from another system: customer, order, employee, manager, staff."""
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    AfterValidator(single_line),
]
"""A person's name or a title, as it is shown to people."""
Email = Annotated[
    str,
    StringConstraints(max_length=EMAIL_MAX, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(single_line),
]
"""An email address, at most as long as SMTP allows."""
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{5,20}$")]
"""A phone number: digits, spaces, brackets and dashes only, so nothing else can hide in it."""
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=10, max_length=DESCRIPTION_MAX),
    BeforeValidator(_newlines),
    AfterValidator(multi_line),
]
"""What the customer tells us happened."""
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=NOTE_MAX),
    BeforeValidator(_newlines),
    AfterValidator(multi_line),
]
"""Why someone acts: an appeal, a manager's decision, a specialist's note, a policy rule."""
Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=NOTE_MAX),
    BeforeValidator(_newlines),
    AfterValidator(multi_line),
]
"""Optional free text: a note with details, a follow-up comment, why a customer withdrew."""
