"""The renderer's forms: with no optional facts at all, and per channel."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from activities.messages import render
from activities.messages.catalogue import catalogue
from domain.decisions import manager_denial
from schemas.actions import CustomerNote
from schemas.events import EscalationReason
from schemas.intake import Channel, Language
from schemas.messages import MessageContext, MessageKind
from schemas.remedies import Remedy, RemedyKind

MINIMAL = MessageContext(customer_name="Mari Tamm", complaint_id="C-7")


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_renders_without_optional_facts(
    kind: MessageKind, language: Language, channel: Channel
) -> None:
    message = render(kind, language, channel, MINIMAL)

    assert "C-7" in message.subject
    for text in (message.subject, message.body):
        assert "{" not in text and "None" not in text and "  " not in text


@pytest.mark.parametrize("language", list(Language))
def test_an_sms_is_sentences_after_the_complaint_number(language: Language) -> None:
    cat = catalogue(language)
    for kind in MessageKind:
        sms = render(kind, language, Channel.SMS, MINIMAL).body
        email = render(kind, language, Channel.EMAIL, MINIMAL).body

        assert sms.startswith(cat.text("sms.prefix", complaint_id="C-7"))
        assert "\n" not in sms and cat.text("sign_off") not in sms
        assert len(sms) < len(email)


def test_render_accepts_plain_string_values() -> None:
    by_value = render("apology", "hr", "chat", MINIMAL)  # type: ignore[arg-type]

    assert by_value == render(MessageKind.APOLOGY, Language.HR, Channel.CHAT, MINIMAL)


NOTE_CASES = [
    (MessageKind.DECLINE, "reasons"),
    (MessageKind.PROPOSALS, "options"),
    (MessageKind.RESOLUTION, "remedy"),
]


def _answering(kind: MessageKind, note: CustomerNote | None) -> MessageContext:
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("10"))
    facts: dict[str, object] = {
        MessageKind.DECLINE: {
            "reasons": [manager_denial("INTERNAL: bought elsewhere", EscalationReason.NO_RECEIPT)]
        },
        MessageKind.PROPOSALS: {"options": [refund], "default_option": refund},
        MessageKind.RESOLUTION: {"remedy": refund},
    }[kind]
    return MessageContext(
        customer_name="Mari Tamm",
        complaint_id="C-7",
        reply_by=datetime(2026, 11, 14, tzinfo=UTC),
        manager_note=note,
        **facts,
    )


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize(("kind", "_"), NOTE_CASES)
def test_a_managers_note_reaches_only_a_customer_of_its_language(
    kind: MessageKind, _: str, language: Language
) -> None:
    cat = catalogue(language)
    for note_language in Language:
        note = CustomerNote(text="NOTE-TEXT for the customer", language=note_language)
        body = render(kind, language, Channel.EMAIL, _answering(kind, note)).body
        assert "INTERNAL" not in body  # the internal reason never reaches a customer
        if note_language is language:
            assert cat.text("manager.note", note=note.text) in body
        else:
            assert "NOTE-TEXT" not in body
            if kind is not MessageKind.DECLINE:  # a denial says a manager reviewed it already
                assert cat.text("manager.reviewed") in body
    without = render(kind, language, Channel.EMAIL, _answering(kind, None)).body
    assert "INTERNAL" not in without and cat.text("manager.reviewed") not in without
