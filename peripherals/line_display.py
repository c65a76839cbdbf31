"""Customer line displays (driver "escpos"): two lines of 20 characters, ESC/POS display commands.

The register shows the last item and the total while scanning, the change due after payment and
a welcome message when idle. Every write sends both lines whole (cursor to line 1, 20 characters,
cursor to line 2, 20 characters), so whatever the display showed before is overwritten and a
lost byte never leaves half a message on screen.

Commands (Epson customer-display ESC/POS): ESC @ initialise, ESC t n code table, US MD1 overwrite
mode, US C 0 cursor off, FF clear, US $ x y cursor to column x, line y. The code page is pinned
once at connect (CP858 by default, which has € and the Western accents); a character it lacks is
shown without its accent, or as "?".

Transports: network (a TCP port, 9100 unless configured) or serial (pyserial). A connection
found closed is reopened once before a write; if that fails the write fails with a DeviceError
and `retry()` tries again.
"""

from __future__ import annotations

import itertools
import select
import socket
import unicodedata
from concurrent.futures import Future
from decimal import Decimal
from typing import ClassVar, Protocol

from escpos.capabilities import get_profile  # type: ignore[import-untyped]

from peripherals.config import DeviceConfig, Transport
from peripherals.device import Device, DeviceError
from peripherals.events import DeviceCategory, EventSink, OutputCompleteEvent
from peripherals.scale_common import open_serial_port
from runtime.money import Currency, format_amount

COLUMNS = 20
ROWS = 2
DEFAULT_PORT = 9100

INIT = b"\x1b@"
CLEAR = b"\x0c"
OVERWRITE_MODE = b"\x1f\x01"
CURSOR_OFF = b"\x1fC\x00"


def cursor(column: int, line: int) -> bytes:
    """US $ x y: move the cursor to `column` (1-20) on `line` (1-2)."""
    return b"\x1f$" + bytes([column, line])


def select_table(table: int) -> bytes:
    """ESC t n: the character code table every following byte is read in."""
    return b"\x1bt" + bytes([table])


def code_page(name: str, escpos_profile: str = "default") -> tuple[int, str]:
    """(ESC t table number, Python codec) of a code page, e.g. "CP858" → (19, "cp858")."""
    tables = get_profile(escpos_profile).get_code_pages()
    key = name.upper()
    if key not in tables:
        known = ", ".join(sorted(k for k in tables if k.startswith("CP")))
        raise ValueError(f"the display profile has no code page {name!r}; use one of {known}")
    codec = key.lower().replace("iso_", "iso").replace("-", "_")
    try:
        "".encode(codec)
    except LookupError:
        raise ValueError(f"code page {name!r} has no text encoding here; choose another") from None
    return int(tables[key]), codec


def clean(text: str) -> str:
    """One printable character per column: composed accents, no control bytes."""
    text = unicodedata.normalize("NFC", str(text))
    return "".join(" " if ch in "\t\n\r" else "?" if not ch.isprintable() else ch for ch in text)


def fit(text: str, width: int = COLUMNS, align: str = "left") -> str:
    """`text` cut or padded to exactly `width` columns ("left", "right" or "center")."""
    text = clean(text)[:width]
    if align == "right":
        return text.rjust(width)
    if align == "center":
        return text.center(width)
    return text.ljust(width)


def row(left: str, right: str, width: int = COLUMNS) -> str:
    """`left` and `right` on one line, right-aligned; the left part gives way when too long."""
    right = clean(right)[:width]
    room = width - len(right) - 1
    left = clean(left)[: max(room, 0)] if room > 0 else ""
    return (left.ljust(width - len(right)) + right)[:width]


def encode(text: str, codec: str) -> bytes:
    """One byte per character in `codec`; a missing character loses its accent, else is "?"."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode(codec)
            continue
        except UnicodeEncodeError:
            pass
        base = unicodedata.normalize("NFKD", ch)[:1]
        try:
            out += base.encode(codec) if base and base != ch else b"?"
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


class _Link(Protocol):
    def send(self, data: bytes) -> None: ...
    def closed(self) -> bool: ...
    def close(self) -> None: ...


class _TcpLink:
    def __init__(self, host: str, port: int, timeout: float) -> None:
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def closed(self) -> bool:
        """Whether the display hung up (a readable socket with nothing to read)."""
        try:
            readable, _, _ = select.select([self._sock], [], [], 0)
            return bool(readable) and self._sock.recv(64, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def close(self) -> None:
        self._sock.close()


class _SerialLink:
    def __init__(self, config: DeviceConfig) -> None:
        self._port = open_serial_port(config, config.timeout_s, "line display")

    def send(self, data: bytes) -> None:
        self._port.write(data)
        self._port.flush()

    def closed(self) -> bool:
        return not self._port.is_open

    def close(self) -> None:
        self._port.close()


class EscposLineDisplay(Device):
    """A 2×20 customer display. Options: currency_symbol (€), currency_decimals (2), welcome,
    label_total, label_paid, label_change, escpos_profile (code page numbering)."""

    category: ClassVar[DeviceCategory] = DeviceCategory.LINE_DISPLAY
    driver_name: ClassVar[str] = "escpos"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        if config.transport not in (Transport.NETWORK, Transport.SERIAL):
            raise ValueError(
                f"{config.device_id}: a line display connects over network or serial, "
                f"not {config.transport.value}"
            )
        self.table, self.codec = code_page(
            config.code_page, config.option("escpos_profile", "default")
        )
        self.currency = Currency(
            config.option("currency", "EUR"), int(config.option("currency_decimals", "2"))
        )
        self.symbol = config.option("currency_symbol", "€")
        self._link: _Link | None = None
        self._jobs = itertools.count(1)
        self.shown: tuple[str, str] = ("", "")

    # ------------------------------------------------------------------ operations
    def show(self, top: str, bottom: str = "") -> Future[None]:
        """Show two lines as given (cut to 20 columns, left-aligned)."""
        return self._write("show", fit(top), fit(bottom))

    def show_item(self, name: str, price: Decimal, total: Decimal) -> Future[None]:
        """The item just added with its price, and the running total."""
        return self._write(
            "show_item",
            row(name, self.money(price)),
            row(self.config.option("label_total", "TOTAL"), self.money(total)),
        )

    def show_change(self, total: Decimal, paid: Decimal, change: Decimal) -> Future[None]:
        """After payment: the total and what was paid, then the change due."""
        total_text = f"{self.config.option('label_total', 'TOTAL')} {self.money(total)}"
        paid_text = f"{self.config.option('label_paid', 'PAID')} {self.money(paid)}"
        if len(total_text) + 1 + len(paid_text) <= COLUMNS:
            top = row(total_text, paid_text)
        else:
            top = row(self.config.option("label_paid", "PAID"), self.money(paid))
        bottom = row(self.config.option("label_change", "CHANGE"), self.money(change))
        return self._write("show_change", top, bottom)

    def show_welcome(self, message: str | None = None) -> Future[None]:
        """The idle screen: a welcome message, centred, split over the two lines if long."""
        text = clean(message or self.config.option("welcome", "Welcome")).strip()
        top, bottom = _split(text)
        return self._write("show_welcome", fit(top, align="center"), fit(bottom, align="center"))

    def clear(self) -> Future[None]:
        return self._write("clear", fit(""), fit(""))

    def money(self, amount: Decimal) -> str:
        text = format_amount(abs(amount), self.currency)
        return f"{'-' if amount < 0 else ''}{self.symbol}{text}"

    # ------------------------------------------------------------------ life cycle hooks
    def _do_open(self) -> None:
        self._connect()

    def _do_close(self) -> None:
        self._disconnect()

    def _do_health(self) -> str:
        if self._link is None or self._link.closed():
            raise DeviceError(f"{self.device_id}: the display is not connected; retry to reconnect")
        return f"connected, showing {self.shown[0].strip()!r} / {self.shown[1].strip()!r}"

    # ------------------------------------------------------------------ sending
    def _write(self, operation: str, top: str, bottom: str) -> Future[None]:
        data = (
            cursor(1, 1) + encode(top, self.codec) + cursor(1, 2) + encode(bottom, self.codec)
        )
        job_id = f"{self.device_id}-{next(self._jobs)}"

        def work() -> None:
            self.require_enabled()
            self._send(data)
            self.shown = (top, bottom)
            self.emit(OutputCompleteEvent(self.device_id, job_id))

        return self.submit(operation, work)

    def _send(self, data: bytes) -> None:
        """Send, reopening a connection found closed once; then a DeviceError."""
        for attempt in (1, 2):
            if self._link is None or self._link.closed():
                self._disconnect()
                self._connect()
            try:
                assert self._link is not None
                self._link.send(data)
                return
            except OSError as exc:
                self._disconnect()
                if attempt == 2:
                    raise DeviceError(
                        f"{self.device_id}: the display connection failed while writing "
                        f"({exc}); check the display's cable or network, then retry"
                    ) from None

    def _connect(self) -> None:
        config = self.config
        try:
            if config.transport is Transport.NETWORK:
                port = config.port or DEFAULT_PORT
                self._link = _TcpLink(config.address, port, config.timeout_s)
            else:
                self._link = _SerialLink(config)
            self._link.send(
                INIT + select_table(self.table) + OVERWRITE_MODE + CURSOR_OFF + CLEAR
            )
        except OSError as exc:
            self._link = None
            where = (
                f"{config.address}:{config.port or DEFAULT_PORT}"
                if config.transport is Transport.NETWORK
                else config.address
            )
            raise DeviceError(
                f"{self.device_id}: cannot reach the line display at {where} ({exc}); check "
                "that it is on and connected, then retry"
            ) from None

    def _disconnect(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            try:
                link.close()
            except OSError:
                pass


def _split(text: str) -> tuple[str, str]:
    """A message over two lines of 20, broken at a space where possible."""
    if len(text) <= COLUMNS:
        return text, ""
    cut = text.rfind(" ", 0, COLUMNS + 1)
    if cut <= 0:
        return text[:COLUMNS], text[COLUMNS:]
    return text[:cut], text[cut + 1 :]
