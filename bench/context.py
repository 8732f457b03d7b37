"""What every measurement gets: the client, the worker under test, the sizes, a run tag."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowHistory

from bench.baseline import STEPS
from bench.config import Sizes
from bench.env import BenchServer, WorkerProcess

T = TypeVar("T")


@dataclass
class BenchContext:
    client: Client
    server: BenchServer
    worker: WorkerProcess | None
    sizes: Sizes
    run_tag: str
    histories: dict[str, list[WorkflowHistory]] = field(default_factory=dict)
    """Finished histories by path (and "bare"), kept for the replay figure."""
    workflow_runner: Any = None
    """The worker's workflow runner (from `build_worker`), for the replayer."""
    max_cached_workflows: int = 0
    """The worker's sticky cache size (from `build_worker`)."""
    _ids: itertools.count = field(default_factory=itertools.count)

    @property
    def target(self) -> WorkerProcess:
        """The worker complaints are filed with: its task queue and its policy folder."""
        assert self.worker is not None, "this figure needs a worker"
        return self.worker

    def prefix(self, what: str) -> str:
        """A fresh workflow-id prefix: no two measurements share ids."""
        return f"bench-{self.run_tag}-{what}-{next(self._ids)}"

    @property
    def floor_local_steps(self) -> tuple[str, ...]:
        """As the engine: every step is a local activity but the remedy, an activity task
        that runs only on a decision already in history."""
        return tuple(s for s in STEPS if s != "remedy")

    def pids(self) -> dict[str, int]:
        pids = {"server": self.server.pid}
        if self.worker is not None:
            pids["worker"] = self.worker.pid
        return pids


async def bounded(limit: int, factories: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the coroutines at most `limit` at a time; results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(factory: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await factory()

    return list(await asyncio.gather(*(one(f) for f in factories)))


def median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of nothing")
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Iterable[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): an observed value, never an interpolation."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of nothing")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def ratio(engine: float, floor: float) -> float | None:
    return round(engine / floor, 3) if floor else None


Json = dict[str, Any]
