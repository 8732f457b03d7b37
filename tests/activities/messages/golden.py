"""Golden customer messages: every kind in every language and channel, with fixed facts.

The facts are the review's (docs: ../shared/reviews/customer-messages-2026-12-01.md):
amounts 1234.50 / 370.35 / 20.00 / 246.90, a callback and a deadline due 2026-11-14
22:30 UTC (the details request and the reminder 08:00 UTC), the store manager (level 2).
Each language's customer lives in a zone of that language and pays in its currency.

    python -m tests.activities.messages.golden      # rewrite golden/ after a reviewed change

`test_golden.py` renders the same and compares it with the committed files.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from activities.messages import render
from domain.decisions import manager_denial
from schemas.actions import CustomerNote
from schemas.events import EscalationReason
from schemas.intake import Category, Channel, DetailField, Language
from schemas.messages import MessageContext, MessageKind, Outcome
from schemas.remedies import DeclineCode, DeclineReason, Remedy, RemedyKind

GOLDEN = Path(__file__).parent / "golden"

CUSTOMERS: dict[Language, tuple[str, str, str]] = {
    Language.EN: ("Mary Smith", "America/New_York", "EUR"),
    Language.RU: ("Анна Иванова", "Europe/Moscow", "RUB"),
    Language.ET: ("Mari Tamm", "Europe/Tallinn", "EUR"),
    Language.HR: ("Ivan Horvat", "Europe/Zagreb", "EUR"),
    Language.ZH: ("王伟", "Asia/Shanghai", "CNY"),
    Language.LV: ("Jānis Bērziņš", "Europe/Riga", "EUR"),
}
"""Name, time zone and currency of each language's customer."""

LATE = datetime(2026, 11, 14, 22, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 14, 8, 0, tzinfo=UTC)
WRITTEN = datetime(2026, 11, 13, 22, 30, tzinfo=UTC)

REPLACEMENT = Remedy(kind=RemedyKind.REPLACEMENT, amount=Decimal("1234.50"))
REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1234.50"))
REPAIR = Remedy(kind=RemedyKind.REPAIR, amount=Decimal("370.35"))
CREDIT = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("20.00"))
DISCOUNT = Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("246.90"))
EXPLANATION = Remedy(kind=RemedyKind.EXPLANATION)

OUTSIDE_WINDOW = DeclineReason(
    code=DeclineCode.OUTSIDE_RETURN_WINDOW,
    rule=(
        "Returns and refunds are accepted within 30 days of purchase; "
        "this purchase was 95 days ago."
    ),
    why_policy_exists="(the domain's English text)",
)
DENIED = manager_denial("The item was bought at another shop.", EscalationReason.NO_RECEIPT)
"""The internal reason: no customer ever reads it."""

DENIAL_NOTES: dict[Language, str] = {
    Language.EN: "I checked the delivery records myself and could not find this purchase.",
    Language.RU: "Я лично проверил журнал поставок, но не нашёл этой покупки.",
    Language.ET: "Kontrollisin ise tarnearvestust, kuid seda ostu ma ei leidnud.",
    Language.HR: "Osobno sam provjerio evidenciju isporuka, ali ovu kupnju nisam pronašao.",
    Language.ZH: "我亲自核查了交货记录，但没有找到这笔购买记录。",
    Language.LV: "Es personīgi pārbaudīju piegāžu uzskaiti, taču šo pirkumu neatradu.",
}
"""A manager's note for the customer, written in the customer's language."""
OVERRIDE_NOTES: dict[Language, str] = {
    Language.EN: "Thank you for your patience: the fault was clearly ours.",
    Language.RU: "Спасибо за терпение: ошибка была явно с нашей стороны.",
    Language.ET: "Täname kannatlikkuse eest: viga oli selgelt meie pool.",
    Language.HR: "Hvala Vam na strpljenju: pogreška je očito bila naša.",
    Language.ZH: "感谢您的耐心，这显然是我们的失误。",
    Language.LV: "Paldies par pacietību: kļūda nepārprotami bija mūsu pusē.",
}
FOREIGN_NOTE = "We can offer a repair instead; the replacement is out of stock."
"""A note in English (Estonian for the English customer): it never reaches the customer."""


def cases(language: Language) -> list[tuple[str, MessageKind, MessageContext]]:
    """(title, kind, facts) of every message rendered for the language."""
    name, zone, currency = CUSTOMERS[language]

    def facts(**fields: object) -> MessageContext:
        return MessageContext(
            customer_name=name,
            complaint_id="C-1042",
            time_zone=zone,
            currency=currency,
            **fields,
        )

    decline = facts(
        reasons=[OUTSIDE_WINDOW],
        alternatives=[REPAIR, CREDIT],
        can_appeal=True,
        reply_by=LATE,
        purchase_date=date(2026, 8, 10),
        return_window_days=30,
        written_at=WRITTEN,
    )
    found: list[tuple[str, MessageKind, MessageContext]] = [
        (
            "acknowledgement",
            MessageKind.ACKNOWLEDGEMENT,
            facts(
                category=Category.DEFECTIVE_PRODUCT, order_reference="ORD-5521", with_thanks=True
            ),
        ),
        (
            "acknowledgement of a reported hazard (a safety specialist reviews it first)",
            MessageKind.ACKNOWLEDGEMENT,
            facts(
                category=Category.DEFECTIVE_PRODUCT,
                order_reference="ORD-5521",
                with_thanks=True,
                safety_review=True,
            ),
        ),
        (
            "acknowledgement (complaints started before ack-apologises: thanks comes later)",
            MessageKind.ACKNOWLEDGEMENT,
            facts(category=Category.DEFECTIVE_PRODUCT, order_reference="ORD-5521"),
        ),
        (
            "details_request",
            MessageKind.DETAILS_REQUEST,
            facts(
                missing_details=[DetailField.PURCHASE_DATE, DetailField.RECEIPT_PRESENT],
                reply_by=MORNING,
            ),
        ),
        ("pause", MessageKind.PAUSE, facts(specialist_by=LATE, written_at=WRITTEN)),
        ("apology (complaints started before ack-apologises)", MessageKind.APOLOGY, facts()),
        ("thanks (complaints started before ack-apologises)", MessageKind.THANKS, facts()),
        (
            "proposals",
            MessageKind.PROPOSALS,
            facts(
                options=[REPLACEMENT, REFUND, REPAIR, DISCOUNT],
                default_option=REPLACEMENT,
                reply_by=LATE,
            ),
        ),
    ]
    for remedy in (REPLACEMENT, REFUND, CREDIT, REPAIR, DISCOUNT, EXPLANATION):
        found.append(
            (
                f"resolution ({remedy.kind.value})",
                MessageKind.RESOLUTION,
                facts(remedy=remedy, remedy_reference="RF-0A1B2C", follow_up_on=LATE),
            )
        )
    found += [
        ("decline (return window)", MessageKind.DECLINE, decline),
        (
            "decline (manager denied)",
            MessageKind.DECLINE,
            facts(reasons=[DENIED], alternatives=[CREDIT], reply_by=LATE, written_at=WRITTEN),
        ),
        (
            "escalation_notice",
            MessageKind.ESCALATION_NOTICE,
            facts(manager_level=2, manager_title="Store manager", callback_by=LATE),
        ),
        ("callback", MessageKind.CALLBACK, facts(callback_by=LATE)),
        ("follow_up", MessageKind.FOLLOW_UP, facts(reply_by=LATE)),
        ("follow_up_reminder", MessageKind.FOLLOW_UP_REMINDER, facts(reply_by=MORNING)),
        ("reopened", MessageKind.REOPENED, facts()),
    ]
    foreign = Language.ET if language is Language.EN else Language.EN
    found += [
        (
            "decline (manager denied, with a note in the customer's language)",
            MessageKind.DECLINE,
            facts(
                reasons=[DENIED],
                alternatives=[CREDIT],
                reply_by=LATE,
                written_at=WRITTEN,
                manager_note=CustomerNote(text=DENIAL_NOTES[language], language=language),
            ),
        ),
        (
            "proposals (manager's counter-offer, with a note in another language)",
            MessageKind.PROPOSALS,
            facts(
                options=[REPAIR],
                default_option=REPAIR,
                reply_by=LATE,
                manager_note=CustomerNote(text=FOREIGN_NOTE, language=foreign),
            ),
        ),
        (
            "resolution (manager's override, with a note in the customer's language)",
            MessageKind.RESOLUTION,
            facts(
                remedy=REFUND,
                remedy_reference="RF-0A1B2C",
                follow_up_on=LATE,
                manager_note=CustomerNote(text=OVERRIDE_NOTES[language], language=language),
            ),
        ),
    ]
    for outcome in Outcome:
        found.append((f"closing ({outcome.value})", MessageKind.CLOSING, facts(outcome=outcome)))
    found += [
        (
            "moved_to_operations (a paused conversation: no promise to keep)",
            MessageKind.MOVED_TO_OPERATIONS,
            facts(),
        ),
        (
            "moved_to_operations (an escalation: the promised callback still comes)",
            MessageKind.MOVED_TO_OPERATIONS,
            facts(callback_by=LATE),
        ),
    ]
    return found


def rendered(language: Language, channel: Channel) -> str:
    """One golden file: every case, its subject and its body."""
    parts = []
    for title, kind, context in cases(language):
        message = render(kind, language, channel, context)
        parts.append(f"=== {title}\nSubject: {message.subject}\n\n{message.body}\n")
    return "\n".join(parts)


def path(language: Language, channel: Channel) -> Path:
    return GOLDEN / language.value / f"{channel.value}.txt"


def write() -> None:
    for language in Language:
        for channel in Channel:
            target = path(language, channel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered(language, channel), encoding="utf-8")
    print(f"wrote {len(Language) * len(Channel)} files under {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    write()
