"""Safe filing: a failed first run never burns a complaint id, and a run started under the
wrong workflow id refuses to run. Started raw, as a TypeScript or Go service would."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError

from schemas.state import Status
from sdk import ComplaintClient, ComplaintError
from tests.conftest import DevWorker
from tests.factories import make_intake
from tests.polling import until_status


async def test_a_failed_first_run_does_not_burn_the_id(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    intake = make_intake()
    workflow_id = f"complaint-{intake.complaint_id}"
    broken = intake.model_dump(mode="json") | {"contact": {"email": "not-an-email"}}
    handle = await complaints.temporal.start_workflow(
        "ComplaintWorkflow", {"intake": broken}, id=workflow_id, task_queue=dev_worker.task_queue
    )
    with pytest.raises(WorkflowFailureError):
        await handle.result()
    with pytest.raises(ComplaintError, match="cannot answer"):
        await complaints.state(intake.complaint_id)

    filed = await complaints.file_complaint(intake)
    assert filed.run_id != handle.first_execution_run_id
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    described = await complaints.temporal.get_workflow_handle(workflow_id).describe()
    assert described.status is WorkflowExecutionStatus.RUNNING


async def test_a_run_under_another_workflow_id_refuses_clearly(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    intake = make_intake()
    handle = await complaints.temporal.start_workflow(
        "ComplaintWorkflow",
        {"intake": intake.model_dump(mode="json")},
        id=f"complaint-someone-else-{intake.complaint_id}",
        task_queue=dev_worker.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    assert "does not match the complaint" in str(failed.value.cause)
    assert dev_worker.backend.messages(intake.complaint_id) == []
