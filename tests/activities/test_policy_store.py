"""Policy stores: a document is loaded only when it is a policy this worker may run."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from activities.http_contract import POLICY_SERVICE
from activities.policy_store import (
    DEVELOPMENT,
    PRODUCTION,
    FilePolicyStore,
    HttpPolicyStore,
    InMemoryPolicyStore,
    PolicyBounds,
    PolicyRefused,
    PolicyStore,
    PolicyStoreUnavailable,
    UnknownPolicyVersion,
    read_policy,
)
from schemas.policy import CURRENT, CompanyPolicy, Deadlines, as_json
from tests.fakes.http_services import HttpServices

DEFAULT = CompanyPolicy()


def document(**changes: Any) -> dict[str, Any]:
    """The default policy as a JSON document, with some fields changed."""
    doc = DEFAULT.model_dump(mode="json")
    deadlines = changes.pop("deadlines", {})
    return doc | changes | {"deadlines": doc["deadlines"] | deadlines}


def refusal(doc: dict[str, Any], bounds: PolicyBounds = PRODUCTION) -> str:
    with pytest.raises(PolicyRefused) as refused:
        read_policy(json.dumps(doc), doc.get("version", DEFAULT.version), bounds)
    return refused.value.message


def test_the_default_policy_is_within_production_bounds():
    assert read_policy(json.dumps(document()), DEFAULT.version, PRODUCTION) == DEFAULT


@pytest.mark.parametrize("bounds", [PRODUCTION, DEVELOPMENT])
def test_a_zero_callback_interval_is_refused_naming_the_field(bounds):
    message = refusal(document(deadlines={"callback_interval": "PT0S"}), bounds)
    assert "deadlines.callback_interval" in message and "greater than 0" in message, message


def test_an_agent_limit_above_the_first_managers_is_refused_naming_the_field():
    message = refusal(document(agent_authority_limit="1000000"))
    assert message.startswith("policy '2026-11-default' refused: agent_authority_limit (1000000)")
    assert "managers[0].authority_limit (500)" in message, message


def test_authority_must_grow_with_each_level():
    managers = document()["managers"]
    managers[2]["authority_limit"] = managers[1]["authority_limit"]
    message = refusal(document(managers=managers))
    assert "managers[1].authority_limit (2000) must be below managers[2].authority_limit" in message


@pytest.mark.parametrize("field", ["discount_ratio", "repair_cost_ratio"])
def test_ratios_stay_between_zero_and_one(field):
    message = refusal(document(**{field: "1.5"}))
    assert f"{field}: Input should be less than or equal to 1 (got 1.5)" in message, message


def test_an_unknown_field_is_refused_not_ignored():
    message = refusal(document(agent_authority_limt="5000"))
    assert "agent_authority_limt: Extra inputs are not permitted" in message, message


def test_a_document_must_be_of_the_version_asked_for():
    with pytest.raises(PolicyRefused, match="the document says version '2026-11-default'"):
        read_policy(json.dumps(document()), "2027-01-strict", PRODUCTION)


def test_production_bounds_refuse_seconds_that_development_bounds_allow():
    seconds = document(version="quick", deadlines={"callback_interval": "PT20S", "appeal": "PT2S"})
    message = refusal(seconds)
    assert message == (
        "policy 'quick' refused by the production bounds: "
        "deadlines.appeal is 0:00:02, below the minimum of 1:00:00; "
        "deadlines.callback_interval is 0:00:20, below the minimum of 4:00:00"
    )
    assert read_policy(json.dumps(seconds), "quick", DEVELOPMENT).version == "quick"
    assert "below the minimum of 0:00:01" in refusal(
        document(version="spam", deadlines={"callback_interval": "PT0.5S"}), DEVELOPMENT
    )


def write(folder: Path, policy: CompanyPolicy) -> None:
    FilePolicyStore(folder).add(policy)


async def test_a_folder_store_loads_by_version_and_current(tmp_path: Path):
    strict = CompanyPolicy(version="2027-01-strict", agent_authority_limit=Decimal("50"))
    write(tmp_path, DEFAULT)
    write(tmp_path, strict)
    (tmp_path / "current").write_text("2027-01-strict\n")
    store = FilePolicyStore(tmp_path)

    assert isinstance(store, PolicyStore)
    assert await store.load("2026-11-default") == DEFAULT
    assert await store.load(CURRENT) == strict


async def test_a_folder_store_publishes_a_document_as_an_operator_would(tmp_path: Path):
    store = FilePolicyStore([tmp_path / "new", tmp_path / "other"])
    assert store.add(DEFAULT) == DEFAULT.version
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["2026-11-default.json"]
    assert (tmp_path / "new" / "2026-11-default.json").read_text() == as_json(document())
    assert await store.load(DEFAULT.version) == DEFAULT


async def test_folders_are_searched_in_turn(tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, DEFAULT)
    write(second, CompanyPolicy(version="demo"))
    write(second, CompanyPolicy(agent_authority_limit=Decimal("1")))  # shadowed by first
    (second / "current").write_text("demo")
    store = FilePolicyStore([first, second])

    assert await store.load(DEFAULT.version) == DEFAULT
    assert (await store.load(CURRENT)).version == "demo"


@pytest.mark.parametrize("version", ["2025-01-gone", "../policies/2026-11-default", ".hidden", ""])
async def test_a_folder_store_knows_only_its_own_version_ids(tmp_path: Path, version: str):
    write(tmp_path / "policies", DEFAULT)
    store = FilePolicyStore(tmp_path / "policies")
    with pytest.raises(UnknownPolicyVersion) as unknown:
        await store.load(version)
    assert repr(version) in unknown.value.message


async def test_a_folder_without_current_says_so(tmp_path: Path):
    write(tmp_path, DEFAULT)
    with pytest.raises(UnknownPolicyVersion, match="no current policy"):
        await FilePolicyStore(tmp_path).load(CURRENT)


async def test_a_folder_store_refuses_what_its_bounds_refuse(tmp_path: Path):
    daily = CompanyPolicy(version="daily", deadlines=Deadlines(callback_interval=timedelta(days=1)))
    write(tmp_path, daily)
    weekly = PolicyBounds(
        name="weekly", min_deadline=timedelta(hours=1), min_callback_interval=timedelta(days=7)
    )
    assert await FilePolicyStore(tmp_path).load("daily") == daily
    with pytest.raises(PolicyRefused) as refused:
        await FilePolicyStore(tmp_path, weekly).load("daily")
    assert refused.value.message == (
        "policy 'daily' refused by the weekly bounds: "
        "deadlines.callback_interval is 1 day, 0:00:00, below the minimum of 7 days, 0:00:00"
    )


async def test_an_in_memory_store_checks_what_it_holds():
    demo = CompanyPolicy(version="demo")
    store = InMemoryPolicyStore(DEFAULT, demo)
    assert await store.load(CURRENT) == DEFAULT
    assert await store.load("demo") == demo
    store.documents["demo"] = json.dumps(document(version="demo", agent_authority_limit="600"))
    with pytest.raises(PolicyRefused, match="agent_authority_limit"):
        await store.load("demo")
    with pytest.raises(UnknownPolicyVersion):
        await store.load("other")


async def test_the_policy_service_is_asked_by_version_with_the_token(services: HttpServices):
    services.policies = {DEFAULT.version: document()}
    services.current_policy = DEFAULT.version
    store = HttpPolicyStore(services.policy_config())
    try:
        assert await store.load(DEFAULT.version) == DEFAULT
        assert await store.load(CURRENT) == DEFAULT
        with pytest.raises(UnknownPolicyVersion, match="no policy version '2025-01-gone'"):
            await store.load("2025-01-gone")
    finally:
        await store.aclose()
    asked = [(r.path, r.authorization, r.status) for r in services.requests]
    assert asked == [
        (f"/{POLICY_SERVICE}/policies/2026-11-default", "Bearer test-token", 200),
        (f"/{POLICY_SERVICE}/policies/current", "Bearer test-token", 200),
        (f"/{POLICY_SERVICE}/policies/2025-01-gone", "Bearer test-token", 404),
    ]


@pytest.mark.parametrize(
    ("status", "body"),
    [(404, "<html>Not Found</html>"), (500, {"message": "down"}), (401, {"message": "token"})],
)
async def test_a_policy_service_that_cannot_answer_is_retried(services, status, body):
    services.script(POLICY_SERVICE, status, body)
    store = HttpPolicyStore(services.policy_config())
    try:
        with pytest.raises(PolicyStoreUnavailable, match=f"answered {status}"):
            await store.load(DEFAULT.version)
    finally:
        await store.aclose()


async def test_the_policy_service_is_held_to_the_same_bounds(services: HttpServices):
    services.policies = {"spam": document(version="spam", deadlines={"callback_interval": "PT1S"})}
    store = HttpPolicyStore(services.policy_config())
    try:
        with pytest.raises(PolicyRefused, match="deadlines.callback_interval is 0:00:01"):
            await store.load("spam")
    finally:
        await store.aclose()


def test_a_next_update_target_that_would_call_back_within_minutes_is_refused():
    """The next-update clock brings callbacks forward to its warning: a target whose
    warning comes sooner than the shortest deadline would call the customer that often."""
    doc = document()
    doc["sla"]["targets"]["low"]["next_update"] = "PT1H"  # warns after 45 minutes
    message = refusal(doc)
    assert "sla.targets.low.next_update warns after 0:45:00" in message, message
    assert "below the minimum of 1:00:00" in message, message
    assert read_policy(json.dumps(doc), DEFAULT.version, DEVELOPMENT).version == DEFAULT.version


def test_a_policy_with_business_deadlines_loads_and_keeps_them():
    doc = document(deadlines={"manager_response": {"business": "PT8H"}})
    policy = read_policy(json.dumps(doc), DEFAULT.version, PRODUCTION)
    assert policy.deadlines.manager_response.business == timedelta(hours=8)


def test_a_business_deadline_is_held_to_the_bounds_by_its_working_time():
    message = refusal(document(deadlines={"manager_response": {"business": "PT30M"}}))
    assert "deadlines.manager_response is 0:30:00, below the minimum of 1:00:00" in message


def test_a_business_deadline_on_a_calendar_that_never_works_is_refused():
    """A calendar closed for good has weekly hours (the schema cannot tell), but a business
    deadline on it would never fall due: refused when loaded."""
    closed = {"first_day": "2020-01-01", "last_day": "2099-12-31", "reason": "Closed for good"}
    doc = document(deadlines={"manager_response": {"business": "PT8H"}})
    doc["sla"]["calendars"]["shut"] = {"closures": [closed]}
    message = refusal(doc, DEVELOPMENT)
    assert "sla.calendars.shut has no working time for deadlines.manager_response" in message
    doc["sla"]["calendars"]["shut"]["closures"] = []
    assert read_policy(json.dumps(doc), DEFAULT.version, DEVELOPMENT).version == DEFAULT.version
    wall_clock = document()
    wall_clock["sla"]["calendars"]["shut"] = {"closures": [closed]}  # no business deadline
    assert read_policy(json.dumps(wall_clock), DEFAULT.version, DEVELOPMENT) is not None


@pytest.mark.parametrize(
    ("deadline", "says"),
    [
        ("PT0S", "deadlines.appeal: Input should be greater than 0 seconds (got 0:00:00)"),
        ({"business": "PT0S"}, "deadlines.appeal.business: Input should be greater than 0"),
        ({"hours": "PT8H"}, "deadlines.appeal.hours: Extra inputs are not permitted"),
        ([8], 'deadlines.appeal: a deadline is an ISO 8601 duration ("P2D") or a business'),
    ],
)
def test_a_refused_deadline_is_named_without_the_kind_tried(deadline, says):
    message = refusal(document(deadlines={"appeal": deadline}))
    assert says in message, message
