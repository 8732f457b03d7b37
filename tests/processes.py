"""The processes a test run starts, read from /proc (Linux), and how a run is stopped.

Every process a test session starts inherits `RUN_ENV` (set in tests/conftest.py),
whatever its session or process group, and keeps it after its parent died. So
`carrying` finds what a run left behind, and `stop_like_ctrl_c` makes SIGTERM and
SIGHUP end a run the way Ctrl-C does: through fixture teardown, which stops the servers.
A test that runs a command waits for it with `communicate`, which kills it if the test
is cancelled.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

RUN_ENV = "COMPLAINT_ENGINE_TEST_RUN"
"""A fresh id per test session, in the environment of everything the session starts; a
pytest-xdist worker's session marks what it starts with a sub-run of it (`sub_run`)."""
PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    pgid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} (parent {self.ppid}, group {self.pgid}): {self.command}"


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name; None if gone or a zombie."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else fields


def alive(pid: int) -> bool:
    """The process exists and has not exited (a zombie has)."""
    return _stat(pid) is not None


def process(pid: int) -> Process | None:
    """The live process `pid`, or None."""
    fields = _stat(pid)
    if fields is None:
        return None
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").strip()
    except OSError:
        return None
    return Process(pid, int(fields[1]), int(fields[2]), command.decode(errors="replace"))


SUB_RUN = "."


def sub_run(value: str, name: str) -> str:
    """The marker of a run inside the run marked `value` (a pytest-xdist worker's)."""
    return f"{value}{SUB_RUN}{name}"


def carrying(name: str, value: str) -> list[Process]:
    """Live processes, other than this one, started with ``name=value`` in their environment,
    or with the marker of a run inside that one (`sub_run`)."""
    if not PROC.is_dir():  # not Linux: nothing to read
        return []
    wanted = f"{name}={value}".encode()
    inside = wanted + SUB_RUN.encode()
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            continue
        if any(var == wanted or var.startswith(inside) for var in environ):
            found_process = process(int(entry.name))
            if found_process is not None:
                found.append(found_process)
    return found


def in_group(pgid: int) -> list[Process]:
    """Live processes of a process group."""
    members = (process(int(e.name)) for e in PROC.iterdir() if e.name.isdigit())
    return [p for p in members if p is not None and p.pgid == pgid]


def kill(processes: list[Process]) -> None:
    """SIGKILL each, and reap those that are this process's children."""
    for each in processes:
        try:
            os.kill(each.pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        if each.ppid == os.getpid():
            try:
                os.waitpid(each.pid, 0)
            except ChildProcessError:  # reaped by whoever started it
                pass


def until_gone(pids: list[int], patience: float = 60.0) -> list[int]:
    """Wait for the processes to exit; returns those still alive when patience ran out."""
    deadline = time.monotonic() + patience
    while True:
        left = [pid for pid in pids if alive(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def stop_like_ctrl_c(
    *signals: signal.Signals, forward: Callable[[], list[Process]] | None = None
) -> dict[signal.Signals, object]:
    """Handle each signal (unless ignored, as SIGHUP under nohup) as Ctrl-C.

    During an asyncio test that is the loop's SIGINT handler, which cancels the test,
    elsewhere a KeyboardInterrupt; either way pytest tears the fixtures down. `forward`
    names processes to pass the signal on to first (pytest-xdist's workers, which then
    stop as this one does). Returns the handlers replaced, for `signal.signal` to put back.
    """
    handler = _as_ctrl_c if forward is None else functools.partial(_forward, forward)
    replaced = {}
    for sig in signals:
        if signal.getsignal(sig) == signal.SIG_DFL:
            replaced[sig] = signal.signal(sig, handler)
    return replaced


def _forward(to: Callable[[], list[Process]], signum: int, frame: FrameType | None) -> None:
    for each in to():
        try:
            os.kill(each.pid, signum)
        except ProcessLookupError:
            pass
    _as_ctrl_c(signum, frame)


def _as_ctrl_c(signum: int, frame: FrameType | None) -> None:
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:  # SIGINT ignored, as for a background job: interrupt anyway
        raise KeyboardInterrupt


async def communicate(proc: asyncio.subprocess.Process) -> tuple[bytes, bytes]:
    """`proc.communicate()`, and if the test is cancelled meanwhile (Ctrl-C), kill `proc`."""
    try:
        return await proc.communicate()
    except BaseException:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
