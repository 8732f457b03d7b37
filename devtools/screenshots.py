"""The Temporal UI screenshots in docs/screenshots/, taken from a running `make run`.

    .venv/bin/pip install -e '.[screenshots]'     # Playwright, without its own browsers
    apt-get install chromium                      # the browser it drives (Debian's)
    .venv/bin/python -m devtools.screenshots      # while `make run` serves, after its demo

It opens the UI as an operator would, in Debian's headless Chromium, and writes:

- ``timeline.png``: the Timeline of the demo's no-receipt complaint (a silent shift manager,
  the store manager's override), each local activity labelled by what it did;
- ``configure-columns.png``: the UI's "Configure Workflows Table" drawer, where the
  complaint's search attributes are offered as columns;
- ``workflow-list.png``: the workflow list with those columns added (ComplaintStatus,
  EscalationLevel, ...), as docs/operators.md describes.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
COLUMNS_OUT = ("Run ID", "Type", "Start", "End")
COLUMNS_IN = (
    "ComplaintStatus",
    "EscalationLevel",
    "ComplaintCategory",
    "ComplaintSeverity",
    "AssignedManager",
    "ReopenCount",
)
SETTLE_S = 2.0
"""The UI draws after the network is idle: a moment more before each picture."""


async def _open(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    await asyncio.sleep(SETTLE_S)


async def timeline(page: Page, ui: str, namespace: str, workflow_id: str, out: Path) -> None:
    # Tall enough that the whole Timeline is drawn: the UI scrolls inside its own frame.
    await page.set_viewport_size({"width": 1400, "height": 2400})
    await _open(page, f"{ui}/namespaces/{namespace}/workflows/{workflow_id}")
    heading = await page.get_by_role("heading", name="Timeline").first.bounding_box()
    assert heading is not None, "no Timeline on the page"
    first = page.get_by_text("tell customer: acknowledgement").first
    end = await first.bounding_box()
    assert end is not None, "the Timeline has no local activity named by what it did"
    top = heading["y"] - 12
    clip = {"x": heading["x"] - 16, "y": top, "width": 1110, "height": end["y"] - top + 120}
    await page.screenshot(path=out, clip=clip)


async def columns(page: Page, ui: str, namespace: str, query: str, out_dir: Path) -> None:
    await page.set_viewport_size({"width": 1900, "height": 760})
    await _open(page, f"{ui}/namespaces/{namespace}/workflows?query={quote(query)}")
    await page.get_by_test_id("workflows-summary-table-configuration-button").click()
    await asyncio.sleep(SETTLE_S / 2)
    for name in COLUMNS_OUT:
        await page.get_by_test_id(f"orderable-list-item-{name}-remove-button").click()
    for name in COLUMNS_IN:
        await page.get_by_test_id(f"orderable-list-item-{name}-add-button").click()
    await page.get_by_text("Columns (in view)").first.scroll_into_view_if_needed()
    await asyncio.sleep(SETTLE_S / 2)
    await page.screenshot(path=out_dir / "configure-columns.png")
    await page.keyboard.press("Escape")
    await _open(page, f"{ui}/namespaces/{namespace}/workflows?query={quote(query)}")
    await page.screenshot(path=out_dir / "workflow-list.png")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ui", default="http://127.0.0.1:8233")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--demo", required=True, help="the demo's run, e.g. 20261201-204744")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await timeline(
            page,
            args.ui,
            args.namespace,
            f"complaint-demo-{args.demo}-no-receipt",
            args.out / "timeline.png",
        )
        query = f'WorkflowId STARTS_WITH "complaint-demo-{args.demo}"'
        await columns(page, args.ui, args.namespace, query, args.out)
        await browser.close()
    print(f"wrote timeline.png, configure-columns.png, workflow-list.png to {args.out}/")


if __name__ == "__main__":
    asyncio.run(main())
