"""The reprint queue: a receipt that did not print is queued with its reason, the caller never
waits or sees an exception, and the queue prints again oldest first."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from peripherals.device import DeviceUnavailable
from peripherals.events import DeviceState, EventRecorder
from peripherals.null_device import NullDevice
from peripherals.print_queue import (
    MemoryPrintQueue,
    PrintOutcome,
    QueuedReceipt,
    ReceiptPrinting,
    document_from_dict,
    document_to_dict,
)
from peripherals.printer import EscposPrinter
from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import PAPER_80MM
from peripherals.registry import open_device
from peripherals.virtual_printer import VirtualPrinter
from runtime.receipt import ReceiptDocument
from tests.peripherals.printer_support import (
    expected_lines,
    printed,
    printer_config,
    report_documents,
    running,
    sale_receipt,
)

T0 = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@pytest.fixture(scope="module")
def sale() -> ReceiptDocument:
    return sale_receipt()


@pytest.fixture
def vp() -> Iterator[VirtualPrinter]:
    with VirtualPrinter().start() as printer:
        yield printer


@pytest.fixture
def printing() -> Iterator[ReceiptPrinting]:
    service = ReceiptPrinting(MemoryPrintQueue(), clock=Clock())
    yield service
    service.close()


@pytest.fixture
def printer(vp: VirtualPrinter) -> Iterator[EscposPrinter]:
    device = EscposPrinter(printer_config(vp.port, timeout_s=0.5), EventRecorder())
    with running(device):
        yield device


def test_a_printed_receipt_is_not_queued(
    vp: VirtualPrinter, printer: EscposPrinter, printing: ReceiptPrinting, sale: ReceiptDocument
) -> None:
    outcome = printing.print_or_queue(printer, sale, "receipt:tx-1").result(timeout=5)
    assert outcome == PrintOutcome("receipt:tx-1", True)
    assert printing.pending() == []
    assert printed(vp.wait_for_jobs(1, timeout=5)[0].lines) == expected_lines(sale, PAPER_80MM)


def test_paper_out_queues_the_receipt_and_reprint_prints_it(
    vp: VirtualPrinter, printer: EscposPrinter, printing: ReceiptPrinting, sale: ReceiptDocument
) -> None:
    vp.set_panel(paper_out=True)
    outcome = printing.print_or_queue(printer, sale, "receipt:tx-1").result(timeout=5)
    assert not outcome.printed and outcome.queued and "the paper is out" in outcome.reason
    (entry,) = printing.pending()
    assert (entry.job_id, entry.document, entry.attempts, entry.printer_id) == (
        "receipt:tx-1",
        sale,
        1,
        "front",
    )
    assert "the paper is out" in entry.reason and entry.queued_at.tzinfo is dt.UTC
    assert printer.state is DeviceState.ERROR
    # still out: the reprint fails, the entry stays with one more attempt
    (again,) = printing.reprint_pending(printer).result(timeout=10)
    assert not again.printed and printing.pending()[0].attempts == 2
    vp.set_panel(paper_out=False)
    (done,) = printing.reprint_pending(printer).result(timeout=10)
    assert done == PrintOutcome("receipt:tx-1", True)
    assert printing.pending() == [] and printer.state is DeviceState.ENABLED
    (job,) = vp.wait_for_jobs(1, timeout=5)
    assert printed(job.lines) == expected_lines(sale, PAPER_80MM)


def test_a_failure_mid_job_queues_and_the_next_sale_still_prints(
    vp: VirtualPrinter, printer: EscposPrinter, printing: ReceiptPrinting, sale: ReceiptDocument
) -> None:
    vp.reset_after(400)
    first = printing.print_or_queue(printer, sale, "receipt:tx-1").result(timeout=5)
    assert first.queued and "127.0.0.1" in first.reason
    second = printing.print_or_queue(printer, sale, "receipt:tx-2").result(timeout=5)
    assert second.printed  # the failed one waits in the queue; the register goes on
    assert [e.job_id for e in printing.pending()] == ["receipt:tx-1"]


def test_reprint_goes_oldest_first_and_stops_at_the_first_failure(
    vp: VirtualPrinter, printer: EscposPrinter, printing: ReceiptPrinting, sale: ReceiptDocument
) -> None:
    x, z = report_documents()
    vp.set_panel(cover_open=True)
    for job_id, document in (("r1", sale), ("x1", x), ("z1", z)):
        assert printing.print_or_queue(printer, document, job_id).result(timeout=5).queued
    vp.set_panel(cover_open=False)
    # enough print data for the receipt (its whole job is more than its text), not for the
    # X report after it
    vp.paper_out_after(len(render_escpos(sale, PAPER_80MM)))
    outcomes = printing.reprint_pending(printer).result(timeout=10)
    assert [(o.job_id, o.printed) for o in outcomes] == [("r1", True), ("x1", False)]
    assert [e.job_id for e in printing.pending()] == ["x1", "z1"]
    vp.set_panel(paper_out=False)
    outcomes = printing.reprint_pending(printer).result(timeout=10)
    assert [(o.job_id, o.printed) for o in outcomes] == [("x1", True), ("z1", True)]
    jobs = [j for j in vp.jobs if j.cut]
    assert [printed(j.lines) for j in jobs] == [expected_lines(d, PAPER_80MM) for d in (sale, x, z)]


def test_an_unreachable_printer_is_a_null_device_and_receipts_queue(
    printing: ReceiptPrinting, sale: ReceiptDocument
) -> None:
    device = open_device(printer_config(9, timeout_s=0.5), EventRecorder())
    try:
        assert isinstance(device, NullDevice)
        outcome = printing.print_or_queue(device, sale, "receipt:tx-1").result(timeout=5)
        assert outcome.queued and "front is not available: " in outcome.reason
        assert printing.pending()[0].reason == outcome.reason
    finally:
        device.shutdown()


def test_no_printer_at_all_queues(printing: ReceiptPrinting, sale: ReceiptDocument) -> None:
    outcome = printing.print_or_queue(None, sale, "receipt:tx-1").result(timeout=5)
    assert outcome == PrintOutcome(
        "receipt:tx-1", False, "no receipt printer is set up", queued=True
    )


def test_a_store_that_fails_never_reaches_the_caller(sale: ReceiptDocument) -> None:
    class BrokenStore(MemoryPrintQueue):
        def add(self, entry: QueuedReceipt) -> None:
            raise OSError("disk full")

    service = ReceiptPrinting(BrokenStore())
    try:
        outcome = service.print_or_queue(None, sale, "r").result(timeout=5)
    finally:
        service.close()
    assert (
        not outcome.printed
        and not outcome.queued
        and "could not be queued (disk full)" in (outcome.reason)
    )


def test_a_printer_shut_down_mid_queue_is_reported(
    printing: ReceiptPrinting, sale: ReceiptDocument
) -> None:
    class Unavailable:
        device_id = "front"
        state = DeviceState.ENABLED

        def print_document(self, *_args: object) -> object:
            raise DeviceUnavailable("front is not available: unplugged")

    outcome = printing.print_or_queue(Unavailable(), sale, "r").result(timeout=5)  # type: ignore[arg-type]
    assert outcome.queued and outcome.reason == "front is not available: unplugged"


def test_memory_queue_replaces_by_job_id_and_lists_oldest_first(sale: ReceiptDocument) -> None:
    queue = MemoryPrintQueue()
    later = QueuedReceipt("b", sale, "cover open", T0 + dt.timedelta(minutes=1))
    queue.add(later)
    queue.add(QueuedReceipt("a", sale, "paper out", T0))
    queue.add(QueuedReceipt("a", sale, "paper out again", T0, attempts=2))
    assert [(e.job_id, e.attempts) for e in queue.list()] == [("a", 2), ("b", 1)]
    queue.remove("a")
    queue.remove("missing")
    assert queue.list() == [later]


def test_documents_round_trip_through_json(sale: ReceiptDocument) -> None:
    x, z = report_documents()
    for document in (sale, x, z):
        data = json.loads(json.dumps(document_to_dict(document)))
        assert document_from_dict(data) == document
    with pytest.raises(ValueError, match="unknown receipt element type 'logo'"):
        document_from_dict({"kind": "sale", "header": [{"t": "logo"}]})
