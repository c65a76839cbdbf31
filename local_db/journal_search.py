"""The electronic journal over the register database: `runtime.return_ports.JournalReader`.

A finished transaction is rebuilt whole from its outbox payload (the canonical JSON written in
the same database transaction as the sale, product snapshots included), found through
`transactions` by receipt number (the unique index on (receipt_number, register_id)) or
transaction id, joined on (register_id, device_seq), the outbox's primary key. Searches are
newest first: by `ix_transactions_ended_at`, or, for an item, walking
`ix_transaction_lines_item_id` backwards (its entries end in sale_no, the order sales were
recorded in), so a common item's newest sales come without sorting every sale that had it.
Money is TEXT: amount bounds are compared as REAL in SQL (monotonic, so no row is lost) and
then exactly as Decimal.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from decimal import Decimal

from local_db.database import Database
from local_db.timefmt import format_utc, parse_utc
from runtime.codec import transaction_from_dict
from runtime.ports import StorageError
from runtime.return_ports import (
    JournalQuery,
    JournalRecord,
    JournalSummary,
    LineKey,
    ReturnReason,
)

_RECORD = (
    "SELECT t.transaction_id, o.payload FROM transactions AS t"
    " LEFT JOIN outbox AS o ON o.register_id = t.register_id AND o.device_seq = t.device_seq"
)
_BY_RECEIPT = _RECORD + " WHERE t.receipt_number = ? AND t.store_id = ? ORDER BY t.register_id"
_BY_ID = _RECORD + " WHERE t.transaction_id = ?"
_RETURNED_OF = "SELECT line_id, quantity FROM returned_quantities WHERE transaction_id = ?"
_RETURNED = "SELECT quantity FROM returned_quantities WHERE transaction_id = ? AND line_id = ?"
_SUMMARY = (
    "SELECT t.transaction_id, t.register_id, t.receipt_number, t.ended_at, t.operator_id,"
    " t.total, t.state, t.line_count FROM transactions AS t"
)
_REASON = "SELECT code, kind, name FROM reason_codes WHERE store_id = ? AND code = ?"
_REASONS = "SELECT code, kind, name FROM reason_codes WHERE store_id = ? AND kind = ? ORDER BY code"


class JournalCopyMissing(StorageError):
    """A transaction row whose outbox payload is gone: the journal cannot show it whole."""


class SqlJournalReader:
    """`runtime.return_ports.JournalReader` over one register database (all its registers)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _records(
        self, conn: sqlite3.Connection, rows: list[tuple[str, str | None]]
    ) -> list[JournalRecord]:
        records = []
        for transaction_id, payload in rows:
            if payload is None:
                raise JournalCopyMissing(
                    f"transaction {transaction_id} has no outbox payload to rebuild it from"
                )
            returned = {
                line_id: Decimal(quantity)
                for line_id, quantity in conn.execute(_RETURNED_OF, (transaction_id,))
            }
            tx = transaction_from_dict(json.loads(payload))
            records.append(JournalRecord(tx, returned))
        return records

    def find_receipt(self, store_id: str, receipt_number: str) -> Sequence[JournalRecord]:
        with self._db.read("find a receipt in the journal") as conn:
            rows = conn.execute(_BY_RECEIPT, (receipt_number, store_id)).fetchall()
            return self._records(conn, rows)

    def find_transaction(self, transaction_id: str) -> JournalRecord | None:
        with self._db.read("find a transaction in the journal") as conn:
            rows = conn.execute(_BY_ID, (transaction_id,)).fetchall()
            records = self._records(conn, rows)
        return records[0] if records else None

    def returned_quantities(self, keys: Sequence[LineKey]) -> Mapping[LineKey, Decimal]:
        found: dict[LineKey, Decimal] = {}
        with self._db.read("read returned quantities") as conn:
            for key in keys:
                row = conn.execute(_RETURNED, key).fetchone()
                if row is not None:
                    found[key] = Decimal(row[0])
        return found

    def search(self, query: JournalQuery) -> Sequence[JournalSummary]:
        where = ["t.store_id = ?"]
        params: list[object] = [query.store_id]
        if query.receipt_number is not None:
            where.append("t.receipt_number = ?")
            params.append(query.receipt_number)
        if query.ended_from is not None:
            where.append("t.ended_at >= ?")
            params.append(format_utc(query.ended_from))
        if query.ended_to is not None:
            where.append("t.ended_at < ?")
            params.append(format_utc(query.ended_to))
        if query.operator_id is not None:
            where.append("t.operator_id = ?")
            params.append(query.operator_id)
        if query.min_total is not None:
            where.append("CAST(t.total AS REAL) >= ?")
            params.append(float(query.min_total))
        if query.max_total is not None:
            where.append("CAST(t.total AS REAL) <= ?")
            params.append(float(query.max_total))
        if query.item_id is None:
            sql = (
                f"{_SUMMARY} WHERE {' AND '.join(where)}"
                " ORDER BY t.ended_at DESC, t.sale_no DESC LIMIT ?"
            )
        else:  # driven by the item index, newest (highest sale_no) first: no sort of every hit
            sql = (
                f"{_SUMMARY} JOIN transaction_lines AS l ON l.sale_no = t.sale_no"
                f" WHERE l.item_id = ? AND {' AND '.join(where)}"
                " GROUP BY l.sale_no ORDER BY l.sale_no DESC LIMIT ?"
            )
            params.insert(0, query.item_id)
        params.append(int(query.limit))
        with self._db.read("search the journal") as conn:
            rows = conn.execute(sql, params).fetchall()
        summaries = [
            JournalSummary(
                transaction_id=tid,
                register_id=reg,
                receipt_number=number,
                ended_at=None if ended is None else parse_utc(ended),
                operator_id=operator,
                total=Decimal(total),
                state=state,
                line_count=int(count),
            )
            for tid, reg, number, ended, operator, total, state, count in rows
        ]
        return [s for s in summaries if _within(s.total, query.min_total, query.max_total)]

    def reason(self, store_id: str, code: str) -> ReturnReason | None:
        with self._db.read("read a reason code") as conn:
            row = conn.execute(_REASON, (store_id, code)).fetchone()
        return None if row is None else ReturnReason(*row)

    def reasons(self, store_id: str, kind: str) -> Sequence[ReturnReason]:
        with self._db.read("read reason codes") as conn:
            rows = conn.execute(_REASONS, (store_id, kind)).fetchall()
        return [ReturnReason(*row) for row in rows]


def _within(total: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or total >= low) and (high is None or total <= high)
