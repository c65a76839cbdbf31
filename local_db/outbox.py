"""Reading and acknowledging the outbox, for the sync client.

The server applies items in `device_seq` order, so acknowledgements move a per-register
cursor (the 'acked' counter) forward; the pending items are exactly those after it. Rows are
never deleted here: an unacknowledged row must survive, and pruning acknowledged ones is a
separate, deliberate decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from local_db.database import Database
from local_db.timefmt import format_utc

ACKED_COUNTER = "acked"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    register_id: str
    device_seq: int
    mutation_id: str
    kind: str
    transaction_id: str | None
    payload: str  # canonical JSON
    payload_sha256: str
    created_at: str


def acked_through(db: Database, register_id: str) -> int:
    """The highest device_seq the server has acknowledged for this register (0: none)."""
    with db.read("read the outbox cursor") as conn:
        rows = conn.execute(
            "SELECT value FROM counters WHERE register_id = ? AND name = ?",
            (register_id, ACKED_COUNTER),
        ).fetchall()
    return int(rows[0][0]) if rows else 0


def pending(db: Database, register_id: str, limit: int = 100) -> list[OutboxItem]:
    """The oldest unacknowledged items of a register, in device_seq order."""
    with db.read("read the outbox") as conn:
        rows = conn.execute(
            "SELECT register_id, device_seq, mutation_id, kind, transaction_id, payload,"
            " payload_sha256, created_at FROM outbox WHERE register_id = ? AND device_seq > ("
            " SELECT coalesce(max(value), 0) FROM counters WHERE register_id = ? AND name = ?)"
            " ORDER BY device_seq LIMIT ?",
            (register_id, register_id, ACKED_COUNTER, int(limit)),
        ).fetchall()
    return [OutboxItem(*row) for row in rows]


def pending_summary(db: Database, register_id: str) -> tuple[int, str | None]:
    """How many items wait and when the oldest was written (for the cashier's status line)."""
    with db.read("read the outbox") as conn:
        count, oldest = conn.execute(
            "SELECT count(*), min(created_at) FROM outbox WHERE register_id = ? AND device_seq > ("
            " SELECT coalesce(max(value), 0) FROM counters WHERE register_id = ? AND name = ?)",
            (register_id, register_id, ACKED_COUNTER),
        ).fetchone()
    return int(count), oldest


def acknowledge(db: Database, register_id: str, through_seq: int, at: dt.datetime) -> int:
    """Mark items up to `through_seq` acknowledged (only ever forward); returns the cursor."""
    with db.write("acknowledge outbox items") as conn:
        current = conn.execute(
            "SELECT value FROM counters WHERE register_id = ? AND name = ?",
            (register_id, ACKED_COUNTER),
        ).fetchall()
        start = int(current[0][0]) if current else 0
        last = conn.execute(
            "SELECT coalesce(max(device_seq), 0) FROM outbox WHERE register_id = ?",
            (register_id,),
        ).fetchone()[0]
        target = min(int(through_seq), int(last))
        if target <= start:
            return start
        conn.execute(
            "UPDATE outbox SET acked_at = ? WHERE register_id = ? AND device_seq > ?"
            " AND device_seq <= ?",
            (format_utc(at), register_id, start, target),
        )
        conn.execute(
            "INSERT INTO counters (register_id, name, value) VALUES (?, ?, ?)"
            " ON CONFLICT (register_id, name) DO UPDATE SET value = excluded.value",
            (register_id, ACKED_COUNTER, target),
        )
    return target
