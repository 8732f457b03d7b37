"""The JSON API and the pages' guards: who may act is the verified token's subject, every
form needs its CSRF token, and a decision the workflow would refuse is refused before it is
sent (audited either way)."""

from __future__ import annotations

import re
import time

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from console import app as console_app
from console.auth import DevIssuer
from schemas import events as ev
from schemas.intake import HazardKind, SafetyHazard
from schemas.state import Status
from sdk import ComplaintClient
from tests.builders import QUICK_QUEUE
from tests.console.conftest import Running, escalated, sign_in
from tests.factories import make_intake
from tests.polling import eventually, until_status


async def test_a_request_without_a_token_or_with_a_forged_one_is_refused(running: Running):
    async with running.api() as anonymous:
        assert (await anonymous.get("/api/v1/me")).status_code == 401
        issuer = running.app.state.dev_issuer
        # Signed by another key under the same key id and issuer: a forgery.
        forger = DevIssuer(issuer.issuer, issuer.audience)
        forger.kid = issuer.kid
        claims = {"iss": issuer.issuer, "aud": issuer.audience, "sub": "manager-3"}
        claims |= {"iat": int(time.time()), "exp": int(time.time()) + 60}
        forged = [
            forger.id_token("manager-3", None),
            jwt.encode(claims, "guessed-secret-guessed-secret-32b", algorithm="HS256"),
            jwt.encode(
                claims | {"aud": "another-app"},
                issuer._key,
                algorithm="EdDSA",
                headers={"kid": issuer.kid},
            ),  # fmt: skip
            jwt.encode(
                claims | {"exp": int(time.time()) - 3600},
                issuer._key,
                algorithm="EdDSA",
                headers={"kid": issuer.kid},
            ),  # fmt: skip
            jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA"),
            "not-a-token",
        ]
        for token in forged:
            answer = await anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401, (token, answer.text)
    async with running.api("manager-2") as manager:
        me = (await manager.get("/api/v1/me")).json()
        assert (
            me["staff_id"] == "manager-2" and me["level"] == 2 and me["authority_limit"] == "2000"
        )
    async with running.api("someone-else") as stranger:
        assert (await stranger.get("/api/v1/me")).status_code == 403


async def test_decisions_through_the_api_are_checked_signed_and_audited(
    running: Running, complaints: ComplaintClient
):
    intake = await escalated(complaints)
    cid = intake.complaint_id
    async with running.api("manager-1") as shift:
        inbox = (await shift.get("/api/v1/inbox")).json()
        mine = next(c for c in inbox if c["complaint_id"] == cid)
        assert mine["level"] == 1 and mine["requested"]["amount"] == "800.00"
        assert mine["respond_by"] and mine["next_step"] == "reminder"
        above = {"kind": "override", "remedy": {"kind": "refund", "amount": "800.00"},
                 "reason": "Known batch defect"}  # fmt: skip
        refused = await shift.post(f"/api/v1/complaints/{cid}/decision", json=above)
        assert refused.status_code == 409, refused.text
        assert "above your authority limit of 500.00" in refused.json()["detail"]
        # A body that names another manager or a level is not a decision at all.
        forged = above | {"decider_id": "manager-3", "level": 3}
        assert (
            await shift.post(f"/api/v1/complaints/{cid}/decision", json=forged)
        ).status_code == 422
    events = await complaints.events(cid)
    assert not any(isinstance(e, ev.ManagerDecided) for e in events)
    async with running.api("specialist-1") as specialist:
        answer = await specialist.post(f"/api/v1/complaints/{cid}/decision", json=above)
        assert answer.status_code == 403
    async with running.api("manager-2") as store:
        body = {"kind": "override", "remedy": {"kind": "refund", "amount": "800.00"},
                "reason": "Known batch defect"}  # fmt: skip
        sent = await store.post(f"/api/v1/complaints/{cid}/decision", json=body)
        assert sent.status_code == 200, sent.text
        view = (await store.get(f"/api/v1/complaints/{cid}")).json()
    await until_status(complaints, cid, Status.RESOLVED)
    decided = [e for e in await complaints.events(cid) if isinstance(e, ev.ManagerDecided)]
    assert [(d.decider_id, d.level) for d in decided] == [("manager-2", 2)]
    assert view["state"]["status"] in ("in_progress", "resolved", "awaiting_manager")
    audit = running.audit.entries(cid)
    assert [(a.staff_id, a.outcome, a.via) for a in audit] == [
        ("manager-1", "refused", "api"),
        ("manager-2", "sent", "api"),
    ]
    assert "authority limit" in audit[0].detail["why"] and audit[1].client


async def test_pages_need_a_session_and_every_form_its_csrf_token(
    running: Running, complaints: ComplaintClient
):
    intake = await escalated(complaints)
    cid = intake.complaint_id
    async with running.api() as browser:
        pages = ("/inbox", "/queue", "/safety", "/search", f"/complaints/{cid}", "/complaints/%00x")
        for path in pages:
            answer = await browser.get(path)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")
        decision = {"kind": "override", "remedy": "refund", "amount": "800", "reason": "Defect"}
        assert (await browser.post(f"/complaints/{cid}/decision", data=decision)).status_code == 401
        # A sign-in this browser did not start, or with a forged token, is refused.
        stray = await browser.post("/auth/callback", data={"id_token": "x", "state": "y"})
        assert stray.status_code == 403
        forged = DevIssuer(running.app.state.dev_issuer.issuer, "complaints-console-dev")
        forged.kid = running.app.state.dev_issuer.kid
        picker = await browser.get("/login", follow_redirects=True)
        fields = dict(re.findall(r'name="(state|nonce)" value="([^"]*)"', picker.text))
        bad = await browser.post(
            "/auth/callback",
            data={
                "id_token": forged.id_token("manager-3", fields["nonce"]),
                "state": fields["state"],
            },
        )
        assert bad.status_code == 401 and "not valid" in bad.text, bad.text

        csrf = await sign_in(browser, "manager-2")
        assert (await browser.get("/inbox")).status_code == 200
        for odd in ("%00x", "..%2F..%2Fetc", "x" * 200, "no-such-complaint"):
            assert (await browser.get(f"/complaints/{odd}")).status_code == 404, odd
        no_token = await browser.post(f"/complaints/{cid}/decision", data=decision)
        assert no_token.status_code == 403
        wrong = await browser.post(
            f"/complaints/{cid}/decision", data=decision | {"csrf_token": "x" * 43}
        )
        assert wrong.status_code == 403
        assert (await browser.post("/sign-out")).status_code == 403
        assert not any(isinstance(e, ev.ManagerDecided) for e in await complaints.events(cid))
        ok = await browser.post(f"/complaints/{cid}/decision", data=decision | {"csrf_token": csrf})
        assert ok.status_code == 303, ok.text
    await until_status(complaints, cid, Status.RESOLVED)
    assert [(a.staff_id, a.via, a.outcome) for a in running.audit.entries(cid)] == [
        ("manager-2", "page", "sent")
    ]


async def test_an_expired_session_signs_out(running: Running, complaints: ComplaintClient):
    async with running.api() as browser:
        await sign_in(browser, "manager-1")
        assert (await browser.get("/inbox")).status_code == 200
        real = time.time
        try:
            time.time = lambda: real() + 31 * 60  # type: ignore[assignment]
            answer = await browser.get("/inbox")
        finally:
            time.time = real  # type: ignore[assignment]
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


async def test_only_a_safety_officer_acknowledges_a_reported_hazard_signed_and_audited(
    running: Running, complaints: ComplaintClient
):
    hazard = SafetyHazard(kind=HazardKind.HEALTH, description="A rash after the first use")
    intake = make_intake(safety=hazard)
    cid = intake.complaint_id
    await complaints.file_complaint(intake)
    await until_status(complaints, cid, Status.AWAITING_SAFETY)
    body = {"note": "Called the customer; batch withdrawn"}
    async with running.api("specialist-1") as specialist:
        answer = await specialist.post(f"/api/v1/complaints/{cid}/safety", json=body)
        assert answer.status_code == 403
        assert (await specialist.get("/api/v1/safety")).json() == []
    async with running.api("safety-1") as officer:
        waiting = (await officer.get("/api/v1/safety")).json()
        assert cid in [w["complaint_id"] for w in waiting]
        assert next(w for w in waiting if w["complaint_id"] == cid)["review_by"]
        forged = await officer.post(
            f"/api/v1/complaints/{cid}/safety", json=body | {"staff_id": "manager-3"}
        )
        assert forged.status_code == 422
        sent = await officer.post(f"/api/v1/complaints/{cid}/safety", json=body)
        assert sent.status_code == 200, sent.text
        again = await officer.post(f"/api/v1/complaints/{cid}/safety", json=body)
        assert again.status_code == 409 and "cannot acknowledge" in again.json()["detail"]

        async def listed() -> list[str]:
            return [w["complaint_id"] for w in (await officer.get("/api/v1/safety")).json()]

        await eventually(listed, lambda ids: cid not in ids, "acknowledged, off the list")
    seen = [e for e in await complaints.events(cid) if isinstance(e, ev.SafetyAcknowledged)]
    assert [s.staff_id for s in seen] == ["safety-1"]
    audit = running.audit.entries(cid)
    assert [(a.staff_id, a.action, a.outcome) for a in audit] == [
        ("safety-1", "acknowledge_safety", "sent"),
        ("safety-1", "acknowledge_safety", "refused"),
    ]
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_the_inbox_is_one_visibility_call_with_the_sla_and_the_stores(
    running: Running, complaints: ComplaintClient, monkeypatch
):
    mine = await escalated(complaints, store="tallinn-1")
    other = await escalated(complaints, store="riga-2")

    async def no_queries(*args, **kwargs):
        raise AssertionError("the inbox asked a complaint")

    monkeypatch.setattr(running.console.complaints, "state", no_queries)
    async with running.api("manager-1") as shift:
        inbox = {c["complaint_id"]: c for c in (await shift.get("/api/v1/inbox")).json()}
    row = inbox[mine.complaint_id]
    assert row["store"] == "tallinn-1" and row["requested"]["amount"] == "800.00"
    assert row["respond_by"] and row["next_step"] == "reminder"
    assert row["sla"] in ("ok", "warning", "breached") and row["sla_due_at"]
    async with running.api("manager-1") as shift:
        one = await shift.get("/api/v1/inbox", params={"limit": 1, "offset": 1})
        assert len(one.json()) == 1 and one.json()[0] == list(inbox.values())[1]
    monkeypatch.setattr(console_app, "INBOX_PAGE", 1)
    async with running.api() as browser:
        await sign_in(browser, "manager-1")
        second = await browser.get("/inbox", params={"page": 2})
        assert second.status_code == 200 and 'href="/inbox?page=1"' in second.text
        assert f"2 to 2 of {len(inbox)}" in second.text
    base = running.console.member("manager-1")
    assert base is not None
    tallinn = base.model_copy(update={"stores": ["tallinn-1"]})
    listed = {i.complaint_id for i in await running.console.inbox(tallinn)}
    assert mine.complaint_id in listed and other.complaint_id not in listed
    for intake in (mine, other):
        await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)


async def test_search_by_order_customer_and_status(running: Running, complaints: ComplaintClient):
    intake = make_intake(order_reference="ORD-SEARCH-77")
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    async with running.api("manager-1") as staff:
        by_order = await staff.get(
            "/api/v1/complaints", params={"order_reference": "ORD-SEARCH-77"}
        )
        assert [c["complaint_id"] for c in by_order.json()] == [intake.complaint_id]
        assert by_order.json()[0]["order_reference"] == "ORD-SEARCH-77"
        both = await staff.get(
            "/api/v1/complaints",
            params={"order_reference": "ORD-SEARCH-77", "status": "resolved"},
        )
        assert both.json() == []
        bad = await staff.get("/api/v1/complaints", params={"order_reference": "x' OR 1=1"})
        assert bad.status_code == 422
    await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)


async def test_a_safety_officer_acknowledges_a_hazard_on_its_page(
    running: Running, complaints: ComplaintClient
):
    hazard = SafetyHazard(kind=HazardKind.INJURY, description="The kettle's lid burnt my hand")
    intake = make_intake(safety=hazard)
    cid = intake.complaint_id
    await complaints.file_complaint(intake)
    await until_status(complaints, cid, Status.AWAITING_SAFETY)
    async with running.api() as browser:
        csrf = await sign_in(browser, "manager-3")
        page = await browser.get(f"/complaints/{cid}")
        assert 'action="/complaints/' + cid + '/safety"' not in page.text
        refused = await browser.post(
            f"/complaints/{cid}/safety", data={"note": "Seen", "csrf_token": csrf}
        )
        assert refused.status_code == 422 and "only safety officers" in refused.text
    async with running.api() as browser:
        csrf = await sign_in(browser, "safety-1")
        assert (await browser.get("/")).headers["location"] == "/safety"
        listed = await browser.get("/safety")
        assert f"/complaints/{cid}" in listed.text
        page = await browser.get(f"/complaints/{cid}")
        assert "burnt my hand" in page.text and f"/complaints/{cid}/safety" in page.text
        no_token = await browser.post(f"/complaints/{cid}/safety", data={"note": "Seen"})
        assert no_token.status_code == 403
        done = await browser.post(
            f"/complaints/{cid}/safety", data={"note": "Lid recalled", "csrf_token": csrf}
        )
        assert done.status_code == 303, done.text
        after = await browser.get(f"/complaints/{cid}")
        assert "Hazard acknowledged" in after.text
    seen = [e for e in await complaints.events(cid) if isinstance(e, ev.SafetyAcknowledged)]
    assert [s.staff_id for s in seen] == ["safety-1"]
    assert [(a.staff_id, a.via, a.outcome) for a in running.audit.entries(cid)] == [
        ("safety-1", "page", "sent")
    ]
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_a_complaint_without_a_listing_is_still_in_the_inbox_from_its_state(
    running: Running, complaints: ComplaintClient, monkeypatch
):
    """As one started before the visible-listing patch: no memo, so its state is asked."""
    intake = await escalated(complaints, store="tartu-3")
    find = running.console.complaints.find

    async def without_listings(query=None):
        return [s.model_copy(update={"listing": None}) for s in await find(query)]

    monkeypatch.setattr(running.console.complaints, "find", without_listings)
    async with running.api("manager-1") as shift:
        inbox = {c["complaint_id"]: c for c in (await shift.get("/api/v1/inbox")).json()}
    row = inbox[intake.complaint_id]
    assert row["store"] == "tartu-3" and row["requested"]["amount"] == "800.00"
    assert row["next_step"] == "reminder" and row["respond_by"]
    await complaints.withdraw(intake.complaint_id, customer_id=intake.customer_id)


async def test_operations_see_their_queue_and_reassign_signed_and_audited(
    running: Running, complaints: ComplaintClient, dev_worker
):
    dev_worker.policies.add(QUICK_QUEUE)
    intake = make_intake(abusive=True)
    cid = intake.complaint_id
    await complaints.file_complaint(intake, QUICK_QUEUE.version)
    await until_status(complaints, cid, Status.IN_OPERATIONS)
    async with running.api("specialist-1") as specialist:
        assert (await specialist.get("/api/v1/operations")).json() == []
        body = {"assignee_id": "specialist-1", "note": "Please call her today"}
        answer = await specialist.post(f"/api/v1/complaints/{cid}/reassign", json=body)
        assert answer.status_code == 403
    async with running.api("operations-1") as ops:
        queue = (await ops.get("/api/v1/operations")).json()
        mine = next(c for c in queue if c["complaint_id"] == cid)
        assert (mine["waited_for"], mine["reminders"], mine["level"]) == ("specialist", 0, None)
        assert [c["staff_id"] for c in mine["candidates"]] == ["specialist-1"]
        assert [c["since"] for c in queue] == sorted(c["since"] for c in queue)
        nobody = await ops.post(
            f"/api/v1/complaints/{cid}/reassign",
            json={"assignee_id": "manager-3", "note": "Please decide"},
        )
        assert nobody.status_code == 409, nobody.text
        assert "manager-3 is not among the specialists" in nobody.json()["detail"]
        forged = await ops.post(
            f"/api/v1/complaints/{cid}/reassign", json=body | {"staff_id": "operations-2"}
        )
        assert forged.status_code == 422
        sent = await ops.post(f"/api/v1/complaints/{cid}/reassign", json=body)
        assert sent.status_code == 200, sent.text
    reassigned = [e for e in await complaints.events(cid) if isinstance(e, ev.Reassigned)]
    assert [(r.staff_id, r.assignee_id) for r in reassigned] == [("operations-1", "specialist-1")]
    audit = running.audit.entries(cid)
    assert [(a.staff_id, a.action, a.outcome) for a in audit] == [
        ("operations-1", "reassign", "refused"),
        ("operations-1", "reassign", "sent"),
    ]
    await complaints.withdraw(cid, customer_id=intake.customer_id)
