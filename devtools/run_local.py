"""``make run``: dev server + worker + demo in one process tree, until Ctrl-C.

What reaches the terminal is for a person: a banner first (the UI, commands to try, where
the logs go, Ctrl-C), then one line per demo step and each outcome as it comes. The worker's
logs go to ``<data>/worker.log`` (readable lines; ``COMPLAINTS_LOG_FORMAT=json`` for JSON);
only warnings and errors also reach the terminal, as readable lines. ``make worker`` keeps
JSON on stderr, for production.

Shutdown order matters: the worker is stopped first (so in-flight tasks finish or are
cleanly abandoned) and only then the Temporal server. The server runs in its own session,
so Ctrl-C reaches only this process, which drives that order.

State lives in ``$COMPLAINTS_DATA_DIR`` (default ``data/``) and survives restarts: a second
run finds the earlier demos' complaints there and files no more (``--demo``, as ``make
demo`` passes, files seven more); ``make clean-data`` wipes it. The server listens on
``$COMPLAINTS_DEV_PORT`` (7233), its UI on ``$COMPLAINTS_DEV_UI_PORT`` (8233), the staff
console (``python -m console``, development sign-in, demo keys in ``<data>/console-keys``) on
``$COMPLAINTS_CONSOLE_PORT`` (8400), its log in ``<data>/console.log``; it is stopped first.
With ``COMPLAINTS_PAYLOAD_KEY`` set, the UI is started with the console as its codec endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import IO

from temporalio.envconfig import ClientConnectConfig

from devtools import demo
from devtools.demo_staff import demo_directory, key_file
from devtools.dev_server import DevServer
from schemas.complaint import DEFAULT_ADDRESS
from wire.codec import KEY_ENV
from wire.connection import connect
from wire.telemetry import METRICS_ENV, metrics_runtime
from workers import logging as worker_logging
from workers.worker import load_settings, run_worker
from workflows.search_attributes import SEARCH_ATTRIBUTE_TYPES

log = logging.getLogger("run_local")

WORKER_STOP_TIMEOUT_S = 30.0
PORT_ENV = "COMPLAINTS_DEV_PORT"
UI_PORT_ENV = "COMPLAINTS_DEV_UI_PORT"
CONSOLE_PORT_ENV = "COMPLAINTS_CONSOLE_PORT"
WORKER_LOG = "worker.log"
CONSOLE_LOG = "console.log"
CONSOLE_STOP_TIMEOUT_S = 10.0
CLI = ".venv/bin/complaints"
REPO = Path(__file__).resolve().parent.parent


DEFAULT_METRICS_ADDRESS = "127.0.0.1:9464"
"""Where `make run`'s worker serves /metrics unless COMPLAINTS_METRICS_ADDRESS says."""


def metrics_address() -> str:
    return os.environ.get(METRICS_ENV) or DEFAULT_METRICS_ADDRESS


def banner(
    ui_url: str,
    namespace: str,
    data_dir: Path,
    address: str,
    console_url: str | None = None,
    metrics: str | None = None,
) -> list[str]:
    """What a person reads first: where to look, what to try, where the logs are."""
    cli = CLI if address == DEFAULT_ADDRESS else f"TEMPORAL_ADDRESS={address} {CLI}"
    console = (
        [f"  Console  {console_url}/     staff console: sign in as a demo manager or specialist"]
        if console_url
        else []
    )
    return [
        "Complaint engine on this machine: a Temporal dev server, a worker and a demo.",
        *console,
        f"  Web UI   {ui_url}/namespaces/{namespace}/workflows",
        f"  CLI      {cli} inbox --level 2         escalations waiting for a manager",
        f"           {cli} show <complaint id>     a complaint's story (the id or complaint-<id>)",
        *(
            [f"  Metrics  http://{metrics}/metrics (Prometheus; docs/operators.md)"]
            if metrics
            else []
        ),
        f"  Logs     {data_dir / WORKER_LOG} (worker), {data_dir / 'temporal-server.log'} (server)"
        + (f", {data_dir / CONSOLE_LOG} (console)" if console_url else ""),
        f"  Data     {data_dir}/ is kept across runs; make clean-data wipes it",
        "Ctrl-C to stop (the worker first, then the server).",
        "",
    ]


async def _until(aw: Awaitable[object], *stoppers: asyncio.Future[object]) -> object:
    """Run ``aw`` until it finishes or any stopper completes first (then cancel it)."""
    task = asyncio.ensure_future(aw)
    try:
        await asyncio.wait({task, *stoppers}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return None if task.cancelled() else task.result()


def start_console(server: DevServer, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """The staff console in development mode (its own issuer, the demo staff's keys), against
    this server, with the demo's policies; its output goes to ``<data>/console.log``."""
    keys = data_dir / "console-keys"
    keys.mkdir(parents=True, exist_ok=True)
    for member in demo_directory().members:
        path = keys / f"{member.staff_id}.pem"
        path.write_bytes(key_file(member.staff_id))
        path.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")} | {
        "TEMPORAL_ADDRESS": server.address,
        "TEMPORAL_NAMESPACE": server.namespace,
        "COMPLAINTS_CONSOLE_DEV": "1",
        "COMPLAINTS_CONSOLE_PORT": str(port),
        "COMPLAINTS_CONSOLE_KEYS": str(keys),
        "COMPLAINTS_CONSOLE_UI_ORIGIN": server.ui_url,
        "COMPLAINTS_DATA_DIR": str(data_dir),
        "COMPLAINTS_POLICY_DIR": os.pathsep.join(
            str(p) for p in demo.worker_settings(load_settings()).policy_dirs
        ),
        "COMPLAINTS_POLICY_BOUNDS": "development",
    }
    log = open(data_dir / CONSOLE_LOG, "ab")  # noqa: SIM115 - the child keeps it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "console"], env=env, stdout=log, stderr=log,
            stdin=subprocess.DEVNULL, cwd=REPO,
        )  # fmt: skip
    finally:
        log.close()


def stop_console(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(CONSOLE_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _serve(server: DevServer, data_dir: Path, *, again: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    stopped = asyncio.ensure_future(stop.wait())

    # Explicitly the local server: TLS or API keys in the environment are for a cluster.
    local = ClientConnectConfig(target_host=server.address, namespace=server.namespace)
    client = await connect(local, runtime=metrics_runtime(metrics_address()))
    settings = demo.worker_settings(load_settings())  # the demo's policies too
    worker = asyncio.create_task(run_worker(client, settings, stop), name="worker")
    demo.say(f"Worker: serving task queue {settings.task_queue!r}.\n")
    # If the worker dies, everything else should stop waiting for it.
    watch: list[asyncio.Future[object]] = [stopped, worker]
    try:
        await _until(demo.run(client, server.ui_url, data_dir, again=again), *watch)
    except Exception as error:  # noqa: BLE001 - keep serving: the UI shows what broke
        log.exception("demo failed")
        demo.say(f"The demo failed: {error!r} (details in {data_dir / WORKER_LOG}).")
    if not stop.is_set() and not worker.done():
        demo.say("Serving the UI and the CLI. Ctrl-C to stop.")
    await asyncio.wait(watch, return_when=asyncio.FIRST_COMPLETED)

    stop.set()
    stopped.cancel()
    demo.say("\nStopping the worker...")
    try:
        await asyncio.wait_for(worker, WORKER_STOP_TIMEOUT_S)
    except TimeoutError:
        demo.say(f"The worker did not stop within {WORKER_STOP_TIMEOUT_S:.0f}s; cancelled.")
    except Exception as error:  # noqa: BLE001 - it is stopping anyway; say why it ended
        log.exception("worker failed")
        demo.say(f"The worker failed: {error!r} (details in {data_dir / WORKER_LOG}).")


def _log_to_file(data_dir: Path) -> IO[str]:
    """Worker logs to the file (readable unless COMPLAINTS_LOG_FORMAT says json); warnings
    and errors to the terminal too, as readable lines."""
    data_dir.mkdir(parents=True, exist_ok=True)
    file = open(data_dir / WORKER_LOG, "a", encoding="utf-8")  # noqa: SIM115 - closed in main
    json = os.environ.get(worker_logging.FORMAT_ENV, "console").lower() == "json"
    worker_logging.configure_logging(json=json, stream=file)
    worker_logging.add_handler(sys.stderr, json=False, level=logging.WARNING)
    return file


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="run_local", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--demo", action="store_true", help="file the demo's complaints even if earlier ones exist"
    )
    args = parser.parse_args(argv)
    data_dir = Path(os.environ.get("COMPLAINTS_DATA_DIR", "data"))
    console_port = int(os.environ.get(CONSOLE_PORT_ENV, "8400"))
    console_url = f"http://127.0.0.1:{console_port}"
    # With payload encryption on, the UI reads payloads through the console's codec endpoint.
    codec = ["--ui-codec-endpoint", f"{console_url}/codec"] if os.environ.get(KEY_ENV) else []
    server = DevServer(
        data_dir,
        port=int(os.environ.get(PORT_ENV, "7233")),
        ui_port=int(os.environ.get(UI_PORT_ENV, "8233")),
        search_attributes=SEARCH_ATTRIBUTE_TYPES,
        extra_args=codec,
    )
    lines = banner(
        server.ui_url,
        server.namespace,
        data_dir,
        server.address,
        console_url,
        metrics_address(),
    )
    for line in lines:
        demo.say(line)
    logs = _log_to_file(data_dir)
    try:
        with server:
            if server.reused:
                demo.say(f"Temporal: reusing the server already listening on {server.address}.")
            else:
                demo.say(f"Temporal: dev server started on {server.address} ({server.db_path}).")
            console = start_console(server, data_dir, console_port)
            try:
                asyncio.run(_serve(server, data_dir, again=args.demo))
            finally:
                demo.say("Stopping the staff console...")
                stop_console(console)
            if not server.reused:
                demo.say("Stopping the Temporal dev server...")
    except KeyboardInterrupt:  # Ctrl-C before the event loop took over signals
        sys.exit(130)
    finally:
        logs.close()
    demo.say("Stopped.")


if __name__ == "__main__":
    main()
