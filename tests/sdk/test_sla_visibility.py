"""On a real dev server, visibility queries on SlaState and SlaDueAt find exactly the
complaints they should: breached, paused, due within the hour, due later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from schemas.intake import Category, Severity
from schemas.policy import (
    SlaPolicy,
    SlaTargets,
)
from sdk import ComplaintClient
from tests.builders import ALWAYS_OPEN, ENDS_AT_CLOSING
from tests.conftest import DevWorker
from tests.factories import make_intake
from tests.polling import until_found


def targets(resolution: timedelta) -> SlaTargets:
    return SlaTargets(
        first_response=timedelta(hours=1), next_update=timedelta(hours=10), resolution=resolution
    )


POLICY = ENDS_AT_CLOSING.model_copy(
    update={
        "version": "sla-visibility",
        "sla": SlaPolicy(
            targets={
                Severity.CRITICAL: targets(timedelta(seconds=3)),
                Severity.HIGH: targets(timedelta(minutes=30)),
                Severity.MEDIUM: targets(timedelta(hours=5)),
                Severity.LOW: targets(timedelta(hours=8)),
            },
            calendars={"default": ALWAYS_OPEN},
        ),
    }
)


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_visibility_finds_breached_paused_and_soon_due_complaints(
    complaints: ComplaintClient, dev_worker: DevWorker
):
    version = dev_worker.policies.add(POLICY)
    customer = f"cust-{uuid.uuid4().hex[:8]}"

    def escalated(severity: Severity):
        """A rude-employee complaint waits on a manager: its clocks run."""
        return make_intake(
            customer_id=customer,
            category=Category.RUDE_EMPLOYEE,
            employee_reference="EMP-17",
            severity=severity,
        )

    breaching, soon, later = (
        escalated(s) for s in (Severity.CRITICAL, Severity.HIGH, Severity.LOW)
    )
    waiting = make_intake(customer_id=customer, purchase_date=None)  # we ask for the date
    ids = {c.complaint_id for c in (breaching, soon, later, waiting)}
    for intake in (breaching, soon, later, waiting):
        await complaints.file_complaint(intake, policy_version=version)
    in_an_hour = rfc3339(datetime.now(UTC) + timedelta(hours=1))
    mine = f"CustomerId = '{customer}'"

    await until_found(
        complaints, f"{mine} AND SlaState = 'breached'", ids, {breaching.complaint_id}
    )
    await until_found(complaints, f"{mine} AND SlaState = 'paused'", ids, {waiting.complaint_id})
    await until_found(
        complaints,
        f"{mine} AND SlaState != 'breached' AND SlaDueAt < '{in_an_hour}'",
        ids,
        {soon.complaint_id},
    )
    await until_found(
        complaints,
        f"{mine} AND SlaState = 'ok' AND SlaDueAt > '{in_an_hour}'",
        ids,
        {later.complaint_id},
    )
    pages = dev_worker.backend.pages(breaching.complaint_id)
    assert [(p.kind, p.level) for p in pages] == [("escalation", 1), ("sla_breach", 1)]

    for intake in (breaching, soon, later, waiting):
        await complaints.withdraw(intake.complaint_id, customer_id=customer)
