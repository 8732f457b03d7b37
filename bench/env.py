"""The benchmark's own Temporal dev server and worker processes, and what they cost.

The server runs on free ports (never 7233/8233, which `make run` may hold) with its
database in a temporary directory. Workers run as subprocesses (`bench.worker_proc`),
so the driver's CPU never competes with the worker's event loop and the worker's
memory can be read from /proc on its own pid.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from temporalio.client import Client, Interceptor, OutboundInterceptor, QueryWorkflowInput

from activities.policy_store import FilePolicyStore
from devtools.dev_server import DevServer, free_ports, terminate
from schemas.policy import CompanyPolicy
from wire.converter import data_converter_from_env
from workflows.search_attributes import SEARCH_ATTRIBUTE_TYPES

WORKER_READY_TIMEOUT_S = 60.0
WORKER_STOP_TIMEOUT_S = 30.0


def rss_bytes(pid: int) -> int:
    """Resident set size of a live process (VmRSS), in bytes."""
    return _status_kb(pid, "VmRSS") * 1024


def peak_rss_bytes(pid: int) -> int:
    """High-water mark of the resident set (VmHWM), in bytes."""
    return _status_kb(pid, "VmHWM") * 1024


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process (all its threads) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU seconds used by some processes between `start()` and `stop()`."""

    pids: dict[str, int]

    def start(self) -> CpuMeter:
        self._wall = time.monotonic()
        self._before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def stop(self) -> dict[str, float]:
        used = {
            name: round(cpu_seconds(pid) - self._before[name], 3) for name, pid in self.pids.items()
        }
        used["wall"] = round(time.monotonic() - self._wall, 3)
        return used


class WorkerProcess:
    """`python -m bench.worker_proc`: the real worker (plus the floor) in its own process."""

    def __init__(
        self,
        address: str,
        task_queue: str,
        work_dir: Path,
        name: str,
        worker_options: dict[str, object] | None = None,
        services: ServicesProcess | None = None,
    ) -> None:
        """`services`: effects go to these company services over HTTP (shared by every
        worker given them) instead of a local SQLite backend of the worker's own."""
        self.address = address
        self.services = services
        self.task_queue = task_queue
        self.backend_db = work_dir / f"{name}-complaints.db"
        self.policy_dir = work_dir / f"{name}-policies"
        """The worker's policy folder (development bounds); drivers add to it."""
        self.log_path = work_dir / f"{name}-worker.log"
        self._ready = work_dir / f"{name}-worker.ready"
        self._options = worker_options or {}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> WorkerProcess:
        self._ready.unlink(missing_ok=True)
        cmd = [
            sys.executable, "-m", "bench.worker_proc",
            "--address", self.address,
            "--task-queue", self.task_queue,
            "--backend-db", str(self.backend_db),
            "--policy-dir", str(self.policy_dir),
            "--ready-file", str(self._ready),
        ]  # fmt: skip
        for key, value in self._options.items():
            cmd += ["--option", f"{key}={json.dumps(value)}"]
        if self.services is not None:
            cmd += ["--http-base", self.services.base_url, "--http-token", self.services.token]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
        deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
        while not self._ready.exists():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"bench worker exited with {self.process.returncode}; see {self.log_path}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"bench worker not ready in time; see {self.log_path}")
            time.sleep(0.05)
        return self

    def add_policy(self, policy: CompanyPolicy) -> str:
        """Publish `policy` in the worker's folder (once per version); returns its version."""
        if not (self.policy_dir / f"{policy.version}.json").exists():
            FilePolicyStore(self.policy_dir).add(policy)
        return policy.version

    def stop(self) -> None:
        terminate(self.process, WORKER_STOP_TIMEOUT_S)

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class ServicesProcess:
    """The company services (`tests.fakes.http_services`) in a process of their own: the
    state several workers share, with its CPU measured on its own pid."""

    token = "bench-token"

    def __init__(self, work_dir: Path) -> None:
        self._port_file = work_dir / "services.port"
        self.log_path = work_dir / "services.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServicesProcess:
        self._port_file.unlink(missing_ok=True)
        cmd = [
            sys.executable, "-m", "tests.fakes.http_services",
            "--port-file", str(self._port_file), "--token", self.token,
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
        deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
        while not self._port_file.exists() or not self._port_file.read_text().endswith("\n"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the services did not start; see {self.log_path}")
            time.sleep(0.05)
        self.port = int(self._port_file.read_text())
        return self

    def stop(self) -> None:
        terminate(self.process, WORKER_STOP_TIMEOUT_S)


class BenchServer:
    """A fresh dev server on free ports with a throwaway database (Web UI off)."""

    def __init__(self, work_dir: Path, extra_args: list[str] | None = None) -> None:
        port, ui_port = free_ports(2)
        self.server = DevServer(
            work_dir / "server",
            port=port,
            ui_port=ui_port,
            search_attributes=SEARCH_ATTRIBUTE_TYPES,
            extra_args=["--headless", *(extra_args or [])],
        )

    @property
    def address(self) -> str:
        return self.server.address

    @property
    def pid(self) -> int:
        assert self.server.process is not None
        return self.server.process.pid

    def start(self) -> BenchServer:
        self.server.start()
        if self.server.reused:  # free ports make this impossible short of a race
            raise RuntimeError(f"port {self.server.port} was taken: refusing to share a server")
        return self

    def stop(self) -> None:
        self.server.stop()

    async def client(self) -> Client:
        deadline, converter = time.monotonic() + 30, data_converter_from_env()
        while True:
            try:
                client = await Client.connect(
                    self.address, data_converter=converter, interceptors=[QUERIES]
                )
                if await client.service_client.check_health():
                    return client
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.2)


class QueryCounter(Interceptor):
    """Counts every query the bench's client sends: the driver's polls, if it had any."""

    def __init__(self) -> None:
        self.count = 0

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _CountingQueries(next, self)


class _CountingQueries(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, counter: QueryCounter) -> None:
        super().__init__(next)
        self._counter = counter

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        self._counter.count += 1
        return await super().query_workflow(input)


QUERIES = QueryCounter()
