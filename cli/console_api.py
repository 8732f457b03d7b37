"""The staff console's JSON API, as the CLI sends decisions through it: the console verifies
the bearer token (OpenID Connect, its subject is the staff id) and signs as that person
(docs/console.md); the CLI holds no signing key."""

from __future__ import annotations

import os
from urllib.parse import quote

from pydantic import BaseModel

from schemas.actions import ActionReceipt, ManagerDecision, SafetyAcknowledgement, StaffResume
from schemas.staff import Reassignment

CONSOLE_URL_ENV = "COMPLAINTS_CONSOLE_URL"
TOKEN_ENV = "COMPLAINTS_CONSOLE_TOKEN"
DEFAULT_CONSOLE_URL = "http://127.0.0.1:8400"
TIMEOUT_S = float(os.environ.get("COMPLAINTS_CLI_TIMEOUT_S", "30"))


class ConsoleRefused(Exception):
    """The console answered with an error: its status and its sentence."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


class ConsoleUnreachable(Exception):
    """No answer from the console."""


class Me(BaseModel):
    staff_id: str
    name: str
    role: str


class ConsoleApi:
    """Acts as the person the token names."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    async def me(self) -> Me:
        return Me.model_validate(await self._call("GET", "/api/v1/me"))

    async def decide(self, complaint_id: str, decision: ManagerDecision) -> ActionReceipt:
        return await self._act(complaint_id, "decision", decision)

    async def resume(self, complaint_id: str, resume: StaffResume) -> ActionReceipt:
        return await self._act(complaint_id, "resume", resume)

    async def acknowledge_safety(
        self, complaint_id: str, seen: SafetyAcknowledgement
    ) -> ActionReceipt:
        return await self._act(complaint_id, "safety", seen)

    async def reassign(self, complaint_id: str, reassignment: Reassignment) -> ActionReceipt:
        return await self._act(complaint_id, "reassign", reassignment)

    async def _act(self, complaint_id: str, action: str, body: BaseModel) -> ActionReceipt:
        path = f"/api/v1/complaints/{quote(complaint_id, safe='')}/{action}"
        answer = await self._call("POST", path, body.model_dump(mode="json", exclude_none=True))
        return ActionReceipt.model_validate(answer)

    async def _call(self, method: str, path: str, body: object = None) -> object:
        return await _request(method, self.url + path, body, self._headers)


async def dev_token(url: str, staff_id: str) -> str:
    """An ID token for a demo person from the console's development issuer: only a console
    started with COMPLAINTS_CONSOLE_DEV=1 has one (development only)."""
    answer = await _request(
        "POST", url.rstrip("/") + "/dev/issuer/token", {"staff_id": staff_id}, {}
    )
    return str(answer["id_token"])  # type: ignore[index]


async def _request(method: str, url: str, body: object, headers: dict[str, str]) -> object:
    import httpx  # here: reading commands (inbox, show) never talk to the console

    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
            answer = await client.request(method, url, json=body, headers=headers)
    except httpx.HTTPError as error:
        raise ConsoleUnreachable(f"cannot reach the staff console at {url}: {error}") from None
    if answer.status_code >= 400:
        try:
            detail = answer.json().get("detail")
        except ValueError:
            detail = None
        if isinstance(detail, list):  # a body the API refuses (422): each field's complaint
            detail = "; ".join(str(d.get("msg", d)) for d in detail if isinstance(d, dict))
        if not isinstance(detail, str) or not detail:
            detail = f"{answer.status_code} {answer.reason_phrase}: {str(detail or '')[:300]}"
        raise ConsoleRefused(answer.status_code, detail)
    return answer.json()
