"""What a client waits for: a complaint reaching a status, a wait, or its first message.

The argument of the `wait_until` update. The workflow answers when the complaint gets
there (with its state at that moment), refuses at once a wait for something that can no
longer happen, and fails the wait when `timeout` passes first.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.status import Status, WaitingOn

LONGEST_WAIT = timedelta(days=31)
"""A client waits at most this long in one call; a complaint's own deadlines are shorter."""
DEFAULT_WAIT = timedelta(seconds=60)


class WaitFor(BaseModel):
    """Reached when every field given holds at once (at least one must be given).

    `status`: the complaint's status. `waiting_on`: whom the workflow waits on (it settled
    into that wait, its timers set). `acknowledged`: the acknowledgement, the first message
    to the customer, is out. `escalation_level`: escalated to at least that level.
    Durations travel as ISO 8601 (``"PT30S"``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Status | None = None
    waiting_on: WaitingOn | None = None
    acknowledged: bool = False
    escalation_level: int | None = Field(default=None, ge=1, le=20)
    """At least this escalation level (the complaint moved up to it)."""
    settled: bool = False
    """The workflow waits on someone (whoever it is), or the complaint is closed: what it
    had to do after the last action is done."""
    timeout: timedelta = Field(default=DEFAULT_WAIT, gt=timedelta(0), le=LONGEST_WAIT)

    @model_validator(mode="after")
    def _something(self) -> WaitFor:
        if (
            self.status is None
            and self.waiting_on is None
            and not self.acknowledged
            and self.escalation_level is None
            and not self.settled
        ):
            raise ValueError(
                "wait for a status, a waiting_on, acknowledged, an escalation_level or "
                "settled: none was given"
            )
        return self

    def describe(self) -> str:
        parts = [f"status {self.status.value}"] if self.status else []
        parts += [f"waiting for {self.waiting_on.value}"] if self.waiting_on else []
        parts += ["the acknowledgement sent"] if self.acknowledged else []
        if self.escalation_level is not None:
            parts += [f"escalation level {self.escalation_level}"]
        parts += ["settled in a wait or closed"] if self.settled else []
        return " and ".join(parts)
