"""The sandboxes the complaint workflow runs in.

`WORKFLOW_RUNNER`: Temporal's default, with `cryptography` passed through, because
validators verify staff signatures with it and its native core must be the process's one
instance, and `holidays` (with `dateutil`), whose countries the business calendars import
lazily. Every `Replayer` uses it (the replay tests run every recorded path in it), and so
do the tests that build their own `Worker`; tests through `build_worker` get `WORKER_RUNNER`.

`WORKER_RUNNER`: the same, with our `workflows` package passed through as well, so a new
workflow instance does not import and define `workflows/complaint.py` again (about 10 ms
of CPU per complaint started or woken from outside the cache). The package keeps no
module state; the checks it skips, `WORKFLOW_RUNNER` runs in CI over every recorded
path. Workers use it (`workers.worker.build_worker`).
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

_PASSED_THROUGH = ("cryptography", "holidays", "dateutil")

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*_PASSED_THROUGH)
)
WORKER_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*_PASSED_THROUGH, "workflows")
)
