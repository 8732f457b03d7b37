"""The workflow's own input and result."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.intake import ComplaintIntake
from schemas.messages import Outcome
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy


class ComplaintInput(BaseModel):
    """Start argument of `ComplaintWorkflow`: the complaint and the policy it runs under."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intake: ComplaintIntake
    policy: CompanyPolicy = Field(default_factory=CompanyPolicy)


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
