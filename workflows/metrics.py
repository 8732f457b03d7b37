"""Business metrics from inside the workflow, through the SDK's replay-safe meter.

`domain.metrics` says what each event means; this records it on `workflow.metric_meter()`,
which drops every observation made while the workflow replays, so a worker that rebuilds a
complaint from its history (cache eviction, restart, another worker) counts nothing twice.
Recording emits no command: it changes nothing in history.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.metrics import Kind, Metric, Observation, observe, refused
    from schemas.events import DomainEvent


def _instrument(metric: Metric):
    meter = workflow.metric_meter()
    if metric.kind is Kind.COUNTER:
        return meter.create_counter(metric.name, metric.description, metric.unit)
    return meter.create_histogram_float(metric.name, metric.description, metric.unit)


def record(observations: Sequence[Observation]) -> None:
    for observation in observations:
        instrument = _instrument(observation.metric)
        if observation.metric.kind is Kind.COUNTER:
            instrument.add(int(observation.value), observation.attributes)
        else:
            instrument.record(observation.value, observation.attributes)


def on_event(history: Sequence[DomainEvent], event: DomainEvent) -> None:
    """Record what `event` means, given the events recorded before it."""
    record(observe(history, event))


def on_refused(action: str) -> None:
    record([refused(action)])
