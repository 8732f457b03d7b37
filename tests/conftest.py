"""Session-wide fixtures: one real Temporal dev server and one worker, shared by all packages.

The time-skipping server (tests/workflows) cannot answer visibility queries;
the SDK, the CLI and logging are tested against the real thing.

A run leaves no process behind: SIGTERM and SIGHUP stop it as Ctrl-C does (fixture
teardown stops the servers), and whatever the run started that still runs after
teardown is killed and fails the run (`tests.processes`).

Under pytest-xdist (`make test`) each worker is a run inside the controller's: it has its
own session servers and marks what it starts with a sub-run of the controller's marker, so
its own end-of-session check sweeps only its own processes and reports what it killed to
the controller, which fails the run for it; the controller's check, after the workers
exited, sweeps whatever any of them left. A SIGTERM or SIGHUP to the controller is passed
on to the workers, which stop as it does. Each worker sends its reliability figures to the
controller, which prints the one summary.

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
from _pytest.nodeid import NodeId
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from activities.policy_store import InMemoryPolicyStore
from devtools.dev_server import find_temporal_cli
from sdk.client import ComplaintClient
from tests import processes
from tests.builders import ENDS_AT_CLOSING
from tests.fakes.http_services import HttpServices
from tests.reliability.summary import SUMMARY, print_summary
from wire.connection import data_converter
from workers.worker import build_worker
from workflows.search_attributes import KEYS

_STOPS = (signal.SIGTERM, signal.SIGHUP)
_replaced_handlers: dict[signal.Signals, object] = {}


WORKER_OUTPUT = "complaint_engine"
"""Where a pytest-xdist worker puts what the controller reports: figures, processes killed."""
_killed_by_workers: list[str] = []


def _xdist_worker(config: pytest.Config) -> str | None:
    """This process's pytest-xdist worker id (gw0, ...), or None when it is not a worker."""
    return getattr(config, "workerinput", {}).get("workerid")


def _xdist_controller(config: pytest.Config) -> bool:
    return (
        _xdist_worker(config) is None
        and bool(getattr(config.option, "numprocesses", None))
        and getattr(config.option, "dist", "no") != "no"
    )


def pytest_configure(config: pytest.Config) -> None:
    worker, outer = _xdist_worker(config), os.environ.get(processes.RUN_ENV)
    if worker is not None and outer:
        os.environ[processes.RUN_ENV] = processes.sub_run(outer, worker)
    else:
        os.environ[processes.RUN_ENV] = uuid.uuid4().hex  # inherited by all this run starts
    forward = _xdist_workers if _xdist_controller(config) else None
    _replaced_handlers.update(processes.stop_like_ctrl_c(*_STOPS, forward=forward))
    _core_logs_to_python_logging()


def _xdist_workers() -> list[processes.Process]:
    """The controller's children of this run: its pytest-xdist workers."""
    ours = processes.carrying(processes.RUN_ENV, os.environ[processes.RUN_ENV])
    return [p for p in ours if p.ppid == os.getpid()]


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
    what the run started and still runs, and fail the run for it. A pytest-xdist worker
    hands its figures and what it killed to the controller (before xdist sends them)."""
    try:
        return (yield)
    finally:
        killed = _no_process_left(session)
        if _xdist_worker(session.config) is not None:
            session.config.workeroutput[WORKER_OUTPUT] = {  # type: ignore[attr-defined]
                "summary": SUMMARY.to_wire(),
                "killed": killed,
            }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """In the pytest-xdist controller, as each worker finishes (or dies)."""
    output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if output:
        SUMMARY.merge(output["summary"])
        _killed_by_workers.extend(output["killed"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow tests first (chaos first of all), so that under pytest-xdist they start at
    once, side by side, and the run ends on short tests rather than waiting on a long one."""
    items.sort(
        key=lambda item: (not item.get_closest_marker("xdist_group"), "slow" not in item.keywords)
    )
    if getattr(config.option, "loadgroup", False):  # set on xdist workers only
        _name_xdist_groups(items)


def _name_xdist_groups(items: list[pytest.Item]) -> None:
    """`--dist loadgroup` on a worker: the `@group` suffix on each grouped test's node id, by
    which the controller keeps a group on one worker. pytest-xdist 3.8 sets it on
    `item._nodeid`, which pytest 9 no longer reads (the id is `item._id`), so without this
    every test is scheduled alone and `xdist_group` is ignored."""
    for item in items:
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in
             item.iter_markers("xdist_group")}
        )  # fmt: skip
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")  # type: ignore[misc]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`--dist loadgroup`, with the long tests' workers fed from the end of the queue
    (`tests.scheduling`)."""
    if getattr(config.option, "dist", None) != "loadgroup":
        return None
    from tests.scheduling import LongAloneScheduling

    return LongAloneScheduling(config, log)


def pytest_terminal_summary(terminalreporter: object) -> None:
    print_summary(terminalreporter)


def _no_process_left(session: pytest.Session) -> list[str]:
    """Kill what this run started and still runs; what was killed, one line each."""
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
    lines = [f"  {p}" for p in left]
    if _xdist_worker(session.config) is None:
        lines += _killed_by_workers
    if not lines or _xdist_worker(session.config) is not None:
        return lines
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("!", "processes outlived the test session; killed", red=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("processes outlived the test session; killed", *lines, sep="\n", file=sys.stderr)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    return lines


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
    policies = InMemoryPolicyStore(ENDS_AT_CLOSING)
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
