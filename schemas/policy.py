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
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_serializer,
    model_validator,
)

from schemas.intake import Category
from schemas.locale import DEFAULT_CURRENCY, DEFAULT_TIME_ZONE, Currency, TimeZone
from schemas.remedies import RemedyKind
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


class Deadlines(BaseModel):
    """How long we wait, and how long before we call back.

    Promise prudently: the follow-up comes a little later than the fix is expected.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    details_reply: Positive = timedelta(days=2)
    solution_choice: Positive = timedelta(days=2)
    appeal: Positive = timedelta(days=7)
    manager_response: Positive = timedelta(days=1)
    manager_after_reminder: Positive = timedelta(hours=8)
    callback_interval: Positive = timedelta(days=2)
    follow_up_delay: Positive = timedelta(days=4)
    follow_up_reply: Positive = timedelta(days=3)
    follow_up_after_reminder: Positive = timedelta(days=3)
    specialist_review: Positive = timedelta(days=3)


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


class CompanyPolicy(BaseModel):
    """The rules an agent applies without asking anyone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: PolicyVersion = DEFAULT_VERSION
    agent_authority_limit: Decimal = Field(default=Decimal("100"), ge=0)
    managers: list[ManagerLevel] = Field(default_factory=_default_ladder, min_length=1)
    specialist_title: Name = "Customer care specialist"
    """Who takes over an abusive conversation (or calls security, per policy)."""
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
    deadlines: Deadlines = Field(default_factory=Deadlines)
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    """The company's time zone: customer messages tell times in it when the intake has none."""
    currency: Currency = DEFAULT_CURRENCY
    """The ISO 4217 currency amounts are shown in to the customer."""
    continue_as_new_after_events: int | None = Field(default=None, ge=20)
    """A complaint waiting with a history this long continues as a new run (carrying its
    record); None: only when the server suggests it. At least 20, so a fresh run never
    continues at once."""

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
