"""Serial scanners (driver "serial"): codes arrive on a serial port, each ended by a suffix.

A reader thread of the device's own reads the port (pyserial; in tests a pseudo-terminal),
splits the stream on the profile's `scanner_suffix`, parses each code with `scan_parse` and
emits DataEvent(ScanResult) while the device is enabled. Codes read while it is disabled are
dropped, as UnifiedPOS does with a disabled device, so a scan made during a dialog never adds
a line later. A port that goes away (cable pulled, USB adapter gone) is reported as an OFFLINE
status and an ErrorEvent; `retry()` reopens it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import ClassVar

import serial  # type: ignore[import-untyped]

from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceError
from peripherals.events import DataEvent, DeviceCategory, DeviceState, DeviceStatus, EventSink
from peripherals.scale_common import open_serial_port
from peripherals.scan_parse import invalid_scan, parse_scan
from peripherals.scan_parse_layouts import BarcodeLayout

READ_POLL_S = 0.05  # how long one read waits, so that closing never waits long on the thread
MAX_CODE_BYTES = 512  # more than this without a suffix: the scanner's suffix setting is wrong


class SerialScanner(Device):
    """A scanner on a serial port or pyserial URL (`config.address`)."""

    category: ClassVar[DeviceCategory] = DeviceCategory.SCANNER
    driver_name: ClassVar[str] = "serial"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        if not config.scanner_suffix:
            raise ValueError(f"{config.device_id}: a serial scanner needs a suffix to split codes")
        self._suffix = config.scanner_suffix.encode("ascii")
        self._encoding = config.option("encoding", "ascii")
        self._layouts: tuple[BarcodeLayout, ...] = ()
        self._port: serial.SerialBase | None = None
        self._reader: threading.Thread | None = None
        self._stop = threading.Event()
        self.dropped = 0  # codes read while disabled

    def set_layouts(self, layouts: Sequence[BarcodeLayout]) -> None:
        """The store's in-store price/weight layouts, used for every following scan."""
        self._layouts = tuple(layouts)

    # ------------------------------------------------------------------ life cycle hooks
    def _do_open(self) -> None:
        self._connect()

    def _do_close(self) -> None:
        self._disconnect()

    def _do_health(self) -> str:
        port = self._port
        if port is None or not port.is_open:
            raise DeviceError(f"{self.device_id}: scanner port {self.config.address} is not open")
        if self._reader is None or not self._reader.is_alive():
            raise DeviceError(f"{self.device_id}: scanner reader stopped; retry to reopen the port")
        return f"port {self.config.address} open, {self.state.value}"

    # ------------------------------------------------------------------ port and reader
    def _connect(self) -> None:
        port = open_serial_port(self.config, READ_POLL_S, "scanner")
        self._port = port
        self._stop = threading.Event()
        self._reader = threading.Thread(
            target=self._read_loop,
            args=(port, self._stop),
            name=f"scanner-{self.device_id}",
            daemon=True,
        )
        self._reader.start()

    def _disconnect(self) -> None:
        self._stop.set()
        reader, self._reader = self._reader, None
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout=2)
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (OSError, serial.SerialException):
                pass

    def _reconnect(self) -> None:
        """Reopen a lost port (the step `retry()` repeats until the port is back)."""
        self._disconnect()
        self._connect()
        self.emit_status(DeviceStatus.ONLINE, f"scanner port {self.config.address} is back")

    def _read_loop(self, port: serial.SerialBase, stop: threading.Event) -> None:
        pending = bytearray()
        while not stop.is_set():
            try:
                chunk = port.read(port.in_waiting or 1)
            except (OSError, serial.SerialException, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial reading a port closed under it
                if not stop.is_set():
                    self._lost(exc)
                return
            if not chunk:
                continue
            pending += chunk
            while True:
                code, found, rest = pending.partition(self._suffix)
                if not found:
                    break
                pending = bytearray(rest)
                self._deliver(bytes(code))
            if len(pending) > MAX_CODE_BYTES:
                self._deliver_overflow(len(pending))
                pending.clear()

    def _deliver(self, code: bytes) -> None:
        text = code.decode(self._encoding, errors="replace").strip(" \r\n\t")
        if not text:
            return  # the LF of a CR LF suffix, or an empty line
        if self.state is not DeviceState.ENABLED:
            self.dropped += 1
            return
        self.emit(DataEvent(self.device_id, parse_scan(text, self._layouts)))

    def _deliver_overflow(self, size: int) -> None:
        if self.state is not DeviceState.ENABLED:
            return
        message = (
            f"the scanner sent {size} bytes without its suffix {self.config.scanner_suffix!r}: "
            "check that the scanner's suffix setting matches the hardware profile"
        )
        self.emit(DataEvent(self.device_id, invalid_scan("", message)))

    def _lost(self, exc: BaseException) -> None:
        detail = (
            f"scanner port {self.config.address} was lost ({exc.__class__.__name__}: {exc}); "
            "check the cable or USB adapter, then retry"
        )
        self.emit_status(DeviceStatus.OFFLINE, detail)

        def reconnect() -> None:
            try:
                self._reconnect()
            except DeviceError as error:
                raise DeviceError(f"{detail}. {error}") from None

        try:
            self.submit("reconnect", reconnect)
        except RuntimeError:  # the device is being shut down: nothing to reconnect
            pass
