"""Customer-message templates: every kind in every language, with the facts the kind promises."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from activities import templates
from activities.templates import MissingTemplateError, remedy_name, render
from schemas.intake import DetailField, Language
from schemas.messages import MessageContext, MessageKind, Outcome
from schemas.remedies import DeclineCode, DeclineReason, Remedy, RemedyKind

NAME = "Mari Tamm-Ivanova"
CID = "CMP-2024-0042"
REPLY_BY = datetime(2024, 6, 14, 12, 0, tzinfo=UTC)
CALLBACK_BY = datetime(2024, 6, 17, 9, 0, tzinfo=UTC)
FOLLOW_UP_ON = datetime(2024, 6, 21, 8, 0, tzinfo=UTC)

REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.9"))
CREDIT = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("20"))
EXPLAIN = Remedy(kind=RemedyKind.EXPLANATION)
REPAIR = Remedy(kind=RemedyKind.REPAIR)

RETURN_WINDOW = DeclineReason(
    code=DeclineCode.OUTSIDE_RETURN_WINDOW,
    rule="ENGLISH-RULE-TEXT",
    why_policy_exists="ENGLISH-WHY-TEXT",
)

FULL = MessageContext(
    customer_name=NAME,
    complaint_id=CID,
    missing_details=list(DetailField),
    reply_by=REPLY_BY,
    options=[REFUND, CREDIT, EXPLAIN],
    default_option=CREDIT,
    remedy=REFUND,
    remedy_reference="RF-778812",
    reasons=[RETURN_WINDOW],
    alternatives=[CREDIT, REPAIR],
    can_appeal=True,
    manager_title="Regional Service Manager",
    callback_by=CALLBACK_BY,
    follow_up_on=FOLLOW_UP_ON,
    outcome=Outcome.RESOLVED_CONFIRMED,
)
MINIMAL = MessageContext(customer_name=NAME, complaint_id=CID)

# A word that only the localised "why the return window exists" text contains.
RETURN_WINDOW_WHY = {
    Language.EN: "resold",
    Language.RU: "снова продать",
    Language.ET: "uuesti müüa",
    Language.HR: "ponovno prodati",
    Language.ZH: "重新销售",
    Language.LV: "atkārtoti pārdot",
}
REFUND_WORD = {
    Language.EN: "refund",
    Language.RU: "возврат денег",
    Language.ET: "raha tagastamine",
    Language.HR: "povrat novca",
    Language.ZH: "退款",
    Language.LV: "naudas atmaksa",
}


def _ctx(**fields: object) -> MessageContext:
    return MessageContext(customer_name=NAME, complaint_id=CID, **fields)


def _numbered_lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if re.match(r"\d+\. ", line)]


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("context", [FULL, MINIMAL], ids=["full", "minimal"])
@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_renders_in_every_language(
    kind: MessageKind, language: Language, context: MessageContext
) -> None:
    message = render(kind, language, context)

    assert CID in message.subject
    assert NAME in message.body
    greeting, *content, sign_off = message.body.split("\n\n")
    assert NAME in greeting and sign_off.strip()
    assert content and all(paragraph.strip() for paragraph in content)
    for text in (message.subject, message.body):
        assert "{" not in text and "}" not in text, "unfilled placeholder"
        assert "None" not in text


@pytest.mark.parametrize("language", list(Language))
def test_each_kind_says_something_different(language: Language) -> None:
    messages = [render(kind, language, FULL) for kind in MessageKind]

    assert len({m.subject for m in messages}) == len(MessageKind)
    assert len({m.body for m in messages}) == len(MessageKind)


def test_phrasebooks_have_the_same_phrases_and_fields_in_every_language() -> None:
    english = templates._PHRASES[Language.EN]
    assert set(templates._PHRASES) == set(Language)
    for language, phrases in templates._PHRASES.items():
        assert set(phrases) == set(english), language
        for key, template in phrases.items():
            assert _fields(template) == _fields(english[key]), (language, key)
            if language is not Language.EN:
                assert template != english[key], f"{language}: {key} left untranslated"


def test_a_missing_phrase_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(templates._PHRASES[Language.LV], "subject.pause")

    with pytest.raises(KeyError, match="subject.pause") as raised:
        render(MessageKind.PAUSE, Language.LV, MINIMAL)

    assert isinstance(raised.value, MissingTemplateError)
    assert "'lv'" in str(raised.value)
    render(MessageKind.PAUSE, Language.ET, MINIMAL)  # other languages are unaffected


@pytest.mark.parametrize("language", list(Language))
def test_proposals_list_every_option_and_mark_the_default(language: Language) -> None:
    body = render(MessageKind.PROPOSALS, language, FULL).body
    items = _numbered_lines(body)
    mark = templates._PHRASES[language]["proposals.default_mark"].strip()

    assert len(items) == 3
    for item, option in zip(items, FULL.options, strict=True):
        assert remedy_name(option, language).casefold() in item.casefold()
    assert [mark in item for item in items] == [False, True, False]
    assert "49.90" in items[0] and "20.00" in items[1]
    assert REFUND_WORD[language] in items[0].casefold()
    assert "2024-06-14" in body


def test_proposals_read_naturally_in_english() -> None:
    body = render(MessageKind.PROPOSALS, Language.EN, FULL).body

    assert "1. A refund of 49.90\n" in body
    assert "2. Store credit of 20.00 (our recommendation)\n" in body
    assert "Please let us know which option you prefer by 2024-06-14." in body


@pytest.mark.parametrize("language", list(Language))
def test_every_remedy_kind_has_its_own_name(language: Language) -> None:
    plain = [remedy_name(Remedy(kind=kind), language) for kind in RemedyKind]
    priced = [
        remedy_name(Remedy(kind=kind, amount=Decimal("12.5")), language) for kind in RemedyKind
    ]

    assert len(set(plain)) == len(RemedyKind)
    assert all("12.50" in name for name in priced)
    assert all(re.search(r"\d", name) is None for name in plain), "no amount when it is zero"


@pytest.mark.parametrize("language", list(Language))
def test_decline_explains_the_rule_why_it_exists_and_the_alternatives(
    language: Language,
) -> None:
    body = render(MessageKind.DECLINE, language, FULL).body

    assert RETURN_WINDOW_WHY[language] in body
    assert "ENGLISH-WHY-TEXT" not in body, "known codes use the localised explanation"
    for alternative in FULL.alternatives:
        assert remedy_name(alternative, language).casefold() in body.casefold()
    assert "20.00" in body
    assert templates._PHRASES[language]["decline.appeal"] in body
    assert "2024-06-14" in body


@pytest.mark.parametrize("language", list(Language))
def test_decline_without_appeal_does_not_offer_one(language: Language) -> None:
    body = render(MessageKind.DECLINE, language, _ctx(reasons=[RETURN_WINDOW])).body

    assert templates._PHRASES[language]["decline.appeal"] not in body
    assert RETURN_WINDOW_WHY[language] in body


def test_a_decline_code_without_its_own_explanation_is_refused_at_the_edge() -> None:
    with pytest.raises(ValidationError, match="code"):
        DeclineReason(
            code="gift_card_cash",
            rule="Gift cards cannot be exchanged for cash.",
            why_policy_exists="This keeps stolen gift cards from being turned into money.",
        )


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("code", list(DeclineCode))
def test_every_decline_code_is_explained_in_every_language(
    language: Language, code: DeclineCode
) -> None:
    reason = RETURN_WINDOW.model_copy(update={"code": code})
    body = render(MessageKind.DECLINE, language, _ctx(reasons=[reason])).body

    assert templates._PHRASES[language][f"decline.reason.{code.value}"].split("{")[0] in body


@pytest.mark.parametrize("language", list(Language))
def test_manager_denial_quotes_the_managers_own_rule(language: Language) -> None:
    reason = DeclineReason(
        code=DeclineCode.MANAGER_DENIED,
        rule="Opened software cannot be returned.",
        why_policy_exists="Licences cannot be revoked once activated.",
    )
    body = render(MessageKind.DECLINE, language, _ctx(reasons=[reason])).body
    beyond = render(
        MessageKind.DECLINE,
        language,
        _ctx(reasons=[reason.model_copy(update={"code": DeclineCode.BEYOND_AUTHORITY})]),
    ).body

    assert "Opened software cannot be returned." in body
    assert "Opened software cannot be returned." not in beyond
    assert body != beyond


@pytest.mark.parametrize("language", list(Language))
def test_details_request_asks_one_closed_question_per_missing_detail(language: Language) -> None:
    context = _ctx(missing_details=list(DetailField), reply_by=REPLY_BY)
    body = render(MessageKind.DETAILS_REQUEST, language, context).body
    questions = _numbered_lines(body)

    assert len(questions) == len(DetailField)
    assert len(set(questions)) == len(questions)
    assert all(q.rstrip().endswith(("?", "？", ")", "）")) for q in questions)
    assert "2024-06-14" in body


@pytest.mark.parametrize("language", list(Language))
def test_details_request_without_a_list_still_asks_a_question(language: Language) -> None:
    questions = _numbered_lines(render(MessageKind.DETAILS_REQUEST, language, MINIMAL).body)

    assert len(questions) == 1
    assert questions[0].endswith(("?", "？"))


@pytest.mark.parametrize("language", list(Language))
def test_resolution_states_the_remedy_reference_and_follow_up_date(language: Language) -> None:
    body = render(MessageKind.RESOLUTION, language, FULL).body

    assert remedy_name(REFUND, language) in body
    assert "RF-778812" in body
    assert "2024-06-21" in body


@pytest.mark.parametrize("language", list(Language))
def test_escalation_names_the_manager_and_the_callback_date(language: Language) -> None:
    body = render(MessageKind.ESCALATION_NOTICE, language, FULL).body
    untitled = render(MessageKind.ESCALATION_NOTICE, language, MINIMAL).body

    assert "Regional Service Manager" in body
    assert "2024-06-17" in body
    assert "2024-06-17" not in untitled


@pytest.mark.parametrize("language", list(Language))
def test_callback_date_is_said_only_when_set(language: Language) -> None:
    with_date = render(MessageKind.CALLBACK, language, _ctx(callback_by=CALLBACK_BY)).body
    without = render(MessageKind.CALLBACK, language, MINIMAL).body

    assert "2024-06-17" in with_date
    assert re.search(r"\d{4}-\d{2}-\d{2}", without) is None
    assert len(without) < len(with_date)


@pytest.mark.parametrize("kind", [MessageKind.FOLLOW_UP, MessageKind.FOLLOW_UP_REMINDER])
@pytest.mark.parametrize("language", list(Language))
def test_follow_ups_ask_for_a_reply_by_a_date(kind: MessageKind, language: Language) -> None:
    assert "2024-06-14" in render(kind, language, _ctx(reply_by=REPLY_BY)).body


def test_dates_are_calendar_days_in_utc() -> None:
    moscow_early_morning = datetime(2024, 3, 1, 1, 30, tzinfo=timezone(timedelta(hours=3)))
    naive = datetime(2024, 5, 6, 23, 59)

    aware_body = render(MessageKind.FOLLOW_UP, Language.EN, _ctx(reply_by=moscow_early_morning))
    naive_body = render(MessageKind.FOLLOW_UP, Language.EN, _ctx(reply_by=naive))

    assert "2024-02-29" in aware_body.body
    assert "2024-05-06" in naive_body.body


@pytest.mark.parametrize("language", list(Language))
def test_closing_depends_on_the_outcome(language: Language) -> None:
    bodies = {
        outcome: render(MessageKind.CLOSING, language, _ctx(outcome=outcome)).body
        for outcome in [*Outcome, None]
    }

    assert len(set(bodies.values())) == len(bodies)
    assert all(CID in body for body in bodies.values())


def test_closing_wording_matches_the_outcome_in_english() -> None:
    def closing(outcome: Outcome) -> str:
        return render(MessageKind.CLOSING, Language.EN, _ctx(outcome=outcome)).body

    assert "glad" in closing(Outcome.RESOLVED_CONFIRMED)
    assert "at any time" in closing(Outcome.RESOLVED_UNCONFIRMED)
    assert "door remains open" in closing(Outcome.DECLINED)
    assert "withdrawn" in closing(Outcome.WITHDRAWN)


def test_render_accepts_plain_string_values() -> None:
    by_value = render("apology", "hr", MINIMAL)  # type: ignore[arg-type]

    assert by_value == render(MessageKind.APOLOGY, Language.HR, MINIMAL)
