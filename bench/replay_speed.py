"""Figure 5: finished histories replayed per second by `temporalio.worker.Replayer`.

The histories are the four lifecycle paths of the history figure (driven now if that
figure did not run), repeated to `replay_histories`; the floor replays as many of
the bare happy path's histories. The replayer uses the same workflow runner as the
worker `build_worker` makes. Replay runs in the benchmark's own process, on one core,
with no server involved: it is what a worker pays to rebuild an evicted complaint
(and what a replay test suite pays per history).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from bench.baseline import BareLifecycle
from bench.context import BenchContext, Json, median, ratio
from bench.history_cost import collect
from bench.scenarios import PATHS
from workflows.complaint import ComplaintWorkflow

NAME = "replay_speed"


async def _iterate(histories: list[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
    for history in histories:
        yield history


async def _replay(replayer: Replayer, histories: list[WorkflowHistory]) -> Json:
    started = time.perf_counter()
    await replayer.replay_workflows(_iterate(histories), raise_on_replay_failure=True)
    wall = time.perf_counter() - started
    events = sum(len(h.events) for h in histories)
    return {
        "per_second": round(len(histories) / wall, 2),
        "events_per_second": round(events / wall, 1),
        "wall_s": round(wall, 3),
        "histories": len(histories),
    }


def _batch(histories: list[WorkflowHistory], size: int) -> list[WorkflowHistory]:
    return list(itertools.islice(itertools.cycle(histories), size))


async def run_once(ctx: BenchContext, index: int) -> Json:
    if not all(ctx.histories.get(p) for p in (*PATHS, "bare")):
        await collect(ctx)
    engine = _batch([ctx.histories[p][0] for p in PATHS], ctx.sizes.replay_histories)
    floor = _batch(ctx.histories["bare"][:1], ctx.sizes.replay_histories)
    runner = ctx.workflow_runner
    engine_replayer = Replayer(
        workflows=[ComplaintWorkflow],
        data_converter=ctx.client.data_converter,
        **({"workflow_runner": runner} if runner else {}),
    )
    floor_replayer = Replayer(
        workflows=[BareLifecycle],
        data_converter=ctx.client.data_converter,
        **({"workflow_runner": runner} if runner else {}),
    )
    out = {"engine": await _replay(engine_replayer, engine)}
    out["floor"] = await _replay(floor_replayer, floor)
    out["ratio"] = ratio(out["engine"]["per_second"], out["floor"]["per_second"])
    return out


def summarise(runs: list[Json]) -> Json:
    return {
        "name": NAME,
        "title": "Replay speed (Replayer, one process)",
        "engine": median(r["engine"]["per_second"] for r in runs),
        "floor": median(r["floor"]["per_second"] for r in runs),
        "unit": "histories/s",
        "ratio": median(r["ratio"] for r in runs),
        "goal": None,
        "passed": None,
        "detail": {
            side: {k: median(r[side][k] for r in runs) for k in runs[0][side]}
            for side in ("engine", "floor")
        },
        "runs": runs,
    }
