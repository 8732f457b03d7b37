"""Worker Versioning on the dev server: a complaint started on build A stays on A's worker
while new complaints start on build B, once B is the deployment's current version; and it
moves to B at its next continue-as-new."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowContinuedAsNewError
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from activities.policy_store import InMemoryPolicyStore
from schemas.complaint import workflow_id_for
from schemas.messages import MessageKind
from schemas.policy import CompanyPolicy, Deadlines, SlaPolicy
from schemas.remedies import RemedyKind
from schemas.state import Status, WaitingOn
from schemas.waits import WaitFor
from sdk import ComplaintClient
from tests.builders import ENDS_AT_CLOSING
from tests.factories import make_intake
from workers.versioning import deployment_version, set_current_version
from workers.worker import build_worker


def test_the_environment_names_the_version():
    assert deployment_version({}) is None  # unversioned, as `make run` by default
    assert deployment_version({"COMPLAINTS_BUILD_ID": "b1"}) == WorkerDeploymentVersion(
        "complaints", "b1"
    )
    named = {"COMPLAINTS_BUILD_ID": "b2", "COMPLAINTS_DEPLOYMENT_NAME": "eu"}
    assert deployment_version(named) == WorkerDeploymentVersion("eu", "b2")


async def _on(complaints: ComplaintClient, complaint_id: str) -> tuple[str, VersioningBehavior]:
    """The build the complaint runs on, and how it is bound to it."""
    described = await complaints.temporal.get_workflow_handle(
        workflow_id_for(complaint_id)
    ).describe()
    info = described.raw_description.workflow_execution_info.versioning_info
    return info.deployment_version.build_id, VersioningBehavior(info.behavior)


async def test_a_complaint_stays_on_its_build_while_new_ones_start_on_the_next(
    dev_env: WorkflowEnvironment, tmp_path: Path
):
    client = dev_env.client
    deployment = f"complaints-{uuid.uuid4().hex[:8]}"
    task_queue = f"versioned-{deployment}"
    a, b = (WorkerDeploymentVersion(deployment, build) for build in ("build-a", "build-b"))
    policies = InMemoryPolicyStore(ENDS_AT_CLOSING)
    backend_a, backend_b = LocalBackend(tmp_path / "a.db"), LocalBackend(tmp_path / "b.db")
    complaints = ComplaintClient(client, task_queue)
    old, new = make_intake(), make_intake()
    choice = WaitFor(waiting_on=WaitingOn.CHOICE)
    try:
        async with build_worker(client, task_queue, backend_a, policies=policies, deployment=a):
            await set_current_version(client, a)
            await complaints.file_complaint(old, until=choice)
            assert await _on(complaints, old.complaint_id) == ("build-a", VersioningBehavior.PINNED)

            async with build_worker(client, task_queue, backend_b, policies=policies, deployment=b):
                await set_current_version(client, b)
                await complaints.file_complaint(new, until=choice)
                assert await _on(complaints, new.complaint_id) == (
                    "build-b",
                    VersioningBehavior.PINNED,
                )
                # The old complaint acts on A's worker, the new one on B's.
                for intake in (old, new):
                    await complaints.choose_solution(
                        intake.complaint_id, RemedyKind.REPLACEMENT, customer_id=intake.customer_id
                    )
                    state = await complaints.wait_until(
                        intake.complaint_id, waiting_on=WaitingOn.FOLLOW_UP_DATE
                    )
                    assert state.status is Status.RESOLVED
                assert await _on(complaints, old.complaint_id) == (
                    "build-a",
                    VersioningBehavior.PINNED,
                )
        assert MessageKind.RESOLUTION in [m.kind for m in backend_a.messages(old.complaint_id)]
        assert backend_b.messages(old.complaint_id) == []
        assert MessageKind.RESOLUTION in [m.kind for m in backend_b.messages(new.complaint_id)]
        assert backend_a.messages(new.complaint_id) == []
    finally:
        for intake in (old, new):
            handle = client.get_workflow_handle(workflow_id_for(intake.complaint_id))
            try:
                await handle.terminate(reason="test finished")
            except Exception:  # noqa: BLE001 - never filed, or already closed
                pass
        await backend_a.aclose()
        await backend_b.aclose()


SHORT_RUNS = CompanyPolicy(
    version="versioning-short-runs",
    continue_as_new_after_events=20,  # the least a policy may ask: reached by the follow-up
    deadlines=Deadlines(follow_up_delay=timedelta(seconds=2)),
    sla=SlaPolicy(enabled=False),
)
"""A run continues as new at its first wait past 20 events with no client waiting: the
follow-up wait, after the remedy and the resolution."""


async def test_a_pinned_complaint_moves_to_the_current_build_at_its_next_continue_as_new(
    dev_env: WorkflowEnvironment, tmp_path: Path
):
    client = dev_env.client
    deployment = f"complaints-{uuid.uuid4().hex[:8]}"
    task_queue = f"versioned-{deployment}"
    a, b = (WorkerDeploymentVersion(deployment, build) for build in ("build-a", "build-b"))
    policies = InMemoryPolicyStore(SHORT_RUNS)
    backend_a, backend_b = LocalBackend(tmp_path / "a.db"), LocalBackend(tmp_path / "b.db")
    complaints = ComplaintClient(client, task_queue)
    old, new = make_intake(), make_intake()
    choice = WaitFor(waiting_on=WaitingOn.CHOICE)
    version = SHORT_RUNS.version
    try:
        async with build_worker(client, task_queue, backend_a, policies=policies, deployment=a):
            await set_current_version(client, a)
            await complaints.file_complaint(old, version, until=choice)
            first_run = client.get_workflow_handle(workflow_id_for(old.complaint_id))
            first_run = client.get_workflow_handle(
                first_run.id, run_id=(await first_run.describe()).run_id
            )
            assert await _on(complaints, old.complaint_id) == ("build-a", VersioningBehavior.PINNED)

            async with build_worker(client, task_queue, backend_b, policies=policies, deployment=b):
                await set_current_version(client, b)
                await complaints.file_complaint(new, version, until=choice)
                assert await _on(complaints, new.complaint_id) == (
                    "build-b",
                    VersioningBehavior.PINNED,
                )
                # Still pinned to A, the old complaint carries out the remedy there; at the
                # follow-up wait its history is long enough, so it continues as new.
                await complaints.choose_solution(
                    old.complaint_id, RemedyKind.REPLACEMENT, customer_id=old.customer_id
                )
                with pytest.raises(WorkflowContinuedAsNewError):
                    await first_run.result(follow_runs=False)
                # The next run started on B, the current version, and is pinned there.
                state = await complaints.wait_until(
                    old.complaint_id, waiting_on=WaitingOn.FOLLOW_UP_ANSWER
                )
                assert state.status is Status.AWAITING_CONFIRMATION
                assert await _on(complaints, old.complaint_id) == (
                    "build-b",
                    VersioningBehavior.PINNED,
                )
        kinds_a = [m.kind for m in backend_a.messages(old.complaint_id)]
        kinds_b = [m.kind for m in backend_b.messages(old.complaint_id)]
        assert MessageKind.RESOLUTION in kinds_a  # before the boundary: on A
        assert backend_a.remedies(old.complaint_id) and not backend_b.remedies(old.complaint_id)
        assert kinds_b == [MessageKind.FOLLOW_UP]  # after it: on B, and only there
        assert MessageKind.FOLLOW_UP not in kinds_a
        assert backend_a.messages(new.complaint_id) == []
    finally:
        for intake in (old, new):
            handle = client.get_workflow_handle(workflow_id_for(intake.complaint_id))
            try:
                await handle.terminate(reason="test finished")
            except Exception:  # noqa: BLE001 - never filed, or already closed
                pass
        await backend_a.aclose()
        await backend_b.aclose()
