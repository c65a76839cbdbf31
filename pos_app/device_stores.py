"""Durable stores the device layer needs, over the register's SQLite database: the payment
terminal's request log and the reprint queue.

They live in the composition root because they join two packages that may not import each
other: local_db (the database) and peripherals (the device types). Each write is its own
`BEGIN IMMEDIATE … COMMIT` with `synchronous=FULL`, so a request id is on disk before the
terminal sees it and a failed receipt survives a power cut.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from local_db import Database
from local_db.timefmt import format_utc, parse_utc
from peripherals.payment_log import LoggedRequest, RequestKind
from peripherals.print_queue import QueuedReceipt
from runtime.ports import PaymentOutcome, PaymentStatus
from runtime.receipt import ReceiptDocument, TextRow
from runtime.receipt_codec import document_from_dict, document_to_dict

_COLUMNS = (
    "request_id, kind, service_id, sent_at, amount, currency, status, approved_amount,"
    " reference, card_brand, message, resolved_at"
)


def _dec(text: object) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _entry(row: tuple[Any, ...]) -> LoggedRequest:
    (request_id, kind, service_id, sent_at, amount, currency, status, approved, reference,
     brand, message, resolved_at) = row  # fmt: skip
    return LoggedRequest(
        request_id=str(request_id),
        kind=RequestKind(kind),
        service_id=str(service_id),
        sent_at=parse_utc(str(sent_at)),
        amount=_dec(amount),
        currency=None if currency is None else str(currency),
        status=None if status is None else PaymentStatus(status),
        approved_amount=_dec(approved),
        reference=None if reference is None else str(reference),
        card_brand=None if brand is None else str(brand),
        message=str(message or ""),
        resolved_at=None if resolved_at is None else parse_utc(str(resolved_at)),
    )


class SqlPaymentRequestLog:
    """`peripherals.payment_log.PaymentRequestLog` over the `payment_requests` table."""

    def __init__(self, db: Database, register_id: str) -> None:
        self._db = db
        self._register_id = register_id

    def record_sent(self, entry: LoggedRequest) -> None:
        with self._db.write("log a payment request before sending it") as conn:
            seen = conn.execute(
                "SELECT 1 FROM payment_requests WHERE request_id = ? AND kind = ?",
                (entry.request_id, entry.kind.value),
            ).fetchone()
            if seen is not None:
                raise ValueError(
                    f"{entry.kind.value} {entry.request_id} was already sent; "
                    "ask the terminal for its status instead of sending it again"
                )
            conn.execute(
                f"INSERT INTO payment_requests ({_COLUMNS}, register_id)"
                " VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, '', NULL, ?)",
                (
                    entry.request_id, entry.kind.value, entry.service_id,
                    format_utc(entry.sent_at),
                    None if entry.amount is None else str(entry.amount),
                    entry.currency, self._register_id,
                ),
            )  # fmt: skip

    def record_outcome(
        self, kind: RequestKind, request_id: str, outcome: PaymentOutcome, at: dt.datetime
    ) -> None:
        with self._db.write("log a payment terminal's answer") as conn:
            conn.execute(
                "UPDATE payment_requests SET status = ?, approved_amount = ?, reference = ?,"
                " card_brand = ?, message = ?, resolved_at = ? WHERE request_id = ? AND kind = ?",
                (
                    outcome.status.value, str(outcome.approved_amount), outcome.reference,
                    outcome.card_brand, outcome.message, format_utc(at), request_id, kind.value,
                ),
            )  # fmt: skip

    def find(self, kind: RequestKind, request_id: str) -> LoggedRequest | None:
        with self._db.read("find a payment request") as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM payment_requests WHERE request_id = ? AND kind = ?",
                (request_id, kind.value),
            ).fetchone()
        return None if row is None else _entry(row)

    def unresolved(self) -> Sequence[LoggedRequest]:
        with self._db.read("list unresolved payment requests") as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM payment_requests WHERE register_id = ?"
                " AND (status IS NULL OR status = 'unknown') ORDER BY sent_at, request_id",
                (self._register_id,),
            ).fetchall()
        return [_entry(row) for row in rows]


class SqlPrintQueue:
    """`peripherals.print_queue.PrintQueueStore` over the `print_queue` table (per register).

    A row whose document cannot be read back (written by a newer version, or damaged) is
    listed with a stand-in document saying so, never dropped: the cashier sees it and decides.
    """

    def __init__(self, db: Database, register_id: str) -> None:
        self._db = db
        self._register_id = register_id

    def add(self, entry: QueuedReceipt) -> None:
        with self._db.write("queue a receipt for reprint") as conn:
            conn.execute(
                "INSERT INTO print_queue (job_id, register_id, queued_at, document, reason,"
                " attempts, printer_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (job_id) DO UPDATE SET document = excluded.document,"
                " reason = excluded.reason, attempts = excluded.attempts,"
                " printer_id = excluded.printer_id",
                (
                    entry.job_id, self._register_id, format_utc(entry.queued_at),
                    json.dumps(document_to_dict(entry.document), ensure_ascii=False),
                    entry.reason, entry.attempts, entry.printer_id,
                ),
            )  # fmt: skip

    def list(self) -> list[QueuedReceipt]:
        with self._db.read("list the reprint queue") as conn:
            rows = conn.execute(
                "SELECT job_id, queued_at, document, reason, attempts, printer_id"
                " FROM print_queue WHERE register_id = ? ORDER BY queued_at, job_id",
                (self._register_id,),
            ).fetchall()
        return [
            QueuedReceipt(
                str(job_id), _document(job_id, document), str(reason), parse_utc(str(at)),
                int(attempts), str(printer_id),
            )
            for job_id, at, document, reason, attempts, printer_id in rows
        ]  # fmt: skip

    def remove(self, job_id: str) -> None:
        with self._db.write("take a receipt off the reprint queue") as conn:
            conn.execute(
                "DELETE FROM print_queue WHERE job_id = ? AND register_id = ?",
                (job_id, self._register_id),
            )


def _document(job_id: object, text: object) -> ReceiptDocument:
    try:
        return document_from_dict(json.loads(str(text)))
    except (ValueError, KeyError, TypeError) as exc:
        return ReceiptDocument(
            "unreadable",
            header=(TextRow(f"Receipt {job_id} could not be read back: {exc}"),),
        )
