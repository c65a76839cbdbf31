"""Up: the outbox to `POST /v1/push`, in device_seq order, in batches of up to 500.

Rows are marked acknowledged only from the server's answer
(`PushResponse.acknowledged_through()`, never beyond what this batch sent) and never deleted.
A 409 `seq_gap` means the server expects an earlier seq (it was restored from a backup): the
next batch starts there, reading rows already acknowledged locally (they are kept). A 409
`payload_conflict` needs a person: uploading stops with an alert and the rows stay.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from local_db.database import Database
from local_db.outbox import acked_through, acknowledge, pending_summary
from local_db.timefmt import parse_utc
from sync.client import ChannelClient
from sync.protocol import MAX_PUSH_ITEMS, PROTOCOL_VERSION, ErrorCode, PushResponse
from sync.transport import ServerRefused

log = logging.getLogger("tillpoint.sync")
Progress = Callable[[str, int, int], None]

_ROWS = (
    "SELECT device_seq, mutation_id, kind, transaction_id, payload, payload_sha256, created_at"
    " FROM outbox WHERE register_id = ? AND device_seq >= ? ORDER BY device_seq LIMIT ?"
)
_KEYS = "SELECT key_no, public_key FROM register_keys WHERE register_id = ? ORDER BY key_no"
_ENTRY_SEQ = (
    "SELECT entry_no, device_seq FROM journal_entries WHERE register_id = ? AND entry_no >= ?"
    " AND device_seq IS NOT NULL ORDER BY entry_no LIMIT 1"
)
_LAST_ENTRY = "SELECT coalesce(max(entry_no), 0) FROM journal_entries WHERE register_id = ?"
_ENTRIES = (
    "SELECT device_seq, entry_no, prev_hash, entry_hash, signature FROM journal_entries"
    " WHERE register_id = ? AND entry_no >= ? ORDER BY entry_no LIMIT ?"
)


class UploadStopped(Exception):
    """Uploading cannot go on without a person (a payload conflict, a missing row)."""


@dataclass(frozen=True, slots=True)
class UploadResult:
    sent: int  # items sent (resends included)
    acknowledged_through: int  # the register's acked cursor afterwards
    pending: int  # unacknowledged items left
    batches: int


def read_batch(db: Database, register_id: str, from_seq: int, limit: int) -> list[dict[str, Any]]:
    """Push items for rows `from_seq`.. (at most `limit`), each with the journal entry written
    with it. journal_entries has no index on device_seq, but entry numbers and device seqs
    grow together, so the first entry is found by a binary search on the primary key and the
    rest are one range read."""
    with db.read("read the outbox for upload") as conn:
        rows = conn.execute(_ROWS, (register_id, from_seq, limit)).fetchall()
        if not rows:
            return []
        first, last = rows[0][0], rows[-1][0]
        links: dict[int, dict[str, Any]] = {}
        start = _first_entry_at_or_after(conn, register_id, first)
        if start is not None:
            for seq, entry_no, prev, entry_hash, sig in conn.execute(
                _ENTRIES, (register_id, start, len(rows) + 64)
            ):
                if seq is None:
                    continue
                if seq > last:
                    break
                link: dict[str, Any] = {
                    "entry_no": entry_no, "prev_hash": prev, "entry_hash": entry_hash,
                }  # fmt: skip
                if sig:
                    link["signature"] = sig
                links[int(seq)] = link
    items: list[dict[str, Any]] = []
    for seq, mutation_id, kind, tid, payload, digest, created in rows:
        item: dict[str, Any] = {
            "device_seq": seq,
            "mutation_id": mutation_id,
            "kind": kind,
            "payload": payload,
            "payload_sha256": digest,
            "created_at": created,  # stored as ISO 8601 UTC text ending in Z
        }
        if tid is not None:
            item["subject_id"] = tid
        found = links.get(int(seq))
        if found is not None:
            item["journal"] = found
        items.append(item)
    # a batch is consecutive device_seq values; stop at a hole (never expected: seqs are
    # gap-free) so the server is asked for exactly what exists
    for index, item in enumerate(items):
        if item["device_seq"] != first + index:
            return items[:index]
    return items


def _first_entry_at_or_after(conn: sqlite3.Connection, register_id: str, seq: int) -> int | None:
    """The smallest entry_no whose device_seq >= seq (entries without one are skipped)."""
    execute = conn.execute
    hi = int(execute(_LAST_ENTRY, (register_id,)).fetchone()[0])
    lo, found = 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        row = execute(_ENTRY_SEQ, (register_id, mid)).fetchone()
        if row is None:  # nothing with a device_seq from mid on
            hi = mid - 1
            continue
        entry_no, entry_seq = int(row[0]), int(row[1])
        if entry_seq >= seq:
            found, hi = entry_no, mid - 1
        else:
            lo = entry_no + 1
    return found


def journal_keys(db: Database, register_id: str) -> list[dict[str, Any]]:
    with db.read("read the register's journal keys") as conn:
        return [{"key_no": k, "public_key": pk} for k, pk in conn.execute(_KEYS, (register_id,))]


def encode_batch(
    device_id: str, items: Sequence[dict[str, Any]], keys: list[dict[str, Any]]
) -> bytes:
    """The PushBatch body. The rows are the register's own, written by local_db; the server
    validates them strictly, so building pydantic models here would only double the work."""
    body = {
        "protocol_version": PROTOCOL_VERSION,
        "device_id": device_id,
        "journal_keys": keys,
        "items": items,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class Uploader:
    """Pushes one register's outbox. Not re-entrant: the scheduler runs one at a time."""

    def __init__(
        self,
        db: Database,
        client: ChannelClient,
        device_id: str,
        register_id: str,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        batch_size: int = MAX_PUSH_ITEMS,
    ) -> None:
        self.db, self.client = db, client
        self.device_id, self.register_id = device_id, register_id
        self._clock = clock
        self.batch_size = max(1, min(batch_size, MAX_PUSH_ITEMS))
        self._resend_from: int | None = None  # after a seq_gap below our acked cursor

    def pending(self) -> tuple[int, dt.datetime | None]:
        count, oldest = pending_summary(self.db, self.register_id)
        return count, None if oldest is None else parse_utc(oldest)

    def upload(self, progress: Progress | None = None) -> UploadResult:
        """Push until nothing is pending. Raises ServerUnavailable (offline: try later),
        ServerRefused (401, 403, protocol...) and UploadStopped (a person must look)."""
        sent = batches = 0
        total, _ = self.pending()
        size = self.batch_size
        keys = journal_keys(self.db, self.register_id)
        while True:
            acked = acked_through(self.db, self.register_id)
            start = self._resend_from if self._resend_from is not None else acked + 1
            items = read_batch(self.db, self.register_id, start, size)
            if not items:
                if self._resend_from is not None and self._resend_from <= acked:
                    raise UploadStopped(
                        f"the server expects device_seq {self._resend_from}, which this "
                        "register no longer holds; restore the register or the server"
                    )
                break
            first, last = int(items[0]["device_seq"]), int(items[-1]["device_seq"])
            try:
                answer = self.client.push(encode_batch(self.device_id, items, keys))
            except ServerRefused as exc:
                if exc.code is ErrorCode.BODY_TOO_LARGE and size > 1:
                    size = max(1, size // 2)  # send fewer items per batch
                    continue
                raise
            sent += len(items)
            batches += 1
            through = self._acknowledge(answer, first, last)
            if answer.error is not None:
                if answer.error.code is ErrorCode.SEQ_GAP and answer.error.expected_seq:
                    expected = int(answer.error.expected_seq)
                    if expected == first:  # the server asks for what we just sent
                        raise UploadStopped(
                            f"the server refused seq {first}: {answer.error.message}"
                        )
                    log.warning("push: server expects seq %s (we sent %s)", expected, first)
                    self._resend_from = expected
                    continue
                raise UploadStopped(
                    f"upload stopped at device_seq {through + 1}: {answer.error.message} "
                    f"({answer.error.code.value}); the rows are kept, a person must look"
                )
            self._resend_from = None if through >= acked else through + 1
            if through < last:  # a 200 that does not cover the batch: not our protocol
                raise UploadStopped(f"the server acknowledged only up to {through} of {last}")
            if progress is not None:
                done = min(sent, total) if total else sent
                progress("upload", done, max(total, done))
        count, _ = self.pending()
        return UploadResult(sent, acked_through(self.db, self.register_id), count, batches)

    def _acknowledge(self, answer: PushResponse, first: int, last: int) -> int:
        """Acknowledge what the server says it has of this batch; returns that seq (or
        first - 1 when nothing)."""
        if answer.device_id != self.device_id:
            raise UploadStopped(f"the server answered for another device ({answer.device_id})")
        through = min(answer.acknowledged_through(), last)
        if through >= first:
            acknowledge(self.db, self.register_id, through, self._clock())
            return through
        return first - 1
