"""Dates, times and money as a customer reads them: local, rounded prudently, per locale.

Two kinds of moment reach a customer, and they round in opposite directions so that no
message ever promises what a timer will break:

- Our promises ("we will contact you by ..."): the timer that keeps one fires at `t`, and
  the customer is told the local day it fires on, which ends after `t`. A timer that fires
  in the last `PROMISE_MARGIN` of a day is told as the next day, so a delivery retried over
  midnight still keeps the promise. What we tell is never earlier than the timer.
- The customer's deadlines ("please reply by ..."): the timer that enforces one fires at
  `t` (the default remedy applies, the complaint closes). The customer is told the local
  date and time, cut to the minute, with the zone named: never later than the timer, so an
  answer given by the stated time always counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_gmt
from babel.numbers import format_currency

from schemas.intake import Language

LOCALES: dict[Language, str] = {
    Language.EN: "en_GB",
    Language.RU: "ru_RU",
    Language.ET: "et_EE",
    Language.HR: "hr_HR",
    Language.ZH: "zh_Hans_CN",
    Language.LV: "lv_LV",
}
"""The Babel locale each language is formatted in (British English: "14 November 2026")."""

DATE_PATTERNS: dict[Language, str] = {
    Language.EN: "long",
    Language.RU: "long",
    Language.HR: "long",
    Language.ZH: "long",
    Language.ET: "dd.MM.yyyy",
    Language.LV: "dd.MM.yyyy.",
}
"""Long dates read well after "by"/"до"/"do"; Estonian and Latvian long dates are in the
nominative, so those use the numeric form ("14.11.2026", "14.11.2026.")."""

PROMISE_MARGIN = timedelta(hours=1)


def money(amount: Decimal, currency: str, language: Language) -> str:
    """E.g. "€1,234.50", "1 234,50 €" (et, lv), "1.234,50 €" (hr), "1 234,50 ₽", "¥1,234.50".

    Spaces are non-breaking, as the locale has them."""
    return format_currency(amount, currency, locale=LOCALES[language])


def local(moment: datetime, zone: str) -> datetime:
    """The moment on the customer's clock; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone))


def promised_day(moment: datetime, zone: str) -> date:
    """The local day to promise for something a timer does at `moment`."""
    return local(moment + PROMISE_MARGIN, zone).date()


def end_of_day(day: date, zone: str) -> datetime:
    """When a promise "by `day`" runs out: the local midnight that ends it."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))


def deadline_moment(moment: datetime, zone: str) -> datetime:
    """The local moment a customer is told for a deadline a timer enforces at `moment`.

    When the clocks go back, an hour of wall time happens twice; a deadline in its first
    pass would read as the second one too, which is after the timer: it is told as the
    last minute before the repeated hour instead."""
    told = local(moment, zone).replace(second=0, microsecond=0)
    while told.fold == 0 and told.replace(fold=1).utcoffset() != told.utcoffset():
        told = (told - timedelta(minutes=1)).astimezone(ZoneInfo(zone))
    return told


def day_text(day: date, language: Language) -> str:
    return format_date(day, DATE_PATTERNS[language], locale=LOCALES[language])


def time_text(moment: datetime, language: Language) -> str:
    return format_time(moment, "HH:mm", locale=LOCALES[language])


def zone_offset(moment: datetime, language: Language) -> str:
    """The zone as an offset ("GMT+02:00"), for zones the catalogues have no name for."""
    return get_timezone_gmt(moment, width="long", locale=LOCALES[language])


def whole_days(start: datetime, end: datetime) -> int:
    """Days from `start` to `end`, a part of a day counting as a whole one."""
    seconds = (end - start).total_seconds()
    return max(1, -int(-seconds // 86400))
