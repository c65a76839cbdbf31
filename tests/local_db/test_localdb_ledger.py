"""Finishing sales: one atomic write of everything, gap-free sequences, and failures (locked
database, full disk) that reach the caller with nothing half-written."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from decimal import Decimal

import pytest
from localdb_support import MASK, NOW, SaleBuilder, numbering

from local_db import (
    DEMO_ITEMS,
    Database,
    SqlCartStore,
    SqlSalesLedger,
    sample_barcodes,
    verify_ledger,
)
from local_db.ledger import GENESIS_HASH, chain_hash
from local_db.payloads import transaction_payload
from runtime.codec import (
    canonical_json,
    header_to_dict,
    line_to_dict,
    sha256_hex,
    transaction_to_dict,
)
from runtime.ports import StorageError
from runtime.transaction import TenderLine, TransactionState

TABLES = ("transactions", "transaction_lines", "tax_lines", "tender_lines", "journal_entries",
          "outbox", "counters")


def counts(db: Database) -> dict[str, int]:
    conn = db.connection
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_a_sale_is_written_whole(db: Database, builder: SaleBuilder) -> None:
    codes = sample_barcodes(db, 20, seed=11)
    tx = builder.concluded(codes)
    SqlCartStore(db).save(replace(tx, state=TransactionState.OPEN), frozenset(), frozenset())
    ledger = SqlSalesLedger(db)
    receipt = ledger.finish(tx, numbering("S001", "R1"))
    assert receipt.receipt_number == "S001-R1-20250615-000001"
    assert receipt.device_seq == 1
    stored = ledger.last_transaction
    assert stored == replace(tx, receipt_number=receipt.receipt_number)
    conn = db.connection
    row = conn.execute(
        "SELECT sale_no, state, receipt_seq, total, paid, line_count, device_seq, journal_entry_no"
        " FROM transactions WHERE transaction_id = ?", (tx.transaction_id,)).fetchone()
    sale_no = row[0]
    assert row[1:] == ("concluded", 1, str(tx.totals.total), str(tx.totals.paid), 20, 1, 1)
    lines = conn.execute(
        "SELECT line_id, item_id, quantity, amount_incl_tax FROM transaction_lines"
        " WHERE sale_no = ? ORDER BY position", (sale_no,)).fetchall()
    assert lines == [(ln.line_id, ln.item_id, str(ln.quantity), str(ln.amount_incl_tax))
                     for ln in tx.lines]
    taxes = conn.execute("SELECT count(*), sum(amount) FROM tax_lines WHERE sale_no = ?",
                         (sale_no,)).fetchone()
    assert taxes[0] == sum(len(ln.taxes) for ln in tx.lines)
    assert Decimal(str(taxes[1])) == tx.totals.tax_total
    tenders = conn.execute("SELECT kind, amount, terminal_reference FROM tender_lines"
                           " WHERE sale_no = ? ORDER BY position", (sale_no,)).fetchall()
    assert [t[0] for t in tenders] == ["card", "cash"]
    assert tenders[0][2] == "ref-1"
    kind, payload, digest, mutation_id = conn.execute(
        "SELECT kind, payload, payload_sha256, mutation_id FROM outbox"
        " WHERE register_id = 'R1' AND device_seq = 1").fetchone()
    assert kind == "sale" and len(mutation_id) == 32
    assert payload.encode() == canonical_json(transaction_to_dict(stored))
    assert digest == sha256_hex(payload.encode())
    entry = conn.execute("SELECT entry_no, kind, payload_sha256, prev_hash, entry_hash"
                         " FROM journal_entries WHERE register_id = 'R1'").fetchall()
    assert entry == [(1, "sale", digest, GENESIS_HASH, chain_hash(GENESIS_HASH, digest))]
    assert SqlCartStore(db).load("R1") is None
    assert verify_ledger(db) == []


def test_sequences_are_gap_free_per_register(db: Database, builder: SaleBuilder) -> None:
    codes = sample_barcodes(db, 40, seed=12)
    ledger = SqlSalesLedger(db)
    seen: dict[str, list[tuple[str | None, int]]] = {"R1": [], "R2": []}
    for i in range(12):
        reg = "R1" if i % 3 else "R2"
        make = builder.voided if i % 4 == 3 else builder.concluded
        tx = make(codes[i:i + 3], reg)
        receipt = ledger.finish(tx, numbering("S001", reg))
        seen[reg].append((receipt.receipt_number, receipt.device_seq))
    for reg, got in seen.items():
        assert [seq for _, seq in got] == list(range(1, len(got) + 1))
        numbers = [n for n, _ in got if n is not None]
        assert numbers == [f"S001-{reg}-20250615-{i:06d}" for i in range(1, len(numbers) + 1)]
    voids = db.connection.execute(
        "SELECT count(*) FROM outbox WHERE kind = 'void'").fetchone()[0]
    assert voids == 3
    assert verify_ledger(db) == []


def test_void_has_no_receipt_number(db: Database, builder: SaleBuilder) -> None:
    tx = builder.voided([DEMO_ITEMS["espresso"]])
    receipt = SqlSalesLedger(db).finish(tx, numbering("S001", "R1"))
    assert receipt.receipt_number is None and receipt.device_seq == 1
    row = db.connection.execute("SELECT state, receipt_seq, void_reason FROM transactions"
                                ).fetchone()
    assert row == ("voided", None, "customer left")


def test_open_transactions_are_refused(db: Database, builder: SaleBuilder) -> None:
    with pytest.raises(ValueError):
        SqlSalesLedger(db).finish(builder.open([DEMO_ITEMS["espresso"]]), None)


def test_recording_the_same_transaction_twice_writes_nothing(db: Database,
                                                             builder: SaleBuilder) -> None:
    ledger = SqlSalesLedger(db)
    tx = builder.concluded([DEMO_ITEMS["espresso"]])
    ledger.finish(tx, numbering("S001", "R1"))
    before = counts(db)
    with pytest.raises(StorageError, match="conflicts"):
        ledger.finish(tx, numbering("S001", "R1"))
    assert counts(db) == before
    assert verify_ledger(db) == []


def test_a_failing_receipt_number_rolls_back(db: Database, builder: SaleBuilder) -> None:
    def broken(seq: int) -> str:
        raise RuntimeError("mask exploded")

    before = counts(db)
    with pytest.raises(RuntimeError):
        SqlSalesLedger(db).finish(builder.concluded([DEMO_ITEMS["cola"]]), broken)
    assert counts(db) == before


def test_locked_database_reaches_the_caller_and_nothing_is_written(db: Database,
                                                                   builder: SaleBuilder) -> None:
    ledger, cart = SqlSalesLedger(db), SqlCartStore(db)
    ledger.finish(builder.concluded([DEMO_ITEMS["espresso"]]), numbering("S001", "R1"))
    before = counts(db)
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        tx = builder.concluded([DEMO_ITEMS["chocolate"]])
        with pytest.raises(StorageError, match="locked by another program"):
            ledger.finish(tx, numbering("S001", "R1"))
        with pytest.raises(StorageError, match="locked"):
            cart.save(builder.open([DEMO_ITEMS["cola"]]), frozenset({"L1"}), frozenset())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert counts(db) == before
    assert ledger.finish(tx, numbering("S001", "R1")).device_seq == 2  # and then it works
    assert verify_ledger(db) == []


def test_full_disk_reaches_the_caller_and_committed_sales_survive(db: Database,
                                                                  builder: SaleBuilder) -> None:
    ledger = SqlSalesLedger(db)
    codes = sample_barcodes(db, 20, seed=13)
    for i in range(3):
        ledger.finish(builder.concluded(codes[i:i + 5]), numbering("S001", "R1"))
    before = counts(db)
    conn = db.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL on the next new page
    try:
        with pytest.raises(StorageError, match="disk holding the database is full"):
            ledger.finish(builder.concluded(codes), numbering("S001", "R1"))
    finally:
        conn.execute("PRAGMA max_page_count = 1073741823")
    assert counts(db) == before
    assert verify_ledger(db) == []
    receipt = ledger.finish(builder.concluded(codes), numbering("S001", "R1"))
    assert (receipt.device_seq, receipt.receipt_number) == (4, "S001-R1-20250615-000004")
    assert verify_ledger(db) == []


def test_payload_splicing_is_byte_identical(db: Database, builder: SaleBuilder) -> None:
    codes = sample_barcodes(db, 12, seed=21)
    tx = builder.concluded(codes + [DEMO_ITEMS["tshirt"], DEMO_ITEMS["cola_pack"]])
    odd = TenderLine("T9", "usd", "foreign_currency", Decimal("9.20"), foreign_currency="USD",
                     foreign_amount=Decimal("10.00"), exchange_rate=Decimal("0.92"),
                     message='say "lines":null \\ ✓')
    tx = replace(tx, tenders=(*tx.tenders, odd), void_reason='"lines":null', receipt_number="X")
    texts = [canonical_json(line_to_dict(line)).decode() for line in tx.lines]
    assert transaction_payload(header_to_dict(tx), texts).encode() == canonical_json(
        transaction_to_dict(tx))


def test_verify_ledger_finds_damage(db: Database, builder: SaleBuilder) -> None:
    ledger = SqlSalesLedger(db)
    for code in sample_barcodes(db, 4, seed=14):
        ledger.finish(builder.concluded([code]), numbering("S001", "R1"))
    assert verify_ledger(db) == []
    with db.write("damage") as conn:
        conn.execute("UPDATE journal_entries SET prev_hash = 'x' WHERE entry_no = 3")
        conn.execute("DELETE FROM outbox WHERE device_seq = 2")
        conn.execute("DELETE FROM transaction_lines WHERE sale_no = 4")
    problems = verify_ledger(db)
    assert any("journal chain broken at entry 3" in p for p in problems)
    assert any("no outbox row" in p for p in problems)
    assert any("device_seq jumps from 1 to 3" in p for p in problems)
    assert any("0 line rows" in p for p in problems)


def test_payload_round_trips_through_the_codec(db: Database, builder: SaleBuilder) -> None:
    from runtime.codec import transaction_from_dict

    ledger = SqlSalesLedger(db)
    tx = builder.concluded(sample_barcodes(db, 6, seed=15))
    ledger.finish(tx, lambda seq: MASK.format(store="S001", register="R1", yyyy="2025",
                                              yy="25", mm="06", dd="15", seq=seq))
    payload = db.connection.execute("SELECT payload FROM outbox").fetchone()[0]
    assert transaction_from_dict(json.loads(payload)) == ledger.last_transaction
    assert ledger.last_transaction is not None
    assert ledger.last_transaction.ended_at == NOW
