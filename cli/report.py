"""`complaints report --from DATE --to DATE`: what the period's complaints say (docs/operators.md).

Prints volumes and trends by category, order and store, time to resolution, first-contact
resolution, reopen and escalation rates, SLA compliance and satisfaction (where the records
know them) and the top decline reasons, as a table (default), ``--format csv`` or ``json``
(``--json`` too), and ``--chart FILE.png``.

Records come from an event table (``--table``, default ``$COMPLAINTS_DATA_DIR/insight.db``),
brought up to date from Temporal first (closed complaints are fetched once; ``--offline``
skips that), or straight from visibility and each complaint (``--source visibility``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from domain.insight import Insight, insight
from sdk.client import ComplaintClient
from sdk.insight import EventTable, from_visibility

DEFAULT_TABLE = Path(os.environ.get("COMPLAINTS_DATA_DIR", "data")) / "insight.db"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report", parents=[common], help="volumes, trends and rates over a period"
    )
    report.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    report.add_argument(
        "--to", dest="end", type=date.fromisoformat, required=True, help="exclusive"
    )
    report.add_argument("--source", choices=("table", "visibility"), default="table")
    report.add_argument("--table", type=Path, default=DEFAULT_TABLE, help="the event table")
    report.add_argument("--offline", action="store_true", help="read the table only")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("--chart", type=Path, help="also draw the report to this PNG")


def needs_temporal(args: argparse.Namespace) -> bool:
    return not (args.source == "table" and args.offline)


async def build(args: argparse.Namespace, complaints: ComplaintClient | None) -> Insight:
    if args.source == "visibility":
        assert complaints is not None
        logs = await from_visibility(complaints, args.start, args.end)
    else:
        table = EventTable(args.table)
        if complaints is not None:
            await table.export(complaints, args.start, args.end)
        logs = table.logs(args.start, args.end)
    return insight(logs, args.start, args.end)


def _pct(value: float | None) -> str:
    return "not known" if value is None else f"{value:.1%}"


def _num(value: float | None, unit: str = "") -> str:
    return "not known" if value is None else f"{value:g}{unit}"


def headline(report: Insight) -> list[tuple[str, str]]:
    sat = (
        "not known"
        if report.satisfaction_mean is None
        else f"{report.satisfaction_mean:g} of 5 ({report.satisfaction_count} answers)"
    )
    return [
        ("complaints filed", str(report.filed)),
        ("closed", str(report.closed)),
        ("time to resolution, median", _num(report.resolution_hours_median, " h")),
        ("time to resolution, p90", _num(report.resolution_hours_p90, " h")),
        ("first-contact resolution", _pct(report.first_contact_resolution)),
        ("reopen rate", _pct(report.reopen_rate)),
        ("escalation rate", _pct(report.escalation_rate)),
        ("SLA compliance", _pct(report.sla_compliance)),
        ("satisfaction", sat),
    ]


SECTIONS = (
    ("by category", "by_category"),
    ("by store", "by_store"),
    ("top orders", "by_order"),
    ("outcomes", "outcomes"),
    ("top decline reasons", "top_decline_reasons"),
)


def as_table(report: Insight) -> str:
    lines = [f"Complaints filed {report.start} to {report.end} (exclusive)", ""]
    width = max(len(k) for k, _ in headline(report))
    lines += [f"  {k:<{width}}  {v}" for k, v in headline(report)]
    for title, field in SECTIONS:
        counts: dict[str, int] = getattr(report, field)
        lines += ["", f"{title}:"] + (
            [f"  {k:<28} {v:>6}" for k, v in counts.items()] or ["  (none)"]
        )
    lines += ["", "trend (filed per day):"]
    for day, counts in report.by_day.items():
        detail = ", ".join(f"{c} {n}" for c, n in counts.items())
        lines.append(f"  {day}  {sum(counts.values()):>5}  {detail}")
    return "\n".join(lines)


def as_csv(report: Insight) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    for key, value in headline(report):
        writer.writerow(["summary", key, value])
    for title, field in SECTIONS:
        for key, value in getattr(report, field).items():
            writer.writerow([title, key, value])
    for day, counts in report.by_day.items():
        for category, value in counts.items():
            writer.writerow(["trend", f"{day} {category}", value])
    return out.getvalue()


def as_json(report: Insight) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2)


def chart(report: Insight, path: Path) -> None:
    """Four panels: the daily trend by category, volumes by category, outcomes and the
    top decline reasons."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    days = list(report.by_day)
    categories = sorted({c for counts in report.by_day.values() for c in counts})
    bottom = [0] * len(days)
    trend = axes[0][0]
    for category in categories:
        values = [report.by_day[d].get(category, 0) for d in days]
        trend.bar(days, values, bottom=bottom, label=category)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    trend.set_title("Filed per day, by category")
    trend.tick_params(axis="x", labelrotation=60, labelsize=7)
    if categories:
        trend.legend(fontsize=7)
    for ax, (title, counts) in zip(
        (axes[0][1], axes[1][0], axes[1][1]),
        (
            ("By category", report.by_category),
            ("Outcomes", report.outcomes),
            ("Top decline reasons", report.top_decline_reasons),
        ),
        strict=True,
    ):
        ax.barh(list(counts), list(counts.values()))
        ax.set_title(title)
        ax.invert_yaxis()
    fig.suptitle(
        f"Complaints {report.start} to {report.end}: {report.filed} filed, "
        f"first-contact resolution {_pct(report.first_contact_resolution)}, "
        f"escalations {_pct(report.escalation_rate)}, reopens {_pct(report.reopen_rate)}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def render(args: argparse.Namespace, report: Insight) -> str:
    if args.chart:
        chart(report, args.chart)
    fmt = "json" if args.json else args.format
    return {"table": as_table, "csv": as_csv, "json": as_json}[fmt](report)
