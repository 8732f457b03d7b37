"""The sandbox the complaint workflow runs in: Temporal's default, with `cryptography`
passed through, because validators verify staff signatures with it and its native core
must be the process's one instance, and `holidays` (with `dateutil`), whose countries the
business calendars import lazily. Workers and every `Replayer` use it."""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        "cryptography", "holidays", "dateutil"
    )
)
