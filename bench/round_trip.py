"""Figure 3: a manager's approval, from the update sent to the remedy executed and the
resolution out.

Setup (unmeasured): `samples` complaints without a receipt ask for a refund and wait for
a level-1 manager, and a `wait_until` for "waiting for the follow-up date" is accepted on
each (it waits in the workflow: nothing polls). Then, one at a time so nothing queues
behind anything else, the manager's `decide_escalation` (override) is sent; the approval
is done once the update has returned and the wait has: the remedy (an activity task) ran,
the resolution message (a local activity) is out, and the complaint waits for the
follow-up. The floor of the same shape is `BareApproval` (an update, one activity task,
one local activity), timed the same way, interleaved sample by sample; the cheapest
update there is (`BareUpdate.bump` on an idle, cached workflow) is timed too. Ratio: engine
p50 over the shape floor's p50 (the goal); the ratio to the bare update is in the details.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowHistory, WorkflowUpdateStage

from bench.baseline import WAITING_FOR_FOLLOW_UP, BareApproval, BareUpdate
from bench.context import BenchContext, Json, bounded, median, percentile, ratio
from bench.scenarios import LONG, Polls, escalated, override, start_bare_update
from schemas.state import WaitingOn
from schemas.waits import WaitFor
from workflows.complaint import ComplaintWorkflow as W

NAME = "round_trip"
GOAL = 1.3
SETUP_CONCURRENCY = 20
_FOLLOW_UP = WaitFor(waiting_on=WaitingOn.FOLLOW_UP_DATE, timeout=LONG)


PHASES = (
    "update_task_queued",
    "update_task_on_worker",
    "remedy_queued",
    "remedy_on_worker",
    "result_task_queued",
    "result_task_on_worker",
)
"""Where an approval's time goes, from its history's event times: the workflow task that
takes the update (waiting for a worker, then on it: validator, handler, reaction, the
remedy scheduled), the remedy's activity task (queued, running), and the workflow task
that takes its result (queued, then on the worker: the reaction and the resolution's
local activity)."""
PHASE_SAMPLES = 20


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 2)


def phases(history: WorkflowHistory, update: str) -> dict[str, float]:
    """The approval's `PHASES` (ms) in one history: the first `update` accepted, the first
    activity task after it, and the workflow task after that activity's completion."""
    events = list(history.events)
    kinds = [EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in events]

    def at(i: int) -> float:
        return events[i].event_time.ToNanoseconds() / 1e6

    def after(start: int, kind: str) -> int:
        return next(i for i in range(start, len(events)) if kinds[i] == kind)

    accepted = next(
        i
        for i, e in enumerate(events)
        if kinds[i] == "WORKFLOW_EXECUTION_UPDATE_ACCEPTED"
        and e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        == update
    )
    completed = max(i for i in range(accepted) if kinds[i] == "WORKFLOW_TASK_COMPLETED")
    started = max(i for i in range(completed) if kinds[i] == "WORKFLOW_TASK_STARTED")
    scheduled = max(i for i in range(started) if kinds[i] == "WORKFLOW_TASK_SCHEDULED")
    activity = after(accepted, "ACTIVITY_TASK_SCHEDULED")
    activity_started = after(activity, "ACTIVITY_TASK_STARTED")
    activity_done = after(activity_started, "ACTIVITY_TASK_COMPLETED")
    result_started = after(activity_done, "WORKFLOW_TASK_STARTED")
    result_completed = after(result_started, "WORKFLOW_TASK_COMPLETED")
    marks = [
        scheduled,
        started,
        completed,
        activity_started,
        activity_done,
        result_started,
        result_completed,
    ]
    times = [at(i) for i in marks]
    return {
        name: round(end - start, 2)
        for name, start, end in zip(PHASES, times[:-1], times[1:], strict=True)
    }


async def _phases(handles: list[WorkflowHandle], update: str) -> dict[str, float]:
    """Median `PHASES` over the first `PHASE_SAMPLES` measured histories."""
    histories = [await h.fetch_history() for h in handles[:PHASE_SAMPLES]]
    each = [phases(h, update) for h in histories]
    return {name: round(median(p[name] for p in each), 2) for name in PHASES}


async def _timed(handle: WorkflowHandle, update, arg) -> tuple[float, float]:
    """(update returned, done) seconds after sending `update`; done is when the
    `wait_until` accepted beforehand returns."""
    waiting = await handle.start_update(
        "wait_until", _FOLLOW_UP, wait_for_stage=WorkflowUpdateStage.ACCEPTED
    )
    sent = time.perf_counter()
    await handle.execute_update(update, arg)
    returned = time.perf_counter() - sent
    await waiting.result()
    return returned, time.perf_counter() - sent


async def _start_bare_approval(ctx: BenchContext, prefix: str) -> WorkflowHandle:
    return await ctx.client.start_workflow(
        BareApproval.run, id=f"{prefix}-{uuid.uuid4().hex[:12]}", task_queue=ctx.target.task_queue
    )


async def run_once(ctx: BenchContext, index: int) -> Json:
    n = ctx.sizes.round_trip_samples
    polls = Polls()
    # Follow-up far away: after the approval the complaints just wait, then are terminated.
    delay = 3600.0
    prefix = ctx.prefix("rt-engine")
    open_ = functools.partial(escalated, ctx.client, ctx.target, delay, polls, prefix)
    complaints = await bounded(SETUP_CONCURRENCY, [open_] * n)
    prefix = ctx.prefix("rt-shape")
    shaped = await bounded(
        SETUP_CONCURRENCY, [functools.partial(_start_bare_approval, ctx, prefix)] * n
    )
    prefix = ctx.prefix("rt-floor")
    bare = await bounded(
        SETUP_CONCURRENCY,
        [functools.partial(start_bare_update, ctx.client, ctx.target, prefix)] * n,
    )
    for handle in [*shaped, *bare]:  # the first task has run: cached, idle, waiting
        await handle.query("__stack_trace")
    queries_before = polls.count

    answered, done, shape, floor = [], [], [], []
    for complaint, same_shape, trivial in zip(complaints, shaped, bare, strict=True):
        update_s, done_s = await _timed(complaint, W.decide_escalation, override(complaint))
        answered.append(update_s)
        done.append(done_s)
        shape.append((await _timed(same_shape, BareApproval.approve, "refund"))[1])
        sent = time.perf_counter()
        await trivial.execute_update(BareUpdate.bump, 1)
        floor.append(time.perf_counter() - sent)
    measured_queries = polls.count - queries_before

    engine_phases = await _phases(complaints, "decide_escalation")
    shape_phases = await _phases(shaped, "approve")
    await asyncio.gather(
        *(h.terminate(reason="benchmark done") for h in complaints),
        *(h.signal(BareApproval.finish) for h in shaped),
        *(h.signal(BareUpdate.finish) for h in bare),
    )
    engine_p50, shape_p50, floor_p50 = (percentile(x, 50) for x in (done, shape, floor))
    engine_p99, shape_p99, floor_p99 = (percentile(x, 99) for x in (done, shape, floor))
    return {
        "engine": {
            "p50_ms": _ms(engine_p50),
            "p99_ms": _ms(engine_p99),
            "update_returned_p50_ms": _ms(percentile(answered, 50)),
            "update_returned_p99_ms": _ms(percentile(answered, 99)),
            "queries_while_measuring": measured_queries,
        },
        "floor": {"p50_ms": _ms(shape_p50), "p99_ms": _ms(shape_p99)},
        "phases_ms": {"engine": engine_phases, "floor": shape_phases},
        "bare_update": {"p50_ms": _ms(floor_p50), "p99_ms": _ms(floor_p99)},
        "ratio": ratio(engine_p50, shape_p50),
        "ratio_p99": ratio(engine_p99, shape_p99),
        "ratio_to_bare_update": ratio(engine_p50, floor_p50),
        "ratio_to_bare_update_p99": ratio(engine_p99, floor_p99),
        "samples": n,
        "wait": WAITING_FOR_FOLLOW_UP,
    }


def summarise(runs: list[Json]) -> Json:
    value = median(r["ratio"] for r in runs)
    sides = ("engine", "floor", "bare_update")
    return {
        "name": NAME,
        "title": "Approval round trip p50 (update -> remedy, resolution out; floor of that shape)",
        "engine": median(r["engine"]["p50_ms"] for r in runs),
        "floor": median(r["floor"]["p50_ms"] for r in runs),
        "unit": "ms",
        "ratio": value,
        "goal": f"ratio <= {GOAL}",
        "passed": value <= GOAL,
        "detail": {
            **{s: {k: median(r[s][k] for r in runs) for k in runs[0][s]} for s in sides},
            "ratio_p99": median(r["ratio_p99"] for r in runs),
            "ratio_to_bare_update": median(r["ratio_to_bare_update"] for r in runs),
            "ratio_to_bare_update_p99": median(r["ratio_to_bare_update_p99"] for r in runs),
            "samples_per_run": runs[0]["samples"],
            "phases_ms": {
                side: {p: median(r["phases_ms"][side][p] for r in runs) for p in PHASES}
                for side in ("engine", "floor")
            },
        },
        "runs": runs,
    }
