"""Metrics and traces for every process that talks to Temporal, configured by the environment.

- **Metrics** (workers): ``COMPLAINTS_METRICS_ADDRESS`` (e.g. ``127.0.0.1:9464``) serves the
  SDK's runtime telemetry and the workflow's business metrics (`domain.metrics`) in
  Prometheus format at ``http://<address>/metrics``. Unset: no endpoint.
- **Traces** (clients and workers): off by default; on when ``OTEL_TRACES_EXPORTER=otlp`` or
  an OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
  ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``), exported over OTLP/HTTP as the standard ``OTEL_*``
  variables say (``OTEL_SERVICE_NAME``, headers, timeouts); ``OTEL_SDK_DISABLED=true`` or
  ``OTEL_TRACES_EXPORTER=none`` keeps them off. The SDK's `TracingInterceptor` carries the
  trace from the client that starts or acts on a complaint through the workflow to its
  activities, and the HTTP backend's requests are spans of their own (httpx instrumentation).

OpenTelemetry is imported only once tracing is used: a process that does not trace (the
CLI, most workers) does not pay for importing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

if TYPE_CHECKING:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from temporalio.contrib.opentelemetry import TracingInterceptor

METRICS_ENV = "COMPLAINTS_METRICS_ADDRESS"
SERVICE_NAME = "complaint-engine"

_provider: TracerProvider | None = None


def metrics_runtime(address: str | None) -> Runtime | None:
    """A runtime serving Prometheus metrics on `address` (host:port), or None (the default
    runtime, no endpoint). One per process: it binds the port."""
    if not address:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))


def metrics_runtime_from_env(env: Mapping[str, str]) -> Runtime | None:
    return metrics_runtime(env.get(METRICS_ENV))


def tracing_enabled(env: Mapping[str, str]) -> bool:
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter == "none":
        return False
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    return exporter == "otlp" or bool(endpoint)


def tracing_interceptor(provider: trace.TracerProvider) -> TracingInterceptor:
    """Spans for client calls, workflows and activities on `provider`, and for the HTTP
    backend's requests (httpx clients created from now on)."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from temporalio.contrib.opentelemetry import TracingInterceptor

    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)
    return TracingInterceptor(provider.get_tracer(SERVICE_NAME))


def stop_http_tracing() -> None:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    instrumentor = HTTPXClientInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()


def interceptors_from_env(env: Mapping[str, str]) -> list[TracingInterceptor]:
    """The tracing interceptor when the environment turns traces on (once per process:
    the OTLP exporter and provider are shared), else nothing."""
    global _provider
    if not tracing_enabled(env):
        return []
    if _provider is None:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        _provider = TracerProvider(
            resource=Resource.create({"service.name": SERVICE_NAME}).merge(Resource.create())
        )
        _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(_provider)
    return [tracing_interceptor(_provider)]
