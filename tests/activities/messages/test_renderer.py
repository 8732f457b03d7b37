"""The renderer's forms: with no optional facts at all, and per channel."""

from __future__ import annotations

import pytest

from activities.messages import render
from activities.messages.catalogue import catalogue
from schemas.intake import Channel, Language
from schemas.messages import MessageContext, MessageKind

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
