"""A run with both session servers and their workers, for tests/test_no_leftover_processes.py.

Not collected by `make test` (no ``test_`` prefix): that test runs it in a pytest of
its own, as `LEFTOVER_PROBE_MODE` says: pass, fail, wait to be interrupted, or leak.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

MODE_ENV = "LEFTOVER_PROBE_MODE"
READY_ENV = "LEFTOVER_PROBE_READY"
"""A file the test touches once both servers and workers run (mode "wait")."""
_left_running: list[subprocess.Popen[bytes]] = []


async def test_both_servers_and_workers_run(
    dev_env: WorkflowEnvironment, dev_worker, env: WorkflowEnvironment, worker
) -> None:
    assert await dev_env.client.service_client.check_health()
    assert await env.client.service_client.check_health()
    mode = os.environ.get(MODE_ENV, "pass")
    if mode == "fail":
        raise AssertionError("this test fails on purpose")
    if mode == "leak":  # a process in a session of its own that nobody stops
        _left_running.append(subprocess.Popen(["sleep", "3600"], start_new_session=True))
    if mode == "wait":
        Path(os.environ[READY_ENV]).touch()
        await asyncio.sleep(3600)  # until the run is interrupted
