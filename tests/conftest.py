"""Session-wide fixtures: one real Temporal dev server and one worker, shared by all packages.

The time-skipping server (tests/workflows) cannot answer visibility queries;
the SDK, the CLI and logging are tested against the real thing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from activities.policy_store import InMemoryPolicyStore
from devtools.dev_server import find_temporal_cli
from sdk.client import ComplaintClient
from tests.fakes.http_services import HttpServices
from wire.connection import data_converter
from workers.worker import build_worker
from workflows.search_attributes import KEYS


@dataclass(frozen=True)
class DevWorker:
    """Where the session's worker runs, for clients in this process or a subprocess."""

    address: str
    namespace: str
    task_queue: str
    backend: LocalBackend
    policies: InMemoryPolicyStore
    """The worker's policy store: the default policy, current; suites add their own."""


@pytest_asyncio.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """`temporal server start-dev` (in memory, free port) with our search attributes."""
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_temporal_cli(),
        search_attributes=KEYS,
        data_converter=data_converter(),
    ) as env:
        yield env


@pytest_asyncio.fixture(scope="session")
async def dev_worker(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DevWorker]:
    backend = LocalBackend(tmp_path_factory.mktemp("dev-worker") / "complaints.db")
    policies = InMemoryPolicyStore()
    task_queue = f"complaints-{uuid.uuid4()}"
    try:
        async with build_worker(dev_env.client, task_queue, backend, policies=policies):
            client = dev_env.client
            yield DevWorker(
                client.service_client.config.target_host,
                client.namespace,
                task_queue,
                backend,
                policies,
            )
    finally:
        await backend.aclose()


@pytest.fixture
def complaints(dev_env: WorkflowEnvironment, dev_worker: DevWorker) -> ComplaintClient:
    return ComplaintClient(dev_env.client, dev_worker.task_queue)


@pytest_asyncio.fixture
async def services() -> AsyncIterator[HttpServices]:
    """The company services over HTTP, faked on a loopback port (`tests.fakes.http_services`)."""
    async with HttpServices() as running:
        yield running
