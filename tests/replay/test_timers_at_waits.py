"""A timer is the last command of its workflow task: the workflow starts one only where it
waits, with nothing else in flight.

Before `sla-at-waits`, the SLA watcher, a coroutine beside the lifecycle, started and
cancelled its timer whenever the clocks' next moment moved, also while the lifecycle ran
local activities. Where its timer fell among their markers then depended on when each
local activity resolved, which a worker killed mid-task does differently from a replay
(decision 021: "No command scheduled for event TimerStarted" in chaos runs). Since the
patch the waits themselves wake for the clocks, so no timer can be started while a local
activity runs, and no later command of the same task can depend on one.
"""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from tests.reliability.paths import PATHS
from tests.replay.test_replay import load

SINCE = "since-sla-at-waits"
BEFORE = "since-fewer-events"
"""Every path recorded with the SLA watcher (the patch before `sla-at-waits`)."""

_COMMANDS = {
    EventType.EVENT_TYPE_TIMER_STARTED,
    EventType.EVENT_TYPE_TIMER_CANCELED,
    EventType.EVENT_TYPE_MARKER_RECORDED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
}
"""The events that record a command of the workflow task before them."""


def _tasks(history: WorkflowHistory) -> list[list[HistoryEvent]]:
    """The commands of each completed workflow task, in order."""
    tasks: list[list[HistoryEvent]] = []
    commands: list[HistoryEvent] | None = None
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            commands = []
            tasks.append(commands)
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            commands = None
        elif commands is not None and event.event_type in _COMMANDS:
            commands.append(event)
    return tasks


def timers_before_other_commands(history: WorkflowHistory) -> list[int]:
    """The event ids of timers some later command of the same task follows."""
    return [
        command.event_id
        for commands in _tasks(history)
        for command in commands[:-1]
        if command.event_type == EventType.EVENT_TYPE_TIMER_STARTED
    ]


@pytest.mark.parametrize("name", [p.name for p in PATHS])
def test_every_timer_ends_its_task(name: str) -> None:
    history = load(f"{SINCE}/{name}")
    timers = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    assert timers, "the path waits at least once on a timer"
    assert timers_before_other_commands(history) == []


def test_the_sla_watcher_started_timers_amid_other_commands() -> None:
    """The check bites: with the watcher, the first task of the abusive path started the
    watcher's timer before the local activities that followed it in the same task."""
    before = {p.name: timers_before_other_commands(load(f"{BEFORE}/{p.name}")) for p in PATHS}
    assert before["abusive_paused_then_resumed"], before
    assert sum(map(bool, before.values())) >= len(PATHS) // 2, before
