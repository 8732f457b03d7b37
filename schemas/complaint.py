"""The workflow's own input and result."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from schemas.events import DomainEvent
from schemas.intake import ComplaintIntake
from schemas.messages import Outcome
from schemas.policy import CompanyPolicy, PolicyVersion
from schemas.remedies import Remedy


class Continuation(BaseModel):
    """What a complaint carries into its next run at continue-as-new: its whole record (the
    state is its fold), the effect counts behind its idempotency keys, and the policy it
    runs under. The workflow accepts it only in a run started by continue-as-new."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    events: list[DomainEvent]
    effects_per_step: dict[str, int]
    policy: CompanyPolicy
    sla_clocks: bool = False
    """Whether the SLA clocks ran (the `sla-clocks` patch and the policy, as the first run
    decided); the next run runs them as the first did."""


class ComplaintInput(BaseModel):
    """Start argument of `ComplaintWorkflow`: the complaint, and which of the operator's
    policy versions it runs under (None: the current one). Never the policy itself: the
    worker loads it from its own store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intake: ComplaintIntake
    policy_version: PolicyVersion | None = None
    continued: Continuation | None = None
    """Set by the workflow itself when it continues as new; refused in any other start."""

    @model_validator(mode="before")
    @classmethod
    def _no_policy_content(cls, data: Any) -> Any:
        if isinstance(data, dict) and "policy" in data:
            raise PydanticCustomError(
                "policy_not_accepted",
                "policy: a start cannot carry policy content, the policy is the operator's "
                "and the worker loads it; name one of its versions with policy_version",
            )
        return data


class ComplaintResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    complaint_id: str
    outcome: Outcome
    remedy: Remedy | None
    reopen_count: int
    escalations: int
    event_count: int


TASK_QUEUE = "complaints"
"""Where workers poll and clients start complaints (`COMPLAINTS_TASK_QUEUE` overrides it)."""
DEFAULT_ADDRESS = "127.0.0.1:7233"
"""The Temporal frontend when `TEMPORAL_ADDRESS` is not set (the dev server's default)."""
DEFAULT_NAMESPACE = "default"
WORKFLOW_ID_PREFIX = "complaint-"


def workflow_id_for(complaint_id: str) -> str:
    """One workflow per complaint: filing the same complaint twice finds the same one."""
    return f"{WORKFLOW_ID_PREFIX}{complaint_id}"
