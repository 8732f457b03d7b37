"""Figure 4: many complaints parked on their follow-up timers, and the wake-up.

On a fresh worker process: complaints are filed at the pace the worker parks them
(at most `at_rest_start_concurrency` between filing and parking), the solution
deadline is the shortest a policy may have (`DEVELOPMENT.min_deadline`, 0.1 s) so the
default remedy applies at once (no update or polling needed to get there), and all
follow-up timers are set to fire at one instant after the last is parked. Parked means
the resolution message is in the local outbox. At rest, the worker's RSS (VmRSS of its
process) and the dev server's are read. When the timers fire, each complaint sends its
follow-up, a reminder `at_rest_silence_s` (1 s) later and, the customer staying silent,
closes as resolved-unconfirmed 1 s after that; the drain time is from the firing instant
to the last closing message.

The firing instant is set from a calibration batch's parking rate (x1.3, plus up to
20 s); if parking still overran it, `overran` says so and the figures are not at rest.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

from activities.policy_store import DEVELOPMENT
from bench.context import BenchContext, Json, median
from bench.env import CpuMeter, peak_rss_bytes, rss_bytes
from bench.scenarios import bench_policy, file, kettle

NAME = "at_rest"
GOAL_RSS_MB = 500
CALIBRATION = 200
STALL_S = 120.0
"""Parking that makes no progress this long fails the figure instead of waiting forever."""


def _mb(n: int) -> float:
    return round(n / 1e6, 1)


class Outbox:
    """Counts messages of a kind for a prefix, reading only the rows new since last time."""

    def __init__(self, db: Path, prefix: str, kind: str) -> None:
        self._db, self._prefix, self._kind = db, prefix, kind
        self._seq, self.count = 0, 0

    def refresh(self) -> int:
        conn = sqlite3.connect(self._db, timeout=10)
        try:
            rows = conn.execute(
                "SELECT seq, kind, complaint_id FROM outbox WHERE seq > ? ORDER BY seq",
                (self._seq,),
            ).fetchall()
        finally:
            conn.close()
        for seq, kind, complaint_id in rows:
            self._seq = seq
            if kind == self._kind and complaint_id.startswith(self._prefix + "-"):
                self.count += 1
        return self.count


async def _park(
    ctx: BenchContext, prefix: str, count: int, fire_at: float | None, delay_s: float
) -> float:
    """File `count` complaints, paced; return the seconds until all were parked."""
    assert ctx.worker is not None
    window = ctx.sizes.at_rest_start_concurrency
    parked = Outbox(ctx.worker.backend_db, prefix, "resolution")
    started = progressed = time.monotonic()
    filed = seen = 0
    pending: set[asyncio.Task] = set()
    while parked.refresh() < count:
        if parked.count > seen:
            seen, progressed = parked.count, time.monotonic()
        elif time.monotonic() - progressed > STALL_S:
            raise RuntimeError(
                f"parking stalled: {parked.count} of {count} resolution messages in the "
                f"outbox, none new for {STALL_S:.0f} s (see the worker log)"
            )
        while filed < count and filed - parked.count < window:
            delay = delay_s if fire_at is None else fire_at - time.monotonic()
            silence = timedelta(seconds=ctx.sizes.at_rest_silence_s)
            policy = bench_policy(
                max(delay, 1.0),
                solution_choice=DEVELOPMENT.min_deadline,
                follow_up_reply=silence,
                follow_up_after_reminder=silence,
            )
            intake = kettle(f"{prefix}-{filed}")
            pending.add(
                asyncio.create_task(file(ctx.client, ctx.target, intake, policy, until=None))
            )
            filed += 1
        done = {t for t in pending if t.done()}
        for task in done:
            task.result()
        pending -= done
        await asyncio.sleep(0.1)
    await asyncio.gather(*pending)
    return time.monotonic() - started


async def run_once(ctx: BenchContext, index: int) -> Json:
    assert ctx.worker is not None
    count = ctx.sizes.at_rest_count
    worker, server = ctx.worker.pid, ctx.server.pid
    idle = {"worker_rss_mb": _mb(rss_bytes(worker)), "server_rss_mb": _mb(rss_bytes(server))}

    calibration = min(CALIBRATION, max(5, count // 10))
    took = await _park(ctx, ctx.prefix("rest-cal"), calibration, None, 3600.0)
    rate = calibration / took
    expected = count / rate
    prefix = ctx.prefix("rest")
    fire_at = time.monotonic() + 1.3 * expected + min(20.0, 2 + 0.1 * expected)
    parking = CpuMeter(ctx.pids()).start()
    park_s = await _park(ctx, prefix, count, fire_at, 0.0)
    parking_cpu = parking.stop()
    overran = time.monotonic() >= fire_at
    await asyncio.sleep(max(0.0, min(5.0, fire_at - time.monotonic() - 2)))
    at_rest = {
        "worker_rss_mb": _mb(rss_bytes(worker)),
        "worker_peak_rss_mb": _mb(peak_rss_bytes(worker)),
        "server_rss_mb": _mb(rss_bytes(server)),
    }

    closed = Outbox(ctx.worker.backend_db, prefix, "closing")
    await asyncio.sleep(max(0.0, fire_at - time.monotonic()))
    draining = CpuMeter(ctx.pids()).start()
    fired = time.monotonic()
    while closed.refresh() < count:
        if time.monotonic() - fired > STALL_S + 2 * count / max(rate, 1.0):
            raise RuntimeError(f"draining stalled: {closed.count} of {count} closed")
        await asyncio.sleep(0.5)
    drain_s = time.monotonic() - fired
    drain_cpu = draining.stop()
    cached = min(calibration + count, ctx.max_cached_workflows) or 1
    return {
        "count": count,
        "cached_workflows": cached,
        "worker_rss_per_cached_kb": round(
            (at_rest["worker_rss_mb"] - idle["worker_rss_mb"]) * 1000 / cached, 1
        ),
        "idle": idle,
        "at_rest": at_rest,
        "after_drain": {
            "worker_rss_mb": _mb(rss_bytes(worker)),
            "worker_peak_rss_mb": _mb(peak_rss_bytes(worker)),
            "server_rss_mb": _mb(rss_bytes(server)),
        },
        "calibration_per_second": round(rate, 2),
        "park_s": round(park_s, 2),
        "parked_per_second": round(count / park_s, 2),
        "overran": overran,
        "drain_s": round(drain_s, 2),
        "drained_per_second": round(count / drain_s, 2),
        "parking_cpu_s": parking_cpu,
        "drain_cpu_s": drain_cpu,
    }


def summarise(runs: list[Json]) -> Json:
    def med(*keys: str) -> float:
        values = []
        for r in runs:
            v = r
            for k in keys:
                v = v[k]
            values.append(v)
        return median(values)

    rss = med("at_rest", "worker_rss_mb")
    return {
        "name": NAME,
        "title": f"Open complaints at rest ({runs[0]['count']:,} parked): worker RSS",
        "engine": rss,
        "floor": None,
        "unit": "MB",
        "ratio": round(rss / GOAL_RSS_MB, 3),
        "ratio_of": f"goal ({GOAL_RSS_MB} MB)",
        "goal": f"worker RSS < {GOAL_RSS_MB} MB",
        "passed": rss < GOAL_RSS_MB and not any(r["overran"] for r in runs),
        "detail": {
            "count": runs[0]["count"],
            "worker_rss_idle_mb": med("idle", "worker_rss_mb"),
            "worker_rss_at_rest_mb": rss,
            "cached_workflows": runs[0]["cached_workflows"],
            "worker_rss_per_cached_kb": med("worker_rss_per_cached_kb"),
            "worker_peak_rss_mb": med("after_drain", "worker_peak_rss_mb"),
            "server_rss_idle_mb": med("idle", "server_rss_mb"),
            "server_rss_at_rest_mb": med("at_rest", "server_rss_mb"),
            "server_rss_after_drain_mb": med("after_drain", "server_rss_mb"),
            "park_s": med("park_s"),
            "parked_per_second": med("parked_per_second"),
            "drain_s": med("drain_s"),
            "drained_per_second": med("drained_per_second"),
            "overran": any(r["overran"] for r in runs),
        },
        "runs": runs,
    }
