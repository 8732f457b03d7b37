"""Values as staff read them: enum values as words, instants to the minute in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from domain.wording import when, words


def test_an_enum_value_reads_as_words():
    assert words("defective_product") == "defective product"
    assert words("refund") == "refund"


def test_an_instant_reads_to_the_minute_in_utc():
    at = datetime(2026, 12, 1, 14, 5, 59, tzinfo=UTC)
    assert when(at) == "2026-12-01 14:05 UTC"
    assert when(at.astimezone(timezone(timedelta(hours=2)))) == "2026-12-01 14:05 UTC"
    assert when(at.replace(tzinfo=None)) == "2026-12-01 14:05 UTC"
