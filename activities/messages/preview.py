"""Render any message kind in any language and channel with sample facts, for translators.

    python -m activities.messages.preview KIND LANGUAGE CHANNEL [--time-zone Z] [--currency C]
        [--manager-note TEXT [--note-language L]]
    python -m activities.messages.preview decline lv sms
    python -m activities.messages.preview all ru email      # every kind

Edit `locales/<language>/LC_MESSAGES/messages.po`, run this again, and see the result.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from activities.messages.renderer import render
from schemas.actions import CustomerNote
from schemas.intake import Category, Channel, DetailField, Language
from schemas.locale import DEFAULT_TIME_ZONE
from schemas.messages import MessageContext, MessageKind, Outcome
from schemas.remedies import DeclineCode, DeclineReason, Remedy, RemedyKind

SAMPLE_ZONES = {
    Language.EN: "Europe/Tallinn",
    Language.RU: "Europe/Moscow",
    Language.ET: "Europe/Tallinn",
    Language.HR: "Europe/Zagreb",
    Language.ZH: "Asia/Shanghai",
    Language.LV: "Europe/Riga",
}
SAMPLE_CURRENCIES = {Language.RU: "RUB", Language.ZH: "CNY"}

NOW = datetime(2026, 11, 12, 10, 30, tzinfo=UTC)


def sample(
    kind: MessageKind,
    language: Language,
    zone: str,
    currency: str,
    note: CustomerNote | None = None,
) -> MessageContext:
    """Realistic facts for the kind: what the workflow would tell it; `note` is a manager's
    note for the customer (decline, proposals and resolution show it, or say a manager
    reviewed the complaint when it is in another language)."""
    replacement = Remedy(kind=RemedyKind.REPLACEMENT, amount=Decimal("1234.50"))
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1234.50"))
    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("20.00"))
    repair = Remedy(kind=RemedyKind.REPAIR, amount=Decimal("370.35"))
    window = DeclineReason(
        code=DeclineCode.OUTSIDE_RETURN_WINDOW,
        rule="Returns are accepted within 30 days; this purchase was 95 days ago.",
        why_policy_exists="The return window lets us resell returned goods as new.",
    )
    facts: dict[str, object] = {
        MessageKind.ACKNOWLEDGEMENT: {
            "category": Category.DEFECTIVE_PRODUCT,
            "order_reference": "ORD-5521",
            "with_thanks": True,
        },
        MessageKind.DETAILS_REQUEST: {
            "missing_details": [DetailField.PURCHASE_DATE, DetailField.RECEIPT_PRESENT],
            "reply_by": NOW + timedelta(days=2),
        },
        MessageKind.PAUSE: {"specialist_by": NOW + timedelta(days=3), "written_at": NOW},
        MessageKind.PROPOSALS: {
            "options": [replacement, refund, repair],
            "default_option": replacement,
            "reply_by": NOW + timedelta(days=2),
        },
        MessageKind.RESOLUTION: {
            "remedy": refund,
            "remedy_reference": "RF-0A1B2C3D4E5F",
            "follow_up_on": NOW + timedelta(days=4),
        },
        MessageKind.DECLINE: {
            "reasons": [window],
            "alternatives": [repair, credit],
            "can_appeal": True,
            "reply_by": NOW + timedelta(days=7),
            "purchase_date": NOW.date() - timedelta(days=95),
            "return_window_days": 30,
            "written_at": NOW,
        },
        MessageKind.ESCALATION_NOTICE: {"manager_level": 2, "callback_by": NOW + timedelta(days=2)},
        MessageKind.CALLBACK: {"callback_by": NOW + timedelta(days=2)},
        MessageKind.MOVED_TO_OPERATIONS: {"callback_by": NOW + timedelta(days=2)},
        MessageKind.FOLLOW_UP: {"reply_by": NOW + timedelta(days=3)},
        MessageKind.FOLLOW_UP_REMINDER: {"reply_by": NOW + timedelta(days=3)},
        MessageKind.CLOSING: {"outcome": Outcome.RESOLVED_UNCONFIRMED},
        MessageKind.SURVEY: {"reply_by": NOW + timedelta(days=11)},
        MessageKind.LINKED: {"linked_to": "C-1017"},
    }.get(kind, {})
    return MessageContext(
        customer_name="Mari Tamm",
        complaint_id="C-1042",
        time_zone=zone,
        currency=currency,
        manager_note=note,
        **facts,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m activities.messages.preview", description=__doc__.splitlines()[0]
    )
    parser.add_argument("kind", choices=["all", *MessageKind])
    parser.add_argument("language", choices=list(Language))
    parser.add_argument("channel", choices=list(Channel))
    parser.add_argument("--time-zone", help="IANA zone (default: one of the language's)")
    parser.add_argument("--currency", help="ISO 4217 code (default: the language's)")
    parser.add_argument("--manager-note", help="a manager's note for the customer")
    parser.add_argument(
        "--note-language", choices=list(Language), help="its language (default: LANGUAGE)"
    )
    args = parser.parse_args(argv)
    language, channel = Language(args.language), Channel(args.channel)
    zone = args.time_zone or SAMPLE_ZONES.get(language, DEFAULT_TIME_ZONE)
    currency = args.currency or SAMPLE_CURRENCIES.get(language, "EUR")
    note = None
    if args.manager_note:
        written_in = Language(args.note_language or language)
        note = CustomerNote(text=args.manager_note, language=written_in)
    kinds = list(MessageKind) if args.kind == "all" else [MessageKind(args.kind)]
    for kind in kinds:
        message = render(kind, language, channel, sample(kind, language, zone, currency, note))
        print(f"=== {kind.value} ({language.value}, {channel.value})")
        print(f"Subject: {message.subject}\n\n{message.body}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
