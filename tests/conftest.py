"""Session-wide fixtures: one real Temporal dev server and one worker, shared by all packages.

The time-skipping server (tests/workflows) cannot answer visibility queries;
the SDK, the CLI and logging are tested against the real thing.

A run leaves no process behind: SIGTERM and SIGHUP stop it as Ctrl-C does (fixture
teardown stops the servers), and whatever the run started that still runs after
teardown is killed and fails the run (`tests.processes`).

The Temporal SDK core's own log lines go to Python logging (`temporalio.core`), not
straight to the terminal: pytest shows them with a failing test's captured log. Every
worker on the time-skipping server would otherwise print, between pytest's dots, that the
server does not advertise `activity_failure_include_heartbeat`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from devtools.dev_server import find_temporal_cli
from sdk.client import ComplaintClient
from tests import processes
from tests.fakes.http_services import HttpServices
from wire.connection import data_converter
from workers.worker import build_worker
from workflows.search_attributes import KEYS

_STOPS = (signal.SIGTERM, signal.SIGHUP)
_replaced_handlers: dict[signal.Signals, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    os.environ[processes.RUN_ENV] = uuid.uuid4().hex  # inherited by all this run starts
    _replaced_handlers.update(processes.stop_like_ctrl_c(*_STOPS))
    _core_logs_to_python_logging()


def _core_logs_to_python_logging() -> None:
    """Before any client exists: every client and worker of the run uses the default runtime."""
    core = LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
    )
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=core)))


def pytest_unconfigure(config: pytest.Config) -> None:
    for sig, handler in _replaced_handlers.items():
        signal.signal(sig, handler)
    _replaced_handlers.clear()


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> Generator[None]:
    """After the session's fixtures are torn down (even if that was interrupted): kill
    what the run started and still runs, and fail the run for it."""
    try:
        return (yield)
    finally:
        _no_process_left(session)


def _no_process_left(session: pytest.Session) -> None:
    # Another Ctrl-C must not cut the sweep short: it is ignored while the sweep runs.
    handlers = {
        sig: signal.signal(sig, signal.SIG_IGN)
        for sig in (signal.SIGINT, *_STOPS)
        if signal.getsignal(sig) is not None  # None: not Python's to put back
    }
    try:
        left = processes.carrying(processes.RUN_ENV, os.environ[processes.RUN_ENV])
        processes.kill(left)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    if not left:
        return
    lines = [f"  {p}" for p in left]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("!", "processes outlived the test session; killed", red=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("processes outlived the test session; killed", *lines, sep="\n", file=sys.stderr)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@dataclass(frozen=True)
class DevWorker:
    """Where the session's worker runs, for clients in this process or a subprocess."""

    address: str
    namespace: str
    task_queue: str
    backend: LocalBackend


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
    task_queue = f"complaints-{uuid.uuid4()}"
    try:
        async with build_worker(dev_env.client, task_queue, backend):
            client = dev_env.client
            yield DevWorker(
                client.service_client.config.target_host, client.namespace, task_queue, backend
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
