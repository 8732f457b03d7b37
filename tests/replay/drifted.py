"""Deliberately changed versions of `ComplaintWorkflow`, to prove the replay test bites.

Both wait a second before every plan that tells the customer something: a timer that recorded
histories do not have. `Unpatched` makes the change as a careless edit would, so
replaying an old history must fail; `Patched` makes it behind `workflow.patched`,
as docs/replay.md prescribes, so old histories replay and only new runs wait.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.plan import Plan, Tell
    from schemas.complaint import ComplaintInput, ComplaintResult
    from workflows.complaint import ComplaintWorkflow

PATCH = "pause-before-telling"


@workflow.defn(name="ComplaintWorkflow")
class Unpatched(ComplaintWorkflow):
    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintResult:
        return await super().run(input)

    async def _enact(self, plan: Plan) -> None:
        if any(isinstance(step, Tell) for step in plan):
            await workflow.sleep(timedelta(seconds=1))
        await super()._enact(plan)


@workflow.defn(name="ComplaintWorkflow")
class Patched(ComplaintWorkflow):
    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintResult:
        return await super().run(input)

    async def _enact(self, plan: Plan) -> None:
        if any(isinstance(step, Tell) for step in plan) and workflow.patched(PATCH):
            await workflow.sleep(timedelta(seconds=1))
        await super()._enact(plan)
