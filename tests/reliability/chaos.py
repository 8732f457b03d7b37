"""The chaos monkey's tools: a worker process to kill -9, and the journal that says what it cut.

The worker runs as its own OS process (`tests.reliability.chaos_worker`), so a kill
is a real crash: no finally blocks, no graceful shutdown, in-flight activities and
workflow tasks simply vanish, and Temporal's timeouts must bring them back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from temporalio.client import Client, WorkflowHistory, WorkflowQueryFailedError
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from devtools.dev_server import terminate
from schemas.complaint import workflow_id_for
from schemas.events import DomainEvent
from tests.reliability.runner import Tally, retrying
from workflows.complaint import ComplaintWorkflow
from workflows.sandbox import WORKFLOW_RUNNER

REPO = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 15.0
RECORDS_AT_ONCE = 8
"""Complaints whose record is read at the same time (`records`)."""


class WorkerProcess:
    """`python -m tests.reliability.chaos_worker`, started, killed and restarted."""

    def __init__(self, env: Mapping[str, str], log_dir: Path) -> None:
        self._env = dict(env)
        self._log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def logs(self) -> list[Path]:
        return sorted(self._log_dir.glob("worker-*.log"))

    def start(self) -> None:
        self.starts += 1
        self._close_log()
        self._log = open(self._log_dir / f"worker-{self.starts:02d}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.chaos_worker"],
            cwd=REPO,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> int:
        """SIGKILL to its process group: the worker gets no chance to finish or report."""
        assert self.process is not None
        pid = self.process.pid
        os.killpg(pid, signal.SIGKILL)  # start_new_session: it leads its group
        self.process.wait()
        return pid

    def freeze(self) -> None:
        """SIGSTOP to its process group: alive, holding its tasks, doing nothing."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Graceful stop at the end of the test (SIGTERM to its group), SIGKILL if it hangs."""
        terminate(self.process, STOP_TIMEOUT_S)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class Cut:
    """What one kill interrupted."""

    pid: int
    before_effect: int = 0
    """Attempts killed before their effect happened: retried, applied once then."""
    after_effect: int = 0
    """Attempts killed after their effect happened but before Temporal heard of it:
    the retry must find the effect already done (a duplicate receipt), not redo it."""


@dataclass
class JournalReader:
    """Follows `chaos_worker`'s journal as it grows: who is ready, what is in flight."""

    path: Path
    ready: set[int] = field(default_factory=set)
    open: dict[tuple[int, str], str] = field(default_factory=dict)
    """(pid, idempotency key) -> last phase, for attempts not yet done."""
    phases: dict[str, int] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=dict)
    """Idempotency key -> how often an attempt really applied it (must be at most 1)."""
    _offset: int = 0
    _partial: bytes = b""

    def poll(self) -> None:
        if not self.path.exists():
            return
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            chunk = f.read()
        self._offset += len(chunk)
        lines = (self._partial + chunk).split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            pid_text, phase, key = line.decode().split(" ", 2)
            pid = int(pid_text)
            self.phases[phase] = self.phases.get(phase, 0) + 1
            if phase == "ready":
                self.ready.add(pid)
            elif phase in ("done", "refused"):
                self.open.pop((pid, key), None)
            else:
                self.open[(pid, key)] = phase
                if phase == "applied":
                    self.applied[key] = self.applied.get(key, 0) + 1

    def in_flight(self, pid: int, after_effect: bool = False) -> int:
        wanted = {"applied", "duplicate"} if after_effect else {"start", "applied", "duplicate"}
        return sum(1 for (p, _), phase in self.open.items() if p == pid and phase in wanted)

    def cut(self, pid: int) -> Cut:
        """Call right after the kill: what `pid` left unfinished."""
        self.poll()
        cut = Cut(pid)
        for (p, _), phase in self.open.items():
            if p != pid:
                continue
            if phase == "start":
                cut.before_effect += 1
            else:
                cut.after_effect += 1
        return cut


async def record(
    client: Client, complaint_id: str, tally: Tally
) -> tuple[list[DomainEvent] | str, WorkflowHistory]:
    """A complaint's domain events (the `events` query; the failure's text if the worker
    could not answer it) and raw history."""
    handle = client.get_workflow_handle(workflow_id_for(complaint_id))
    try:
        events: list[DomainEvent] | str = await retrying(
            lambda: handle.query(ComplaintWorkflow.events), f"query {complaint_id}", tally
        )
    except WorkflowQueryFailedError as failed:  # e.g. the history no longer replays
        events = str(failed)
    history = await retrying(handle.fetch_history, f"history {complaint_id}", tally)
    return events, history


async def records(
    client: Client, complaint_ids: list[str], tally: Tally
) -> tuple[list[list[DomainEvent] | str], list[WorkflowHistory]]:
    """Each complaint's `record`, a few at a time."""
    limit = asyncio.Semaphore(RECORDS_AT_ONCE)

    async def one(complaint_id: str) -> tuple[list[DomainEvent] | str, WorkflowHistory]:
        async with limit:
            return await record(client, complaint_id, tally)

    pairs = await asyncio.gather(*(one(cid) for cid in complaint_ids))
    return [e for e, _ in pairs], [h for _, h in pairs]


class Replays:
    """Replays histories as a restarted worker would, as they are handed in (`add`), beside
    whatever else the test runs; `finish` waits for the last and says which did not replay."""

    def __init__(self, converter: DataConverter, keep: Path) -> None:
        self._queue: asyncio.Queue[WorkflowHistory | None] = asyncio.Queue()
        self._task = asyncio.create_task(_replay(self._histories(), converter, keep))

    def add(self, history: WorkflowHistory) -> None:
        self._queue.put_nowait(history)

    async def finish(self) -> dict[str, str]:
        """Workflow id -> why, for the histories that do not replay."""
        self._queue.put_nowait(None)
        return await self._task

    async def close(self) -> None:
        """Stop replaying (after `finish`, or when the test failed before)."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _histories(self) -> AsyncIterator[WorkflowHistory]:
        while (history := await self._queue.get()) is not None:
            yield history


async def replay(
    histories: list[WorkflowHistory], converter: DataConverter, keep: Path
) -> dict[str, str]:
    """Replay every history as a restarted worker would; keep the ones that do not replay
    (workflow id -> why)."""

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    return await _replay(each(), converter, keep)


async def _replay(
    histories: AsyncIterator[WorkflowHistory], converter: DataConverter, keep: Path
) -> dict[str, str]:
    replayer = Replayer(
        workflows=[ComplaintWorkflow], data_converter=converter, workflow_runner=WORKFLOW_RUNNER
    )
    failed: dict[str, str] = {}
    async with replayer.workflow_replay_iterator(histories) as results:
        async for result in results:
            if result.replay_failure is not None:
                history = result.history
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{history.workflow_id}.json").write_text(history.to_json())
                failed[history.workflow_id] = str(result.replay_failure)
    return failed
