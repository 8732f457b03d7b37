"""A workflow task may end after any local activity: the history must replay all the same.

Under worker kills and stalls (issue 15: 3 of 13 aftercare histories of a chaos run), a
task that ran local activities sometimes ended right after one of them, and the commands
after it went into the next task. `aftercare`, asked after several local activities, was
then asked on replay inside the earlier task, before its marker had been seen: the old
path ran, scheduled a message where the order claim had been, and decoding the claim's
result as the message's failed the task ("Failed decoding arguments": DeliveryReceipt,
message_id missing). Since `fewer-events` the one patch marker is asked in the first
activation, before any effect, so no such split changes what replay does. (A split could
also commit a timer that one task would have started and cancelled unrecorded: the SLA
watcher's, until `sla-at-waits` made the waits start every timer, `test_timers_at_waits`.)
"""

from __future__ import annotations

import pytest

from tests.reliability.paths import PATHS
from tests.replay.splits import local_activity_markers, split_after
from tests.replay.test_replay import load, replayer
from workflows.complaint import ComplaintWorkflow

BEFORE = "aftercare_reopened_in_the_window"
"""Recorded before `fewer-events`: `aftercare` asked at the order claim."""
SINCE = "since-sla-at-waits"
SPLIT_PATHS = [p.name for p in PATHS]


async def _replays(history) -> BaseException | None:
    result = await replayer(ComplaintWorkflow).replay_workflow(
        history, raise_on_replay_failure=False
    )
    return result.replay_failure


async def test_a_task_ended_before_the_aftercare_question_broke_replay_before_the_fix() -> None:
    """The check bites: the history recorded before the fix, its first task ended after the
    acknowledgement (the local activity just before `aftercare` was asked), does not replay;
    as recorded, it does."""
    history = load(BEFORE)
    markers = local_activity_markers(history)
    patch = next(
        e.event_id
        for e in history.events
        if e.marker_recorded_event_attributes.marker_name == "core_patch"
        and b'"id":"aftercare"' in e.marker_recorded_event_attributes.SerializeToString()
    )
    acknowledgement = max(m for m in markers if m < patch)
    assert await _replays(history) is None
    failure = await _replays(split_after(history, acknowledgement))
    assert failure is not None and "Failed decoding arguments" in str(failure), failure


@pytest.mark.parametrize("name", SPLIT_PATHS)
async def test_a_new_history_replays_wherever_a_task_ends_after_a_local_activity(
    name: str,
) -> None:
    history = load(f"{SINCE}/{name}")
    markers = local_activity_markers(history)
    assert markers, "no task with a local activity before more commands"
    failures = {}
    for event_id in markers:
        failure = await _replays(split_after(history, event_id))
        if failure is not None:
            failures[event_id] = str(failure)[:300]
    assert failures == {}, failures
