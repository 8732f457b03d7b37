"""The production worker in its own OS process, with a journal the chaos test can read.

Run as ``python -m tests.reliability.chaos_worker``; configured like ``make worker``
(``TEMPORAL_ADDRESS``, ``COMPLAINTS_TASK_QUEUE``, ``COMPLAINTS_DATA_DIR``,
``COMPLAINTS_PAYLOAD_KEY``, ``COMPLAINTS_POLICY_DIR``, ``COMPLAINTS_POLICY_BOUNDS``).
Two differences, both around the backend:

- every effect is held a moment before and after it happens (``CHAOS_MAX_DELAY_S``),
  so a kill -9 lands inside activities often, including the worst spot: the effect
  done but its completion not yet reported to Temporal;
- its sticky queue's schedule-to-start timeout comes from ``CHAOS_STICKY_TIMEOUT_S`` (when
  set): how soon a task sent to a killed worker's sticky queue goes to the shared one;
- each attempt is journaled to ``CHAOS_JOURNAL`` (``pid phase key``; phases
  ``start``, ``applied``/``duplicate``/``refused``, ``done``), so the test knows
  what every kill interrupted and that retries found their effect already done.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

from activities.backend import ComplaintBackend, RemedyRefusedError
from schemas.effects import EmployeeFollowUp, ManagerPage, OrderClaim, RemedyOrder
from schemas.messages import CustomerMessage, RenderedMessage
from wire.connection import connect, connect_config
from workers.logging import configure_logging
from workers.worker import build_worker, load_settings, make_backend, make_policy_store

JOURNAL_ENV = "CHAOS_JOURNAL"
DELAY_ENV = "CHAOS_MAX_DELAY_S"
STICKY_ENV = "CHAOS_STICKY_TIMEOUT_S"


class Journal:
    """Append-only, one short line per write: atomic with O_APPEND, survives kill -9."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._pid = os.getpid()

    def write(self, phase: str, key: str = "-") -> None:
        os.write(self._fd, f"{self._pid} {phase} {key}\n".encode())


class JournaledBackend:
    """Wraps the real backend: slows each effect down and journals each attempt."""

    def __init__(self, inner: ComplaintBackend, journal: Journal, max_delay: float) -> None:
        self._inner = inner
        self._journal = journal
        self._max_delay = max_delay

    async def _effect(self, key: str, call: Any) -> Any:
        self._journal.write("start", key)
        await asyncio.sleep(random.uniform(0, self._max_delay))
        try:
            receipt = await call
        except RemedyRefusedError:
            self._journal.write("refused", key)
            raise
        self._journal.write("duplicate" if receipt.duplicate else "applied", key)
        await asyncio.sleep(random.uniform(0, self._max_delay))
        self._journal.write("done", key)
        return receipt

    async def deliver_message(self, message: CustomerMessage, rendered: RenderedMessage) -> Any:
        return await self._effect(
            message.idempotency_key, self._inner.deliver_message(message, rendered)
        )

    async def execute_remedy(self, order: RemedyOrder) -> Any:
        return await self._effect(order.idempotency_key, self._inner.execute_remedy(order))

    async def page_manager(self, page: ManagerPage) -> Any:
        return await self._effect(page.idempotency_key, self._inner.page_manager(page))

    async def record_employee_follow_up(self, note: EmployeeFollowUp) -> Any:
        return await self._effect(note.idempotency_key, self._inner.record_employee_follow_up(note))

    async def claim_order(self, claim: OrderClaim) -> Any:
        """Passed through, not journaled: a claim changes no money and no message, and the
        backend answers a repeated one with the same holder."""
        return await self._inner.claim_order(claim)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _main() -> None:
    configure_logging()
    settings = load_settings()
    journal = Journal(Path(os.environ[JOURNAL_ENV]))
    backend = JournaledBackend(
        make_backend(settings), journal, float(os.environ.get(DELAY_ENV, "0.3"))
    )
    policies = make_policy_store(settings)
    client = await connect(connect_config(settings.temporal_address, settings.namespace))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    options = {}
    if os.environ.get(STICKY_ENV):
        sticky = timedelta(seconds=float(os.environ[STICKY_ENV]))
        options["sticky_queue_schedule_to_start_timeout"] = sticky
    try:
        async with build_worker(client, settings.task_queue, backend, policies=policies, **options):
            journal.write("ready")
            await stop.wait()
    finally:
        await backend.aclose()
        await policies.aclose()


if __name__ == "__main__":
    asyncio.run(_main())
