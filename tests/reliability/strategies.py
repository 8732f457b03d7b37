"""Generated input for the reliability tests: JSON junk, complaint states, actions.

Also the mapping from an action to the guard its update validator runs and to the
event its update handler records, so properties can follow an action the whole way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st
from pydantic import BaseModel

from devtools.demo_staff import demo_key
from domain import commands
from domain.proposals import options
from domain.signatures import sign
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
from schemas.events import EscalationReason
from schemas.intake import Category, ComplaintIntake, CustomerDetails
from schemas.messages import Outcome
from schemas.policy import CompanyPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.staff import Reassignment, SignedAssertion, StaffQuery, StaffRole
from schemas.state import ComplaintState, Escalation, OperationsCase, Status
from sdk.signing import assertion
from tests.factories import CUSTOMER, make_intake
from tests.signing import DIRECTORY

POLICY = CompanyPolicy()
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats()
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
EDGE_VALUES = [
    "",
    "   ",
    "\x00",
    "x" * 5000,
    -1,
    "-0.01",
    "1000000.01",
    "12.345",
    "NaN",
    "2026-02-30",
    "not-an-email",
    {"email": None, "phone": None},
    {"email": "a@b.c", "fax": "1"},
    [],
    True,
]


@st.composite
def intakes(draw: st.DrawFn) -> ComplaintIntake:
    amount = draw(st.none() | st.decimals(min_value=0, max_value=5000, places=2))
    return make_intake(
        complaint_id="c-guard",
        category=draw(st.sampled_from(Category)),
        amount=amount,
        receipt_present=draw(st.none() | st.booleans()),
        abusive=draw(st.booleans()),
    )


@st.composite
def states(draw: st.DrawFn) -> ComplaintState:
    """Any status, with offers, alternatives and escalations as the workflow keeps them."""
    intake = draw(intakes())
    offered = options(intake, POLICY)
    subset = st.lists(st.sampled_from(offered), unique_by=lambda r: r.kind, max_size=len(offered))
    status = draw(st.sampled_from(Status))
    waited_for = draw(st.sampled_from([StaffRole.SPECIALIST, StaffRole.MANAGER]))
    escalation = None
    in_queue_for_manager = status is Status.IN_OPERATIONS and waited_for is StaffRole.MANAGER
    if status is Status.AWAITING_MANAGER or in_queue_for_manager or draw(st.booleans()):
        escalation = Escalation(
            level=draw(st.integers(min_value=1, max_value=POLICY.top_level)),
            reason=draw(st.sampled_from(EscalationReason)),
            requested=draw(st.none() | st.sampled_from(offered)),
            policy_exception=draw(st.booleans()),
            respond_by=NOW,
            deciders=DIRECTORY.find(
                StaffQuery(complaint_id="c-guard", role=StaffRole.MANAGER, min_level=1)
            ),
        )
    outcome = draw(st.sampled_from(Outcome) if status is Status.CLOSED else st.none())
    queued = None
    if status is Status.IN_OPERATIONS:
        queued = OperationsCase(
            waited_for=waited_for,
            since=NOW,
            reminders=draw(st.integers(min_value=0, max_value=5)),
            level=escalation.level if in_queue_for_manager and escalation else None,
            operators=DIRECTORY.find(StaffQuery(complaint_id="c-guard", role=StaffRole.OPERATIONS)),
        )
    return ComplaintState(
        status=status,
        intake=intake,
        options=draw(subset),
        alternatives=draw(subset),
        can_appeal=draw(st.booleans()),
        escalation=escalation,
        specialists=DIRECTORY.find(StaffQuery(complaint_id="c-guard", role=StaffRole.SPECIALIST)),
        outcome=outcome,
        operations=queued,
    )


remedies = st.builds(
    Remedy,
    kind=st.sampled_from(RemedyKind),
    amount=st.decimals(min_value=0, max_value=20_000, places=2),
)


@st.composite
def decisions(draw: st.DrawFn) -> ManagerDecision:
    """Complete decisions (the schema refuses incomplete ones)."""
    kind = draw(st.sampled_from(DecisionKind))
    needs_remedy = kind in (DecisionKind.OVERRIDE, DecisionKind.COUNTER)
    return ManagerDecision(
        kind=kind,
        remedy=draw(remedies if needs_remedy else st.none() | remedies),
        reason=None if kind is DecisionKind.APPROVE else "Reviewed the case",
    )


@st.composite
def staff_actions(draw: st.DrawFn) -> SignedAssertion:
    """A decision, a resume or a reassignment, signed by anyone in the demo directory."""
    by = draw(st.sampled_from([m.staff_id for m in DIRECTORY.members]))
    kind = draw(st.sampled_from(["decide_escalation", "resume", "reassign"]))
    if kind == "decide_escalation":
        claim = assertion("c-guard", by, decision=draw(decisions()), now=NOW)
    elif kind == "resume":
        claim = assertion("c-guard", by, resume=StaffResume(note="Calm now"), now=NOW)
    else:
        to = draw(st.sampled_from([m.staff_id for m in DIRECTORY.members]))
        wanted = Reassignment(assignee_id=to, note="Please take it up")
        claim = assertion("c-guard", by, reassignment=wanted, now=NOW)
    return sign(claim, demo_key(by))


actions = st.one_of(
    st.builds(CustomerChoice, customer_id=st.just(CUSTOMER), remedy=st.sampled_from(RemedyKind)),
    st.builds(Appeal, customer_id=st.just(CUSTOMER), reason=st.just("I was abroad")),
    st.builds(FollowUpAnswer, customer_id=st.just(CUSTOMER), fixed=st.booleans()),
    st.builds(Withdrawal, customer_id=st.just(CUSTOMER)),
    st.builds(
        CustomerDetails,
        customer_id=st.just(CUSTOMER),
        order_reference=st.just("ORD-9"),
        amount=st.none(),
    ),
    staff_actions(),
)


COMMANDS = {
    CustomerDetails: commands.provide_details,
    CustomerChoice: commands.choose_solution,
    Appeal: commands.appeal,
    FollowUpAnswer: commands.answer_follow_up,
    Withdrawal: commands.withdraw,
}
STAFF_COMMANDS = {
    "resume": commands.resume,
    "decide_escalation": commands.decide_escalation,
    "reassign": commands.reassign,
}


def command(state: ComplaintState, action: BaseModel) -> list[ev.DomainEvent]:
    """What the workflow's update records for `action`, as its validator and handler run it
    (raises `InvalidAction` where the update is refused)."""
    if isinstance(action, SignedAssertion):
        return STAFF_COMMANDS[action.assertion.action](state, action, POLICY, NOW)
    return COMMANDS[type(action)](state, action, POLICY, NOW)
