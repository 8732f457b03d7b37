"""A trace from the client that files a complaint through the workflow to its activities
and the HTTP backend's requests, captured by an in-memory exporter; and traces are off
unless the standard OTEL_* environment turns them on."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.envconfig import ClientConnectConfig
from temporalio.testing import WorkflowEnvironment

from activities.http_backend import HttpBackend
from activities.policy_store import InMemoryPolicyStore
from schemas.complaint import ComplaintInput, workflow_id_for
from tests.builders import ENDS_AT_CLOSING
from tests.fakes.http_services import HttpServices
from tests.reliability.paths import BY_NAME
from wire import telemetry
from wire.connection import connect
from workers.worker import build_worker
from workflows.complaint import ComplaintWorkflow

SILENT = BY_NAME["details_never_given_default_remedy"]
"""Nobody acts: every deadline lapses, the default remedy is carried out."""
LAPSE = timedelta(milliseconds=300)
"""Each of its five lapsing deadlines (the path's own: 2 s each): nobody answers anyway."""
_POLICY = SILENT.policy()
POLICY = _POLICY.model_validate(
    _POLICY.model_dump()
    | {"deadlines": _POLICY.deadlines.model_dump() | dict.fromkeys(SILENT.lapses, LAPSE)}
)


async def test_one_trace_from_filing_to_the_http_backend(
    dev_env: WorkflowEnvironment, services: HttpServices
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    interceptor = telemetry.tracing_interceptor(provider)
    try:
        target = dev_env.client.service_client.config.target_host
        config = ClientConnectConfig(target_host=target, namespace=dev_env.client.namespace)
        client = await connect(config, interceptors=[interceptor])
        backend = HttpBackend(services.config(timeout_s=5.0))  # instrumented: made after
        policies = InMemoryPolicyStore(ENDS_AT_CLOSING)
        policies.add(POLICY)
        task_queue = f"traces-{uuid.uuid4().hex[:8]}"
        complaint_id = f"traced-{uuid.uuid4().hex[:8]}"
        try:
            async with build_worker(client, task_queue, backend, policies=policies):
                arg = ComplaintInput(
                    intake=SILENT.make_intake(complaint_id, date.today()),
                    policy_version=POLICY.version,
                )
                result = await client.execute_workflow(
                    ComplaintWorkflow.run, arg, id=workflow_id_for(complaint_id),
                    task_queue=task_queue,
                )  # fmt: skip
        finally:
            await backend.aclose()
    finally:
        telemetry.stop_http_tracing()
        provider.shutdown()
    assert result.remedy is not None

    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    [start] = [s for s in spans if s.name == "StartWorkflow:ComplaintWorkflow"]
    trace_id = start.context.trace_id
    ours = [s for s in spans if s.context.trace_id == trace_id]
    assert "RunWorkflow:ComplaintWorkflow" in {s.name for s in ours}, names
    assert "RunActivity:execute_remedy" in {s.name for s in ours}, names
    assert any(s.name.startswith("RunActivity:tell customer") for s in ours), names
    http = [s for s in ours if s.attributes.get("http.request.method") or "POST" in s.name]
    assert http, names
    by_id = {s.context.span_id: s for s in ours}
    for span in http:  # each request hangs under an activity that made it
        parent = by_id[span.parent.span_id]
        assert parent.name.startswith("RunActivity:"), (span.name, parent.name)
    assert {s.context.trace_id for s in http} == {trace_id}
    assert services.remedies(complaint_id)


def test_traces_are_off_by_default_and_on_by_the_standard_variables() -> None:
    assert not telemetry.tracing_enabled({})
    assert telemetry.interceptors_from_env({}) == []
    assert telemetry.tracing_enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert telemetry.tracing_enabled({"OTEL_TRACES_EXPORTER": "otlp"})
    assert not telemetry.tracing_enabled(
        {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318"}
    )
    assert not telemetry.tracing_enabled(
        {"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}
    )
