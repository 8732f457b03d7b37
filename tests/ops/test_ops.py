"""The committed dashboard and alert rules (ops/): well formed, covering what operators must
be told, and naming only metrics that exist: the workflow's business metrics
(`domain.metrics`) or the SDK's runtime metrics, as the pinned SDK's own source defines
them. `promtool check rules` runs too where promtool is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import temporalio.bridge
import yaml

from domain import metrics

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "ops" / "prometheus" / "alerts.yml"
DASHBOARD = REPO / "ops" / "grafana" / "complaint-engine.json"
SDK_PREFIX = "temporal_"
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "bool", "offset", "le", "inf", "nan",
}  # fmt: skip


def sdk_metric_names() -> set[str]:
    """Every metric name the SDK core's telemetry source defines (with its prefix)."""
    core = Path(temporalio.bridge.__file__).parent / "sdk-core" / "crates"
    sources = [*core.glob("*/src/telemetry/metrics.rs"), *core.glob("*/src/telemetry/*.rs")]
    assert sources, f"the SDK core's telemetry source is not shipped under {core}"
    names = {n for src in sources for n in re.findall(r'"([a-z][a-z0-9_]+)"', src.read_text())}
    return {SDK_PREFIX + n for n in names}


def known_metrics() -> set[str]:
    business = {m.name for m in metrics.METRICS if m.kind is metrics.Kind.COUNTER}
    for m in metrics.METRICS:
        if m.kind is metrics.Kind.HISTOGRAM:
            business |= {m.name + s for s in HISTOGRAM_SUFFIXES}
    sdk = sdk_metric_names()
    return business | sdk | {n + s for n in sdk for s in HISTOGRAM_SUFFIXES}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: identifiers that are not functions,
    keywords, label names, label values, durations or Grafana variables."""
    expr = re.sub(r"\$\w+", "5m", expr)
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # label values
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"(?<![\w.])\d+(\.\d+)?([eE][-+]?\d+)?", "", expr)  # numbers
    tokens = re.finditer(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", expr)
    return {
        t.group(1) for t in tokens if t.group(2) is None and t.group(1).lower() not in PROMQL_WORDS
    }


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    board = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in board["panels"] for t in p["targets"]]


def test_the_expression_parser_finds_metrics_and_nothing_else() -> None:
    assert metric_names(
        'histogram_quantile(0.95, sum by (le, task_queue) (rate(x_bucket{a="b"}[5m]))) > 1e-9'
    ) == {"x_bucket"}
    assert metric_names("sum(increase(a[1d])) - sum(b) > 50") == {"a", "b"}
    known = known_metrics()
    assert "temporal_workflow_task_execution_failed" in known
    assert "complaints_filed" in known and "complaints_remedy_amount_sum" in known
    assert "temporal_workflow_task_exploded" not in known
    assert "complaints_filed_bucket" not in known  # a counter has no buckets


def test_rules_are_well_formed() -> None:
    document = yaml.safe_load(RULES.read_text())
    assert document["groups"] and all(g["name"] and g["rules"] for g in document["groups"])
    names = [r["alert"] for r in rules()]
    assert len(names) == len(set(names)), "alert names repeat"
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smhd]", rule["for"]), rule["alert"]


def test_rules_alert_on_what_operators_must_know() -> None:
    exprs = "\n".join(r["expr"] for r in rules())
    assert 'failure_reason="NonDeterminismError"' in exprs
    assert "temporal_workflow_task_schedule_to_start_latency_bucket" in exprs
    assert "temporal_activity_execution_failed" in exprs  # effects retried without end
    assert "complaints_sla_breaches" in exprs
    assert "complaints_escalations" in exprs  # the operations queue
    assert "complaints_remedies_refused" in exprs
    assert "complaints_moved_to_operations" in exprs  # complaints nobody acted on


def test_every_metric_the_rules_and_dashboard_read_exists() -> None:
    known = known_metrics()
    exprs = [r["expr"] for r in rules()] + dashboard_exprs()
    used = set().union(*(metric_names(e) for e in exprs))
    assert used, "no metric found: the parser is broken"
    assert used - known == set(), f"unknown metrics: {sorted(used - known)}"
    # Every business metric is on the dashboard.
    for metric in metrics.METRICS:
        assert any(n.startswith(metric.name) for n in used), f"{metric.name} not on the dashboard"


def test_the_dashboard_is_importable_json() -> None:
    board = json.loads(DASHBOARD.read_text())
    assert board["uid"] and board["title"]
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    for p in board["panels"]:
        assert p["targets"] and p["datasource"]["type"] == "prometheus", p["title"]


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules() -> None:
    run = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True)
    assert run.returncode == 0, run.stdout.decode() + run.stderr.decode()
