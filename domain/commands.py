"""What each action on a complaint records: one pure function per workflow update.

Every command is `(state, action, policy, now) -> events` and raises `InvalidAction`,
with a sentence a person can act on, when the action does not fit the complaint's state
or the actor's authority. The update's validator calls it and discards the events (a
refusal never reaches history); the handler records the events it returns. Both run the
same function, so they can never disagree.
"""

from __future__ import annotations

from datetime import datetime

from domain.decisions import granted
from domain.errors import InvalidAction
from schemas import events as ev
from schemas.actions import (
    Appeal,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    StaffResume,
    Withdrawal,
)
from schemas.events import DomainEvent
from schemas.intake import CustomerDetails, future_purchase
from schemas.policy import CompanyPolicy
from schemas.remedies import MONEY_REMEDIES, Remedy, money
from schemas.state import ComplaintState, Status

WITHDRAWABLE = frozenset(
    {
        Status.AWAITING_DETAILS,
        Status.PAUSED,
        Status.AWAITING_CHOICE,
        Status.DECLINED,
        Status.AWAITING_MANAGER,
    }
)
"""A customer may withdraw while we wait on someone, not once the remedy is under way."""


def require(state: ComplaintState, allowed: set[Status] | frozenset[Status], action: str) -> None:
    if state.status not in allowed:
        wanted = " or ".join(sorted(s.value for s in allowed))
        raise InvalidAction(f"cannot {action}: the complaint is {state.status.value}, not {wanted}")


def provide_details(
    state: ComplaintState, details: CustomerDetails, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """The customer answers our questions: only what we asked for may be filled in, and
    nothing was bought after today (the workflow's clock, in UTC)."""
    require(state, {Status.AWAITING_DETAILS}, "provide details")
    unasked = [name for name in details.given() if name not in state.missing_details]
    if unasked:
        asked = ", ".join(f.value for f in state.missing_details)
        raise InvalidAction(
            f"we asked only for {asked}; a reply cannot change {', '.join(unasked)}"
        )
    if details.purchase_date and (future := future_purchase(details.purchase_date, now.date())):
        raise InvalidAction(future)
    return [ev.DetailsProvided(at=now, details=details)]


def choose_solution(
    state: ComplaintState, choice: CustomerChoice, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """The customer takes one of the solutions, counter-offer or alternatives on offer."""
    require(state, {Status.AWAITING_CHOICE, Status.DECLINED}, "choose a solution")
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
    if not state.can_appeal:
        raise InvalidAction("this decision was already reviewed by a manager and is final")
    return [ev.Appealed(at=now, reason=appeal.reason)]


def answer_follow_up(
    state: ComplaintState, answer: FollowUpAnswer, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """Did the fix work? 'Not fixed' reopens the complaint."""
    require(state, {Status.RESOLVED, Status.AWAITING_CONFIRMATION}, "answer the follow-up")
    if state.outcome is not None:
        raise InvalidAction("the follow-up was already answered")
    if answer.fixed:
        return [ev.FixConfirmed(at=now, comment=answer.comment)]
    return [ev.Reopened(at=now, comment=answer.comment)]


def withdraw(
    state: ComplaintState, withdrawal: Withdrawal, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    require(state, WITHDRAWABLE, "withdraw")
    if state.outcome is not None:
        raise InvalidAction("the complaint was already withdrawn")
    return [ev.Withdrawn(at=now, reason=withdrawal.reason)]


def resume(
    state: ComplaintState, resume: StaffResume, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """A specialist says the conversation can go on after an abusive episode."""
    require(state, {Status.PAUSED}, "resume")
    return [ev.Resumed(at=now, staff_id=resume.staff_id, note=resume.note)]


def refuse_worthless(remedy: Remedy) -> None:
    """A money remedy of 0 grants the customer nothing, yet would resolve the complaint."""
    if remedy.kind in MONEY_REMEDIES and not remedy.amount:
        raise InvalidAction(
            f"a {remedy.kind.value} of {money(remedy.amount)} grants nothing: name its amount"
        )


def decide_escalation(
    state: ComplaintState, decision: ManagerDecision, policy: CompanyPolicy, now: datetime
) -> list[DomainEvent]:
    """Only the escalation's level or above may act, and only within its authority limit."""
    require(state, {Status.AWAITING_MANAGER}, f"{decision.kind.value} the escalation")
    escalation = state.escalation
    assert escalation is not None
    if decision.level > policy.top_level:
        raise InvalidAction(f"there is no manager level {decision.level}")
    if decision.level < escalation.level:
        title = policy.manager(escalation.level).title
        raise InvalidAction(
            f"the escalation is at level {escalation.level} ({title}); "
            f"a level-{decision.level} manager cannot act on it"
        )
    remedy = granted(escalation, decision)
    if decision.kind is not DecisionKind.DENY:
        if remedy is None:
            raise InvalidAction("nothing was requested: name the remedy to approve")
        refuse_worthless(remedy)
        if decision.kind is DecisionKind.APPROVE and escalation.policy_exception:
            raise InvalidAction(
                f"granting this needs a policy exception ({escalation.reason.value}): "
                "use override with a reason"
            )
        rung = policy.manager(decision.level)
        if remedy.amount > rung.authority_limit:
            raise InvalidAction(
                f"{remedy.label()} is above your authority limit of {rung.authority_limit} "
                f"as {rung.title}; it needs a higher level"
            )
    return [ev.ManagerDecided(at=now, decision=decision)]
