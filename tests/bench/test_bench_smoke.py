"""`make bench` machinery end to end at toy sizes: every figure is produced and well formed.

No timing is asserted here (speed is the benchmark's business, not the tests'); only
that each figure was measured, on both sides where there is a floor, and reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report
from bench.config import Sizes
from bench.runner import FIGURES, run

TINY = Sizes(
    runs=1,
    follow_up_delay_s=0.5,
    warmup=1,
    throughput_complaints=3,
    throughput_concurrency=3,
    round_trip_samples=3,
    at_rest_count=8,
    at_rest_runs=1,
    at_rest_start_concurrency=8,
    at_rest_silence_s=0.2,
    replay_histories=4,
    console_open=4,
    console_escalated=2,
    console_samples=2,
    scale_out_complaints=2,
    scale_out_concurrency=2,
    scale_out_workers=(1, 2),
)


@pytest.mark.slow
async def test_every_figure_is_measured_and_reported(tmp_path: Path) -> None:
    result = await run(TINY, label="smoke")

    meta, figures = result["meta"], result["figures"]
    assert meta["cores"] >= 1 and len(meta["loadavg_before"]) == 3
    assert set(figures) == set(FIGURES)
    for name, figure in figures.items():
        assert figure["name"] == name
        assert figure["engine"] > 0, name
        assert figure["ratio"] > 0, name
        assert figure["passed"] in (True, False, None), name
        assert len(figure["runs"]) >= 1, name
    for name in ("throughput", "history_cost", "round_trip", "replay_speed"):
        assert figures[name]["floor"] > 0, name

    # The driver waits with updates (`wait_until`, update-with-start): its client, which
    # counts every query it sends, sent none while measuring.
    for side in ("engine", "floor"):
        assert figures["throughput"]["detail"][side]["polls_per_lifecycle"] == 0, side
    trip = figures["round_trip"]["detail"]
    assert trip["engine"]["queries_while_measuring"] == 0
    assert trip["bare_update"]["p50_ms"] > 0 and trip["ratio_to_bare_update"] > 0

    history = figures["history_cost"]["detail"]
    assert set(history["paths"]) == {"resolve", "decline", "escalate_override", "reopen"}
    assert all(p["events"] > 0 and p["payload_bytes"] > 0 for p in history["paths"].values())
    assert history["shape_matches"], history["shape"]
    rest = figures["at_rest"]["detail"]
    assert rest["count"] == TINY.at_rest_count
    assert rest["worker_rss_at_rest_mb"] > 0 and rest["server_rss_at_rest_mb"] > 0
    assert rest["drain_s"] > 0

    pages = figures["console_render"]["detail"]
    assert pages["open"] == TINY.console_open and pages["escalated"] == TINY.console_escalated
    assert all(pages[p]["p50_ms"] > 0 for p in ("inbox", "complaint"))

    scale = figures["scale_out"]["detail"]
    assert set(scale["by_workers"]) == {1, 2} and scale["by_workers"][1]["ratio_to_one"] == 1
    assert set(scale["bottleneck"]) == {"1", "2"}

    text = report.render(result)
    assert all(figures[name]["title"] in text for name in FIGURES)
    written = json.loads(report.write_json(result, tmp_path).read_text())
    assert set(written["figures"]) == set(FIGURES)
