"""Where the staff directory comes from: a JSON document on disk, or the company's own
directory over HTTP (`GET <url>/v1/staff?role=&min_level=&store=`, docs/http-contract.md).

The workflow asks it, through the `find_staff` activity, who may act when an escalation
reaches a level or a conversation is paused, and records the answer: a decision is then
checked against that record, never against a level in the payload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx

from schemas.staff import StaffDirectory, StaffMember, StaffQuery

DEMO_DIRECTORY = Path(__file__).resolve().parent.parent / "staff" / "demo-directory.json"
"""The embedded default for `make run` and the tests: demo staff with demo keys
(`devtools.demo_staff`); development only."""


@runtime_checkable
class StaffDirectorySource(Protocol):
    async def find(self, query: StaffQuery) -> list[StaffMember]: ...


class FileStaffDirectory:
    """A directory document on disk, read at each lookup so an edit takes effect at once."""

    def __init__(self, path: Path = DEMO_DIRECTORY) -> None:
        self.path = path

    def load(self) -> StaffDirectory:
        return StaffDirectory.model_validate_json(self.path.read_bytes())

    async def find(self, query: StaffQuery) -> list[StaffMember]:
        return self.load().find(query)


class HttpStaffDirectory:
    """The company's directory service; it answers the query with a directory document."""

    def __init__(
        self,
        url: str,
        token: str,
        timeout_s: float = 10,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url.rstrip("/")
        self._client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s, transport=transport
        )

    async def find(self, query: StaffQuery) -> list[StaffMember]:
        params = {"role": query.role.value, "min_level": str(query.min_level)}
        if query.store:
            params["store"] = query.store
        response = await self._client.get(f"{self._url}/v1/staff", params=params)
        response.raise_for_status()
        return StaffDirectory.model_validate_json(response.content).find(query)

    async def aclose(self) -> None:
        await self._client.aclose()
