"""How a customer reads times and money: an IANA time zone and an ISO 4217 currency."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from pydantic import AfterValidator, StringConstraints

DEFAULT_TIME_ZONE = "Europe/Tallinn"
"""Where the company is, for customers whose own time zone we do not know."""
DEFAULT_CURRENCY = "EUR"


# Read once, on import: validation then never touches a file, which the workflow sandbox
# (where intakes and policies are decoded) does not allow.
_ZONES = frozenset(available_timezones())
_CURRENCIES = frozenset(list_currencies())


def _known_zone(name: str) -> str:
    if name not in _ZONES:
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. 'Europe/Riga')")
    return name


def _known_currency(code: str) -> str:
    if code not in _CURRENCIES:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. 'EUR')")
    return code


TimeZone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_+/-]{1,64}$"),
    AfterValidator(_known_zone),
]
"""An IANA time zone name that zoneinfo knows, e.g. "Europe/Moscow"."""

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(_known_currency)]
"""An ISO 4217 currency code, e.g. "EUR"."""
