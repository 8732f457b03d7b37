"""The example in docs/sdk.md runs as pasted, against the dev server and worker."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from sdk import ComplaintClient
from tests import processes
from tests.conftest import DevWorker

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"


async def test_the_ten_line_example_runs(dev_worker: DevWorker, complaints: ComplaintClient):
    example = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert example is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")} | {
        "TEMPORAL_ADDRESS": dev_worker.address,
        "TEMPORAL_NAMESPACE": dev_worker.namespace,
        "COMPLAINTS_TASK_QUEUE": dev_worker.task_queue,
    }
    # Exit without interpreter teardown, as cli/main.py does (temporalio/sdk-python#300).
    script = example.group(1) + "\nimport os, sys; sys.stdout.flush(); os._exit(0)\n"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=DOC.parents[1], env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await processes.communicate(proc)
    assert proc.returncode == 0, err.decode()
    refusal, status = out.decode().splitlines()
    assert refusal.startswith("cannot choose a solution: the complaint is ")
    assert status in {"received", "awaiting_details"}
    assert [e.type for e in await complaints.events("c-1001")][0] == "Received"
