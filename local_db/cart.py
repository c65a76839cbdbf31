"""The persisted in-progress cart and suspended transactions.

The cart is saved on every change: the header (everything but the lines) is rewritten, and
only the lines that changed are written, so a scan into a 100-line basket writes two rows and
one fsync'd commit, not a hundred. After a crash `load` rebuilds the transaction as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from local_db.database import Database
from local_db.timefmt import format_utc
from runtime.codec import (
    canonical_json,
    header_to_dict,
    line_from_dict,
    transaction_from_dict,
    transaction_from_parts,
    transaction_to_dict,
)
from runtime.ports import Clock, StorageError
from runtime.system import SystemClock
from runtime.transaction import Transaction, TransactionState

_UPSERT_HEADER = (
    "INSERT INTO cart_header (register_id, transaction_id, payload, updated_at)"
    " VALUES (?, ?, ?, ?) ON CONFLICT (register_id) DO UPDATE SET"
    " transaction_id = excluded.transaction_id, payload = excluded.payload,"
    " updated_at = excluded.updated_at"
)
_UPSERT_LINE = (
    "INSERT INTO cart_lines (register_id, line_id, position, payload) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (register_id, line_id) DO UPDATE SET"
    " position = excluded.position, payload = excluded.payload"
)
_DELETE_LINE = "DELETE FROM cart_lines WHERE register_id = ? AND line_id = ?"
_SET_POSITION = "UPDATE cart_lines SET position = ? WHERE register_id = ? AND line_id = ?"


def _dumps(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def delete_cart(conn: sqlite3.Connection, register_id: str, *, lines: bool = True) -> None:
    """Remove a register's cart inside the caller's write transaction.

    Without the header the cart is gone (`load` returns None). `lines=False` leaves the line
    rows for the next `save` of a new transaction to delete: the ledger uses it so that
    finishing a sale does not rewrite every page the cart lines sat on.
    """
    if lines:
        conn.execute("DELETE FROM cart_lines WHERE register_id = ?", (register_id,))
    conn.execute("DELETE FROM cart_header WHERE register_id = ?", (register_id,))


def write_cart(
    db: Database,
    conn: sqlite3.Connection,
    transaction: Transaction,
    changed_lines: frozenset[str],
    removed_lines: frozenset[str],
    clock: Clock,
) -> None:
    """Write the register's cart inside the caller's write transaction (see SqlCartStore)."""
    tx = transaction
    reg = tx.register_id
    header = _dumps(header_to_dict(tx))
    positions = {line.line_id: i for i, line in enumerate(tx.lines)}
    now = format_utc(clock.now())
    finished = conn.execute(
        "SELECT 1 FROM transactions WHERE transaction_id = ?", (tx.transaction_id,)
    ).fetchall()
    if finished:  # e.g. another process concluded it: never bring a finished sale back
        raise StorageError(
            f"transaction {tx.transaction_id} was already finished on this register; "
            "it cannot be changed (was the register open twice?)"
        )
    stored_tx = conn.execute(
        "SELECT transaction_id FROM cart_header WHERE register_id = ?", (reg,)
    ).fetchall()
    conn.execute(_UPSERT_HEADER, (reg, tx.transaction_id, header, now))
    if not stored_tx or stored_tx[0][0] != tx.transaction_id:
        conn.execute("DELETE FROM cart_lines WHERE register_id = ?", (reg,))
        stored: set[str] = set()
    else:
        stored = {
            r[0]
            for r in conn.execute("SELECT line_id FROM cart_lines WHERE register_id = ?", (reg,))
        }
    gone = (stored - positions.keys()) | (removed_lines & stored)
    write = (changed_lines & positions.keys()) | (positions.keys() - stored)
    if gone:
        conn.executemany(_DELETE_LINE, [(reg, line_id) for line_id in gone])
    if write:
        texts = db.line_payloads
        conn.executemany(
            _UPSERT_LINE,
            [
                (reg, line.line_id, positions[line.line_id], texts.work(reg, line).text)
                for line in tx.lines
                if line.line_id in write
            ],
        )
    if gone and stored:  # keep stored positions dense and in transaction order
        conn.executemany(
            _SET_POSITION,
            [(i, reg, line_id) for line_id, i in positions.items() if line_id not in write],
        )


class SqlCartStore:
    """`runtime.ports.CartStore`: one durable commit per change, writing only changed lines.

    The stored line ids are compared with the transaction's on every save, so a line the
    caller forgot to report as added or removed is still written or deleted.
    """

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def save(
        self, transaction: Transaction, changed_lines: frozenset[str], removed_lines: frozenset[str]
    ) -> None:
        with self._db.write("save the cart") as conn:
            write_cart(self._db, conn, transaction, changed_lines, removed_lines, self._clock)

    def load(self, register_id: str) -> Transaction | None:
        with self._db.read("load the cart") as conn:
            header = conn.execute(
                "SELECT payload FROM cart_header WHERE register_id = ?", (register_id,)
            ).fetchall()
            if not header:
                return None
            lines = conn.execute(
                "SELECT payload FROM cart_lines WHERE register_id = ? ORDER BY position, rowid",
                (register_id,),
            ).fetchall()
        try:
            return transaction_from_parts(
                json.loads(header[0][0]), [line_from_dict(json.loads(r[0])) for r in lines]
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise StorageError(
                f"the saved cart of register {register_id} cannot be read back ({exc})"
            ) from exc

    def clear(self, register_id: str) -> None:
        with self._db.write("clear the cart") as conn:
            delete_cart(conn, register_id)
        self._db.line_payloads.forget(register_id)


class SqlSuspendedStore:
    """`runtime.ports.SuspendedStore`: suspended transactions outlive restarts; suspending
    clears the register's cart in the same commit, recalling removes the row in the same
    commit that reads it (so a transaction cannot be recalled twice)."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SystemClock()

    def suspend(self, transaction: Transaction) -> None:
        payload = canonical_json(transaction_to_dict(transaction)).decode()
        now = format_utc(self._clock.now())
        with self._db.write("suspend the transaction") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO suspended_transactions"
                " (transaction_id, register_id, payload, suspended_at) VALUES (?, ?, ?, ?)",
                (transaction.transaction_id, transaction.register_id, payload, now),
            )
            delete_cart(conn, transaction.register_id)
        self._db.line_payloads.forget(transaction.register_id)

    def recall(self, register_id: str, transaction_id: str) -> Transaction | None:
        """Move a suspended transaction into the register's cart, open, in one commit."""
        with self._db.write("recall the transaction") as conn:
            rows = conn.execute(
                "SELECT payload FROM suspended_transactions"
                " WHERE transaction_id = ? AND register_id = ?",
                (transaction_id, register_id),
            ).fetchall()
            if not rows:
                return None
            try:
                found = transaction_from_dict(json.loads(rows[0][0]))
            except (ValueError, KeyError, TypeError) as exc:
                raise StorageError(
                    f"suspended transaction {transaction_id} cannot be read back ({exc})"
                ) from exc
            recalled = replace(found, state=TransactionState.OPEN)
            conn.execute(
                "DELETE FROM suspended_transactions WHERE transaction_id = ?", (transaction_id,)
            )
            write_cart(self._db, conn, recalled, frozenset(), frozenset(), self._clock)
        return recalled

    def list_suspended(self, register_id: str) -> Sequence[Transaction]:
        with self._db.read("list suspended transactions") as conn:
            rows = conn.execute(
                "SELECT payload FROM suspended_transactions WHERE register_id = ?"
                " ORDER BY suspended_at, transaction_id",
                (register_id,),
            ).fetchall()
        return [transaction_from_dict(json.loads(r[0])) for r in rows]
