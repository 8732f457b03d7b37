"""The complaint worker: registers the workflow and its activities on one task queue."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from temporalio.client import Client
from temporalio.common import WorkerDeploymentVersion
from temporalio.worker import Worker

from activities.backend import ComplaintBackend
from activities.complaint_activities import ComplaintActivities, PolicyActivities
from activities.http_backend import HttpBackend
from activities.local_backend import LocalBackend
from activities.policy_store import BOUNDS, FilePolicyStore, HttpPolicyStore, PolicyStore
from activities.smtp import with_smtp
from activities.staff_directory import (
    FileStaffDirectory,
    HttpStaffDirectory,
    StaffDirectorySource,
)
from wire.codec import PayloadKeyError
from wire.connection import connect, connect_config
from wire.telemetry import metrics_runtime
from workers.config import Settings, check_encryption
from workers.logging import configure_logging
from workers.versioning import deployment_config, deployment_version
from workflows.complaint import ComplaintWorkflow
from workflows.sandbox import WORKER_RUNNER


def load_settings() -> Settings:
    return Settings.from_env()


def make_backend(settings: Settings) -> ComplaintBackend:
    """The embedded local backend needs no outside service; "http" uses the company's own."""
    base: ComplaintBackend
    if settings.backend == "http":
        if settings.http is None:
            raise ValueError("COMPLAINTS_BACKEND=http needs the COMPLAINTS_HTTP_* settings")
        base = HttpBackend(settings.http)
    elif settings.backend == "local":
        base = LocalBackend(settings.local_db)
    else:
        raise ValueError(f"unknown COMPLAINTS_BACKEND {settings.backend!r} (known: local, http)")
    return with_smtp(base, os.environ)  # email over SMTP when COMPLAINTS_SMTP_* says so


def make_policy_store(settings: Settings) -> PolicyStore:
    """The policy service when one is configured, else the policy folders."""
    bounds = BOUNDS[settings.policy_bounds]
    if settings.policy_http is not None:
        return HttpPolicyStore(settings.policy_http, bounds)
    return FilePolicyStore(settings.policy_dirs, bounds)


def build_worker(
    client: Client,
    task_queue: str,
    backend: ComplaintBackend,
    *,
    staff: StaffDirectorySource | None = None,
    policies: PolicyStore | None = None,
    deployment: WorkerDeploymentVersion | None = None,
    **options: Any,
) -> Worker:
    """`staff`: the staff directory (default: the embedded demo directory). `policies`:
    the policy store (default: the one the environment configures, `make_policy_store`).
    `deployment`: the Worker Deployment version to run as (`workers.versioning`; None:
    unversioned). `options`: more `Worker` options (say, `max_cached_workflows`). The caller
    closes the backend and what it passes. The workflows run in `WORKER_RUNNER` unless
    `options` names a `workflow_runner`."""
    policies = policies or make_policy_store(load_settings())
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ComplaintWorkflow],
        workflow_runner=options.pop("workflow_runner", WORKER_RUNNER),
        activities=[
            *ComplaintActivities(backend, staff).as_list(),
            *PolicyActivities(policies).as_list(),
        ],
        deployment_config=deployment_config(deployment),
        **options,
    )


def make_staff_directory(settings: Settings) -> StaffDirectorySource:
    """The company's directory service, a directory document, or the embedded demo one."""
    if settings.staff_directory_url:
        token = settings.http.token if settings.http else ""
        return HttpStaffDirectory(settings.staff_directory_url, token)
    if settings.staff_directory_file:
        return FileStaffDirectory(settings.staff_directory_file)
    return FileStaffDirectory()


async def run_worker(client: Client, settings: Settings, stop: asyncio.Event) -> None:
    """Run until `stop` is set, then shut down gracefully and release the backend and the
    policy store."""
    check_encryption(settings, client.data_converter)
    backend = make_backend(settings)
    staff = make_staff_directory(settings)
    policies = make_policy_store(settings)
    try:
        version = deployment_version()
        async with build_worker(
            client,
            settings.task_queue,
            backend,
            staff=staff,
            policies=policies,
            deployment=version,
        ):
            await stop.wait()
    finally:
        await backend.aclose()
        await policies.aclose()
        if isinstance(staff, HttpStaffDirectory):
            await staff.aclose()


async def _main() -> None:
    configure_logging()
    try:
        settings = load_settings()
        client = await connect(
            connect_config(settings.temporal_address, settings.namespace),
            runtime=metrics_runtime(settings.metrics_address),
        )
    except PayloadKeyError as error:
        raise SystemExit(f"worker: {error}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"worker on task queue {settings.task_queue!r} at {settings.temporal_address}")
    if settings.metrics_address:
        print(f"metrics on http://{settings.metrics_address}/metrics")
    await run_worker(client, settings, stop)


if __name__ == "__main__":
    asyncio.run(_main())
