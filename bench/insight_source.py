"""Which source the insight report reads: visibility and each complaint, or an event table.

``python -m bench.insight_source --complaints 300``: a fresh dev server and the production
worker in its own process; `--complaints` happy-path lifecycles to their end; then the
report over them (1) from visibility, querying each complaint's record (a closed one is
replayed by the worker to answer), (2) from the event table: the first export (as costly
as (1), plus the writes), a second export (nothing new to fetch: closed records are
kept), and the report from the table alone. Prints seconds and the per-10,000 figures,
extrapolated linearly (docs/insight.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.context import bounded
from bench.env import BenchServer, WorkerProcess
from bench.scenarios import Polls, happy_path
from domain.insight import insight
from sdk.client import ComplaintClient
from sdk.insight import EventTable, from_visibility

PER = 10_000


async def _main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="insight-bench-") as tmp:
        work = Path(tmp)
        server = BenchServer(work).start()
        try:
            client = await server.client()
            with WorkerProcess(server.address, "insight-bench", work, "w") as worker:
                polls = Polls()
                began = time.monotonic()
                run = lambda: happy_path(client, worker, 0.5, polls, "insight")  # noqa: E731
                await bounded(args.concurrency, [run] * args.complaints)
                filing_s = time.monotonic() - began
                await asyncio.sleep(2)  # visibility catches up
                complaints = ComplaintClient(client, worker.task_queue)
                start, end = date.today() - timedelta(days=1), date.today() + timedelta(days=1)

                t = time.monotonic()
                logs = await from_visibility(complaints, start, end)
                report = insight(logs, start, end)
                visibility_s = time.monotonic() - t
                assert report.filed == args.complaints, report.filed

                table = EventTable(work / "insight.db")
                t = time.monotonic()
                exported = await table.export(complaints, start, end)
                first_export_s = time.monotonic() - t
                t = time.monotonic()
                again = await table.export(complaints, start, end)
                second_export_s = time.monotonic() - t
                t = time.monotonic()
                from_table = insight(table.logs(start, end), start, end)
                table_s = time.monotonic() - t
                assert from_table == report and exported == args.complaints and again == 0
        finally:
            server.stop()
    scale = PER / args.complaints
    return {
        "complaints": args.complaints,
        "lifecycles_s": round(filing_s, 2),
        "visibility_report_s": round(visibility_s, 3),
        "table_first_export_s": round(first_export_s, 3),
        "table_second_export_s": round(second_export_s, 3),
        "table_report_s": round(table_s, 3),
        "per_10000_extrapolated": {
            "visibility_report_s": round(visibility_s * scale, 1),
            "table_first_export_s": round(first_export_s * scale, 1),
            "table_report_s": round(table_s * scale, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.insight_source")
    parser.add_argument("--complaints", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--out", type=Path)
    result = asyncio.run(_main(parser.parse_args()))
    text = json.dumps(result, indent=2)
    print(text)
    args = parser.parse_args()
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
