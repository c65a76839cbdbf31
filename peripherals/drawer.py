"""Cash drawers: kicked through the receipt printer (driver "printer_kick") or on a serial port
of their own (driver "serial").

Operations return Futures and run on the drawer's worker: `open_drawer()`, `is_open()` and
`wait_for_close(timeout_s)` (True when the drawer was closed in time, False otherwise). Changes
seen by either are reported as DRAWER_OPENED / DRAWER_CLOSED status events.

The sensor is a switch on connector pin 3; whether "open" reads high or low depends on the
drawer, so options["open_level"] says which ("high" by default, as most drawers).

printer_kick options: "printer" (required): the device id of the receipt printer whose RJ12
kick-out connector the drawer hangs on; `drawer_pin` 2 or 5 picks the pin; "sensor" = "off" for
a drawer without a sensor; "poll_ms" (default 100): how often `wait_for_close` asks;
"settle_ms" (default 500): how long after a kick a closed reading may still mean "not open yet".

serial options (defaults suit an ESC/POS-style serial drawer interface):
- "open_command": hex bytes sent to open (default: ESC p m 50 50 for `drawer_pin`, m 0 = pin 2,
  1 = pin 5 — python-escpos' own kick);
- "status_command": hex bytes that ask for the sensor (default 100401, DLE EOT 1); "" = no sensor;
- "status_mask": hex mask of the sensor bit in the one-byte answer (default 04);
- "open_level": "high" = the bit is set while open (default), "low" = clear while open;
- "poll_ms" and "settle_ms" as above.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, ClassVar

from escpos.constants import CD_KICK_2, CD_KICK_5  # type: ignore[import-untyped]

from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceError
from peripherals.events import DeviceCategory, DeviceStatus, EventSink
from peripherals.null_device import NullDevice

PeerLookup = Callable[[str], Device | None]
_KICK = {2: bytes(CD_KICK_2), 5: bytes(CD_KICK_5)}


class _Drawer(Device):
    """What both drawers share: options, sensor events, wait-for-close polling."""

    category: ClassVar[DeviceCategory] = DeviceCategory.CASH_DRAWER

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self._known_open: bool | None = None
        self._kicked_at = float("-inf")

    def _option_level(self) -> bool:
        """True when the sensor reads high while the drawer is open."""
        level = self.config.option("open_level", "high").lower()
        if level not in ("high", "low"):
            raise DeviceError(
                f"{self.device_id}: open_level must be high or low, not {level!r}",
                retryable=False,
            )
        return level == "high"

    def _ms_option(self, name: str, default: str) -> float:
        raw = self.config.option(name, default)
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value < 0:
            raise DeviceError(
                f"{self.device_id}: {name} must be a whole number of milliseconds, not {raw!r}",
                retryable=False,
            )
        return value / 1000

    def _poll_s(self) -> float:
        return max(0.001, self._ms_option("poll_ms", "100"))

    def _check_options(self) -> None:
        self._option_level()
        self._poll_s()
        self._ms_option("settle_ms", "500")

    # ------------------------------------------------------------------ operations
    def open_drawer(self) -> Future[None]:
        """Kick the drawer open (the sensor may take a moment to follow)."""

        def work() -> None:
            self.require_enabled()
            self._kick()
            self._kicked_at = time.monotonic()
            try:
                self._sense()  # reports DRAWER_OPENED at once when the sensor follows quickly
            except DeviceError:
                pass  # no sensor, or it cannot be read: the kick itself went out

        return self.submit("open_drawer", work)

    def is_open(self) -> Future[bool]:
        """Read the sensor now."""

        def work() -> bool:
            self.require_enabled()
            return self._sense()

        return self.submit("is_open", work)

    def wait_for_close(self, timeout_s: float) -> Future[bool]:
        """Poll the sensor until the drawer is closed (True) or `timeout_s` passes (False).

        Within options["settle_ms"] (default 500) of a kick a closed reading is not taken as
        final: the drawer may not have sprung open yet. The drawer's worker is busy meanwhile;
        a drawer is used by one cashier at a time.
        """

        def work() -> bool:
            self.require_enabled()
            poll = self._poll_s()
            settled = self._kicked_at + self._ms_option("settle_ms", "500")
            deadline = time.monotonic() + max(0.0, timeout_s)
            while True:
                if not self._sense() and time.monotonic() >= settled:
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(poll, left))

        return self.submit("wait_for_close", work)

    def _sense(self) -> bool:
        is_open = self._read_sensor()
        if is_open != self._known_open:
            previous, self._known_open = self._known_open, is_open
            if previous is not None or is_open:  # the first reading reports only an open drawer
                status = DeviceStatus.DRAWER_OPENED if is_open else DeviceStatus.DRAWER_CLOSED
                self.emit_status(status)
        return is_open

    # ------------------------------------------------------------------ driver parts
    def _kick(self) -> None:
        raise NotImplementedError

    def _read_sensor(self) -> bool:
        raise NotImplementedError


class PrinterKickDrawer(_Drawer):
    """A drawer on the receipt printer's kick-out connector, named by options["printer"]."""

    driver_name: ClassVar[str] = "printer_kick"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self._lookup: PeerLookup | None = None
        self._printer: Any = None

    def bind_peers(self, lookup: PeerLookup) -> None:
        """Called by the device manager before start(): how to find the printer by its id."""
        self._lookup = lookup

    @property
    def printer_id(self) -> str:
        return self.config.option("printer")

    def _do_open(self) -> None:
        self._check_options()
        if not self.printer_id:
            raise DeviceError(
                f"{self.device_id}: a printer-kick drawer needs options['printer'], the id of "
                "the receipt printer it is connected to",
                retryable=False,
            )
        printer = self._lookup(self.printer_id) if self._lookup is not None else None
        if printer is None:
            raise DeviceError(
                f"{self.device_id}: the printer {self.printer_id!r} is not in this register's "
                "hardware profile (or bind_peers was not called)",
                retryable=False,
            )
        if isinstance(printer, NullDevice):
            raise DeviceError(
                f"{self.device_id}: the printer {self.printer_id!r} it is kicked through is not "
                f"available ({printer.reason})",
                retryable=False,
            )
        if printer.category is not DeviceCategory.RECEIPT_PRINTER or not hasattr(
            printer, "kick_drawer"
        ):
            raise DeviceError(
                f"{self.device_id}: device {self.printer_id!r} is a {printer.category.value}, "
                "not a receipt printer that can kick a drawer",
                retryable=False,
            )
        self._printer = printer

    def _do_close(self) -> None:
        self._printer = None

    def _wait(self, future: Future[Any], doing: str) -> Any:
        timeout = self.config.timeout_s * 3  # the printer may be finishing a receipt first
        try:
            return future.result(timeout)
        except TimeoutError as exc:
            raise DeviceError(
                f"{self.device_id}: the printer {self.printer_id!r} did not {doing} within "
                f"{timeout:g} s"
            ) from exc
        except DeviceError as exc:
            raise DeviceError(f"{self.device_id}: cannot {doing}: {exc}") from exc

    def _kick(self) -> None:
        self._wait(self._printer.kick_drawer(self.config.drawer_pin), "kick the drawer")

    def _read_sensor(self) -> bool:
        if self.config.option("sensor", "on").lower() in ("off", "no", "0", "false"):
            raise DeviceError(
                f"{self.device_id}: this drawer has no sensor (sensor=off); ask the cashier "
                "to confirm it is closed",
                retryable=False,
            )
        pin3_high = self._wait(self._printer.drawer_pin3_high(), "read the drawer sensor")
        return bool(pin3_high) == self._option_level()

    def _do_health(self) -> str:
        if self._printer is None:
            return self.state.value
        return f"{self.state.value}; kicked by {self.printer_id} on pin {self.config.drawer_pin}"


def _hex_option(config: DeviceConfig, name: str, default: str) -> bytes:
    raw = config.option(name, default)
    try:
        return bytes.fromhex(raw)
    except ValueError:
        raise DeviceError(
            f"{config.device_id}: option {name}={raw!r} must be hex bytes, e.g. {default or '04'}",
            retryable=False,
        ) from None


class SerialDrawer(_Drawer):
    """A drawer with its own serial interface (see the module doc for its options)."""

    driver_name: ClassVar[str] = "serial"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self._port: Any = None

    def _commands(self) -> tuple[bytes, bytes, int]:
        open_command = _hex_option(self.config, "open_command", _KICK[self.config.drawer_pin].hex())
        status_command = _hex_option(self.config, "status_command", "100401")
        mask = _hex_option(self.config, "status_mask", "04")
        if not open_command:
            raise DeviceError(f"{self.device_id}: open_command is empty", retryable=False)
        if len(mask) != 1 or not mask[0]:
            raise DeviceError(
                f"{self.device_id}: status_mask must be one non-zero byte", retryable=False
            )
        return open_command, status_command, mask[0]

    def _do_open(self) -> None:
        import serial  # type: ignore[import-untyped]

        self._commands()
        self._check_options()
        if not self.config.address:
            raise DeviceError(f"{self.device_id}: a serial drawer needs a port", retryable=False)
        try:
            self._port = serial.serial_for_url(
                self.config.address,
                baudrate=self.config.baudrate,
                bytesize=self.config.bytesize,
                parity=self.config.parity,
                stopbits=self.config.stopbits,
                timeout=self.config.timeout_s,
                write_timeout=self.config.timeout_s,
            )
        except (ValueError, OSError, serial.SerialException) as exc:
            raise DeviceError(
                f"{self.device_id}: cannot open the drawer's port {self.config.address} ({exc}); "
                "check the cable and the port name"
            ) from exc

    def _do_close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 - closing a broken port may fail; it is gone
                pass

    def _io(self, data: bytes, answer: bool) -> bytes:
        port = self._port
        if port is None:
            raise DeviceError(f"{self.device_id}: the port is closed")
        try:
            if answer:
                port.reset_input_buffer()
            port.write(data)
            port.flush()
            return bytes(port.read(1)) if answer else b""
        except Exception as exc:  # noqa: BLE001 - serial.SerialException or OSError
            raise DeviceError(
                f"{self.device_id}: the drawer's port {self.config.address} failed ({exc}); "
                "check the cable"
            ) from exc

    def _kick(self) -> None:
        self._io(self._commands()[0], answer=False)

    def _read_sensor(self) -> bool:
        _, status_command, mask = self._commands()
        if not status_command:
            raise DeviceError(
                f"{self.device_id}: this drawer has no sensor (status_command is empty); ask "
                "the cashier to confirm it is closed",
                retryable=False,
            )
        reply = self._io(status_command, answer=True)
        if not reply:
            raise DeviceError(
                f"{self.device_id}: the drawer did not answer its status request within "
                f"{self.config.timeout_s:g} s; check the cable, baud rate and status_command"
            )
        return bool(reply[0] & mask) == self._option_level()
