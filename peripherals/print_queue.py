"""The reprint queue: receipts that did not print wait here, and the sale never waits for paper.

`ReceiptPrinting.print_or_queue(printer, document, job_id)` starts the print and returns at once
with a Future that never fails: it resolves to a `PrintOutcome` saying whether the receipt
printed or was queued (with the printer's reason). The queue lives behind `PrintQueueStore`
(add / list / remove; durable in the register's database through local_db, in memory here and in
tests). `reprint_pending(printer)` prints the queue oldest first and stops at the first failure.

A receipt whose job failed is in the queue, so a printer left in ERROR by it is cleared before
the next print: the reprint queue, not `Device.retry()`, is how receipts are printed again (a
retry on top would print the receipt twice).

For a SQL store, `runtime.receipt_codec` turns a document into JSON-able data and back
(re-exported here as `document_to_dict` / `document_from_dict`).
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Protocol

from peripherals.device import Device
from peripherals.events import DeviceState
from runtime.receipt import ReceiptDocument
from runtime.receipt_codec import document_from_dict, document_to_dict

__all__ = [
    "MemoryPrintQueue",
    "PrintOutcome",
    "PrintQueueStore",
    "QueuedReceipt",
    "ReceiptPrinting",
    "document_from_dict",
    "document_to_dict",
]

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class QueuedReceipt:
    """A receipt waiting to be printed again; `job_id` is its key in the queue."""

    job_id: str
    document: ReceiptDocument
    reason: str
    queued_at: dt.datetime
    attempts: int = 1
    printer_id: str = ""


class PrintQueueStore(Protocol):
    """Where queued receipts are kept. Implementations must be safe to call from device worker
    threads (print results arrive there)."""

    def add(self, entry: QueuedReceipt) -> None:
        """Store `entry`, replacing the entry with the same job id."""

    def list(self) -> builtins.list[QueuedReceipt]:
        """Every entry, oldest `queued_at` first."""
        ...

    def remove(self, job_id: str) -> None:
        """Forget the entry; nothing happens when there is none."""


class MemoryPrintQueue:
    """The in-memory store (tests, and a register without a database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, QueuedReceipt] = {}

    def add(self, entry: QueuedReceipt) -> None:
        with self._lock:
            self._entries[entry.job_id] = entry

    def list(self) -> builtins.list[QueuedReceipt]:
        with self._lock:
            return sorted(self._entries.values(), key=lambda e: e.queued_at)

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._entries.pop(job_id, None)


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """printed: the printer took the whole job; otherwise `reason` says why and `queued` whether
    the receipt is in the reprint queue."""

    job_id: str
    printed: bool
    reason: str = ""
    queued: bool = False


class ReceiptPrinting:
    """Prints receipts without ever blocking or failing the caller; queues what did not print."""

    def __init__(self, store: PrintQueueStore, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.store = store
        self._clock = clock
        self._reprinter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reprint")

    def pending(self) -> list[QueuedReceipt]:
        return self.store.list()

    def discard(self, job_id: str) -> None:
        """The cashier gives up on a queued receipt."""
        self.store.remove(job_id)

    def print_or_queue(
        self, printer: Device | None, document: ReceiptDocument, job_id: str
    ) -> Future[PrintOutcome]:
        """Start printing; the Future resolves when the printer has answered (never raises)."""
        outcome: Future[PrintOutcome] = Future()
        if printer is None:
            outcome.set_result(self._queue(document, job_id, "no receipt printer is set up", ""))
            return outcome
        try:
            if printer.state is DeviceState.ERROR:
                printer.clear_error()  # the failed receipt is queued; try this one
            job: Future[None] = printer.print_document(document, job_id)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - whatever happens, the sale goes on
            outcome.set_result(self._queue(document, job_id, str(exc), printer.device_id))
            return outcome

        def settle(done: Future[None]) -> None:
            try:
                done.result(timeout=0)
                outcome.set_result(self._printed(job_id))
            except CancelledError:
                reason = f"{printer.device_id} was shut down before the receipt printed"
                outcome.set_result(self._queue(document, job_id, reason, printer.device_id))
            except Exception as exc:  # noqa: BLE001
                reason = str(exc) or exc.__class__.__name__
                outcome.set_result(self._queue(document, job_id, reason, printer.device_id))

        job.add_done_callback(settle)
        return outcome

    def reprint_pending(
        self, printer: Device | None, wait_s: float = 60.0
    ) -> Future[list[PrintOutcome]]:
        """Print the queue oldest first; stop at the first receipt that fails (it stays queued,
        with its attempts counted). The Future holds the outcome of each receipt tried."""

        def work() -> list[PrintOutcome]:
            results: list[PrintOutcome] = []
            for entry in self.store.list():
                try:
                    result = self.print_or_queue(printer, entry.document, entry.job_id).result(
                        wait_s
                    )
                except FutureTimeout:
                    result = PrintOutcome(
                        entry.job_id, False, f"no answer within {wait_s:g} s", queued=True
                    )
                results.append(result)
                if not result.printed:
                    break
            return results

        return self._reprinter.submit(work)

    def close(self) -> None:
        self._reprinter.shutdown(wait=True)

    # ------------------------------------------------------------------ queue updates
    def _printed(self, job_id: str) -> PrintOutcome:
        try:
            self.store.remove(job_id)
        except Exception:  # noqa: BLE001 - printed is printed; a stale entry is reprinted later
            log.exception("could not take printed job %s out of the reprint queue", job_id)
        return PrintOutcome(job_id, True)

    def _queue(
        self, document: ReceiptDocument, job_id: str, reason: str, printer_id: str
    ) -> PrintOutcome:
        try:
            known = {e.job_id: e for e in self.store.list()}.get(job_id)
            if known is not None:
                entry = replace(known, reason=reason, attempts=known.attempts + 1)
            else:
                entry = QueuedReceipt(job_id, document, reason, self._clock(), 1, printer_id)
            self.store.add(entry)
        except Exception as exc:  # noqa: BLE001 - the caller must never see an exception
            log.exception("could not queue receipt %s for reprint", job_id)
            return PrintOutcome(job_id, False, f"{reason}; it could not be queued ({exc})")
        return PrintOutcome(job_id, False, reason, queued=True)
