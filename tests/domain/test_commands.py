"""Each update's command: the events it records, and refusals with a clear sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from devtools.demo_staff import demo_key
from domain import commands
from domain.errors import InvalidAction
from domain.evolve import evolve, fold
from domain.signatures import sign
from schemas import events as ev
from schemas.actions import (
    Appeal,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ManagerDecision,
    Withdrawal,
)
from schemas.intake import Category, ComplaintIntake, Contact, CustomerDetails, DetailField
from schemas.policy import CompanyPolicy
from schemas.remedies import MONEY_REMEDIES, Remedy, RemedyKind
from schemas.staff import StaffRole
from schemas.state import ComplaintState, Status
from sdk.signing import assertion
from tests import builders
from tests import signing as signing_
from tests.signing import identified

T = datetime(2026, 11, 25, tzinfo=UTC)
POLICY = CompanyPolicy()
INTAKE = ComplaintIntake(
    complaint_id="c-1",
    customer_id="cust-1",
    customer_name="Ana",
    contact=Contact(email="ana@example.hr"),
    category=Category.DEFECTIVE_PRODUCT,
    description="The washing machine leaks from the first wash",
    amount=Decimal("449.00"),
)
RECEIVED = [ev.Received(at=T, intake=INTAKE, policy_version="v1")]


def escalated(
    requested: Remedy | None, exception: bool, level: int = 1, intake: ComplaintIntake = INTAKE
) -> ComplaintState:
    return builders.escalated(
        intake, T, level=level, requested=requested, policy_exception=exception
    )


def decision(
    kind: DecisionKind,
    amount: str | None = None,
    reason: str | None = None,
    by: str = "manager-1",
    complaint_id: str = "c-1",
    **signing,
):
    remedy = Remedy(kind=RemedyKind.REFUND, amount=Decimal(amount)) if amount else None
    return signing_.decision(complaint_id, kind, remedy, reason, by=by, now=T, **signing)


def decide(state: ComplaintState, signed) -> list[ev.DomainEvent]:
    return commands.decide_escalation(state, signed, POLICY, T)


REFUND_400 = Remedy(kind=RemedyKind.REFUND, amount=Decimal("400"))


def test_a_listed_manager_within_their_limit_may_approve_and_is_recorded_as_signed():
    signed = decision(DecisionKind.APPROVE)
    [decided] = decide(escalated(REFUND_400, False), signed)
    assert decided == ev.ManagerDecided(
        at=T,
        decision=signed.assertion.decision,
        decider_id="manager-1",
        level=1,
        nonce=signed.assertion.nonce,
    )


def test_manager_over_limit_is_refused_with_the_limit():
    big = INTAKE.model_copy(update={"amount": Decimal("949.00")})
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=Decimal("900")), False, intake=big)
    with pytest.raises(InvalidAction, match="above your authority limit of 500.00"):
        decide(state, decision(DecisionKind.APPROVE))


def test_policy_exception_needs_an_override():
    state = escalated(REFUND_400, True)
    with pytest.raises(InvalidAction, match="use override"):
        decide(state, decision(DecisionKind.APPROVE))
    decide(state, decision(DecisionKind.OVERRIDE, amount="400", reason="credible claim"))


def test_only_managers_the_directory_lists_at_the_level_may_act():
    state = escalated(REFUND_400, False, level=2)
    with pytest.raises(
        InvalidAction,
        match="manager-1 is not among the managers who may decide at level 2 or above",
    ):
        decide(state, decision(DecisionKind.APPROVE))
    [decided] = decide(state, decision(DecisionKind.APPROVE, by="manager-2"))
    assert (decided.decider_id, decided.level) == ("manager-2", 2)


def test_nobody_outside_the_directory_may_decide():
    claim = assertion("c-1", "nobody", decision=ManagerDecision(kind=DecisionKind.APPROVE), now=T)
    forged = sign(claim, Ed25519PrivateKey.generate())
    with pytest.raises(InvalidAction, match="nobody is not among the managers"):
        decide(escalated(REFUND_400, False), forged)


@pytest.mark.parametrize(
    ("name", "forge", "refusal"),
    [
        (
            "signed with another key",
            lambda: sign(decision(DecisionKind.APPROVE).assertion, Ed25519PrivateKey.generate()),
            "the signature is not manager-1's",
        ),
        (
            "someone else's signature",
            lambda: sign(decision(DecisionKind.APPROVE).assertion, demo_key("manager-1b")),
            "the signature is not manager-1's",
        ),
        (
            "the decision changed after signing",
            lambda: _tampered(decision(DecisionKind.APPROVE)),
            "the signature is not manager-1's",
        ),
        (
            "expired",
            lambda: decision(DecisionKind.APPROVE, valid_for=timedelta(seconds=-1)),
            "expired",
        ),
        (
            "valid for too long",
            lambda: decision(DecisionKind.APPROVE, valid_for=timedelta(days=30)),
            "valid for longer than",
        ),
        (
            "signed for another complaint",
            lambda: decision(DecisionKind.APPROVE, complaint_id="c-2"),
            "signed for complaint 'c-2'",
        ),
        (
            "a resume assertion used as a decision",
            lambda: signing_.resume("c-1", by="manager-1", now=T),
            "authorises resume, not decide_escalation",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and " " in value else "",
)
def test_a_forged_or_stale_assertion_is_refused(name, forge, refusal):
    with pytest.raises(InvalidAction, match=refusal):
        decide(escalated(REFUND_400, False), forge())


def _tampered(signed):
    richer = signed.assertion.model_copy(
        update={
            "decision": ManagerDecision(
                kind=DecisionKind.OVERRIDE, remedy=REFUND_400, reason="more for my friend"
            )
        }
    )
    return signed.model_copy(update={"assertion": richer})


def test_a_replayed_assertion_is_refused():
    state = escalated(REFUND_400, False)
    signed = decision(DecisionKind.APPROVE)
    after = evolve(state, decide(state, signed)[0])
    again = after.model_copy(update={"status": Status.AWAITING_MANAGER})
    with pytest.raises(InvalidAction, match="already used"):
        decide(again, signed)


@pytest.mark.parametrize("who", ["employee_reference", "customer_id"])
def test_nobody_decides_a_complaint_about_themselves(who):
    about = INTAKE.model_copy(update={who: "manager-1"})
    with pytest.raises(InvalidAction, match="cannot decide a complaint about themselves"):
        decide(escalated(REFUND_400, False, intake=about), decision(DecisionKind.APPROVE))


def test_a_large_grant_needs_two_different_managers():
    big = INTAKE.model_copy(update={"amount": Decimal("1600.00")})
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=Decimal("1500")), False, 2, big)
    [first] = decide(state, decision(DecisionKind.APPROVE, by="manager-2"))
    assert first.awaiting_second
    state = evolve(state, first)
    assert state.status is Status.AWAITING_MANAGER and state.decision is None
    with pytest.raises(InvalidAction, match="already approved this; a second, different manager"):
        decide(state, decision(DecisionKind.APPROVE, by="manager-2"))
    [second] = decide(state, decision(DecisionKind.APPROVE, by="manager-2b"))
    assert not second.awaiting_second
    state = evolve(state, second)
    assert (state.status, state.decided_by) == (Status.IN_PROGRESS, "manager-2b")
    assert [a.decider_id for a in state.escalation.approvals] == ["manager-2"]


@pytest.mark.parametrize(
    ("amount", "reason", "refusal"),
    [
        ("449", None, None),
        ("500", None, "partly goodwill: give a reason"),
        ("500", "kept waiting for weeks", None),
        ("600", "kept waiting for weeks", "goes 151.00 beyond the purchase of 449.00"),
    ],
)
def test_a_remedy_is_capped_by_the_purchase_with_limited_goodwill(amount, reason, refusal):
    state = escalated(REFUND_400, False)
    kind = DecisionKind.COUNTER if reason else DecisionKind.APPROVE
    requested = Remedy(kind=RemedyKind.REFUND, amount=Decimal(amount))
    state = state.model_copy(
        update={"escalation": state.escalation.model_copy(update={"requested": requested})}
    )
    signed = decision(kind, amount if reason else None, reason)
    if refusal is None:
        decide(state, signed)
    else:
        with pytest.raises(InvalidAction, match=refusal):
            decide(state, signed)


def test_authority_counts_everything_already_granted_on_the_complaint():
    big = INTAKE.model_copy(update={"amount": Decimal("949.00")})
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=Decimal("300")), False, intake=big)
    state = state.model_copy(
        update={"remedies_executed": [Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("249"))]}
    )
    with pytest.raises(InvalidAction, match=r"\(249.00 already granted\) is above your authority"):
        decide(state, decision(DecisionKind.APPROVE, by="manager-1"))


def test_store_credit_may_stand_in_for_a_listed_remedy_up_to_the_purchase():
    state = escalated(REFUND_400, False)
    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("449"))
    signed = signing_.decision("c-1", DecisionKind.COUNTER, credit, "credit instead", now=T)
    decide(state, signed)


def test_only_remedies_the_category_lists_or_goodwill_may_be_granted():
    service = INTAKE.model_copy(update={"category": Category.POOR_SERVICE, "amount": None})
    state = escalated(None, False, intake=service)
    repair = Remedy(kind=RemedyKind.REPAIR, amount=Decimal("50"))
    signed = signing_.decision("c-1", DecisionKind.OVERRIDE, repair, "fix it", now=T)
    with pytest.raises(InvalidAction, match="repair is not a remedy for poor_service"):
        decide(state, signed)
    credit = Remedy(kind=RemedyKind.STORE_CREDIT, amount=Decimal("150"))
    signed = signing_.decision("c-1", DecisionKind.OVERRIDE, credit, "sorry", now=T)
    with pytest.raises(InvalidAction, match="above the goodwill limit of 100.00"):
        decide(state, signed)


def test_no_decision_unless_awaiting_a_manager():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="not awaiting_manager"):
        decide(state, decision(DecisionKind.APPROVE))


def test_nothing_to_approve_without_a_remedy():
    with pytest.raises(InvalidAction, match="name the remedy"):
        decide(escalated(None, False), decision(DecisionKind.APPROVE))


def test_deny_and_override_need_reasons():
    with pytest.raises(ValidationError, match="must give a reason"):
        ManagerDecision(kind=DecisionKind.DENY)
    with pytest.raises(ValidationError, match="must name the remedy"):
        ManagerDecision(kind=DecisionKind.OVERRIDE, reason="ok then")


def test_customer_can_only_choose_what_is_offered():
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("10"))
    state = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.SolutionsProposed(at=T, options=[refund], default=refund, choose_by=T),
        ]
    )
    [chosen] = commands.choose_solution(
        state, CustomerChoice(customer_id="cust-1", remedy=RemedyKind.REFUND), POLICY, T
    )
    assert chosen == ev.SolutionChosen(at=T, remedy=refund, by="customer")
    with pytest.raises(InvalidAction, match="repair is not on offer; the options are: refund"):
        commands.choose_solution(
            state, CustomerChoice(customer_id="cust-1", remedy=RemedyKind.REPAIR), POLICY, T
        )


def test_follow_up_answer_only_after_resolution():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="cannot answer the follow-up"):
        commands.answer_follow_up(
            state, FollowUpAnswer(customer_id="cust-1", fixed=True), POLICY, T
        )


def test_appeal_only_once():
    declined = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.Declined(
                at=T,
                requested=None,
                reasons=[],
                alternatives=[],
                decided_by="m-1",
                can_appeal=False,
                answer_by=T,
            ),
        ]
    )
    with pytest.raises(InvalidAction, match="final"):
        commands.appeal(
            declined, Appeal(customer_id="cust-1", reason="I still want my money"), POLICY, T
        )


ASKED = fold(
    [
        ev.Received(at=T, intake=INTAKE, policy_version="v1"),
        ev.DetailsRequested(at=T, missing=[DetailField.ORDER_REFERENCE], reply_by=T),
    ]
)


def test_a_details_reply_fills_in_what_was_asked():
    details = CustomerDetails(
        customer_id="cust-1", order_reference="ORD-9", note="bought it in Split"
    )
    assert commands.provide_details(ASKED, details, POLICY, T) == [
        ev.DetailsProvided(at=T, details=details)
    ]


def test_a_details_reply_cannot_rewrite_facts_that_were_not_asked_for():
    details = CustomerDetails(
        customer_id="cust-1", order_reference="ORD-9", receipt_present=True, amount=Decimal("99")
    )
    with pytest.raises(InvalidAction, match="asked only for order_reference") as refused:
        commands.provide_details(ASKED, details, POLICY, T)
    assert "receipt_present, amount" in str(refused.value)


def test_details_only_while_asked():
    state = fold([ev.Received(at=T, intake=INTAKE, policy_version="v1")])
    with pytest.raises(InvalidAction, match="not awaiting_details"):
        commands.provide_details(
            state, CustomerDetails(customer_id="cust-1", order_reference="ORD-9"), POLICY, T
        )


def test_follow_up_answer_confirms_or_reopens():
    resolved = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.Resolved(at=T, remedy=REFUND_400, follow_up_at=T),
        ]
    )
    fixed, broken = (
        FollowUpAnswer(customer_id="cust-1", fixed=True),
        FollowUpAnswer(customer_id="cust-1", fixed=False, comment="leaks"),
    )
    assert commands.answer_follow_up(resolved, fixed, POLICY, T) == [ev.FixConfirmed(at=T)]
    assert commands.answer_follow_up(resolved, broken, POLICY, T) == [
        ev.Reopened(at=T, comment="leaks")
    ]


def test_withdrawal_while_waiting_on_someone_but_not_twice():
    waiting = escalated(REFUND_400, False)
    [withdrawn] = commands.withdraw(
        waiting, Withdrawal(customer_id="cust-1", reason="found it"), POLICY, T
    )
    assert withdrawn == ev.Withdrawn(at=T, reason="found it")
    with pytest.raises(InvalidAction):
        commands.withdraw(evolve(waiting, withdrawn), Withdrawal(customer_id="cust-1"), POLICY, T)


def test_only_a_listed_specialist_may_resume_a_paused_conversation():
    paused = fold(
        [
            ev.Received(at=T, intake=INTAKE, policy_version="v1"),
            ev.Paused(at=T, reason="abusive conversation", review_by=T),
            identified(StaffRole.SPECIALIST, 0, T),
        ]
    )
    signed = signing_.resume("c-1", "calm again, spoke by phone", now=T)
    assert commands.resume(paused, signed, POLICY, T) == [
        ev.Resumed(
            at=T,
            staff_id="specialist-1",
            note="calm again, spoke by phone",
            nonce=signed.assertion.nonce,
        )
    ]
    by_a_manager = signing_.resume("c-1", by="manager-1", now=T)
    with pytest.raises(InvalidAction, match="manager-1 is not among the specialists"):
        commands.resume(paused, by_a_manager, POLICY, T)
    with pytest.raises(InvalidAction, match="cannot resume"):
        commands.resume(escalated(None, False), signed, POLICY, T)


@pytest.mark.parametrize(
    "action",
    [
        CustomerChoice(customer_id="cust-2", remedy=RemedyKind.REFUND),
        Appeal(customer_id="cust-2", reason="I want it anyway"),
        FollowUpAnswer(customer_id="cust-2", fixed=False),
        Withdrawal(customer_id="cust-2"),
        CustomerDetails(customer_id="cust-2", order_reference="ORD-9"),
    ],
    ids=lambda action: type(action).__name__,
)
def test_another_customers_action_is_refused_in_every_state(action):
    command = {
        CustomerChoice: commands.choose_solution,
        Appeal: commands.appeal,
        FollowUpAnswer: commands.answer_follow_up,
        Withdrawal: commands.withdraw,
        CustomerDetails: commands.provide_details,
    }[type(action)]
    refund = Remedy(kind=RemedyKind.REFUND, amount=Decimal("10"))
    for state in (
        fold(
            [*RECEIVED, ev.SolutionsProposed(at=T, options=[refund], default=refund, choose_by=T)]
        ),
        fold(
            [
                *RECEIVED,
                ev.DetailsRequested(at=T, missing=[DetailField.ORDER_REFERENCE], reply_by=T),
            ]
        ),
        fold([*RECEIVED, ev.Resolved(at=T, remedy=refund, follow_up_at=T)]),
        fold(
            [
                *RECEIVED,
                ev.Declined(
                    at=T,
                    requested=refund,
                    reasons=[],
                    alternatives=[refund],
                    decided_by="agent",
                    can_appeal=True,
                    answer_by=T,
                ),
            ]
        ),
    ):
        try:
            command(state, action, POLICY, T)
        except InvalidAction as refusal:
            assert "another customer" in str(refusal) or "cannot" in str(refusal)
        else:
            raise AssertionError(f"{action!r} accepted in {state.status}")


ASKED_FOR_DATE = fold(
    [
        ev.Received(at=T, intake=INTAKE, policy_version="v1"),
        ev.DetailsRequested(at=T, missing=[DetailField.PURCHASE_DATE], reply_by=T),
    ]
)


@pytest.mark.parametrize("days_ahead", [1, 365])
def test_a_purchase_date_after_today_is_refused(days_ahead):
    future = T.date() + timedelta(days=days_ahead)
    with pytest.raises(InvalidAction) as refused:
        commands.provide_details(
            ASKED_FOR_DATE, CustomerDetails(customer_id="cust-1", purchase_date=future), POLICY, T
        )
    assert (
        str(refused.value) == f"the purchase date {future} is in the future (today is 2026-11-25)"
    )


@pytest.mark.parametrize("days_ago", [0, 1, 400])
def test_a_purchase_date_today_or_earlier_is_taken(days_ago):
    details = CustomerDetails(
        customer_id="cust-1", purchase_date=T.date() - timedelta(days=days_ago)
    )
    assert commands.provide_details(ASKED_FOR_DATE, details, POLICY, T) == [
        ev.DetailsProvided(at=T, details=details)
    ]


def test_today_is_the_workflows_date_in_utc():
    late_evening = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    tomorrow = CustomerDetails(
        customer_id="cust-1", purchase_date=late_evening.date() + timedelta(days=1)
    )
    with pytest.raises(InvalidAction, match="in the future"):
        commands.provide_details(ASKED_FOR_DATE, tomorrow, POLICY, late_evening)


ZERO = Decimal("0")


@pytest.mark.parametrize("kind", sorted(MONEY_REMEDIES))
@pytest.mark.parametrize("decision_kind", [DecisionKind.OVERRIDE, DecisionKind.COUNTER])
def test_a_money_remedy_of_zero_is_refused_for_overrides_and_counters(kind, decision_kind):
    worthless = Remedy(kind=kind, amount=ZERO)
    signed = signing_.decision("c-1", decision_kind, worthless, "credible claim", now=T)
    with pytest.raises(InvalidAction) as refused:
        decide(escalated(REFUND_400, True), signed)
    assert str(refused.value) == f"a {kind.value} of 0.00 grants nothing: name its amount"


def test_approving_a_request_worth_zero_is_refused_too():
    state = escalated(Remedy(kind=RemedyKind.REFUND, amount=ZERO), False)
    with pytest.raises(InvalidAction, match="a refund of 0.00 grants nothing"):
        decide(state, decision(DecisionKind.APPROVE))


@pytest.mark.parametrize("kind", [RemedyKind.EXPLANATION, RemedyKind.REPAIR])
def test_a_remedy_that_is_not_money_may_cost_nothing(kind):
    free = Remedy(kind=kind, amount=ZERO)
    decide(
        escalated(REFUND_400, True),
        signing_.decision("c-1", DecisionKind.COUNTER, free, "it only needs setting up", now=T),
    )


def test_a_money_remedy_of_one_cent_is_a_remedy():
    cent = decision(DecisionKind.OVERRIDE, amount="0.01", reason="token of goodwill")
    decide(escalated(REFUND_400, True), cent)


# ---------------------------------------------------------------------- one currency


def test_an_intake_in_the_policys_currency_or_none_is_admitted():
    commands.admit(INTAKE, POLICY)
    commands.admit(INTAKE.model_copy(update={"currency": "EUR"}), POLICY)


def test_an_intake_in_a_currency_the_policy_does_not_take_is_refused():
    usd = INTAKE.model_copy(update={"currency": "USD"})
    with pytest.raises(InvalidAction, match="in USD, but policy 2026-11-default takes EUR only"):
        commands.admit(usd, POLICY)
    commands.admit(usd, CompanyPolicy(currency="USD"))


@pytest.mark.parametrize("kind", [DecisionKind.COUNTER, DecisionKind.OVERRIDE])
def test_a_manager_remedy_in_another_currency_is_refused(kind):
    state = escalated(REFUND_400, kind is DecisionKind.OVERRIDE)
    usd = Remedy(kind=RemedyKind.REFUND, amount=Decimal("400"), currency="USD")
    signed = signing_.decision("c-1", kind, usd, "the customer paid in dollars", now=T)
    what = "the counter-offer" if kind is DecisionKind.COUNTER else "the remedy"
    with pytest.raises(InvalidAction, match=f"{what} is in USD, but this complaint is in EUR"):
        decide(state, signed)


def test_a_manager_remedy_naming_the_complaints_currency_is_granted():
    state = escalated(REFUND_400, False)
    eur = Remedy(kind=RemedyKind.REFUND, amount=Decimal("400"), currency="EUR")
    signed = signing_.decision("c-1", DecisionKind.COUNTER, eur, "as asked", now=T)
    [decided] = decide(state, signed)
    assert decided.decision.remedy.currency == "EUR"


def test_the_second_of_four_eyes_may_name_the_currency_the_first_left_implicit():
    big = INTAKE.model_copy(update={"amount": Decimal("1600.00")})
    requested = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1500"))
    state = escalated(requested, False, 2, big)
    [first] = decide(state, decision(DecisionKind.APPROVE, by="manager-2"))
    state = evolve(state, first)
    named = requested.model_copy(update={"currency": "EUR"})
    signed = signing_.decision("c-1", DecisionKind.APPROVE, named, None, by="manager-2b", now=T)
    [second] = decide(state, signed)
    assert not second.awaiting_second


def test_a_details_reply_in_another_currency_is_refused():
    asked = fold(
        [
            ev.Received(
                at=T, intake=INTAKE.model_copy(update={"amount": None}), policy_version="v1"
            ),
            ev.DetailsRequested(at=T, missing=[DetailField.AMOUNT], reply_by=T),
        ]
    )
    usd = CustomerDetails(customer_id="cust-1", amount=Decimal("99"), currency="USD")
    with pytest.raises(InvalidAction, match="the amount is in USD, but this complaint is in EUR"):
        commands.provide_details(asked, usd, POLICY, T)
    eur = usd.model_copy(update={"currency": "EUR"})
    [provided] = commands.provide_details(asked, eur, POLICY, T)
    assert evolve(asked, provided).intake.currency == "EUR"


def test_a_currency_without_an_amount_is_refused_at_the_edge():
    with pytest.raises(ValidationError, match="only with the amount"):
        CustomerDetails(customer_id="cust-1", order_reference="ORD-9", currency="EUR")


def test_an_unnamed_currency_is_left_out_of_the_json_so_old_signatures_verify():
    assert "currency" not in REFUND_400.model_dump(mode="json")
    assert "currency" not in INTAKE.model_dump(mode="json")
    assert Remedy(kind=RemedyKind.REFUND, amount=Decimal(1), currency="EUR").model_dump(
        mode="json"
    ) == {"kind": "refund", "amount": "1", "currency": "EUR"}
