"""Figure 2: what each lifecycle path costs in history: events, payload bytes, and where.

Each path (resolve, decline, escalate→override, reopen) is driven once per run on the
real workflow; the floor's happy path is driven alongside. From the fetched histories:
the event count by category and type, the payload bytes (every `Payload` in every
event: inputs, results, update arguments, markers, summaries) by category, and the
whole serialized history. The event count is deterministic; the runs only confirm it.
It also checks the floor has the shape it claims: as many activities (remote or local),
timers and updates as the engine's happy path.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from bench.context import BenchContext, Json, median, ratio
from bench.scenarios import DRIVERS, PATHS, Polls, bare_path

NAME = "history_cost"
GOAL_EVENTS = 45

_CATEGORIES = (
    ("WORKFLOW_TASK_", "workflow tasks"),
    ("ACTIVITY_TASK_", "activities"),
    ("TIMER_", "timers"),
    ("WORKFLOW_EXECUTION_UPDATE_", "updates"),
    ("MARKER_RECORDED", "markers (local activities, patches)"),
    ("UPSERT_WORKFLOW_SEARCH_ATTRIBUTES", "search attributes"),
    ("WORKFLOW_PROPERTIES_MODIFIED", "memo"),
    ("WORKFLOW_EXECUTION_SIGNALED", "signals"),
    ("WORKFLOW_EXECUTION_", "start and close"),
)


def event_type(event) -> str:
    return EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")


def category(kind: str) -> str:
    for prefix, name in _CATEGORIES:
        if kind.startswith(prefix):
            return name
    return "other"


def payload_bytes(message: Message) -> int:
    """Serialized size of every `Payload` inside `message` (data and metadata)."""
    if isinstance(message, Payload):
        return message.ByteSize()
    total = 0
    for field, value in message.ListFields():
        if field.type != FieldDescriptor.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            if field.message_type.fields_by_name["value"].type == FieldDescriptor.TYPE_MESSAGE:
                total += sum(payload_bytes(v) for v in value.values())
        elif field.is_repeated:
            total += sum(payload_bytes(v) for v in value)
        else:
            total += payload_bytes(value)
    return total


def analyse(history: WorkflowHistory) -> Json:
    """Events and payload bytes of one history, by category, type and activity."""
    by_category: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    bytes_by_category: Counter[str] = Counter()
    activities: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    for event in history.events:
        kind = event_type(event)
        name = category(kind)
        by_category[name] += 1
        by_type[kind] += 1
        bytes_by_category[name] += payload_bytes(event)
        if kind == "ACTIVITY_TASK_SCHEDULED":
            activities[event.activity_task_scheduled_event_attributes.activity_type.name] += 1
        elif kind == "MARKER_RECORDED":
            markers[event.marker_recorded_event_attributes.marker_name] += 1
    return {
        "events": len(history.events),
        "payload_bytes": sum(bytes_by_category.values()),
        "history_bytes": sum(e.ByteSize() for e in history.events),
        "by_category": dict(by_category.most_common()),
        "payload_bytes_by_category": dict(bytes_by_category.most_common()),
        "by_type": dict(by_type.most_common()),
        "activities": dict(activities.most_common()),
        "markers": dict(markers.most_common()),
    }


def sequence(history: WorkflowHistory) -> list[str]:
    """Every event in order, with what it is about: the activity, marker, timer summary,
    update or upserted keys (the happy path's list in docs/bench.md comes from this)."""
    lines = []
    for event in history.events:
        kind, about = event_type(event), ""
        if kind == "ACTIVITY_TASK_SCHEDULED":
            about = event.activity_task_scheduled_event_attributes.activity_type.name
        elif kind == "MARKER_RECORDED":
            about = event.marker_recorded_event_attributes.marker_name
        elif kind == "WORKFLOW_EXECUTION_UPDATE_ACCEPTED":
            accepted = event.workflow_execution_update_accepted_event_attributes
            about = accepted.accepted_request.input.name
        elif kind == "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES":
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            about = ",".join(sorted(fields.indexed_fields))
        if event.HasField("user_metadata") and event.user_metadata.HasField("summary"):
            summary = event.user_metadata.summary.data.decode(errors="replace").strip('"')
            about = f"{about} ({summary})" if about else summary
        lines.append(f"{event.event_id} {kind}" + (f" {about}" if about else ""))
    return lines


def shape(analysis: Json) -> Json:
    """What Temporal is asked to do: activities (remote or local), timers, updates."""
    by_type = analysis["by_type"]
    local = analysis["markers"].get("core_local_activity", 0)
    return {
        "activities": by_type.get("ACTIVITY_TASK_SCHEDULED", 0) + local,
        "timers": by_type.get("TIMER_STARTED", 0),
        "updates": by_type.get("WORKFLOW_EXECUTION_UPDATE_ACCEPTED", 0),
    }


async def collect(ctx: BenchContext) -> dict[str, WorkflowHistory]:
    """Drive every path and the floor once (concurrently); their finished histories."""
    delay = ctx.sizes.follow_up_delay_s
    drivers = {**DRIVERS, "bare": functools.partial(bare_path, local_steps=ctx.floor_local_steps)}
    handles = await asyncio.gather(
        *(
            driver(ctx.client, ctx.target, delay, Polls(), ctx.prefix(f"hc-{path}"))
            for path, driver in drivers.items()
        )
    )
    histories = await asyncio.gather(*(h.fetch_history() for h in handles))
    for path, history in zip(drivers, histories, strict=True):
        ctx.histories.setdefault(path, []).append(history)
    return dict(zip(drivers, histories, strict=True))


async def run_once(ctx: BenchContext, index: int) -> Json:
    histories = await collect(ctx)
    analyses = {path: analyse(h) for path, h in histories.items()}
    engine_shape, floor_shape = shape(analyses["resolve"]), shape(analyses["bare"])
    return {
        "paths": {p: analyses[p] for p in PATHS},
        "floor": analyses["bare"],
        "shape": {"engine": engine_shape, "floor": floor_shape},
        "shape_matches": engine_shape == floor_shape,
        "resolve_sequence": sequence(histories["resolve"]),
    }


def summarise(runs: list[Json]) -> Json:
    def med(path: str, key: str) -> float:
        return median(r["paths"][path][key] for r in runs)

    engine = med("resolve", "events")
    floor = median(r["floor"]["events"] for r in runs)
    last = runs[-1]
    return {
        "name": NAME,
        "title": "History events, happy path (resolve)",
        "engine": engine,
        "floor": floor,
        "unit": "events",
        "ratio": ratio(engine, floor),
        "goal": f"<= {GOAL_EVENTS} events",
        "passed": engine <= GOAL_EVENTS,
        "detail": {
            "paths": {
                path: {
                    "events": med(path, "events"),
                    "payload_bytes": med(path, "payload_bytes"),
                    "history_bytes": med(path, "history_bytes"),
                    "by_category": last["paths"][path]["by_category"],
                    "payload_bytes_by_category": last["paths"][path]["payload_bytes_by_category"],
                    "activities": last["paths"][path]["activities"],
                    "markers": last["paths"][path]["markers"],
                }
                for path in PATHS
            },
            "floor": {
                "events": floor,
                "payload_bytes": median(r["floor"]["payload_bytes"] for r in runs),
                "by_category": last["floor"]["by_category"],
            },
            "resolve_by_type": last["paths"]["resolve"]["by_type"],
            "resolve_sequence": last["resolve_sequence"],
            "shape": last["shape"],
            "shape_matches": all(r["shape_matches"] for r in runs),
        },
        "runs": runs,
    }
