"""State is a fold of events: `state = fold(events)`.

Pure and total: given the same events it always yields the same state, which
is what lets Temporal replay a complaint and lets tests check it without a server.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from schemas import events as ev
from schemas.events import DomainEvent
from schemas.messages import Outcome
from schemas.staff import StaffRole
from schemas.state import Approval, ComplaintState, Escalation, OperationsCase, Status


def evolve(state: ComplaintState, event: DomainEvent) -> ComplaintState:
    """Apply one event. Answers to the customer also fulfil any promised callback."""
    return state.model_copy(update=_changes(state, event))


def fold(events: Iterable[DomainEvent]) -> ComplaintState:
    return reduce(evolve, events, ComplaintState())


def _changes(state: ComplaintState, event: DomainEvent) -> dict:  # noqa: C901 - one case per event
    match event:
        case ev.Received(intake=intake, policy_version=version):
            return {"intake": intake, "policy_version": version, "status": Status.RECEIVED}
        case ev.Acknowledged():
            return {"acknowledged": True}
        case ev.DetailsRequested(missing=missing, reply_by=reply_by):
            return {
                "missing_details": missing,
                "reply_by": reply_by,
                "status": Status.AWAITING_DETAILS,
            }
        case ev.DetailsProvided(details=details):
            assert state.intake is not None
            given = {field.value: getattr(details, field.value) for field in details.given()}
            if details.currency is not None:  # refused unless it is the complaint's
                given["currency"] = details.currency
            intake = state.intake.model_copy(update=given)
            return {
                "intake": intake,
                "missing_details": [f for f in state.missing_details if f not in given],
                "reply_by": None,
                "status": Status.IN_PROGRESS,
            }
        case ev.DetailsDeadlinePassed(still_missing=missing):
            return {"missing_details": missing, "reply_by": None, "status": Status.IN_PROGRESS}
        case ev.Paused(reason=reason, review_by=review_by):
            return {
                "paused_reason": reason,
                "review_by": review_by,
                "specialist_reminders": 0,
                "status": Status.PAUSED,
            }
        case ev.SpecialistAssigned():
            return {}
        case ev.SpecialistReminded(review_by=review_by):
            return {"review_by": review_by, "specialist_reminders": state.specialist_reminders + 1}
        case ev.MovedToOperations(waited_for=role, reminders=reminders, level=level):
            case = OperationsCase(waited_for=role, since=event.at, reminders=reminders, level=level)
            return {"operations": case, "review_by": None, "status": Status.IN_OPERATIONS}
        case ev.StaffIdentified(role=StaffRole.OPERATIONS, members=members):
            assert state.operations is not None
            return {"operations": state.operations.model_copy(update={"operators": members})}
        case ev.Reassigned(role=StaffRole.SPECIALIST) as e:
            return {
                "review_by": e.respond_by,
                "specialist_reminders": 0,
                "operations": None,
                "assignee": e.assignee_id,
                "nonces": [*state.nonces, e.nonce],
                "status": Status.PAUSED,
            }
        case ev.Reassigned() as e:
            assert state.escalation is not None
            escalation = state.escalation.model_copy(
                update={"respond_by": e.respond_by, "reminded": False, "reminders": 0}
            )
            return {
                "escalation": escalation,
                "operations": None,
                "assignee": e.assignee_id,
                "nonces": [*state.nonces, e.nonce],
                "status": Status.AWAITING_MANAGER,
            }
        case ev.Resumed(nonce=nonce):
            return {
                "paused_reason": None,
                "review_by": None,
                "nonces": [*state.nonces, nonce],
                "status": Status.IN_PROGRESS,
            }
        case ev.StaffIdentified(role=StaffRole.SPECIALIST, members=members):
            return {"specialists": members}
        case ev.StaffIdentified(role=StaffRole.SAFETY, members=members):
            return {"safety_officers": members}
        case ev.SeverityRaised(to_severity=severity):
            assert state.intake is not None
            return {"intake": state.intake.model_copy(update={"severity": severity})}
        case ev.SafetyReferred(review_by=review_by):
            return {"safety_review_by": review_by, "status": Status.AWAITING_SAFETY}
        case ev.SafetyOfficerPaged():
            return {}
        case ev.SafetyReminded(review_by=review_by):
            return {"safety_review_by": review_by, "safety_reminders": state.safety_reminders + 1}
        case ev.SafetyAcknowledged(staff_id=staff_id, nonce=nonce):
            return {
                "safety_review_by": None,
                "safety_acknowledged_by": staff_id,
                "nonces": [*state.nonces, nonce],
                "status": Status.IN_PROGRESS,
            }
        case ev.StaffIdentified(members=members):
            assert state.escalation is not None
            return {"escalation": state.escalation.model_copy(update={"deciders": members})}
        case ev.Apologised():
            return {"apologised": True}
        case ev.Thanked():
            return {"thanked": True}
        case ev.SolutionsProposed(options=options, default=default, choose_by=choose_by) as e:
            return {
                "options": options,
                "default_option": default,
                "offered_by": e.proposed_by,
                "chosen": None,
                "authorised_by": None,
                "reply_by": choose_by,
                "status": Status.AWAITING_CHOICE,
                "callback_due": None,
            }
        case ev.SolutionChosen(remedy=remedy):
            own_proposal = state.status is Status.AWAITING_CHOICE and state.offered_by == ev.AGENT
            return {
                "chosen": remedy,
                "authorised_by": None if own_proposal else state.offered_by,
                "reply_by": None,
                "status": Status.IN_PROGRESS,
                "options": [],
                "alternatives": [],
            }
        case ev.Declined(reasons=reasons, alternatives=alternatives, can_appeal=can_appeal) as e:
            return {
                "declined_request": e.requested,
                "offered_by": e.decided_by,
                "decline_reasons": reasons,
                "alternatives": alternatives,
                "can_appeal": can_appeal,
                "reply_by": e.answer_by,
                "status": Status.DECLINED,
                "callback_due": None,
                "escalation": None,
            }
        case ev.Appealed():
            return {"appealed": True, "can_appeal": False, "status": Status.IN_PROGRESS}
        case ev.Escalated(level=level, reason=reason, requested=requested) as e:
            escalation = Escalation(
                level=level,
                reason=reason,
                requested=requested,
                policy_exception=e.policy_exception,
                respond_by=e.respond_by,
            )
            return {
                "escalation": escalation,
                "escalations": state.escalations + 1,
                "decision": None,
                "decided_by": None,
                "status": Status.AWAITING_MANAGER,
            }
        case ev.ManagerNotified():
            return {}
        case ev.ManagerReminded(respond_by=respond_by):
            assert state.escalation is not None
            return {
                "escalation": state.escalation.model_copy(
                    update={
                        "respond_by": respond_by,
                        "reminded": True,
                        "reminders": state.escalation.reminders + 1,
                    }
                )
            }
        case ev.EscalatedToNextLevel(to_level=level, respond_by=respond_by):
            assert state.escalation is not None
            return {
                "escalation": state.escalation.model_copy(
                    update={
                        "level": level,
                        "respond_by": respond_by,
                        "reminded": False,
                        "reminders": 0,
                        "deciders": [],
                    }
                )
            }
        case ev.ManagerDecided(decision=decision, decider_id=decider, nonce=nonce) as e:
            nonces = [*state.nonces, nonce]
            if e.awaiting_second:
                assert state.escalation is not None
                approvals = [
                    *state.escalation.approvals,
                    Approval(decider_id=decider, decision=decision),
                ]
                escalation = state.escalation.model_copy(update={"approvals": approvals})
                return {"escalation": escalation, "nonces": nonces}
            return {
                "decision": decision,
                "decided_by": decider,
                "deciders": [*state.deciders, decider],
                "nonces": nonces,
                "status": Status.IN_PROGRESS,
            }
        case ev.CallbackPromised(due=due):
            return {"callback_due": due}
        case ev.CallbackMade():
            return {"callback_due": None, "callbacks_made": state.callbacks_made + 1}
        case ev.RemedyExecuted(remedy=remedy):
            return {"remedies_executed": [*state.remedies_executed, remedy]}
        case ev.RemedyFailed():
            return {}
        case ev.Resolved(remedy=remedy, follow_up_at=follow_up_at):
            return {
                "resolved_with": remedy,
                "follow_up_at": follow_up_at,
                "follow_ups_sent": 0,
                "status": Status.RESOLVED,
                "escalation": None,
                "callback_due": None,
            }
        case ev.FollowUpSent(reply_by=reply_by):
            return {
                "reply_by": reply_by,
                "follow_ups_sent": state.follow_ups_sent + 1,
                "status": Status.AWAITING_CONFIRMATION,
            }
        case ev.FixConfirmed():
            return {"reply_by": None, "outcome": Outcome.RESOLVED_CONFIRMED}
        case ev.Reopened():
            return {
                "reopen_count": state.reopen_count + 1,
                "reply_by": None,
                "follow_up_at": None,
                "resolved_with": None,
                "chosen": None,
                "authorised_by": None,
                "decision": None,
                "decided_by": None,
                "appealed": False,
                "status": Status.IN_PROGRESS,
                "outcome": None,
                "reopen_until": None,
                "survey_at": None,
            }
        case ev.EmployeeFollowUpRecorded(reference=reference):
            return {"employee_follow_up": reference}
        case ev.Withdrawn():
            return {"outcome": Outcome.WITHDRAWN, "status": Status.IN_PROGRESS}
        case ev.Closed(outcome=outcome):
            return {"outcome": outcome, "status": Status.CLOSED, "callback_due": None}
        case ev.AftercareOpened(reopen_until=until, survey_at=survey_at):
            return {"reopen_until": until, "survey_at": survey_at}
        case ev.SurveySent():
            return {"survey_at": None, "survey_sent": True}
        case ev.SurveyAnswered(score=score, comment=comment):
            return {"satisfaction": score, "survey_comment": comment}
        case ev.ReopenWindowClosed():
            return {"reopen_until": None, "survey_at": None}
        case ev.LinkedToOpenComplaint(complaint_id=other):
            return {"linked_to": other}
        case ev.SlaWarned() | ev.SlaBreached():
            return {}  # the clocks are their own fold (domain.sla)
    raise TypeError(f"unknown event {event!r}")
