"""Actions that survive retries and crowds: one update id per request, SDK errors only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from schemas.remedies import RemedyKind
from schemas.state import Status
from sdk import ComplaintBusy, ComplaintClient, InvalidAction
from tests.factories import CUSTOMER, make_intake
from tests.polling import until_status


async def test_a_retried_request_is_one_action(complaints: ComplaintClient):
    intake = make_intake()
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    first = await complaints.choose_solution(
        cid, RemedyKind.REPLACEMENT, customer_id=CUSTOMER, request_id="shop-req-1"
    )
    again = await complaints.choose_solution(
        cid, RemedyKind.REPLACEMENT, customer_id=CUSTOMER, request_id="shop-req-1"
    )
    assert again == first  # the server answered the retry with the first outcome
    events = [e.type for e in await complaints.events(cid)]
    assert events.count("SolutionChosen") == 1


async def test_thirty_concurrent_choices_give_one_acceptance_and_sdk_errors(
    complaints: ComplaintClient,
):
    intake = make_intake()
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    outcomes = await asyncio.gather(
        *(
            complaints.choose_solution(
                cid, RemedyKind.REPLACEMENT, customer_id=CUSTOMER, request_id=f"crowd-{n}"
            )
            for n in range(30)
        ),
        return_exceptions=True,
    )
    accepted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(accepted) == 1, outcomes
    assert all(isinstance(o, InvalidAction | ComplaintBusy) for o in refused), refused
    assert all(
        "cannot choose a solution" in o.message for o in refused if isinstance(o, InvalidAction)
    )
    events = [e.type for e in await complaints.events(cid)]
    assert events.count("SolutionChosen") == 1


async def test_a_cancelled_call_stops_and_is_not_sent_again(complaints: ComplaintClient):
    """The caller gives up (`asyncio.wait_for`, an aborted web request): the call ends
    cancelled at once, instead of being retried in the background as if it timed out."""
    intake = make_intake()
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.AWAITING_CHOICE)
    waiting = asyncio.create_task(
        complaints.wait_until(cid, status=Status.CLOSED, timeout=timedelta(minutes=5))
    )
    await asyncio.sleep(0.5)  # the wait is in the workflow now
    waiting.cancel()
    done, _ = await asyncio.wait({waiting}, timeout=10)
    assert done == {waiting}, "the cancelled call is still being retried"
    assert waiting.cancelled()
