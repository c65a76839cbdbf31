"""The persisted cart (incremental line writes, crash resume) and suspended transactions."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from localdb_support import SaleBuilder, numbering

from local_db import (
    DEMO_ITEMS,
    Database,
    SqlCartStore,
    SqlSalesLedger,
    SqlSuspendedStore,
    open_database,
    sample_barcodes,
)
from runtime.ports import StorageError
from runtime.transaction import TransactionState


def _count_line_writes(db: Database) -> list[str]:
    """Record the cart-line statements the shared connection runs."""
    seen: list[str] = []

    def trace(sql: str) -> None:
        if "cart_lines" in sql and not sql.startswith("SELECT"):
            seen.append(sql.split()[0])

    db.connection.set_trace_callback(trace)
    return seen


def test_round_trip(db: Database, builder: SaleBuilder) -> None:
    codes = [DEMO_ITEMS["espresso"], DEMO_ITEMS["tshirt"], DEMO_ITEMS["cola_pack"]]
    tx = builder.open(codes)
    cart = SqlCartStore(db)
    cart.save(tx, frozenset(line.line_id for line in tx.lines), frozenset())
    assert cart.load("R1") == tx
    assert cart.load("R2") is None


def test_only_changed_lines_are_written(db: Database, builder: SaleBuilder) -> None:
    codes = sample_barcodes(db, 30, seed=2)
    tx = builder.open(codes)
    cart = SqlCartStore(db)
    writes = _count_line_writes(db)
    cart.save(tx, frozenset(), frozenset())  # nothing stored yet: everything is written
    assert writes.count("INSERT") == 30
    writes.clear()
    changed = replace(tx.lines[4], quantity=Decimal("7"), comment="gift")
    tx2 = builder.repriced(replace(tx, lines=(*tx.lines[:4], changed, *tx.lines[5:])))
    cart.save(tx2, frozenset({"L5"}), frozenset())
    assert writes == ["INSERT"]
    db.connection.set_trace_callback(None)
    assert cart.load("R1") == tx2


def test_ids_not_in_the_transaction_are_ignored(db: Database, builder: SaleBuilder) -> None:
    tx = builder.open([DEMO_ITEMS["espresso"]])
    cart = SqlCartStore(db)
    cart.save(tx, frozenset({"L1", "L99"}), frozenset({"L42"}))
    assert cart.load("R1") == tx


def test_additions_and_removals_keep_line_order(db: Database, builder: SaleBuilder) -> None:
    codes = sample_barcodes(db, 6, seed=4)
    tx = builder.open(codes[:4])
    cart = SqlCartStore(db)
    cart.save(tx, frozenset(line.line_id for line in tx.lines), frozenset())
    extra = builder.open(codes[4:6])
    moved = tuple(replace(line, line_id=f"N{i}") for i, line in enumerate(extra.lines))
    lines = (tx.lines[0], tx.lines[2], tx.lines[3], *moved)  # L2 removed, two appended
    tx2 = builder.repriced(replace(tx, lines=lines, next_line_no=7))
    cart.save(tx2, frozenset({"N0", "N1"}), frozenset({"L2"}))
    loaded = cart.load("R1")
    assert loaded is not None
    assert [line.line_id for line in loaded.lines] == ["L1", "L3", "L4", "N0", "N1"]
    assert loaded == tx2


def test_unreported_lines_are_still_written_and_deleted(db: Database, builder: SaleBuilder) -> None:
    codes = sample_barcodes(db, 3, seed=8)
    tx = builder.open(codes)
    cart = SqlCartStore(db)
    cart.save(tx, frozenset({"L1", "L2", "L3"}), frozenset())
    fewer = builder.repriced(replace(tx, lines=tx.lines[:2]))
    cart.save(fewer, frozenset(), frozenset())  # the caller forgot to report L3 removed
    assert cart.load("R1") == fewer


def test_a_new_transaction_replaces_the_old_cart(db: Database, builder: SaleBuilder) -> None:
    cart = SqlCartStore(db)
    first = builder.open(sample_barcodes(db, 5, seed=1))
    cart.save(first, frozenset(line.line_id for line in first.lines), frozenset())
    second = builder.open([DEMO_ITEMS["chocolate"]])
    cart.save(second, frozenset({"L1"}), frozenset())
    assert cart.load("R1") == second
    assert db.connection.execute("SELECT count(*) FROM cart_lines").fetchone()[0] == 1


def test_cart_survives_reopening(db_path: Path, builder: SaleBuilder, db: Database) -> None:
    tx = builder.open([DEMO_ITEMS["espresso"], DEMO_ITEMS["bananas"]])
    SqlCartStore(db).save(tx, frozenset({"L1", "L2"}), frozenset())
    db.close()
    with open_database(db_path) as again:
        assert SqlCartStore(again).load("R1") == tx


def test_clear(db: Database, builder: SaleBuilder) -> None:
    cart = SqlCartStore(db)
    tx = builder.open([DEMO_ITEMS["espresso"]])
    cart.save(tx, frozenset({"L1"}), frozenset())
    cart.clear("R1")
    assert cart.load("R1") is None
    assert db.connection.execute("SELECT count(*) FROM cart_lines").fetchone()[0] == 0


def test_finishing_a_sale_clears_the_cart(db: Database, builder: SaleBuilder) -> None:
    cart = SqlCartStore(db)
    tx = builder.concluded(sample_barcodes(db, 4, seed=3))
    cart.save(replace(tx, state=TransactionState.OPEN), frozenset(), frozenset())
    SqlSalesLedger(db).finish(tx, numbering("S001", "R1"))
    assert cart.load("R1") is None
    nxt = builder.open([DEMO_ITEMS["cola"]])
    cart.save(nxt, frozenset({"L1"}), frozenset())  # the old line rows go with this save
    assert cart.load("R1") == nxt
    assert db.connection.execute("SELECT count(*) FROM cart_lines").fetchone()[0] == 1


def test_unreadable_cart_is_a_storage_error(db: Database, builder: SaleBuilder) -> None:
    cart = SqlCartStore(db)
    cart.save(builder.open([DEMO_ITEMS["espresso"]]), frozenset({"L1"}), frozenset())
    with db.write("damage") as conn:
        conn.execute("UPDATE cart_lines SET payload = '{\"nope\": 1}'")
    with pytest.raises(StorageError, match="cannot be read back"):
        cart.load("R1")


# ---- suspended ----------------------------------------------------------------------------------


def test_suspend_list_and_recall(db: Database, builder: SaleBuilder) -> None:
    cart, store = SqlCartStore(db), SqlSuspendedStore(db)
    tx = builder.open([DEMO_ITEMS["espresso"], DEMO_ITEMS["tshirt"]])
    cart.save(tx, frozenset({"L1", "L2"}), frozenset())
    suspended = replace(tx, state=TransactionState.SUSPENDED)
    store.suspend(suspended)
    assert cart.load("R1") is None
    assert store.list_suspended("R1") == [suspended]
    assert store.list_suspended("R2") == []
    assert store.recall("R2", tx.transaction_id) is None  # only the same register
    recalled = store.recall("R1", tx.transaction_id)
    assert recalled == replace(suspended, state=TransactionState.OPEN)
    assert cart.load("R1") == recalled  # moved into the cart in the same commit
    assert store.recall("R1", tx.transaction_id) is None  # gone once recalled
    assert store.list_suspended("R1") == []


def test_suspended_transactions_survive_reopening(db_path: Path, db: Database,
                                                  builder: SaleBuilder) -> None:
    txs = [replace(builder.open([code]), state=TransactionState.SUSPENDED)
           for code in sample_barcodes(db, 3, seed=9)]
    store = SqlSuspendedStore(db)
    for tx in txs:
        store.suspend(tx)
    db.close()
    with open_database(db_path) as again:
        assert sorted(t.transaction_id for t in SqlSuspendedStore(again).list_suspended("R1")) \
            == sorted(t.transaction_id for t in txs)
