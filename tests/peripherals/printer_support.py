"""Shared helpers for the printer, drawer and reprint-queue tests: configs, real receipts from
the runtime, and the text a receipt must show once printed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from peripherals.config import DeviceConfig, Transport
from peripherals.device import Device
from peripherals.events import DeviceCategory, EventRecorder
from peripherals.printer import EscposPrinter
from peripherals.receipt_profile import ReceiptProfile
from runtime.operations import AddLine, AddTender, CommentLine, Conclude
from runtime.receipt import Align, BarcodeBlock, ReceiptDocument, Separator, TextRow
from runtime.receipt_text import _fit
from tests.runtime.fakes import COLA_EAN, make_runtime, ok, store_config

NUMBER = "S1-R1-20261123-0001"


def sale_receipt() -> ReceiptDocument:
    """A real sale through the runtime: a cola, the long coffee, a comment with € and ß."""
    rt, _ = make_runtime(
        store_config(
            name="Bäckerei Weiß",
            address_lines=("Hauptstraße 1",),
            receipt_footer=("Danke schön!",),
        )
    )
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.add_line(AddLine(item_id="LONG")))
    ok(rt.comment_line(CommentLine("L1", "Pfand 0,25 € für Weißbier")))
    ok(rt.add_tender(AddTender("cash", Decimal("1300.00"))))
    return ok(rt.conclude(Conclude())).receipt


def printer_config(
    port: int | None = None,
    *,
    device_id: str = "front",
    transport: Transport = Transport.NETWORK,
    address: str = "127.0.0.1",
    timeout_s: float = 1.0,
    **options: str,
) -> DeviceConfig:
    return DeviceConfig(
        device_id,
        DeviceCategory.RECEIPT_PRINTER,
        "escpos",
        transport,
        address,
        port,
        timeout_s=timeout_s,
        options=options,
    )


@contextmanager
def running(device: Device) -> Iterator[Device]:
    """A started device, shut down afterwards whatever happens."""
    try:
        device.start()
        yield device
    finally:
        device.shutdown(timeout=2)


@contextmanager
def escpos_printer(config: DeviceConfig) -> Iterator[tuple[EscposPrinter, EventRecorder]]:
    events = EventRecorder()
    printer = EscposPrinter(config, events)
    with running(printer):
        yield printer, events


def expected_lines(
    document: ReceiptDocument, profile: ReceiptProfile, *, barcodes_as_text: bool = False
) -> list[str]:
    """The text lines a printed `document` shows: rows wrapped as the renderers wrap them
    (double-size rows on half the columns), without surrounding blanks; barcodes only as text
    (`barcodes_as_text`: printed as their number, as on paper too narrow for the bars)."""
    lines: list[str] = []
    for element in document.elements:
        if isinstance(element, BarcodeBlock) and barcodes_as_text and profile.print_barcode:
            lines.append(element.data)
        elif isinstance(element, Separator):
            lines.append(element.char * profile.columns)
        elif isinstance(element, TextRow):
            width = profile.columns // 2 if element.double else profile.columns
            rows = _fit(element.left, element.right, width)
            lines += [row.strip() if element.align is not Align.LEFT else row for row in rows]
    return [line.strip() for line in lines if line.strip()]


def printed(lines: list[str]) -> list[str]:
    """Printed lines, stripped, blanks dropped (feeds and centring are not text)."""
    return [line.strip() for line in lines if line.strip()]


def kinds(events: EventRecorder, kind: type) -> list[Any]:
    return events.of_type(kind)


def report_documents() -> tuple[ReceiptDocument, ReceiptDocument]:
    """An X report mid-shift and the Z report of the closed shift with its declaration."""
    from runtime.shift_requests import CloseShift, DeclareTenders, OpenShift
    from tests.shifts.shift_support import rig, sell_card, sell_cash

    r = rig()
    ok(r.rt.open_shift(OpenShift(start_amounts={"cash": "100.00"})))
    sell_cash(r.rt, "5", "COLA", "BREAD")
    sell_card(r.rt, "COLA")
    x = ok(r.rt.x_report()).document
    counted = {"cash": {"100": 1, "1": 1, "0.20": 1}, "card": "1.19"}
    ok(r.rt.declare_tenders(DeclareTenders(counted)))
    z = ok(r.rt.close_shift(CloseShift())).document
    return x, z
