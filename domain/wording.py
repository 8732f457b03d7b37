"""How values read for staff, in the UI and in a complaint's timeline: plain text, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime


def words(value: str) -> str:
    """An enum value as words: "defective_product" reads "defective product"."""
    return value.replace("_", " ")


def when(at: datetime) -> str:
    """An instant to the minute, in UTC: "2026-12-01 14:05 UTC" (a naive one is taken as UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M UTC")
