"""The lifecycle's rules as pure reactions: what to record and do at each turn of a complaint.

Each reaction takes the state (and the policy and the time) and returns a `Plan`: the
events to record and the effects to run, in order. Every step is recorded before its
effects run, so a reply can never arrive before the step it answers. Deadline
arithmetic lives here (`domain.deadlines.due_at`, on the store's `calendar` for business
deadlines); the workflow only waits, runs effects and records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.business_time import Calendar
from domain.deadlines import due_at
from domain.decisions import (
    Decline,
    Escalate,
    Resolve,
    alternatives,
    assess,
    default_option,
    granted,
    manager_denial,
)
from domain.listening import missing_details
from domain.plan import (
    ClaimOrder,
    Effect,
    EffectResult,
    ExecuteRemedy,
    FindStaff,
    Page,
    Plan,
    RecordEmployeeFollowUp,
    Refused,
    Tell,
)
from domain.proposals import options
from schemas import events as ev
from schemas.actions import DecisionKind
from schemas.complaint import ComplaintResult
from schemas.effects import EmployeeFollowUpReceipt, OrderClaimReceipt, PageKind, RemedyReceipt
from schemas.events import (
    ABUSIVE_CONVERSATION,
    AGENT,
    SAFETY_REPORTED,
    DomainEvent,
    EscalationReason,
)
from schemas.intake import ComplaintIntake, Severity
from schemas.messages import MessageKind, Outcome
from schemas.policy import CompanyPolicy
from schemas.remedies import DeclineReason, Remedy
from schemas.staff import StaffRole
from schemas.state import ComplaintState, Status, WaitingOn

FOLLOW_UPS = 2
"""The follow-up and one reminder; silence after both closes the complaint unconfirmed."""
AFTERCARE_OUTCOMES = frozenset({Outcome.RESOLVED_CONFIRMED, Outcome.RESOLVED_UNCONFIRMED})
"""Closings followed by a satisfaction survey and a reopen window: a remedy was carried out.
Not a decline (its appeal window was the customer's chance), a withdrawal (the customer
ended it) nor a duplicate (its open complaint carries on)."""


@dataclass(frozen=True)
class Wait:
    """Whom the complaint waits on, and until when."""

    on: WaitingOn
    until: datetime | None
    """None: no deadline (a hazard whose safety officers were reminded as often as allowed)."""


def waiting_for(state: ComplaintState) -> Wait | None:
    """The wait the state is in; None when nobody is awaited and the engine acts."""
    if state.status is Status.CLOSED:
        if state.reopen_until is None:
            return None
        if state.survey_at is not None:
            return Wait(WaitingOn.SURVEY_DATE, state.survey_at)
        return Wait(WaitingOn.REOPEN_WINDOW, state.reopen_until)
    if state.outcome is not None:
        return None
    match state.status:
        case Status.AWAITING_DETAILS:
            return Wait(WaitingOn.DETAILS, _set(state.reply_by))
        case Status.PAUSED:
            return Wait(WaitingOn.SPECIALIST, _set(state.review_by))
        case Status.AWAITING_SAFETY:  # after the last reminder, no deadline
            return Wait(WaitingOn.SAFETY, state.safety_review_by)
        case Status.AWAITING_CHOICE:
            return Wait(WaitingOn.CHOICE, _set(state.reply_by))
        case Status.DECLINED:
            return Wait(WaitingOn.DECLINE_ANSWER, _set(state.reply_by))
        case Status.AWAITING_MANAGER:
            assert state.escalation is not None
            return Wait(WaitingOn.MANAGER, state.escalation.respond_by)
        case Status.RESOLVED:
            return Wait(WaitingOn.FOLLOW_UP_DATE, _set(state.follow_up_at))
        case Status.AWAITING_CONFIRMATION:
            return Wait(WaitingOn.FOLLOW_UP_ANSWER, _set(state.reply_by))
        case Status.IN_OPERATIONS:  # no reminders: operations see the queue
            return Wait(WaitingOn.OPERATIONS, None)
    return None


def _set(deadline: datetime | None) -> datetime:
    assert deadline is not None, "every waiting status has its deadline"
    return deadline


# ---------------------------------------------------------------------- listen


def receive(
    intake: ComplaintIntake,
    policy: CompanyPolicy,
    now: datetime,
    apologise: bool = False,
    safety: bool = False,
) -> Plan:
    """Acknowledge at once. With `apologise`, the acknowledgement also apologises and thanks
    (restating the complaint), and `apologise_and_thank` is not needed later; without it
    (complaints started before), the apology and thanks come after the details round. With
    `safety`, it says a safety specialist looks at the reported hazard first."""
    received: Plan = [
        ev.Received(at=now, intake=intake, policy_version=policy.version),
        ev.Acknowledged(at=now),
    ]
    if not apologise:
        return [*received, Tell(MessageKind.ACKNOWLEDGEMENT)]
    return [
        *received,
        ev.Apologised(at=now),
        ev.Thanked(at=now),
        Tell(
            MessageKind.ACKNOWLEDGEMENT,
            {"with_thanks": True, "safety_review": True} if safety else {"with_thanks": True},
        ),
    ]


def refer_to_safety(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """ISO 10002's "health and safety at once": a reported hazard makes the complaint
    critical and goes to the safety officers before anything else happens."""
    intake = state.intake
    assert intake is not None and intake.safety is not None
    raised: Plan = []
    if intake.severity is not Severity.CRITICAL:
        raised = [
            ev.SeverityRaised(
                at=now,
                from_severity=intake.severity,
                to_severity=Severity.CRITICAL,
                reason=SAFETY_REPORTED,
            )
        ]
    review_by = (
        due_at(policy.deadlines.safety_review, calendar, now) if policy.safety_reminders else None
    )
    reason = f"{SAFETY_REPORTED}: {intake.safety.kind.value}"
    return [
        *raised,
        ev.SafetyReferred(at=now, hazard=intake.safety, review_by=review_by),
        FindStaff(StaffRole.SAFETY),
        Page(PageKind.SAFETY, 0, policy.safety_title, reason, None, review_by),
    ]


def on_safety_silent(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """Nobody acknowledged the hazard by the review date: remind the safety officers, at
    most `policy.safety_reminders` times; after the last, wait without a deadline."""
    sent = state.safety_reminders + 1
    more = sent < policy.safety_reminders
    review_by = due_at(policy.deadlines.safety_review, calendar, now) if more else None
    return [
        ev.SafetyReminded(at=now, review_by=review_by),
        Page(
            PageKind.REMINDER,
            0,
            policy.safety_title,
            f"{SAFETY_REPORTED}: not acknowledged (reminder {sent} of {policy.safety_reminders})",
            None,
            review_by,
        ),
    ]


def pause_for_specialist(
    policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """No argument with an abusive customer: pause, and hand over to a specialist."""
    return [
        ev.Paused(
            at=now,
            reason=ABUSIVE_CONVERSATION,
            review_by=due_at(policy.deadlines.specialist_review, calendar, now),
        ),
        FindStaff(StaffRole.SPECIALIST),
        Tell(MessageKind.PAUSE),
        Page(PageKind.SPECIALIST, 1, policy.specialist_title, ABUSIVE_CONVERSATION),
    ]


def on_specialist_silent(
    state: ComplaintState,
    policy: CompanyPolicy,
    now: datetime,
    to_operations: bool = False,
    calendar: Calendar | None = None,
) -> Plan:
    """Still paused at the review date: remind the specialist; with `to_operations` (the
    policy's reminders were sent: `due_for_operations`), move to the operations queue."""
    if to_operations:
        return move_to_operations(state, policy, now)
    return [
        ev.SpecialistReminded(
            at=now, review_by=due_at(policy.deadlines.specialist_review, calendar, now)
        ),
        Page(
            PageKind.REMINDER,
            1,
            policy.specialist_title,
            f"{ABUSIVE_CONVERSATION}: still paused",
        ),
    ]


def ask_for_details(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """Closed questions for what the category needs under the policy and the intake lacks;
    nothing if complete."""
    assert state.intake is not None
    missing = missing_details(state.intake, policy)
    if not missing:
        return []
    reply_by = due_at(policy.deadlines.details_reply, calendar, now)
    return [
        ev.DetailsRequested(at=now, missing=missing, reply_by=reply_by),
        Tell(MessageKind.DETAILS_REQUEST, {"missing_details": missing, "reply_by": reply_by}),
    ]


def on_details_deadline(state: ComplaintState, now: datetime) -> Plan:
    """We go on with what we know; what we cannot verify goes to a manager later."""
    return [ev.DetailsDeadlinePassed(at=now, still_missing=state.missing_details)]


def apologise_and_thank(now: datetime) -> Plan:
    return [
        ev.Apologised(at=now),
        Tell(MessageKind.APOLOGY),
        ev.Thanked(at=now),
        Tell(MessageKind.THANKS),
    ]


# ---------------------------------------------------------------------- agree on a remedy


def seek_remedy(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """The next attempt: an open escalation goes on; a fix that failed more often than the
    agent may retry, or with nothing left to try, goes to a manager; otherwise the agent
    proposes what it has not carried out already (a reopen never repeats a remedy)."""
    if state.escalation is not None:
        return []
    intake = state.intake
    assert intake is not None
    done = {r.kind for r in state.remedies_executed}
    offered = [r for r in options(intake, policy) if r.kind not in done]
    if state.reopen_count > policy.reopens_before_escalation or not offered:
        last = state.remedies_executed[-1] if state.remedies_executed else None
        return escalate(
            state, EscalationReason.REOPENED_AGAIN, last, policy, now, calendar=calendar
        )
    default = default_option(intake, policy, now.date(), offered)
    return propose(offered, default, AGENT, policy, now, calendar)


def propose(
    offered: list[Remedy],
    default: Remedy,
    proposed_by: str,
    policy: CompanyPolicy,
    now: datetime,
    calendar: Calendar | None = None,
) -> Plan:
    """Let the customer take part in choosing; a sensible default applies after the deadline."""
    choose_by = due_at(policy.deadlines.solution_choice, calendar, now)
    return [
        ev.SolutionsProposed(
            at=now, options=offered, default=default, choose_by=choose_by, proposed_by=proposed_by
        ),
        Tell(
            MessageKind.PROPOSALS,
            {"options": offered, "default_option": default, "reply_by": choose_by},
        ),
    ]


def on_choice_deadline(state: ComplaintState, now: datetime) -> Plan:
    assert state.default_option is not None
    return [ev.SolutionChosen(at=now, remedy=state.default_option, by="default")]


def on_solution_chosen(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """What someone with authority offered is carried out; the agent's own offer is assessed:
    resolved within policy, escalated where a manager must decide, or declined."""
    chosen, intake = state.chosen, state.intake
    assert chosen is not None and intake is not None
    if state.authorised_by is not None:
        return [ExecuteRemedy(chosen, state.authorised_by)]
    match assess(intake, chosen, policy, now.date(), state.granted_total):
        case Resolve(remedy=remedy):
            return [ExecuteRemedy(remedy, AGENT)]
        case Escalate(reason=reason, policy_exception=exception):
            return escalate(
                state, reason, chosen, policy, now, policy_exception=exception, calendar=calendar
            )
        case Decline(reasons=reasons, alternatives=offered):
            return decline(chosen, reasons, offered, AGENT, True, policy, now, calendar)
    raise AssertionError("assess returns one of Resolve, Escalate, Decline")


def decline(
    requested: Remedy | None,
    reasons: list[DeclineReason],
    offered: list[Remedy],
    decided_by: str,
    can_appeal: bool,
    policy: CompanyPolicy,
    now: datetime,
    calendar: Calendar | None = None,
) -> Plan:
    """Refuse gently: the reasons, why the policy exists, alternatives, and an appeal if open."""
    answer_by = due_at(policy.deadlines.appeal, calendar, now)
    return [
        ev.Declined(
            at=now,
            requested=requested,
            reasons=reasons,
            alternatives=offered,
            decided_by=decided_by,
            can_appeal=can_appeal,
            answer_by=answer_by,
        ),
        Tell(
            MessageKind.DECLINE,
            {
                "reasons": reasons,
                "alternatives": offered,
                "can_appeal": can_appeal,
                "reply_by": answer_by,
            },
        ),
    ]


def on_decline_answered(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """An appeal goes to a manager as a policy exception; a chosen alternative is carried out."""
    if state.appealed:
        requested = state.declined_request
        return escalate(
            state,
            EscalationReason.APPEAL,
            requested,
            policy,
            now,
            policy_exception=True,
            calendar=calendar,
        )
    return on_solution_chosen(state, policy, now, calendar)


def escalate(
    state: ComplaintState,
    reason: EscalationReason,
    requested: Remedy | None,
    policy: CompanyPolicy,
    now: datetime,
    policy_exception: bool = False,
    calendar: Calendar | None = None,
) -> Plan:
    """Consult a manager ourselves, and tell the customer when we will call back."""
    respond_by = due_at(policy.deadlines.manager_response, calendar, now)
    title = policy.manager(1).title
    return [
        ev.Escalated(
            at=now,
            level=1,
            reason=reason,
            requested=requested,
            policy_exception=policy_exception,
            respond_by=respond_by,
        ),
        FindStaff(StaffRole.MANAGER, 1),
        Page(PageKind.ESCALATION, 1, title, reason.value, requested, respond_by),
        *promise_callback(
            state, MessageKind.ESCALATION_NOTICE, policy, now, level=1, calendar=calendar
        ),
    ]


def on_manager_silent(
    state: ComplaintState,
    policy: CompanyPolicy,
    now: datetime,
    to_operations: bool = False,
    calendar: Calendar | None = None,
) -> Plan:
    """A silent manager is reminded once; then the escalation moves up a level. The top level
    is reminded again and again; with `to_operations` (the policy's reminders were sent:
    `due_for_operations`), the complaint moves to the operations queue instead."""
    esc = state.escalation
    assert esc is not None
    if to_operations:
        return move_to_operations(state, policy, now)
    moved: DomainEvent
    if esc.reminded and esc.level < policy.top_level:
        kind, level = PageKind.ESCALATION, esc.level + 1
        respond_by = due_at(policy.deadlines.manager_response, calendar, now)
        moved = ev.EscalatedToNextLevel(
            at=now, from_level=esc.level, to_level=level, respond_by=respond_by
        )
    else:
        kind, level = PageKind.REMINDER, esc.level
        respond_by = due_at(policy.deadlines.manager_after_reminder, calendar, now)
        moved = ev.ManagerReminded(at=now, level=level, respond_by=respond_by)
    title = policy.manager(level).title
    page = Page(kind, level, title, esc.reason.value, esc.requested, respond_by)
    if kind is PageKind.ESCALATION:
        return [moved, FindStaff(StaffRole.MANAGER, level), page]
    return [moved, page]


# ---------------------------------------------------------------------- bounded waiting


def due_for_operations(state: ComplaintState, policy: CompanyPolicy) -> bool:
    """Whether the next silence moves the complaint to the operations queue: a specialist or
    the top manager level got every reminder the policy allows."""
    bound = policy.operations
    esc = state.escalation
    if state.status is Status.PAUSED:
        limit, sent = bound.specialist_reminders, state.specialist_reminders
    elif state.status is Status.AWAITING_MANAGER and esc and esc.level >= policy.top_level:
        limit, sent = bound.top_manager_reminders, esc.reminders
    else:
        return False
    return limit is not None and sent >= limit


def move_to_operations(state: ComplaintState, policy: CompanyPolicy, now: datetime) -> Plan:
    """Nobody acted after the reminders: the reminders stop, operations are paged and learn
    from the directory whom they may reassign it to, and the customer is told honestly."""
    esc = state.escalation
    if state.status is Status.PAUSED:
        role, level, reminders = StaffRole.SPECIALIST, None, state.specialist_reminders
        about = ABUSIVE_CONVERSATION
    else:
        assert esc is not None
        role, level, reminders = StaffRole.MANAGER, esc.level, esc.reminders
        about = esc.reason.value
    title = policy.operations.title
    reason = f"{about}: no {role.value} acted after {reminders} reminders"
    told = {"callback_by": state.callback_due} if state.callback_due else {}
    return [
        ev.MovedToOperations(at=now, waited_for=role, reminders=reminders, level=level),
        FindStaff(StaffRole.OPERATIONS),
        FindStaff(role, level or 0),
        Page(PageKind.OPERATIONS, level or 0, title, reason, esc.requested if esc else None),
        Tell(MessageKind.MOVED_TO_OPERATIONS, told),
    ]


def on_reassigned(state: ComplaintState, policy: CompanyPolicy, now: datetime) -> Plan:
    """Operations handed the complaint back: page the role it waited for, with the fresh
    deadline (the page's receipt records the handover and reopens the wait)."""
    assignee = state.assignee
    if state.status is Status.PAUSED:
        reason = f"{ABUSIVE_CONVERSATION}: reassigned by operations to {assignee}"
        title = policy.specialist_title
        return [Page(PageKind.SPECIALIST, 1, title, reason, None, state.review_by)]
    esc = state.escalation
    assert esc is not None
    title = policy.manager(esc.level).title
    reason = f"{esc.reason.value}: reassigned by operations to {assignee}"
    return [Page(PageKind.ESCALATION, esc.level, title, reason, esc.requested, esc.respond_by)]


def on_decision(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """A manager's decision: approve or override is carried out, a counter-offer proposed to
    the customer, a denial declined with reasons and alternatives (final, no appeal)."""
    decision, esc, intake, decided_by = (
        state.decision,
        state.escalation,
        state.intake,
        state.decided_by,
    )
    assert decision is not None and esc is not None and intake is not None
    assert decided_by is not None
    remedy = granted(esc, decision)
    match decision.kind:
        case DecisionKind.APPROVE | DecisionKind.OVERRIDE:
            assert remedy is not None
            return [ExecuteRemedy(remedy, decided_by)]
        case DecisionKind.COUNTER:
            assert remedy is not None
            return propose([remedy], remedy, decided_by, policy, now, calendar)
        case DecisionKind.DENY:
            assert decision.reason is not None
            return decline(
                esc.requested,
                [manager_denial(decision.reason, esc.reason)],
                alternatives(intake, policy, esc.requested),
                decided_by,
                False,
                policy,
                now,
                calendar,
            )
    raise AssertionError(f"unknown decision kind {decision.kind}")


def promise_callback(
    state: ComplaintState,
    kind: MessageKind,
    policy: CompanyPolicy,
    now: datetime,
    level: int | None = None,
    calendar: Calendar | None = None,
) -> Plan:
    """Call back when promised, even without news, and say when the next call comes."""
    level = level or state.escalation_level
    callback_by = due_at(policy.deadlines.callback_interval, calendar, now)
    made = [ev.CallbackMade(at=now, promised_for=state.callback_due)] if state.callback_due else []
    title = policy.manager(level).title if level else None
    return [
        *made,
        ev.CallbackPromised(at=now, due=callback_by),
        Tell(kind, {"callback_by": callback_by, "manager_title": title}),
    ]


def on_remedy_executed(
    state: ComplaintState,
    order: ExecuteRemedy,
    receipt: RemedyReceipt,
    policy: CompanyPolicy,
    now: datetime,
    calendar: Calendar | None = None,
) -> Plan:
    """Tell the customer what was done, and when we will ask whether it worked."""
    follow_up_at = due_at(policy.deadlines.follow_up_delay, calendar, now)
    return [
        ev.RemedyExecuted(
            at=now,
            remedy=order.remedy,
            reference=receipt.reference,
            authorised_by=order.authorised_by,
        ),
        ev.Resolved(at=now, remedy=order.remedy, follow_up_at=follow_up_at),
        Tell(
            MessageKind.RESOLUTION,
            {
                "remedy": order.remedy,
                "remedy_reference": receipt.reference,
                "follow_up_on": follow_up_at,
            },
        ),
    ]


def on_remedy_refused(
    state: ComplaintState,
    order: ExecuteRemedy,
    refusal: Refused,
    policy: CompanyPolicy,
    now: datetime,
    calendar: Calendar | None = None,
) -> Plan:
    """A remedy the backend refuses goes to a manager; no empty promise to the customer."""
    reason = EscalationReason.REMEDY_FAILED
    return [
        ev.RemedyFailed(at=now, remedy=order.remedy, error=refusal.reason),
        *escalate(state, reason, order.remedy, policy, now, calendar=calendar),
    ]


# ---------------------------------------------------------------------- follow up and close


def on_follow_up_silent(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """The follow-up date came, or a follow-up went unanswered: ask, remind once, then close."""
    deadlines = policy.deadlines
    if state.follow_ups_sent == 0:
        kind, reply_by = MessageKind.FOLLOW_UP, due_at(deadlines.follow_up_reply, calendar, now)
    elif state.follow_ups_sent < FOLLOW_UPS:
        kind = MessageKind.FOLLOW_UP_REMINDER
        reply_by = due_at(deadlines.follow_up_after_reminder, calendar, now)
    else:
        return close(Outcome.RESOLVED_UNCONFIRMED, now)
    reminder = kind is MessageKind.FOLLOW_UP_REMINDER
    return [
        ev.FollowUpSent(at=now, reply_by=reply_by, reminder=reminder),
        Tell(kind, {"reply_by": reply_by}),
    ]


def on_follow_up_answered(state: ComplaintState, now: datetime) -> Plan:
    """A confirmed fix closes the complaint; 'not fixed' tells the customer we try again."""
    if state.outcome is Outcome.RESOLVED_CONFIRMED:
        return close(Outcome.RESOLVED_CONFIRMED, now)
    return [Tell(MessageKind.REOPENED)]


def close(outcome: Outcome, now: datetime) -> Plan:
    return [ev.Closed(at=now, outcome=outcome), Tell(MessageKind.CLOSING, {"outcome": outcome})]


# ---------------------------------------------------------------------- after closing


def gets_aftercare(state: ComplaintState, policy: CompanyPolicy) -> bool:
    """A resolved complaint under a policy with a reopen window stays open for it."""
    return state.outcome in AFTERCARE_OUTCOMES and bool(policy.deadlines.reopen_grace)


def open_aftercare(
    state: ComplaintState, policy: CompanyPolicy, now: datetime, calendar: Calendar | None = None
) -> Plan:
    """The reopen window opens at closing; the survey is due after its delay, once per
    complaint (a complaint reopened after its survey is not asked again)."""
    deadlines = policy.deadlines
    survey_at = None if state.survey_sent else due_at(deadlines.survey_delay, calendar, now)
    reopen_until = due_at(deadlines.reopen_grace, calendar, now)
    return [ev.AftercareOpened(at=now, reopen_until=reopen_until, survey_at=survey_at)]


def send_survey(state: ComplaintState, now: datetime) -> Plan:
    """How satisfied was the customer: a score and a comment, answered while the window
    is open."""
    return [ev.SurveySent(at=now), Tell(MessageKind.SURVEY, {"reply_by": state.reopen_until})]


def on_reopened_after_closing() -> Plan:
    """The customer replied within the window: we say we try again."""
    return [Tell(MessageKind.REOPENED)]


def end_aftercare(now: datetime) -> Plan:
    return [ev.ReopenWindowClosed(at=now)]


def claim_order(state: ComplaintState, policy: CompanyPolicy) -> Plan:
    """Before any remedy is sought, the complaint claims its order with the commerce
    backend (a complaint without an order reference has no order to share)."""
    intake = state.intake
    if not policy.link_duplicates or intake is None or not intake.order_reference:
        return []
    return [ClaimOrder()]


def release_order(state: ComplaintState, policy: CompanyPolicy) -> Plan:
    """When the complaint can no longer be reopened, its order is free again."""
    if not claim_order(state, policy) or state.linked_to is not None:
        return []
    return [ClaimOrder(release=True)]


def link_to_open(state: ComplaintState, holder: str, now: datetime) -> Plan:
    """A duplicate joins the open complaint about the same order: the customer is told
    honestly, and it closes without a remedy of its own."""
    return [
        ev.LinkedToOpenComplaint(at=now, complaint_id=holder),
        Tell(MessageKind.LINKED, {"linked_to": holder}),
        ev.Closed(at=now, outcome=Outcome.LINKED),
    ]


def follow_up_employee(state: ComplaintState) -> Plan:
    """The employee's side, once the customer is looked after: the last decider coaches."""
    return [RecordEmployeeFollowUp(state.deciders[-1] if state.deciders else None)]


# ---------------------------------------------------------------------- effects' results


def after(
    effect: Effect,
    result: EffectResult,
    state: ComplaintState,
    policy: CompanyPolicy,
    now: datetime,
    calendar: Calendar | None = None,
) -> Plan:
    """What an effect's result adds to the record (and what follows from it)."""
    match effect, result:
        case FindStaff(role=role, min_level=level), list(members):
            return [ev.StaffIdentified(at=now, role=role, level=level, members=members)]
        case Page(kind=PageKind.SPECIALIST), str(page_id):
            return [ev.SpecialistAssigned(at=now, page_id=page_id)]
        case Page(kind=PageKind.SAFETY), str(page_id):
            return [ev.SafetyOfficerPaged(at=now, page_id=page_id)]
        case Page(kind=PageKind.ESCALATION, level=level), str(page_id):
            return [ev.ManagerNotified(at=now, level=level, page_id=page_id)]
        case ExecuteRemedy(), RemedyReceipt():
            return on_remedy_executed(state, effect, result, policy, now, calendar)
        case ExecuteRemedy(), Refused():
            return on_remedy_refused(state, effect, result, policy, now, calendar)
        case ClaimOrder(release=False), OrderClaimReceipt(holder=str(holder)):
            if holder != state.complaint_id:
                return link_to_open(state, holder, now)
        case RecordEmployeeFollowUp(), EmployeeFollowUpReceipt(reference=reference):
            assert state.intake is not None
            employee = state.intake.employee_reference
            return [
                ev.EmployeeFollowUpRecorded(
                    at=now, employee_reference=employee, reference=reference
                )
            ]
    return []


def result(state: ComplaintState, events: list[DomainEvent]) -> ComplaintResult:
    """How the complaint ended, for the workflow's caller."""
    assert state.outcome is not None
    return ComplaintResult(
        complaint_id=state.complaint_id,
        outcome=state.outcome,
        remedy=state.remedies_executed[-1] if state.remedies_executed else None,
        reopen_count=state.reopen_count,
        escalations=state.escalations,
        event_count=len(events),
    )
