"""``make run``: dev server + worker + demo in one process tree, until Ctrl-C.

Shutdown order matters: the worker is stopped first (so in-flight tasks finish
or are cleanly abandoned) and only then the Temporal server. The server runs in
its own session, so Ctrl-C reaches only this process, which drives that order.

State lives in ``$COMPLAINTS_DATA_DIR`` (default ``data/``) and survives restarts;
``make clean-data`` wipes it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable
from pathlib import Path
from types import ModuleType

from temporalio.envconfig import ClientConnectConfig

from devtools.dev_server import DevServer
from wire.connection import connect
from workers.logging import configure_logging

log = logging.getLogger("run_local")

WORKER_STOP_TIMEOUT_S = 30.0


def _optional_module(name: str) -> ModuleType | None:
    """Import ``name`` if it exists yet (modules are being written in parallel).

    Only a missing module is tolerated: an ImportError raised *inside* an
    existing module is a real bug and must not be silently swallowed.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != name:
            raise
        return None


def _search_attribute_types() -> dict[str, str]:
    mod = _optional_module("workflows.search_attributes")
    if mod is None:
        log.info("workflows.search_attributes not found: no custom search attributes")
        return {}
    return dict(mod.SEARCH_ATTRIBUTE_TYPES)


async def _until(aw: Awaitable[object], *stoppers: asyncio.Future[object]) -> None:
    """Run ``aw`` until it finishes or any stopper completes first (then cancel it)."""
    task = asyncio.ensure_future(aw)
    try:
        await asyncio.wait({task, *stoppers}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.done() and not task.cancelled():
        task.result()


async def _serve(server: DevServer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    stopped = asyncio.ensure_future(stop.wait())

    # Explicitly the local server: TLS or API keys in the environment are for a cluster.
    local = ClientConnectConfig(target_host=server.address, namespace=server.namespace)
    client = await connect(local)

    # If the worker dies, everything else should stop waiting for it.
    watch: list[asyncio.Future[object]] = [stopped]
    worker_task: asyncio.Task[None] | None = None
    worker_mod = _optional_module("workers.worker")
    demo_mod = _optional_module("devtools.demo")
    if worker_mod is None:
        log.warning("workers.worker not found yet: running the server without a worker")
    else:
        settings = worker_mod.load_settings() if hasattr(worker_mod, "load_settings") else None
        if settings is not None and demo_mod is not None:
            settings = demo_mod.worker_settings(settings)  # the demo's policies too
        worker_task = asyncio.create_task(
            worker_mod.run_worker(client, settings, stop), name="worker"
        )
        watch.append(worker_task)

    if demo_mod is None:
        log.info("devtools.demo not found yet: no demo")
    else:
        try:
            await _until(demo_mod.run_demo(client, server.ui_url), *watch)
        except Exception:
            # Keep serving: the UI is the best place to see what the demo broke.
            log.exception("demo failed")

    log.info("Temporal UI: %s (server %s). Ctrl-C to stop.", server.ui_url, server.address)
    await asyncio.wait(watch, return_when=asyncio.FIRST_COMPLETED)

    stop.set()
    stopped.cancel()
    if worker_task is not None:
        log.info("stopping worker")
        try:
            await asyncio.wait_for(worker_task, WORKER_STOP_TIMEOUT_S)
        except TimeoutError:
            log.error("worker did not stop within %.0fs; cancelled", WORKER_STOP_TIMEOUT_S)


def main() -> None:
    configure_logging()
    data_dir = Path(os.environ.get("COMPLAINTS_DATA_DIR", "data"))
    try:
        with DevServer(data_dir, search_attributes=_search_attribute_types()) as server:
            if server.reused:
                log.info("reusing the Temporal server already listening on %s", server.address)
            else:
                log.info(
                    "started Temporal dev server, db %s, log %s", server.db_path, server.log_path
                )
            asyncio.run(_serve(server))
            if not server.reused:
                log.info("stopping Temporal dev server")
    except KeyboardInterrupt:  # Ctrl-C before the event loop took over signals
        sys.exit(130)
    log.info("stopped")


if __name__ == "__main__":
    main()
