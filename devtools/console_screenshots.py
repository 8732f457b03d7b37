"""The staff console screenshots in docs/screenshots/, taken from a running `make run`.

    .venv/bin/python -m devtools.console_screenshots   # while `make run` serves, after its demo

It signs in through the development issuer in Debian's headless Chromium, as the demo staff
would, and writes ``console-sign-in.png`` (the development issuer's picker),
``console-inbox.png`` and ``console-complaint.png`` (a store manager's inbox and the
escalation the demo leaves waiting, with the decision form and the timeline),
``console-refused.png`` (an amount above the shift manager's limit, refused in the page),
``console-search.png``, ``console-queue.png`` (the specialist's paused conversations),
``console-safety.png`` (the safety officers' reported hazards) and ``console-operations.png``
(the operations queue); the last two are empty unless such a complaint is open.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from playwright.async_api import Page, async_playwright

from devtools.screenshots import CHROMIUM, CHROMIUM_ARGS

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


async def sign_in(page: Page, console: str, name: str, shot: Path | None = None) -> None:
    await page.context.clear_cookies()
    await page.goto(f"{console}/login")
    if shot:
        await page.screenshot(path=shot, full_page=True)
    await page.get_by_label(name).check()
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{console}/*")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--console", default="http://127.0.0.1:8400")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    console, out = args.console.rstrip("/"), args.out
    out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await sign_in(page, console, "Ieva Kalniņa", out / "console-sign-in.png")
            await page.goto(f"{console}/inbox")
            await page.screenshot(path=out / "console-inbox.png", full_page=True)
            first = page.locator("tbody tr a").first
            href = await first.get_attribute("href") if await first.count() else None
            if href:
                await page.goto(f"{console}{href}")
                await page.screenshot(path=out / "console-complaint.png", full_page=True)
            await page.goto(f"{console}/search?status=closed")
            await page.screenshot(path=out / "console-search.png", full_page=True)

            await sign_in(page, console, "Ana Horvat")
            if href:
                await page.goto(f"{console}{href}")
                await page.get_by_label("override", exact=True).check()
                await page.get_by_label("Remedy").select_option("refund")
                await page.get_by_label("Amount").fill("600")
                await page.get_by_label("Reason").fill("Known batch defect")
                await page.get_by_role("button", name="Send decision").click()
                await page.locator("#refusal").wait_for()
                await page.screenshot(path=out / "console-refused.png", full_page=False)

            await sign_in(page, console, "Kadri Sepp")
            await page.goto(f"{console}/queue")
            await page.screenshot(path=out / "console-queue.png", full_page=True)

            await sign_in(page, console, "Mari Kask")
            await page.goto(f"{console}/safety")
            await page.screenshot(path=out / "console-safety.png", full_page=True)

            await sign_in(page, console, "Toomas Lepp")
            await page.goto(f"{console}/operations")
            await page.screenshot(path=out / "console-operations.png", full_page=True)
        finally:
            await browser.close()
    print(f"Screenshots in {out}/")


if __name__ == "__main__":
    asyncio.run(main())
