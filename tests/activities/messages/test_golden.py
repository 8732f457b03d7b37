"""Every kind in every language and channel, rendered with fixed facts, as committed; and the
review's corrections (../shared/reviews/customer-messages-2026-12-01.md) applied.

After a reviewed change of wording: `python -m tests.activities.messages.golden`."""

from __future__ import annotations

import pytest

from activities.messages import render
from activities.messages.catalogue import catalogue
from schemas.intake import Channel, Language
from schemas.messages import MessageKind
from tests.activities.messages.golden import (
    CUSTOMERS,
    DENIED,
    FOREIGN_NOTE,
    cases,
    path,
    rendered,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
"""Babel's spaces: no-break in amounts, narrow no-break before the Russian "г."."""

CORRECTED: dict[Language, list[str]] = {
    Language.EN: [
        "passed your complaint to our store manager",
        "by 14 November 2026",
        "We will contact you by",
        "A replacement item, worth €1,234.50 (recommended)",
        "A free repair",
        "If we have not heard from you by then, we will go ahead with option 1.",
        "Returns are accepted within 30 days; your purchase was 95 days ago.",
        "which alternative you would like; otherwise we will close the complaint.",
        "A specialist will contact you within 1 day",
    ],
    Language.RU: [
        "Мы оформили для Вас замену товара",
        "Мы оформили для Вас скидку",
        f"до 14 ноября 2026{NNBSP}г.",
        f"в размере 1{NBSP}234,50{NBSP}₽",
        "передали Ваше обращение директору магазина, который вправе решать такие вопросы.",
        "держать справедливые цены",
        "Спасибо, что рассказали нам о проблеме",
        "Служба поддержки клиентов",
        "Комментарий руководителя: «",  # a manager's note, in Russian
    ],
    Language.ET: [
        "Teie pöördumise C-1042 lahendusvõimalused",
        "Selle ostu tagastamise tähtaeg on möödunud.",
        "ja et see valmistab Teile pettumuse",
        "Toote tasuta parandamine",
        "Andes meile teada, võimaldasite meil asja heastada.",
        "et andsite meile probleemist teada",
        "Klienditeenindus",
        "hiljemalt 14.11.2026",
        f"summas 1{NBSP}234,50{NBSP}€",
    ],
    Language.HR: [
        "Dobar dan,",
        "Rok za povrat ove kupnje je istekao.",
        "razgovor ovakvim tonom ne možemo nastaviti",
        "zbog neugodnosti koje Vam je to prouzročilo",
        "pogrešno razumjeli",
        "što ste nam prijavili problem",
        "do 14. studenoga 2026.",
        f"1.234,50{NBSP}€",
    ],
    Language.ZH: [
        "客户服务团队 敬上",
        "更换商品（价值 ¥1,234.50，推荐）",
        "免费维修（费用由我们承担）",
        "退款 ¥1,234.50",
        "优惠 ¥246.90",
        "请于2026年11月15日06:30（北京时间）前回复",
        "门店经理",
        "与您联系",
        "为了更好地帮助您，我们希望另约时间平心静气地沟通",
        "记录完整保留",
        "已处理完毕并关闭",
    ],
    Language.LV: [
        "Labdien!",
        f"nodrošinājuši naudas atmaksu 1{NBSP}234,50{NBSP}€ apmērā",
        "Šī pirkuma atgriešanas termiņš ir beidzies.",
        "Mēs labprāt uzzinātu arī",
        "ka informējāt mūs par problēmu",
        "Klientu apkalpošanas komanda",
        "līdz 14.11.2026.",
        f"246,90{NBSP}€ apmērā",
    ],
}
"""The review's corrected wording: each appears in the language's messages."""

WRONG_EVERYWHERE = [
    "2026-11-14",
    "1234.50",
    "370.35",
    "(value",
    "Store manager",
    "None",
    "{",
    "}",
    DENIED.rule,
    FOREIGN_NOTE,
]
"""ISO dates, unformatted or internal amounts, English titles, unfilled placeholders, the
manager's internal reason and a note not in the customer's language."""
POINT_AMOUNTS = ["246.90", "20.00"]
"""Amounts with a decimal point: wrong where the locale writes a comma (ru, et, hr, lv)."""

WRONG: dict[Language, list[str]] = {
    Language.EN: ["our Store manager", "reply to this message", "our recommendation"],
    Language.RU: [
        "Мы оформили для Вас:",
        "сохранять честные цены",
        "Слова руководителя",
        "Спасибо, что сообщили нам",
        "служба поддержки клиентов",
        "полномочий для решения подобных вопросов (",
    ],
    Language.ET: [
        "Lahendusvõimalused pöördumisele",
        "Ost on tehtud väljaspool",
        "teeb meele kurvaks",
        "Parandus meie kulul",
        "Meile teada andes andsite",
        "üldse",
        "\nklienditeenindus",
    ],
    Language.HR: [
        "Dobar dan, Ivan Horvat!",
        "Kupnja je izvan našeg roka",
        "u ovom tonu",
        "koje ste zbog toga imali",
        "krivo razumjeli",
        "uopće",
    ],
    Language.ZH: [
        "祝好",
        "（我们推荐）",
        "由我们承担费用的维修",
        "价格优惠",
        "经理（",
        "给您回电",
        "以目前的语气",
        "没有任何遗漏",
        "已结案",
    ],
    Language.LV: [
        "Labdien, Jānis Bērziņš!",
        "nodrošinājuši:",
        "Pirkums ir veikts ārpus",
        "Labprāt uzzinātu arī",
        "ka vispār pastāstījāt",
        "\nklientu apkalpošanas komanda",
    ],
}
"""The review's wrong wording: none of it appears in any channel."""

PHONE_PROMISE = {
    Language.EN: "call you",
    Language.RU: "позвоним",
    Language.ET: "Helistame",
    Language.HR: "nazvati",
    Language.ZH: "打电话",
    Language.LV: "piezvanīs",
}
LETTER = {Language.RU: "письм", Language.ET: "kiri", Language.EN: "email"}
"""Words for a letter or email, wrong on any channel but email."""


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("language", list(Language))
def test_messages_match_the_committed_golden_files(language: Language, channel: Channel) -> None:
    expected = path(language, channel).read_text(encoding="utf-8")

    assert rendered(language, channel) == expected, (
        "wording changed: review it, then run `python -m tests.activities.messages.golden`"
    )


@pytest.mark.parametrize("language", list(Language))
def test_every_corrected_sentence_of_the_review_appears(language: Language) -> None:
    text = rendered(language, Channel.EMAIL)

    missing = [sentence for sentence in CORRECTED[language] if sentence not in text]
    assert not missing


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("language", list(Language))
def test_no_wrong_wording_of_the_review_remains(language: Language, channel: Channel) -> None:
    text = rendered(language, channel)

    comma = language in (Language.RU, Language.ET, Language.HR, Language.LV)
    wrong = WRONG_EVERYWHERE + WRONG[language] + (POINT_AMOUNTS if comma else [])
    found = [w for w in wrong if w in text]
    assert not found
    if language in (Language.HR, Language.LV):
        assert CUSTOMERS[language][0] not in text, "names are not declined: neutral greeting"


@pytest.mark.parametrize("channel", [c for c in Channel if c is not Channel.PHONE])
@pytest.mark.parametrize("language", list(Language))
def test_only_the_phone_channel_promises_a_call(language: Language, channel: Channel) -> None:
    assert PHONE_PROMISE[language] not in rendered(language, channel)
    assert PHONE_PROMISE[language] in rendered(language, Channel.PHONE)


@pytest.mark.parametrize("channel", [c for c in Channel if c is not Channel.EMAIL])
@pytest.mark.parametrize("language", list(LETTER))
def test_no_letter_on_other_channels(language: Language, channel: Channel) -> None:
    assert LETTER[language] not in rendered(language, channel).casefold()


def _case(language: Language, title: str) -> str:
    [(kind, context)] = [(k, c) for t, k, c in cases(language) if t == title]
    return render(kind, language, Channel.EMAIL, context).body


@pytest.mark.parametrize("language", list(Language))
def test_a_decline_states_the_figures_in_every_language(language: Language) -> None:
    """The review: declines drop the figures the code has (30-day window, 95 days ago)."""
    body = _case(language, "decline (return window)")
    cat = catalogue(language)
    assert cat.plural("decline.window", 30) in body and cat.plural("decline.age", 95) in body
    assert "30" in body and "95" in body


@pytest.mark.parametrize("language", list(Language))
def test_a_managers_denial_keeps_the_real_reason_the_policy_exists(language: Language) -> None:
    """The review: the receipt rule's reason, not "managers decide so it is fair"."""
    cat = catalogue(language)
    for title in ("decline (manager denied)", "decline (manager denied, with a note in the "
                  "customer's language)"):  # fmt: skip
        body = _case(language, title)
        assert cat.text("decline.why.no_receipt") in body
        assert cat.text("decline.why.default") not in body


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("language", list(Language))
def test_the_acknowledgement_restates_apologises_and_thanks(
    language: Language, channel: Channel
) -> None:
    """The review: restate category and order in the acknowledgement, apologise there, merge
    the thanks (SEED_NOTES: apologise at once, not after the details round)."""
    cat = catalogue(language)
    [(kind, context)] = [(k, c) for t, k, c in cases(language) if t == "acknowledgement"]
    assert kind is MessageKind.ACKNOWLEDGEMENT
    body = render(kind, language, channel, context).body
    restated = [cat.text("ack.about.defective_product"), "ORD-5521"]
    assert all(part in body for part in restated)
    assert cat.text("ack.apology") in body and cat.text("ack.thanks") in body
    assert body.index(cat.text("ack.apology")) < body.index(cat.text("ack.thanks"))


VOUCHER = {
    Language.RU: ["ваучер", "сертификат"],
    Language.HR: ["vaučer", "poklon-bon"],
    Language.LV: ["dāvanu kart", "kupon"],
    Language.EN: ["voucher"],
    Language.ET: ["kinkekaart", "vautšer"],
    Language.ZH: ["代金券", "礼品卡"],
}
"""The review: store credit was "a voucher in your name" in three languages."""


@pytest.mark.parametrize("language", list(Language))
def test_store_credit_is_one_fact_credited_to_the_customers_account(language: Language) -> None:
    body = _case(language, "resolution (store_credit)")
    assert catalogue(language).text("resolution.next.store_credit") in body
    assert not [word for word in VOUCHER[language] if word in body.casefold()]
