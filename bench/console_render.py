"""Figure 6: the staff console's inbox and complaint pages, rendered with many open complaints.

`console_open` complaints (1,000) wait for the customer's choice of solution, and
`console_escalated` (20) of them wait for a level-1 manager: the inbox's visibility query
sees all of them, and the inbox lists the escalations (one visibility call: search
attributes and the memo's listing, no query per complaint). Each page is
requested `console_samples` times, one at a time, in process over ASGI (the HTTP server
itself is not measured), signed in as a regional director (level 3: every escalation); the
render time is from request to the whole body. Goal: p95 under 300 ms for both pages.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from activities.local_backend import LocalBackend
from activities.policy_store import DEVELOPMENT, FilePolicyStore
from activities.staff_directory import FileStaffDirectory
from bench.context import BenchContext, Json, bounded, median, percentile
from bench.scenarios import (
    WAITING_FOR_CHOICE,
    Polls,
    bench_policy,
    escalated,
    file,
    kettle,
    until_waiting,
)
from console.app import create_app
from console.audit import AuditLog
from console.keys import KeyStore
from console.service import Console
from console.settings import ConsoleSettings
from sdk import ComplaintClient

NAME = "console_render"
GOAL_P95_MS = 300.0
SETUP_CONCURRENCY = 32
MANAGER = "manager-3"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def _open(ctx: BenchContext, prefix: str):
    handle = await file(ctx.client, ctx.target, kettle(prefix), bench_policy(3600.0))
    await until_waiting(handle, WAITING_FOR_CHOICE)
    return handle


async def _timed(client: httpx.AsyncClient, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        answer = await client.get(path)
        times.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise AssertionError(f"{path} answered {answer.status_code}: {answer.text[:200]}")
    return times


async def run_once(ctx: BenchContext, index: int) -> Json:
    sizes = ctx.sizes
    prefix = ctx.prefix("console")
    calm = [lambda: _open(ctx, prefix)] * (sizes.console_open - sizes.console_escalated)
    hot = [lambda: escalated(ctx.client, ctx.target, 3600.0, Polls(), prefix)]
    handles = await bounded(SETUP_CONCURRENCY, calm + hot * sizes.console_escalated)
    work = Path(ctx.target.backend_db).parent / f"console-{index}"
    settings = ConsoleSettings(dev=True, keys_dir=work / "keys", data_dir=work)
    console = Console(
        ComplaintClient(ctx.client, ctx.target.task_queue),
        FileStaffDirectory(),
        KeyStore(settings.keys_dir),
        AuditLog(settings.audit_db),
        policies=FilePolicyStore([Path(ctx.target.policy_dir)], DEVELOPMENT),
        outbox=LocalBackend(ctx.target.backend_db),
    )
    app = create_app(settings, console)
    token = app.state.dev_issuer.id_token(MANAGER, None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.url) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        listed = (await client.get("/api/v1/inbox")).json()
        ours = [c["complaint_id"] for c in listed if c["complaint_id"].startswith(prefix)]
        if len(ours) != sizes.console_escalated:
            raise AssertionError(f"the inbox lists {len(ours)} of {sizes.console_escalated}")
        del client.headers["Authorization"]
        await _sign_in(client)
        inbox = await _timed(client, "/inbox", sizes.console_samples)
        complaint = await _timed(client, f"/complaints/{ours[0]}", sizes.console_samples)
    for handle in handles:
        await handle.terminate(reason="benchmark done")
    return {
        "inbox": {"p50_ms": _ms(percentile(inbox, 50)), "p95_ms": _ms(percentile(inbox, 95))},
        "complaint": {
            "p50_ms": _ms(percentile(complaint, 50)),
            "p95_ms": _ms(percentile(complaint, 95)),
        },
        "open": sizes.console_open,
        "escalated": sizes.console_escalated,
        "samples": sizes.console_samples,
    }


async def _sign_in(client: httpx.AsyncClient) -> None:
    """The development sign-in, as the console's tests do it (`tests.console.conftest`)."""
    picker = await client.get("/login", follow_redirects=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', picker.text)[1]
    fields = dict(re.findall(r'name="(state|nonce)" value="([^"]*)"', picker.text))
    posted = await client.post(
        "/dev/issuer/authorize", data={"staff_id": MANAGER, "csrf_token": csrf, **fields}
    )
    back = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', posted.text))
    done = await client.post("/auth/callback", data=back)
    if done.status_code != 303:
        raise AssertionError(f"sign-in failed: {done.status_code}")


def summarise(runs: list[Json]) -> Json:
    worst = max(median(r[page]["p95_ms"] for r in runs) for page in ("inbox", "complaint"))
    return {
        "name": NAME,
        "title": f"Staff console page p95 (inbox, complaint; {runs[0]['open']:,} open)",
        "engine": worst,
        "floor": None,
        "unit": "ms",
        "ratio": round(worst / GOAL_P95_MS, 3),
        "ratio_of": f"goal ({GOAL_P95_MS:.0f} ms)",
        "goal": f"p95 < {GOAL_P95_MS:.0f} ms",
        "passed": worst < GOAL_P95_MS,
        "detail": {
            page: {k: median(r[page][k] for r in runs) for k in ("p50_ms", "p95_ms")}
            for page in ("inbox", "complaint")
        }
        | {"open": runs[0]["open"], "escalated": runs[0]["escalated"]},
        "runs": runs,
    }
