"""The printer, its drawer and the reprint queue against emupos, an independent ESC/POS printer
emulator (run from .venv-emupos as a subprocess; see emupos_harness)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from peripherals.config import DeviceConfig, Transport
from peripherals.device import DeviceError
from peripherals.drawer import PrinterKickDrawer
from peripherals.events import (
    DeviceCategory,
    DeviceState,
    DeviceStatus,
    ErrorEvent,
    EventRecorder,
    OutputCompleteEvent,
    StatusEvent,
)
from peripherals.print_queue import MemoryPrintQueue, ReceiptPrinting
from peripherals.printer import EscposPrinter
from peripherals.receipt_profile import PAPER_80MM
from peripherals.registry import open_device
from runtime.receipt import BarcodeBlock, ReceiptDocument
from tests.peripherals.emupos_harness import Emupos, EmuposMissing, printer
from tests.peripherals.printer_support import (
    NUMBER,
    escpos_printer,
    expected_lines,
    printer_config,
    report_documents,
    running,
    sale_receipt,
)


def start_emupos(workdir: Path, **kw: bool) -> Emupos:
    try:
        return Emupos(workdir, [printer("front", **kw)]).start()
    except EmuposMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    emupos = start_emupos(tmp_path_factory.mktemp("emupos"), pty=True)
    try:
        yield emupos
    finally:
        emupos.stop()


@pytest.fixture(autouse=True)
def clean_panel(emu: Emupos) -> Iterator[None]:
    yield
    for fault in emu.faults("front"):
        emu.set_fault("front", fault, active=False)
    emu.close_drawer("front")


@pytest.fixture(scope="module")
def sale() -> ReceiptDocument:
    return sale_receipt()


@pytest.fixture
def front(emu: Emupos) -> Iterator[tuple[EscposPrinter, EventRecorder]]:
    with escpos_printer(printer_config(emu.tcp_port("front"), timeout_s=2.0)) as pair:
        yield pair


def emupos_lines(text: str) -> list[str]:
    """emupos' text dump without blanks and barcode markers (barcodes are checked apart)."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("[")]


def print_and_read(emu: Emupos, start: Callable[[], Future[None]]) -> str:
    """Start a job, wait for it and for emupos to store it; the stored receipt's text."""
    before = len(emu.receipts("front"))
    start().result(timeout=10)
    emu.wait_for_receipts("front", before + 1)
    return emu.receipt_text("front")


def test_the_printed_receipt_text_matches_the_document(
    emu: Emupos, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer_, events = front
    text = print_and_read(emu, lambda: printer_.print_document(sale, "receipt-1"))
    assert emupos_lines(text) == expected_lines(sale, PAPER_80MM)
    assert f"[barcode CODE128 {NUMBER}]" in text
    assert "Pfand 0,25 € für Weißbier" in text  # CP858 understood by another implementation
    assert emu.receipts("front")[0]["boundary"] == "cut"
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "receipt-1")]


def test_a_long_receipt_number_in_code_set_c_reads_back(
    emu: Emupos, front: tuple[EscposPrinter, EventRecorder]
) -> None:
    printer_, _ = front
    number = "S001-R1-20261123-000001"  # fits 80 mm only with its digits in code set C
    document = ReceiptDocument("sale", footer=(BarcodeBlock(number),), receipt_number=number)
    text = print_and_read(emu, lambda: printer_.print_document(document, "long-number"))
    assert f"[barcode CODE128 {number}]" in text


def test_x_and_z_reports_print(emu: Emupos, front: tuple[EscposPrinter, EventRecorder]) -> None:
    printer_, _ = front
    for document in report_documents():
        text = print_and_read(emu, lambda d=document: printer_.print_document(d, d.kind))  # type: ignore[misc]
        assert emupos_lines(text) == expected_lines(document, PAPER_80MM)


def test_paper_out_is_reported_and_the_reprint_queue_holds_the_receipt(
    emu: Emupos, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer_, events = front
    printing = ReceiptPrinting(MemoryPrintQueue())
    try:
        emu.set_fault("front", "paper-out")
        before = len(emu.receipts("front"))
        outcome = printing.print_or_queue(printer_, sale, "receipt:tx-9").result(timeout=10)
        assert outcome.queued and "the paper is out: load a new roll" in outcome.reason
        assert [e.job_id for e in printing.pending()] == ["receipt:tx-9"]
        assert DeviceStatus.PAPER_OUT in [e.status for e in events.of_type(StatusEvent)]  # type: ignore[attr-defined]
        assert "paper is out" in events.of_type(ErrorEvent)[0].message  # type: ignore[attr-defined]
        assert printer_.state is DeviceState.ERROR
        emu.set_fault("front", "paper-out", active=False)
        (done,) = printing.reprint_pending(printer_).result(timeout=20)
        assert done.printed and printing.pending() == []
        emu.wait_for_receipts("front", before + 1)
        assert emupos_lines(emu.receipt_text("front")) == expected_lines(sale, PAPER_80MM)
        assert [e.status for e in events.of_type(StatusEvent)][-2:] == [  # type: ignore[attr-defined]
            DeviceStatus.ONLINE,
            DeviceStatus.PAPER_OK,
        ]
    finally:
        printing.close()


def test_near_end_and_cover_open_statuses(
    emu: Emupos, front: tuple[EscposPrinter, EventRecorder], sale: ReceiptDocument
) -> None:
    printer_, events = front
    emu.set_fault("front", "paper-near-end")
    print_and_read(emu, lambda: printer_.print_document(sale, "r-1"))  # near end still prints
    emu.set_fault("front", "cover-open")
    with pytest.raises(DeviceError, match="the cover is open"):
        printer_.print_document(sale, "r-2").result(timeout=10)
    assert [e.status for e in events.of_type(StatusEvent)] == [  # type: ignore[attr-defined]
        DeviceStatus.PAPER_NEAR_END,
        DeviceStatus.OFFLINE,
        DeviceStatus.COVER_OPEN,
    ]


def test_the_drawer_kick_is_seen_and_its_sensor_read_back(
    emu: Emupos, front: tuple[EscposPrinter, EventRecorder]
) -> None:
    printer_, _ = front
    events = EventRecorder()
    config = DeviceConfig(
        "till",
        DeviceCategory.CASH_DRAWER,
        "printer_kick",
        drawer_pin=5,
        options={"printer": "front", "poll_ms": "20", "settle_ms": "0"},
    )
    drawer = PrinterKickDrawer(config, events)
    drawer.bind_peers({"front": printer_}.get)
    with running(drawer):
        assert drawer.is_open().result(timeout=10) is False
        drawer.open_drawer().result(timeout=10)
        assert emu.drawer("front") == "open"
        assert drawer.is_open().result(timeout=10) is True
        assert drawer.wait_for_close(0.2).result(timeout=10) is False
        emu.close_drawer("front")
        assert drawer.wait_for_close(5).result(timeout=10) is True
    assert [e.status for e in events.of_type(StatusEvent)] == [  # type: ignore[attr-defined]
        DeviceStatus.DRAWER_OPENED,
        DeviceStatus.DRAWER_CLOSED,
    ]


def test_serial_printer_on_the_emupos_pty(emu: Emupos, sale: ReceiptDocument) -> None:
    config = printer_config(
        transport=Transport.SERIAL, address=emu.serial_path("front"), timeout_s=2.0
    )
    with escpos_printer(config) as (serial_printer, events):
        text = print_and_read(emu, lambda: serial_printer.print_document(sale, "serial-1"))
        assert serial_printer.read_status().result(timeout=10).can_print
    assert emupos_lines(text) == expected_lines(sale, PAPER_80MM)
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "serial-1")]


def test_a_printer_that_goes_away_mid_shift_errors_and_the_sale_goes_on(
    tmp_path: Path, sale: ReceiptDocument
) -> None:
    emu = start_emupos(tmp_path)
    port = emu.tcp_port("front")
    printing = ReceiptPrinting(MemoryPrintQueue())
    try:
        with escpos_printer(printer_config(port, timeout_s=1.0)) as (printer_, events):
            assert printing.print_or_queue(printer_, sale, "r-1").result(timeout=10).printed
            emu.stop()  # the printer is switched off
            outcome = printing.print_or_queue(printer_, sale, "r-2").result(timeout=10)
            assert outcome.queued and f"127.0.0.1:{port}" in outcome.reason
            assert printer_.state is DeviceState.ERROR and printer_.last_error
            assert [e.job_id for e in printing.pending()] == ["r-2"]
            assert events.of_type(ErrorEvent)
        # on the next start of the register the printer cannot be reached: a null device
        device = open_device(printer_config(port, timeout_s=1.0), EventRecorder())
        try:
            assert device.driver_name == "null"
            assert printing.print_or_queue(device, sale, "r-3").result(timeout=10).queued
        finally:
            device.shutdown()
    finally:
        printing.close()
        emu.stop()
