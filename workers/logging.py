"""Worker logs as one JSON object per line, each saying which complaint and step it is about.

structlog renders both its own loggers (activities) and the standard library's
(the workflow's replay-safe `workflow.logger`, the Temporal SDK itself). Every line
carries the Temporal context it was written in (workflow id, run id, activity),
and contact details are masked twice: in the event's values, then in the final line.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from temporalio import activity, workflow

from domain.redaction import redact, redact_text

EventDict = MutableMapping[str, Any]
FORMAT_ENV = "COMPLAINTS_LOG_FORMAT"
""""json" (default) or "console" (one readable line per event, for a person at a terminal)."""

_TEMPORAL_EXTRAS = {
    # What `workflow.logger` / `activity.logger` put on a record, flattened to our names.
    "temporal_workflow": {"workflow_id": "workflow_id", "run_id": "run_id", "workflow_type": None},
    "temporal_activity": {
        "workflow_id": "workflow_id",
        "workflow_run_id": "run_id",
        "activity_id": "activity_id",
        "activity_type": "activity",
        "attempt": "attempt",
    },
}


def add_temporal_context(_: Any, __: str, event: EventDict) -> EventDict:
    """Workflow id, run id and activity of where the line was written, when in Temporal."""
    for extra, names in _TEMPORAL_EXTRAS.items():
        info = event.pop(extra, None)
        if isinstance(info, dict):
            for source, target in names.items():
                if target and source in info:
                    event.setdefault(target, info[source])
    if activity.in_activity():
        info = activity.info()
        event.setdefault("workflow_id", info.workflow_id)
        event.setdefault("run_id", info.workflow_run_id)
        event.setdefault("activity_id", info.activity_id)
    elif workflow.in_workflow():
        info = workflow.info()
        event.setdefault("workflow_id", info.workflow_id)
        event.setdefault("run_id", info.run_id)
    key = event.get("idempotency_key")
    if isinstance(key, str) and "step" not in event:
        event["step"] = _step_of(key)
    return event


def _step_of(idempotency_key: str) -> str:
    """'<workflow id>/<step>/<nth>', or '<workflow id>/<n>/<step>' for older complaints."""
    parts = idempotency_key.rsplit("/", 2)
    if len(parts) == 3 and parts[2].isdigit():
        return parts[1]
    return parts[-1]


def redact_contacts(_: Any, __: str, event: EventDict) -> EventDict:
    """Emails and phone numbers anywhere in the event (nested too) become placeholders."""
    return redact(dict(event))


class _Redacted:
    """Render, then mask again as text: a repr() of some object cannot leak a contact."""

    def __init__(self, json: bool) -> None:
        self._render = (
            structlog.processors.JSONRenderer(ensure_ascii=False)
            if json
            else structlog.dev.ConsoleRenderer(colors=False)
        )

    def __call__(self, logger: Any, name: str, event: EventDict) -> str:
        return redact_text(str(self._render(logger, name, event)))


_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    add_temporal_context,
    redact_contacts,
]


def add_handler(stream: TextIO, *, json: bool, level: int = logging.NOTSET) -> logging.Handler:
    """One more place the lines go (after `configure_logging`), e.g. warnings to a terminal
    while everything goes to a file; same fields, same masking."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *_SHARED],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _Redacted(json),
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.setLevel(level)
    handler._complaints = True  # type: ignore[attr-defined]
    logging.getLogger().addHandler(handler)
    return handler


def configure_logging(
    level: int | str = logging.INFO, *, json: bool | None = None, stream: TextIO | None = None
) -> logging.Handler:
    """Route structlog and stdlib logging through one JSON (or console) handler on the root.

    `json` defaults to ``$COMPLAINTS_LOG_FORMAT`` != "console". Returns the handler,
    so a caller (a test) can remove it again.
    """
    if json is None:
        json = os.environ.get(FORMAT_ENV, "json").lower() != "console"
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_complaints", False)]:
        root.removeHandler(old)
    handler = add_handler(stream or sys.stderr, json=json)
    root.setLevel(level)
    # Context goes into fields (add_temporal_context), not appended to the message.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    return handler
