"""The audit log: every decision and resume the console sent, or refused, with who, when,
what and from where. One SQLite file (`<data>/console-audit.db`), append only."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    action TEXT NOT NULL,
    complaint_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    client TEXT NOT NULL,
    via TEXT NOT NULL
);
"""


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    staff_id: str
    action: str
    """decide_escalation or resume"""
    complaint_id: str
    outcome: str
    """sent, refused (by the console's check or the workflow), or failed"""
    detail: dict[str, Any]
    client: str
    """The client's address (and forwarded-for, if a proxy set it)."""
    via: str
    """page or api"""


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def _write(self, entry: AuditEntry) -> None:
        conn = self._connect()
        try:
            conn.execute(
                "INSERT INTO audit (at, staff_id, action, complaint_id, outcome, detail, client,"
                " via) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.at.isoformat(),
                    entry.staff_id,
                    entry.action,
                    entry.complaint_id,
                    entry.outcome,
                    json.dumps(entry.detail, sort_keys=True, default=str),
                    entry.client,
                    entry.via,
                ),
            )
        finally:
            conn.close()

    async def record(self, **fields: Any) -> None:
        entry = AuditEntry(at=datetime.now(UTC), **fields)
        await asyncio.to_thread(self._write, entry)

    def entries(self, complaint_id: str | None = None) -> list[AuditEntry]:
        conn = self._connect()
        conn.row_factory = sqlite3.Row
        try:
            query, params = "SELECT * FROM audit", ()
            if complaint_id is not None:
                query, params = query + " WHERE complaint_id = ?", (complaint_id,)
            rows = [dict(r) for r in conn.execute(query + " ORDER BY seq", params)]
        finally:
            conn.close()
        return [AuditEntry.model_validate(r | {"detail": json.loads(r["detail"])}) for r in rows]
