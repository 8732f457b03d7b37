"""Money per locale, and times as the customer reads them: what we promise is never before
the timer that keeps it, a deadline we state never after the timer that enforces it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from activities.messages import formatting as fmt
from activities.messages import render
from schemas.intake import Channel, Language
from schemas.messages import MessageContext, MessageKind
from schemas.remedies import Remedy, RemedyKind

NBSP = "\u00a0"
ZONES = [
    "Europe/Moscow",
    "Europe/Tallinn",
    "Europe/Riga",
    "Europe/Zagreb",
    "Asia/Shanghai",
    "America/New_York",
]


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        (Language.ET, "EUR", f"1{NBSP}234,50{NBSP}€"),
        (Language.LV, "EUR", f"1{NBSP}234,50{NBSP}€"),
        (Language.HR, "EUR", f"1.234,50{NBSP}€"),
        (Language.RU, "RUB", f"1{NBSP}234,50{NBSP}₽"),
        (Language.ZH, "CNY", "¥1,234.50"),
        (Language.EN, "EUR", "€1,234.50"),
    ],
)
def test_amounts_are_formatted_per_locale(language: Language, currency: str, expected: str) -> None:
    assert fmt.money(Decimal("1234.50"), currency, language) == expected
    context = MessageContext(
        customer_name="A",
        complaint_id="C-1",
        currency=currency,
        remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("1234.5")),
    )
    assert expected in render(MessageKind.RESOLUTION, language, Channel.EMAIL, context).body


def _timers() -> list[datetime]:
    """Timer instants around the clock, across both DST changes and the review's 22:30 UTC."""
    starts = [
        datetime(2026, 3, 7, 0, 7, tzinfo=UTC),
        datetime(2026, 3, 28, 0, 7, tzinfo=UTC),
        datetime(2026, 10, 24, 0, 7, tzinfo=UTC),
        datetime(2026, 11, 13, 0, 7, tzinfo=UTC),
    ]
    steps = [timedelta(minutes=47 * i, seconds=13 * i) for i in range(0, 72 * 60 // 47)]
    return [start + step for start in starts for step in steps] + [
        datetime(2026, 11, 14, 22, 30, tzinfo=UTC)
    ]


TIMERS = _timers()
EN_PROMISE = re.compile(r"by (\d{1,2} \w+ \d{4}) at the latest")
EN_DEADLINE = re.compile(r"by (\d{1,2} \w+ \d{4}) at (\d\d:\d\d) \(")
ZH_PROMISE = re.compile(r"最迟将于(\d{4})年(\d{1,2})月(\d{1,2})日")
ZH_DEADLINE = re.compile(r"请于(\d{4})年(\d{1,2})月(\d{1,2})日(\d\d):(\d\d)（")


def _told(kind: MessageKind, language: Language, zone: str, timer: datetime) -> str:
    fields = (
        {"callback_by": timer} if kind is MessageKind.ESCALATION_NOTICE else {"reply_by": timer}
    )
    context = MessageContext(customer_name="A", complaint_id="C-1", time_zone=zone, **fields)
    return render(kind, language, Channel.EMAIL, context).body


@pytest.mark.parametrize("zone", ZONES)
def test_a_promised_day_never_ends_before_the_timer(zone: str) -> None:
    tz = ZoneInfo(zone)
    for timer in TIMERS:
        en = EN_PROMISE.search(_told(MessageKind.ESCALATION_NOTICE, Language.EN, zone, timer))
        zh = ZH_PROMISE.search(_told(MessageKind.ESCALATION_NOTICE, Language.ZH, zone, timer))
        assert en and zh
        day = datetime.strptime(en[1], "%d %B %Y").date()
        assert datetime(*map(int, zh.groups()), tzinfo=tz).date() == day
        runs_out = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        assert runs_out >= timer + fmt.PROMISE_MARGIN, (zone, timer)
        assert runs_out - timer <= timedelta(days=1, hours=2), "prudent, not vague (DST: 25 h)"


@pytest.mark.parametrize("zone", ZONES)
def test_a_stated_deadline_is_never_after_the_timer(zone: str) -> None:
    tz = ZoneInfo(zone)
    for timer in TIMERS:
        en = EN_DEADLINE.search(_told(MessageKind.DETAILS_REQUEST, Language.EN, zone, timer))
        zh = ZH_DEADLINE.search(_told(MessageKind.DETAILS_REQUEST, Language.ZH, zone, timer))
        assert en and zh
        wall = datetime.strptime(f"{en[1]} {en[2]}", "%d %B %Y %H:%M")
        assert datetime(*map(int, zh.groups())) == wall
        # When clocks go back, a wall time happens twice: both readings must hold.
        readings = [wall.replace(tzinfo=tz, fold=fold) for fold in (0, 1)]
        assert all(reading <= timer for reading in readings), (zone, timer)
        at = timer.astimezone(tz)
        repeated = at.replace(fold=1 - at.fold).utcoffset() != at.utcoffset()
        slack = timedelta(hours=1, minutes=1) if repeated else timedelta(minutes=1)
        assert timer - max(readings) < slack, "the real local time, to the minute"


def test_the_reviews_late_callback_is_told_as_the_next_local_day() -> None:
    timer = datetime(2026, 11, 14, 22, 30, tzinfo=UTC)

    assert fmt.promised_day(timer, "Europe/Moscow").day == 15
    assert fmt.promised_day(timer, "Asia/Shanghai").day == 15
    assert fmt.promised_day(timer, "Europe/Zagreb").day == 15, "23:30 is inside the margin"
    assert fmt.promised_day(timer, "America/New_York").day == 14


def test_naive_times_are_utc_and_unknown_zones_get_an_offset() -> None:
    naive = datetime(2026, 11, 14, 22, 30)
    body = _told(MessageKind.DETAILS_REQUEST, Language.EN, "Asia/Kolkata", naive)

    assert "by 15 November 2026 at 04:00 (GMT+05:30)" in body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (Language.EN, "14 November 2026"),
        (Language.RU, "14 ноября 2026\u202fг."),
        (Language.ET, "14.11.2026"),
        (Language.HR, "14. studenoga 2026."),
        (Language.ZH, "2026年11月14日"),
        (Language.LV, "14.11.2026."),
    ],
)
def test_dates_read_well_after_by(language: Language, expected: str) -> None:
    assert fmt.day_text(datetime(2026, 11, 14).date(), language) == expected
