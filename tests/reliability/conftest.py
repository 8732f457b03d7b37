"""Reliability suite: live helpers on the session's dev server (tests/conftest.py prints the
one-screen summary)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

import pytest_asyncio
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from schemas.complaint import workflow_id_for
from tests.conftest import DevWorker
from tests.reliability.paths import BY_NAME, PATHS
from tests.reliability.runner import BackendWatch, Tally, advance, play
from workflows.complaint import ComplaintWorkflow


@dataclass
class Live:
    """Complaints on the session's dev server and worker, driven along catalogue paths."""

    client: Client
    task_queue: str
    backend: LocalBackend
    watch: BackendWatch
    tally: Tally = field(default_factory=Tally)

    def complaint_id(self, path: str) -> str:
        return f"{path}-{uuid.uuid4().hex[:8]}"

    async def park(self, path: str, steps: int) -> WorkflowHandle:
        """A complaint on `path`, its first `steps` steps done, settled in its wait for the
        next (its status changes before the message inviting that step is delivered)."""
        handle = await advance(
            self.client,
            self.watch,
            BY_NAME[path],
            self.complaint_id(path),
            self.task_queue,
            date.today(),
            self.tally,
            steps,
        )
        async with asyncio.timeout(30):
            while await handle.query(ComplaintWorkflow.waiting_on) is None:
                await asyncio.sleep(0.05)
        return handle

    async def finish(self, path: str) -> WorkflowHandle:
        """A complaint played along `path` to its end."""
        complaint_id = self.complaint_id(path)
        await play(
            self.client,
            self.watch,
            BY_NAME[path],
            complaint_id,
            self.task_queue,
            date.today(),
            self.tally,
        )
        return self.client.get_workflow_handle(workflow_id_for(complaint_id))


@pytest_asyncio.fixture
async def live(dev_env: WorkflowEnvironment, dev_worker: DevWorker) -> AsyncIterator[Live]:
    for path in PATHS:
        dev_worker.policies.add(path.policy())
    watch = BackendWatch(dev_worker.backend.db_path)
    watching = asyncio.create_task(watch.run())
    try:
        yield Live(dev_env.client, dev_worker.task_queue, dev_worker.backend, watch)
    finally:
        watching.cancel()
