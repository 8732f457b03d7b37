"""Runs the figures: one dev server for the whole run, fresh worker processes per phase.

Phase 1 (one worker): throughput, round trip, history cost, each `runs` times, after a
warm-up. Replay runs in this process on the histories phase 1 produced. Scale-out starts
1, 2, then 3 workers of its own (once: each run is three batches). Phase 2: each at-rest
run gets a fresh worker, so its memory is that of the parked complaints only.
"""

from __future__ import annotations

import compileall
import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

from activities.local_backend import LocalBackend
from bench import (
    at_rest,
    console_render,
    history_cost,
    replay_speed,
    round_trip,
    scale_out,
    throughput,
)
from bench.config import Sizes
from bench.context import BenchContext, Json
from bench.env import BenchServer, WorkerProcess
from workers.worker import build_worker

FIGURES: dict[str, ModuleType] = {
    "throughput": throughput,
    "history_cost": history_cost,
    "round_trip": round_trip,
    "at_rest": at_rest,
    "replay_speed": replay_speed,
    "console_render": console_render,
    "scale_out": scale_out,
}
PHASE_1 = ("throughput", "round_trip", "history_cost", "console_render")
REPO = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except OSError:
        return ""


def _temporal_cli_version() -> str:
    from devtools.dev_server import find_temporal_cli

    try:
        out = subprocess.run(
            [find_temporal_cli(), "--version"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip()
    except (OSError, FileNotFoundError):
        return ""


def _meta(sizes: Sizes, label: str | None, worker_options: dict[str, object]) -> Json:
    return {
        "label": label,
        "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cores": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.machine(),
        "python": platform.python_version(),
        "temporalio": version("temporalio"),
        "temporal_cli": _temporal_cli_version(),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "sizes": sizes.as_json(),
        "worker_options": worker_options,
    }


async def _figure(ctx: BenchContext, name: str, runs: int, durations: dict) -> Json:
    module = FIGURES[name]
    started = time.monotonic()
    results = []
    for index in range(runs):
        print(f"  {name}: run {index + 1}/{runs}", flush=True)
        results.append(await module.run_once(ctx, index))
    durations[name] = round(time.monotonic() - started, 1)
    return module.summarise(results)


PACKAGES = ("activities", "bench", "domain", "schemas", "wire", "workers", "workflows")
"""Compiled to bytecode before the worker starts (`compile_packages`)."""
ROOT = Path(__file__).resolve().parent.parent


def compile_packages(root: Path = ROOT) -> None:
    """Write the project's bytecode, as a deployed image ships it. The workflow sandbox
    imports the workflow's module afresh for every new workflow instance; without a `.pyc`
    (e.g. under PYTHONDONTWRITEBYTECODE=1) it compiles the source every time, which cost
    the engine, with the bigger module, far more than the floor (docs/bench.md, 2026-12-02).
    `py_compile` writes even when the environment says not to."""
    for package in PACKAGES:
        compileall.compile_dir(root / package, quiet=1)


async def run(
    sizes: Sizes,
    only: list[str] | None = None,
    label: str | None = None,
    worker_options: dict[str, object] | None = None,
    server_args: list[str] | None = None,
) -> Json:
    wanted = [name for name in FIGURES if not only or name in only]
    worker_options = worker_options or {}
    meta = _meta(sizes, label, worker_options)
    meta["server_args"] = server_args or []
    compile_packages()
    durations: dict[str, float] = {}
    figures: Json = {}
    begun = time.monotonic()
    run_tag = datetime.now(UTC).strftime("%H%M%S")
    with tempfile.TemporaryDirectory(prefix="complaint-bench-") as tmp:
        work = Path(tmp)
        server = BenchServer(work, extra_args=server_args).start()
        try:
            client = await server.client()
            ctx = BenchContext(client, server, None, sizes, run_tag)
            probe = build_worker(client, f"bench-probe-{run_tag}", LocalBackend(work / "p.db"))
            probed = {**probe.config(), **worker_options}
            ctx.workflow_runner = probed.get("workflow_runner")
            ctx.max_cached_workflows = int(probed.get("max_cached_workflows", 1000))
            print(f"bench: server {server.address} (pid {server.pid}), work dir {work}")

            phase_1 = [n for n in PHASE_1 if n in wanted]
            if phase_1 or "replay_speed" in wanted:
                with WorkerProcess(
                    server.address, f"bench-{run_tag}", work, "main", worker_options
                ) as worker:
                    ctx.worker = worker
                    print(f"bench: worker pid {worker.pid}; warming up", flush=True)
                    started = time.monotonic()
                    await throughput.warm_up(ctx)
                    durations["warm_up"] = round(time.monotonic() - started, 1)
                    for name in phase_1:
                        figures[name] = await _figure(ctx, name, sizes.runs, durations)
                    if "replay_speed" in wanted and "history_cost" not in phase_1:
                        await history_cost.collect(ctx)
                ctx.worker = None
            if "replay_speed" in wanted:
                figures["replay_speed"] = await _figure(ctx, "replay_speed", sizes.runs, durations)
            if "scale_out" in wanted:  # workers of its own, after the main one stopped
                figures["scale_out"] = await _figure(ctx, "scale_out", 1, durations)
            if "at_rest" in wanted:
                started = time.monotonic()
                results = []
                for index in range(sizes.at_rest_runs):
                    print(f"  at_rest: run {index + 1}/{sizes.at_rest_runs} "
                          f"({sizes.at_rest_count:,} complaints)", flush=True)  # fmt: skip
                    with WorkerProcess(
                        server.address, f"bench-rest-{run_tag}-{index}", work,
                        f"rest-{index}", worker_options,
                    ) as worker:  # fmt: skip
                        ctx.worker = worker
                        results.append(await at_rest.run_once(ctx, index))
                    ctx.worker = None
                durations["at_rest"] = round(time.monotonic() - started, 1)
                figures["at_rest"] = at_rest.summarise(results)
        finally:
            server.stop()
    durations["total"] = round(time.monotonic() - begun, 1)
    meta["durations_s"] = durations
    meta["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return {"meta": meta, "figures": figures}
