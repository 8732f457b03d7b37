"""Throughput with 1, 2 and 3 worker processes on one dev server, as ratios to one worker.

``python -m bench.scale_out --complaints 120 --concurrency 24``: for each worker count, a
fresh dev server, that many production workers (`bench.worker_proc`) polling one task
queue, and `--complaints` happy-path lifecycles with `--concurrency` in flight. Reports
lifecycles per second, the ratio to one worker, and the CPU each process used per
lifecycle with the machine's cores, to say where the bottleneck is (docs/bench.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

from bench.context import bounded
from bench.env import BenchServer, CpuMeter, WorkerProcess
from bench.scenarios import Polls, bench_policy, happy_path

TASK_QUEUE = "scale-out"


async def _one(workers: int, complaints: int, concurrency: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="scale-out-") as tmp:
        work = Path(tmp)
        server = BenchServer(work).start()
        started: list[WorkerProcess] = []
        try:
            client = await server.client()
            for n in range(workers):
                started.append(WorkerProcess(server.address, TASK_QUEUE, work, f"w{n}").start())
            polls = Polls()
            # Each worker has its own policy folder: publish the policy in all of them.
            lead = started[0]
            run = lambda: happy_path(client, lead, 0.5, polls, f"so{workers}")  # noqa: E731

            for worker in started:
                worker.add_policy(bench_policy(0.5))
            await bounded(concurrency, [run] * max(4, concurrency // 2))  # warm-up
            pids = {"server": server.pid} | {f"worker{i}": w.pid for i, w in enumerate(started)}
            cpu = CpuMeter(pids).start()
            began = time.monotonic()
            await bounded(concurrency, [run] * complaints)
            wall = time.monotonic() - began
            used = cpu.stop()
        finally:
            for worker in started:
                worker.stop()
            server.stop()
    workers_cpu = sum(v for k, v in used.items() if k.startswith("worker"))
    return {
        "workers": workers,
        "per_second": round(complaints / wall, 3),
        "wall_s": round(wall, 2),
        "server_cpu_s": used["server"],
        "workers_cpu_s": round(workers_cpu, 2),
        "cpu_busy_of_machine": round((used["server"] + workers_cpu) / (wall * os.cpu_count()), 2),
    }


async def _main(args: argparse.Namespace) -> dict[str, object]:
    runs = [await _one(n, args.complaints, args.concurrency) for n in (1, 2, 3)]
    base = runs[0]["per_second"]
    for run in runs:
        run["ratio_to_one"] = round(run["per_second"] / base, 3)
    return {"cores": os.cpu_count(), "complaints": args.complaints, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_out")
    parser.add_argument("--complaints", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = json.dumps(asyncio.run(_main(args)), indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
