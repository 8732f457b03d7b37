"""Wait for a complaint, or visibility, to catch up: poll with a generous deadline.

Visibility is eventually consistent and a workflow moves on its own, so tests
poll for the state they need rather than sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from schemas.state import ComplaintState, Status
from sdk.client import ComplaintClient, ComplaintSummary

T = TypeVar("T")
DEADLINE_S = 20.0


async def eventually(probe: Callable[[], Awaitable[T]], ok: Callable[[T], bool], what: str) -> T:
    deadline = asyncio.get_running_loop().time() + DEADLINE_S
    while True:
        value = await probe()
        if ok(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {DEADLINE_S:.0f}s")
        await asyncio.sleep(0.05)


async def until_status(
    complaints: ComplaintClient, complaint_id: str, status: Status
) -> ComplaintState:
    """Until the complaint reaches `status` and settles in a wait (for people or timers),
    so what the test asserts next cannot race the workflow's own progress."""

    async def probe() -> ComplaintState | None:
        state = await complaints.state(complaint_id)
        if state.status is not status or state.closed:
            return state
        return state if await complaints.waiting_on(complaint_id) is not None else None

    state = await eventually(
        probe,
        lambda state: state is not None and state.status is status,
        f"{complaint_id} reaching {status.value}",
    )
    assert state is not None
    return state


async def until_found(
    complaints: ComplaintClient, query: str, among: set[str], expected: set[str]
) -> list[ComplaintSummary]:
    """What `query` finds `among` these complaints (others share the server), once it is
    exactly `expected`; in visibility's order."""

    async def probe() -> list[ComplaintSummary]:
        return [c for c in await complaints.find(query) if c.complaint_id in among]

    return await eventually(
        probe,
        lambda found: {c.complaint_id for c in found} == expected,
        f"visibility for {query!r}",
    )
