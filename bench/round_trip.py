"""Figure 3: a manager's approval, from the update sent to the executed remedy being visible.

Setup (unmeasured): `samples` complaints without a receipt ask for a refund and wait for
a level-1 manager. Then, one at a time so nothing queues behind anything else, the
manager's `decide_escalation` (override) is sent while the `state` query is polled
back-to-back; the approval is done once the update has returned and a query shows the
remedy executed. The floor is the cheapest update
there is (`BareUpdate.bump`) on an idle, cached workflow, timed the same way, once
per workflow. Ratio: engine p50 over floor p50 (and the same for p99).
"""

from __future__ import annotations

import asyncio
import functools
import time

from bench.baseline import BareUpdate
from bench.context import BenchContext, Json, bounded, median, percentile, ratio
from bench.scenarios import Polls, escalated, override, start_bare_update
from workflows.complaint import ComplaintWorkflow as W

NAME = "round_trip"
GOAL = 1.5
SETUP_CONCURRENCY = 20


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 2)


async def _approval(handle) -> tuple[float, float, int]:
    """(update returned, remedy executed and visible) seconds after sending; queries needed.

    The `state` query is polled back-to-back from the moment the update is sent, so the
    time it shows the remedy is when the state became visible (to one query's latency),
    not one query after the update returned. The approval is done when both are true.
    """
    signed = override(handle)
    sent = time.perf_counter()
    returned: list[float] = []
    update = asyncio.ensure_future(handle.execute_update(W.decide_escalation, signed))
    update.add_done_callback(lambda _: returned.append(time.perf_counter() - sent))
    queries = 0
    while True:
        queries += 1
        state = await handle.query(W.state)
        if state.remedies_executed:
            visible = time.perf_counter() - sent
            break
    await update
    return returned[0], max(returned[0], visible), queries


async def run_once(ctx: BenchContext, index: int) -> Json:
    n = ctx.sizes.round_trip_samples
    # Follow-up far away: after the approval the complaints just wait, then are terminated.
    delay = 3600.0
    prefix = ctx.prefix("rt-engine")
    open_ = functools.partial(escalated, ctx.client, ctx.target, delay, Polls(), prefix)
    complaints = await bounded(SETUP_CONCURRENCY, [open_] * n)
    prefix = ctx.prefix("rt-floor")
    bare = await bounded(
        SETUP_CONCURRENCY,
        [functools.partial(start_bare_update, ctx.client, ctx.target, prefix)] * n,
    )
    for handle in bare:  # the first task has run: the workflow is cached, idle, waiting
        await handle.query("__stack_trace")

    answered, visible, queries = [], [], []
    floor = []
    for complaint, trivial in zip(complaints, bare, strict=True):
        update_s, visible_s, polled = await _approval(complaint)
        answered.append(update_s)
        visible.append(visible_s)
        queries.append(polled)
        sent = time.perf_counter()
        await trivial.execute_update(BareUpdate.bump, 1)
        floor.append(time.perf_counter() - sent)

    await asyncio.gather(
        *(h.terminate(reason="benchmark done") for h in complaints),
        *(h.signal(BareUpdate.finish) for h in bare),
    )
    engine_p50, floor_p50 = percentile(visible, 50), percentile(floor, 50)
    engine_p99, floor_p99 = percentile(visible, 99), percentile(floor, 99)
    return {
        "engine": {
            "p50_ms": _ms(engine_p50),
            "p99_ms": _ms(engine_p99),
            "update_returned_p50_ms": _ms(percentile(answered, 50)),
            "update_returned_p99_ms": _ms(percentile(answered, 99)),
            "state_queries_p50": percentile(queries, 50),
        },
        "floor": {"p50_ms": _ms(floor_p50), "p99_ms": _ms(floor_p99)},
        "ratio": ratio(engine_p50, floor_p50),
        "ratio_p99": ratio(engine_p99, floor_p99),
        "samples": n,
    }


def summarise(runs: list[Json]) -> Json:
    value = median(r["ratio"] for r in runs)
    return {
        "name": NAME,
        "title": "Approval round trip p50 (update sent -> remedy executed, visible)",
        "engine": median(r["engine"]["p50_ms"] for r in runs),
        "floor": median(r["floor"]["p50_ms"] for r in runs),
        "unit": "ms",
        "ratio": value,
        "goal": f"ratio <= {GOAL}",
        "passed": value <= GOAL,
        "detail": {
            "engine": {k: median(r["engine"][k] for r in runs) for k in runs[0]["engine"]},
            "floor": {k: median(r["floor"][k] for r in runs) for k in runs[0]["floor"]},
            "ratio_p99": median(r["ratio_p99"] for r in runs),
            "samples_per_run": runs[0]["samples"],
        },
        "runs": runs,
    }
