"""Connections to ESC/POS printers: network (TCP 9100), serial, USB and file, on python-escpos.

python-escpos' printer classes open the connection and send the bytes (`_raw`, the library's own
write path). Reading status replies needs a timeout per request and a way to throw away stale
input, which the library's `_read()` (a blocking read of 16 bytes) lacks, so each link reads from
the device object python-escpos opened.

Every failure becomes a `DeviceError` whose message says what happened and what to do;
`LinkLost` marks those after which the connection is unusable and must be opened again.
"""

from __future__ import annotations

import socket
from typing import Any

from escpos.exceptions import DeviceNotFoundError  # type: ignore[import-untyped]
from escpos.printer import File, Network, Serial, Usb  # type: ignore[import-untyped]

from peripherals.config import DeviceConfig, Transport
from peripherals.device import DeviceError

DEFAULT_TCP_PORT = 9100


class LinkLost(DeviceError):
    """The connection broke (reset, closed, timed out, out of step): open it again before the
    next job."""


class LinkClosed(LinkLost):
    """The other end closed or reset the connection (an idle printer may do so): reconnecting
    at once is worth a try, unlike after a timeout."""


def _cause(exc: BaseException) -> str:
    """The OS-level reason under a python-escpos error, in one line."""
    inner = exc.__cause__ or exc.__context__ or exc
    text = str(inner).strip().splitlines()
    return text[-1] if text else inner.__class__.__name__


class PrinterLink:
    """One open connection to a printer; `readable` says whether it can answer status."""

    readable = True

    def __init__(self, config: DeviceConfig) -> None:
        self.config = config
        self.timeout = config.timeout_s
        self._printer: Any = None
        self._io: Any = None

    @property
    def where(self) -> str:
        return self.config.address

    @property
    def is_open(self) -> bool:
        return self._io is not None

    def _make(self) -> Any:
        raise NotImplementedError

    def open(self) -> None:
        printer = self._make()
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            raise DeviceError(self._unreachable(_cause(exc))) from exc
        self._printer, self._io = printer, printer.device
        self._configure()

    def _unreachable(self, reason: str) -> str:
        return (
            f"{self.config.device_id}: cannot open the printer at {self.where} ({reason}); "
            "check that it is switched on, connected and configured with this address"
        )

    def _configure(self) -> None:
        """Set up the freshly opened device (timeouts, socket options)."""

    def close(self) -> None:
        printer, self._printer, self._io = self._printer, None, None
        if printer is not None:
            try:
                printer.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail; it is gone
                pass

    def write(self, data: bytes) -> None:
        """Send every byte or raise LinkLost."""
        if self._printer is None:
            raise LinkLost(f"{self.config.device_id}: the connection to {self.where} is closed")
        try:
            self._printer._raw(data)
            self._flush()
        except Exception as exc:  # noqa: BLE001 - every transport fails differently
            raise self._lost("sending to", exc) from exc

    def _flush(self) -> None:
        """Wait until the bytes have left this computer (serial: the UART has sent them)."""

    def drain(self) -> bytes:
        """Whatever the printer sent that nobody asked for (stale replies, status backs)."""
        return b""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes; b"" when nothing arrived within `timeout` seconds."""
        raise NotImplementedError

    def _lost(self, doing: str, exc: BaseException) -> LinkLost:
        if isinstance(exc, LinkLost):
            return exc
        kind: type[LinkLost] = LinkLost
        if isinstance(exc, TimeoutError | socket.timeout):
            what = f"timed out after {self.timeout:g} s"
        elif isinstance(exc, ConnectionResetError):
            what, kind = "the connection was reset", LinkClosed
        elif isinstance(exc, BrokenPipeError):
            what, kind = "the connection was closed", LinkClosed
        else:
            what = f"{exc.__class__.__name__}: {exc}"
        return kind(
            f"{self.config.device_id}: {doing} the printer at {self.where} failed ({what}); "
            "check the printer and its cable, then print again"
        )


class NetworkLink(PrinterLink):
    """TCP, normally port 9100 (raw printing)."""

    @property
    def where(self) -> str:
        return f"{self.config.address}:{self.config.port or DEFAULT_TCP_PORT}"

    def _make(self) -> Any:
        if not self.config.address:
            raise DeviceError(
                f"{self.config.device_id}: a network printer needs a host name or IP address"
            )
        return Network(
            self.config.address, self.config.port or DEFAULT_TCP_PORT, timeout=self.timeout
        )

    def _configure(self) -> None:
        self._io.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def drain(self) -> bytes:
        sock = self._io
        if sock is None:
            return b""
        stale = b""
        sock.setblocking(False)
        try:
            while True:
                chunk = sock.recv(256)
                if not chunk:
                    raise LinkClosed(
                        f"{self.config.device_id}: the printer at {self.where} closed the "
                        "connection"
                    )
                stale += chunk
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as exc:
            raise self._lost("reading from", exc) from exc
        finally:
            sock.settimeout(self.timeout)
        return stale

    def read(self, size: int, timeout: float) -> bytes:
        sock = self._io
        if sock is None:
            raise LinkLost(f"{self.config.device_id}: the connection to {self.where} is closed")
        sock.settimeout(timeout)
        try:
            data: bytes = sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise self._lost("reading from", exc) from exc
        finally:
            sock.settimeout(self.timeout)
        if not data:
            raise LinkClosed(
                f"{self.config.device_id}: the printer at {self.where} closed the connection"
            )
        return data


class _UrlSerial(Serial):  # type: ignore[misc]
    """python-escpos' Serial, opened with `serial_for_url` so that pyserial URLs
    (socket://, rfc2217://, loop://) work besides device paths, and with a write timeout so a
    stalled line fails instead of hanging the device's worker."""

    def __init__(self, *args: Any, write_timeout: float, rtscts: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_timeout = write_timeout
        self.rtscts = rtscts

    def open(self, raise_not_found: bool = True) -> None:
        import serial  # type: ignore[import-untyped]

        try:
            self.device = serial.serial_for_url(
                self.devfile,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                timeout=self.timeout,
                write_timeout=self.write_timeout,
                xonxoff=self.xonxoff,
                rtscts=self.rtscts,
                dsrdtr=self.dsrdtr,
            )
        except (ValueError, OSError, serial.SerialException) as exc:
            self.device = None
            raise DeviceNotFoundError(f"{self.devfile}: {exc}") from exc


_FLOW = ("none", "xonxoff", "rtscts", "dsrdtr")


class SerialLink(PrinterLink):
    """A serial port (device path or pyserial URL), baud rate and framing from the config.

    options["flow"]: handshake, one of none (default), xonxoff, rtscts, dsrdtr.
    """

    def _make(self) -> Any:
        if not self.config.address:
            raise DeviceError(
                f"{self.config.device_id}: a serial printer needs a port (/dev/ttyS0, COM3 or a "
                "pyserial URL)"
            )
        flow = self.config.option("flow", "none")
        if flow not in _FLOW:
            raise DeviceError(
                f"{self.config.device_id}: flow control {flow!r} is unknown; use one of "
                + ", ".join(_FLOW)
            )
        return _UrlSerial(
            self.config.address,
            baudrate=self.config.baudrate,
            bytesize=self.config.bytesize,
            parity=self.config.parity,
            stopbits=self.config.stopbits,
            timeout=self.timeout,
            xonxoff=flow == "xonxoff",
            dsrdtr=flow == "dsrdtr",
            rtscts=flow == "rtscts",
            write_timeout=self.timeout,
        )

    def _flush(self) -> None:
        self._io.flush()

    def drain(self) -> bytes:
        port = self._io
        if port is None:
            return b""
        try:
            waiting = port.in_waiting
            return bytes(port.read(waiting)) if waiting else b""
        except Exception as exc:  # noqa: BLE001 - serial.SerialException or OSError
            raise self._lost("reading from", exc) from exc

    def read(self, size: int, timeout: float) -> bytes:
        port = self._io
        if port is None:
            raise LinkLost(f"{self.config.device_id}: the port {self.where} is closed")
        try:
            port.timeout = timeout
            return bytes(port.read(size))
        except Exception as exc:  # noqa: BLE001 - serial.SerialException or OSError
            raise self._lost("reading from", exc) from exc
        finally:
            port.timeout = self.timeout


class _Usb(Usb):  # type: ignore[misc]
    """python-escpos' Usb, whose close() (also run by __del__) raises when pyusb is missing."""

    def close(self) -> None:
        if Usb.is_usable():
            super().close()


def parse_usb_ids(device_id: str, address: str) -> tuple[int, int]:
    """("04b8", "0e15") from "04b8:0e15"; a DeviceError naming the expected form otherwise."""
    vendor, sep, product = address.partition(":")
    try:
        if not sep:
            raise ValueError(address)
        ids = int(vendor, 16), int(product, 16)
    except ValueError:
        raise DeviceError(
            f"{device_id}: USB address {address!r} is not vendor:product in hex (e.g. 04b8:0e15, "
            "as lsusb shows it)",
            retryable=False,
        ) from None
    if not all(0 < i <= 0xFFFF for i in ids):
        raise DeviceError(f"{device_id}: USB ids in {address!r} must be 0001-ffff")
    return ids


class UsbLink(PrinterLink):
    """A USB printer found by vendor:product ids (python-escpos Usb, which needs pyusb and
    libusb). options["in_ep"], options["out_ep"]: endpoints in hex (default 82 and 01)."""

    def _make(self) -> Any:
        vendor, product = parse_usb_ids(self.config.device_id, self.config.address)
        try:
            in_ep = int(self.config.option("in_ep", "82"), 16)
            out_ep = int(self.config.option("out_ep", "01"), 16)
        except ValueError:
            raise DeviceError(
                f"{self.config.device_id}: USB endpoints in_ep/out_ep must be hex numbers"
            ) from None
        return _Usb(vendor, product, timeout=int(self.timeout * 1000), in_ep=in_ep, out_ep=out_ep)

    def open(self) -> None:
        where = f"USB printer {self.config.address}"
        try:
            super().open()
        except DeviceError:
            raise
        except RuntimeError as exc:  # python-escpos: the usb library is not installed
            raise DeviceError(
                f"{self.config.device_id}: cannot open the {where}: USB support is not installed "
                f"({exc.__class__.__name__}); install pyusb and libusb, or connect the printer "
                "over the network or a serial port",
                retryable=False,
            ) from exc
        except Exception as exc:  # noqa: BLE001 - pyusb: no backend (libusb), access denied
            raise DeviceError(
                f"{self.config.device_id}: cannot open the {where} ({_cause(exc)}); check that "
                "libusb is installed and this user may access the device",
                retryable=False,
            ) from exc

    def _unreachable(self, reason: str) -> str:
        return (
            f"{self.config.device_id}: no USB printer {self.config.address} was found ({reason}); "
            "check the cable and the vendor:product ids (lsusb)"
        )

    def read(self, size: int, timeout: float) -> bytes:
        if self._io is None:
            raise LinkLost(f"{self.config.device_id}: the USB printer is closed")
        try:
            return bytes(self._io.read(self._printer.in_ep, size, int(timeout * 1000)))
        except Exception as exc:  # noqa: BLE001 - usb.core.USBTimeoutError or USBError
            if exc.__class__.__name__ == "USBTimeoutError":
                return b""
            raise self._lost("reading from", exc) from exc


class FileLink(PrinterLink):
    """A device node or file (/dev/usb/lp0, a spool file): write-only, so no status."""

    readable = False

    def _make(self) -> Any:
        if not self.config.address:
            raise DeviceError(f"{self.config.device_id}: a file printer needs a path")
        return File(self.config.address)

    def read(self, size: int, timeout: float) -> bytes:
        raise DeviceError(f"{self.config.device_id}: a file printer cannot report its status")


_LINKS: dict[Transport, type[PrinterLink]] = {
    Transport.NETWORK: NetworkLink,
    Transport.SERIAL: SerialLink,
    Transport.USB: UsbLink,
    Transport.FILE: FileLink,
}


def link_for(config: DeviceConfig) -> PrinterLink:
    """The link for the config's transport (not opened yet)."""
    kind = _LINKS.get(config.transport)
    if kind is None:
        raise DeviceError(
            f"{config.device_id}: an ESC/POS printer connects over network, serial, usb or file, "
            f"not {config.transport.value!r}",
            retryable=False,
        )
    return kind(config)
