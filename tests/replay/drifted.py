"""Deliberately changed versions of `ComplaintWorkflow`, to prove the replay test bites.

Both wait a second before every message to the customer: a timer that recorded
histories do not have. `Unpatched` makes the change as a careless edit would, so
replaying an old history must fail; `Patched` makes it behind `workflow.patched`,
as docs/replay.md prescribes, so old histories replay and only new runs wait.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.complaint import ComplaintInput, ComplaintResult
    from schemas.messages import MessageKind
    from workflows.complaint import ComplaintWorkflow

PATCH = "pause-before-telling"


@workflow.defn(name="ComplaintWorkflow")
class Unpatched(ComplaintWorkflow):
    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintResult:
        return await super().run(input)

    async def _tell(self, kind: MessageKind, **facts: Any) -> None:
        await workflow.sleep(timedelta(seconds=1))
        await super()._tell(kind, **facts)


@workflow.defn(name="ComplaintWorkflow")
class Patched(ComplaintWorkflow):
    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintResult:
        return await super().run(input)

    async def _tell(self, kind: MessageKind, **facts: Any) -> None:
        if workflow.patched(PATCH):
            await workflow.sleep(timedelta(seconds=1))
        await super()._tell(kind, **facts)
