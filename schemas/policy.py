"""Company policy as versioned data, owned by the operator.

Policies are JSON documents the worker loads by version (`policies/` holds them, with the
JSON Schema of this model); a caller names a version at most, never sends the content.
A complaint records the policy it started under, so a later policy change never rewrites
the rules of a complaint already in flight. What any policy must satisfy is checked here
(positive deadlines, authority growing with each level); how short a deadline may be is
the operator's choice (`activities.policy_store.PolicyBounds`).

    python -m schemas.policy            # the JSON Schema (policies/company-policy.schema.json)
    python -m schemas.policy default    # the default document (policies/2026-11-default.json)
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from itertools import pairwise
from typing import Annotated, Any

from annotated_types import Gt
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_serializer,
    model_validator,
)

from schemas.intake import Category, Severity
from schemas.locale import DEFAULT_CURRENCY, DEFAULT_TIME_ZONE, Currency, TimeZone
from schemas.remedies import RemedyKind
from schemas.sla import ClockKind
from schemas.text import Name

CURRENT = "current"
"""The version name a store resolves to whatever version the operator made current."""
DEFAULT_VERSION = "2026-11-default"

PolicyVersion = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
]
"""A version id: letters, digits, `.`, `_` and `-`, so it is also a safe file name."""

Positive = Annotated[timedelta, Field(gt=timedelta(0))]


class ManagerLevel(BaseModel):
    """One rung of the escalation ladder and how much it may grant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=1)
    title: Name
    authority_limit: Decimal = Field(ge=0)


class BusinessDuration(BaseModel):
    """A deadline in business time: `business` of working time on the complaint's store
    calendar (`sla.calendars`, by `sla.store_calendars`), whether or not the SLA clocks run.
    In a document: `{"business": "PT8H"}`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    business: Positive

    @field_serializer("business", when_used="json")
    def _in_hours(self, value: timedelta) -> str:
        """Business time reads in hours ("PT27H": three nine-hour days), never in days."""
        return _hours_and_minutes(value)


WALL_CLOCK, BUSINESS = "wall_clock", "business"
DEADLINE_KINDS = (WALL_CLOCK, BUSINESS)
"""The two kinds of deadline, as validation errors name them after the field."""


def _deadline_kind(value: Any) -> str | None:
    """A JSON object (or a `BusinessDuration`) is business time; a string or a number (of
    seconds) wall-clock; anything else neither (refused with the shapes a deadline has)."""
    if isinstance(value, dict | BusinessDuration):
        return BUSINESS
    if isinstance(value, str | int | float | timedelta) and not isinstance(value, bool):
        return WALL_CLOCK
    return None


WallClock = Annotated[timedelta, Gt(timedelta(0))]
"""Real time, as a clock on the wall counts it: an ISO 8601 duration ("P2D", "PT8H")."""

Deadline = Annotated[
    Annotated[WallClock, Tag(WALL_CLOCK)] | Annotated[BusinessDuration, Tag(BUSINESS)],
    Discriminator(
        _deadline_kind,
        custom_error_type="deadline",
        custom_error_message=(
            'a deadline is an ISO 8601 duration ("P2D") or a business duration '
            '({"business": "PT8H"})'
        ),
    ),
    Field(
        description='Wall-clock, an ISO 8601 duration ("P2D"), or business time on the '
        'store\'s calendar, {"business": "PT8H"}'
    ),
]
"""How long until a deadline: wall-clock (`timedelta`) or business time (`BusinessDuration`)."""

GraceWallClock = Annotated[timedelta, Field(ge=timedelta(0))]
Grace = Annotated[
    Annotated[GraceWallClock, Tag(WALL_CLOCK)] | Annotated[BusinessDuration, Tag(BUSINESS)],
    Discriminator(
        _deadline_kind,
        custom_error_type="deadline",
        custom_error_message=(
            'a deadline is an ISO 8601 duration ("P14D", zero "PT0S") or a business duration '
            '({"business": "PT72H"})'
        ),
    ),
    Field(
        description='Wall-clock, an ISO 8601 duration ("P14D"; "PT0S" for none), or business '
        'time on the store\'s calendar, {"business": "PT72H"}'
    ),
]
"""A deadline that may also be zero (wall-clock only)."""


def length(deadline: timedelta | BusinessDuration) -> timedelta:
    """How long a deadline is, wall-clock or business, as a duration."""
    return deadline.business if isinstance(deadline, BusinessDuration) else deadline


class Deadlines(BaseModel):
    """How long we wait, and how long before we call back. Each deadline is wall-clock
    ("P2D") or business time on the store's calendar (`{"business": "PT18H"}`).

    Promise prudently: the follow-up comes a little later than the fix is expected.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    details_reply: Deadline = timedelta(days=2)
    solution_choice: Deadline = timedelta(days=2)
    appeal: Deadline = timedelta(days=7)
    manager_response: Deadline = timedelta(days=1)
    manager_after_reminder: Deadline = timedelta(hours=8)
    callback_interval: Deadline = timedelta(days=2)
    follow_up_delay: Deadline = timedelta(days=4)
    follow_up_reply: Deadline = timedelta(days=3)
    follow_up_after_reminder: Deadline = timedelta(days=3)
    specialist_review: Deadline = timedelta(days=3)
    safety_review: Deadline = timedelta(hours=1)
    """How long a reported hazard may go unacknowledged before the safety officers are
    reminded (`CompanyPolicy.safety_reminders` times at most)."""
    reopen_grace: Grace = timedelta(days=14)
    """After a resolved complaint closes, a reply from its customer this long reopens it;
    later, the reply files a new complaint linked to it. Zero: the run ends at closing (no
    reopen, no survey)."""
    survey_delay: Deadline = timedelta(days=3)
    """How long after closing the satisfaction survey is sent (inside `reopen_grace`; a
    reopen before then cancels it)."""

    @model_validator(mode="after")
    def _survey_in_grace(self) -> Deadlines:
        """The survey falls due inside the reopen window on any calendar: business time
        never runs faster than the wall clock, so a wall-clock delay shorter than a business
        window always is; a business delay needs a business window longer than it."""
        grace, survey = self.reopen_grace, self.survey_delay
        if not length(grace):
            return self
        if isinstance(survey, BusinessDuration) and not isinstance(grace, BusinessDuration):
            raise ValueError(
                "a business survey_delay needs a business reopen_grace: on a calendar with "
                "holidays or closures it could fall due after a wall-clock window ends"
            )
        if length(survey) >= length(grace):
            raise ValueError(
                f"survey_delay ({length(survey)}) must be shorter than reopen_grace "
                f"({length(grace)}): the survey is answered while the complaint is open"
            )
        return self

    def business(self) -> dict[str, BusinessDuration]:
        """The deadlines given in business time, by field name."""
        found = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, BusinessDuration):
                found[name] = value
        return found


class OperationsQueue(BaseModel):
    """Bounded waiting: how many reminders a silent person gets before the complaint moves to
    the operations queue (reminders stop, the customer is told). None: reminded without end."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Name = "Operations desk"
    """Who reassigns complaints nobody acted on."""
    specialist_reminders: int | None = Field(default=2, ge=0, le=20)
    """Reminders to the specialist of a paused conversation; the next silence moves it."""
    top_manager_reminders: int | None = Field(default=3, ge=0, le=20)
    """Reminders to the top manager level; the next silence moves it."""


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def index(self) -> int:
        """As `date.weekday()` counts: Monday is 0."""
        return list(Weekday).index(self)


class OpeningHours(BaseModel):
    """One stretch of working time in a day, in the calendar's local time.

    `closes` 00:00 means midnight at the end of the day (a stretch up to 24:00).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    opens: time
    closes: time

    @model_validator(mode="after")
    def _opens_before_closing(self) -> OpeningHours:
        if self.opens.tzinfo or self.closes.tzinfo:
            raise ValueError("opening hours are local times, without a time zone")
        if self.closes != time(0) and self.closes <= self.opens:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")
        return self


class Closure(BaseModel):
    """Days the company is closed beyond the public holidays (inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_day: date
    last_day: date
    reason: Name

    @model_validator(mode="after")
    def _in_order(self) -> Closure:
        if self.last_day < self.first_day:
            raise ValueError(f"last_day ({self.last_day}) is before first_day ({self.first_day})")
        return self


@cache
def _supported_countries() -> dict[str, list[str]]:
    """Each country the `holidays` package knows, with its subdivisions. Read once, at the
    first calendar validated (it imports every country's module), not on import."""
    import holidays

    return holidays.list_supported_countries()


def _office_hours() -> dict[Weekday, list[OpeningHours]]:
    return {
        day: [OpeningHours(opens=time(9), closes=time(18))]
        for day in list(Weekday)[:5]  # Monday to Friday
    }


class BusinessCalendar(BaseModel):
    """When a store or region works: hours per weekday, its time zone, its country's public
    holidays (the `holidays` package) and the company's own closures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_zone: TimeZone = DEFAULT_TIME_ZONE
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = "EE"
    """ISO 3166-1 alpha-2; its public holidays are days off. None: no public holidays."""
    subdivision: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")] | None = None
    hours: dict[Weekday, list[OpeningHours]] = Field(default_factory=_office_hours)
    closures: list[Closure] = Field(default_factory=list, max_length=366)

    @model_validator(mode="after")
    def _works_sometimes(self) -> BusinessCalendar:
        """A known country (and subdivision); at least one stretch a week; no overlaps."""
        if self.country is not None:
            supported = _supported_countries()
            if self.country not in supported:
                raise ValueError(f"the holidays package knows no country {self.country!r}")
            known = supported[self.country]
            if self.subdivision is not None and self.subdivision not in known:
                raise ValueError(f"{self.country} has no subdivision {self.subdivision!r}")
        elif self.subdivision is not None:
            raise ValueError("a subdivision needs a country")
        if not any(self.hours.values()):
            raise ValueError("a calendar needs working hours on at least one weekday")
        for day, stretches in self.hours.items():
            ordered = sorted(stretches, key=lambda s: s.opens)
            for before, after in pairwise(ordered):
                if before.closes == time(0) or after.opens < before.closes:
                    raise ValueError(f"{day}: opening hours overlap")
        return self

    def weekly_hours(self) -> timedelta:
        """The working time of a week without holidays or closures (local hours)."""
        day = date(2001, 1, 1)  # any date: only the difference of two local times counts
        total = timedelta(0)
        for stretch in (s for stretches in self.hours.values() for s in stretches):
            closes = datetime.combine(day + timedelta(days=1), time(0))
            if stretch.closes != time(0):
                closes = datetime.combine(day, stretch.closes)
            total += closes - datetime.combine(day, stretch.opens)
        return total


class SlaTargets(BaseModel):
    """How much business time each clock may run for one severity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_response: Positive
    next_update: Positive
    resolution: Positive

    def of(self, clock: ClockKind) -> timedelta:
        return getattr(self, clock.value)

    @field_serializer("first_response", "next_update", "resolution", when_used="json")
    def _in_hours(self, value: timedelta) -> str:
        """Business time reads in hours ("PT27H": three nine-hour days), never in days."""
        return _hours_and_minutes(value)


def _hours_and_minutes(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    micro = value.microseconds
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or micro or text == "PT":
        text += f"{seconds}.{micro:06d}S" if micro else f"{seconds}S"
    return text


def _default_targets() -> dict[Severity, SlaTargets]:
    hours = lambda n: timedelta(hours=n)  # noqa: E731 - a table of business hours
    return {
        Severity.CRITICAL: SlaTargets(
            first_response=hours(1), next_update=hours(4), resolution=hours(9)
        ),
        Severity.HIGH: SlaTargets(
            first_response=hours(4), next_update=hours(9), resolution=hours(27)
        ),
        Severity.MEDIUM: SlaTargets(
            first_response=hours(9), next_update=hours(18), resolution=hours(45)
        ),
        Severity.LOW: SlaTargets(
            first_response=hours(18), next_update=hours(27), resolution=hours(90)
        ),
    }


DEFAULT_CALENDAR = "default"


class SlaPolicy(BaseModel):
    """Service levels: targets per severity in business time, on the store's calendar."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    """False: no clocks run, no SLA timers, events or search attributes."""
    targets: dict[Severity, SlaTargets] = Field(default_factory=_default_targets)
    warning_fraction: Decimal = Field(default=Decimal("0.75"), gt=0, lt=1)
    """A clock warns once this share of its target has run."""
    escalate_on_breach: frozenset[ClockKind] = frozenset(
        {ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION}
    )
    """A breach of these clocks escalates to a manager; every breach is recorded."""
    calendars: dict[Name, BusinessCalendar] = Field(
        default_factory=lambda: {DEFAULT_CALENDAR: BusinessCalendar()}
    )
    """By name; `default` is the calendar of any store `store_calendars` does not name."""
    store_calendars: dict[Name, Name] = Field(default_factory=dict)
    """Store or region id (the intake's `store`) to calendar name."""

    @model_validator(mode="after")
    def _complete(self) -> SlaPolicy:
        missing = set(Severity) - set(self.targets)
        if missing:
            raise ValueError(f"SLA targets missing for {sorted(missing)}")
        if DEFAULT_CALENDAR not in self.calendars:
            raise ValueError(f"calendars need a {DEFAULT_CALENDAR!r} calendar")
        unknown = {c for c in self.store_calendars.values() if c not in self.calendars}
        if unknown:
            raise ValueError(f"store_calendars name unknown calendars {sorted(unknown)}")
        return self

    @field_serializer("escalate_on_breach")
    def _in_order(self, kinds: frozenset[ClockKind]) -> list[ClockKind]:
        return sorted(kinds)

    def calendar_for(self, store: str | None) -> BusinessCalendar:
        """The store's calendar, or the default one."""
        name = self.store_calendars.get(store, DEFAULT_CALENDAR) if store else DEFAULT_CALENDAR
        return self.calendars[name]


def _default_catalogue() -> dict[Category, list[RemedyKind]]:
    return {
        Category.DEFECTIVE_PRODUCT: [
            RemedyKind.REPLACEMENT,
            RemedyKind.REFUND,
            RemedyKind.REPAIR,
            RemedyKind.EXPLANATION,
        ],
        Category.POOR_SERVICE: [RemedyKind.DISCOUNT, RemedyKind.STORE_CREDIT],
        Category.RUDE_EMPLOYEE: [RemedyKind.DISCOUNT, RemedyKind.STORE_CREDIT],
        Category.BILLING: [RemedyKind.REFUND, RemedyKind.STORE_CREDIT, RemedyKind.EXPLANATION],
        Category.DELIVERY: [RemedyKind.REPLACEMENT, RemedyKind.REFUND, RemedyKind.DISCOUNT],
        Category.OTHER: [RemedyKind.STORE_CREDIT, RemedyKind.EXPLANATION],
    }


def _default_ladder() -> list[ManagerLevel]:
    return [
        ManagerLevel(level=1, title="Shift manager", authority_limit=Decimal("500")),
        ManagerLevel(level=2, title="Store manager", authority_limit=Decimal("2000")),
        ManagerLevel(level=3, title="Regional director", authority_limit=Decimal("10000")),
    ]


BUSINESS_WEEKS = 52
"""A business deadline is at most this many weeks of working hours on every calendar a store
may use, so it falls due within the years whose holidays a complaint knows."""


class CompanyPolicy(BaseModel):
    """The rules an agent applies without asking anyone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: PolicyVersion = DEFAULT_VERSION
    agent_authority_limit: Decimal = Field(default=Decimal("100"), ge=0)
    managers: list[ManagerLevel] = Field(default_factory=_default_ladder, min_length=1)
    specialist_title: Name = "Customer care specialist"
    """Who takes over an abusive conversation (or calls security, per policy)."""
    safety_title: Name = "Safety officer"
    """Who sees a reported injury, health risk or safety hazard first."""
    safety_reminders: int = Field(default=3, ge=0, le=10)
    """How often silent safety officers are reminded; after the last, the complaint still
    waits for their acknowledgement, without further pages."""
    return_window_days: int = Field(default=30, ge=0)
    exception_grace_days: int = Field(default=60, ge=0)
    """Beyond the window but within this grace a manager may still make an exception;
    later than that the agent declines (with alternatives) rather than raise false hope."""
    receipt_required_for: frozenset[RemedyKind] = frozenset(
        {RemedyKind.REFUND, RemedyKind.REPLACEMENT}
    )
    remedy_catalogue: dict[Category, list[RemedyKind]] = Field(default_factory=_default_catalogue)
    repair_cost_ratio: Decimal = Field(default=Decimal("0.30"), ge=0, le=1)
    discount_ratio: Decimal = Field(default=Decimal("0.20"), ge=0, le=1)
    goodwill_amount: Decimal = Field(default=Decimal("20"), ge=0)
    """What a discount or store credit is worth when there is no purchase amount."""
    goodwill_limit: Decimal = Field(default=Decimal("100"), ge=0)
    """How far a manager may go beyond the purchase amount, or outside the category's
    catalogue, as goodwill (always with a reason)."""
    four_eyes_above: Decimal = Field(default=Decimal("1000"), ge=0)
    """A grant above this needs two different managers who both decide it."""
    reopens_before_escalation: int = Field(default=1, ge=0)
    """A fix that failed once is retried by the agent; failing again goes to a manager."""
    link_duplicates: bool = True
    """A complaint claims its order with the commerce backend before a remedy is sought: a
    second complaint of the same customer about the same order, while the first is open
    (its reopen window included), is linked to it and gets no remedy of its own."""
    deadlines: Deadlines = Field(default_factory=Deadlines)
    operations: OperationsQueue = Field(default_factory=OperationsQueue)
    """When a complaint nobody acts on moves to the operations queue (documents without it get
    these defaults)."""
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    """The company's time zone: customer messages tell times in it when the intake has none."""
    currency: Currency = DEFAULT_CURRENCY
    """The ISO 4217 currency amounts are shown in to the customer."""
    continue_as_new_after_events: int | None = Field(default=None, ge=20)
    """A complaint waiting with a history this long continues as a new run (carrying its
    record); None: only when the server suggests it. At least 20, so a fresh run never
    continues at once."""
    sla: SlaPolicy = Field(default_factory=SlaPolicy)
    """Service-level targets and business calendars (documents without it get these)."""

    @model_validator(mode="after")
    def _is_consistent(self) -> CompanyPolicy:
        """A version id that is not `current`; levels 1, 2, 3, ...; authority rising from the
        agent through each level."""
        if self.version == CURRENT:
            raise ValueError(f"version {CURRENT!r} is reserved: it names the current version")
        levels = [m.level for m in self.managers]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError("manager levels must be 1, 2, 3, ... in order")
        limits = [("agent_authority_limit", self.agent_authority_limit)] + [
            (f"managers[{i}].authority_limit", m.authority_limit)
            for i, m in enumerate(self.managers)
        ]
        for (lower, below), (upper, above) in pairwise(limits):
            if below >= above:
                raise ValueError(
                    f"{lower} ({below}) must be below {upper} ({above}): "
                    "each level may grant more than the one it escalates from"
                )
        for name, deadline in self.deadlines.business().items():
            for calendar_name, calendar in self.sla.calendars.items():
                year = calendar.weekly_hours() * BUSINESS_WEEKS
                if deadline.business > year:
                    raise ValueError(
                        f"deadlines.{name} ({_hours_and_minutes(deadline.business)} of "
                        f"business time) is more than {BUSINESS_WEEKS} weeks of calendar "
                        f"{calendar_name!r}'s working hours ({_hours_and_minutes(year)})"
                    )
        return self

    @field_serializer("receipt_required_for")
    def _in_order(self, kinds: frozenset[RemedyKind]) -> list[RemedyKind]:
        """A set, written in a stable order so documents and histories do not churn."""
        return sorted(kinds)

    @property
    def top_level(self) -> int:
        return len(self.managers)

    def manager(self, level: int) -> ManagerLevel:
        return self.managers[min(level, self.top_level) - 1]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a policy document (`policies/company-policy.schema.json`)."""
    return CompanyPolicy.model_json_schema(mode="validation")


def as_json(value: Any) -> str:
    """How policy files are written: two-space indent, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["default"]:
        print(as_json(CompanyPolicy().model_dump(mode="json")), end="")
    else:
        print(as_json(json_schema()), end="")
