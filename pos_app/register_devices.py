"""The register's devices seen from the sale: scans become lines, weighed items take their
weight from the scale, the customer display follows the basket, and a concluded sale prints
its receipt (and the terminal's slip) and opens the drawer for cash — without ever waiting on
a device on the selling path.

Device calls return futures; this glue starts them and moves on. A receipt that does not print
is queued for reprint (durably), so concluding never depends on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from decimal import Decimal

from local_db import Database
from local_db.hardware import register_profile
from peripherals.device import Device, DeviceError
from peripherals.events import DataEvent, DeviceCategory, DeviceEvent, EventSink, discard
from peripherals.manager import DeviceManager
from peripherals.null_device import NullDevice
from peripherals.payment_port import TerminalPaymentPort
from peripherals.print_queue import PrintOutcome, ReceiptPrinting
from peripherals.scale_common import WeightReading, weight_for_sale
from peripherals.scan_parse import ScanResult
from peripherals.scan_parse_layouts import BarcodeLayout, LayoutError, check_layouts
from pos_app.device_stores import SqlPaymentRequestLog, SqlPrintQueue
from runtime.devices import HardwareProfile
from runtime.facade import CommerceRuntime
from runtime.operations import AddLine, OpResult, Refusal, RefusalCode
from runtime.receipt import ReceiptDocument, Separator, TextRow
from runtime.tender_ops import ConcludedSale
from runtime.transaction import SaleLine

WEIGH_TIMEOUT_S = 3.0


class RegisterDevices:
    def __init__(self, manager: DeviceManager, printing: ReceiptPrinting) -> None:
        self.manager = manager
        self.printing = printing
        self._payment: TerminalPaymentPort | None = None

    def _device(self, category: DeviceCategory) -> Device | None:
        return self.manager.first(category)

    @property
    def printer(self) -> Device | None:
        return self._device(DeviceCategory.RECEIPT_PRINTER)

    # ---- payment ----------------------------------------------------------------------------
    def payment_port(self) -> TerminalPaymentPort | None:
        """The terminal as the runtime's payment port (None when the profile has none)."""
        terminal = self._device(DeviceCategory.PAYMENT_TERMINAL)
        if terminal is None:
            return None
        if self._payment is None or self._payment.device is not terminal:
            self._payment = TerminalPaymentPort(terminal)
        return self._payment

    # ---- input ------------------------------------------------------------------------------
    def weigh(self) -> Decimal:
        """The scale's weight for a weighed item; raises DeviceError (WeightRefused for an
        unstable, zero or over-capacity weight) with a message for the cashier."""
        scale = self._device(DeviceCategory.SCALE)
        if scale is None:
            raise DeviceError("No scale is set up on this register; key the weight in.")
        reading: WeightReading = scale.read_weight().result(WEIGH_TIMEOUT_S)  # type: ignore[attr-defined]
        return weight_for_sale(reading)

    def add_scanned(self, runtime: CommerceRuntime, scan: ScanResult) -> OpResult[SaleLine]:
        """Turn a scan into a line: try its lookup codes in order; an embedded weight or price
        goes with it; a weighed item without one asks the scale."""
        if not scan.ok:
            return OpResult(None, Refusal(RefusalCode.MALFORMED_BARCODE, scan.message))
        result: OpResult[SaleLine] | None = None
        for code in scan.lookup_codes or (scan.raw,):
            request = AddLine(barcode=code, weight=scan.weight, keyed_price=scan.price)
            result = runtime.add_line(request)
            if result.refusal is None or result.refusal.code is not RefusalCode.UNKNOWN_ITEM:
                break
        assert result is not None
        if result.refusal is not None and result.refusal.code is RefusalCode.WEIGHT_REQUIRED:
            try:
                weight = self.weigh()
            except DeviceError as exc:
                return OpResult(None, Refusal(RefusalCode.WEIGHT_REQUIRED, str(exc)))
            code = (scan.lookup_codes or (scan.raw,))[0]
            result = runtime.add_line(AddLine(barcode=code, weight=weight))
        if result.value is not None:
            self.show_line(runtime, result.value)
        return result

    def scan_listener(
        self, runtime: CommerceRuntime, on_result: Callable[[OpResult[SaleLine]], None]
    ) -> Callable[[DeviceEvent], None]:
        """An event sink for scanners: each scan is added (from the scanner's thread: the Qt
        layer instead posts the event to its runtime worker)."""

        def listen(event: DeviceEvent) -> None:
            if isinstance(event, DataEvent) and isinstance(event.data, ScanResult):
                on_result(self.add_scanned(runtime, event.data))

        return listen

    # ---- output -----------------------------------------------------------------------------
    def show_line(self, runtime: CommerceRuntime, line: SaleLine) -> None:
        display = self._device(DeviceCategory.LINE_DISPLAY)
        tx = runtime.transaction
        if display is None or tx is None:
            return
        display.show_item(line.description, line.net_amount, tx.totals.total)  # type: ignore[attr-defined]

    def welcome(self) -> None:
        display = self._device(DeviceCategory.LINE_DISPLAY)
        if display is not None:
            display.show_welcome()  # type: ignore[attr-defined]

    def after_conclude(
        self, sale: ConcludedSale, opens_drawer: Callable[[str], bool]
    ) -> Future[PrintOutcome]:
        """Show the change, open the drawer when a tender opens it (`opens_drawer` takes a
        tender type id), print the receipt (never raises, never waits); the future says
        whether it printed or was queued for reprint."""
        tx = sale.transaction
        tenders = [t for t in tx.tenders if t.counts]
        paid = sum((t.amount for t in tenders if not t.is_change), Decimal(0))
        change = -sum((t.amount for t in tenders if t.is_change), Decimal(0))
        display = self._device(DeviceCategory.LINE_DISPLAY)
        if display is not None:
            display.show_change(tx.totals.payable, paid, change)  # type: ignore[attr-defined]
        if any(opens_drawer(t.tender_type_id) for t in tenders):
            drawer = self._device(DeviceCategory.CASH_DRAWER)
            if drawer is not None and not isinstance(drawer, NullDevice):
                drawer.open_drawer()  # type: ignore[attr-defined]
        document = self._with_card_slips(sale.receipt, [t.request_id for t in tenders])
        job_id = tx.receipt_number or tx.transaction_id
        return self.printing.print_or_queue(self.printer, document, job_id)

    def _with_card_slips(
        self, document: ReceiptDocument, request_ids: list[str | None]
    ) -> ReceiptDocument:
        """The terminal's customer slip under the receipt, as the card holder's copy."""
        if self._payment is None:
            return document
        rows: list[TextRow | Separator] = []
        for request_id in request_ids:
            if request_id is None:
                continue
            lines = self._payment.receipt_lines(request_id, "customer")
            if lines:
                rows.append(Separator())
                rows.extend(TextRow(text) for text in lines)
        if not rows:
            return document
        return replace(document, footer=document.footer + tuple(rows))

    def reprint_pending(self) -> Future[list[PrintOutcome]]:
        return self.printing.reprint_pending(self.printer)

    def close(self) -> None:
        self.manager.shutdown()
        self.printing.close()


def barcode_layouts(profile: HardwareProfile) -> list[BarcodeLayout]:
    """The profile's in-store layouts; a bad one raises LayoutError naming it."""
    layouts = [BarcodeLayout(**dict(raw)) for raw in profile.barcode_layouts]  # type: ignore[arg-type]
    problems = check_layouts(layouts)
    if problems:
        raise LayoutError(f"hardware profile {profile.profile_id}: " + "; ".join(problems))
    return layouts


def open_register_devices(
    database: Database,
    register_id: str,
    *,
    profile: HardwareProfile | None = None,
    sink: EventSink = discard,
    timeout: float | None = None,
) -> RegisterDevices:
    """Open the register's devices from its hardware profile (the database's, unless one is
    given): each failing device becomes a null device that says why. The terminal gets the
    durable request log, scanners the store's barcode layouts, the printer a durable reprint
    queue."""
    if profile is None:
        profile = register_profile(database, register_id)
    layouts = barcode_layouts(profile) if profile is not None else []
    manager = DeviceManager(profile, sink)
    manager.start(timeout)
    for device in manager.devices:
        if hasattr(device, "use_request_log"):
            device.use_request_log(SqlPaymentRequestLog(database, register_id))
        if layouts and hasattr(device, "set_layouts"):
            device.set_layouts(layouts)
    return RegisterDevices(manager, ReceiptPrinting(SqlPrintQueue(database, register_id)))
