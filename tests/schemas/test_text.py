"""Text from outside is bounded and printable: every field of every external input, and the
types they are made of (`schemas.text`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import AfterValidator, BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from schemas import text
from schemas.remedies import DeclineReason
from schemas.text import Description, Email, Identifier, Name, Note, Phone, Reason
from wire.converter import EXTERNAL_INPUTS, describe

SINGLE_LINE_REFUSED = {
    "NUL": "\x00",
    "ESC": "\x1b",
    "CR": "\r",
    "LF": "\n",
    "TAB": "\t",
    "DEL": "\x7f",
    "C1 CSI": "\x9b",
    "NEL": "\x85",
    "LINE SEPARATOR": "\u2028",
    "LRE": "\u202a",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "PDI": "\u2069",
}
MULTI_LINE_REFUSED = {
    name: char
    for name, char in SINGLE_LINE_REFUSED.items()
    if name not in ("LF", "TAB", "LINE SEPARATOR")
}


def _check(annotation: Any, value: str) -> str:
    """`value` validated as `annotation`, or the refusal as the converter words it."""
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError as error:
        return f"refused: {describe(error)}"


@pytest.mark.parametrize("kind", [Identifier, Name])
@pytest.mark.parametrize("name", SINGLE_LINE_REFUSED)
def test_single_line_text_refuses_controls_and_bidi_characters(kind: Any, name: str) -> None:
    char = SINGLE_LINE_REFUSED[name]
    answer = _check(kind, f"Mari{char}Tamm")
    assert answer.startswith("refused: (root): must ") and f"U+{ord(char):04X})" in answer, answer


@pytest.mark.parametrize("name", SINGLE_LINE_REFUSED)
def test_an_email_or_phone_number_refuses_them_too(name: str) -> None:
    char = SINGLE_LINE_REFUSED[name]
    assert _check(Email, f"mari{char}tamm@example.ee").startswith("refused: (root): ")
    assert _check(Phone, f"+372 555{char}1234").startswith("refused: (root): ")


@pytest.mark.parametrize("kind", [Description, Reason, Note])
@pytest.mark.parametrize("name", MULTI_LINE_REFUSED)
def test_free_text_refuses_controls_and_bidi_characters(kind: Any, name: str) -> None:
    answer = _check(kind, f"The kettle {MULTI_LINE_REFUSED[name]}stopped heating")
    assert answer.startswith("refused: ") and "found U+" in answer, answer


@pytest.mark.parametrize("kind", [Description, Reason, Note])
def test_free_text_keeps_newlines_and_tabs_and_reads_crlf_as_a_newline(kind: Any) -> None:
    value = "The kettle stopped heating.\r\n\tIt was\nnew."
    assert _check(kind, value) == "The kettle stopped heating.\n\tIt was\nnew."


def test_bidi_text_says_why_it_is_refused() -> None:
    assert _check(Name, "Mari \u202etxt.exe") == (
        "refused: (root): must not contain bidirectional override or isolate characters "
        "(found U+202E): they can make the text read as something else"
    )


@pytest.mark.parametrize(
    "value", ["Mari Tamm", "Ольга Иванова", "王芳", "محمد علي", "Ivana Horvat-Šimić", "O'Brien"]
)
def test_names_in_any_script_are_accepted(value: str) -> None:
    assert _check(Name, value) == value


@pytest.mark.parametrize(
    ("kind", "longest"),
    [
        (Identifier, text.ID_MAX),
        (Name, text.NAME_MAX),
        (Description, text.DESCRIPTION_MAX),
        (Reason, text.NOTE_MAX),
        (Note, text.NOTE_MAX),
    ],
)
def test_text_is_bounded(kind: Any, longest: int) -> None:
    assert _check(kind, "x" * longest) == "x" * longest
    answer = _check(kind, "x" * (longest + 1))
    assert answer == f"refused: (root): String should have at most {longest} characters"


def test_an_email_is_bounded_too() -> None:
    local = "x" * (text.EMAIL_MAX - len("@example.ee"))
    assert _check(Email, f"{local}@example.ee") == f"{local}@example.ee"
    assert _check(Email, f"{local}x@example.ee").startswith("refused: (root): String should")


# ---------------------------------------------------------------- every field, every input


def _strings(annotation: Any, metadata: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    """The metadata of every `str` in an annotation, and every model it refers to."""
    if annotation is str:
        yield metadata, None
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield [], annotation
    elif get_origin(annotation) is Annotated:
        base, *more = get_args(annotation)
        yield from _strings(base, [*metadata, *more])
    elif get_origin(annotation) in (Union, UnionType, list, dict, set, frozenset, tuple):
        for arg in get_args(annotation):
            yield from _strings(arg, [])


def _text_fields(model: type[BaseModel], seen: set[type]) -> Iterator[tuple[str, list[Any]]]:
    """(path, metadata) of every text field of `model` and the models it holds."""
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        assert isinstance(field, FieldInfo)
        if model.__name__ == "ComplaintInput" and name == "continued":
            continue  # the workflow's own record, refused from any caller (test_continue_as_new)
        for metadata, nested in _strings(field.annotation, list(field.metadata)):
            if nested is None:
                yield name, metadata
            else:
                yield from ((f"{name}.{path}", m) for path, m in _text_fields(nested, seen))


def _external_text_fields() -> list[tuple[str, list[Any]]]:
    seen: set[type] = set()
    return [
        (f"{model.__name__}.{path}", metadata)
        for model in (*EXTERNAL_INPUTS, DeclineReason)
        for path, metadata in _text_fields(model, seen)
    ]


EXTERNAL_TEXT = _external_text_fields()
"""Every text field a caller can send, and the decline reasons a manager's words become."""


def test_external_inputs_have_text_fields_to_check() -> None:
    names = {name for name, _ in EXTERNAL_TEXT}
    expected = {"ComplaintInput.intake.customer_name", "SignedAssertion.assertion.decision.reason"}
    assert expected <= names, names


PATTERN_ONLY = {
    "ComplaintInput.intake.complaint_id": "c-1001",
    "ComplaintInput.intake.related_to": "c-1000",
    "ComplaintInput.intake.contact.phone": "+372 5555 1234",
    "ComplaintInput.intake.store": "riga-1",
    "ComplaintInput.intake.time_zone": "Europe/Riga",
    "ComplaintInput.intake.currency": "EUR",
    "CustomerDetails.currency": "EUR",
    "SignedAssertion.assertion.decision.remedy.currency": "EUR",
    "ComplaintInput.policy_version": "2026-11-default",
    "SignedAssertion.assertion.complaint_id": "c-1001",
    "SignedAssertion.assertion.staff_id": "manager-1",
    "SignedAssertion.assertion.reassignment.assignee_id": "specialist-1",
    "SignedAssertion.assertion.nonce": "Zm9vYmFyYmF6cXV1eA",
    "SignedAssertion.signature": "A" * 86,
}
"""Fields a strict pattern keeps printable, with a valid value to break."""


@pytest.mark.parametrize(("field", "metadata"), EXTERNAL_TEXT, ids=[f for f, _ in EXTERNAL_TEXT])
def test_every_text_field_from_outside_is_bounded_and_printable(field: str, metadata: list) -> None:
    limits = [m.max_length for m in metadata if getattr(m, "max_length", None)]
    patterns = [m.pattern for m in metadata if getattr(m, "pattern", None)]
    checked = [
        m
        for m in metadata
        if isinstance(m, AfterValidator) and m.func in (text.single_line, text.multi_line)
    ]
    if checked:
        assert limits and max(limits) <= text.DESCRIPTION_MAX, f"{field} has no maximum length"
        return
    assert field in PATTERN_ONLY, f"{field} lets control and bidi characters through"
    [pattern] = patterns
    valid = PATTERN_ONLY[field]
    assert re.fullmatch(pattern, valid)
    assert not re.fullmatch(pattern, valid * 100), f"{field} has no maximum length"
    for char in SINGLE_LINE_REFUSED.values():
        assert not re.fullmatch(pattern, valid[:2] + char + valid[2:]), (field, char)
