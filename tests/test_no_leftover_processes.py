"""A test run leaves no process behind: passed, failed, or stopped by Ctrl-C or SIGTERM,
in one process or on pytest-xdist workers.

Each case runs `tests/workflows/leftover_probe.py` in a pytest of its own, with the
real session fixtures (dev server, time-skipping server, a worker on each) and a
marker of its own in the environment, which every process of that run inherits.
After that pytest exited, no process may carry the marker, and its own check at the
end of the session (tests/conftest.py) must not have had anything to kill, except
in the case where the probe leaks a process on purpose.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import processes
from tests.workflows.leftover_probe import MODE_ENV, READY_ENV

REPO = Path(__file__).resolve().parents[1]
PROBE = "tests/workflows/leftover_probe.py"
MARK_ENV = "LEFTOVER_PROBE_RUN"
PATIENCE_S = 180.0
"""Guards against a hang only: how long the probe's pytest may take to start or end."""
SWEPT = "processes outlived the test session"
# Ctrl-C must reach the probe even when this run is a background job (SIGINT ignored,
# which children inherit) and SIGTERM must be its default, as in a shell.
_PYTEST = (
    "import signal, sys, pytest;"
    "signal.signal(signal.SIGINT, signal.default_int_handler);"
    "signal.signal(signal.SIGTERM, signal.SIG_DFL);"
    "sys.exit(pytest.main(sys.argv[1:]))"
)

pytestmark = pytest.mark.skipif(not processes.PROC.is_dir(), reason="reads /proc (Linux)")


@dataclass
class Run:
    code: int
    output: str
    left: list[processes.Process]
    """What carried the run's marker after its pytest exited (killed since)."""


def run_probe(
    tmp_path: Path, mode: str, interrupt: signal.Signals | None = None, *args: str
) -> Run:
    mark = uuid.uuid4().hex
    ready = tmp_path / "ready"
    log = tmp_path / "probe.log"
    env = os.environ | {MARK_ENV: mark, MODE_ENV: mode, READY_ENV: str(ready)}
    with open(log, "wb") as out:
        probe = subprocess.Popen(
            [sys.executable, "-c", _PYTEST, "-p", "no:cacheprovider", "-q", *args, PROBE],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own signals only, none from a terminal
        )
    try:
        if interrupt is not None:
            deadline = time.monotonic() + PATIENCE_S
            while not ready.exists() and probe.poll() is None:
                assert time.monotonic() < deadline, f"the probe never got ready: {log}"
                time.sleep(0.05)
            probe.send_signal(interrupt)
        code = probe.wait(timeout=PATIENCE_S)
    finally:
        if probe.poll() is None:  # hung: the test fails, but leaves nothing behind
            os.killpg(probe.pid, signal.SIGKILL)
            probe.wait()
        found = processes.carrying(MARK_ENV, mark)
        # A process exiting right at the scan is not left behind; give it a moment.
        still = set(processes.until_gone([p.pid for p in found], patience=10.0))
        left = [p for p in found if p.pid in still]
        processes.kill(left)
    return Run(code, log.read_text(errors="replace"), left)


def test_a_passing_run_stops_everything_it_started(tmp_path: Path) -> None:
    run = run_probe(tmp_path, "pass")
    assert run.left == []
    assert run.code == 0 and SWEPT not in run.output, run.output


def test_a_failing_run_stops_everything_it_started(tmp_path: Path) -> None:
    run = run_probe(tmp_path, "fail")
    assert run.left == []
    assert run.code == 1 and "fails on purpose" in run.output, run.output
    assert SWEPT not in run.output, run.output


@pytest.mark.parametrize("interrupt", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_an_interrupted_run_stops_everything_it_started(
    tmp_path: Path, interrupt: signal.Signals
) -> None:
    run = run_probe(tmp_path, "wait", interrupt)
    assert run.left == []
    assert run.code == pytest.ExitCode.INTERRUPTED, run.output
    assert SWEPT not in run.output, run.output


def test_a_process_that_outlives_the_session_is_killed_and_fails_the_run(
    tmp_path: Path,
) -> None:
    run = run_probe(tmp_path, "leak")
    assert run.left == []
    assert run.code == pytest.ExitCode.TESTS_FAILED, run.output
    assert SWEPT in run.output and "sleep 3600" in run.output, run.output


def test_under_xdist_a_workers_leftover_is_killed_and_fails_the_run(tmp_path: Path) -> None:
    """`make test` runs on pytest-xdist workers: a worker's check kills what its tests left,
    the controller reports it and fails the run. (That a clean run on workers reports
    nothing, `make test` itself shows.)"""
    run = run_probe(tmp_path, "leak", None, "-n", "2")
    assert run.left == []
    assert run.code == pytest.ExitCode.TESTS_FAILED, run.output
    assert SWEPT in run.output and "sleep 3600" in run.output, run.output


async def test_a_command_a_cancelled_test_waited_for_is_killed() -> None:
    proc = await asyncio.create_subprocess_exec(
        "sleep", "3600", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        waiting = asyncio.ensure_future(processes.communicate(proc))
        await asyncio.sleep(0)  # let it start waiting
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert proc.returncode is not None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
