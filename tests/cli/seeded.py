"""A seeded set of complaint records for the insight report, and what the seed drew.

Each complaint draws its category, store, order, filing day and fate; its record is the
events that fate produces. The report test counts from the draws, never from the events.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from schemas import events as ev
from schemas.events import EscalationReason
from schemas.intake import Category
from schemas.messages import Outcome
from schemas.remedies import DeclineCode, DeclineReason, Remedy, RemedyKind
from tests.factories import make_intake

START = date(2026, 11, 2)
DAYS = 14
END = START + timedelta(days=DAYS)
STORES = ("tallinn-1", "riga-2", "zagreb-3", "(none)")
FATES = ("straight", "declined", "escalated", "reopened", "open")


@dataclass(frozen=True)
class Draw:
    complaint_id: str
    category: Category
    store: str
    order: str
    filed: datetime
    fate: str
    hours: float
    decline: DeclineCode | None
    inside: bool
    """Filed inside [START, END)."""


def draw(seed: int, n: int, outside: int = 10) -> list[Draw]:
    rng = random.Random(seed)
    draws = []
    for i in range(n + outside):
        inside = i < n
        day = rng.randrange(DAYS) if inside else rng.choice((-3, -1, DAYS, DAYS + 2))
        filed = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
        filed += timedelta(minutes=rng.randrange(24 * 60))
        fate = rng.choice(FATES)
        draws.append(
            Draw(
                complaint_id=f"seed-{seed}-{i}",
                category=rng.choice(list(Category)),
                store=rng.choice(STORES),
                order=f"ORD-{rng.randrange(1, 30)}",
                filed=filed,
                fate=fate,
                hours=round(rng.uniform(0.5, 120), 2),
                decline=rng.choice(list(DeclineCode)) if fate == "declined" else None,
                inside=inside,
            )
        )
    return draws


def record(d: Draw) -> list[ev.DomainEvent]:
    at = d.filed
    intake = make_intake(
        complaint_id=d.complaint_id,
        category=d.category,
        store=None if d.store == "(none)" else d.store,
        order_reference=d.order,
        purchase_date=d.filed.date() - timedelta(days=3),
    )
    remedy = Remedy(kind=RemedyKind.REFUND, amount=Decimal("20.00"))
    log: list[ev.DomainEvent] = [
        ev.Received(at=at, intake=intake, policy_version="v1"),
        ev.Acknowledged(at=at),
        ev.SolutionsProposed(at=at, options=[remedy], default=remedy, choose_by=at),
    ]
    done = at + timedelta(hours=d.hours)
    if d.fate == "open":
        return log
    if d.fate == "declined":
        assert d.decline is not None
        reason = DeclineReason(code=d.decline, rule="the rule", why_policy_exists="the why")
        return log + [
            ev.Declined(
                at=at, requested=remedy, reasons=[reason], alternatives=[], decided_by="agent",
                can_appeal=True, answer_by=done,
            ),
            ev.Closed(at=done, outcome=Outcome.DECLINED),
        ]  # fmt: skip
    if d.fate == "escalated":
        log.append(
            ev.Escalated(
                at=at, level=1, reason=EscalationReason.BEYOND_AUTHORITY, requested=remedy,
                policy_exception=False, respond_by=done,
            )
        )  # fmt: skip
    log += [
        ev.RemedyExecuted(at=at, remedy=remedy, reference="r-1", authorised_by="agent"),
        ev.Resolved(at=at, remedy=remedy, follow_up_at=done),
    ]
    if d.fate == "reopened":
        log += [ev.Reopened(at=at), ev.RemedyExecuted(at=at, remedy=remedy, reference="r-2",
                                                      authorised_by="agent")]  # fmt: skip
    return log + [ev.FixConfirmed(at=done), ev.Closed(at=done, outcome=Outcome.RESOLVED_CONFIRMED)]
