"""The staff console in Debian's Chromium, driven by Playwright: managers and a specialist
sign in with the development issuer and act on real complaints on the session's dev server
and worker. The browser is started and closed by each test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from schemas import events as ev
from schemas.intake import HazardKind, SafetyHazard
from schemas.state import Status
from sdk import ComplaintClient
from tests.builders import QUICK_QUEUE
from tests.console.conftest import Running, escalated
from tests.factories import make_intake
from tests.polling import until_status

CHROMIUM = os.environ.get("COMPLAINTS_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"
)


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def sign_in(page: Page, url: str, name: str) -> None:
    """Through the sign-in page and the development issuer's picker."""
    await page.goto(f"{url}/inbox")
    await expect(page).to_have_url(f"{url}/sign-in?next=%2Finbox")
    await page.get_by_role("link", name="Sign in").click()
    await expect(page.get_by_text("Development only.")).to_be_visible()
    await page.get_by_label(name).check()
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text(name).first).to_be_visible()


async def decide(page: Page, kind: str, amount: str, reason: str) -> None:
    await page.get_by_label(kind, exact=True).check()
    await page.get_by_label("Remedy").select_option("refund")
    await page.get_by_label("Amount").fill(amount)
    await page.get_by_label("Reason").fill(reason)
    await page.get_by_role("button", name="Send decision").click()


async def test_a_shift_manager_is_refused_above_the_limit_and_a_store_manager_overrides(
    served: Running, complaints: ComplaintClient, browser: Browser
):
    intake = await escalated(complaints)
    cid = intake.complaint_id

    shift = await browser.new_page()
    await sign_in(shift, served.url, "Ana Horvat")
    await expect(shift.get_by_role("heading", name="Escalations for level 1")).to_be_visible()
    row = shift.get_by_role("row").filter(has_text=cid)
    await expect(row).to_contain_text("refund 800.00")
    await expect(row).to_contain_text("before the reminder")
    await row.get_by_role("link", name=cid).click()
    await expect(shift.locator("#limit")).to_have_text("500.00")
    await decide(shift, "override", "800.00", "Known batch defect")
    await expect(shift.locator("#refusal")).to_contain_text("above your authority limit of 500.00")
    assert not any(isinstance(e, ev.ManagerDecided) for e in await complaints.events(cid))
    await shift.get_by_role("button", name="Sign out").click()
    await expect(shift.get_by_role("heading", name="Sign in")).to_be_visible()
    await shift.goto(f"{served.url}/complaints/{cid}")  # signed out: back to the sign-in page
    await expect(shift.get_by_role("heading", name="Sign in")).to_be_visible()

    store = await browser.new_page()
    await sign_in(store, served.url, "Ieva Kalniņa")
    await store.get_by_role("row").filter(has_text=cid).get_by_role("link", name=cid).click()
    await decide(store, "override", "800.00", "Known batch defect: the whole batch failed")
    await expect(store.get_by_role("status")).to_contain_text("Recorded: override")
    await until_status(complaints, cid, Status.RESOLVED)
    await store.reload()
    await expect(store.locator("#status")).to_contain_text("resolved")
    resolution = store.locator("#timeline li").filter(
        has_text="message sent to the customer: resolution"
    )
    await expect(resolution).to_have_count(1)
    await resolution.locator("summary").click()
    await expect(resolution.locator("pre")).to_contain_text("800")
    await expect(store.locator("#timeline")).to_contain_text("manager-2 (level 2): override")
    assert [(a.staff_id, a.outcome) for a in served.audit.entries(cid)] == [
        ("manager-1", "refused"),
        ("manager-2", "sent"),
    ]


async def test_a_specialist_resumes_a_paused_conversation(
    served: Running, complaints: ComplaintClient, browser: Browser
):
    intake = make_intake(abusive=True)
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.PAUSED)

    page = await browser.new_page()
    await sign_in(page, served.url, "Kadri Sepp")
    await page.goto(f"{served.url}/queue")
    await page.get_by_role("row").filter(has_text=cid).get_by_role("link", name=cid).click()
    await page.get_by_label("Note").fill("Spoke with the customer; calm now, carry on")
    await page.get_by_role("button", name="Resume").click()
    await expect(page.get_by_role("status")).to_contain_text("Resumed")
    resumed = [e for e in await complaints.events(cid) if isinstance(e, ev.Resumed)]
    assert [r.staff_id for r in resumed] == ["specialist-1"]
    await expect(page.locator("#status")).not_to_contain_text("paused")


async def test_a_safety_officer_acknowledges_a_reported_hazard_from_the_safety_page(
    served: Running, complaints: ComplaintClient, browser: Browser
):
    hazard = SafetyHazard(kind=HazardKind.INJURY, description="The lid flew off: scalded hand")
    intake = make_intake(safety=hazard)
    await complaints.file_complaint(intake)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.AWAITING_SAFETY)

    page = await browser.new_page()
    await sign_in(page, served.url, "Mari Kask")
    await page.get_by_role("link", name="Reported hazards").click()
    await expect(page.get_by_role("heading", name="Reported hazards")).to_be_visible()
    await page.get_by_role("row").filter(has_text=cid).get_by_role("link", name=cid).click()
    await expect(page.get_by_text("Reported: injury: The lid flew off")).to_be_visible()
    await page.get_by_label("Note").fill("Called her; batch withdrawn from sale")
    await page.get_by_role("button", name="Acknowledge").click()
    await expect(page.get_by_role("status")).to_contain_text("Hazard acknowledged")
    seen = [e for e in await complaints.events(cid) if isinstance(e, ev.SafetyAcknowledged)]
    assert [s.staff_id for s in seen] == ["safety-1"]
    await complaints.withdraw(cid, customer_id=intake.customer_id)


async def test_operations_reassign_a_conversation_nobody_resumed(
    served: Running, complaints: ComplaintClient, browser: Browser, dev_worker
):
    dev_worker.policies.add(QUICK_QUEUE)
    intake = make_intake(abusive=True)
    await complaints.file_complaint(intake, QUICK_QUEUE.version)
    cid = intake.complaint_id
    await until_status(complaints, cid, Status.IN_OPERATIONS)

    page = await browser.new_page()
    await sign_in(page, served.url, "Toomas Lepp")
    await page.get_by_role("link", name="Operations queue").click()
    row = page.get_by_role("row").filter(has_text=cid)
    await expect(row).to_contain_text("a specialist")
    await row.get_by_role("link", name=cid).click()
    await expect(page.locator("#timeline")).to_contain_text("moved to the operations queue")
    await page.get_by_label("To").select_option("specialist-1")
    await page.get_by_label("Note").fill("Kadri, please call the customer today")
    await page.get_by_role("button", name="Reassign").click()
    await expect(page.get_by_role("status")).to_contain_text("Reassigned to specialist-1")
    reassigned = [e for e in await complaints.events(cid) if isinstance(e, ev.Reassigned)]
    assert [(r.staff_id, r.assignee_id) for r in reassigned] == [("operations-1", "specialist-1")]
    assert [(a.staff_id, a.action, a.outcome) for a in served.audit.entries(cid)] == [
        ("operations-1", "reassign", "sent")
    ]
    await complaints.withdraw(cid, customer_id=intake.customer_id)
