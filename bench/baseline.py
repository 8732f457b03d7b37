"""The Temporal floor: bare workflows with the complaint's shape and none of its work.

`BareLifecycle` does what the complaint's happy path does to Temporal (the same
number of activities and timers, the same updates, waited for the same way: a
`wait_until` update at the filing, a choice whose handler waits in the workflow) with
no-op activities, tiny payloads and no domain logic. `BareUpdate` is the cheapest
possible update round trip. The engine's figures are read as ratios to these.

The happy path, as the complaint workflow runs it:

    load the policy
    2 messages (acknowledgement, proposals)
    wait for the customer's choice        timer, cancelled by `choose`
    remedy, resolution message
    wait until the follow-up is due       timer, fires
    follow-up message
    wait for the customer's answer        timer, cancelled by `answer`
    closing message

`bench.history_cost` checks from the two histories that the counts really match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
_TIMEOUT = timedelta(seconds=30)
_WAIT_TIMEOUT = timedelta(hours=1)

with workflow.unsafe.imports_passed_through():
    from schemas.state import WaitingOn

WAITING_FOR_CHOICE = WaitingOn.CHOICE.value
WAITING_FOR_FOLLOW_UP = WaitingOn.FOLLOW_UP_DATE.value
WAITING_FOR_ANSWER = WaitingOn.FOLLOW_UP_ANSWER.value
"""The same waits as `ComplaintWorkflow`'s `WaitingOn`, so one driver waits on both."""


STEPS = (
    "policy",
    "acknowledgement",
    "proposals",
    "remedy",
    "resolution",
    "follow_up",
    "closing",
)


@activity.defn(name="bare_noop")
async def bare_noop(step: str) -> str:
    return step


BARE_ACTIVITIES: list[Callable[..., Any]] = [bare_noop]


@dataclass(frozen=True)
class BareSpec:
    follow_up_delay_s: float
    choice_timeout_s: float = 3600.0
    answer_timeout_s: float = 3600.0
    local_steps: tuple[str, ...] = ()
    """Steps run as local activities, to mirror an engine that runs its effects locally."""


@workflow.defn(name="BareLifecycle")
class BareLifecycle:
    def __init__(self) -> None:
        self._chosen = False
        self._answered = False
        self._waiting_on: str | None = None
        self._local: frozenset[str] = frozenset()

    @workflow.run
    async def run(self, spec: BareSpec) -> int:
        self._local = frozenset(spec.local_steps)
        for step in STEPS[:3]:  # the policy, the acknowledgement and the proposals
            await self._step(step)
        await self._wait(lambda: self._chosen, spec.choice_timeout_s, WAITING_FOR_CHOICE)
        await self._step("remedy")
        await self._step("resolution")
        await self._wait(lambda: self._answered, spec.follow_up_delay_s, WAITING_FOR_FOLLOW_UP)
        await self._step("follow_up")
        await self._wait(lambda: self._answered, spec.answer_timeout_s, WAITING_FOR_ANSWER)
        await self._step("closing")
        await workflow.wait_condition(workflow.all_handlers_finished)
        return 0

    async def _step(self, step: str) -> None:
        if step in self._local:
            await workflow.execute_local_activity(
                bare_noop, step, start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
            )
        else:
            await workflow.execute_activity(
                bare_noop, step, start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
            )

    async def _wait(self, done: Callable[[], bool], seconds: float, waiting_on: str) -> None:
        self._waiting_on = waiting_on
        try:
            await workflow.wait_condition(done, timeout=seconds)
        except TimeoutError:
            pass
        finally:
            self._waiting_on = None

    @workflow.query
    def waiting_on(self) -> str | None:
        return self._waiting_on

    @workflow.update
    async def wait_until(self, wait: dict[str, Any]) -> str:
        """As `ComplaintWorkflow.wait_until` for `waiting_on` (a `WaitFor` as JSON): answers
        once the workflow waits on it, with a timer for the wait's timeout."""
        wanted = wait["waiting_on"]
        await workflow.wait_condition(
            lambda: self._waiting_on == wanted, timeout=_WAIT_TIMEOUT, timeout_summary="wait"
        )
        return wanted

    @workflow.update
    async def choose(self, choice: dict[str, Any]) -> str:
        """The choice; with `then_wait_for` (a waiting_on), answered once the workflow waits
        on it, as `ComplaintWorkflow`'s customer actions do."""
        self._chosen = True
        wanted = choice.get("then_wait_for")
        if wanted is not None:
            await workflow.wait_condition(
                lambda: self._waiting_on == wanted, timeout=_WAIT_TIMEOUT, timeout_summary="wait"
            )
        return str(choice["remedy"])

    @choose.validator
    def _validate_choose(self, choice: dict[str, Any]) -> None:
        if self._waiting_on != WAITING_FOR_CHOICE:
            raise ValueError("not waiting for a choice")

    @workflow.update
    def answer(self, fixed: bool) -> bool:
        self._answered = True
        return fixed

    @answer.validator
    def _validate_answer(self, fixed: bool) -> None:
        if self._waiting_on != WAITING_FOR_ANSWER:
            raise ValueError("not waiting for an answer")


@workflow.defn(name="BareUpdate")
class BareUpdate:
    """The cheapest update round trip: the handler bumps a counter and returns it."""

    def __init__(self) -> None:
        self._count = 0
        self._done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._count

    @workflow.update
    def bump(self, by: int) -> int:
        self._count += by
        return self._count

    @workflow.signal
    def finish(self) -> None:
        self._done = True


WAITING_FOR_MANAGER = WaitingOn.MANAGER.value


@workflow.defn(name="BareApproval")
class BareApproval:
    """The approval's shape with none of its work: an `approve` update, then one activity
    task (the remedy), then one local activity (the resolution message), then it waits for
    the follow-up date, as the complaint does after a manager's decision."""

    def __init__(self) -> None:
        self._approved = False
        self._done = False
        self._waiting_on: str | None = None

    @workflow.run
    async def run(self) -> int:
        self._waiting_on = WAITING_FOR_MANAGER
        await workflow.wait_condition(lambda: self._approved, timeout=_WAIT_TIMEOUT)
        self._waiting_on = None
        await workflow.execute_activity(
            bare_noop, "remedy", start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
        )
        await workflow.execute_local_activity(
            bare_noop, "resolution", start_to_close_timeout=_TIMEOUT, retry_policy=_RETRY
        )
        self._waiting_on = WAITING_FOR_FOLLOW_UP
        await workflow.wait_condition(lambda: self._done)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return 0

    @workflow.update
    async def wait_until(self, wait: dict[str, Any]) -> str:
        wanted = wait["waiting_on"]
        await workflow.wait_condition(
            lambda: self._waiting_on == wanted, timeout=_WAIT_TIMEOUT, timeout_summary="wait"
        )
        return wanted

    @workflow.update
    def approve(self, decision: str) -> str:
        self._approved = True
        return decision

    @approve.validator
    def _validate_approve(self, decision: str) -> None:
        if self._waiting_on != WAITING_FOR_MANAGER:
            raise ValueError("not waiting for a manager")

    @workflow.signal
    def finish(self) -> None:
        self._done = True


BARE_WORKFLOWS: list[type] = [BareLifecycle, BareUpdate, BareApproval]
