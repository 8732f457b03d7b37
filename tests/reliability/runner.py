"""Plays lifecycle paths against a live worker, as customers and managers would.

People act on what reached them: the runner watches the backend's outbox and
manager pages (`BackendWatch`), confirms the complaint stands where the path
expects, then sends the action once, under a fixed update id. Any call cut short
by a crash or a server restart is retried with that same id, so Temporal applies
it at most once, and the path's checks prove it was applied exactly once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from schemas.actions import ActionReceipt
from schemas.complaint import WORKFLOW_ID_PREFIX, ComplaintInput, ComplaintResult, workflow_id_for
from schemas.state import ComplaintState
from schemas.waits import WaitFor
from tests.reliability.paths import Cue, LifecyclePath, Step
from tests.signing import Unsigned
from workflows.complaint import ComplaintWorkflow

T = TypeVar("T")

PATIENCE_S = 300.0
"""How long one call may keep failing (worker dead, server restarting) before we give up."""
_RPC_TIMEOUT = timedelta(seconds=10)
_WAIT_TIMEOUT = timedelta(seconds=PATIENCE_S)
_TRANSIENT = (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, TimeoutError)
"""What a dead worker or a restarting server looks like from outside. A failed query
(`WorkflowQueryFailedError`) is not among them: the worker answered, and it was wrong."""


@dataclass
class Tally:
    """What it took to get every action through: retries are crashes seen from outside."""

    started: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)


class BackendWatch:
    """Counts, per complaint, the messages the customer got and the pages managers got.

    Reads the backend's SQLite file (another process writes it) a few times a second,
    so hundreds of waiting people cost one query, not hundreds of workflow queries.
    """

    def __init__(self, db_path: Path, interval: float = 0.2) -> None:
        self._db_path = db_path
        self._interval = interval
        self._counts: Counter[tuple[str, str, str, int | None]] = Counter()
        self._changed = asyncio.Condition()

    async def run(self) -> None:
        while True:
            counts = await asyncio.to_thread(self._read)
            async with self._changed:
                self._counts = counts
                self._changed.notify_all()
            await asyncio.sleep(self._interval)

    async def seen(self, complaint_id: str, cue: Cue) -> None:
        """Until the cue reached its person; fails after `PATIENCE_S` (it never came)."""
        try:
            async with asyncio.timeout(PATIENCE_S), self._changed:
                await self._changed.wait_for(lambda: self._count(complaint_id, cue) >= cue.nth)
        except TimeoutError:
            raise AssertionError(
                f"{complaint_id}: no {cue.source} {cue.kind} #{cue.nth} after {PATIENCE_S:.0f}s"
            ) from None

    def _count(self, complaint_id: str, cue: Cue) -> int:
        if cue.source == "page" and cue.level is None:
            return sum(
                n
                for (cid, source, kind, _), n in self._counts.items()
                if (cid, source, kind) == (complaint_id, "page", cue.kind)
            )
        return self._counts[(complaint_id, cue.source, cue.kind, cue.level)]

    def _read(self) -> Counter[tuple[str, str, str, int | None]]:
        conn = sqlite3.connect(f"file:{self._db_path}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute(
                "SELECT complaint_id, 'message', kind, NULL, COUNT(*) FROM outbox "
                "GROUP BY complaint_id, kind "
                "UNION ALL "
                "SELECT complaint_id, 'page', kind, level, COUNT(*) FROM manager_pages "
                "GROUP BY complaint_id, kind, level"
            ).fetchall()
        finally:
            conn.close()
        return Counter({(cid, src, kind, level): n for cid, src, kind, level, n in rows})


async def retrying(call: Callable[[], Awaitable[T]], what: str, tally: Tally) -> T:
    """Call until it answers; transient failures (crash, restart) are retried with backoff."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE_S
    delay = 0.2
    while True:
        try:
            return await call()
        except _TRANSIENT as error:
            if loop.time() > deadline:
                raise AssertionError(f"{what}: still failing after {PATIENCE_S:.0f}s") from error
            tally.retries[what.split(" ", 1)[0]] += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


async def start(
    client: Client,
    path: LifecyclePath,
    complaint_id: str,
    task_queue: str,
    today: date,
    tally: Tally,
    task_timeout: timedelta | None = None,
) -> WorkflowHandle:
    """File the complaint; a retried start finds the one already running. `task_timeout`:
    its workflow task timeout (Temporal's 10 s by default)."""
    arg = ComplaintInput(
        intake=path.make_intake(complaint_id, today), policy_version=path.policy().version
    )
    handle = await retrying(
        lambda: client.start_workflow(
            ComplaintWorkflow.run,
            arg,
            id=workflow_id_for(complaint_id),
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_timeout=task_timeout,
            rpc_timeout=_RPC_TIMEOUT,
        ),
        f"start {complaint_id}",
        tally,
    )
    tally.started += 1
    return handle


async def state(handle: WorkflowHandle, tally: Tally) -> ComplaintState:
    return await retrying(
        lambda: handle.query(ComplaintWorkflow.state, rpc_timeout=_RPC_TIMEOUT),
        f"query {handle.id}",
        tally,
    )


async def until_ready(handle: WorkflowHandle, step: Step, tally: Tally) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE_S
    while True:
        now = await state(handle, tally)
        level_ok = step.escalation_level is None or now.escalation_level == step.escalation_level
        if now.status is step.status and level_ok:
            return
        if loop.time() > deadline:
            raise AssertionError(
                f"{handle.id}: still {now.status.value} (level {now.escalation_level}), "
                f"waiting to {step.update}"
            )
        await asyncio.sleep(0.25)


async def until_reached(handle: WorkflowHandle, index: int, step: Step, tally: Tally) -> None:
    """As `until_ready`, without polling: a `wait_until` update answered by the workflow when
    the complaint stands where `step` acts. Its id is fixed per step, so a retry (worker
    killed, RPC timed out) attaches to the same wait instead of adding another."""
    wait = WaitFor(
        status=step.status, escalation_level=step.escalation_level, timeout=_WAIT_TIMEOUT
    )
    update_id = f"{handle.id}/step-{index}/wait_until"

    async def send() -> ComplaintState:
        return await handle.execute_update(
            ComplaintWorkflow.wait_until, wait, id=update_id, rpc_timeout=_RPC_TIMEOUT
        )

    try:
        now = await retrying(send, f"wait {update_id}", tally)
    except WorkflowUpdateFailedError as failed:
        raise AssertionError(f"{update_id}: {failed.cause}") from failed
    if step.escalation_level is not None and now.escalation_level != step.escalation_level:
        raise AssertionError(
            f"{handle.id}: at level {now.escalation_level}, not {step.escalation_level}, "
            f"to {step.update}"
        )


async def act(handle: WorkflowHandle, index: int, step: Step, tally: Tally) -> ActionReceipt:
    """Send one action once: its id makes every retry the same action to Temporal."""
    update_id = f"{handle.id}/step-{index}/{step.update}"
    arg = step.arg
    if isinstance(arg, Unsigned):  # signed once: every retry carries the same assertion
        arg = arg.signed(handle.id.removeprefix(WORKFLOW_ID_PREFIX), datetime.now(UTC))

    async def send() -> ActionReceipt:
        return await handle.execute_update(
            step.update,
            arg,
            id=update_id,
            result_type=ActionReceipt,
            rpc_timeout=_RPC_TIMEOUT,
        )

    try:
        receipt = await retrying(send, f"update {update_id}", tally)
    except WorkflowUpdateFailedError as refused:
        raise AssertionError(f"{update_id} was refused: {refused.cause}") from refused
    tally.actions[step.update] += 1
    return receipt


async def advance(
    client: Client,
    watch: BackendWatch,
    path: LifecyclePath,
    complaint_id: str,
    task_queue: str,
    today: date,
    tally: Tally,
    steps: int,
    task_timeout: timedelta | None = None,
) -> WorkflowHandle:
    """File a complaint and act out its first `steps` steps; it then waits, ready for the
    next one (`path.steps[steps]`), with its cue seen and its status confirmed."""
    handle = await start(client, path, complaint_id, task_queue, today, tally, task_timeout)
    for index, step in enumerate(path.steps[: steps + 1]):
        await watch.seen(complaint_id, step.cue)
        await until_ready(handle, step, tally)
        if index < steps:
            await act(handle, index, step, tally)
    return handle


async def follow(
    handle: WorkflowHandle,
    watch: BackendWatch,
    path: LifecyclePath,
    tally: Tally,
    first: int = 0,
    waits: bool = False,
) -> ComplaintResult:
    """Act out `path` from step `first` on, and return how the complaint ended. `waits`:
    wait for each step with `wait_until` (`until_reached`) instead of polling `state`."""
    complaint_id = handle.id.removeprefix(workflow_id_for(""))
    for index, step in enumerate(path.steps[first:], start=first):
        await watch.seen(complaint_id, step.cue)
        if waits:
            await until_reached(handle, index, step, tally)
        else:
            await until_ready(handle, step, tally)
        await act(handle, index, step, tally)
    return await retrying(handle.result, f"result {complaint_id}", tally)


async def play(
    client: Client,
    watch: BackendWatch,
    path: LifecyclePath,
    complaint_id: str,
    task_queue: str,
    today: date,
    tally: Tally,
    waits: bool = False,
) -> ComplaintResult:
    """File one complaint, act out its path, and return how it ended (`waits`: see
    `follow`)."""
    handle = await start(client, path, complaint_id, task_queue, today, tally)
    return await follow(handle, watch, path, tally, waits=waits)
