"""Deadlines in the policy document: an ISO 8601 duration is wall-clock (as every document
written before says), `{"business": "PT8H"}` is business time on the store's calendar."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.policy import (
    BUSINESS_WEEKS,
    BusinessCalendar,
    BusinessDuration,
    CompanyPolicy,
    Deadlines,
    SlaPolicy,
    json_schema,
)

POLICIES = Path(__file__).parents[2] / "policies"


def test_wall_clock_documents_parse_as_before():
    default = json.loads((POLICIES / "2026-11-default.json").read_text())
    policy = CompanyPolicy.model_validate(default)
    assert policy.deadlines == Deadlines()
    assert policy.deadlines.manager_response == timedelta(days=1)
    assert policy.deadlines.business() == {}
    assert policy.model_dump(mode="json") == default


def test_a_business_deadline_reads_and_writes_as_an_object():
    deadlines = Deadlines.model_validate(
        {"manager_response": {"business": "PT8H"}, "appeal": "P3D", "follow_up_delay": 3600}
    )
    assert deadlines.manager_response == BusinessDuration(business=timedelta(hours=8))
    assert deadlines.appeal == timedelta(days=3)
    assert deadlines.follow_up_delay == timedelta(hours=1)
    written = deadlines.model_dump(mode="json")
    assert written["manager_response"] == {"business": "PT8H"}
    assert written["appeal"] == "P3D"
    assert Deadlines.model_validate(written) == deadlines
    assert set(deadlines.business()) == {"manager_response"}


def test_business_time_is_written_in_hours_never_days():
    long = Deadlines(appeal=BusinessDuration(business=timedelta(days=2, minutes=30)))
    assert long.model_dump(mode="json")["appeal"] == {"business": "PT48H30M"}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"business": "-PT8H"}, "greater than 0"),
        ({"business": "PT0S"}, "greater than 0"),
        ({"busines": "PT8H"}, "Extra inputs are not permitted"),
        ({}, "Field required"),
        ("-P1D", "greater than 0"),
        ([8], 'a deadline is an ISO 8601 duration ("P2D") or a business duration'),
        (True, 'a deadline is an ISO 8601 duration ("P2D") or a business duration'),
        ("eight hours", "valid timedelta"),
    ],
)
def test_nonsense_is_refused_naming_the_field(value, says):
    with pytest.raises(ValidationError) as refused:
        Deadlines.model_validate({"manager_response": value})
    [error] = refused.value.errors()[:1]
    assert error["loc"][0] == "manager_response"
    assert says in str(refused.value), str(refused.value)


def test_a_zero_reopen_grace_is_wall_clock_only():
    assert Deadlines.model_validate({"reopen_grace": "PT0S"}).reopen_grace == timedelta(0)
    with pytest.raises(ValidationError, match="greater than 0"):
        Deadlines.model_validate({"reopen_grace": {"business": "PT0S"}})
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Deadlines.model_validate({"reopen_grace": "-P1D"})


@pytest.mark.parametrize(
    ("survey", "grace", "fits"),
    [
        ("P3D", {"business": "PT90H"}, True),  # business time never runs faster
        ({"business": "PT27H"}, {"business": "PT90H"}, True),
        ({"business": "PT27H"}, "P14D", False),  # holidays could push it past the window
        ({"business": "PT90H"}, {"business": "PT90H"}, False),
        ("P5D", {"business": "PT90H"}, False),  # 120 hours against 90
    ],
)
def test_the_survey_falls_due_inside_the_reopen_window(survey, grace, fits):
    document = {"survey_delay": survey, "reopen_grace": grace}
    if fits:
        Deadlines.model_validate(document)
    else:
        with pytest.raises(ValidationError, match="survey_delay"):
            Deadlines.model_validate(document)


def test_a_business_deadline_longer_than_a_year_of_working_weeks_is_refused():
    """Mon-Fri 09-18 is 45 hours a week; 52 weeks of it is 2340 hours."""
    fits = BusinessDuration(business=timedelta(hours=45 * BUSINESS_WEEKS))
    CompanyPolicy(deadlines=Deadlines(appeal=fits))
    too_long = BusinessDuration(business=timedelta(hours=45 * BUSINESS_WEEKS, minutes=1))
    with pytest.raises(ValidationError, match=r"deadlines.appeal \(PT2340H1M of business"):
        CompanyPolicy(deadlines=Deadlines(appeal=too_long))
    # ... on every calendar a store may use: one working an hour a week refuses far less.
    hour = BusinessCalendar.model_validate(
        {"hours": {"monday": [{"opens": "09:00", "closes": "10:00"}]}}
    )
    sla = SlaPolicy(calendars={"default": BusinessCalendar(), "tiny": hour})
    with pytest.raises(ValidationError, match="calendar 'tiny'"):
        CompanyPolicy(
            sla=sla, deadlines=Deadlines(appeal=BusinessDuration(business=timedelta(hours=53)))
        )


def test_the_json_schema_documents_both_shapes():
    schema = json_schema()
    deadline = schema["$defs"]["Deadlines"]["properties"]["manager_response"]
    assert deadline["oneOf"] == [
        {"type": "string", "format": "duration"},
        {"$ref": "#/$defs/BusinessDuration"},
    ]
    assert '{"business": "PT8H"}' in deadline["description"]
    business = schema["$defs"]["BusinessDuration"]
    assert business["required"] == ["business"] and business["additionalProperties"] is False
