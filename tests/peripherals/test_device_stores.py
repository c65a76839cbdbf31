"""The durable device stores (pos_app.device_stores) keep the same contract as the in-memory
ones the device tests use, and survive closing and reopening the database."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import Database, open_database
from peripherals.payment_log import InMemoryPaymentRequestLog, LoggedRequest, RequestKind
from pos_app.device_stores import SqlPaymentRequestLog
from runtime.ports import PaymentOutcome, PaymentStatus

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
