"""The complaint's record inside the workflow: its events, their fold, and effect keys.

The events are the complaint-and-resolution record; the state is always their fold.
Idempotency keys count effects per step, so they are the same in every attempt at a
workflow task and every replay, whatever else happened in between.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.evolve import evolve
    from schemas.events import DomainEvent
    from schemas.state import ComplaintState
    from workflows import metrics


class Record:
    def __init__(self) -> None:
        self.events: list[DomainEvent] = []
        self.state = ComplaintState()
        self._effects_per_step: dict[str, int] = {}

    def append(self, event: DomainEvent) -> None:
        metrics.on_event(self.events, event)  # replay-safe: nothing while replaying
        self.events.append(event)
        self.state = evolve(self.state, event)
        workflow.logger.info(
            "complaint.recorded",
            extra={
                "complaint_id": self.state.complaint_id,
                "step": event.type,
                "status": self.state.status.value,
            },
        )

    def key(self, step: str) -> str:
        """`<workflow id>/<step>/<nth>`: e.g. `complaint-c-1/remedy/1`, its first remedy."""
        nth = self._effects_per_step[step] = self._effects_per_step.get(step, 0) + 1
        return f"{workflow.info().workflow_id}/{step}/{nth}"
