"""The SDK's errors: a refusal is the domain's `InvalidAction`, with the complaint it is about."""

from __future__ import annotations

import pytest

from domain import errors as domain
from sdk import ComplaintClosed, ComplaintError, InvalidAction


@pytest.mark.parametrize(
    "refusal",
    [InvalidAction("c-1", "repair is not on offer"), ComplaintClosed("c-1")],
)
def test_one_except_catches_a_refusal_from_the_sdk_or_the_domain(refusal: InvalidAction):
    with pytest.raises(domain.InvalidAction):
        raise refusal
    assert isinstance(refusal, ComplaintError)
    assert refusal.complaint_id == "c-1" and str(refusal) == refusal.message
