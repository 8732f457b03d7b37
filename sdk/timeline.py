"""A complaint's record as a person reads it: one dated line per domain event.

Contact details never appear, and free text (reasons, comments) is redacted,
so a timeline can be pasted into a ticket or a chat.
"""

from __future__ import annotations

from domain.redaction import redact_text
from domain.wording import when, words
from schemas import events as ev
from schemas.actions import DecisionKind
from schemas.events import DomainEvent
from schemas.remedies import Remedy, money


def _remedies(remedies: list[Remedy]) -> str:
    return ", ".join(r.label() for r in remedies) or "nothing"


def _text(value: str | None) -> str:
    return f': "{redact_text(value)}"' if value else ""


def describe(event: DomainEvent, requested: Remedy | None = None) -> str:  # noqa: C901
    """What happened, in a short sentence (one case per event); `requested` is what the open
    escalation asked for, which a manager's approval grants when it names no remedy."""
    match event:
        case ev.Received(intake=i):
            facts = [f"{words(i.category.value)}", f"severity {i.severity.value}"]
            if i.order_reference:
                facts.append(f"order {i.order_reference}")
            if i.amount is not None:
                facts.append(f"amount {money(i.amount)} {i.currency or ''}".rstrip())
            return f"filed by customer {i.customer_id} via {i.channel.value}: " + ", ".join(facts)
        case ev.Acknowledged():
            return "acknowledged"
        case ev.DetailsRequested(missing=missing, reply_by=by):
            return f"asked the customer for {', '.join(map(words, missing))} (by {when(by)})"
        case ev.DetailsProvided(details=d):
            given = [field.value for field in d.given()]
            return f"customer provided {', '.join(map(words, given)) or 'a note'}"
        case ev.DetailsDeadlinePassed(still_missing=missing):
            return f"no reply in time; going on without {', '.join(map(words, missing))}"
        case ev.Paused(reason=reason):
            return f"paused{_text(reason)}"
        case ev.SpecialistAssigned():
            return "specialist assigned"
        case ev.SpecialistReminded():
            return "specialist reminded"
        case ev.Resumed(staff_id=staff, note=note):
            return f"resumed by {staff}{_text(note)}"
        case ev.SeverityRaised(from_severity=before, to_severity=after, reason=reason):
            return f"severity raised from {before.value} to {after.value}{_text(reason)}"
        case ev.SafetyReferred(hazard=hazard):
            kind = hazard.kind.value.replace("_", " ")
            return f"referred to the safety officers ({kind}){_text(hazard.description)}"
        case ev.SafetyOfficerPaged():
            return "safety officer paged"
        case ev.SafetyReminded(review_by=review_by):
            last = "" if review_by is not None else " (the last reminder)"
            return f"safety officers reminded{last}"
        case ev.SafetyAcknowledged(staff_id=staff, note=note):
            return f"safety report acknowledged by {staff}{_text(note)}"
        case ev.MovedToOperations(waited_for=role, reminders=reminders, level=level):
            whom = f"level {level} manager" if level else role.value
            return f"no {whom} acted after {reminders} reminders: moved to the operations queue"
        case ev.Reassigned(staff_id=staff, assignee_id=assignee, note=note, respond_by=by):
            return f"reassigned by {staff} to {assignee} (respond by {when(by)}){_text(note)}"
        case ev.Apologised():
            return "apologised"
        case ev.Thanked():
            return "thanked the customer"
        case ev.SolutionsProposed(options=options, default=default, choose_by=by, proposed_by=who):
            return (
                f"{who} proposed {_remedies(options)} "
                f"(default {default.label()}, choose by {when(by)})"
            )
        case ev.SolutionChosen(remedy=remedy, by=by):
            return (
                f"{'customer chose' if by == 'customer' else 'default applied:'} {remedy.label()}"
            )
        case ev.Declined(requested=requested, reasons=reasons, decided_by=who) as e:
            asked = requested.label() if requested else "the request"
            why = "; ".join(r.rule for r in reasons)
            appeal = ", may appeal" if e.can_appeal else ", final"
            return f"{who} declined {asked}: {why} (offered {_remedies(e.alternatives)}{appeal})"
        case ev.Appealed(reason=reason):
            return f"customer appealed{_text(reason)}"
        case ev.Escalated(level=level, reason=reason, requested=requested) as e:
            asked = f", requested {requested.label()}" if requested else ""
            exception = ", needs a policy exception" if e.policy_exception else ""
            return (
                f"escalated to level {level} ({words(reason.value)}{asked}{exception}; "
                f"respond by {when(e.respond_by)})"
            )
        case ev.ManagerNotified(level=level):
            return f"level {level} manager paged"
        case ev.ManagerReminded(level=level, respond_by=by):
            return f"level {level} manager reminded (respond by {when(by)})"
        case ev.EscalatedToNextLevel(from_level=low, to_level=high):
            return f"no answer from level {low}: moved up to level {high}"
        case ev.StaffIdentified(role=role, level=level, members=members):
            at = f" at level {level} or above" if level else ""
            found = ", ".join(m.staff_id for m in members) or "nobody"
            return f"{role.value}s who may act{at}: {found}"
        case ev.ManagerDecided(decision=d, decider_id=who, level=level) as e:
            if d.remedy:
                granted = f" {d.remedy.label()}"
            elif d.kind is not DecisionKind.DENY and requested:
                granted = f" (the requested {requested.label()})"
            else:
                granted = ""
            second = " (first of two: a second manager must confirm)" if e.awaiting_second else ""
            return f"{who} (level {level}): {d.kind.value}{granted}{second}{_text(d.reason)}"
        case ev.CallbackPromised(due=due):
            return f"callback promised by {when(due)}"
        case ev.CallbackMade():
            return "called the customer back as promised"
        case ev.RemedyExecuted(remedy=remedy, reference=ref, authorised_by=who):
            return f"carried out {remedy.label()} (ref {ref}, authorised by {who})"
        case ev.RemedyFailed(remedy=remedy, error=error):
            return f"{remedy.label()} failed{_text(error)}"
        case ev.Resolved(remedy=remedy, follow_up_at=at):
            return f"resolved with {remedy.label()}; follow-up on {when(at)}"
        case ev.FollowUpSent(reminder=reminder, reply_by=by):
            kind = "follow-up reminder" if reminder else "follow-up"
            return f"{kind} sent (reply by {when(by)})"
        case ev.FixConfirmed(comment=comment):
            return f"customer confirmed the fix{_text(comment)}"
        case ev.Reopened(comment=comment):
            return f"customer says it is not fixed: reopened{_text(comment)}"
        case ev.EmployeeFollowUpRecorded(employee_reference=employee, reference=ref):
            return f"employee follow-up recorded for {employee or 'unknown employee'} (ref {ref})"
        case ev.Withdrawn(reason=reason):
            return f"customer withdrew{_text(reason)}"
        case ev.Closed(outcome=outcome):
            return f"closed: {words(outcome.value)}"
        case ev.AftercareOpened(reopen_until=until, survey_at=survey_at):
            survey = f", survey on {when(survey_at)}" if survey_at else ""
            return f"reopen window open until {when(until)}{survey}"
        case ev.SurveySent():
            return "satisfaction survey sent"
        case ev.SurveyAnswered(score=score, comment=comment):
            return f"customer rated the handling {score} of 5{_text(comment)}"
        case ev.ReopenWindowClosed():
            return "reopen window passed: a later reply is a new complaint"
        case ev.LinkedToOpenComplaint(complaint_id=other):
            return f"added to the customer's open complaint {other} about the same order"
        case ev.SlaWarned(clock=clock, due_at=due):
            return f"SLA warning: {words(clock.value)} due {when(due)}"
        case ev.SlaBreached(clock=clock, due_at=due, escalate=escalate):
            then = ", escalated" if escalate else ""
            return f"SLA breached: {words(clock.value)} was due {when(due)}{then}"
    return event.type


def timeline(events: list[DomainEvent]) -> list[str]:
    lines, requested = [], None
    for event in events:
        if isinstance(event, ev.Escalated):
            requested = event.requested
        lines.append(f"{when(event.at)}  {describe(event, requested)}")
    return lines
