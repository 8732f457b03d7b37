"""The embedded backend: exactly-once effects, send order, and business refusals."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from activities.backend import ComplaintBackend, RemedyRefusedError
from activities.local_backend import LocalBackend
from schemas.effects import (
    EmployeeFollowUp,
    ManagerPage,
    OrderClaim,
    OrderClaimReceipt,
    PageKind,
    RemedyOrder,
    RemedyRefused,
)
from schemas.intake import Category, Channel, Contact, Language, Severity
from schemas.messages import CustomerMessage, MessageContext, MessageKind, RenderedMessage
from schemas.remedies import Remedy, RemedyKind


@pytest.fixture
def backend(tmp_path: Path) -> LocalBackend:
    return LocalBackend(tmp_path / "backend.db")


def message(
    key: str, complaint_id: str = "C-1", kind: MessageKind = MessageKind.ACKNOWLEDGEMENT
) -> CustomerMessage:
    return CustomerMessage(
        idempotency_key=key,
        complaint_id=complaint_id,
        customer_id="cust-1",
        contact=Contact(email="ann@example.com"),
        language=Language.ET,
        channel=Channel.EMAIL,
        kind=kind,
        context=MessageContext(customer_name="Ann", complaint_id=complaint_id),
    )


def order(
    key: str,
    order_reference: str | None = "ORD-1",
    kind: RemedyKind = RemedyKind.REFUND,
    amount: str = "25.5",
    complaint_id: str = "C-1",
) -> RemedyOrder:
    return RemedyOrder(
        idempotency_key=key,
        complaint_id=complaint_id,
        customer_id="cust-1",
        order_reference=order_reference,
        remedy=Remedy(kind=kind, amount=Decimal(amount)),
        authorised_by="agent",
    )


def page(key: str) -> ManagerPage:
    return ManagerPage(
        idempotency_key=key,
        complaint_id="C-1",
        workflow_id="complaint-C-1",
        kind=PageKind.ESCALATION,
        level=1,
        title="Shift manager",
        reason="refund above agent limit",
        category=Category.DEFECTIVE_PRODUCT,
        severity=Severity.HIGH,
        requested=Remedy(kind=RemedyKind.REFUND, amount=Decimal("300")),
        respond_by=datetime(2030, 1, 2, 9, 30, tzinfo=UTC),
        summary="Kettle broke after two days.",
    )


def follow_up(key: str) -> EmployeeFollowUp:
    return EmployeeFollowUp(
        idempotency_key=key,
        complaint_id="C-1",
        employee_reference="emp-7",
        manager_id="mgr-2",
        customer_id="cust-1",
        outcome="coaching scheduled",
    )


def rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_is_a_complaint_backend(backend: LocalBackend) -> None:
    assert isinstance(backend, ComplaintBackend)


def test_database_uses_wal(backend: LocalBackend) -> None:
    with sqlite3.connect(backend.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_same_message_key_is_sent_once_and_keeps_the_original(backend: LocalBackend) -> None:
    first = await backend.deliver_message(message("k1"), RenderedMessage(subject="S", body="one"))
    again = await backend.deliver_message(message("k1"), RenderedMessage(subject="S2", body="two"))

    assert first.duplicate is False
    assert again.duplicate is True
    assert again.message_id == first.message_id
    [stored] = backend.messages("C-1")
    assert (stored.subject, stored.body) == ("S", "one")
    assert stored.language is Language.ET and stored.kind is MessageKind.ACKNOWLEDGEMENT
    assert rows(backend.db_path, "outbox") == 1


async def test_messages_come_back_in_send_order_per_complaint(backend: LocalBackend) -> None:
    # Keys sort differently from the send order, so ordering by key would fail.
    sends = [("k-c", MessageKind.ACKNOWLEDGEMENT), ("k-a", MessageKind.APOLOGY)]
    sends += [("k-b", MessageKind.CLOSING)]
    for key, kind in sends:
        rendered = RenderedMessage(subject=key, body="")
        await backend.deliver_message(message(key, kind=kind), rendered)
    await backend.deliver_message(message("other", "C-2"), RenderedMessage(subject="x", body=""))

    assert [(m.idempotency_key, m.kind) for m in backend.messages("C-1")] == sends
    assert [m.idempotency_key for m in backend.messages("C-2")] == ["other"]
    assert len(backend.messages()) == 4


async def test_same_remedy_key_is_applied_once(backend: LocalBackend) -> None:
    first = await backend.execute_remedy(order("r1"))
    again = await backend.execute_remedy(order("r1"))

    assert first.duplicate is False and again.duplicate is True
    assert again.reference == first.reference
    assert first.reference.startswith("RF-")
    [entry] = backend.remedies("C-1")
    assert entry.amount == Decimal("25.50") and entry.kind is RemedyKind.REFUND
    assert entry.reference == first.reference and entry.order_reference == "ORD-1"
    assert backend.count_remedies() == 1


async def test_references_are_derived_from_the_key(tmp_path: Path) -> None:
    one = await LocalBackend(tmp_path / "a.db").execute_remedy(order("same-key"))
    two = await LocalBackend(tmp_path / "b.db").execute_remedy(order("same-key"))
    other = await LocalBackend(tmp_path / "a.db").execute_remedy(order("other-key"))

    assert one.reference == two.reference
    assert other.reference != one.reference


@pytest.mark.parametrize(
    ("kind", "prefix"),
    [
        (RemedyKind.REFUND, "RF-"),
        (RemedyKind.REPLACEMENT, "RP-"),
        (RemedyKind.STORE_CREDIT, "SC-"),
        (RemedyKind.REPAIR, "RR-"),
        (RemedyKind.DISCOUNT, "DC-"),
        (RemedyKind.EXPLANATION, "EX-"),
    ],
)
async def test_remedy_reference_prefix_names_the_kind(
    backend: LocalBackend, kind: RemedyKind, prefix: str
) -> None:
    receipt = await backend.execute_remedy(order("k", kind=kind))
    assert receipt.reference.startswith(prefix)


async def test_unknown_order_is_refused_and_nothing_is_written(backend: LocalBackend) -> None:
    with pytest.raises(RemedyRefusedError) as refused:
        await backend.execute_remedy(order("r1", order_reference="UNKNOWN-42"))

    assert refused.value.code is RemedyRefused.ORDER_NOT_FOUND
    assert "UNKNOWN-42" in refused.value.message
    assert backend.count_remedies() == 0
    # Still refused on retry: a refusal is an answer, not a transient failure.
    with pytest.raises(RemedyRefusedError):
        await backend.execute_remedy(order("r1", order_reference="UNKNOWN-42"))


async def test_remedy_without_order_reference_is_applied(backend: LocalBackend) -> None:
    receipt = await backend.execute_remedy(order("r1", order_reference=None))
    assert receipt.duplicate is False
    assert backend.remedies("C-1")[0].order_reference is None


async def test_concurrent_retries_with_one_key_apply_one_remedy(backend: LocalBackend) -> None:
    receipts = await asyncio.gather(*(backend.execute_remedy(order("race")) for _ in range(20)))

    assert backend.count_remedies() == 1
    assert {r.reference for r in receipts} == {receipts[0].reference}
    assert sum(not r.duplicate for r in receipts) == 1


async def test_concurrent_processes_sharing_the_file_send_one_message(tmp_path: Path) -> None:
    # Two backends on one file stand for a worker and another process.
    db = tmp_path / "shared.db"
    worker, other = LocalBackend(db), LocalBackend(db)
    rendered = RenderedMessage(subject="S", body="B")
    calls = [b.deliver_message(message("race"), rendered) for b in (worker, other) * 10]
    receipts = await asyncio.gather(*calls)

    assert rows(db, "outbox") == 1
    assert sum(not r.duplicate for r in receipts) == 1
    assert len({r.message_id for r in receipts}) == 1


async def test_manager_is_paged_once_per_key(backend: LocalBackend) -> None:
    first = await backend.page_manager(page("p1"))
    again = await backend.page_manager(page("p1"))

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.page_id == first.page_id
    [entry] = backend.pages("C-1")
    assert entry.workflow_id == "complaint-C-1" and entry.level == 1
    assert entry.requested == Remedy(kind=RemedyKind.REFUND, amount=Decimal("300"))
    assert entry.respond_by == datetime(2030, 1, 2, 9, 30, tzinfo=UTC)


async def test_employee_follow_up_is_recorded_once_per_key(backend: LocalBackend) -> None:
    first = await backend.record_employee_follow_up(follow_up("f1"))
    again = await backend.record_employee_follow_up(follow_up("f1"))

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.reference == first.reference
    [entry] = backend.employee_follow_ups("C-1")
    assert (entry.employee_reference, entry.outcome) == ("emp-7", "coaching scheduled")


async def test_data_survives_a_new_backend_on_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "persist.db"
    first = await LocalBackend(db).execute_remedy(order("r1"))
    reopened = LocalBackend(db)

    again = await reopened.execute_remedy(order("r1"))
    assert again.duplicate is True and again.reference == first.reference
    assert reopened.count_remedies() == 1
    await reopened.aclose()


async def test_writes_go_on_after_close_and_readers_come_and_go(tmp_path: Path) -> None:
    """Each committed write is visible to a short-lived reader at once (as tests, the CLI
    and `make bench` read), and the writer reopens its connection after `aclose`."""
    db = tmp_path / "busy.db"
    backend, rendered = LocalBackend(db), RenderedMessage(subject="S", body="B")
    for n in range(50):
        await backend.deliver_message(message(f"m{n}"), rendered)
        assert rows(db, "outbox") == n + 1  # a short-lived reader, as the bench's
    await backend.aclose()
    again = await backend.deliver_message(message("m0"), rendered)
    fresh = await backend.deliver_message(message("m50"), rendered)
    await backend.aclose()

    assert (again.duplicate, fresh.duplicate) == (True, False)
    assert rows(db, "outbox") == 51


async def test_a_file_from_before_currencies_gains_the_columns_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    old = LocalBackend(db)
    await old.execute_remedy(order("r-old"))
    await old.aclose()
    with sqlite3.connect(db) as conn:  # as the file was before remedies named a currency
        conn.execute("ALTER TABLE remedy_ledger DROP COLUMN currency")
        conn.execute("ALTER TABLE manager_pages DROP COLUMN requested_currency")
    conn.close()

    reopened = LocalBackend(db)
    named = order("r-new").model_copy(
        update={"remedy": Remedy(kind=RemedyKind.REFUND, amount=Decimal("1"), currency="EUR")}
    )
    await reopened.execute_remedy(named)
    assert [(e.idempotency_key, e.currency) for e in reopened.remedies("C-1")] == [
        ("r-old", None),
        ("r-new", "EUR"),
    ]
    await reopened.aclose()


def claim(complaint_id: str, release: bool = False, order_reference: str = "ORD-1") -> OrderClaim:
    return OrderClaim(
        idempotency_key=f"{complaint_id}/order-{'release' if release else 'claim'}/1",
        complaint_id=complaint_id,
        customer_id="cust-1",
        order_reference=order_reference,
        release=release,
    )


async def test_an_order_has_one_holder_until_it_releases_it(backend: LocalBackend) -> None:
    assert (await backend.claim_order(claim("C-1"))).holder == "C-1"
    assert (await backend.claim_order(claim("C-1"))) == OrderClaimReceipt(
        holder="C-1", duplicate=True
    )
    assert (await backend.claim_order(claim("C-2"))).holder == "C-1"  # a duplicate learns it
    assert (await backend.claim_order(claim("C-2", release=True))).holder == "C-1"  # not its own
    assert (await backend.claim_order(claim("C-3", order_reference="ORD-2"))).holder == "C-3"

    assert (await backend.claim_order(claim("C-1", release=True))).holder is None
    assert (await backend.claim_order(claim("C-2"))).holder == "C-2"


async def test_a_second_remedy_for_a_held_order_is_refused(backend: LocalBackend) -> None:
    """The hard guard where money moves: whatever a workflow believes, a complaint that does
    not hold the order gets no remedy for it."""
    await backend.claim_order(claim("C-1"))
    with pytest.raises(RemedyRefusedError) as refused:
        await backend.execute_remedy(order("C-2/remedy/1", complaint_id="C-2"))
    assert refused.value.code is RemedyRefused.ALREADY_APPLIED
    assert "C-1" in refused.value.message
    assert backend.remedies() == []
    await backend.execute_remedy(order("C-1/remedy/1", complaint_id="C-1"))  # the holder's
    await backend.execute_remedy(order("C-2/remedy/2", order_reference="ORD-9", complaint_id="C-2"))
    assert [r.complaint_id for r in backend.remedies()] == ["C-1", "C-2"]
