"""Who may do what, when: the checks behind every update validator.

Each guard raises `InvalidAction` with a sentence a person can act on; a refused
action never reaches the complaint's history.
"""

from __future__ import annotations

from domain.errors import InvalidAction
from schemas.actions import CustomerChoice, DecisionKind, ManagerDecision
from schemas.intake import CustomerDetails
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy
from schemas.state import ComplaintState, Status


def _require(state: ComplaintState, allowed: set[Status], action: str) -> None:
    if state.status not in allowed:
        wanted = " or ".join(sorted(s.value for s in allowed))
        raise InvalidAction(f"cannot {action}: the complaint is {state.status.value}, not {wanted}")


def check_details(state: ComplaintState, details: CustomerDetails) -> None:
    _require(state, {Status.AWAITING_DETAILS}, "provide details")


def check_choice(state: ComplaintState, choice: CustomerChoice) -> Remedy:
    """The chosen remedy, if it is one of those on offer right now."""
    _require(state, {Status.AWAITING_CHOICE, Status.DECLINED}, "choose a solution")
    offered = state.options if state.status is Status.AWAITING_CHOICE else state.alternatives
    for remedy in offered:
        if remedy.kind == choice.remedy:
            return remedy
    kinds = ", ".join(r.kind.value for r in offered) or "nothing"
    raise InvalidAction(f"{choice.remedy.value} is not on offer; the options are: {kinds}")


def check_appeal(state: ComplaintState) -> None:
    _require(state, {Status.DECLINED}, "appeal")
    if not state.can_appeal:
        raise InvalidAction("this decision was already reviewed by a manager and is final")


def check_follow_up_answer(state: ComplaintState) -> None:
    _require(state, {Status.RESOLVED, Status.AWAITING_CONFIRMATION}, "answer the follow-up")
    if state.outcome is not None:
        raise InvalidAction("the follow-up was already answered")


def check_withdrawal(state: ComplaintState) -> None:
    """A customer may withdraw while we wait on someone, not once the remedy is under way."""
    _require(
        state,
        {
            Status.AWAITING_DETAILS,
            Status.PAUSED,
            Status.AWAITING_CHOICE,
            Status.DECLINED,
            Status.AWAITING_MANAGER,
        },
        "withdraw",
    )
    if state.outcome is not None:
        raise InvalidAction("the complaint was already withdrawn")


def check_resume(state: ComplaintState) -> None:
    _require(state, {Status.PAUSED}, "resume")


def granted_remedy(state: ComplaintState, decision: ManagerDecision) -> Remedy | None:
    """What the manager's decision grants: their own remedy, or the one requested."""
    if decision.kind is DecisionKind.DENY:
        return None
    if decision.remedy is not None:
        return decision.remedy
    return state.escalation.requested if state.escalation else None


def check_manager_decision(
    state: ComplaintState, decision: ManagerDecision, policy: CompanyPolicy
) -> None:
    """Only the escalation's level or above may act, and only within its authority limit."""
    _require(state, {Status.AWAITING_MANAGER}, f"{decision.kind.value} the escalation")
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
    remedy = granted_remedy(state, decision)
    if decision.kind is DecisionKind.DENY:
        return
    if remedy is None:
        raise InvalidAction("nothing was requested: name the remedy to approve")
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
