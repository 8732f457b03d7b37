"""Every lifecycle path of a complaint, as data: who acts on which cue, and how it must end.

One catalogue serves the chaos test (real dev server, worker killed at random) and
the replay recorder (`tests/replay/record.py`). A path says what the customer,
manager or specialist does, and on what cue: the nth message of a kind the customer
received, or the nth page a manager got (both read from the backend, as people
would see them). It also says the outcome it must reach and the remedies the ledger
must hold, so a run can be checked however late crashes made each step.

Deadlines are per path, so the outcome cannot depend on timing: a wait someone
answers is long (minutes), a wait that must lapse is short (seconds). A crash can
delay an answer, never make it late. Each path's policy is a version of its own
(`reliability-<path>`), which the worker that plays the paths must hold (`policy_store`,
or `write_policies` for a worker in another process); its seconds need the development
bounds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from activities.policy_store import FilePolicyStore, InMemoryPolicyStore
from schemas.actions import (
    Appeal,
    CustomerChoice,
    DecisionKind,
    FollowUpAnswer,
    ReopenRequest,
    SurveyAnswer,
    Withdrawal,
)
from schemas.intake import (
    Category,
    ComplaintIntake,
    Contact,
    CustomerDetails,
    HazardKind,
    SafetyHazard,
)
from schemas.messages import Outcome
from schemas.policy import (
    BusinessDuration,
    CompanyPolicy,
    Deadlines,
    ManagerLevel,
    OperationsQueue,
    SlaPolicy,
)
from schemas.remedies import Remedy, RemedyKind
from schemas.state import Status
from tests.builders import ALWAYS_OPEN, ENDS_AT_CLOSING
from tests.factories import CUSTOMER, make_intake
from tests.signing import Unsigned, manager, operator, safety_officer, specialist

ANSWERED = timedelta(minutes=10)
"""A wait someone answers: far longer than any crash or restart can delay the answer."""
LAPSES = timedelta(seconds=2)
"""A wait nobody answers: lapses quickly, so silent paths finish in seconds."""
CALLBACKS = timedelta(seconds=20)
"""Promised callbacks keep coming while a complaint waits: timers and effects during chaos."""
SURVEY = timedelta(seconds=30)
"""Aftercare paths: the survey's delay after closing (a reopen on the closing comes first)."""
WINDOW = timedelta(seconds=60)
"""Aftercare paths: the reopen window, long enough for a survey answer despite a crash."""


@dataclass(frozen=True)
class Cue:
    """What a person waits for before acting: the nth message or page of a kind."""

    source: Literal["message", "page"]
    kind: str
    nth: int = 1
    level: int | None = None
    """For pages: only those to this escalation level count."""


@dataclass(frozen=True)
class Step:
    cue: Cue
    status: Status
    """Where the complaint must stand when the person acts (checked before acting)."""
    update: str
    """The `ComplaintWorkflow` update the person sends."""
    arg: BaseModel | Unsigned
    """Staff actions are signed when they are sent (`tests.reliability.runner.act`)."""
    escalation_level: int | None = None

    @property
    def event(self) -> str:
        """The domain event this action adds, exactly once, when accepted."""
        if isinstance(self.arg, FollowUpAnswer):
            return "FixConfirmed" if self.arg.fixed else "Reopened"
        return _EVENT_OF[self.update]


_EVENT_OF = {
    "provide_details": "DetailsProvided",
    "choose_solution": "SolutionChosen",
    "appeal": "Appealed",
    "withdraw": "Withdrawn",
    "resume": "Resumed",
    "decide_escalation": "ManagerDecided",
    "acknowledge_safety": "SafetyAcknowledged",
    "reassign": "Reassigned",
    "reopen": "Reopened",
    "answer_survey": "SurveyAnswered",
}


@dataclass(frozen=True)
class LifecyclePath:
    name: str
    intake: dict[str, Any]
    """Overrides of `tests.factories.make_intake`; purchase dates as days ago."""
    steps: tuple[Step, ...]
    outcome: Outcome
    remedies: tuple[RemedyKind, ...]
    """What the remedy ledger must hold for the complaint, in order."""
    lapses: frozenset[str] = frozenset()
    """Deadlines (`Deadlines` field names) nobody answers on this path."""
    managers: tuple[ManagerLevel, ...] | None = None
    employee_follow_up: bool = False
    days_since_purchase: int = 7
    operations: OperationsQueue | None = None
    """Bounded waiting, when not the default policy's."""
    aftercare: bool = False
    """A reopen window and a survey after closing, and the order claimed (an order of the
    complaint's own, so copies of the path never link to each other); the other paths
    end at closing."""
    business_time: bool = False
    """Every deadline in business time, on a calendar open around the clock (business time
    is then real time, so the path runs as its wall-clock twin does)."""

    @property
    def closings(self) -> int:
        """How often the customer is told the complaint is closed: once, and again after
        each reopen of a closed complaint (within its window)."""
        return 1 + sum(step.update == "reopen" for step in self.steps)

    def policy(self) -> CompanyPolicy:
        deadlines = {name: ANSWERED for name in Deadlines.model_fields}
        deadlines |= {"callback_interval": CALLBACKS} | {name: LAPSES for name in self.lapses}
        if self.aftercare:
            deadlines |= {"survey_delay": SURVEY, "reopen_grace": WINDOW}
        else:
            deadlines |= {"reopen_grace": timedelta(0)}
        ladder = {"managers": list(self.managers)} if self.managers else {}
        bound = {"operations": self.operations} if self.operations else {}
        calendar = {}
        if self.business_time:
            deadlines = {
                name: BusinessDuration(business=value) if value else value
                for name, value in deadlines.items()
            }
            calendar = {"sla": SlaPolicy(calendars={"default": ALWAYS_OPEN})}
        return CompanyPolicy(
            version=f"reliability-{self.name}",
            deadlines=Deadlines(**deadlines),
            link_duplicates=self.aftercare,
            **ladder,
            **bound,
            **calendar,
        )

    def make_intake(self, complaint_id: str, today: date) -> ComplaintIntake:
        bought = today - timedelta(days=self.days_since_purchase)
        fields = {
            "complaint_id": complaint_id,
            "purchase_date": bought,
            "contact": contact_for(complaint_id),
        }
        if self.aftercare:
            digest = hashlib.sha256(complaint_id.encode()).hexdigest()[:10].upper()
            fields["order_reference"] = f"ORD-{digest}"
        return make_intake(**(fields | self.intake))


def contact_for(complaint_id: str) -> Contact:
    """A contact of its own for each complaint, so a leak is traced to where it came from."""
    digest = hashlib.sha256(complaint_id.encode()).hexdigest()
    return Contact(
        email=f"customer.{digest[:10]}@example.org",
        phone=f"+371 2{int(digest[10:20], 16) % 10**7:07d}",
    )


def msg(kind: str, nth: int = 1) -> Cue:
    return Cue("message", kind, nth)


def page(kind: str, nth: int = 1, level: int | None = None) -> Cue:
    return Cue("page", kind, nth, level)


def choose(cue: Cue, kind: RemedyKind, status: Status = Status.AWAITING_CHOICE) -> Step:
    return Step(cue, status, "choose_solution", CustomerChoice(customer_id=CUSTOMER, remedy=kind))


def answer(nth: int, fixed: bool) -> Step:
    comment = None if fixed else "Still not working"
    return Step(
        msg("resolution", nth),
        Status.RESOLVED,
        "answer_follow_up",
        FollowUpAnswer(customer_id=CUSTOMER, fixed=fixed, comment=comment),
    )


def decide(
    cue: Cue,
    kind: DecisionKind,
    level: int = 1,
    remedy: Remedy | None = None,
    reason: str | None = None,
) -> Step:
    decision = manager(kind, level, remedy, reason)
    return Step(cue, Status.AWAITING_MANAGER, "decide_escalation", decision, escalation_level=level)


def withdraw(cue: Cue, status: Status) -> Step:
    return Step(
        cue, status, "withdraw", Withdrawal(customer_id=CUSTOMER, reason="Sorted it out myself")
    )


_FOLLOW_UP_LAPSES = frozenset({"follow_up_delay", "follow_up_reply", "follow_up_after_reminder"})
_LATE = 150
"""Days since purchase: far outside the return window, so the agent declines."""
_R = RemedyKind

PATHS: tuple[LifecyclePath, ...] = (
    LifecyclePath(
        "resolved_confirmed",
        {},
        (choose(msg("proposals"), _R.REPLACEMENT), answer(1, fixed=True)),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPLACEMENT,),
    ),
    LifecyclePath(
        "follow_up_unanswered",
        {},
        (choose(msg("proposals"), _R.REPLACEMENT),),
        Outcome.RESOLVED_UNCONFIRMED,
        (_R.REPLACEMENT,),
        lapses=_FOLLOW_UP_LAPSES,
    ),
    LifecyclePath(
        "details_never_given_default_remedy",
        {"order_reference": None, "receipt_present": None, "amount": None, "purchase_date": None},
        (),
        Outcome.RESOLVED_UNCONFIRMED,
        (_R.REPAIR,),
        lapses=_FOLLOW_UP_LAPSES | {"details_reply", "solution_choice"},
    ),
    LifecyclePath(
        "details_given",
        {"order_reference": None, "amount": None},
        (
            Step(
                msg("details_request"),
                Status.AWAITING_DETAILS,
                "provide_details",
                CustomerDetails(
                    customer_id=CUSTOMER, order_reference="ORD-77", amount=Decimal("80")
                ),
            ),
            choose(msg("proposals"), _R.REFUND),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REFUND,),
    ),
    LifecyclePath(
        "declined_unanswered",
        {},
        (choose(msg("proposals"), _R.REFUND),),
        Outcome.DECLINED,
        (),
        lapses=frozenset({"appeal"}),
        days_since_purchase=_LATE,
    ),
    LifecyclePath(
        "declined_alternative_taken",
        {},
        (
            choose(msg("proposals"), _R.REFUND),
            choose(msg("decline"), _R.REPAIR, Status.DECLINED),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPAIR,),
        days_since_purchase=_LATE,
    ),
    LifecyclePath(
        "appeal_denied_then_withdrawn",
        {},
        (
            choose(msg("proposals"), _R.REFUND),
            Step(
                msg("decline"),
                Status.DECLINED,
                "appeal",
                Appeal(customer_id=CUSTOMER, reason="I was abroad"),
            ),
            decide(page("escalation"), DecisionKind.DENY, reason="Heavy wear, not a defect"),
            withdraw(msg("decline", 2), Status.DECLINED),
        ),
        Outcome.WITHDRAWN,
        (),
        days_since_purchase=_LATE,
    ),
    LifecyclePath(
        "no_receipt_manager_overrides",
        {"receipt_present": False},
        (
            choose(msg("proposals"), _R.REFUND),
            decide(
                page("escalation"),
                DecisionKind.OVERRIDE,
                remedy=Remedy(kind=_R.REFUND, amount=Decimal("49.90")),
                reason="Card statement shows the purchase",
            ),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REFUND,),
    ),
    LifecyclePath(
        "beyond_authority_manager_counters",
        {"amount": Decimal("900")},
        (
            choose(msg("proposals"), _R.REFUND),
            decide(
                page("escalation"),
                DecisionKind.COUNTER,
                remedy=Remedy(kind=_R.STORE_CREDIT, amount=Decimal("450")),
                reason="Store credit now; a refund needs level 2",
            ),
            choose(msg("proposals", 2), _R.STORE_CREDIT),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.STORE_CREDIT,),
    ),
    LifecyclePath(
        "silent_manager_next_level_approves",
        {"amount": Decimal("450")},
        (
            choose(msg("proposals"), _R.REFUND),
            decide(page("escalation", level=2), DecisionKind.APPROVE, level=2),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REFUND,),
        lapses=frozenset({"manager_response", "manager_after_reminder"}),
        # Two rungs: once at the top, a silent manager is only reminded (without end), so
        # the level-2 decision can never arrive after a move to level 3 or to operations.
        managers=(
            ManagerLevel(level=1, title="Shift manager", authority_limit=Decimal("500")),
            ManagerLevel(level=2, title="Store manager", authority_limit=Decimal("2000")),
        ),
        operations=OperationsQueue(top_manager_reminders=None),
    ),
    LifecyclePath(
        "reopened_twice_manager_counters",
        {},
        (
            choose(msg("proposals"), _R.REPAIR),
            answer(1, fixed=False),
            choose(msg("proposals", 2), _R.REPLACEMENT),
            answer(2, fixed=False),
            decide(
                page("escalation"),
                DecisionKind.COUNTER,
                remedy=Remedy(kind=_R.REFUND, amount=Decimal("49.90")),
                reason="Two failed fixes: refund instead",
            ),
            choose(msg("proposals", 3), _R.REFUND),
            answer(3, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPAIR, _R.REPLACEMENT, _R.REFUND),
    ),
    LifecyclePath(
        "safety_acknowledged_then_resolved",
        {
            "safety": SafetyHazard(
                kind=HazardKind.INJURY, description="The kettle's lid flew off: scalded hand"
            )
        },
        (
            Step(
                page("safety"),
                Status.AWAITING_SAFETY,
                "acknowledge_safety",
                safety_officer("Called her; batch withdrawn from sale"),
            ),
            choose(msg("proposals"), _R.REPLACEMENT),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPLACEMENT,),
    ),
    LifecyclePath(
        "abusive_paused_then_resumed",
        {"abusive": True},
        (
            Step(
                page("specialist"),
                Status.PAUSED,
                "resume",
                specialist("Calm now, spoke by phone"),
            ),
            choose(msg("proposals"), _R.REPLACEMENT),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPLACEMENT,),
    ),
    LifecyclePath(
        # Nobody takes the paused conversation up: at its first silence it moves to the
        # operations queue; reassigned, nobody takes it up again, and it moves back; the
        # customer withdraws while it waits there. Every cue comes whatever the delays.
        "silent_specialist_to_operations_reassigned_withdrawn",
        {"abusive": True},
        (
            Step(page("operations"), Status.IN_OPERATIONS, "reassign", operator()),
            withdraw(page("operations", 2), Status.IN_OPERATIONS),
        ),
        Outcome.WITHDRAWN,
        (),
        lapses=frozenset({"specialist_review"}),
        operations=OperationsQueue(specialist_reminders=0),
    ),
    LifecyclePath(
        "rude_employee_manager_approves",
        {
            "category": Category.RUDE_EMPLOYEE,
            "description": "The cashier shouted at me in front of other customers",
            "employee_reference": "EMP-17",
            "order_reference": None,
            "amount": None,
        },
        (
            decide(
                page("escalation"),
                DecisionKind.APPROVE,
                remedy=Remedy(kind=_R.DISCOUNT, amount=Decimal("25")),
            ),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.DISCOUNT,),
        employee_follow_up=True,
    ),
    LifecyclePath(
        "withdrawn_waiting_for_manager",
        {"receipt_present": False},
        (
            choose(msg("proposals"), _R.REFUND),
            withdraw(page("escalation"), Status.AWAITING_MANAGER),
        ),
        Outcome.WITHDRAWN,
        (),
    ),
    LifecyclePath(
        "remedy_refused_manager_denies",
        {"order_reference": "UNKNOWN-7"},
        (
            choose(msg("proposals"), _R.REPLACEMENT),
            decide(page("escalation"), DecisionKind.DENY, reason="No such order on record"),
        ),
        Outcome.DECLINED,
        (),
        lapses=frozenset({"appeal"}),
    ),
    LifecyclePath(
        "withdrawn_before_choosing",
        {},
        (withdraw(msg("proposals"), Status.AWAITING_CHOICE),),
        Outcome.WITHDRAWN,
        (),
    ),
)

AFTERCARE_PATHS: tuple[LifecyclePath, ...] = (
    LifecyclePath(
        "aftercare_survey_answered",
        {},
        (
            choose(msg("proposals"), _R.REPLACEMENT),
            answer(1, fixed=True),
            Step(
                msg("survey"),
                Status.CLOSED,
                "answer_survey",
                SurveyAnswer(customer_id=CUSTOMER, score=4, comment="Quick and friendly"),
            ),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPLACEMENT,),
        aftercare=True,
    ),
    LifecyclePath(
        "aftercare_reopened_in_the_window",
        {},
        (
            choose(msg("proposals"), _R.REPAIR),
            answer(1, fixed=True),
            Step(
                msg("closing"),
                Status.CLOSED,
                "reopen",
                ReopenRequest(customer_id=CUSTOMER, comment="It stopped working again"),
            ),
            choose(msg("proposals", 2), _R.REPLACEMENT),
            answer(2, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REPAIR, _R.REPLACEMENT),
        aftercare=True,
    ),
)
"""After closing (patch `aftercare`): the survey answered; a reply within the window
reopens the complaint (its survey cancelled, then sent once after the second closing)."""
_TWO_RUNGS = (
    ManagerLevel(level=1, title="Shift manager", authority_limit=Decimal("500")),
    ManagerLevel(level=2, title="Store manager", authority_limit=Decimal("2000")),
)
BUSINESS_PATHS: tuple[LifecyclePath, ...] = (
    LifecyclePath(
        "business_hours_silent_manager_next_level_approves",
        {"amount": Decimal("450")},
        (
            choose(msg("proposals"), _R.REFUND),
            decide(page("escalation", level=2), DecisionKind.APPROVE, level=2),
            answer(1, fixed=True),
        ),
        Outcome.RESOLVED_CONFIRMED,
        (_R.REFUND,),
        lapses=frozenset({"manager_response", "manager_after_reminder"}),
        managers=_TWO_RUNGS,
        operations=OperationsQueue(top_manager_reminders=None),
        business_time=True,
    ),
)
"""Deadlines in business time (decision 018): the calendar read at receipt, every deadline
and promised callback computed on it."""
PATHS = PATHS + AFTERCARE_PATHS + BUSINESS_PATHS

BY_NAME = {p.name: p for p in PATHS}


def policy_store() -> InMemoryPolicyStore:
    """A store holding every path's policy (development bounds), the default current."""
    return InMemoryPolicyStore(ENDS_AT_CLOSING, *(p.policy() for p in PATHS))


def write_policies(folder: Path) -> Path:
    """Every path's policy as a document in `folder`, for a worker in another process."""
    store = FilePolicyStore(folder)
    for path in PATHS:
        store.add(path.policy())
    return folder
