"""The ESC/POS receipt printer (driver "escpos"): receipts, raw jobs, real-time status, drawer.

Every operation runs on the device's worker thread and returns a Future. A job asks the printer
for its status (DLE EOT 1, 2, 4) before sending, refuses to print into a printer that is out of
paper, open or offline, sends the bytes, and asks again afterwards, so paper that ran out or a
cover opened during the job is reported rather than taken for a printed receipt. Status changes
become StatusEvents; a failed job raises a DeviceError (the device goes to ERROR, the caller
queues the receipt for reprint and the register sells on). OutputCompleteEvent(job_id) follows
once the last byte is sent and the printer still reports itself fine.

A lost connection (reset, closed, timed out, garbage answer) is dropped and opened again at the
next job, so one bad moment does not need a restart. Printers that cannot report status (file
transport, or options["status"] = "off") print without the checks.

Options (DeviceConfig.options): "status" on/off; "columns", "dots", "logo" (image path), "cut",
"print_barcode", "print_qr", "escpos_profile" override the receipt profile chosen by
`paper_width_mm`; "flow" for serial handshake; "in_ep"/"out_ep" for USB.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future
from typing import ClassVar

from escpos.constants import CD_KICK_2, CD_KICK_5  # type: ignore[import-untyped]

from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceError
from peripherals.events import DeviceCategory, DeviceState, EventSink, OutputCompleteEvent
from peripherals.printer_status import (
    GarbageReply,
    PrinterStatus,
    check_reply,
    request,
    status_changes,
)
from peripherals.printer_transport import LinkClosed, LinkLost, PrinterLink, link_for
from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import PAPER_58MM, PAPER_80MM, ReceiptProfile
from runtime.receipt import ReceiptDocument

_STATUS_ROUND = (1, 2, 4)  # DLE EOT n asked in one write, answered in this order
# DLE DC4 1 m t: a real-time drawer pulse (m 0 = pin 2, 1 = pin 5; t x 100 ms) that works while
# the printer is offline, so the drawer opens even with the paper out
_REALTIME_KICK = {2: b"\x10\x14\x01\x00\x01", 5: b"\x10\x14\x01\x01\x01"}
_ESC_P_KICK = {2: bytes(CD_KICK_2), 5: bytes(CD_KICK_5)}
_YES = {"1", "yes", "true", "on"}
_NO = {"0", "no", "false", "off"}


def _flag(config: DeviceConfig, name: str, default: bool) -> bool:
    value = config.option(name, "").strip().lower()
    if not value:
        return default
    if value in _YES | _NO:
        return value in _YES
    raise DeviceError(
        f"{config.device_id}: option {name}={value!r} must be yes or no", retryable=False
    )


def _number(config: DeviceConfig, name: str, default: int) -> int:
    value = config.option(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise DeviceError(
            f"{config.device_id}: option {name}={value!r} must be a whole number", retryable=False
        ) from None


def profile_from_config(config: DeviceConfig) -> ReceiptProfile:
    """The receipt profile a printer's config asks for: paper width and code page, then options."""
    base = PAPER_58MM if config.paper_width_mm <= 60 else PAPER_80MM
    try:
        return dataclasses.replace(
            base,
            columns=_number(config, "columns", base.columns),
            dots=_number(config, "dots", base.dots),
            code_page=config.code_page,
            escpos_profile=config.option("escpos_profile", base.escpos_profile),
            print_barcode=_flag(config, "print_barcode", base.print_barcode),
            print_qr=_flag(config, "print_qr", base.print_qr),
            cut=_flag(config, "cut", base.cut),
            logo=config.option("logo") or None,
        )
    except ValueError as exc:
        raise DeviceError(f"{config.device_id}: {exc}", retryable=False) from exc


class EscposPrinter(Device):
    """An ESC/POS receipt printer over network, serial, USB or file (see printer_transport)."""

    category: ClassVar[DeviceCategory] = DeviceCategory.RECEIPT_PRINTER
    driver_name: ClassVar[str] = "escpos"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self._link: PrinterLink | None = None
        self._profile: ReceiptProfile | None = None
        self._status = PrinterStatus()  # what was last reported; events are changes from it
        self._checks = True  # options["status"], read at open

    # ------------------------------------------------------------------ properties
    @property
    def receipt_profile(self) -> ReceiptProfile:
        if self._profile is None:
            self._profile = profile_from_config(self.config)
        return self._profile

    def use_profile(self, profile: ReceiptProfile) -> None:
        """Lay out later documents with `profile` (a receipt profile from master data)."""
        self._profile = profile

    @property
    def last_status(self) -> PrinterStatus:
        return self._status

    @property
    def reports_status(self) -> bool:
        link = self._link
        return self._checks and (link is None or link.readable)

    # ------------------------------------------------------------------ operations
    def print_document(
        self, document: ReceiptDocument, job_id: str, profile: ReceiptProfile | None = None
    ) -> Future[None]:
        """Render `document` (receipt, X/Z report, ...) as ESC/POS and print it as `job_id`."""

        def work() -> None:
            self.require_enabled()
            data = render_escpos(document, profile or self.receipt_profile)
            self._run_job(job_id, data)

        return self.submit("print", work)

    def print_raw(self, data: bytes, job_id: str) -> Future[None]:
        """Send prepared ESC/POS bytes as one job, with the same checks as a receipt."""
        payload = bytes(data)

        def work() -> None:
            self.require_enabled()
            self._run_job(job_id, payload)

        return self.submit("print", work)

    def read_status(self) -> Future[PrinterStatus]:
        """Ask the printer for its real-time status now (emits StatusEvents on change); works in
        ERROR too, so the register can see when the paper is back."""

        def work() -> PrinterStatus:
            self._require_usable()
            self._require_status("read its status")
            return self._poll(reconnect=True)

        return self.submit("status", work)

    def kick_drawer(self, pin: int) -> Future[None]:
        """Pulse the drawer kick-out connector on pin 2 or 5 (ESC p; DLE DC4 when offline).

        Works in ERROR too: a receipt that failed for want of paper must not keep the cashier
        from giving change."""

        def work() -> None:
            self._require_usable()
            if pin not in (2, 5):
                raise DeviceError(f"{self.device_id}: drawer pin must be 2 or 5, not {pin}")
            command = _ESC_P_KICK[pin]
            if self.reports_status and not self._poll(reconnect=True).online:
                command = _REALTIME_KICK[pin]  # ESC p would wait behind the held print data
            self._write(command, "kicking the drawer")

        return self.submit("kick_drawer", work)

    def drawer_pin3_high(self) -> Future[bool]:
        """The drawer sensor as the printer reads it: connector pin 3 high (DLE EOT 1 bit 2)."""

        def work() -> bool:
            self._require_usable()
            self._require_status("read the drawer sensor")
            return self._poll(reconnect=True).drawer_pin3_high

        return self.submit("drawer_status", work)

    # ------------------------------------------------------------------ life cycle hooks
    def _do_open(self) -> None:
        self._checks = _flag(self.config, "status", True)
        self._profile = self._profile or profile_from_config(self.config)
        self._connect()

    def _do_enable(self) -> None:
        if self.reports_status:
            try:
                self._poll(reconnect=True)
            except DeviceError as exc:
                raise DeviceError(
                    f"{exc} (a printer that cannot report its status needs options status=off)"
                ) from exc

    def _do_close(self) -> None:
        self._drop_link()

    def _do_health(self) -> str:
        if not self.reports_status:
            return f"{self.state.value}; {self._where()} (no status reporting)"
        status = self._poll(reconnect=True)
        if not status.can_print:
            raise DeviceError(f"{self.device_id}: {status.problem()}")
        return f"{self.state.value}; {self._where()}: {status.describe()}"

    # ------------------------------------------------------------------ the job
    def _run_job(self, job_id: str, data: bytes) -> None:
        if self.reports_status:
            before = self._poll(reconnect=True)
            if not before.can_print:
                raise DeviceError(
                    f"{self.device_id}: cannot print {job_id}: {before.problem()}, then reprint"
                )
        self._write(data, f"printing {job_id}", partial=True)
        if self.reports_status:
            after = self._poll(reconnect=False, doing=f"after sending {job_id}: reprint it")
            if not after.can_print:
                raise DeviceError(
                    f"{self.device_id}: {job_id} may not have printed completely: "
                    f"{after.problem()}, then reprint it"
                )
        self.emit(OutputCompleteEvent(self.device_id, job_id))

    # ------------------------------------------------------------------ link helpers
    def _where(self) -> str:
        link = self._link or link_for(self.config)
        return f"{self.config.transport.value} {link.where}"

    def _connect(self) -> PrinterLink:
        if self._link is None or not self._link.is_open:
            link = link_for(self.config)
            link.open()
            self._link = link
        return self._link

    def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.close()

    def _require_usable(self) -> None:
        """Enabled, or in ERROR after a failed job (whose connection is opened again)."""
        if self.state is not DeviceState.ERROR:
            self.require_enabled()

    def _require_status(self, doing: str) -> None:
        if not self.reports_status:
            raise DeviceError(
                f"{self.device_id}: this printer cannot {doing}: it is connected by "
                f"{self.config.transport.value} or has status=off",
                retryable=False,
            )

    def _write(self, data: bytes, doing: str, partial: bool = False) -> None:
        link = self._connect()
        try:
            link.write(data)
        except LinkLost as exc:
            self._drop_link()
            tail = "; the receipt may be incomplete, reprint it" if partial else ""
            raise DeviceError(f"{exc} (while {doing}){tail}") from exc

    def _poll(self, *, reconnect: bool, doing: str = "") -> PrinterStatus:
        """One status round; a connection found closed is opened again once when `reconnect`
        (printers drop idle connections), never after a job was sent into it."""
        try:
            status = self._ask(self._connect())
        except LinkLost as exc:
            self._drop_link()
            if not (reconnect and isinstance(exc, LinkClosed)):
                raise DeviceError(f"{exc} ({doing})" if doing else str(exc)) from exc
            try:
                status = self._ask(self._connect())
            except LinkLost:
                self._drop_link()
                raise
        self._report(status)
        return status

    def _ask(self, link: PrinterLink) -> PrinterStatus:
        """DLE EOT 1, 2 and 4 in one write; every answer checked (see printer_status)."""
        try:
            link.drain()  # stale replies would be taken for this round's answers
            link.write(b"".join(request(n) for n in _STATUS_ROUND))
            replies = b""
            while len(replies) < len(_STATUS_ROUND):
                chunk = link.read(len(_STATUS_ROUND) - len(replies), link.timeout)
                if not chunk:
                    raise LinkLost(
                        f"{self.device_id}: the printer at {link.where} did not answer the "
                        f"status request (DLE EOT) within {link.timeout:g} s; check that it is "
                        "an ESC/POS printer, switched on, and that baud rate and parity match"
                    )
                replies += chunk
            replies += link.drain()  # anything more is not an answer
            if len(replies) > len(_STATUS_ROUND):
                raise GarbageReply(
                    f"the status request got {len(replies)} bytes back, expected "
                    f"{len(_STATUS_ROUND)}: {replies[:16].hex(' ')}"
                )
            byte = [check_reply(n, replies[i : i + 1]) for i, n in enumerate(_STATUS_ROUND)]
        except GarbageReply as exc:
            raise LinkLost(
                f"{self.device_id}: the printer at {link.where} gave a garbage answer ({exc}); "
                "check the baud rate, parity and that this is an ESC/POS printer"
            ) from exc
        return PrinterStatus.decode(byte[0], byte[1], byte[2])

    def _report(self, status: PrinterStatus) -> None:
        before, self._status = self._status, status
        for change in status_changes(before, status):
            self.emit_status(change, status.problem() or status.describe())
