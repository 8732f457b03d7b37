"""A TypeScript/JavaScript service files complaints with plain JSON and the stock npm
`@temporalio/client` (docs/sdk.md): a valid complaint is acknowledged, invalid input and a
mismatched workflow id are refused cleanly, and nothing is said to the customer for them.

Needs Node.js; the client library is installed here from the committed package-lock.json
(`npm ci`, from the npm registry) the first time. Skipped, with the reason, without Node.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError

from schemas.failures import FailureType
from schemas.messages import MessageKind
from sdk import ComplaintClient
from tests.conftest import DevWorker
from tests.factories import make_intake

HERE = Path(__file__).parent
SCRIPT = HERE / "file_complaint.mjs"
NODE_TIMEOUT_S = 60
# One xdist worker runs this module: the `npm ci` below must not race another's.
pytestmark = pytest.mark.xdist_group("crosslang")


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed: the cross-language filing needs them")
    # npm writes node_modules/.package-lock.json last: without it, an install did not finish.
    if not (HERE / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
            timeout=300,
        )
    return node


async def _file(node: str, dev_worker: DevWorker, workflow_id: str, input: Any, tmp: Path):
    """Run the JavaScript service once; its one line of JSON."""
    path = tmp / "input.json"
    path.write_text(json.dumps(input))
    process = await asyncio.create_subprocess_exec(
        node,
        str(SCRIPT),
        dev_worker.address,
        dev_worker.namespace,
        dev_worker.task_queue,
        workflow_id,
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=HERE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), NODE_TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


async def test_a_valid_complaint_in_plain_json_is_acknowledged(
    node, complaints: ComplaintClient, dev_worker: DevWorker, tmp_path: Path
):
    intake = make_intake()
    plain = {"intake": intake.model_dump(mode="json")}
    assert plain["intake"]["amount"] == "49.90"  # money travels as a string
    answer = await _file(node, dev_worker, f"complaint-{intake.complaint_id}", plain, tmp_path)

    assert answer["ok"], answer
    assert answer["state"]["acknowledged"] is True
    assert answer["state"]["intake"]["amount"] == "49.90"
    kinds = [m.kind for m in dev_worker.backend.messages(intake.complaint_id)]
    assert kinds[:1] == [MessageKind.ACKNOWLEDGEMENT]
    # The Python SDK sees the same complaint.
    state = await complaints.state(intake.complaint_id)
    assert state.intake == intake


async def test_invalid_json_is_refused_cleanly_and_nothing_is_said(
    node, complaints: ComplaintClient, dev_worker: DevWorker, tmp_path: Path
):
    intake = make_intake()
    broken = intake.model_dump(mode="json") | {"amount": 49.9, "contact": {"email": "nope"}}
    workflow_id = f"complaint-{intake.complaint_id}"
    answer = await _file(node, dev_worker, workflow_id, {"intake": broken}, tmp_path)

    assert not answer["ok"], answer
    handle = complaints.temporal.get_workflow_handle(workflow_id)
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    assert getattr(failed.value.cause, "type", None) == FailureType.INVALID_INPUT
    assert dev_worker.backend.messages(intake.complaint_id) == []
    # The id is not burnt: the valid intake files the complaint.
    answer = await _file(
        node, dev_worker, workflow_id, {"intake": intake.model_dump(mode="json")}, tmp_path
    )
    assert answer["ok"], answer
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING


async def test_a_mismatched_workflow_id_is_refused(
    node, dev_worker: DevWorker, complaints: ComplaintClient, tmp_path: Path
):
    intake = make_intake()
    workflow_id = f"complaint-other-{intake.complaint_id}"
    answer = await _file(
        node, dev_worker, workflow_id, {"intake": intake.model_dump(mode="json")}, tmp_path
    )
    assert not answer["ok"], answer
    with pytest.raises(WorkflowFailureError) as failed:
        await complaints.temporal.get_workflow_handle(workflow_id).result()
    assert "does not match the complaint" in str(failed.value.cause)
    assert dev_worker.backend.messages(intake.complaint_id) == []
