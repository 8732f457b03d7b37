"""`make run` as a person meets it: its supervisor in a process of its own, as the Makefile
starts it, on free ports and a data dir of its own, stopped with Ctrl-C (SIGINT).

The first run prints the banner first, one line per demo step and each outcome, and no log
line in JSON (the worker's go to the data dir); the second finds those complaints and files
no more.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devtools import run_local
from devtools.dev_server import free_ports
from tests import processes
from wire.telemetry import METRICS_ENV

REPO = Path(__file__).resolve().parents[2]
MARK_ENV = "RUN_LOCAL_TEST_RUN"
PATIENCE_S = 240.0
"""Guards against a hang only: how long a run may take to say the line a test waits for."""
STEP = re.compile(r"^ *\d+s  ")
"""A demo step's line: the seconds since the demo began, then the complaint."""


@dataclass
class Run:
    code: int
    out: list[str]
    err: list[str]
    console: int | None = None
    """What the staff console's sign-in page answered while the run served."""


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


async def supervise(data_dir: Path, until: str, *args: str) -> Run:
    """Start the supervisor, read its terminal until a line contains `until`, then Ctrl-C it
    and read the rest. Whatever it started is gone when this returns."""
    port, ui_port, console_port, metrics_port = free_ports(4)
    mark = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "COMPLAINTS_"))}
    env |= {
        "COMPLAINTS_DATA_DIR": str(data_dir),
        run_local.PORT_ENV: str(port),
        run_local.UI_PORT_ENV: str(ui_port),
        run_local.CONSOLE_PORT_ENV: str(console_port),
        METRICS_ENV: f"127.0.0.1:{metrics_port}",
        MARK_ENV: mark,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "devtools.run_local", *args,
        cwd=REPO, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    out: list[str] = []
    try:
        async with asyncio.timeout(PATIENCE_S):
            while not out or until not in out[-1]:
                line = await proc.stdout.readline()
                assert line, f"the run ended before saying {until!r}:\n" + "\n".join(out)
                out.append(line.decode().rstrip("\n"))
        console = await _console_answers(f"http://127.0.0.1:{console_port}/sign-in")
        proc.send_signal(signal.SIGINT)
        async with asyncio.timeout(PATIENCE_S):
            rest, err = await processes.communicate(proc)
    finally:
        if proc.returncode is None:  # a hang or a failure: stop it as Ctrl-C would, or kill
            proc.send_signal(signal.SIGINT)
            try:
                async with asyncio.timeout(60):
                    await proc.wait()
            except TimeoutError:
                proc.kill()
                await proc.wait()
        left = processes.carrying(MARK_ENV, mark)  # its dev server, in a session of its own
        processes.kill(left)
    assert not left, f"the run left {left} behind"
    lines = out + rest.decode().splitlines()
    return Run(proc.returncode, lines, err.decode().splitlines(), console)


async def _console_answers(url: str) -> int | None:
    """The console's status code, once it listens (it starts beside the worker)."""
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(100):
            try:
                return (await client.get(url)).status_code
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    return None


@pytest.mark.slow
async def test_make_run_speaks_to_a_person_and_a_second_run_files_no_duplicates(
    tmp_path: Path,
):
    data = tmp_path / "data"
    first = await supervise(data, "Serving the UI and the CLI")
    assert first.code == 0, "\n".join(first.out + first.err)

    banner = first.out[: first.out.index("")]
    assert banner[0].startswith("Complaint engine on this machine")
    assert any("Web UI   http://127.0.0.1:" in line for line in banner)
    assert any("Console  http://127.0.0.1:" in line for line in banner)
    assert first.console == 200, "the staff console did not answer"
    assert any("complaints inbox --level 2" in line for line in banner)
    assert any(f"Logs     {data / 'worker.log'}" in line for line in banner)
    assert any(re.search(r"Metrics  http://127\.0\.0\.1:\d+/metrics", line) for line in banner)
    assert banner[-1].startswith("Ctrl-C to stop")
    for line in first.out + first.err:
        assert not _is_json(line), f"a JSON log line reached the terminal: {line}"
        assert "Traceback" not in line, "\n".join(first.out + first.err)

    steps = [line for line in first.out if STEP.match(line)]
    assert any("kettle        customer chose replacement" in line for line in steps)
    outcomes = [line for line in steps if "=> " in line]
    assert sum("=> resolved confirmed" in line for line in outcomes) == 6, "\n".join(outcomes)
    assert any("for-you       => waiting for you" in line for line in outcomes)
    assert "Demo done: 6 of 6 complaints ended as planned, one waits for you." in first.out
    assert first.out[-1] == "Stopped."
    worker_log = (data / "worker.log").read_text(encoding="utf-8").splitlines()
    assert any("customer_message.delivered" in line for line in worker_log)

    second = await supervise(data, "Serving the UI and the CLI")
    assert second.code == 0, "\n".join(second.out + second.err)
    assert second.out[0] == first.out[0]
    found = [line for line in second.out if line.startswith("Found ")]
    assert found and found[0].startswith(
        f"Found 7 complaints from earlier demos in {data}/ (6 closed, 1 open, "
        "1 waiting for a manager). Not filing the demo again: `make demo` files seven more"
    )
    assert not any("filed:" in line for line in second.out)
    assert any("-for-you is waiting for a manager" in line for line in second.out)
