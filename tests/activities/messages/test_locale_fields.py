"""The customer's time zone and the policy's currency are checked where they enter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas.intake import ComplaintIntake
from schemas.locale import DEFAULT_CURRENCY, DEFAULT_TIME_ZONE
from schemas.messages import MessageContext
from schemas.policy import CompanyPolicy
from tests.factories import make_intake


def test_policy_defaults_to_the_company_zone_and_euro() -> None:
    policy = CompanyPolicy()

    assert (policy.time_zone, policy.currency) == ("Europe/Tallinn", "EUR")
    assert (DEFAULT_TIME_ZONE, DEFAULT_CURRENCY) == ("Europe/Tallinn", "EUR")


@pytest.mark.parametrize(
    "zone", ["Europe/Moscow", "Europe/Riga", "Europe/Zagreb", "Asia/Shanghai", "America/New_York"]
)
def test_intake_accepts_iana_zones(zone: str) -> None:
    assert make_intake(time_zone=zone).time_zone == zone


def test_intake_time_zone_is_optional() -> None:
    assert make_intake().time_zone is None


@pytest.mark.parametrize("zone", ["Mars/Olympus", "EET+3", "../../etc/passwd", "", "europe/riga"])
def test_unknown_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValidationError, match="time_zone"):
        make_intake(time_zone=zone)
    with pytest.raises(ValidationError, match="time_zone"):
        CompanyPolicy(time_zone=zone)


@pytest.mark.parametrize("code", ["XYZ", "eur", "EURO", "€"])
def test_unknown_currencies_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="currency"):
        CompanyPolicy(currency=code)
    with pytest.raises(ValidationError, match="currency"):
        MessageContext(customer_name="A", complaint_id="C-1", currency=code)


def test_old_intakes_without_a_zone_still_load() -> None:
    recorded = make_intake().model_dump(mode="json")
    recorded.pop("time_zone")

    assert ComplaintIntake.model_validate(recorded).time_zone is None
