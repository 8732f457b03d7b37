"""The worker's /metrics after real lifecycles on the dev server: every business metric is
there, counted once, although the worker keeps no workflow cached (every task replays the
complaint from its history first), and replaying the histories counts nothing."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.envconfig import ClientConnectConfig
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities.local_backend import LocalBackend
from activities.policy_store import InMemoryPolicyStore
from devtools.dev_server import free_ports
from domain import metrics
from schemas.actions import Withdrawal
from schemas.complaint import workflow_id_for
from tests.builders import ENDS_AT_CLOSING
from tests.reliability.paths import BY_NAME
from tests.reliability.runner import BackendWatch, Tally, play, start
from wire.connection import connect, data_converter
from wire.telemetry import metrics_runtime
from workers.worker import build_worker
from workflows.complaint import ComplaintWorkflow
from workflows.sandbox import WORKFLOW_RUNNER

WAITING = "resolved_confirmed"
"""A complaint left waiting for the customer's choice, to refuse an action on."""
PATHS = (
    "reopened_twice_manager_counters",  # reopens, escalations, manager response, remedies
    "declined_alternative_taken",  # a decline, its reason
    "remedy_refused_manager_denies",  # commerce refuses the remedy
    "silent_manager_next_level_approves",  # moved up a level
    "silent_specialist_to_operations_reassigned_withdrawn",  # the operations queue, twice
)
NEVER_ANSWERED = 1
"""Paths withdrawn before any answer on the substance: no first response."""
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def scrape(text: str, task_queue: str) -> Counter[tuple[str, frozenset]]:
    """Prometheus text format: the samples of `task_queue`, by name and labels."""
    samples: Counter[tuple[str, frozenset]] = Counter()
    for line in text.splitlines():
        if (match := SAMPLE.match(line)) is None:
            continue
        name, labels, value = match.groups()
        attributes = dict(LABEL.findall(labels or ""))
        if attributes.pop("task_queue", None) == task_queue:
            samples[(name, frozenset(attributes.items()))] += float(value)
    return samples


def total(samples: Counter, name: str, **labels: str) -> float:
    want = set(labels.items())
    return sum(v for (n, attrs), v in samples.items() if n == name and want <= attrs)


async def test_every_business_metric_is_counted_once(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    (port,) = free_ports(1)
    target = dev_env.client.service_client.config.target_host
    config = ClientConnectConfig(target_host=target, namespace=dev_env.client.namespace)
    client = await connect(config, runtime=metrics_runtime(f"127.0.0.1:{port}"), interceptors=[])
    backend = LocalBackend(tmp_path / "complaints.db")
    policies = InMemoryPolicyStore(ENDS_AT_CLOSING)
    for name in (*PATHS, WAITING):
        policies.add(BY_NAME[name].policy())
    task_queue = f"metrics-{uuid.uuid4().hex[:8]}"
    watch = BackendWatch(backend.db_path)
    watching = asyncio.create_task(watch.run())
    tally = Tally()
    try:
        # Without a cache, workflow tasks polled side by side were seen to sit unprocessed
        # until they timed out (10 s, up to three times in a row, 48 s a run, and a metric
        # counted twice): one workflow task at a time.
        async with build_worker(
            client,
            task_queue,
            backend,
            policies=policies,
            max_cached_workflows=0,
            max_concurrent_workflow_tasks=1,
        ):
            ids = [f"metrics-{name}-{uuid.uuid4().hex[:6]}" for name in PATHS]
            results = await asyncio.gather(
                *(
                    play(client, watch, BY_NAME[n], cid, task_queue, date.today(), tally)
                    for n, cid in zip(PATHS, ids, strict=True)
                )
            )
            # An action the workflow refuses: a stranger withdrawing a waiting complaint.
            waiting = await start(
                client, BY_NAME[WAITING], f"metrics-waiting-{uuid.uuid4().hex[:6]}",
                task_queue, date.today(), tally,
            )  # fmt: skip
            async with asyncio.timeout(60):
                while await waiting.query(ComplaintWorkflow.waiting_on) is None:
                    await asyncio.sleep(0.05)
            with pytest.raises(WorkflowUpdateFailedError):
                stranger = Withdrawal(customer_id="someone-else")
                await waiting.execute_update(ComplaintWorkflow.withdraw, stranger)
            await waiting.terminate("the metrics test is done with it")
            async with httpx.AsyncClient() as http:
                text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
            histories = [
                await client.get_workflow_handle(workflow_id_for(cid)).fetch_history()
                for cid in ids
            ]
    finally:
        watching.cancel()
        await backend.aclose()
    samples = scrape(text, task_queue)

    assert total(samples, "complaints_filed") == len(PATHS) + 1
    assert total(samples, "complaints_actions_refused", action="withdraw") == 1
    assert total(samples, "complaints_closed") == len(PATHS)
    for result in results:
        assert total(samples, "complaints_closed", outcome=result.outcome.value) >= 1
    assert total(samples, "complaints_resolution_seconds_count") == len(PATHS)
    responded = len(PATHS) + 1 - NEVER_ANSWERED
    assert total(samples, "complaints_first_response_seconds_count") == responded
    assert total(samples, "complaints_reopened") == 2
    assert total(samples, "complaints_remedies") == backend.count_remedies()
    assert total(samples, "complaints_remedy_amount_count") == backend.count_remedies()
    # Metrics are emitted once per workflow task attempt that records the event: a task that
    # timed out on a loaded machine and ran again counts it again (at least once).
    retried = any(
        e.HasField("workflow_task_timed_out_event_attributes")
        or e.HasField("workflow_task_failed_event_attributes")
        for history in histories
        for e in history.events
    )
    refused = total(samples, "complaints_remedies_refused")
    assert refused == 1 or (retried and refused >= 1), refused
    assert total(samples, "complaints_declined", reason="outside_return_window") >= 1
    escalations = sum(r.escalations for r in results)
    assert total(samples, "complaints_escalations") >= escalations > 0
    assert total(samples, "complaints_escalations", reason="manager_silent") == 1
    assert total(samples, "complaints_manager_response_seconds_count") >= 3
    assert total(samples, "complaints_moved_to_operations", waited_for="specialist") == 2
    assert total(samples, "complaints_reassigned", role="specialist") == 1
    # The SDK's own runtime metrics are served beside them.
    assert "temporal_workflow_task_schedule_to_start_latency" in text
    assert "temporal_activity_execution_latency" in text or "temporal_request" in text
    # Every business metric the dashboards name shows up, but the SLA ones and the survey's
    # (these lifecycles record no SLA event and end at closing, without a survey).
    seen = {name for name, _ in samples}
    for metric in metrics.METRICS:
        if metric in (metrics.SLA_WARNINGS, metrics.SLA_BREACHES, metrics.SURVEY_ANSWERS):
            continue
        stem = metric.name
        assert stem in seen or f"{stem}_count" in seen, f"{stem} not exported"

    # Replaying the same histories records nothing.
    buffer = MetricBuffer(1000)
    replayer = Replayer(
        workflows=[ComplaintWorkflow],
        data_converter=data_converter(),
        workflow_runner=WORKFLOW_RUNNER,
        runtime=Runtime(telemetry=TelemetryConfig(metrics=buffer)),
    )

    async def each():
        for history in histories:
            yield history

    await replayer.replay_workflows(each())
    replayed = {u.metric.name for u in buffer.retrieve_updates()}
    assert not replayed & {m.name for m in metrics.METRICS}, replayed
