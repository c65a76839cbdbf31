"""Shift and drawer events on the register's journal chain and outbox (issue #4).

A shift or drawer event (open, float entry, safe drop, declaration, close, ...) is appended
exactly like a sale: the next gap-free `device_seq` and journal entry number, a journal entry
chained to the previous one, and an outbox row carrying the canonical payload, all inside the
caller's write transaction so the event row and its chain entry commit together.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from local_db.ledger import DEVICE_SEQ_COUNTER, JOURNAL_COUNTER, SqlSalesLedger
from runtime.codec import canonical_json, sha256_hex

_ENSURE = "INSERT OR IGNORE INTO counters (register_id, name, value) VALUES (?, ?, 0), (?, ?, 0)"
_BUMP = (
    "UPDATE counters SET value = value + 1 WHERE register_id = ? AND name IN (?, ?)"
    " RETURNING name, value"
)


def append_event(
    conn: sqlite3.Connection,
    ledger: SqlSalesLedger,
    register_id: str,
    kind: str,
    payload: dict[str, Any],
    *,
    subject_id: str,
    now: str,
    mutation_id: str | None = None,
) -> tuple[int, int]:
    """Append one event inside the caller's open write transaction (`Database.write`).

    `kind` is the outbox/journal kind (e.g. "shift_open", "drawer_safe_drop"); `subject_id`
    goes in the rows' transaction_id column (the shift or drawer operation id); `now` is the
    formatted UTC time (`local_db.timefmt.format_utc`). Returns (device_seq, journal entry_no).
    """
    conn.execute(_ENSURE, (register_id, DEVICE_SEQ_COUNTER, register_id, JOURNAL_COUNTER))
    numbers = {
        name: int(value)
        for name, value in conn.execute(
            _BUMP, (register_id, DEVICE_SEQ_COUNTER, JOURNAL_COUNTER)
        ).fetchall()
    }
    device_seq, entry_no = numbers[DEVICE_SEQ_COUNTER], numbers[JOURNAL_COUNTER]
    text = canonical_json({**payload, "kind": kind, "register_id": register_id}).decode()
    digest = sha256_hex(text.encode())
    ledger.write_entry(
        conn,
        register_id,
        entry_no,
        kind,
        subject_id,
        digest,
        now,
        outbox=(device_seq, mutation_id or uuid.uuid4().hex, text),
    )
    return device_seq, entry_no
