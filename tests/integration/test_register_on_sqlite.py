"""The runtime over a real SQLite register database: sales, resume after restart, suspend,
and storage failures that reach the cashier without losing anything committed."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from pos_app.composition import Register, ensure_open_shift, open_register
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    Recall,
    RefusalCode,
    SetQuantity,
    Suspend,
    VoidLine,
)
from runtime.receipt_text import render_text
from runtime.transaction import TransactionState


@pytest.fixture
def db(tmp_path: Path, seeded_store: Path) -> Path:
    path = tmp_path / "register.db"
    shutil.copy(seeded_store, path)
    return path


@pytest.fixture
def items() -> dict[str, str]:
    from local_db import DEMO_ITEMS

    return dict(DEMO_ITEMS)


def _open(db: Path) -> Register:
    register = open_register(db, "R1", operator_id="1001", extensions=[])
    ensure_open_shift(register.runtime)
    return register


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def test_a_sale_is_written_with_lines_tenders_journal_and_outbox(
    db: Path, items: dict[str, str]
) -> None:
    reg = _open(db)
    rt = reg.runtime
    assert rt.add_line(AddLine(barcode=items["espresso"], quantity=Decimal(2))).ok
    assert rt.add_line(AddLine(barcode=items["bananas"], weight=Decimal("0.750"))).ok
    assert rt.add_tender(AddTender("cash", Decimal("100"))).ok
    done = rt.conclude(Conclude())
    assert done.value is not None, done.refusal
    sale = done.value.transaction
    reg.close()

    (tx_count,) = _rows(db, "SELECT count(*) FROM transactions")[0]
    assert tx_count == 1
    assert _rows(db, "SELECT count(*) FROM transaction_lines")[0][0] == 2
    # the shift's opening, then the sale
    assert _rows(db, "SELECT kind FROM outbox ORDER BY device_seq") == [("shift_open",), ("sale",)]
    assert _rows(db, "SELECT count(*) FROM journal_entries")[0][0] == 2
    assert _rows(db, "SELECT count(*) FROM cart_header")[0][0] == 0
    assert sale.receipt_number and sale.receipt_number.endswith("1")
    text = render_text(done.value.receipt)
    assert sale.receipt_number in text and "Change" in text


def test_the_cart_survives_a_restart_and_the_sale_completes(
    db: Path, items: dict[str, str]
) -> None:
    reg = _open(db)
    rt = reg.runtime
    rt.add_line(AddLine(barcode=items["espresso"]))
    second = rt.add_line(AddLine(barcode=items["cola_pack"]))
    assert second.value is not None
    rt.set_quantity(SetQuantity(second.value.line_id, Decimal(3)))
    rt.void_line(VoidLine("L1"))
    before = rt.transaction
    reg.close()  # the process "dies": nothing else is flushed

    again = _open(db)
    resumed = again.runtime.transaction
    assert resumed is not None and before is not None
    assert resumed.transaction_id == before.transaction_id
    assert [(x.line_id, x.quantity, x.voided) for x in resumed.lines] == [
        (x.line_id, x.quantity, x.voided) for x in before.lines
    ]
    assert resumed.totals == before.totals
    assert again.runtime.add_tender(AddTender("cash")).ok
    assert again.runtime.conclude(Conclude()).ok
    again.close()


def test_suspended_transactions_persist_and_recall(db: Path, items: dict[str, str]) -> None:
    reg = _open(db)
    rt = reg.runtime
    rt.add_line(AddLine(barcode=items["espresso"]))
    suspended = rt.suspend(Suspend())
    assert suspended.value is not None
    reg.close()

    reg = _open(db)
    rt = reg.runtime
    assert rt.transaction is None
    assert [t.transaction_id for t in rt.suspended()] == [suspended.value.transaction_id]
    recalled = rt.recall(Recall(suspended.value.transaction_id))
    assert recalled.value is not None and recalled.value.state is TransactionState.OPEN
    assert len(recalled.value.active_lines) == 1
    assert rt.suspended() == []
    reg.close()


def test_a_locked_database_refuses_the_operation_and_keeps_the_cart(
    db: Path, items: dict[str, str]
) -> None:
    reg = _open(db)
    rt = reg.runtime
    assert rt.add_line(AddLine(barcode=items["espresso"])).ok
    before = rt.transaction
    blocker = sqlite3.connect(db, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        result = rt.add_line(AddLine(barcode=items["cola_pack"]))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.refusal is not None and result.refusal.code is RefusalCode.STORAGE
    assert "locked" in result.refusal.message
    assert rt.transaction is before
    assert rt.add_line(AddLine(barcode=items["cola_pack"])).ok  # works once the lock is gone
    reg.close()


def test_a_full_disk_refuses_conclude_and_loses_nothing(db: Path, items: dict[str, str]) -> None:
    reg = _open(db)
    rt = reg.runtime
    rt.add_line(AddLine(barcode=items["espresso"]))
    rt.add_tender(AddTender("cash"))
    assert rt.conclude(Conclude()).ok  # one sale committed before the disk fills
    rt.add_line(AddLine(barcode=items["espresso"]))
    rt.add_tender(AddTender("cash"))
    open_tx = rt.transaction
    (pages,) = reg.database.connection.execute("PRAGMA page_count").fetchone()
    reg.database.connection.execute(f"PRAGMA max_page_count = {pages}")
    result = rt.conclude(Conclude())
    assert result.refusal is not None and result.refusal.code is RefusalCode.STORAGE
    assert rt.transaction is open_tx  # the sale is still open and paid, ready to retry
    reg.close()

    assert _rows(db, "SELECT count(*) FROM transactions")[0][0] == 1
    reopened = _open(db)
    assert reopened.runtime.transaction is not None
    assert reopened.runtime.transaction.transaction_id == open_tx.transaction_id
    assert reopened.runtime.conclude(Conclude()).ok  # space is back: it concludes
    reopened.close()
    assert _rows(db, "SELECT count(*) FROM transactions")[0][0] == 2


def test_a_register_cannot_be_opened_twice(db: Path, items: dict[str, str]) -> None:
    from local_db import DatabaseOpenError

    first = _open(db)
    with pytest.raises(DatabaseOpenError, match="register R1 is already open"):
        _open(db)
    other = open_register(db, "R2", operator_id="1001", extensions=[])  # another register: fine
    other.close()
    first.close()
    again = _open(db)  # released on close (and by the OS when a process dies)
    again.close()


def test_a_finished_transaction_is_never_written_back_to_the_cart(
    db: Path, items: dict[str, str]
) -> None:
    from local_db import SqlCartStore
    from runtime.ports import StorageError

    reg = _open(db)
    rt = reg.runtime
    rt.add_line(AddLine(barcode=items["espresso"]))
    rt.add_tender(AddTender("cash"))
    sale = rt.conclude(Conclude()).value
    assert sale is not None
    stale = sale.transaction  # e.g. a second process still holding the old cart
    with pytest.raises(StorageError, match="already finished"):
        SqlCartStore(reg.database).save(stale, frozenset(), frozenset())
    assert _rows_in(reg, "cart_header") == 0
    reg.close()


def _rows_in(reg: Register, table: str) -> int:
    (count,) = reg.database.connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(count)
