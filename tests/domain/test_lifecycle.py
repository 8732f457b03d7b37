"""Every lifecycle rule as a pure reaction: the events and effects it plans, without Temporal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain import lifecycle
from domain.evolve import evolve, fold
from domain.plan import (
    ExecuteRemedy,
    FindStaff,
    Page,
    Plan,
    RecordEmployeeFollowUp,
    Refused,
    Tell,
)
from schemas import events as ev
from schemas.actions import DecisionKind, ManagerDecision
from schemas.effects import EmployeeFollowUpReceipt, PageKind, RemedyReceipt
from schemas.events import AGENT, EscalationReason
from schemas.intake import Category, DetailField
from schemas.messages import MessageKind, Outcome
from schemas.policy import CompanyPolicy
from schemas.remedies import DeclineCode, Remedy, RemedyKind
from schemas.staff import StaffRole
from schemas.state import ComplaintState, Status, WaitingOn
from tests import builders
from tests.factories import make_intake
from tests.signing import identified

T = datetime(2026, 11, 25, 9, tzinfo=UTC)
POLICY = CompanyPolicy()
D = POLICY.deadlines
INTAKE = make_intake(today=T.date(), complaint_id="c-1")
REFUND = Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90"))
CREDIT = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("30.00"))
RECEIVED = [ev.Received(at=T, intake=INTAKE, policy_version=POLICY.version)]


def state(*events: ev.DomainEvent, intake=INTAKE) -> ComplaintState:
    return fold([ev.Received(at=T, intake=intake, policy_version=POLICY.version), *events])


def types(plan: Plan) -> list[str]:
    return [getattr(step, "type", type(step).__name__) for step in plan]


def escalated(
    level: int = 1, reminded: bool = False, requested: Remedy | None = REFUND, intake=INTAKE
) -> ComplaintState:
    return builders.escalated(
        intake, T, level=level, requested=requested, policy_exception=True, reminded=reminded
    )


def proposed(by: str = AGENT, options=(REFUND, CREDIT)) -> list[ev.DomainEvent]:
    return [
        ev.SolutionsProposed(
            at=T, options=list(options), default=options[0], choose_by=T, proposed_by=by
        )
    ]


def decided(kind: DecisionKind, remedy: Remedy | None = None, reason: str | None = None):
    decision = ManagerDecision(kind=kind, remedy=remedy, reason=reason)
    return ev.ManagerDecided(at=T, decision=decision, decider_id="m-2", level=2, nonce="n" * 16)


# ---------------------------------------------------------------- listening


def test_receive_acknowledges_at_once():
    assert lifecycle.receive(INTAKE, POLICY, T) == [
        *RECEIVED,
        ev.Acknowledged(at=T),
        Tell(MessageKind.ACKNOWLEDGEMENT),
    ]


def test_an_abusive_conversation_pauses_and_pages_the_specialist():
    plan = lifecycle.pause_for_specialist(POLICY, T)
    assert plan[0] == ev.Paused(
        at=T, reason="abusive conversation", review_by=T + D.specialist_review
    )
    assert plan[1:] == [
        FindStaff(StaffRole.SPECIALIST),
        Tell(MessageKind.PAUSE),
        Page(PageKind.SPECIALIST, 1, POLICY.specialist_title, "abusive conversation"),
    ]


def test_a_silent_specialist_is_reminded_and_the_review_moves_on():
    [reminded, page] = lifecycle.on_specialist_silent(ComplaintState(), POLICY, T)
    assert reminded == ev.SpecialistReminded(at=T, review_by=T + D.specialist_review)
    assert (page.kind, page.title) == (PageKind.REMINDER, POLICY.specialist_title)


@pytest.mark.parametrize(
    ("missing", "asked"),
    [
        ({}, []),
        ({"order_reference": None}, [DetailField.ORDER_REFERENCE]),
        (
            {"receipt_present": None, "amount": None},
            [DetailField.RECEIPT_PRESENT, DetailField.AMOUNT],
        ),
    ],
)
def test_missing_details_are_asked_for_with_a_deadline(missing, asked):
    plan = lifecycle.ask_for_details(state(intake=INTAKE.model_copy(update=missing)), POLICY, T)
    if not asked:
        assert plan == []
        return
    reply_by = T + D.details_reply
    assert plan == [
        ev.DetailsRequested(at=T, missing=asked, reply_by=reply_by),
        Tell(MessageKind.DETAILS_REQUEST, {"missing_details": asked, "reply_by": reply_by}),
    ]


@pytest.mark.parametrize(
    ("category", "policy", "asked"),
    [
        (Category.BILLING, POLICY, [DetailField.RECEIPT_PRESENT]),
        (Category.DELIVERY, POLICY, [DetailField.RECEIPT_PRESENT]),
        (Category.BILLING, CompanyPolicy(receipt_required_for=frozenset()), []),
        (Category.POOR_SERVICE, POLICY, []),
    ],
)
def test_the_receipt_is_asked_about_where_the_complaints_policy_needs_one(category, policy, asked):
    intake = INTAKE.model_copy(update={"category": category, "receipt_present": None})
    plan = lifecycle.ask_for_details(state(intake=intake), policy, T)
    assert (plan[0].missing if plan else []) == asked


def test_details_deadline_goes_on_without_what_is_still_missing():
    asked = ev.DetailsRequested(at=T, missing=[DetailField.AMOUNT], reply_by=T)
    assert lifecycle.on_details_deadline(state(asked), T) == [
        ev.DetailsDeadlinePassed(at=T, still_missing=[DetailField.AMOUNT])
    ]


def test_apology_and_thanks_are_recorded_before_each_message():
    assert types(lifecycle.apologise_and_thank(T)) == ["Apologised", "Tell", "Thanked", "Tell"]


def test_the_acknowledgement_apologises_and_thanks_at_once_when_asked():
    intake = make_intake()
    old = lifecycle.receive(intake, CompanyPolicy(), T)
    assert types(old) == ["Received", "Acknowledged", "Tell"] and old[-1].facts == {}
    new = lifecycle.receive(intake, CompanyPolicy(), T, apologise=True)
    assert types(new) == ["Received", "Acknowledged", "Apologised", "Thanked", "Tell"]
    assert new[-1] == Tell(MessageKind.ACKNOWLEDGEMENT, {"with_thanks": True})


# ---------------------------------------------------------------- agreeing on a remedy


def test_the_agent_proposes_every_listed_remedy_with_a_default_and_a_deadline():
    [offer, tell] = lifecycle.seek_remedy(state(), POLICY, T)
    assert isinstance(offer, ev.SolutionsProposed)
    assert [r.kind for r in offer.options] == POLICY.remedy_catalogue[Category.DEFECTIVE_PRODUCT]
    assert (offer.proposed_by, offer.choose_by) == (AGENT, T + D.solution_choice)
    assert tell == Tell(
        MessageKind.PROPOSALS,
        {"options": offer.options, "default_option": offer.default, "reply_by": offer.choose_by},
    )


def test_an_open_escalation_is_not_proposed_over():
    assert lifecycle.seek_remedy(escalated(), POLICY, T) == []


@pytest.mark.parametrize(("reopens", "escalates"), [(1, False), (2, True)])
def test_a_fix_that_fails_more_often_than_the_agent_may_retry_goes_to_a_manager(reopens, escalates):
    events: list[ev.DomainEvent] = []
    for _ in range(reopens):
        events += [
            ev.RemedyExecuted(at=T, remedy=REFUND, reference="R-1", authorised_by=AGENT),
            ev.Resolved(at=T, remedy=REFUND, follow_up_at=T),
            ev.Reopened(at=T),
        ]
    plan = lifecycle.seek_remedy(state(*events), POLICY, T)
    if escalates:
        assert plan[0] == ev.Escalated(
            at=T,
            level=1,
            reason=EscalationReason.REOPENED_AGAIN,
            requested=REFUND,
            policy_exception=False,
            respond_by=T + D.manager_response,
        )
    else:
        assert types(plan) == ["SolutionsProposed", "Tell"]


def test_a_reopen_never_offers_again_what_was_already_carried_out():
    executed = ev.RemedyExecuted(at=T, remedy=REFUND, reference="R-1", authorised_by=AGENT)
    again = state(executed, ev.Resolved(at=T, remedy=REFUND, follow_up_at=T), ev.Reopened(at=T))
    [offer, _] = lifecycle.seek_remedy(again, POLICY, T)
    assert RemedyKind.REFUND not in [r.kind for r in offer.options]
    assert offer.default.kind is not RemedyKind.REFUND
    catalogue = {**POLICY.remedy_catalogue, Category.DEFECTIVE_PRODUCT: [RemedyKind.REFUND]}
    only_refunds = POLICY.model_copy(update={"remedy_catalogue": catalogue})
    escalation = lifecycle.seek_remedy(again, only_refunds, T)[0]
    assert isinstance(escalation, ev.Escalated)
    assert (escalation.reason, escalation.requested) == (EscalationReason.REOPENED_AGAIN, REFUND)


def test_the_agents_limit_counts_what_was_already_granted():
    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("60"))
    executed = ev.RemedyExecuted(at=T, remedy=credit, reference="S-1", authorised_by=AGENT)
    chosen = state(executed, *proposed(), ev.SolutionChosen(at=T, remedy=REFUND, by="customer"))
    assert types(lifecycle.on_solution_chosen(chosen, POLICY, T))[0] == "Escalated"
    assert types(lifecycle.on_solution_chosen(_chosen(REFUND), POLICY, T)) == ["ExecuteRemedy"]


def test_the_default_applies_when_the_customer_does_not_choose():
    assert lifecycle.on_choice_deadline(state(*proposed()), T) == [
        ev.SolutionChosen(at=T, remedy=REFUND, by="default")
    ]


def _chosen(remedy: Remedy, intake=INTAKE, by: str = AGENT) -> ComplaintState:
    options = (remedy, CREDIT) if remedy != CREDIT else (CREDIT,)
    return state(
        *proposed(by, options), ev.SolutionChosen(at=T, remedy=remedy, by="customer"), intake=intake
    )


@pytest.mark.parametrize(
    ("name", "chosen", "expected"),
    [
        (
            "within policy: the agent carries it out",
            _chosen(REFUND),
            [ExecuteRemedy(REFUND, AGENT)],
        ),
        (
            "a manager's counter-offer: carried out on their authority",
            _chosen(CREDIT, by="m-2"),
            [ExecuteRemedy(CREDIT, "m-2")],
        ),
        (
            "no receipt: a manager must make an exception",
            _chosen(REFUND, intake=INTAKE.model_copy(update={"receipt_present": False})),
            ["Escalated", "FindStaff", "Page", "CallbackPromised", "Tell"],
        ),
        (
            "beyond the agent's authority",
            _chosen(
                Remedy(kind=RemedyKind.REFUND, amount=Decimal("450.00")),
                intake=INTAKE.model_copy(update={"amount": Decimal("450.00")}),
            ),
            ["Escalated", "FindStaff", "Page", "CallbackPromised", "Tell"],
        ),
        (
            "far outside the return window: declined with alternatives",
            _chosen(
                REFUND,
                intake=INTAKE.model_copy(update={"purchase_date": T.date() - timedelta(days=200)}),
            ),
            ["Declined", "Tell"],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_chosen_remedy_is_carried_out_escalated_or_declined(name, chosen, expected):
    plan = lifecycle.on_solution_chosen(chosen, POLICY, T)
    assert (plan if isinstance(expected[0], ExecuteRemedy) else types(plan)) == expected


def test_an_escalation_pages_level_one_and_promises_a_callback():
    plan = lifecycle.escalate(state(), EscalationReason.BEYOND_AUTHORITY, REFUND, POLICY, T)
    respond_by, callback_by = T + D.manager_response, T + D.callback_interval
    title = POLICY.manager(1).title
    assert plan == [
        ev.Escalated(
            at=T,
            level=1,
            reason=EscalationReason.BEYOND_AUTHORITY,
            requested=REFUND,
            policy_exception=False,
            respond_by=respond_by,
        ),
        FindStaff(StaffRole.MANAGER, 1),
        Page(PageKind.ESCALATION, 1, title, "beyond_authority", REFUND, respond_by),
        ev.CallbackPromised(at=T, due=callback_by),
        Tell(MessageKind.ESCALATION_NOTICE, {"callback_by": callback_by, "manager_title": title}),
    ]


def test_a_decline_explains_offers_alternatives_and_says_whether_to_appeal():
    plan = lifecycle.on_solution_chosen(
        _chosen(
            REFUND,
            intake=INTAKE.model_copy(update={"purchase_date": T.date() - timedelta(days=200)}),
        ),
        POLICY,
        T,
    )
    declined = plan[0]
    assert isinstance(declined, ev.Declined)
    assert [r.code for r in declined.reasons] == [DeclineCode.OUTSIDE_RETURN_WINDOW]
    assert (declined.can_appeal, declined.decided_by) == (True, AGENT)
    assert declined.answer_by == T + D.appeal
    assert RemedyKind.REFUND not in [r.kind for r in declined.alternatives]


def _declined(by: str = AGENT) -> list[ev.DomainEvent]:
    return [
        ev.Declined(
            at=T,
            requested=REFUND,
            reasons=[],
            alternatives=[CREDIT],
            decided_by=by,
            can_appeal=by == AGENT,
            answer_by=T,
        )
    ]


def test_an_appeal_goes_to_a_manager_as_a_policy_exception():
    appealed = state(*_declined(), ev.Appealed(at=T, reason="I was abroad"))
    escalation = lifecycle.on_decline_answered(appealed, POLICY, T)[0]
    assert isinstance(escalation, ev.Escalated)
    assert (escalation.reason, escalation.requested, escalation.policy_exception) == (
        EscalationReason.APPEAL,
        REFUND,
        True,
    )


@pytest.mark.parametrize("decided_by", [AGENT, "m-2"])
def test_a_chosen_alternative_is_carried_out_on_the_authority_of_who_declined(decided_by):
    taken = state(*_declined(decided_by), ev.SolutionChosen(at=T, remedy=CREDIT, by="customer"))
    assert lifecycle.on_decline_answered(taken, POLICY, T) == [ExecuteRemedy(CREDIT, decided_by)]


@pytest.mark.parametrize(
    ("level", "reminded", "moved", "paged_level", "page_kind", "respond_in"),
    [
        (1, False, "ManagerReminded", 1, PageKind.REMINDER, D.manager_after_reminder),
        (1, True, "EscalatedToNextLevel", 2, PageKind.ESCALATION, D.manager_response),
        (2, True, "EscalatedToNextLevel", 3, PageKind.ESCALATION, D.manager_response),
        (3, True, "ManagerReminded", 3, PageKind.REMINDER, D.manager_after_reminder),
    ],
)
def test_a_silent_manager_is_reminded_once_then_the_escalation_moves_up(
    level, reminded, moved, paged_level, page_kind, respond_in
):
    [event, *looked_up, page] = lifecycle.on_manager_silent(escalated(level, reminded), POLICY, T)
    assert event.type == moved and event.respond_by == T + respond_in
    moved_up = page_kind is PageKind.ESCALATION
    assert looked_up == ([FindStaff(StaffRole.MANAGER, paged_level)] if moved_up else [])
    assert (page.kind, page.level, page.title) == (
        page_kind,
        paged_level,
        POLICY.manager(paged_level).title,
    )
    assert (page.requested, page.respond_by) == (REFUND, T + respond_in)
    after = evolve(escalated(level, reminded), event)
    assert lifecycle.waiting_for(after) == lifecycle.Wait(WaitingOn.MANAGER, T + respond_in)


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (decided(DecisionKind.APPROVE), [ExecuteRemedy(REFUND, "m-2")]),
        (
            decided(DecisionKind.OVERRIDE, CREDIT, reason="credible claim"),
            [ExecuteRemedy(CREDIT, "m-2")],
        ),
        (decided(DecisionKind.COUNTER, CREDIT, reason="a credit instead"), "counter"),
        (decided(DecisionKind.DENY, reason="Opened software is not returned"), "deny"),
    ],
    ids=["approve", "override", "counter", "deny"],
)
def test_a_managers_decision_is_carried_out_proposed_or_declined(decision, expected):
    plan = lifecycle.on_decision(evolve(escalated(), decision), POLICY, T)
    if expected == "counter":
        offer = plan[0]
        assert isinstance(offer, ev.SolutionsProposed)
        assert (offer.options, offer.default, offer.proposed_by) == ([CREDIT], CREDIT, "m-2")
    elif expected == "deny":
        declined = plan[0]
        assert isinstance(declined, ev.Declined)
        assert (declined.decided_by, declined.can_appeal) == ("m-2", False)
        [reason] = declined.reasons
        assert (reason.code, reason.rule) == (
            DeclineCode.MANAGER_DENIED,
            "Opened software is not returned",
        )
    else:
        assert plan == expected


DUE = T - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("before", "made", "title"),
    [
        (state(), [], None),
        (escalated(), [], POLICY.manager(1).title),
        (
            evolve(escalated(2), ev.CallbackPromised(at=T, due=DUE)),
            [ev.CallbackMade(at=T, promised_for=DUE)],
            POLICY.manager(2).title,
        ),
    ],
    ids=["first promise", "first promise while escalated", "a promise kept"],
)
def test_a_promised_callback_is_made_and_the_next_one_promised(before, made, title):
    callback_by = T + D.callback_interval
    assert lifecycle.promise_callback(before, MessageKind.CALLBACK, POLICY, T) == [
        *made,
        ev.CallbackPromised(at=T, due=callback_by),
        Tell(MessageKind.CALLBACK, {"callback_by": callback_by, "manager_title": title}),
    ]


# ---------------------------------------------------------------- effects' results


def test_an_executed_remedy_resolves_and_tells_when_we_follow_up():
    order = ExecuteRemedy(REFUND, "m-2")
    plan = lifecycle.after(order, RemedyReceipt(reference="RF-1"), state(), POLICY, T)
    follow_up_at = T + D.follow_up_delay
    assert plan == [
        ev.RemedyExecuted(at=T, remedy=REFUND, reference="RF-1", authorised_by="m-2"),
        ev.Resolved(at=T, remedy=REFUND, follow_up_at=follow_up_at),
        Tell(
            MessageKind.RESOLUTION,
            {"remedy": REFUND, "remedy_reference": "RF-1", "follow_up_on": follow_up_at},
        ),
    ]


def test_a_refused_remedy_is_recorded_and_goes_to_a_manager():
    plan = lifecycle.after(
        ExecuteRemedy(REFUND, AGENT), Refused("order not found"), state(), POLICY, T
    )
    assert plan[0] == ev.RemedyFailed(at=T, remedy=REFUND, error="order not found")
    assert isinstance(plan[1], ev.Escalated) and plan[1].reason is EscalationReason.REMEDY_FAILED
    assert types(plan[2:]) == ["FindStaff", "Page", "CallbackPromised", "Tell"]


def test_the_staff_the_directory_names_are_recorded_as_who_may_act():
    members = identified(StaffRole.MANAGER, 2).members
    plan = lifecycle.after(FindStaff(StaffRole.MANAGER, 2), members, escalated(), POLICY, T)
    assert plan == [ev.StaffIdentified(at=T, role=StaffRole.MANAGER, level=2, members=members)]
    after = evolve(escalated(), plan[0])
    assert [m.staff_id for m in after.escalation.deciders] == [m.staff_id for m in members]


@pytest.mark.parametrize(
    ("kind", "recorded"),
    [
        (PageKind.ESCALATION, [ev.ManagerNotified(at=T, level=2, page_id="P-1")]),
        (PageKind.SPECIALIST, [ev.SpecialistAssigned(at=T, page_id="P-1")]),
        (PageKind.REMINDER, []),
    ],
)
def test_a_page_records_who_was_notified(kind, recorded):
    page = Page(kind, 2, "Store manager", "no_receipt")
    assert lifecycle.after(page, "P-1", state(), POLICY, T) == recorded


def test_the_employee_follow_up_names_the_last_decider_and_records_its_reference():
    rude = INTAKE.model_copy(
        update={"category": Category.RUDE_EMPLOYEE, "employee_reference": "EMP-1"}
    )
    closed = escalated(intake=rude)
    for event in (
        decided(DecisionKind.DENY, reason="not what happened"),
        ev.Closed(at=T, outcome=Outcome.DECLINED),
    ):
        closed = evolve(closed, event)
    [note] = lifecycle.follow_up_employee(closed)
    assert note == RecordEmployeeFollowUp("m-2")
    receipt = EmployeeFollowUpReceipt(reference="HR-1")
    assert lifecycle.after(note, receipt, closed, POLICY, T) == [
        ev.EmployeeFollowUpRecorded(at=T, employee_reference="EMP-1", reference="HR-1")
    ]
    assert lifecycle.follow_up_employee(state()) == [RecordEmployeeFollowUp(None)]


# ---------------------------------------------------------------- follow-up and closing


def _resolved(*after: ev.DomainEvent) -> ComplaintState:
    return state(ev.Resolved(at=T, remedy=REFUND, follow_up_at=T), *after)


def _sent(reminder: bool) -> ev.FollowUpSent:
    return ev.FollowUpSent(at=T, reply_by=T, reminder=reminder)


@pytest.mark.parametrize(
    ("resolved", "expected"),
    [
        (_resolved(), [ev.FollowUpSent(at=T, reply_by=T + D.follow_up_reply, reminder=False)]),
        (
            _resolved(_sent(False)),
            [ev.FollowUpSent(at=T, reply_by=T + D.follow_up_after_reminder, reminder=True)],
        ),
        (_resolved(_sent(False), _sent(True)), [ev.Closed(at=T, outcome="resolved_unconfirmed")]),
    ],
    ids=["follow-up date", "unanswered follow-up", "unanswered reminder"],
)
def test_silence_after_the_fix_brings_a_follow_up_a_reminder_then_closing(resolved, expected):
    plan = lifecycle.on_follow_up_silent(resolved, POLICY, T)
    assert plan[:1] == expected
    assert isinstance(plan[1], Tell)


def test_follow_ups_count_again_after_a_reopened_fix_is_resolved_anew():
    again = evolve(
        _resolved(_sent(False), _sent(True), ev.Reopened(at=T)),
        ev.Resolved(at=T, remedy=CREDIT, follow_up_at=T),
    )
    assert types(lifecycle.on_follow_up_silent(again, POLICY, T)) == ["FollowUpSent", "Tell"]


def test_a_confirmed_fix_closes_and_a_failed_one_says_we_try_again():
    confirmed = _resolved(ev.FixConfirmed(at=T))
    assert lifecycle.on_follow_up_answered(confirmed, T) == [
        ev.Closed(at=T, outcome=Outcome.RESOLVED_CONFIRMED),
        Tell(MessageKind.CLOSING, {"outcome": Outcome.RESOLVED_CONFIRMED}),
    ]
    reopened = _resolved(ev.Reopened(at=T, comment="still leaks"))
    assert lifecycle.on_follow_up_answered(reopened, T) == [Tell(MessageKind.REOPENED)]


# ---------------------------------------------------------------- waiting


@pytest.mark.parametrize(
    ("complaint", "waits"),
    [
        (state(ev.DetailsRequested(at=T, missing=[], reply_by=T)), WaitingOn.DETAILS),
        (state(ev.Paused(at=T, reason="abusive conversation", review_by=T)), WaitingOn.SPECIALIST),
        (state(*proposed()), WaitingOn.CHOICE),
        (state(*_declined()), WaitingOn.DECLINE_ANSWER),
        (escalated(), WaitingOn.MANAGER),
        (_resolved(), WaitingOn.FOLLOW_UP_DATE),
        (_resolved(_sent(False)), WaitingOn.FOLLOW_UP_ANSWER),
        (state(), None),
        (evolve(escalated(), decided(DecisionKind.APPROVE)), None),
        (_resolved(ev.FixConfirmed(at=T)), None),
        (state(*proposed(), ev.Withdrawn(at=T)), None),
    ],
)
def test_the_state_says_whom_the_complaint_waits_on_and_until_when(complaint, waits):
    wait = lifecycle.waiting_for(complaint)
    assert (wait.on if wait else None) == waits
    if wait is not None:
        assert wait.until == T


def test_who_authorised_the_chosen_remedy_follows_who_offered_it():
    assert _chosen(REFUND).authorised_by is None  # the agent must assess its own offer
    assert _chosen(CREDIT, by="m-2").authorised_by == "m-2"
    taken = state(*_declined("m-2"), ev.SolutionChosen(at=T, remedy=CREDIT, by="customer"))
    assert (taken.status, taken.authorised_by) == (Status.IN_PROGRESS, "m-2")
