"""Record one history per lifecycle path, for the replay test.

    python -m tests.replay.record        # or: make record-histories

Plays every path of `tests.reliability.paths` against the current
`ComplaintWorkflow`, on a local Temporal dev server (in memory, free port) with a
real worker and the local backend, and writes each complaint's history to
``tests/replay/histories/<path>.json``. Commit the files: from then on CI replays
them, and a workflow change that would break complaints already in flight fails
the build. See docs/replay.md for when to record and how to change the workflow
safely.

Payloads are recorded unencrypted (no ``COMPLAINTS_PAYLOAD_KEY``), and the
customers are made up.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import tempfile
import uuid
from datetime import date
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities.local_backend import LocalBackend
from devtools.dev_server import find_temporal_cli
from schemas.complaint import workflow_id_for
from tests.processes import stop_like_ctrl_c
from tests.reliability.paths import PATHS, policy_store
from tests.reliability.runner import BackendWatch, Tally, play
from wire.converter import data_converter
from workers.worker import build_worker
from workflows.search_attributes import KEYS

HISTORIES = Path(__file__).resolve().parent / "histories"


def complaint_id_for(path_name: str) -> str:
    return f"replay-{path_name}"


async def record(out: Path = HISTORIES) -> list[Path]:
    """Play every path once and write its history; returns the files written."""
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_temporal_cli(),
        search_attributes=KEYS,
        data_converter=data_converter(),
    ) as env:
        return await _record(env, out)


async def _record(env: WorkflowEnvironment, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        backend = LocalBackend(Path(tmp) / "complaints.db")
        watch = BackendWatch(backend.db_path)
        watching = asyncio.create_task(watch.run())
        task_queue = f"record-{uuid.uuid4().hex[:8]}"
        try:
            async with build_worker(env.client, task_queue, backend, policies=policy_store()):
                await asyncio.gather(
                    *(
                        play(
                            env.client,
                            watch,
                            path,
                            complaint_id_for(path.name),
                            task_queue,
                            date.today(),
                            Tally(),
                        )
                        for path in PATHS
                    )
                )
        finally:
            watching.cancel()
    written = []
    for path in PATHS:
        handle = env.client.get_workflow_handle(workflow_id_for(complaint_id_for(path.name)))
        history = await handle.fetch_history()
        target = out / f"{path.name}.json"
        target.write_text(history.to_json() + "\n")
        written.append(target)
    return written


def main() -> None:
    # As Ctrl-C: the dev server is stopped on the way out, not orphaned.
    stop_like_ctrl_c(signal.SIGTERM, signal.SIGHUP)
    written = asyncio.run(record())
    for target in written:
        print(f"recorded {target.relative_to(HISTORIES)}")
    print(f"{len(written)} histories in {HISTORIES}", file=sys.stderr)


if __name__ == "__main__":
    main()
