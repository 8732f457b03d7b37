"""The console against the session's dev server and worker: in process over ASGI for the API
tests, and on a loopback port (uvicorn) for the browser."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from temporalio.converter import PayloadCodec

from activities.staff_directory import FileStaffDirectory
from console.app import create_app
from console.audit import AuditLog
from console.keys import KeyStore
from console.service import Console
from console.settings import ConsoleSettings
from devtools.demo_staff import demo_directory, key_file
from schemas.intake import ComplaintIntake
from schemas.remedies import RemedyKind
from schemas.state import Status
from sdk import ComplaintClient
from tests.conftest import DevWorker
from tests.factories import make_intake
from tests.polling import until_status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    app: FastAPI
    url: str
    console: Console
    audit: AuditLog

    def token(self, staff_id: str) -> str:
        """An ID token from the development issuer, as the API takes it."""
        return self.app.state.dev_issuer.id_token(staff_id, None)

    def api(self, staff_id: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.token(staff_id)}"} if staff_id else {}
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url=self.url, headers=headers)


def write_demo_keys(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for member in demo_directory().members:
        (folder / f"{member.staff_id}.pem").write_bytes(key_file(member.staff_id))


def build(
    tmp: Path,
    complaints: ComplaintClient,
    dev_worker: DevWorker,
    port: int,
    codec: PayloadCodec | None = None,
) -> Running:
    settings = ConsoleSettings(dev=True, port=port, keys_dir=tmp / "keys", data_dir=tmp)
    write_demo_keys(settings.keys_dir)
    audit = AuditLog(settings.audit_db)
    console = Console(
        complaints,
        FileStaffDirectory(),
        KeyStore(settings.keys_dir),
        audit,
        policies=dev_worker.policies,
        outbox=dev_worker.backend,
    )
    return Running(create_app(settings, console, codec), settings.url, console, audit)


@pytest.fixture
def running(tmp_path: Path, complaints: ComplaintClient, dev_worker: DevWorker) -> Running:
    return build(tmp_path, complaints, dev_worker, 8400)


@pytest_asyncio.fixture
async def served(
    tmp_path: Path, complaints: ComplaintClient, dev_worker: DevWorker
) -> AsyncIterator[Running]:
    """The console on a loopback port, in this event loop, stopped after the test."""
    running = build(tmp_path, complaints, dev_worker, free_port())
    port = int(running.url.rsplit(":", 1)[1])
    config = uvicorn.Config(
        running.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield running
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def escalated(complaints: ComplaintClient, **overrides) -> ComplaintIntake:
    """A refund of 800.00 bought 45 days ago (outside the return window), at level 1: only an
    override grants it."""
    fields = dict(amount=Decimal("800.00"), purchase_date=date.today() - timedelta(days=45))
    intake = make_intake(**(fields | overrides))
    await complaints.file_complaint(intake)
    await until_status(complaints, intake.complaint_id, Status.AWAITING_CHOICE)
    await complaints.choose_solution(
        intake.complaint_id, RemedyKind.REFUND, customer_id=intake.customer_id
    )
    await until_status(complaints, intake.complaint_id, Status.AWAITING_MANAGER)
    return intake


async def sign_in(client: httpx.AsyncClient, staff_id: str) -> str:
    """The development sign-in as a browser does it; returns the session's CSRF token."""
    picker = await client.get("/login", follow_redirects=True)
    assert picker.status_code == 200, picker.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', picker.text)[1]
    fields = dict(re.findall(r'name="(state|nonce)" value="([^"]*)"', picker.text))
    posted = await client.post(
        "/dev/issuer/authorize", data={"staff_id": staff_id, "csrf_token": csrf, **fields}
    )
    assert posted.status_code == 200, posted.text
    back = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', posted.text))
    done = await client.post("/auth/callback", data=back)
    assert done.status_code == 303, done.text
    home = await client.get("/search")
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text)[1]
