"""A benchmark worker process: the production worker, plus the bare floor on the same slots.

The complaint side is exactly what `workers.worker.build_worker` builds (so its tuning is
what gets measured), with policies from `--policy-dir` under the development bounds; the
floor's workflows and no-op activities are added to the same `Worker` config, so both
share pollers, slots and cache. `--option key=value` overrides one `Worker` option (a JSON
value), to try a tuning before it goes into `build_worker`. Effects go to a SQLite file of
the worker's own (`--backend-db`), or with `--http-base` to the company services over HTTP
(the HTTP backend), which several workers can share.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import (
    PollerBehaviorAutoscaling,
    PollerBehaviorSimpleMaximum,
    UnsandboxedWorkflowRunner,
    Worker,
)

from activities.backend import ComplaintBackend
from activities.http_backend import HttpBackend, HttpBackendConfig
from activities.local_backend import LocalBackend
from activities.policy_store import DEVELOPMENT, FilePolicyStore
from bench.baseline import BARE_ACTIVITIES, BARE_WORKFLOWS
from wire.converter import data_converter_from_env
from workers.logging import configure_logging
from workers.worker import build_worker


def _option(raw: str) -> tuple[str, object]:
    key, _, value = raw.partition("=")
    parsed = json.loads(value)
    if key.endswith("_poller_behavior"):  # {"max": 10} or {"autoscale": [1, 100]}
        if "autoscale" in parsed:
            low, high = parsed["autoscale"]
            return key, PollerBehaviorAutoscaling(minimum=low, maximum=high, initial=low)
        return key, PollerBehaviorSimpleMaximum(maximum=parsed["max"])
    if key == "workflow_runner" and parsed == "unsandboxed":
        return key, UnsandboxedWorkflowRunner()
    if key.endswith("_timeout"):
        return key, timedelta(seconds=parsed)
    return key, parsed


async def _main(args: argparse.Namespace) -> None:
    configure_logging()  # as the production worker does: logs cost CPU too
    client = await Client.connect(args.address, data_converter=data_converter_from_env())
    backend: ComplaintBackend
    if args.http_base:  # the company services every worker shares (`bench.env.ServicesProcess`)
        urls = {f"{s}_url": f"{args.http_base}/{s}" for s in ("notify", "commerce", "staff", "hr")}
        backend = HttpBackend(HttpBackendConfig(**urls, token=args.http_token))
    else:
        backend = LocalBackend(args.backend_db)
    policies = FilePolicyStore(Path(args.policy_dir), DEVELOPMENT)
    # Only the config is wanted: the probe is built on its own queue (the SDK refuses two
    # workers on one queue in a process) and never run.
    probe = build_worker(client, f"{args.task_queue}-config-probe", backend, policies=policies)
    config = probe.config()
    config["task_queue"] = args.task_queue
    config["workflows"] = [*config["workflows"], *BARE_WORKFLOWS]
    config["activities"] = [*config["activities"], *BARE_ACTIVITIES]
    config.update(dict(_option(raw) for raw in args.option))  # type: ignore[typeddict-item]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with Worker(**config):
            Path(args.ready_file).write_text("ready\n")
            await stop.wait()
    finally:
        await backend.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--backend-db", required=True)
    parser.add_argument("--policy-dir", required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--option", action="append", default=[])
    parser.add_argument("--http-base", help="the HTTP backend's services, instead of SQLite")
    parser.add_argument("--http-token", default="")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
