"""Which currency a complaint's money is in, and refusing money in any other.

A complaint has one currency: its policy's (`CompanyPolicy.currency`). An intake, a
customer's reply or a manager's remedy may name it; naming another is refused, since
nothing converts between currencies and a refund of "100" must mean one thing.
"""

from __future__ import annotations

from domain.errors import InvalidAction
from schemas.intake import ComplaintIntake
from schemas.policy import CompanyPolicy


def currency_of(intake: ComplaintIntake | None, policy: CompanyPolicy) -> str:
    """The complaint's currency: the intake's where it names one (always the policy's, as
    `admit` refuses any other), else the policy's."""
    return (intake.currency if intake else None) or policy.currency


def refuse_other_currency(named: str | None, expected: str, what: str) -> None:
    """`what` (e.g. "the counter-offer") is in `named`: refused unless it is `expected`."""
    if named is not None and named != expected:
        raise InvalidAction(
            f"{what} is in {named}, but this complaint is in {expected}: "
            f"give the amount in {expected} (nothing is converted between currencies)"
        )
