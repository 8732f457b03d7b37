"""What each action on a complaint records: one pure function per workflow update.

Every command is `(state, action, policy, now) -> events` and raises `InvalidAction`,
with a sentence a person can act on, when the action does not fit the complaint's state
or the actor's authority. The update's validator calls it and discards the events (a
refusal never reaches history); the handler records the events it returns. Both run the
same function, so they can never disagree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.business_time import Calendar
from domain.currency import currency_of, refuse_other_currency
from domain.deadlines import due_at
from domain.decisions import granted
from domain.errors import InvalidAction
from domain.progress import never
from domain.signatures import verifies
from schemas import events as ev
from schemas.actions import (
    Appeal,
    CustomerAction,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    ReopenRequest,
    SurveyAnswer,
    Withdrawal,
)
from schemas.events import DomainEvent
from schemas.intake import ComplaintIntake, CustomerDetails, future_purchase
from schemas.policy import CompanyPolicy
from schemas.remedies import MONEY_REMEDIES, Remedy, RemedyKind, money
from schemas.staff import SignedAssertion, StaffMember, StaffRole
from schemas.state import ComplaintState, Escalation, Status
from schemas.waits import WaitFor

WITHDRAWABLE = frozenset(
    {
        Status.AWAITING_DETAILS,
        Status.PAUSED,
        Status.AWAITING_CHOICE,
        Status.DECLINED,
        Status.AWAITING_MANAGER,
        Status.IN_OPERATIONS,
    }
)
"""A customer may withdraw while we wait on someone, not once the remedy is under way."""


ASSERTION_LIFETIME = timedelta(hours=1)
"""The longest a signed assertion may be valid for: a stolen one is soon worthless."""
IN_PLACE_OF_A_LISTED_REMEDY = frozenset({RemedyKind.STORE_CREDIT, RemedyKind.DISCOUNT})
"""What a manager may grant although the category's catalogue does not list it."""


def require(state: ComplaintState, allowed: set[Status] | frozenset[Status], action: str) -> None:
    if state.status not in allowed:
        wanted = " or ".join(sorted(s.value for s in allowed))
        raise InvalidAction(f"cannot {action}: the complaint is {state.status.value}, not {wanted}")


def require_customer(state: ComplaintState, action: CustomerAction | CustomerDetails) -> None:
    """Only the complaint's own customer may act on it (the id the backend authenticated)."""
    if state.intake is None or action.customer_id != state.intake.customer_id:
        raise InvalidAction("this complaint belongs to another customer")


def verified(
    state: ComplaintState,
    signed: SignedAssertion,
    action: str,
    candidates: list[StaffMember],
    who: str,
    now: datetime,
) -> StaffMember:
    """The staff member who signed `signed` for this action on this complaint, if the
    directory lists them among `candidates` and their key verifies the signature."""
    claim = signed.assertion
    if claim.action != action:
        raise InvalidAction(f"this assertion authorises {claim.action}, not {action}")
    if claim.complaint_id != state.complaint_id:
        raise InvalidAction(f"this assertion was signed for complaint {claim.complaint_id!r}")
    if claim.expires_at <= now:
        raise InvalidAction(f"this assertion expired at {claim.expires_at.isoformat()}")
    if claim.expires_at - now > ASSERTION_LIFETIME:
        raise InvalidAction(
            f"this assertion is valid for longer than {ASSERTION_LIFETIME}: sign a fresh one"
        )
    if claim.nonce in state.nonces:
        raise InvalidAction("this signed assertion was already used: sign a new one")
    member = next((m for m in candidates if m.staff_id == claim.staff_id), None)
    if member is None:
        raise InvalidAction(f"{claim.staff_id} is not among {who}, as the staff directory says")
    if not verifies(signed, member.public_key):
        raise InvalidAction(f"the signature is not {claim.staff_id}'s")
    return member


def admit(intake: ComplaintIntake, policy: CompanyPolicy) -> None:
    """A complaint may start under `policy` only with money in the policy's currency."""
    if intake.currency is not None and intake.currency != policy.currency:
        raise InvalidAction(
            f"the purchase amount is in {intake.currency}, but policy {policy.version} takes "
            f"{policy.currency} only: file the complaint in {policy.currency}, or under a "
            f"policy for {intake.currency}"
        )


def provide_details(
    state: ComplaintState, details: CustomerDetails, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """The customer answers our questions: only what we asked for may be filled in, and
    nothing was bought after today (the workflow's clock, in UTC)."""
    require(state, {Status.AWAITING_DETAILS}, "provide details")
    require_customer(state, details)
    unasked = [name for name in details.given() if name not in state.missing_details]
    if unasked:
        asked = ", ".join(f.value for f in state.missing_details)
        raise InvalidAction(
            f"we asked only for {asked}; a reply cannot change {', '.join(unasked)}"
        )
    if details.purchase_date and (future := future_purchase(details.purchase_date, now.date())):
        raise InvalidAction(future)
    refuse_other_currency(details.currency, currency_of(state.intake, policy), "the amount")
    return [ev.DetailsProvided(at=now, details=details)]


def choose_solution(
    state: ComplaintState, choice: CustomerChoice, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """The customer takes one of the solutions, counter-offer or alternatives on offer."""
    require(state, {Status.AWAITING_CHOICE, Status.DECLINED}, "choose a solution")
    require_customer(state, choice)
    on_offer = state.options if state.status is Status.AWAITING_CHOICE else state.alternatives
    remedy = next((r for r in on_offer if r.kind == choice.remedy), None)
    if remedy is None:
        kinds = ", ".join(r.kind.value for r in on_offer) or "nothing"
        raise InvalidAction(f"{choice.remedy.value} is not on offer; the options are: {kinds}")
    return [ev.SolutionChosen(at=now, remedy=remedy, by="customer")]


def appeal(
    state: ComplaintState, appeal: Appeal, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    require(state, {Status.DECLINED}, "appeal")
    require_customer(state, appeal)
    if not state.can_appeal:
        raise InvalidAction("this decision was already reviewed by a manager and is final")
    return [ev.Appealed(at=now, reason=appeal.reason)]


def answer_follow_up(
    state: ComplaintState, answer: FollowUpAnswer, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """Did the fix work? 'Not fixed' reopens the complaint."""
    require(state, {Status.RESOLVED, Status.AWAITING_CONFIRMATION}, "answer the follow-up")
    require_customer(state, answer)
    if state.outcome is not None:
        raise InvalidAction("the follow-up was already answered")
    if answer.fixed:
        return [ev.FixConfirmed(at=now, comment=answer.comment)]
    return [ev.Reopened(at=now, comment=answer.comment)]


def withdraw(
    state: ComplaintState, withdrawal: Withdrawal, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    require(state, WITHDRAWABLE, "withdraw")
    require_customer(state, withdrawal)
    if state.outcome is not None:
        raise InvalidAction("the complaint was already withdrawn")
    return [ev.Withdrawn(at=now, reason=withdrawal.reason)]


def reopen(
    state: ComplaintState, request: ReopenRequest, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """A reply within the reopen window reopens the closed complaint: back to finding a
    remedy, never one already carried out."""
    require(state, {Status.CLOSED}, "reopen")
    require_customer(state, request)
    if state.reopen_until is None or now >= state.reopen_until:
        raise InvalidAction(
            "the reopen window of this complaint has passed: file a new complaint related to it"
        )
    return [ev.Reopened(at=now, comment=request.comment)]


def answer_survey(
    state: ComplaintState, answer: SurveyAnswer, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """The satisfaction survey's answer, once, after it was sent."""
    require_customer(state, answer)
    if not state.survey_sent:
        raise InvalidAction("no satisfaction survey was sent for this complaint")
    if state.satisfaction is not None:
        raise InvalidAction("the satisfaction survey was already answered")
    return [ev.SurveyAnswered(at=now, score=answer.score, comment=answer.comment)]


def resume(
    state: ComplaintState, signed: SignedAssertion, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """A specialist the directory lists says the conversation can go on, signed by them."""
    require(state, {Status.PAUSED}, "resume")
    who = "the specialists who may resume this conversation"
    specialist = verified(state, signed, "resume", state.specialists, who, now)
    resume = signed.assertion.resume
    assert resume is not None
    return [
        ev.Resumed(
            at=now, staff_id=specialist.staff_id, note=resume.note, nonce=signed.assertion.nonce
        )
    ]


def acknowledge_safety(
    state: ComplaintState, signed: SignedAssertion, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """A safety officer the directory lists has seen the reported hazard, signed by them:
    only then may the lifecycle go on."""
    require(state, {Status.AWAITING_SAFETY}, "acknowledge the safety report")
    who = "the safety officers for this complaint"
    officer = verified(state, signed, "acknowledge_safety", state.safety_officers, who, now)
    if officer.role is not StaffRole.SAFETY:  # the directory's word, never the caller's
        raise InvalidAction(f"{officer.staff_id} is not a safety officer")
    seen = signed.assertion.safety
    assert seen is not None
    return [
        ev.SafetyAcknowledged(
            at=now, staff_id=officer.staff_id, note=seen.note, nonce=signed.assertion.nonce
        )
    ]


def reassign(
    state: ComplaintState,
    signed: SignedAssertion,
    policy: CompanyPolicy,
    now: datetime,
    calendar: Calendar | None = None,
) -> list[DomainEvent]:
    """Operations staff the directory lists hand a complaint nobody acted on, signed by them,
    to a person the directory named at the move: a specialist for a paused conversation, a
    manager at the escalation's level for an escalation; with a fresh deadline."""
    require(state, {Status.IN_OPERATIONS}, "reassign")
    case = state.operations
    assert case is not None
    who = "the operations staff for this complaint"
    operator = verified(state, signed, "reassign", case.operators, who, now)
    if operator.role is not StaffRole.OPERATIONS:  # the directory's word, never the caller's
        raise InvalidAction(f"{operator.staff_id} is not operations staff")
    wanted = signed.assertion.reassignment
    assert wanted is not None
    role = case.waited_for
    if role is StaffRole.SPECIALIST:
        candidates = state.specialists
        respond_by = due_at(policy.deadlines.specialist_review, calendar, now)
    else:
        assert state.escalation is not None
        candidates = state.escalation.deciders
        respond_by = due_at(policy.deadlines.manager_response, calendar, now)
    assignee = next((m for m in candidates if m.staff_id == wanted.assignee_id), None)
    if assignee is None or assignee.role is not role:
        raise InvalidAction(
            f"{wanted.assignee_id} is not among the {role.value}s who may take this complaint "
            "up, as the staff directory says"
        )
    intake = state.intake
    assert intake is not None
    if assignee.staff_id in (intake.employee_reference, intake.customer_id):
        raise InvalidAction(f"{assignee.staff_id} cannot take up a complaint about themselves")
    if case.level is not None and assignee.level < case.level:
        raise InvalidAction(
            f"the escalation is at level {case.level}; {assignee.staff_id} is level "
            f"{assignee.level}"
        )
    return [
        ev.Reassigned(
            at=now,
            staff_id=operator.staff_id,
            assignee_id=assignee.staff_id,
            role=role,
            level=case.level,
            note=wanted.note,
            nonce=signed.assertion.nonce,
            respond_by=respond_by,
        )
    ]


def refuse_worthless(remedy: Remedy) -> None:
    """A money remedy of 0 grants the customer nothing, yet would resolve the complaint."""
    if remedy.kind in MONEY_REMEDIES and not remedy.amount:
        raise InvalidAction(
            f"a {remedy.kind.value} of {money(remedy.amount)} grants nothing: name its amount"
        )


def decide_escalation(
    state: ComplaintState, signed: SignedAssertion, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """A manager the directory lists for this escalation decides, signed by them, within
    their authority limit (everything granted on the complaint counted), the purchase and
    the catalogue, never about themselves; a large grant needs a second manager."""
    require(state, {Status.AWAITING_MANAGER}, "decide the escalation")
    escalation, intake = state.escalation, state.intake
    assert escalation is not None and intake is not None
    who = f"the managers who may decide at level {escalation.level} or above"
    manager = verified(state, signed, "decide_escalation", escalation.deciders, who, now)
    decision = signed.assertion.decision
    assert decision is not None
    if manager.staff_id in (intake.employee_reference, intake.customer_id):
        raise InvalidAction(f"{manager.staff_id} cannot decide a complaint about themselves")
    if manager.level < escalation.level:
        raise InvalidAction(
            f"the escalation is at level {escalation.level} "
            f"({policy.manager(escalation.level).title}); {manager.staff_id} is level "
            f"{manager.level}"
        )
    awaiting_second = False
    if decision.kind is not DecisionKind.DENY:
        remedy = granted(escalation, decision)
        if remedy is None:
            raise InvalidAction("nothing was requested: name the remedy to approve")
        what = "the counter-offer" if decision.kind is DecisionKind.COUNTER else "the remedy"
        refuse_other_currency(remedy.currency, currency_of(intake, policy), what)
        refuse_worthless(remedy)
        if decision.kind is DecisionKind.APPROVE and escalation.policy_exception:
            raise InvalidAction(
                f"granting this needs a policy exception ({escalation.reason.value}): "
                "use override with a reason"
            )
        _within_purchase_and_catalogue(state, remedy, decision, policy)
        _within_authority(state, remedy, manager, policy)
        awaiting_second = _needs_a_second_decider(escalation, remedy, decision, manager, policy)
    return [
        ev.ManagerDecided(
            at=now,
            decision=decision,
            decider_id=manager.staff_id,
            level=manager.level,
            nonce=signed.assertion.nonce,
            awaiting_second=awaiting_second,
        )
    ]


def _within_purchase_and_catalogue(
    state: ComplaintState, remedy: Remedy, decision: ManagerDecision, policy: CompanyPolicy
) -> None:
    """A remedy the category lists, or store credit or a discount in its place, up to what
    the customer paid (everything granted on the complaint counted); beyond the purchase,
    goodwill only up to the policy's limit and with a reason. Without a purchase amount on
    file, everything granted is goodwill, up to the limit."""
    intake = state.intake
    assert intake is not None
    listed = remedy.kind in policy.remedy_catalogue[intake.category]
    if not listed and remedy.kind not in IN_PLACE_OF_A_LISTED_REMEDY:
        raise InvalidAction(
            f"{remedy.kind.value} is not a remedy for {intake.category.value} complaints"
        )
    limit = money(policy.goodwill_limit)
    total = state.granted_total + remedy.amount
    if intake.amount is None:
        if total > policy.goodwill_limit:
            raise InvalidAction(
                f"{remedy.label()} is above the goodwill limit of {limit} "
                "(no purchase amount on file; everything granted counted)"
            )
        return
    beyond = total - intake.amount
    if beyond <= 0:
        return
    if beyond > policy.goodwill_limit:
        raise InvalidAction(
            f"{remedy.label()} goes {money(beyond)} beyond the purchase of "
            f"{money(intake.amount)} (everything granted counted); goodwill is limited to {limit}"
        )
    if not decision.reason:
        raise InvalidAction(f"{remedy.label()} is partly goodwill: give a reason")


def _within_authority(
    state: ComplaintState, remedy: Remedy, manager: StaffMember, policy: CompanyPolicy
) -> None:
    limit = min(manager.authority_limit, policy.manager(manager.level).authority_limit)
    total = state.granted_total + remedy.amount
    if total > limit:
        already = f" ({money(state.granted_total)} already granted)" if state.granted_total else ""
        raise InvalidAction(
            f"{remedy.label()}{already} is above your authority limit of {money(limit)} "
            f"as {manager.title}; it needs a higher level"
        )


def _needs_a_second_decider(
    escalation: Escalation,
    remedy: Remedy,
    decision: ManagerDecision,
    manager: StaffMember,
    policy: CompanyPolicy,
) -> bool:
    """Four eyes above the threshold: True for the first of two deciders."""
    if remedy.amount <= policy.four_eyes_above:
        return False
    if any(a.decider_id == manager.staff_id for a in escalation.approvals):
        raise InvalidAction(
            f"{manager.staff_id} already approved this; a second, different manager must confirm"
        )
    currency = policy.currency
    return not any(
        remedy.same_as(granted(escalation, a.decision), currency)
        and a.decision.kind is decision.kind
        for a in escalation.approvals
    )


def wait_until(
    state: ComplaintState, wait: WaitFor, policy: CompanyPolicy | None, now: datetime
) -> list[DomainEvent]:
    """A client's wait records nothing; refused when the complaint can never get there."""
    why = never(wait, state)
    if why is not None:
        raise InvalidAction(f"cannot wait for {wait.describe()}: {why}")
    return []
