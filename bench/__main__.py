"""`python -m bench` (`make bench`): see docs/bench.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bench import report
from bench.config import sizes
from bench.runner import FIGURES, run

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure the complaint engine against the bare Temporal floor.",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run (~1 min)")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(FIGURES),
        help="measure only this figure (repeatable)",
    )
    parser.add_argument("--runs", type=int, help="runs per figure (median reported)")
    parser.add_argument("--at-rest-count", type=int, help="complaints parked (default 10000)")
    parser.add_argument("--at-rest-runs", type=int, help="at-rest runs (default 1)")
    parser.add_argument("--complaints", type=int, dest="throughput_complaints")
    parser.add_argument("--concurrency", type=int, dest="throughput_concurrency")
    parser.add_argument("--samples", type=int, dest="round_trip_samples")
    parser.add_argument(
        "--console-escalated", type=int, help="console_render: escalated of the open (default 20)"
    )
    parser.add_argument("--scale-out-complaints", type=int, help="per worker count (default 150)")
    parser.add_argument("--scale-out-concurrency", type=int, help="in flight (default 50)")
    parser.add_argument("--label", help="free text stored with the results (e.g. 'before')")
    parser.add_argument(
        "--worker-option",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="override one Worker option in the bench worker, e.g. max_cached_workflows=2000",
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="extra `temporal server start-dev` argument (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for JSON")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if a goal is missed (default: report only)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    chosen = sizes(
        args.quick,
        runs=args.runs,
        at_rest_count=args.at_rest_count,
        at_rest_runs=args.at_rest_runs,
        throughput_complaints=args.throughput_complaints,
        throughput_concurrency=args.throughput_concurrency,
        round_trip_samples=args.round_trip_samples,
        console_escalated=args.console_escalated,
        scale_out_complaints=args.scale_out_complaints,
        scale_out_concurrency=args.scale_out_concurrency,
    )
    options = {}
    for raw in args.worker_option:
        key, _, value = raw.partition("=")
        options[key] = json.loads(value)
    result = asyncio.run(
        run(
            chosen,
            args.only,
            args.label,
            options,
            args.server_arg or None,
        )
    )
    print()
    print(report.render(result))
    path = report.write_json(result, args.out)
    print(f"\nJSON: {path}")
    failed = [f["name"] for f in result["figures"].values() if f.get("passed") is False]
    if failed:
        print(f"goals missed: {', '.join(failed)}" + ("" if args.strict else " (report only)"))
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
