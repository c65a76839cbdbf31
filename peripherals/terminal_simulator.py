"""Our own nexo payment terminal: an HTTP server on 127.0.0.1 for tests and the demo.

It speaks the same SaleToPOI JSON as the driver and can be told how to behave, per next request
or by amount: approve, decline, approve part, hang past the register's timeout (and then report
approved, not found or in progress to a status query), drop the connection after approving, or
answer garbage. Every answer carries merchant and card-holder receipt text.

    python -m peripherals.terminal_simulator --port 8443

starts it for the demo, with amounts scripted by their cents (see `DEMO_CENTS`).
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType

from peripherals import payment_messages as nexo
from peripherals.config import DeviceConfig, Transport
from peripherals.events import DeviceCategory
from peripherals.terminal_simulator_book import (
    Action,
    Behaviour,
    Counters,
    SimTransaction,
    TerminalBook,
)

__all__ = ["Action", "Behaviour", "DEMO_CENTS", "TerminalSimulator"]

# The demo's scripted amounts: a sale whose total ends in these cents makes the terminal...
DEMO_CENTS: dict[int, Behaviour] = {
    91: Behaviour(Action.DECLINE),
    92: Behaviour(Action.PARTIAL),
    93: Behaviour(Action.HANG_APPROVED, hang_s=15),
    94: Behaviour(Action.HANG_NOT_FOUND, hang_s=15),
    95: Behaviour(Action.DROP_AFTER_APPROVE),
    96: Behaviour(Action.GARBAGE),
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], book: TerminalBook, path: str) -> None:
        super().__init__(address, _Handler)
        self.book = book
        self.path = path
        self.hangs = threading.Condition()
        self.generation = 0  # bumped by end_hangs()
        self.stopped = False

    def hang(self, seconds: float) -> None:
        """Wait `seconds`, or less if the simulator stops or `end_hangs()` is called."""
        with self.hangs:
            started = self.generation
            self.hangs.wait_for(
                lambda: self.stopped or self.generation != started, timeout=seconds
            )

    def end_hangs(self, stopping: bool = False) -> None:
        with self.hangs:
            self.generation += 1
            self.stopped = self.stopped or stopping
            self.hangs.notify_all()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.close_connection = True
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._send(400, b"MessageFormat: a bad Content-Length")
            return
        if not 0 <= length <= nexo.MAX_MESSAGE_BYTES:
            self._send(413, b"MessageFormat: the message is too large")
            return
        raw = self.rfile.read(length)
        if self.path != self.server.path:
            self._send(404, f"the nexo endpoint is {self.server.path}".encode())
            return
        try:
            reply = self.server.book.handle(raw)
        except Exception as exc:  # noqa: BLE001 - a simulator bug answers 500, never hangs
            self._send(500, f"simulator error: {exc.__class__.__name__}: {exc}".encode())
            return
        if reply.delay_s:
            self.server.hang(reply.delay_s)
        if reply.then is not None:
            reply.then()
        if reply.body is None:
            self._drop()
        else:
            self._send(reply.http_status, reply.body)

    def do_GET(self) -> None:
        self._send(405, b"POST SaleToPOIRequest JSON to the nexo endpoint")

    def _send(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:  # the register gave up waiting (a hang): nobody to answer
            pass

    def _drop(self) -> None:
        """Close the connection without a word, as a terminal that lost its network would."""
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass  # the book echoes what matters


class TerminalSimulator:
    """Start it, point a NexoTerminal at `url`, script it, read its counters, stop it."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        poi_id: str = "POI1",
        path: str = "/nexo",
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.book = TerminalBook(poi_id, echo)
        self._server = _Server((host, port), self.book, path)
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ life cycle
    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self._server.path}"

    def start(self) -> TerminalSimulator:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="terminal-simulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def end_hangs(self) -> None:
        """End every hang now, as if its time were up (tests: no waiting on the clock)."""
        self._server.end_hangs()

    def stop(self) -> None:
        """Wake every hanging request, stop serving and free the port."""
        self._server.end_hangs(stopping=True)
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> TerminalSimulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def device_config(
        self, device_id: str = "terminal", timeout_s: float = 5.0, **options: str
    ) -> DeviceConfig:
        """A NexoTerminal config pointing at this simulator (tests, demo)."""
        return DeviceConfig(
            device_id,
            DeviceCategory.PAYMENT_TERMINAL,
            "nexo",
            Transport.NETWORK,
            address=self.url,
            timeout_s=timeout_s,
            options={"poi_id": self.book.poi_id, **options},
        )

    # ------------------------------------------------------------------ scripting
    def script_next(self, *behaviours: Behaviour | Action) -> None:
        self.book.script_next(*(_behaviour(b) for b in behaviours))

    def script_next_reversal(self, *behaviours: Behaviour | Action) -> None:
        self.book.script_next_reversal(*(_behaviour(b) for b in behaviours))

    def script_amount(self, amount: Decimal, behaviour: Behaviour | Action) -> None:
        self.book.script_amount(amount, _behaviour(behaviour))

    def script_cents(self, cents: int, behaviour: Behaviour | Action) -> None:
        self.book.script_cents(cents, _behaviour(behaviour))

    # ------------------------------------------------------------------ what happened
    @property
    def counters(self) -> Counters:
        return self.book.counters

    @property
    def charge_count(self) -> int:
        """Card payments that took money (a refused duplicate never counts)."""
        return self.book.counters.charges

    def transaction(self, sale_transaction_id: str) -> SimTransaction | None:
        return self.book.transaction(sale_transaction_id)


def _behaviour(value: Behaviour | Action) -> Behaviour:
    return value if isinstance(value, Behaviour) else Behaviour(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nexo payment terminal simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--poi-id", default="POI1")
    parser.add_argument(
        "--no-demo-rules", action="store_true", help="approve everything (no scripted cents)"
    )
    args = parser.parse_args(argv)
    try:
        simulator = TerminalSimulator(
            args.host, args.port, poi_id=args.poi_id, echo=lambda line: print(line, flush=True)
        )
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    if not args.no_demo_rules:
        for cents, behaviour in DEMO_CENTS.items():
            simulator.script_cents(cents, behaviour)
    done = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    simulator.start()
    print(f"nexo terminal simulator {args.poi_id} listening on {simulator.url}", flush=True)
    if not args.no_demo_rules:
        for cents, behaviour in DEMO_CENTS.items():
            print(f"  amounts ending in .{cents:02d}: {behaviour.action.value}", flush=True)
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
