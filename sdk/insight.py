"""Where the insight report's records come from: visibility and each complaint's own record,
or an export of those records to a table (docs/insight.md says which and why).

- `from_visibility`: lists the period's complaints (a visibility query on start time) and
  asks each for its domain events (the `events` query; a closed complaint's is answered by
  a worker replaying its history).
- `EventTable`: a SQLite table of complaint records, filled by `EventTable.export` (a closed
  complaint's record never changes, so it is fetched once; open ones again each export),
  read without Temporal.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from schemas.events import EVENT_LIST, DomainEvent
from sdk.client import ComplaintClient, ComplaintSummary

CONCURRENCY = 16
"""Queries in flight at once."""

Log = Sequence[DomainEvent]


def _iso(day: date) -> str:
    return datetime.combine(day, time()).isoformat() + "Z"


def period_query(start: date, end: date) -> str:
    """Complaints started in the period, a day either side: the report keeps those whose
    record says they were filed in it."""
    return (
        f"StartTime >= '{_iso(start - timedelta(days=1))}' "
        f"AND StartTime < '{_iso(end + timedelta(days=1))}'"
    )


async def _records(
    complaints: ComplaintClient, found: Sequence[ComplaintSummary]
) -> list[tuple[ComplaintSummary, list[DomainEvent]]]:
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(summary: ComplaintSummary) -> tuple[ComplaintSummary, list[DomainEvent]]:
        async with limit:
            return summary, await complaints.events(summary.complaint_id)

    return list(await asyncio.gather(*(one(s) for s in found)))


async def from_visibility(complaints: ComplaintClient, start: date, end: date) -> list[Log]:
    found = await complaints.find(period_query(start, end))
    return [events for _, events in await _records(complaints, found)]


class EventTable:
    """Complaint records in one SQLite file: `complaint_id`, when filed, closed or not,
    and the events as JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS complaint_events ("
                " complaint_id TEXT PRIMARY KEY, filed_at TEXT NOT NULL,"
                " closed INTEGER NOT NULL, events TEXT NOT NULL)"
            )
            db.execute(
                "CREATE INDEX IF NOT EXISTS complaint_events_filed ON complaint_events(filed_at)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def put(self, complaint_id: str, events: Sequence[DomainEvent]) -> None:
        self.put_many([(complaint_id, events)])

    def put_many(self, records: Sequence[tuple[str, Sequence[DomainEvent]]]) -> None:
        rows = [
            (
                cid,
                events[0].at.isoformat(),
                int(events[-1].type == "Closed"),
                EVENT_LIST.dump_json(list(events)).decode(),
            )
            for cid, events in records
            if events
        ]
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO complaint_events VALUES (?, ?, ?, ?)", rows)

    def closed_ids(self) -> set[str]:
        with self._connect() as db:
            return {
                r[0] for r in db.execute("SELECT complaint_id FROM complaint_events WHERE closed")
            }

    def logs(self, start: date, end: date) -> list[Log]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT events FROM complaint_events WHERE filed_at >= ? AND filed_at < ?",
                ((start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat()),
            ).fetchall()
        return [EVENT_LIST.validate_json(r[0]) for r in rows]

    async def export(self, complaints: ComplaintClient, start: date, end: date) -> int:
        """Fetch the period's records not yet held closed; how many were written."""
        known = self.closed_ids()
        found = [
            s
            for s in await complaints.find(period_query(start, end))
            if s.complaint_id not in known
        ]
        records = await _records(complaints, found)
        self.put_many([(s.complaint_id, events) for s, events in records])
        return len(records)
