"""How big each measurement is: the default `make bench`, and `--quick` for a smoke run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Sizes:
    runs: int = 3
    """Each figure is measured this many times; the report shows the median."""
    follow_up_delay_s: float = 1.0
    """The shortened policy deadline: how long after the fix the follow-up comes."""
    warmup: int = 20
    """Lifecycles of each kind run (unmeasured) on a fresh worker before measuring."""

    throughput_complaints: int = 150
    throughput_concurrency: int = 50
    """Lifecycles in flight at once: enough to keep the worker busy through the timers."""

    round_trip_samples: int = 100
    """Approvals (and bare updates) timed one at a time; p99 needs about 100."""

    at_rest_count: int = 10_000
    """The issue's figure: about 20 minutes on 2 cores. Beyond the worker's sticky cache
    (1,000 workflows) the RSS plateaus; `--at-rest-count 1000` is the short version."""
    at_rest_runs: int = 1
    """Each at-rest run needs its own fresh worker and minutes: one by default."""
    at_rest_start_concurrency: int = 64
    at_rest_silence_s: float = 1.0
    """Once the timers fire: the customer's silence before the reminder, and before closing."""

    replay_histories: int = 200
    """Histories per replay batch (the four lifecycle paths, repeated)."""

    console_open: int = 1000
    """Open complaints while the console's pages are timed (the issue's figure)."""
    console_escalated: int = 20
    """Of them, waiting for a manager: the inbox's rows."""
    console_samples: int = 50
    """Requests of each page, one at a time."""

    scale_out_complaints: int = 150
    scale_out_concurrency: int = 50
    """As the throughput figure, for each worker count."""
    scale_out_workers: tuple[int, ...] = (1, 2, 3)
    """Worker processes on one task queue, sharing the HTTP backend's services."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT = Sizes()

QUICK = Sizes(
    runs=1,
    warmup=3,
    throughput_complaints=12,
    throughput_concurrency=12,
    round_trip_samples=8,
    at_rest_count=40,
    at_rest_runs=1,
    replay_histories=16,
    console_open=24,
    console_escalated=3,
    console_samples=5,
    scale_out_complaints=12,
    scale_out_concurrency=12,
)


def sizes(quick: bool, **overrides: Any) -> Sizes:
    base = QUICK if quick else DEFAULT
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})
