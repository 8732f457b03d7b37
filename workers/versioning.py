"""Worker Versioning: which Worker Deployment version this worker runs as.

`COMPLAINTS_BUILD_ID` set: the worker is that build of the deployment
`COMPLAINTS_DEPLOYMENT_NAME` (default `complaints`), a versioned worker. Each complaint is
pinned to the build it started on (`ComplaintWorkflow` is `PINNED`), so a new build never
replays an old complaint's history; new complaints go to the deployment's current version,
which operators set (`temporal worker deployment set-current-version`, or
`set_current_version` here). Unset (the default, e.g. `make run`): an unversioned worker,
as before, and patches (`workflow.patched`) carry changes; see docs/replay.md.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import WorkerDeploymentConfig

DEFAULT_DEPLOYMENT = "complaints"


def deployment_version(environ: Mapping[str, str] = os.environ) -> WorkerDeploymentVersion | None:
    """The version the environment names; None for an unversioned worker."""
    build_id = environ.get("COMPLAINTS_BUILD_ID", "").strip()
    if not build_id:
        return None
    name = environ.get("COMPLAINTS_DEPLOYMENT_NAME", "").strip() or DEFAULT_DEPLOYMENT
    return WorkerDeploymentVersion(deployment_name=name, build_id=build_id)


def deployment_config(version: WorkerDeploymentVersion | None) -> WorkerDeploymentConfig | None:
    if version is None:
        return None
    return WorkerDeploymentConfig(
        version=version,
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.PINNED,
    )


_NOT_YET = (
    RPCStatusCode.NOT_FOUND,
    RPCStatusCode.FAILED_PRECONDITION,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
)
"""Answers after which setting the current version is tried again."""


async def set_current_version(
    client: Client, version: WorkerDeploymentVersion, timeout_s: float = 60.0
) -> None:
    """Make `version` the one new complaints start on. The server knows a version once a
    worker of it has polled, and a busy server may cancel or time out the change (it is
    idempotent), so this retries until then (or `timeout_s`)."""
    request = SetWorkerDeploymentCurrentVersionRequest(
        namespace=client.namespace,
        deployment_name=version.deployment_name,
        build_id=version.build_id,
        identity="complaints-versioning",
    )
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await client.workflow_service.set_worker_deployment_current_version(request)
            return
        except RPCError as error:
            retry = error.status in _NOT_YET
            if not retry or asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.2)
