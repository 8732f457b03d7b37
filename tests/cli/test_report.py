"""`complaints report` over a seeded set of 200 complaint records (and 10 filed outside the
period), checked against counts made from the seed's draws; and over real complaints on
the dev server, from visibility and from the event table alike."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from cli.main import execute
from sdk.insight import EventTable
from tests.cli import seeded

SEED, N = 20261201, 200


def _report(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert execute(["report", *args]) == 0
    return out.getvalue()


@pytest.fixture
def table(tmp_path: Path) -> tuple[Path, list[seeded.Draw]]:
    draws = seeded.draw(SEED, N)
    path = tmp_path / "insight.db"
    EventTable(path).put_many([(d.complaint_id, seeded.record(d)) for d in draws])
    return path, draws


def test_the_report_counts_what_the_seed_drew(table, tmp_path: Path) -> None:
    path, draws = table
    period = ["--from", seeded.START.isoformat(), "--to", seeded.END.isoformat()]
    chart = tmp_path / "report.png"
    got = json.loads(
        _report(*period, "--offline", "--table", str(path), "--json", "--chart", str(chart))
    )
    inside = [d for d in draws if d.inside]
    closed = [d for d in inside if d.fate != "open"]
    fates = Counter(d.fate for d in inside)

    assert got["filed"] == N
    assert got["closed"] == len(closed)
    assert got["by_category"] == dict(Counter(d.category.value for d in inside))
    assert got["by_store"] == dict(Counter(d.store for d in inside))
    orders = Counter(d.order for d in inside)
    assert got["by_order"] == dict(sorted(orders.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    days = Counter(d.filed.date().isoformat() for d in inside)
    assert {day: sum(c.values()) for day, c in got["by_day"].items()} == dict(days)
    assert got["escalation_rate"] == round(fates["escalated"] / N, 4)
    assert got["reopen_rate"] == round(fates["reopened"] / N, 4)
    assert got["first_contact_resolution"] == round(fates["straight"] / len(closed), 4)
    assert (
        got["outcomes"]
        == {
            "declined": fates["declined"],
            "resolved_confirmed": len(closed) - fates["declined"],
        }
        | {}
    )
    declines = Counter(d.decline.value for d in inside if d.decline)
    assert got["top_decline_reasons"] == dict(declines)
    assert got["resolution_hours_median"] == pytest.approx(
        statistics.median(d.hours for d in closed), abs=0.01
    )
    assert got["sla_compliance"] is None  # no SLA events in these records
    assert got["satisfaction_mean"] is None
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    rows = list(csv.DictReader(io.StringIO(_report(*period, "--offline", "--table", str(path),
                                                   "--format", "csv"))))  # fmt: skip
    summary = {r["key"]: r["value"] for r in rows if r["section"] == "summary"}
    assert summary["complaints filed"] == str(N)
    by_store = {r["key"]: int(r["value"]) for r in rows if r["section"] == "by store"}
    assert by_store == dict(Counter(d.store for d in inside))

    text = _report(*period, "--offline", "--table", str(path))
    assert re.search(rf"^  complaints filed +{N}$", text, re.M)
    assert re.search(r"^  SLA compliance +not known$", text, re.M)
    assert re.search(rf"^  escalation rate +{fates['escalated'] / N:.1%}$", text, re.M)
