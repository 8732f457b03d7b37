"""The benchmark report: one table on stdout (Markdown, pasteable into docs/bench.md),
the details beneath it, and everything as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Json = dict[str, Any]

ORDER = (
    "throughput",
    "history_cost",
    "round_trip",
    "at_rest",
    "replay_speed",
    "console_render",
    "scale_out",
)


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if value < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _verdict(figure: Json) -> str:
    if figure.get("passed") is None:
        return "(no goal)"
    return "PASS" if figure["passed"] else "FAIL"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def summary_table(report: Json) -> str:
    meta = report["meta"]
    lines = [
        f"cores: {meta['cores']}, load average before/after: "
        f"{meta['loadavg_before']} / {meta['loadavg_after']}, runs: {meta['sizes']['runs']} "
        f"(median shown), {meta['started_at']}",
        "",
        _row(["figure", "engine", "floor", "ratio", "goal", "result"]),
        _row(["---", "---:", "---:", "---:", "---", "---"]),
    ]
    for name in ORDER:
        figure = report["figures"].get(name)
        if figure is None:
            continue
        unit = figure["unit"]
        ratio = _num(figure["ratio"])
        if figure.get("ratio_of"):
            ratio += f" of {figure['ratio_of']}"
        lines.append(
            _row(
                [
                    figure["title"],
                    f"{_num(figure['engine'])} {unit}",
                    f"{_num(figure['floor'])} {unit}" if figure["floor"] is not None else "-",
                    ratio,
                    figure["goal"] or "-",
                    _verdict(figure),
                ]
            )
        )
    return "\n".join(lines)


def _history_table(figure: Json) -> list[str]:
    paths = figure["detail"]["paths"]
    categories: list[str] = []
    for detail in [*paths.values(), figure["detail"]["floor"]]:
        for name in detail["by_category"]:
            if name not in categories:
                categories.append(name)
    lines = [
        "",
        "History cost by path (events; payload bytes):",
        "",
        _row(["path", "events", "payload bytes", "history bytes", *categories]),
        _row(["---", *["---:"] * (3 + len(categories))]),
    ]
    for path, detail in [*paths.items(), ("floor (bare happy path)", figure["detail"]["floor"])]:
        lines.append(
            _row(
                [
                    path,
                    _num(detail["events"]),
                    _num(detail["payload_bytes"]),
                    _num(detail.get("history_bytes")),
                    *[_num(detail["by_category"].get(c, 0)) for c in categories],
                ]
            )
        )
    resolve = paths["resolve"]
    lines += [
        "",
        "Happy path, payload bytes by category: "
        + ", ".join(f"{k} {_num(v)}" for k, v in resolve["payload_bytes_by_category"].items()),
        "Happy path, activities: "
        + ", ".join(f"{k} x{v}" for k, v in resolve["activities"].items())
        + (
            "; markers: " + ", ".join(f"{k} x{v}" for k, v in resolve["markers"].items())
            if resolve["markers"]
            else ""
        ),
        f"Shape (engine vs floor): {figure['detail']['shape']}"
        + ("" if figure["detail"]["shape_matches"] else "  <-- MISMATCH: the floor is unfair"),
    ]
    return lines


def _scale_out_lines(figure: Json) -> list[str]:
    counts = figure["runs"][-1]["counts"]
    names = list(counts[0]["cpu_ms_per_lifecycle"])
    lines = [
        "",
        "Scale-out (one task queue, HTTP backend shared; CPU ms per lifecycle by process):",
        "",
        _row(["workers", "per s", "ratio to 1", *names, "machine busy", "of it others"]),
        _row(["---:", *["---:"] * (4 + len(names))]),
    ]
    for c in counts:
        lines.append(
            _row(
                [
                    str(c["workers"]),
                    _num(c["per_second"]),
                    _num(c["ratio_to_one"]),
                    *[_num(c["cpu_ms_per_lifecycle"][n]) for n in names],
                    f"{c['machine_busy']:.0%}",
                    f"{c['others_busy']:.0%}",
                ]
            )
        )
    lines += ["", "Bottleneck:"]
    lines += [f"  {n} worker(s): {text}" for n, text in figure["detail"]["bottleneck"].items()]
    return lines


def details(report: Json) -> str:
    figures = report["figures"]
    lines: list[str] = []
    if "throughput" in figures:
        d = figures["throughput"]["detail"]
        lines += ["", "Throughput detail (median per run):"]
        for side in ("engine", "floor"):
            lines.append(f"  {side}: " + ", ".join(f"{k} {_num(v)}" for k, v in d[side].items()))
    if "history_cost" in figures:
        lines += _history_table(figures["history_cost"])
    if "round_trip" in figures:
        d = figures["round_trip"]["detail"]
        lines += ["", f"Round trip detail ({d['samples_per_run']} samples per run):"]
        for side in ("engine", "floor", "bare_update"):
            lines.append(f"  {side}: " + ", ".join(f"{k} {_num(v)}" for k, v in d[side].items()))
        lines.append(f"  p99 ratio: {_num(d['ratio_p99'])}")
        for side, phases in d.get("phases_ms", {}).items():
            lines.append(
                f"  {side} phases (ms, median): "
                + ", ".join(f"{k} {_num(v)}" for k, v in phases.items())
            )
        lines.append(
            f"  ratio to the bare update p50 (p99): {_num(d['ratio_to_bare_update'])} "
            f"({_num(d['ratio_to_bare_update_p99'])})"
        )
    if "at_rest" in figures:
        d = figures["at_rest"]["detail"]
        lines += ["", "At rest detail:"]
        lines.append("  " + ", ".join(f"{k} {_num(v)}" for k, v in d.items()))
    if "replay_speed" in figures:
        d = figures["replay_speed"]["detail"]
        lines += ["", "Replay detail:"]
        for side in ("engine", "floor"):
            lines.append(f"  {side}: " + ", ".join(f"{k} {_num(v)}" for k, v in d[side].items()))
    if "scale_out" in figures:
        lines += _scale_out_lines(figures["scale_out"])
    durations = report["meta"].get("durations_s", {})
    if durations:
        lines += ["", "Durations (s): " + ", ".join(f"{k} {v}" for k, v in durations.items())]
    return "\n".join(lines)


def render(report: Json) -> str:
    return summary_table(report) + "\n" + details(report)


def write_json(report: Json, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = report["meta"]["started_at"].replace(":", "").replace("-", "")
    text = json.dumps(report, indent=2, default=str)
    (directory / f"{stamp}.json").write_text(text)
    latest = directory / "latest.json"
    latest.write_text(text)
    return latest
