"""Writing finished transactions: the sale, its lines, taxes, tenders, journal entry and outbox
row, with the gap-free receipt, journal and device sequences, in ONE durable SQLite transaction.

This is the hot path at the end of every sale, so it is plain precompiled SQL with executemany
on the shared connection; everything that does not depend on the allocated numbers is built
before the write lock is taken, and each line's JSON and row come from the cart's cache
(`local_db.payloads`) when the line is unchanged since the cart saved it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from local_db.cart import delete_cart
from local_db.database import Database
from local_db.journal_keys import JournalSigner
from local_db.payloads import Row, text_or_none, transaction_payload
from local_db.timefmt import format_utc
from runtime.codec import header_to_dict, sha256_hex
from runtime.journal_chain import GENESIS_HASH, chain_hash
from runtime.ports import Clock, IdGenerator, LedgerReceipt, StorageError
from runtime.system import SystemClock
from runtime.transaction import Transaction, TransactionState

RECEIPT_COUNTER = "receipt"
DEVICE_SEQ_COUNTER = "device_seq"
JOURNAL_COUNTER = "journal"

_ENSURE_COUNTERS = (
    "INSERT OR IGNORE INTO counters (register_id, name, value) VALUES (?, ?, 0), (?, ?, 0),"
    " (?, ?, 0)"
)
_BUMP_SALE = (
    "UPDATE counters SET value = value + 1 WHERE register_id = ? AND name IN (?, ?, ?)"
    " RETURNING name, value"
)
_BUMP_VOID = (
    "UPDATE counters SET value = value + 1 WHERE register_id = ? AND name IN (?, ?)"
    " RETURNING name, value"
)
# decimal text arithmetic is done in Python: the new total is computed before the write
_RETURNED = "SELECT quantity FROM returned_quantities WHERE transaction_id = ? AND line_id = ?"
_UPSERT_RETURNED = (
    "INSERT INTO returned_quantities (transaction_id, line_id, quantity) VALUES (?, ?, ?)"
    " ON CONFLICT (transaction_id, line_id) DO UPDATE SET quantity = excluded.quantity"
)
_PREV_HASH = "SELECT entry_hash FROM journal_entries WHERE register_id = ? AND entry_no = ?"
_INSERT_TX = (
    "INSERT INTO transactions (transaction_id, store_id, register_id, operator_id, state,"
    " receipt_number, receipt_seq, started_at, ended_at, tax_exempt, tax_exempt_reason,"
    " void_reason, subtotal, discount_total, tax_total, total, cash_rounding, paid,"
    " line_count, device_seq, journal_entry_no, recorded_at, shift_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_LINE = (
    "INSERT INTO transaction_lines (sale_no, position, line_id, item_id, variant_id,"
    " description, barcode, quantity, unit, keyed_price, serial_number, comment, weighed,"
    " voided, unit_price, price_source, gross_amount, discount_amount, net_amount, tax_amount,"
    " amount_excl_tax, amount_incl_tax, return_of_transaction_id, return_of_line_id,"
    " reason_code)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_TAX = "INSERT INTO tax_lines (sale_no, position, code, rate, amount) VALUES (?, ?, ?, ?, ?)"
_INSERT_TENDER = (
    "INSERT INTO tender_lines (sale_no, position, tender_line_id, tender_type_id, kind, amount,"
    " rounding, status, foreign_currency, foreign_amount, exchange_rate, request_id,"
    " terminal_reference, card_brand, is_change)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_JOURNAL = (
    "INSERT INTO journal_entries (register_id, entry_no, kind, transaction_id, payload_sha256,"
    " prev_hash, entry_hash, created_at, signature, device_seq)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_OUTBOX = (
    "INSERT INTO outbox (register_id, device_seq, mutation_id, kind, transaction_id, payload,"
    " payload_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _tender_rows(tx: Transaction) -> list[Row]:
    """Tender rows without their leading sale_no (known only inside the write)."""
    return [
        (
            i,
            t.tender_line_id,
            t.tender_type_id,
            t.kind,
            str(t.amount),
            str(t.rounding),
            t.status.value,
            t.foreign_currency,
            text_or_none(t.foreign_amount),
            text_or_none(t.exchange_rate),
            t.request_id,
            t.terminal_reference,
            t.card_brand,
            t.is_change,
        )
        for i, t in enumerate(tx.tenders)
    ]


def _record_returned_quantities(conn: sqlite3.Connection, tx: Transaction) -> None:
    """Add each return line's quantity to what was returned of its original line, in the same
    database transaction as the return, so two partial returns can never exceed the sale."""
    for line in tx.lines:
        ref = line.return_of
        if ref is None or line.voided or line.quantity >= 0:
            continue
        key = (ref.transaction_id, ref.line_id)
        row = conn.execute(_RETURNED, key).fetchone()
        after = (Decimal(row[0]) if row else Decimal(0)) - line.quantity  # quantity < 0
        if after > ref.original_quantity:  # another register returned it meanwhile
            raise StorageError(
                f"line {ref.line_id} of {ref.receipt_number or ref.transaction_id} would be "
                f"returned {after} times but {ref.original_quantity} were sold"
            )
        conn.execute(_UPSERT_RETURNED, (*key, str(after)))


class SqlSalesLedger:
    """`runtime.ports.SalesLedger`.

    After `finish`, `last_transaction` holds the transaction as stored, with its receipt
    number: the same as `replace(tx, receipt_number=receipt.receipt_number)`.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        *,
        sign: bool = True,
        key_dir: Path | None = None,
    ) -> None:
        self._db = db
        self._clock = clock or SystemClock()
        self._new_id: Callable[[], str] = ids.new_id if ids else lambda: uuid.uuid4().hex
        self.last_transaction: Transaction | None = None
        self._counters_ready: set[str] = set()  # registers whose counter rows exist
        self._last_entry: dict[str, tuple[int, str]] = {}  # register -> (entry_no, entry_hash)
        self._signers: dict[str, JournalSigner] = {}
        self._sign = sign
        self._key_dir = key_dir

    def signer_loaded(self, register_id: str) -> bool | None:
        """None when this ledger does not sign; else whether the register's key is loaded."""
        return None if not self._sign else register_id in self._signers

    def signer(self, register_id: str) -> JournalSigner | None:
        """The register's journal signer, loaded (or created) on first use, outside any write."""
        if not self._sign:
            return None
        signer = self._signers.get(register_id)
        if signer is None:
            signer = JournalSigner.for_register(self._db, register_id, self._key_dir)
            self._signers[register_id] = signer
        return signer

    def _previous_hash(self, conn: sqlite3.Connection, reg: str, entry_no: int) -> str:
        """The chain hash before `entry_no`: remembered from our last commit, else read."""
        if entry_no <= 1:
            return GENESIS_HASH
        known = self._last_entry.get(reg)
        if known is not None and known[0] == entry_no - 1:
            return known[1]
        prev = conn.execute(_PREV_HASH, (reg, entry_no - 1)).fetchall()
        return str(prev[0][0]) if prev else GENESIS_HASH

    def _bump(self, conn: sqlite3.Connection, reg: str, receipt: bool) -> dict[str, int]:
        """Next receipt (if asked), device and journal numbers in one statement."""
        if reg not in self._counters_ready:
            conn.execute(
                _ENSURE_COUNTERS,
                (reg, RECEIPT_COUNTER, reg, DEVICE_SEQ_COUNTER, reg, JOURNAL_COUNTER),
            )
        if receipt:
            rows = conn.execute(
                _BUMP_SALE, (reg, RECEIPT_COUNTER, DEVICE_SEQ_COUNTER, JOURNAL_COUNTER)
            ).fetchall()
        else:
            rows = conn.execute(_BUMP_VOID, (reg, DEVICE_SEQ_COUNTER, JOURNAL_COUNTER)).fetchall()
        return {name: int(value) for name, value in rows}

    def write_entry(
        self,
        conn: sqlite3.Connection,
        reg: str,
        entry_no: int,
        kind: str,
        subject_id: str | None,
        digest: str,
        now: str,
        *,
        outbox: tuple[int, str, str] | None,
    ) -> str:
        """Append journal entry `entry_no` (and its outbox row: device_seq, mutation id,
        payload) inside the open write transaction; returns the entry's hash.

        The remembered chain head is updated now; if the caller's transaction rolls back the
        next write re-reads it (the entry numbers no longer line up)."""
        prev_hash = self._previous_hash(conn, reg, entry_no)
        entry_hash = chain_hash(prev_hash, digest)
        signer = self._signers.get(reg)
        if signer is None and self._sign:
            signer = JournalSigner.for_register(self._db, reg, self._key_dir, conn)
            self._signers[reg] = signer
        conn.execute(
            _INSERT_JOURNAL,
            (
                reg,
                entry_no,
                kind,
                subject_id,
                digest,
                prev_hash,
                entry_hash,
                now,
                signer.sign(entry_hash) if signer else None,
                outbox[0] if outbox else None,
            ),
        )
        if outbox is not None:
            device_seq, mutation_id, payload = outbox
            conn.execute(
                _INSERT_OUTBOX,
                (reg, device_seq, mutation_id, kind, subject_id, payload, digest, now),
            )
        self._last_entry[reg] = (entry_no, entry_hash)
        return entry_hash

    def finish(
        self, transaction: Transaction, receipt_number_for: Callable[[int], str] | None
    ) -> LedgerReceipt:
        tx = transaction
        if tx.state is TransactionState.CONCLUDED:
            kind = "sale"
        elif tx.state is TransactionState.VOIDED:
            kind = "void"
        else:
            raise ValueError(f"only concluded or voided transactions are finished, not {tx.state}")
        reg, tid = tx.register_id, tx.transaction_id
        header = header_to_dict(tx)
        texts = self._db.line_payloads
        work = [texts.work(reg, line) for line in tx.lines]  # mostly cached by the cart
        line_texts = [w.text for w in work]
        tenders = _tender_rows(tx)
        totals = tx.totals
        now = format_utc(self._clock.now())
        mutation_id = self._new_id()
        number_for = receipt_number_for if kind == "sale" else None
        self.signer(reg)
        with self._db.write("record the sale") as conn:
            numbers = self._bump(conn, reg, receipt=number_for is not None)
            receipt_seq = numbers.get(RECEIPT_COUNTER)
            number = tx.receipt_number
            if number_for is not None and receipt_seq is not None:
                number = number_for(receipt_seq)
                header["receipt_number"] = number
            payload = transaction_payload(header, line_texts)
            digest = sha256_hex(payload.encode())
            device_seq = numbers[DEVICE_SEQ_COUNTER]
            entry_no = numbers[JOURNAL_COUNTER]
            sale_no = conn.execute(
                _INSERT_TX,
                (
                    tid,
                    tx.store_id,
                    reg,
                    tx.operator_id,
                    tx.state.value,
                    number,
                    receipt_seq,
                    format_utc(tx.started_at),
                    None if tx.ended_at is None else format_utc(tx.ended_at),
                    tx.tax_exempt,
                    tx.tax_exempt_reason,
                    tx.void_reason,
                    str(totals.subtotal),
                    str(totals.discount_total),
                    str(totals.tax_total),
                    str(totals.total),
                    str(totals.cash_rounding),
                    str(totals.paid),
                    len(tx.lines),
                    device_seq,
                    entry_no,
                    now,
                    tx.shift_id,
                ),
            ).lastrowid
            conn.executemany(_INSERT_LINE, [(sale_no, i, *w.row) for i, w in enumerate(work)])
            taxes = [(sale_no, i, *t) for i, w in enumerate(work) for t in w.taxes]
            if taxes:
                conn.executemany(_INSERT_TAX, taxes)
            if tenders:
                conn.executemany(_INSERT_TENDER, [(sale_no, *row) for row in tenders])
            self.write_entry(
                conn,
                reg,
                entry_no,
                kind,
                tid,
                digest,
                now,
                outbox=(device_seq, mutation_id, payload),
            )
            if kind == "sale":
                _record_returned_quantities(conn, tx)
                if tx.coupons:  # imported here: most sales have none, and it loads the engine
                    from local_db.pricing_store import record_coupon_usage

                    record_coupon_usage(conn, tx)
            delete_cart(conn, reg, lines=False)
        texts.forget(reg)
        self._counters_ready.add(reg)
        self.last_transaction = (
            tx if number == tx.receipt_number else replace(tx, receipt_number=number)
        )
        return LedgerReceipt(receipt_number=number, device_seq=device_seq)
