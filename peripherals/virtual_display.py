"""A virtual 2×20 customer display of our own, listening on TCP like a networked display.

It decodes the ESC/POS display commands it receives back into the two lines a shopper would
see (cursor moves, clear, overwrite mode, the code table for €/accents), so tests assert on what
is shown rather than on bytes, and `make demo` can show the display in a terminal:

    python -m peripherals.virtual_display --port 9101     # prints both lines on every change

A byte sequence it does not understand is kept in `unknown`, so a test can insist on none.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable

from escpos.capabilities import get_profile  # type: ignore[import-untyped]

COLUMNS, ROWS = 20, 2
ESC, US = 0x1B, 0x1F


def _tables() -> dict[int, str]:
    """ESC t table number → Python codec, from python-escpos' default (Epson) numbering."""
    found: dict[int, str] = {}
    for name, number in get_profile("default").get_code_pages().items():
        codec = name.lower().replace("iso_", "iso").replace("-", "_")
        try:
            "".encode(codec)
        except LookupError:
            continue
        found[int(number)] = codec
    return found


class DisplayDecoder:
    """Turns the byte stream into the display's two visible lines (incrementally)."""

    def __init__(self) -> None:
        self._tables = _tables()
        self._pending = bytearray()
        self.unknown: list[bytes] = []
        self.reset()

    def reset(self) -> None:
        self.cells = [[" "] * COLUMNS for _ in range(ROWS)]
        self.col, self.line = 0, 0
        self.codec = self._tables.get(0, "cp437")

    @property
    def lines(self) -> tuple[str, str]:
        return "".join(self.cells[0]), "".join(self.cells[1])

    def feed(self, data: bytes) -> None:
        self._pending += data
        while self._pending:
            used = self._command(bytes(self._pending))
            if used == 0:
                return  # an incomplete command: wait for its remaining bytes
            del self._pending[:used]

    # ------------------------------------------------------------------ commands
    def _command(self, buf: bytes) -> int:
        """Act on the command at the start of `buf`; the bytes it used (0: incomplete)."""
        b = buf[0]
        if b == ESC or b == US:
            return self._sequence(buf)
        if b == 0x0C:  # FF: clear, cursor home
            self.cells = [[" "] * COLUMNS for _ in range(ROWS)]
            self.col, self.line = 0, 0
        elif b == 0x0B:  # HOM
            self.col, self.line = 0, 0
        elif b == 0x0D:  # CR
            self.col = 0
        elif b == 0x0A:  # LF
            self.line = (self.line + 1) % ROWS
        elif b == 0x08:  # BS
            self.col = max(self.col - 1, 0)
        elif b == 0x09:  # HT
            self._advance()
        elif b == 0x18:  # CAN: clear the cursor line
            self.cells[self.line] = [" "] * COLUMNS
        elif b < 0x20:
            self.unknown.append(bytes([b]))
        else:
            self._put(bytes([b]).decode(self.codec, errors="replace"))
        return 1

    def _sequence(self, buf: bytes) -> int:
        if len(buf) < 2:
            return 0
        head, code = buf[0], buf[1]
        if head == ESC and code == ord("@"):
            self.reset()
            return 2
        if head == ESC and code in (ord("t"), ord("R"), ord("=")):
            if len(buf) < 3:
                return 0
            if code == ord("t"):
                self.codec = self._tables.get(buf[2], self.codec)
                if buf[2] not in self._tables:
                    self.unknown.append(buf[:3])
            return 3
        if head == US and code in (0x01, 0x02, 0x03):  # MD1 overwrite, MD2/MD3 scroll modes
            return 2
        if head == US and code == ord("$"):
            if len(buf) < 4:
                return 0
            self.col = min(max(buf[2], 1), COLUMNS) - 1
            self.line = min(max(buf[3], 1), ROWS) - 1
            return 4
        if head == US and code in (ord("C"), ord("X"), ord("E")):  # cursor, brightness, blink
            return 3 if len(buf) >= 3 else 0
        self.unknown.append(buf[:2])
        return 2

    def _put(self, ch: str) -> None:
        self.cells[self.line][self.col] = ch
        self._advance()

    def _advance(self) -> None:
        self.col += 1
        if self.col == COLUMNS:  # overwrite mode: on to the start of the other line
            self.col = 0
            self.line = (self.line + 1) % ROWS


class VirtualDisplay:
    """TCP customer display on 127.0.0.1; `start()` returns its port."""

    def __init__(self, port: int = 0, on_change: Callable[[tuple[str, str]], None] | None = None):
        self.decoder = DisplayDecoder()
        self.received = bytearray()
        self._requested_port = port
        self._on_change = on_change
        self._changed = threading.Condition()
        self._server: socket.socket | None = None
        self._clients: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.port = 0

    @property
    def lines(self) -> tuple[str, str]:
        with self._changed:
            return self.decoder.lines

    @property
    def unknown(self) -> list[bytes]:
        with self._changed:
            return list(self.decoder.unknown)

    def start(self) -> int:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self._requested_port))
        server.listen(4)
        server.settimeout(0.1)
        self._server = server
        self.port = server.getsockname()[1]
        self._requested_port = self.port  # a restart listens on the same port again
        self._stop.clear()
        self._spawn(self._accept_loop)
        return self.port

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()
        self.drop_clients()  # after the accept loop ended, so no connection slips through
        if self._server is not None:
            self._server.close()
            self._server = None

    def drop_clients(self) -> None:
        """Reset every connection (a display switched off or a cable pulled)."""
        with self._changed:
            clients, self._clients = self._clients, []
        for client in clients:
            try:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                client.shutdown(socket.SHUT_RDWR)  # at once, even while its reader is in recv
                client.close()
            except OSError:
                pass

    def wait_for(self, top: str, bottom: str, timeout: float = 5.0) -> bool:
        """Wait until the display shows exactly these lines (padded to 20); False on timeout."""
        want = (top.ljust(COLUMNS)[:COLUMNS], bottom.ljust(COLUMNS)[:COLUMNS])
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.decoder.lines != want:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def __enter__(self) -> VirtualDisplay:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ serving
    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="virtual-display")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            server = self._server
            if server is None:
                return
            try:
                client, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            client.settimeout(0.1)
            with self._changed:
                self._clients.append(client)
            self._spawn(self._client_loop, client)

    def _client_loop(self, client: socket.socket) -> None:
        """Reads until the peer hangs up; a stop leaves the socket for `drop_clients`."""
        while not self._stop.is_set():
            try:
                data = client.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            with self._changed:
                before = self.decoder.lines
                self.received += data
                self.decoder.feed(data)
                after = self.decoder.lines
                self._changed.notify_all()
            if after != before and self._on_change is not None:
                self._on_change(after)


def _print_lines(lines: tuple[str, str]) -> None:
    print("+" + "-" * COLUMNS + "+")
    for line in lines:
        print(f"|{line}|")
    print("+" + "-" * COLUMNS + "+", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A virtual 2x20 ESC/POS customer display.")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    args = parser.parse_args(argv)
    display = VirtualDisplay(args.port, on_change=_print_lines)
    port = display.start()
    print(f"line display on 127.0.0.1:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        display.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
