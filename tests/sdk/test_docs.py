"""The example in docs/sdk.md runs as pasted, against the dev server and worker."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from schemas.messages import Outcome
from sdk import ComplaintClient
from tests import processes
from tests.conftest import DevWorker

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"


async def test_the_example_files_chooses_confirms_and_prints_the_outcome(
    dev_worker: DevWorker, complaints: ComplaintClient
):
    text = DOC.read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", text, re.S)
    assert example is not None
    assert ".venv/bin/python example.py" in text  # how to run it, with the project's Python
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
    offered, chosen, outcome = out.decode().splitlines()
    assert offered.startswith("offered: ") and "replacement" in offered
    assert chosen == "now: resolved reached: True"  # the choice's update waited for the remedy
    complaint_id, ended, remedy = outcome.split(" ", 2)
    assert ended == "resolved_confirmed" and remedy.startswith("replacement")
    result = await complaints.result(complaint_id)
    assert result.outcome is Outcome.RESOLVED_CONFIRMED and result.remedy is not None
    assert [e.type for e in await complaints.events(complaint_id)][0] == "Received"
