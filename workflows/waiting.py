"""Waiting for people, not forever, and keeping every promised callback while we wait.

A complaint waits on one person at a time (`domain.lifecycle.waiting_for`). The wait it
entered is the one the workflow's own last step opened, so an answer that arrives before
the workflow starts waiting (while the message that invites it is still being sent) is
heard, not missed. While it waits, each callback promised to the customer is made when
it falls due, even without news.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.lifecycle import Wait, waiting_for
    from schemas.messages import Outcome
    from schemas.state import ComplaintState, WaitingOn


class Withdrawn(Exception):
    """Unwinds the lifecycle when the customer withdraws while we wait."""


class Waiting:
    def __init__(
        self,
        state: Callable[[], ComplaintState],
        call_back: Callable[[], Awaitable[None]],
        publish: Callable[[], None],
        rest: Callable[[Wait], Awaitable[None]] | None = None,
    ) -> None:
        self._state = state
        self._call_back = call_back
        self._publish = publish
        self._rest = rest
        """Called before each wait, a safe point: it may continue the complaint as new."""
        self.entered: Wait | None = None
        """The wait the workflow's own steps last opened."""
        self.on: WaitingOn | None = None
        """Whom the workflow is waiting on right now; None while it acts."""
        self.publish_on_waking = True
        """Publish as soon as a wait ends too, not only before each wait (before the patch
        `publish-at-waits`)."""
        self.keep_deadline_timer = False
        """Since the patch `fewer-events`: a wait that ends before its deadline leaves the
        deadline's timer running until the next step that lets time pass (`settle`), so a
        complaint that closes next drops it with the run instead of cancelling it."""
        self._left: asyncio.Task[None] | None = None
        """The deadline timer the last wait left running."""
        self._clock_at: Callable[[], datetime | None] = lambda: None
        self._on_clock_due: Callable[[], Awaitable[None]] | None = None

    def watch_clocks(
        self, clock_at: Callable[[], datetime | None], on_clock_due: Callable[[], Awaitable[None]]
    ) -> None:
        """While waiting, also wake when `clock_at()` (the SLA clocks' next warning or
        breach, None while none runs) comes, and run `on_clock_due` then. Since the patch
        `sla-at-waits`: no coroutine beside the workflow's own starts a timer, so no timer
        is started while a local activity runs (decision 021)."""
        self._clock_at = clock_at
        self._on_clock_due = on_clock_due

    def settle(self) -> None:
        """Cancel the deadline timer the last wait left running: what follows lets time
        pass (a wait, an activity), so it would fire for nothing."""
        if self._left is not None and not self._left.done():
            self._left.cancel()
        self._left = None

    def follow(self, state: ComplaintState) -> None:
        """After each of the workflow's own steps: the wait it opened (or moved), if any."""
        self.entered = waiting_for(state) or self.entered

    async def until_acted(self) -> bool:
        """Wait out the entered wait: True once the person acted (perhaps already), False
        when their deadline passed; raises `Withdrawn` if the customer withdrew."""
        while True:
            state = self._state()
            if state.outcome is Outcome.WITHDRAWN:
                raise Withdrawn()
            if self.publish_on_waking:
                self._publish()  # what updates recorded while we waited
            wait = self.entered
            if wait is None or waiting_for(state) != wait:
                return True
            now, clock = workflow.now(), self._clock_at()
            if self._on_clock_due and clock is not None and clock <= now:
                if wait.until is None or clock <= wait.until:  # it came first
                    await self._on_clock_due()
                    continue
            if wait.until is not None and now >= wait.until:
                return False
            due = state.callback_due
            self.settle()  # the wait goes on: the last one's timer is not needed
            if due is not None and due <= now:
                await self._call_back()
                continue
            if self._rest is not None:
                await self._rest(wait)
                if waiting_for(self._state()) != wait:
                    continue
            times = [t for t in (wait.until, due, clock) if t is not None]
            wake = min(times) if times else None  # None: no deadline, callback, clock
            self.on = wait.on
            self._publish()
            summary = (
                wait.on.value
                if wake == wait.until
                else "promised callback"
                if wake == due
                else "SLA clock"
            )

            def moved(awaited: Wait = wait, at: datetime | None = clock) -> bool:
                """The wait ended, or an update moved the clocks' next moment."""
                return waiting_for(self._state()) != awaited or self._clock_at() != at

            if self.keep_deadline_timer:
                await self._wait_keeping_timer(moved, None if wake is None else wake - now, summary)
                continue
            try:
                await workflow.wait_condition(
                    moved,
                    timeout=None if wake is None else wake - now,
                    timeout_summary=summary,
                )
            except TimeoutError:
                pass
            finally:
                self.on = None

    async def _wait_keeping_timer(
        self, moved: Callable[[], bool], timeout: timedelta | None, summary: str
    ) -> None:
        """Until `moved()` or the timer fires; a timer still running is left (`settle`)."""
        timer = None
        if timeout is not None:
            timer = asyncio.create_task(workflow.sleep(timeout, summary=summary))
        try:
            await workflow.wait_condition(lambda: moved() or (timer is not None and timer.done()))
        finally:
            self.on = None
        if timer is not None and not timer.done():
            self._left = timer
