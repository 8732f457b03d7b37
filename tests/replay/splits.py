"""History surgery: the same history with one workflow task ended earlier.

A workflow task that runs local activities can end after any of them (a heartbeat of a
long task, a task tried again after a worker stalled): the local activity's marker then
closes one task and the commands after it open the next. `split_after` makes that
history from one where they shared a task, as a starved worker would have written it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

_TASK = (
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
)


def local_activity_markers(history: WorkflowHistory) -> list[int]:
    """The events where a task can end early: a local activity's marker followed by more
    commands of the same task."""
    events = history.events
    return [
        event.event_id
        for event, after in zip(events, events[1:], strict=False)
        if event.HasField("marker_recorded_event_attributes")
        and event.marker_recorded_event_attributes.marker_name == "core_local_activity"
        and after.event_type not in _TASK
    ]


def split_after(history: WorkflowHistory, event_id: int) -> WorkflowHistory:
    """`history` with its workflow task ended right after event `event_id` (a command):
    the task's later commands belong to a new task that follows at once."""
    events = list(history.events)
    marker = events[event_id - 1]
    completed = next(
        e
        for e in reversed(events[:event_id])
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )
    scheduled, started, done = (event_id + 1, event_id + 2, event_id + 3)

    def moved(old: int) -> int:
        return old + 3 if old > event_id else old

    renumbered = []
    for event in events:
        copy = HistoryEvent()
        copy.CopyFrom(event)
        _renumber(copy, moved)
        renumbered.append(copy)
    for event in renumbered[event_id:]:  # the rest of the task's commands: the new task's
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            break
        attributes = getattr(event, event.WhichOneof("attributes"))
        if getattr(attributes, "workflow_task_completed_event_id", None) == completed.event_id:
            attributes.workflow_task_completed_event_id = done
    resolved = _completed_at(marker)
    task = [
        _task_event(events, kind, number, resolved)
        for kind, number in zip(_TASK, (scheduled, started, done), strict=True)
    ]
    task[1].workflow_task_started_event_attributes.scheduled_event_id = scheduled
    finished = task[2].workflow_task_completed_event_attributes
    finished.CopyFrom(completed.workflow_task_completed_event_attributes)
    finished.scheduled_event_id, finished.started_event_id = scheduled, started
    return WorkflowHistory(
        history.workflow_id, renumbered[:event_id] + task + renumbered[event_id:]
    )


def _completed_at(marker: HistoryEvent) -> Timestamp:
    """When the local activity of `marker` finished: the time the workflow saw as it went
    on, so the new task starts then and its commands see the same `workflow.now()`."""
    data = marker.marker_recorded_event_attributes.details["data"].payloads[0].data
    done = json.loads(data)["complete_time"]
    return Timestamp(seconds=int(done["seconds"]), nanos=int(done.get("nanos", 0)))


def _task_event(
    events: list[HistoryEvent], kind: EventType.ValueType, event_id: int, at: Timestamp
) -> HistoryEvent:
    """A task event like the history's first of its kind, at `event_id`, at time `at`."""
    like = next(e for e in events if e.event_type == kind)
    event = HistoryEvent()
    event.CopyFrom(like)
    event.event_id = event_id
    event.event_time.CopyFrom(at)
    return event


def _renumber(message: Message, moved: Callable[[int], int]) -> None:
    """Every event id in `message` (its own and each reference to another), moved."""
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                items = value.values()
            elif hasattr(value, "append"):  # repeated
                items = value
            else:
                items = [value]
            for item in items:
                if isinstance(item, Message):
                    _renumber(item, moved)
        elif field.name.endswith("event_id") and isinstance(value, int):
            setattr(message, field.name, moved(value))
