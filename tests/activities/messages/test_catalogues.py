"""The catalogues: every key in every language, with the same placeholders, and no gaps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

import activities.messages.renderer as render_module
from activities.messages import MissingTemplateError, render
from activities.messages.catalogue import (
    OPTIONAL_PLACEHOLDERS,
    catalogue,
    placeholders,
    po_path,
    read,
)
from schemas.intake import Channel, Language
from schemas.messages import MessageContext, MessageKind

ENGLISH = catalogue(Language.EN)
OTHERS = [language for language in Language if language is not Language.EN]


def _forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_language_has_a_catalogue_file() -> None:
    assert all(po_path(language).is_file() for language in Language)


@pytest.mark.parametrize("language", OTHERS)
def test_every_key_exists_in_every_language(language: Language) -> None:
    assert set(catalogue(language).entries()) == set(ENGLISH.entries())


@pytest.mark.parametrize("language", list(Language))
def test_every_entry_has_the_english_placeholders(language: Language) -> None:
    english = ENGLISH.entries()
    wrong = []
    for key, message in catalogue(language).entries().items():
        expected = placeholders(_forms(english[key])[0])
        optional = OPTIONAL_PLACEHOLDERS.get(key, frozenset())
        for form in _forms(message):
            found = placeholders(form)
            if not (expected - optional <= found <= expected):
                wrong.append(f"{key}: {sorted(found)} instead of {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", list(Language))
def test_plural_entries_have_one_form_per_plural_rule(language: Language) -> None:
    forms = get_plural(language.value).num_plurals
    cat = catalogue(language)
    plural = {k: m for k, m in cat.entries().items() if m.pluralizable}

    assert set(plural) == {k for k, m in ENGLISH.entries().items() if m.pluralizable}
    assert plural and all(len(m.string) == forms for m in plural.values())
    assert cat.catalog.num_plurals == forms


@pytest.mark.parametrize("language", list(Language))
def test_no_entry_is_empty_or_fuzzy(language: Language) -> None:
    cat = catalogue(language)
    gaps = [k for k, m in cat.entries().items() if m.fuzzy or not all(_forms(m))]
    assert not gaps
    assert all(cat.has(key) for key in cat.entries())


@pytest.mark.parametrize("language", OTHERS)
def test_every_entry_is_translated(language: Language) -> None:
    """Entries with words differ from English (one that only joins placeholders may not)."""
    english = ENGLISH.entries()

    def has_words(text: str) -> bool:
        return any(ch.isalpha() for ch in re.sub(r"\{\w+\}", "", text))

    same = [
        key
        for key, m in catalogue(language).entries().items()
        if m.string == english[key].string and has_words(_forms(m)[0])
    ]
    assert not same, f"{language}: left in English: {same}"


def test_russian_plurals_follow_the_russian_rule() -> None:
    ru = catalogue(Language.RU)

    assert ru.plural("decline.age", 21) == "Ваша покупка была сделана 21 день назад"
    assert ru.plural("decline.age", 3) == "Ваша покупка была сделана 3 дня назад"
    assert ru.plural("decline.age", 95) == "Ваша покупка была сделана 95 дней назад"
    assert ru.plural("decline.window", 21).endswith("в течение 21 дня с момента покупки")
    assert ru.plural("decline.window", 30).endswith("в течение 30 дней с момента покупки")


def test_latvian_and_croatian_plurals() -> None:
    assert catalogue(Language.LV).plural("decline.age", 21).endswith("pirms 21 dienas")
    assert catalogue(Language.LV).plural("decline.age", 95).endswith("pirms 95 dienām")
    assert catalogue(Language.HR).plural("decline.age", 3).endswith("prošla su 3 dana")
    assert catalogue(Language.HR).plural("decline.age", 21).endswith("prošao je 21 dan")


def _without(tmp_path: Path, language: Language, key: str, fuzzy: bool = False) -> Path:
    """A copy of the language's catalogue with one entry removed (or marked fuzzy)."""
    lines = po_path(language).read_text(encoding="utf-8").split("\n\n")
    entry = next(block for block in lines if block.startswith(f'msgid "{key}"\n'))
    changed = "#, fuzzy\n" + entry if fuzzy else ""
    copy = tmp_path / "messages.po"
    copy.write_text("\n\n".join(changed if b is entry else b for b in lines), encoding="utf-8")
    return copy


@pytest.mark.parametrize("fuzzy", [False, True], ids=["missing", "fuzzy"])
def test_a_gap_fails_loudly_and_only_in_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fuzzy: bool
) -> None:
    broken = read(_without(tmp_path, Language.LV, "subject.pause", fuzzy), Language.LV)
    real = render_module.catalogue
    monkeypatch.setattr(
        render_module, "catalogue", lambda lang: broken if lang is Language.LV else real(lang)
    )
    context = MessageContext(customer_name="Anna", complaint_id="C-1")

    with pytest.raises(KeyError, match="subject.pause") as raised:
        render(MessageKind.PAUSE, Language.LV, Channel.EMAIL, context)

    assert isinstance(raised.value, MissingTemplateError) and "'lv'" in str(raised.value)
    assert render(MessageKind.PAUSE, Language.ET, Channel.EMAIL, context).subject
