"""The names of the SLA clocks and of the state operators search by."""

from __future__ import annotations

from enum import StrEnum


class ClockKind(StrEnum):
    """The three clocks every complaint runs against its severity's targets."""

    FIRST_RESPONSE = "first_response"
    """From receipt to the first answer the customer reads beyond the acknowledgement."""
    NEXT_UPDATE = "next_update"
    """From the last word to the customer to the next one; restarts with each."""
    RESOLUTION = "resolution"
    """From receipt to resolution; a reopen starts it again where it stopped."""


class ClockStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    """We wait on the customer (details, a choice, a follow-up answer)."""
    STOPPED = "stopped"


class SlaState(StrEnum):
    """The keyword operators search by (`SlaState`): the worst of the running clocks."""

    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
