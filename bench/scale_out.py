"""Throughput with 1, 2 and 3 worker processes on one dev server, as ratios to one worker.

For each worker count: that many production workers (`bench.worker_proc`) polling one task
queue, all sending their effects to one company-services process over HTTP (the HTTP
backend: state shared outside the workers, `bench.env.ServicesProcess`), a warm-up, then
`scale_out_complaints` happy-path lifecycles with `scale_out_concurrency` in flight.
Reported per count: lifecycles per second, the ratio to one worker, and the CPU each
process used (from /proc/<pid>/stat) beside what the whole machine used (/proc/stat), to
say where the bottleneck is. In `make bench` it is the `scale_out` figure (on the bench's
dev server); ``python -m bench.scale_out`` runs it alone on a server of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

from bench.config import Sizes, sizes
from bench.context import BenchContext, Json, bounded, median
from bench.env import BenchServer, CpuMeter, ServicesProcess, WorkerProcess
from bench.scenarios import Polls, bench_policy, happy_path

NAME = "scale_out"
BATCH_TIMEOUT_S = 900.0
"""Guards against a hang only (a lifecycle stuck waiting): a batch must end by then."""
SATURATED = 0.85
"""The machine's cores busier than this (all processes): CPU is what limits."""


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, every process (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    total = sum(fields)
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (total - idle) / tick, total / tick


async def _start_workers(
    address: str, queue: str, work: Path, count: int, services: ServicesProcess
) -> list[WorkerProcess]:
    workers = [
        WorkerProcess(address, queue, work, f"{queue}-w{n}", services=services)
        for n in range(count)
    ]
    started = await asyncio.gather(
        *(asyncio.to_thread(w.start) for w in workers), return_exceptions=True
    )
    failed = [e for e in started if isinstance(e, BaseException)]
    if failed:
        for worker in workers:
            worker.stop()
        raise failed[0]
    return workers


async def measure(
    ctx: BenchContext, work: Path, services: ServicesProcess, count: int, queue: str
) -> Json:
    """One worker count: start the workers, warm up, time the batch, stop the workers."""
    s: Sizes = ctx.sizes
    workers = await _start_workers(ctx.server.address, queue, work, count, services)
    try:
        for worker in workers:  # each has a policy folder of its own
            worker.add_policy(bench_policy(s.follow_up_delay_s))
        polls, lead = Polls(), workers[0]

        def run():
            # An order of its own: the commerce service refuses a second replacement on one.
            order = f"ORD-{uuid.uuid4().hex[:10]}"
            prefix = ctx.prefix(queue)
            return happy_path(
                ctx.client, lead, s.follow_up_delay_s, polls, prefix, order_reference=order
            )

        async with asyncio.timeout(BATCH_TIMEOUT_S):
            await bounded(s.scale_out_concurrency, [run] * s.warmup)
        pids = {"server": ctx.server.pid, "services": services.pid, "driver": os.getpid()}
        pids |= {f"worker{i}": w.pid for i, w in enumerate(workers)}
        cpu = CpuMeter(pids).start()
        busy_before, total_before = machine_cpu()
        load_before = os.getloadavg()[0]
        began = time.monotonic()
        async with asyncio.timeout(BATCH_TIMEOUT_S):
            await bounded(s.scale_out_concurrency, [run] * s.scale_out_complaints)
        wall = time.monotonic() - began
        busy_after, total_after = machine_cpu()
        used = cpu.stop()
    finally:
        for worker in workers:
            worker.stop()
    cores = os.cpu_count() or 1
    n = s.scale_out_complaints
    workers_cpu = sum(v for k, v in used.items() if k.startswith("worker"))
    ours = {
        "server": used["server"],
        "workers": workers_cpu,
        "services": used["services"],
        "driver": used["driver"],
    }
    machine_busy = busy_after - busy_before
    # The machine's cores over the same interval (from its own clock: /proc/stat's total).
    capacity = (total_after - total_before) or wall * cores
    return {
        "workers": count,
        "per_second": round(n / wall, 3),
        "wall_s": round(wall, 2),
        "cpu_ms_per_lifecycle": {k: round(v * 1000 / n, 1) for k, v in ours.items()},
        "worker_cpu_ms_per_lifecycle": {
            k: round(v * 1000 / n, 1) for k, v in used.items() if k.startswith("worker")
        },
        "share_of_machine": {k: round(v / capacity, 3) for k, v in ours.items()},
        "machine_busy": round(machine_busy / capacity, 3),
        "others_busy": round(max(0.0, machine_busy - sum(ours.values())) / capacity, 3),
        "loadavg_1m_before": round(load_before, 2),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "polls": polls.count,
    }


def bottleneck(run: Json, cores: int) -> str:
    """Where the time went in one count's run, in a sentence."""
    share = run["share_of_machine"]
    top = max(share, key=share.get)
    cpu = run["cpu_ms_per_lifecycle"]
    parts = ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
    if run["machine_busy"] >= SATURATED:
        return (
            f"CPU-bound: the {cores} cores were {run['machine_busy']:.0%} busy "
            f"({run['others_busy']:.0%} other processes); ours per lifecycle (CPU ms): {parts}; "
            f"the largest share is the {top}'s ({share[top]:.0%} of the machine), and more "
            f"workers add no cores"
        )
    return (
        f"not CPU-bound: the {cores} cores were {run['machine_busy']:.0%} busy "
        f"({run['others_busy']:.0%} other processes); per lifecycle (CPU ms): {parts}; "
        f"the batch waited on latency (timers, round trips, {run['workers']} worker(s))"
    )


async def run_once(ctx: BenchContext, index: int) -> Json:
    runs = []
    with tempfile.TemporaryDirectory(prefix="scale-out-") as tmp:
        work = Path(tmp)
        services = ServicesProcess(work).start()
        try:
            for count in ctx.sizes.scale_out_workers:
                print(f"    scale_out: {count} worker(s)", flush=True)
                queue = f"scale-{ctx.run_tag}-{index}-{count}"
                runs.append(await measure(ctx, work, services, count, queue))
        finally:
            services.stop()
    base = runs[0]["per_second"]
    for run in runs:
        run["ratio_to_one"] = round(run["per_second"] / base, 3)
    cores = os.cpu_count() or 1
    return {"cores": cores, "complaints": ctx.sizes.scale_out_complaints, "counts": runs}


def summarise(results: list[Json]) -> Json:
    counts = [c["workers"] for c in results[0]["counts"]]
    cores = results[0]["cores"]
    by_count = {
        n: {
            "per_second": median(r["counts"][i]["per_second"] for r in results),
            "ratio_to_one": median(r["counts"][i]["ratio_to_one"] for r in results),
        }
        for i, n in enumerate(counts)
    }
    most = counts[-1]
    last = results[-1]["counts"]
    return {
        "name": NAME,
        "title": f"Scale-out: lifecycles/s with {most} workers (HTTP backend)",
        "engine": by_count[most]["per_second"],
        "floor": None,
        "unit": "/s",
        "ratio": by_count[most]["ratio_to_one"],
        "ratio_of": "1 worker",
        "goal": None,
        "passed": None,
        "detail": {
            "by_workers": by_count,
            "bottleneck": {str(c["workers"]): bottleneck(c, cores) for c in last},
        },
        "runs": results,
    }


async def _main(args: argparse.Namespace) -> Json:
    chosen = sizes(
        args.quick,
        scale_out_complaints=args.complaints,
        scale_out_concurrency=args.concurrency,
    )
    with tempfile.TemporaryDirectory(prefix="scale-out-server-") as tmp:
        server = BenchServer(Path(tmp)).start()
        try:
            client = await server.client()
            ctx = BenchContext(client, server, None, chosen, time.strftime("%H%M%S"))
            figure = summarise([await run_once(ctx, 0)])
        finally:
            server.stop()
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_out")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--complaints", type=int)
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = json.dumps(asyncio.run(_main(args)), indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
