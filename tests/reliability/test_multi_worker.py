"""Three worker processes on one dev server with the HTTP backend, one killed with kill -9
mid-run and not restarted: every complaint still ends as its path says, and no effect
happens twice.

The company services are the loopback fakes (`tests.fakes.http_services`), served from this
test's process: the state every worker shares lives outside the workers, as in production.
Each worker is the production worker in its own process (`tests.reliability.chaos_worker`,
which journals each effect attempt). Customers and managers act on the messages and pages
the services received.

Size: ``MULTI_WORKER_PER_PATH`` complaints per lifecycle path (default 4: 16 paths, 64
complaints; the issue asks for 500, which on a 2-core machine shared with the rest of the
suite takes too long for `make test`: ``MULTI_WORKER_PER_PATH=32`` runs 512).

Unfinished: skipped unless ``MULTI_WORKER=1``. Its first run (on a machine loaded by
other test runs) timed out after 600 s with complaints still open; why is not known yet.
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from temporalio.client import Client

from devtools.dev_server import DevServer, free_ports
from schemas.complaint import ComplaintResult
from tests.fakes.http_services import HttpServices
from tests.reliability.chaos import JournalReader, WorkerProcess
from tests.reliability.chaos_worker import DELAY_ENV, JOURNAL_ENV
from tests.reliability.paths import PATHS, LifecyclePath, write_policies
from tests.reliability.runner import BackendWatch, Tally, play
from wire.converter import data_converter
from workers.config import HTTP_ENV
from workflows.search_attributes import SEARCH_ATTRIBUTE_TYPES

PER_PATH = int(os.environ.get("MULTI_WORKER_PER_PATH", "4"))
SEED = int(os.environ.get("CHAOS_SEED", "20261201"))
WORKERS = 3
FILING_WINDOW_S = 10.0
RUN_TIMEOUT_S = 600.0


class ServicesWatch(BackendWatch):
    """The messages and pages the HTTP services received, per complaint (in this process)."""

    def __init__(self, services: HttpServices, interval: float = 0.2) -> None:
        super().__init__(Path("/nonexistent"), interval)
        self._services = services

    async def run(self) -> None:
        while True:
            counts = self._read()
            async with self._changed:
                self._counts = counts
                self._changed.notify_all()
            await asyncio.sleep(self._interval)

    def _read(self) -> Counter:
        counts: Counter = Counter()
        for delivery in self._services.messages():
            message = delivery.message
            counts[(message.complaint_id, "message", message.kind.value, None)] += 1
        for page in self._services.pages():
            counts[(page.complaint_id, "page", page.kind.value, page.level)] += 1
        return counts


def _env(server: DevServer, services: HttpServices, task_queue: str, tmp: Path, journal: Path):
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEMPORAL_", "COMPLAINTS_", "CHAOS_", "OTEL_"))
    }
    config = services.config(timeout_s=5.0)
    http = {
        HTTP_ENV[f"{s}_url"]: str(getattr(config, f"{s}_url"))
        for s in ("notify", "commerce", "staff", "hr")
    }
    return (
        inherited
        | http
        | {
            HTTP_ENV["token"]: services.token,
            "TEMPORAL_ADDRESS": server.address,
            "COMPLAINTS_TASK_QUEUE": task_queue,
            "COMPLAINTS_DATA_DIR": str(tmp / "data"),
            "COMPLAINTS_BACKEND": "http",
            "COMPLAINTS_POLICY_DIR": str(write_policies(tmp / "policies")),
            "COMPLAINTS_POLICY_BOUNDS": "development",
            JOURNAL_ENV: str(journal),
            DELAY_ENV: "0.1",
        }
    )


@pytest.mark.skipif(
    os.environ.get("MULTI_WORKER") != "1",
    reason="unfinished: its first run timed out (600 s) with complaints still open; "
    "MULTI_WORKER=1 runs it",
)
@pytest.mark.slow
@pytest.mark.xdist_group("multi-worker")  # a worker of its own, beside the chaos run
async def test_three_workers_one_killed_all_complete_nothing_twice(tmp_path: Path) -> None:
    port, ui_port = free_ports(2)
    server = DevServer(
        tmp_path / "server", port=port, ui_port=ui_port,
        search_attributes=SEARCH_ATTRIBUTE_TYPES, extra_args=["--headless"],
    )  # fmt: skip
    task_queue = f"multi-{uuid.uuid4().hex[:8]}"
    journal = JournalReader(tmp_path / "journal.log")
    rng = random.Random(SEED)
    run = uuid.uuid4().hex[:6]
    plan = [(p, f"multi-{run}-{p.name}-{n}") for n in range(PER_PATH) for p in PATHS]
    offsets = [rng.uniform(0, FILING_WINDOW_S) for _ in plan]
    workers: list[WorkerProcess] = []
    background: list[asyncio.Task] = []
    async with HttpServices() as services:
        server.start()
        try:
            env = _env(server, services, task_queue, tmp_path, journal.path)
            for n in range(WORKERS):
                logs = tmp_path / f"worker-{n}"
                logs.mkdir()
                workers.append(WorkerProcess(env, log_dir=logs))
                workers[-1].start()
            client = await Client.connect(server.address, data_converter=data_converter())
            watch = ServicesWatch(services)
            tally = Tally()
            today = date.today()

            async def one(path: LifecyclePath, cid: str, offset: float) -> ComplaintResult:
                await asyncio.sleep(offset)
                return await play(client, watch, path, cid, task_queue, today, tally)

            background.append(asyncio.create_task(watch.run()))
            async with asyncio.timeout(90):
                while len(journal.ready) < WORKERS:
                    journal.poll()
                    await asyncio.sleep(0.1)
            players = [
                asyncio.create_task(one(p, cid, o))
                for (p, cid), o in zip(plan, offsets, strict=True)
            ]
            background += players
            # Mid-run, at a moment the victim holds an effect done but not yet reported
            # when there is one: kill -9, no restart.
            await asyncio.sleep(FILING_WINDOW_S / 2 + rng.uniform(0, 2))
            victim = workers[1]
            for _ in range(100):
                journal.poll()
                if journal.in_flight(victim.pid, after_effect=True):
                    break
                await asyncio.sleep(0.05)
            killed = victim.kill()
            cut = journal.cut(killed)
            assert all(w.alive for w in workers if w is not victim)
            results = await asyncio.wait_for(asyncio.gather(*players), RUN_TIMEOUT_S)
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            for worker in workers:
                worker.stop()
            server.stop()
        journal.poll()

        problems = [
            f"{cid}: ended {r.outcome}, expected {p.outcome}"
            for (p, cid), r in zip(plan, results, strict=True)
            if r.outcome is not p.outcome
        ]
        for path, cid in plan:
            applied = [r.remedy.kind for r in services.remedies(cid)]
            if applied != list(path.remedies):
                problems.append(f"{cid}: remedies {applied}, expected {list(path.remedies)}")
            kinds = Counter(d.message.kind.value for d in services.messages(cid))
            for kind in ("acknowledgement", "closing"):
                if kinds[kind] != 1:
                    problems.append(f"{cid}: {kinds[kind]} {kind} messages")
        twice = [key for key, n in journal.applied.items() if n > 1]
        problems += [f"effect {key} applied {journal.applied[key]} times" for key in twice]
        assert problems == [], "\n".join(problems[:40])
        # The work was shared, and the killed worker had some of it.
        by_worker = Counter(
            line.split(" ", 1)[0] for line in journal.path.read_text().splitlines()
            if " applied " in line or " duplicate " in line
        )  # fmt: skip
        assert len(by_worker) == WORKERS, by_worker
        assert by_worker[str(killed)] > 0
        assert cut.pid == killed
