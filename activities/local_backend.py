"""Embedded backend: one SQLite file stands in for mail, commerce, paging and HR systems.

It is the default so `make run` needs no outside service, and it is what tests and
the demo inspect to see what the workflow really did. Every write is keyed by the
request's idempotency key: a retried activity finds its row and gets the original
receipt back with `duplicate=True`, so each effect happens exactly once.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from activities.backend import RemedyRefusedError
from schemas.effects import (
    EmployeeFollowUp,
    EmployeeFollowUpReceipt,
    ManagerPage,
    OrderClaim,
    OrderClaimReceipt,
    PageKind,
    PageReceipt,
    RemedyOrder,
    RemedyReceipt,
    RemedyRefused,
)
from schemas.intake import Category, Channel, Language, Severity
from schemas.messages import CustomerMessage, DeliveryReceipt, MessageKind, RenderedMessage
from schemas.remedies import Remedy, RemedyKind, money

T = TypeVar("T")
BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process (worker, CLI, test) holding the lock."""

UNKNOWN_ORDER_PREFIX = "UNKNOWN"
"""Order references starting with this are 'not found' by the local ledger."""

_REMEDY_PREFIX: dict[RemedyKind, str] = {
    RemedyKind.REFUND: "RF",
    RemedyKind.REPLACEMENT: "RP",
    RemedyKind.STORE_CREDIT: "SC",
    RemedyKind.REPAIR: "RR",
    RemedyKind.DISCOUNT: "DC",
    RemedyKind.EXPLANATION: "EX",
}

# `seq` gives send order; the idempotency key is the natural key (UNIQUE = one effect).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL,
    complaint_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_complaint ON outbox (complaint_id, seq);

CREATE TABLE IF NOT EXISTS remedy_ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    complaint_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    order_reference TEXT,
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    currency TEXT,
    authorised_by TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS remedy_ledger_by_complaint ON remedy_ledger (complaint_id, seq);

CREATE TABLE IF NOT EXISTS manager_pages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    page_id TEXT NOT NULL,
    complaint_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    level INTEGER NOT NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    requested_kind TEXT,
    requested_amount TEXT,
    requested_currency TEXT,
    respond_by TEXT,
    summary TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS manager_pages_by_complaint ON manager_pages (complaint_id, seq);

CREATE TABLE IF NOT EXISTS employee_follow_ups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    complaint_id TEXT NOT NULL,
    employee_reference TEXT,
    manager_id TEXT,
    outcome TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS employee_follow_ups_by_complaint
    ON employee_follow_ups (complaint_id, seq);

CREATE TABLE IF NOT EXISTS order_claims (
    customer_id TEXT NOT NULL,
    order_reference TEXT NOT NULL,
    complaint_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, order_reference)
);
"""


class OutboxEntry(BaseModel):
    """A message as the customer received it."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    message_id: str
    complaint_id: str
    customer_id: str
    kind: MessageKind
    language: Language
    channel: Channel
    subject: str
    body: str
    created_at: datetime


class LedgerEntry(BaseModel):
    """A remedy actually applied (money moved, goods shipped, credit granted)."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    complaint_id: str
    customer_id: str
    order_reference: str | None
    kind: RemedyKind
    amount: Decimal
    currency: str | None = None
    """ISO 4217; None only on entries written before orders named their currency."""
    authorised_by: str
    reference: str
    created_at: datetime


class PageEntry(BaseModel):
    """A manager page; `workflow_id` lets a manager tool answer the right workflow."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    page_id: str
    complaint_id: str
    workflow_id: str
    kind: PageKind
    level: int
    title: str
    reason: str
    category: Category
    severity: Severity
    requested: Remedy | None
    respond_by: datetime | None
    summary: str
    created_at: datetime


class EmployeeFollowUpEntry(BaseModel):
    """A note that the employee side of a complaint was handled."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    complaint_id: str
    employee_reference: str | None
    manager_id: str | None
    outcome: str
    reference: str
    created_at: datetime


def reference_for(prefix: str, idempotency_key: str) -> str:
    """Derive the reference from the key, so a duplicate can only ever yield the same one."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:12].upper()
    return f"{prefix}-{digest}"


def remedy_reference(kind: RemedyKind, idempotency_key: str) -> str:
    """Per-kind prefix so people reading a ledger see what a reference is at a glance."""
    return reference_for(_REMEDY_PREFIX.get(kind, "RM"), idempotency_key)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class LocalBackend:
    """`ComplaintBackend` on one SQLite file (WAL, so a worker and readers can share it).

    Refusals: the local ledger refuses a remedy with `RemedyRefused.ORDER_NOT_FOUND`
    when its `order_reference` starts with "UNKNOWN". This is the local stand-in for the
    commerce API answering "order not found", so tests and the demo can exercise the
    workflow's reaction to a business refusal. A refused remedy writes nothing.

    Writes go through one thread that keeps one connection open for the backend's life
    (`_Writer`): the event loop never blocks, and each write is an explicit transaction
    whose COMMIT is checked. (With a connection opened and closed per call, a run of
    10,000 complaints lost two outbox rows the backend had reported written, around a
    burst of "disk I/O error"s; cause not pinned down, not seen since.)
    The read side opens short-lived connections: readers never block the writer.
    """

    def __init__(self, db_path: Path | str) -> None:
        self._db_path = Path(db_path)
        self._db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            # WAL is persistent in the file: readers never block the worker's writes.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            _add_columns(conn)
        self._writer = _Writer(self._db_path)

    @property
    def db_path(self) -> Path:
        return self._db_path

    # -- ComplaintBackend ---------------------------------------------------------------

    async def deliver_message(
        self, message: CustomerMessage, rendered: RenderedMessage
    ) -> DeliveryReceipt:
        """'Send' by writing to the outbox; the outbox is what the customer got."""
        row = {
            "idempotency_key": message.idempotency_key,
            "message_id": reference_for("MSG", message.idempotency_key),
            "complaint_id": message.complaint_id,
            "customer_id": message.customer_id,
            "kind": message.kind.value,
            "language": message.language.value,
            "channel": message.channel.value,
            "subject": rendered.subject,
            "body": rendered.body,
            "created_at": _now(),
        }
        message_id, duplicate = await self._writer.insert_once("outbox", row, "message_id")
        return DeliveryReceipt(message_id=message_id, duplicate=duplicate)

    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        """Record the remedy once, or refuse it (see the class docstring)."""
        if order.order_reference and order.order_reference.startswith(UNKNOWN_ORDER_PREFIX):
            raise RemedyRefusedError(
                RemedyRefused.ORDER_NOT_FOUND, f"order {order.order_reference} not found"
            )
        holder = order.order_reference and await self._writer.transact(
            _holder, order.customer_id, order.order_reference
        )
        if holder and holder != order.complaint_id:
            raise RemedyRefusedError(
                RemedyRefused.ALREADY_APPLIED,
                f"order {order.order_reference} is handled in complaint {holder}",
            )
        row = {
            "idempotency_key": order.idempotency_key,
            "complaint_id": order.complaint_id,
            "customer_id": order.customer_id,
            "order_reference": order.order_reference,
            "kind": order.remedy.kind.value,
            "amount": money(order.remedy.amount),
            "currency": order.remedy.currency,
            "authorised_by": order.authorised_by,
            "reference": remedy_reference(order.remedy.kind, order.idempotency_key),
            "created_at": _now(),
        }
        reference, duplicate = await self._writer.insert_once("remedy_ledger", row, "reference")
        return RemedyReceipt(reference=reference, duplicate=duplicate)

    async def claim_order(self, claim: OrderClaim) -> OrderClaimReceipt:
        """One holder per customer and order, in one transaction: the first claim holds,
        a later one learns the holder; a release frees it only for its holder."""
        holder, duplicate = await self._writer.transact(_claim, claim)
        return OrderClaimReceipt(holder=holder, duplicate=duplicate)

    async def page_manager(self, page: ManagerPage) -> PageReceipt:
        """Queue the page once; a manager tool reads it from `pages()`."""
        row = {
            "idempotency_key": page.idempotency_key,
            "page_id": reference_for("PG", page.idempotency_key),
            "complaint_id": page.complaint_id,
            "workflow_id": page.workflow_id,
            "kind": page.kind.value,
            "level": page.level,
            "title": page.title,
            "reason": page.reason,
            "category": page.category.value,
            "severity": page.severity.value,
            "requested_kind": page.requested.kind.value if page.requested else None,
            "requested_amount": money(page.requested.amount) if page.requested else None,
            "requested_currency": page.requested.currency if page.requested else None,
            "respond_by": page.respond_by.isoformat() if page.respond_by else None,
            "summary": page.summary,
            "created_at": _now(),
        }
        page_id, duplicate = await self._writer.insert_once("manager_pages", row, "page_id")
        return PageReceipt(page_id=page_id, duplicate=duplicate)

    async def record_employee_follow_up(self, note: EmployeeFollowUp) -> EmployeeFollowUpReceipt:
        """Record the coaching follow-up once."""
        row = {
            "idempotency_key": note.idempotency_key,
            "complaint_id": note.complaint_id,
            "employee_reference": note.employee_reference,
            "manager_id": note.manager_id,
            "outcome": note.outcome,
            "reference": reference_for("EF", note.idempotency_key),
            "created_at": _now(),
        }
        insert = self._writer.insert_once("employee_follow_ups", row, "reference")
        reference, duplicate = await insert
        return EmployeeFollowUpReceipt(reference=reference, duplicate=duplicate)

    async def aclose(self) -> None:
        """Close the writer's connection and thread (a later write opens them again)."""
        await self._writer.aclose()

    # -- read side (tests, demo, CLI) ---------------------------------------------------

    def messages(self, complaint_id: str | None = None) -> list[OutboxEntry]:
        """Messages in send order; all complaints when `complaint_id` is None."""
        return [OutboxEntry.model_validate(r) for r in self._select("outbox", complaint_id)]

    def remedies(self, complaint_id: str | None = None) -> list[LedgerEntry]:
        return [LedgerEntry.model_validate(r) for r in self._select("remedy_ledger", complaint_id)]

    def pages(self, complaint_id: str | None = None) -> list[PageEntry]:
        return [_page_entry(r) for r in self._select("manager_pages", complaint_id)]

    def employee_follow_ups(self, complaint_id: str | None = None) -> list[EmployeeFollowUpEntry]:
        rows = self._select("employee_follow_ups", complaint_id)
        return [EmployeeFollowUpEntry.model_validate(r) for r in rows]

    def count_remedies(self) -> int:
        """Across all complaints: the number tests use to prove nothing was applied twice."""
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM remedy_ledger").fetchone()[0])

    # -- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # Autocommit (isolation_level=None): every statement is its own transaction.
        conn = sqlite3.connect(self._db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    def _select(self, table: str, complaint_id: str | None) -> list[dict[str, object]]:
        query = f"SELECT * FROM {table}"
        params: tuple[str, ...] = ()
        if complaint_id is not None:
            query += " WHERE complaint_id = ?"
            params = (complaint_id,)
        with self._connect() as conn:
            return [dict(r) for r in conn.execute(query + " ORDER BY seq", params)]


_ADDED_COLUMNS = (("remedy_ledger", "currency"), ("manager_pages", "requested_currency"))
"""Columns added since the first schema: a file written before them gains them, empty."""


def _add_columns(conn: sqlite3.Connection) -> None:
    for table, column in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")


def _holder(conn: sqlite3.Connection, customer_id: str, order_reference: str) -> str | None:
    row = conn.execute(
        "SELECT complaint_id FROM order_claims WHERE customer_id = ? AND order_reference = ?",
        (customer_id, order_reference),
    ).fetchone()
    return None if row is None else str(row[0])


def _claim(conn: sqlite3.Connection, claim: OrderClaim) -> tuple[str | None, bool]:
    held = _holder(conn, claim.customer_id, claim.order_reference)
    if claim.release:
        if held == claim.complaint_id:
            conn.execute(
                "DELETE FROM order_claims WHERE customer_id = ? AND order_reference = ?",
                (claim.customer_id, claim.order_reference),
            )
            return None, False
        return held, True
    if held is None:
        conn.execute(
            "INSERT INTO order_claims (customer_id, order_reference, complaint_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            (claim.customer_id, claim.order_reference, claim.complaint_id, _now()),
        )
        return claim.complaint_id, False
    return held, held == claim.complaint_id


def _page_entry(row: dict[str, object]) -> PageEntry:
    kind, amount = row.pop("requested_kind"), row.pop("requested_amount")
    currency = row.pop("requested_currency", None)
    requested = (
        Remedy(kind=RemedyKind(kind), amount=Decimal(str(amount)), currency=currency)
        if kind
        else None
    )
    return PageEntry.model_validate({**row, "requested": requested})


class _Writer:
    """One thread, one connection: every write to the backend's file, in order."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._thread: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None

    async def insert_once(
        self, table: str, row: Mapping[str, object], receipt: str
    ) -> tuple[str, bool]:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="local-backend-writer")
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._insert_once, table, row, receipt
        )

    async def aclose(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.get_running_loop().run_in_executor(thread, self._close)
            thread.shutdown()

    def _insert_once(self, table: str, row: Mapping[str, object], receipt: str) -> tuple[str, bool]:
        """Insert unless the key exists; return (stored receipt value, was it a duplicate).

        ON CONFLICT DO NOTHING inside one IMMEDIATE transaction: concurrent retries with
        one key (from this or another process) yield exactly one row and one
        non-duplicate receipt, and a failed COMMIT raises instead of passing unnoticed.
        """
        if self._conn is None:
            self._conn = sqlite3.connect(
                self._db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None
            )
        conn = self._conn
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn.execute("BEGIN IMMEDIATE")
        try:
            inserted = conn.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
                "ON CONFLICT(idempotency_key) DO NOTHING",
                tuple(row.values()),
            ).rowcount
            stored = conn.execute(
                f"SELECT {receipt} FROM {table} WHERE idempotency_key = ?",
                (row["idempotency_key"],),
            ).fetchone()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return str(stored[0]), inserted != 1

    async def transact(self, work: Callable[..., T], *args: Any) -> T:
        """`work(conn, *args)` in one IMMEDIATE transaction on the writer's thread."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="local-backend-writer")
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._transact, work, args
        )

    def _transact(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._conn is None:
            self._conn = sqlite3.connect(
                self._db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None
            )
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(conn, *args)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
