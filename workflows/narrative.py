"""What the Temporal UI says about a complaint, so its page reads as the complaint's story.

Pure text from the intake and the state: the summary and details fixed at start,
and the current details the workflow refreshes at every step. Contact details
never appear; free text is redacted.
"""

from __future__ import annotations

from domain.lifecycle import waiting_for
from domain.redaction import redact_text
from domain.wording import when, words
from schemas.intake import ComplaintIntake
from schemas.policy import CompanyPolicy
from schemas.state import ComplaintState, WaitingOn

_DESCRIPTION_CHARS = 280


def start_summary(intake: ComplaintIntake) -> str:
    """One line for the workflow list, e.g. 'defective product, high: ORD-1 (cust-1)'."""
    about = intake.order_reference or intake.employee_reference or "no order"
    return (
        f"{words(intake.category.value)}, {intake.severity.value}: {about} "
        f"(customer {intake.customer_id})"
    )


def start_details(intake: ComplaintIntake) -> str:
    """The facts as filed, in markdown."""
    lines = [
        f"**Complaint** `{intake.complaint_id}` from customer `{intake.customer_id}` "
        f"via {words(intake.channel.value)} ({intake.language.value})",
        f"**Category** {words(intake.category.value)}, severity {intake.severity.value}"
        + (" (abusive conversation)" if intake.abusive else ""),
    ]
    if intake.order_reference:
        lines.append(f"**Order** {intake.order_reference}")
    if intake.amount is not None:
        currency = f" {intake.currency}" if intake.currency else ""
        lines.append(f"**Amount** {intake.amount}{currency}")
    if intake.receipt_present is not None:
        lines.append(f"**Receipt** {'yes' if intake.receipt_present else 'no'}")
    if intake.purchase_date:
        lines.append(f"**Bought** {intake.purchase_date.isoformat()}")
    if intake.employee_reference:
        lines.append(f"**About employee** {intake.employee_reference}")
    description = redact_text(intake.description)[:_DESCRIPTION_CHARS]
    lines.append(f"> {description}")
    return "\n\n".join(lines)


def current_details(
    state: ComplaintState, waiting_on: WaitingOn | None, policy: CompanyPolicy
) -> str:
    """Where the complaint stands, in markdown: status, what it waits for and until when,
    and the policy it runs under."""
    status = words(state.status.value)
    if state.outcome is not None:
        status += f" ({words(state.outcome.value)})"
    elif state.escalation is not None:
        manager = policy.manager(state.escalation.level)
        status += (
            f" (escalated: {words(state.escalation.reason.value)}, "
            f"level {manager.level} {manager.title})"
        )
    lines = [f"**Status** {status}"]
    if waiting_on:
        lines.append(f"**Waiting for** {waiting_on.value}")
    wait = waiting_for(state)
    if wait is not None and wait.until is not None:
        lines.append(f"**Until** {when(wait.until)}")
    if state.callback_due is not None:
        lines.append(f"**Next callback** {when(state.callback_due)}")
    if state.chosen is not None and state.resolved_with is None:
        lines.append(f"**Agreed remedy** {state.chosen.label()}")
    if state.resolved_with is not None:
        lines.append(f"**Carried out** {state.resolved_with.label()}")
    if state.reopen_count:
        lines.append(f"**Reopened** {state.reopen_count}x")
    lines.append(f"**Policy** {policy.version}")
    return "\n\n".join(lines)
