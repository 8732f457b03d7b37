"""Complaints live for days: every deploy must replay the histories of those in flight.

One recorded history per lifecycle path (`tests/replay/histories`, written by
``make record-histories``) is replayed against the current `ComplaintWorkflow`.
A change that would make a running complaint take a different path through its
code fails here, in CI, instead of in production. The last two tests prove the
check bites: the same change breaks replay unpatched and passes behind
`workflow.patched` (see docs/replay.md).
"""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from schemas.complaint import workflow_id_for
from tests.reliability.paths import PATHS
from tests.reliability.summary import SUMMARY
from tests.replay import drifted
from tests.replay.record import HISTORIES, complaint_id_for
from wire.converter import data_converter
from workflows.complaint import ComplaintWorkflow
from workflows.sandbox import WORKFLOW_RUNNER

NAMES = [p.name for p in PATHS]
RECORDED = sorted(
    f.relative_to(HISTORIES).with_suffix("").as_posix() for f in HISTORIES.rglob("*.json")
)
"""Every recorded history: one per lifecycle path, and under `<patch-id>/` the histories
recorded before a patched change (docs/replay.md), which must keep replaying too."""
RECORD = "record them with `make record-histories` (see docs/replay.md)"


def load(name: str) -> WorkflowHistory:
    file = HISTORIES / f"{name}.json"
    assert file.is_file(), f"no recorded history for lifecycle path {name!r} ({file}): {RECORD}"
    path_name = name.rsplit("/", 1)[-1]
    return WorkflowHistory.from_json(workflow_id_for(complaint_id_for(path_name)), file.read_text())


def replayer(workflow: type) -> Replayer:
    return Replayer(
        workflows=[workflow], data_converter=data_converter(), workflow_runner=WORKFLOW_RUNNER
    )


@pytest.mark.parametrize("name", RECORDED)
async def test_recorded_history_replays_against_the_current_workflow(name: str) -> None:
    history = load(name)
    SUMMARY.replayed += 1
    result = await replayer(ComplaintWorkflow).replay_workflow(
        history, raise_on_replay_failure=False
    )
    if result.replay_failure is not None:
        SUMMARY.replay_failures += 1
        raise AssertionError(
            f"{name}: the current workflow no longer replays this history, so complaints "
            "already on this path would break. Put the change behind workflow.patched "
            "(docs/replay.md), or, if no complaint can be in flight on the old code, "
            f"{RECORD}."
        ) from result.replay_failure


def test_every_recorded_history_is_a_known_path() -> None:
    recorded, known = {f.stem for f in HISTORIES.glob("*.json")}, set(NAMES)
    assert recorded == known, f"stale: {recorded - known}, missing: {known - recorded}; {RECORD}"


async def test_an_incompatible_change_fails_replay() -> None:
    """The replay test bites: an unpatched extra timer breaks every recorded complaint."""
    for name in RECORDED:
        result = await replayer(drifted.Unpatched).replay_workflow(
            load(name), raise_on_replay_failure=False
        )
        assert isinstance(result.replay_failure, NondeterminismError), (name, result)
        SUMMARY.drift_detected += 1


async def test_the_same_change_behind_a_patch_replays() -> None:
    """...and the documented way to make it, `workflow.patched`, keeps them all running."""

    async def histories():
        for name in RECORDED:
            yield load(name)

    results = await replayer(drifted.Patched).replay_workflows(
        histories(), raise_on_replay_failure=False
    )
    assert dict(results.replay_failures) == {}
