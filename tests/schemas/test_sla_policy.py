"""The SLA part of the policy: targets per severity, calendars per store, and documents
written before it existed still loading with its defaults."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.intake import Severity
from schemas.policy import (
    BusinessCalendar,
    CompanyPolicy,
    OpeningHours,
    SlaPolicy,
    SlaTargets,
    Weekday,
)
from schemas.sla import ClockKind

PRE_SLA = Path(__file__).with_name("pre-sla-policy.json")


def test_a_document_written_before_slas_loads_with_the_default_slas():
    policy = CompanyPolicy.model_validate_json(PRE_SLA.read_text())
    assert "sla" not in PRE_SLA.read_text()
    assert policy.sla == SlaPolicy()
    assert policy == CompanyPolicy()


def test_every_severity_has_targets_tighter_the_more_severe():
    targets = SlaPolicy().targets
    order = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]
    for clock in ClockKind:
        values = [targets[s].of(clock) for s in order]
        assert values == sorted(values), clock


def test_business_durations_are_written_in_hours_and_read_back():
    targets = SlaTargets(
        first_response=timedelta(minutes=90),
        next_update=timedelta(hours=27),
        resolution=timedelta(hours=45, seconds=1),
    )
    written = targets.model_dump(mode="json")
    assert written == {"first_response": "PT1H30M", "next_update": "PT27H", "resolution": "PT45H1S"}
    assert SlaTargets.model_validate(written) == targets


def test_a_store_gets_its_calendar_and_any_other_store_the_default():
    riga = BusinessCalendar(time_zone="Europe/Riga", country="LV")
    sla = SlaPolicy(
        calendars={"default": BusinessCalendar(), "riga": riga},
        store_calendars={"riga-centre": "riga"},
    )
    assert sla.calendar_for("riga-centre") == riga
    assert sla.calendar_for("tallinn-1") == BusinessCalendar()
    assert sla.calendar_for(None) == BusinessCalendar()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"targets": {Severity.LOW: SlaPolicy().targets[Severity.LOW]}}, "targets missing"),
        ({"calendars": {"riga": BusinessCalendar()}}, "'default' calendar"),
        ({"store_calendars": {"s1": "nowhere"}}, "unknown calendars"),
        ({"warning_fraction": "1"}, "less than 1"),
        ({"warning_fraction": "0"}, "greater than 0"),
    ],
)
def test_an_incomplete_sla_policy_is_refused(change: dict, message: str):
    with pytest.raises(ValidationError, match=message):
        SlaPolicy.model_validate({**SlaPolicy().model_dump(), **change})


def test_a_non_positive_target_is_refused():
    with pytest.raises(ValidationError, match="greater than 0"):
        SlaTargets(first_response="PT0S", next_update="PT1H", resolution="PT1H")


@pytest.mark.parametrize(
    "calendar, message",
    [
        ({"country": "XX"}, "knows no country 'XX'"),
        ({"country": "EE", "subdivision": "ZZZ"}, "no subdivision"),
        ({"country": None, "subdivision": "01"}, "needs a country"),
        ({"time_zone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"hours": {}}, "at least one weekday"),
        ({"hours": {"monday": [{"opens": "18:00", "closes": "09:00"}]}}, "must be before"),
        (
            {
                "hours": {
                    "monday": [
                        {"opens": "09:00", "closes": "13:00"},
                        {"opens": "12:00", "closes": "18:00"},
                    ]
                }
            },
            "overlap",
        ),
        (
            {"closures": [{"first_day": "2026-12-31", "last_day": "2026-12-27", "reason": "x"}]},
            "before first_day",
        ),
    ],
)
def test_a_calendar_that_cannot_be_worked_out_is_refused(calendar: dict, message: str):
    with pytest.raises(ValidationError, match=message):
        BusinessCalendar.model_validate(calendar)


def test_a_stretch_may_run_to_midnight():
    day = OpeningHours(opens=time(0), closes=time(0))
    calendar = BusinessCalendar(hours={weekday: [day] for weekday in Weekday})
    assert calendar.hours[Weekday.SUNDAY] == [day]
