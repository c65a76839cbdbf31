"""The durable device stores (pos_app.device_stores) keep the same contract as the in-memory
ones the device tests use, and survive closing and reopening the database."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import Database, open_database
from peripherals.payment_log import InMemoryPaymentRequestLog, LoggedRequest, RequestKind
from peripherals.print_queue import MemoryPrintQueue, QueuedReceipt
from pos_app.device_stores import SqlPaymentRequestLog, SqlPrintQueue
from runtime.ports import PaymentOutcome, PaymentStatus
from runtime.receipt import Align, BarcodeBlock, QrBlock, ReceiptDocument, Separator, TextRow

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def db_path(seeded_store: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(seeded_store, tmp_path / "store.db"))


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


def sent(
    request_id: str, minutes: int = 0, kind: RequestKind = RequestKind.PAYMENT
) -> LoggedRequest:
    return LoggedRequest(
        request_id, kind, f"S-{request_id}", T0 + dt.timedelta(minutes=minutes),
        Decimal("12.34"), "EUR",
    )  # fmt: skip


LOGS: dict[str, Callable[[Database], object]] = {
    "memory": lambda db: InMemoryPaymentRequestLog(),
    "sqlite": lambda db: SqlPaymentRequestLog(db, "R1"),
}


@pytest.mark.parametrize("kind", list(LOGS))
def test_payment_log_contract(kind: str, db: Database) -> None:
    log = LOGS[kind](db)
    log.record_sent(sent("A", 1))  # type: ignore[attr-defined]
    log.record_sent(sent("B", 0))  # type: ignore[attr-defined]
    log.record_sent(sent("A", 2, RequestKind.REVERSAL))  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="already sent"):
        log.record_sent(sent("A", 3))  # type: ignore[attr-defined]
    approved = PaymentOutcome(PaymentStatus.APPROVED, Decimal("12.34"), "REF1", "VISA", "ok")
    log.record_outcome(RequestKind.PAYMENT, "A", approved, T0)  # type: ignore[attr-defined]
    log.record_outcome(RequestKind.PAYMENT, "nope", approved, T0)  # type: ignore[attr-defined]
    found = log.find(RequestKind.PAYMENT, "A")  # type: ignore[attr-defined]
    assert found is not None and found.resolved and found.outcome() == approved
    assert found.amount == Decimal("12.34") and found.sent_at == T0 + dt.timedelta(minutes=1)
    pending = log.unresolved()  # type: ignore[attr-defined]
    assert [(e.request_id, e.kind) for e in pending] == [
        ("B", RequestKind.PAYMENT),
        ("A", RequestKind.REVERSAL),
    ]
    unknown = PaymentOutcome(PaymentStatus.UNKNOWN, message="no answer")
    log.record_outcome(RequestKind.PAYMENT, "B", unknown, T0)  # type: ignore[attr-defined]
    assert "B" in [e.request_id for e in log.unresolved()]  # type: ignore[attr-defined]


def test_sql_log_survives_reopening(db_path: Path) -> None:
    db = open_database(db_path)
    SqlPaymentRequestLog(db, "R1").record_sent(sent("X"))
    db.close()
    db = open_database(db_path)
    try:
        log = SqlPaymentRequestLog(db, "R1")
        assert [e.request_id for e in log.unresolved()] == ["X"]
        assert SqlPaymentRequestLog(db, "R2").unresolved() == []  # per register
        with pytest.raises(ValueError, match="already sent"):
            log.record_sent(sent("X"))
    finally:
        db.close()


def queued(job_id: str, minutes: int, reason: str = "paper out") -> QueuedReceipt:
    document = ReceiptDocument(
        "sale",
        header=(TextRow("Tillpoint demo store", align=Align.CENTER, bold=True),),
        lines=(TextRow("Espresso beans 1 kg", "12.90"), Separator("=")),
        footer=(BarcodeBlock("0001-000042"), QrBlock("https://example.test/r/42")),
        receipt_number="0001-000042",
        meta={"transaction_id": job_id},
    )
    return QueuedReceipt(job_id, document, reason, T0 + dt.timedelta(minutes=minutes), 1, "p1")


QUEUES: dict[str, Callable[[Database], object]] = {
    "memory": lambda db: MemoryPrintQueue(),
    "sqlite": lambda db: SqlPrintQueue(db, "R1"),
}


@pytest.mark.parametrize("kind", list(QUEUES))
def test_print_queue_contract(kind: str, db: Database) -> None:
    queue = QUEUES[kind](db)
    queue.add(queued("J2", 2))  # type: ignore[attr-defined]
    queue.add(queued("J1", 1))  # type: ignore[attr-defined]
    queue.add(replace(queued("J2", 2, "cover open"), attempts=2))  # type: ignore[attr-defined]
    listed = queue.list()  # type: ignore[attr-defined]
    assert [(e.job_id, e.reason, e.attempts) for e in listed] == [
        ("J1", "paper out", 1),
        ("J2", "cover open", 2),
    ]
    assert listed[0] == queued("J1", 1)  # the document comes back exactly as built
    queue.remove("J1")  # type: ignore[attr-defined]
    queue.remove("never there")  # type: ignore[attr-defined]
    assert [e.job_id for e in queue.list()] == ["J2"]  # type: ignore[attr-defined]


def test_sql_queue_survives_reopening_and_shows_a_damaged_row(db_path: Path) -> None:
    db = open_database(db_path)
    SqlPrintQueue(db, "R1").add(queued("J1", 1))
    SqlPrintQueue(db, "R1").add(queued("J2", 2))
    with db.write("damage") as conn:
        conn.execute(
            "UPDATE print_queue SET document = ? WHERE job_id = 'J2'",
            ('{"kind": "sale", "header": [{"t": "?"}]}',),
        )
    db.close()
    db = open_database(db_path)
    try:
        first, second = SqlPrintQueue(db, "R1").list()
        assert first == queued("J1", 1)
        assert second.document.kind == "unreadable" and second.reason == "paper out"
        assert SqlPrintQueue(db, "R2").list() == []
    finally:
        db.close()
