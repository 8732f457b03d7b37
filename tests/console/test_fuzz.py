"""The JSON API under generated input (hypothesis over the API's models and around them):
never a 500, and every answer is what the same pure checks say: 422 for a body that is not a
decision, 409 for one the complaint would refuse, 200 only for one it accepts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from devtools.demo_staff import demo_directory, demo_key
from domain import commands
from domain.errors import InvalidAction
from schemas.actions import DecisionKind, ManagerDecision
from schemas.remedies import RemedyKind
from sdk import ComplaintClient
from sdk.signing import assertion, sign
from tests.conftest import DevWorker
from tests.console.conftest import Running, escalated

text = st.text(max_size=40) | st.sampled_from(["", " ", "Known batch defect", "x" * 3000])
amounts = (
    st.decimals(min_value=-10, max_value=3000, places=2, allow_nan=False).map(str)
    | st.sampled_from(["NaN", "1e9", "-0", "abc", "", "800.00", "400", "0.001"])
    | st.integers(-5, 5000)
)
remedies = st.none() | st.fixed_dictionaries(
    {
        "kind": st.sampled_from([k.value for k in RemedyKind]) | text,
        "amount": amounts,
    }
)
bodies = st.fixed_dictionaries(
    {"kind": st.sampled_from([k.value for k in DecisionKind]) | text},
    optional={
        "remedy": remedies,
        "reason": st.none() | text,
        "decider_id": st.sampled_from(["manager-3", "manager-2"]),
        "level": st.integers(0, 9),
    },
) | st.one_of(st.none(), st.integers(), st.lists(st.integers(), max_size=2), text)

MANAGER = "manager-1"


def _runner(loop: asyncio.AbstractEventLoop):
    """Hypothesis runs its examples in a thread; each one's requests run on the test's loop
    (where the worker runs too)."""

    def run(coro) -> None:
        asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    return run


def expected(body: object, state, policy) -> int:
    try:
        decision = ManagerDecision.model_validate(body)
    except ValidationError:
        return 422
    signed = sign(assertion(state.complaint_id, MANAGER, decision=decision), demo_key(MANAGER))
    try:
        commands.decide_escalation(state, signed, policy, datetime.now(UTC))
    except InvalidAction:
        return 409
    return 200


@pytest.mark.slow
async def test_the_decision_api_never_errs_and_accepts_only_what_the_complaint_would(
    running: Running, complaints: ComplaintClient, dev_worker: DevWorker
):
    intake = await escalated(complaints)
    cid = intake.complaint_id
    assert demo_directory().member(MANAGER).authority_limit == Decimal(500)
    seen: dict[int, int] = {}

    @settings(
        max_examples=80,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies)
    def one(body: object) -> None:
        on_loop(check(body))

    async def check(body: object) -> None:
        state = await complaints.state(cid)
        policy = await dev_worker.policies.load(state.policy_version)
        want = expected(body, state, policy)
        async with running.api(MANAGER) as api:
            answer = await api.post(f"/api/v1/complaints/{cid}/decision", json=body)
        assert answer.status_code != 500, answer.text
        assert answer.status_code == want, (body, answer.status_code, answer.text)
        seen[want] = seen.get(want, 0) + 1

    loop = asyncio.get_running_loop()
    on_loop = _runner(loop)
    await asyncio.to_thread(one)
    assert seen.get(422) and seen.get(409), seen


@pytest.mark.slow
async def test_paths_and_queries_never_err(running: Running):
    on_loop = _runner(asyncio.get_running_loop())

    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(value=st.text(max_size=120), status=st.text(max_size=20))
    def one(value: str, status: str) -> None:
        on_loop(check(value, status))

    async def check(value: str, status: str) -> None:
        segment = quote(value, safe="") or "x"
        async with running.api("manager-2") as api:
            for answer in (
                await api.get("/api/v1/complaints", params={"customer_id": value}),
                await api.get("/api/v1/complaints", params={"status": status}),
                await api.get(f"/api/v1/complaints/{segment}"),
                await api.post(
                    f"/api/v1/complaints/{segment}/resume",
                    json={"note": value},
                ),  # fmt: skip
            ):
                assert answer.status_code < 500, (value, status, answer.text)

    await asyncio.to_thread(one)
