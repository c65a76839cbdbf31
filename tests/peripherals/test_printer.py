"""The ESC/POS printer driver against our virtual printer on TCP: receipts and reports print as
the document says, status is checked before and after every job, failures mid-job leave the
device in ERROR with a clear message and the next job goes through again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from peripherals.device import DeviceError
from peripherals.events import (
    DeviceState,
    DeviceStatus,
    ErrorEvent,
    EventRecorder,
    OutputCompleteEvent,
    StatusEvent,
)
from peripherals.printer import EscposPrinter
from peripherals.printer_status import Paper
from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import DEMO_LOGO, PAPER_80MM
from peripherals.virtual_printer import VirtualPrinter
from runtime.receipt import ReceiptDocument
from tests.peripherals.printer_support import (
    NUMBER,
    escpos_printer,
    expected_lines,
    printed,
    printer_config,
    report_documents,
    sale_receipt,
)


@pytest.fixture(scope="module")
def sale() -> ReceiptDocument:
    return sale_receipt()


@pytest.fixture
def vp() -> Iterator[VirtualPrinter]:
    with VirtualPrinter().start() as printer:
        yield printer


@pytest.fixture
def front(vp: VirtualPrinter) -> Iterator[tuple[EscposPrinter, EventRecorder]]:
    with escpos_printer(printer_config(vp.port, timeout_s=0.5)) as pair:
        yield pair


def statuses(events: EventRecorder) -> list[DeviceStatus]:
    return [e.status for e in events.of_type(StatusEvent)]  # type: ignore[attr-defined]


def errors(events: EventRecorder) -> list[str]:
    return [e.message for e in events.of_type(ErrorEvent)]  # type: ignore[attr-defined]


def test_a_receipt_prints_as_the_document_says(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    asked = vp.status_requests
    assert printer.print_document(sale, "receipt-1").result(timeout=5) is None
    (job,) = vp.wait_for_jobs(1, timeout=5)
    assert printed(job.lines) == expected_lines(sale, PAPER_80MM)
    assert job.barcodes == [NUMBER] and job.cut and job.code_pages == [19]
    assert bytes(job.raw) == render_escpos(sale, PAPER_80MM)
    assert vp.status_requests - asked == 6  # DLE EOT 1, 2, 4 before and after
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "receipt-1")]
    assert errors(events) == [] and statuses(events) == []
    assert printer.state is DeviceState.ENABLED


def test_x_and_z_reports_with_the_declaration_print(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder]
) -> None:
    printer, _ = front
    x, z = report_documents()
    printer.print_document(x, "x-1").result(timeout=5)
    printer.print_document(z, "z-1").result(timeout=5)
    jobs = vp.wait_for_jobs(2, timeout=5)
    assert [printed(j.lines) for j in jobs] == [
        expected_lines(x, PAPER_80MM),
        expected_lines(z, PAPER_80MM),
    ]
    assert "Z REPORT" in jobs[1].lines[1] and any("Short" in line for line in jobs[1].lines)


def test_the_logo_option_prints_the_logo_first(vp: VirtualPrinter, sale: ReceiptDocument) -> None:
    with escpos_printer(printer_config(vp.port, logo=DEMO_LOGO)) as (printer, _):
        assert printer.receipt_profile.logo == DEMO_LOGO
        printer.print_document(sale, "r").result(timeout=5)
    (job,) = vp.wait_for_jobs(1, timeout=5)
    assert len(job.images) == 1 and job.images[0].height == 80
    assert bytes(job.raw).index(b"\x1dv0") < bytes(job.raw).index("Bäckerei".encode("cp858"))


def test_print_raw_sends_the_bytes_as_one_job(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder]
) -> None:
    printer, events = front
    printer.print_raw(b"\x1b@raw line\n\x1dV\x00", "raw-1").result(timeout=5)
    assert vp.wait_for_jobs(1, timeout=5)[0].lines == ["raw line"]
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "raw-1")]


def test_paper_near_end_is_reported_once_and_printing_goes_on(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.set_panel(paper_near_end=True)
    printer.print_document(sale, "a").result(timeout=5)
    printer.print_document(sale, "b").result(timeout=5)
    assert len(vp.wait_for_jobs(2, timeout=5)) == 2
    assert statuses(events) == [DeviceStatus.PAPER_NEAR_END]
    assert printer.read_status().result(timeout=5).paper is Paper.NEAR_END
    vp.set_panel(paper_near_end=False)
    assert printer.read_status().result(timeout=5).paper is Paper.OK
    assert statuses(events)[-1] is DeviceStatus.PAPER_OK


def test_paper_out_before_the_job_refuses_it_and_reports_it(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.set_panel(paper_out=True)
    with pytest.raises(DeviceError, match="cannot print r-1: the paper is out: load a new roll"):
        printer.print_document(sale, "r-1").result(timeout=5)
    assert printer.state is DeviceState.ERROR
    assert statuses(events) == [DeviceStatus.OFFLINE, DeviceStatus.PAPER_OUT]
    assert "paper is out" in errors(events)[0] and events.of_type(OutputCompleteEvent) == []
    # the cashier loads paper; the register goes on with the next receipt
    vp.set_panel(paper_out=False)
    printer.clear_error()
    printer.print_document(sale, "r-2").result(timeout=5)
    (job,) = vp.wait_for_jobs(1, timeout=5)
    assert printed(job.lines) == expected_lines(sale, PAPER_80MM)
    assert statuses(events)[2:] == [DeviceStatus.ONLINE, DeviceStatus.PAPER_OK]


def test_paper_running_out_during_the_job_fails_it(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.paper_out_after(300)
    with pytest.raises(DeviceError, match="r-1 may not have printed completely: the paper is out"):
        printer.print_document(sale, "r-1").result(timeout=5)
    assert printer.state is DeviceState.ERROR
    assert DeviceStatus.PAPER_OUT in statuses(events)
    assert events.of_type(OutputCompleteEvent) == []


def test_cover_open_is_reported(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.set_panel(cover_open=True)
    with pytest.raises(DeviceError, match="the cover is open: close it"):
        printer.print_document(sale, "r-1").result(timeout=5)
    assert statuses(events) == [DeviceStatus.OFFLINE, DeviceStatus.COVER_OPEN]
    vp.set_panel(cover_open=False)
    assert printer.health_check().result(timeout=5).ok is False  # still in ERROR
    printer.clear_error()
    report = printer.health_check().result(timeout=5)
    assert report.ok and "online, paper ok" in report.detail
    assert statuses(events)[2:] == [DeviceStatus.ONLINE, DeviceStatus.COVER_CLOSED]


def test_connection_reset_mid_job_is_an_error_and_the_next_job_reconnects(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.reset_after(500)
    with pytest.raises(DeviceError) as failed:
        printer.print_document(sale, "r-1").result(timeout=5)
    message = str(failed.value)
    assert "front:" in message and "127.0.0.1" in message
    assert "reset" in message or "closed" in message
    assert printer.state is DeviceState.ERROR and printer.last_error == message
    assert not vp.wait_for_jobs(1, timeout=5)[0].cut  # half a receipt, no cut
    printer.clear_error()
    printer.print_document(sale, "r-2").result(timeout=5)
    assert vp.wait_for_jobs(2, timeout=5)[1].cut
    assert vp.connections == 2
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "r-2")]


def test_a_garbage_answer_is_an_error(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.answer_status("garbage")
    with pytest.raises(DeviceError, match="gave a garbage answer .* check the baud rate"):
        printer.print_document(sale, "r-1").result(timeout=5)
    assert printer.state is DeviceState.ERROR
    assert vp.jobs == []  # nothing was printed into a printer that answers nonsense
    vp.answer_status("normal")
    printer.retry().result(timeout=5)  # the failed job, once more
    assert printer.state is DeviceState.ENABLED and len(vp.wait_for_jobs(1, timeout=5)) == 1
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "r-1")]


def test_a_printer_that_stops_answering_times_out(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, _ = front
    vp.answer_status("silent")
    with pytest.raises(DeviceError, match="did not answer the status request .* within 0.5 s"):
        printer.print_document(sale, "r-1").result(timeout=5)
    assert printer.state is DeviceState.ERROR
    with pytest.raises(DeviceError, match="front is error: .*did not answer"):
        printer.print_document(sale, "r-2").result(timeout=5)


def test_a_connection_the_printer_dropped_is_opened_again(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer, events = front
    vp.drop_connections()  # printers close idle connections
    printer.print_document(sale, "r-1").result(timeout=5)
    assert vp.wait_for_jobs(1, timeout=5)[0].cut and errors(events) == []
    assert vp.connections == 2


def test_kicking_the_drawer_uses_a_realtime_pulse_while_offline(
    vp: VirtualPrinter, front: tuple[EscposPrinter, EventRecorder]
) -> None:
    printer, _ = front
    printer.kick_drawer(2).result(timeout=5)
    vp.set_panel(paper_out=True)
    printer.kick_drawer(5).result(timeout=5)
    kicks = vp.wait_for_kicks(2, timeout=5)
    assert [(k.pin, k.realtime) for k in kicks] == [(2, False), (5, True)]
    assert printer.drawer_pin3_high().result(timeout=5) is True
    with pytest.raises(DeviceError, match="drawer pin must be 2 or 5, not 3"):
        printer.kick_drawer(3).result(timeout=5)


def test_operations_need_an_enabled_printer(vp: VirtualPrinter, sale: ReceiptDocument) -> None:
    printer = EscposPrinter(printer_config(vp.port), EventRecorder())
    try:
        with pytest.raises(DeviceError, match="front is closed"):
            printer.print_document(sale, "r-1").result(timeout=5)
    finally:
        printer.shutdown()


def test_a_printer_without_status_needs_status_off(
    vp: VirtualPrinter, sale: ReceiptDocument
) -> None:
    vp.answer_status("silent")
    printer = EscposPrinter(printer_config(vp.port, timeout_s=0.3), EventRecorder())
    try:
        with pytest.raises(DeviceError, match="needs options status=off"):
            printer.start()
    finally:
        printer.shutdown()
    with escpos_printer(printer_config(vp.port, status="off")) as (quiet, events):
        quiet.print_document(sale, "r-1").result(timeout=5)
        with pytest.raises(DeviceError, match="cannot read its status"):
            quiet.read_status().result(timeout=5)
    assert vp.wait_for_jobs(1, timeout=5)[0].cut
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "r-1")]
