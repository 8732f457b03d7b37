"""Figure 1: complaints per second through the whole happy path, versus the floor.

Both sides are driven identically: `concurrency` lifecycles in flight, each started,
polled until it waits for the customer's choice, updated, polled until the follow-up
asks whether the fix worked, updated again, and awaited to completion. The rate is
lifecycles completed over wall time, first start to last result. The follow-up delay
(1 s by default) is real durable time on both sides, so enough lifecycles are kept in
flight that the worker, not the timer, is what limits the rate.
"""

from __future__ import annotations

import functools
import time

from bench.context import BenchContext, Json, bounded, median, ratio
from bench.env import CpuMeter
from bench.scenarios import Polls, bare_path, happy_path

NAME = "throughput"
GOAL = 0.8


async def _measure(ctx: BenchContext, driver, what: str) -> Json:
    sizes = ctx.sizes
    polls = Polls()
    prefix = ctx.prefix(what)
    run = functools.partial(driver, ctx.client, ctx.target, sizes.follow_up_delay_s, polls, prefix)
    cpu = CpuMeter(ctx.pids()).start()
    started = time.monotonic()
    await bounded(sizes.throughput_concurrency, [run] * sizes.throughput_complaints)
    wall = time.monotonic() - started
    used = cpu.stop()
    n = sizes.throughput_complaints
    return {
        "per_second": round(n / wall, 3),
        "wall_s": round(wall, 3),
        "lifecycles": n,
        "polls_per_lifecycle": round(polls.count / n, 2),
        "worker_cpu_ms_per_lifecycle": round(1000 * used.get("worker", 0) / n, 2),
        "server_cpu_ms_per_lifecycle": round(1000 * used["server"] / n, 2),
    }


async def warm_up(ctx: BenchContext) -> None:
    """Unmeasured lifecycles of both kinds, so imports and caches are warm on both sides."""
    n = ctx.sizes.warmup
    polls = Polls()
    delay = ctx.sizes.follow_up_delay_s
    floor = functools.partial(bare_path, local_steps=ctx.floor_local_steps)
    runs = [
        functools.partial(driver, ctx.client, ctx.target, delay, polls, ctx.prefix(what))
        for driver, what in ((happy_path, "warm-engine"), (floor, "warm-floor"))
    ]
    await bounded(2 * n, runs * n)


async def run_once(ctx: BenchContext, index: int) -> Json:
    """One engine batch and one floor batch; the order alternates between runs."""
    floor = functools.partial(bare_path, local_steps=ctx.floor_local_steps)
    sides = [("engine", happy_path), ("floor", floor)]
    if index % 2:
        sides.reverse()
    out: Json = {}
    for side, driver in sides:
        out[side] = await _measure(ctx, driver, f"tp-{side}")
    out["ratio"] = ratio(out["engine"]["per_second"], out["floor"]["per_second"])
    return out


def summarise(runs: list[Json]) -> Json:
    engine = median(r["engine"]["per_second"] for r in runs)
    floor = median(r["floor"]["per_second"] for r in runs)
    value = median(r["ratio"] for r in runs)
    return {
        "name": NAME,
        "title": "Lifecycle throughput (happy path, complaints/s)",
        "engine": engine,
        "floor": floor,
        "unit": "lifecycles/s",
        "ratio": value,
        "goal": f"ratio >= {GOAL}",
        "passed": value >= GOAL,
        "detail": {
            side: {
                key: median(r[side][key] for r in runs)
                for key in runs[0][side]
                if key != "lifecycles"
            }
            for side in ("engine", "floor")
        },
        "runs": runs,
    }
