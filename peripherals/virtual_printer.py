"""Our own virtual ESC/POS receipt printer, speaking the real wire protocol on 127.0.0.1 TCP
(and on a pseudo-terminal for serial), for the tests and `make demo`.

It answers DLE EOT 1-4 and GS r at once (even while it cannot print), records each job's text
lines, barcodes, QR codes and raster images (see virtual_printer_protocol), records drawer
kicks (ESC p, DLE DC4 1) and drives a drawer sensor from them. Tests set paper near end / out,
cover open, offline and the drawer sensor, and inject failures: reset the connection after so
many bytes, run out of paper after so many bytes, answer status requests with garbage or not at
all. While paper is out, the cover open or the printer offline, print data is counted as lost.

    with VirtualPrinter().start() as printer:      # printer.port: the TCP port it listens on
        ...                                        # printer.wait_for_jobs(1, timeout=5)

Command line: `python -m peripherals.virtual_printer --port 9100 [--pty]` prints every job.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from peripherals.virtual_printer_protocol import (
    JobBuilder,
    Kick,
    PanelState,
    PrintedJob,
    Token,
    Tokenizer,
    gs_r_byte,
    status_byte,
)

StatusMode = Literal["normal", "garbage", "silent"]
GARBAGE = b"\xa5GARBAGE\xff"
_POLL_S = 0.1  # how often blocked reads look at the stop flag


class _Reset(Exception):
    """The connection is to be reset now (a failure the test asked for)."""


class VirtualPrinter:
    """A virtual ESC/POS printer with a cash drawer on its kick-out connector.

    drawer_open_level: the pin 3 level while the drawer is open ("high" or "low").
    drawer_follows_kick: a kick opens the drawer (its sensor then reads open until
        `close_drawer()`); False models a drawer that is stuck or missing.
    on_job: called (from a server thread) with each finished job.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        drawer_open_level: Literal["high", "low"] = "high",
        drawer_follows_kick: bool = True,
        on_job: Callable[[PrintedJob], None] | None = None,
    ) -> None:
        self.host, self._port = host, port
        self.drawer_open_level = drawer_open_level
        self.drawer_follows_kick = drawer_follows_kick
        self._on_job = on_job
        self._cond = threading.Condition()
        self._panel = PanelState()
        self._drawer_open = False
        self._jobs: list[PrintedJob] = []
        self._kicks: list[Kick] = []
        self._status_requests = 0
        self._connections = 0
        self._status_mode: StatusMode = "normal"
        self._reset_budget: int | None = None
        self._paper_budget: int | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: socket.socket | None = None
        self._clients: set[socket.socket] = set()
        self._fds: list[int] = []
        self.pty_path: str | None = None

    # ------------------------------------------------------------------ life cycle
    def start(self) -> VirtualPrinter:
        """Listen on host:port (port 0: a free one, see `port`)."""
        server = socket.create_server((self.host, self._port))
        self._server = server
        self._port = server.getsockname()[1]
        self._spawn(self._accept, "accept")
        return self

    def start_pty(self) -> str:
        """Also serve on a raw pseudo-terminal; returns the path to open as a serial port.
        (A pty cannot be reset: `reset_after` only affects TCP connections.)"""
        import tty

        master, slave = os.openpty()
        tty.setraw(slave)
        self._fds += [master, slave]  # the slave stays open: reads never fail between clients
        self.pty_path = os.ttyname(slave)
        self._spawn(lambda: self._serve_pty(master), "pty")
        return self.pty_path

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.close()
        with self._cond:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()

    def __enter__(self) -> VirtualPrinter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=f"virtual-printer-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    # ------------------------------------------------------------------ panel and faults
    def set_panel(
        self,
        *,
        paper_near_end: bool | None = None,
        paper_out: bool | None = None,
        cover_open: bool | None = None,
        offline: bool | None = None,
    ) -> None:
        """Change sensors; None leaves one as it is."""
        changes = {
            "paper_near_end": paper_near_end,
            "paper_out": paper_out,
            "cover_open": cover_open,
            "offline": offline,
        }
        with self._cond:
            self._panel = replace(
                self._panel, **{k: v for k, v in changes.items() if v is not None}
            )

    @property
    def panel(self) -> PanelState:
        with self._cond:
            return replace(self._panel, drawer_pin3_high=self._pin3_high())

    def set_drawer_open(self, is_open: bool) -> None:
        with self._cond:
            self._drawer_open = is_open

    def close_drawer(self) -> None:
        self.set_drawer_open(False)

    @property
    def drawer_open(self) -> bool:
        with self._cond:
            return self._drawer_open

    def _pin3_high(self) -> bool:
        return self._drawer_open == (self.drawer_open_level == "high")

    def answer_status(self, mode: StatusMode) -> None:
        """normal, garbage (bytes that are no status byte) or silent (no answer: a timeout)."""
        with self._cond:
            self._status_mode = mode

    def reset_after(self, n_bytes: int) -> None:
        """Reset (RST) the TCP connection that brings the next `n_bytes` bytes, once."""
        with self._cond:
            self._reset_budget = n_bytes

    def drop_connections(self) -> None:
        """Close every open connection, as a printer does with idle ones."""
        with self._cond:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)

    def paper_out_after(self, n_bytes: int) -> None:
        """Run out of paper once `n_bytes` more bytes of print data have arrived."""
        with self._cond:
            self._paper_budget = n_bytes

    # ------------------------------------------------------------------ what happened
    @property
    def jobs(self) -> list[PrintedJob]:
        with self._cond:
            return list(self._jobs)

    @property
    def kicks(self) -> list[Kick]:
        with self._cond:
            return list(self._kicks)

    @property
    def status_requests(self) -> int:
        with self._cond:
            return self._status_requests

    @property
    def connections(self) -> int:
        with self._cond:
            return self._connections

    def wait_for_jobs(self, count: int, timeout: float) -> list[PrintedJob]:
        """The first `count` jobs, waiting up to `timeout`; TimeoutError when they do not come."""
        return self._wait(lambda: self._jobs, count, timeout, "jobs")

    def wait_for_kicks(self, count: int, timeout: float) -> list[Kick]:
        return self._wait(lambda: self._kicks, count, timeout, "drawer kicks")

    def _wait(self, items: Callable[[], list], count: int, timeout: float, what: str) -> list:  # type: ignore[type-arg]
        with self._cond:
            if not self._cond.wait_for(lambda: len(items()) >= count, timeout):
                raise TimeoutError(f"virtual printer: {len(items())} {what}, not {count}")
            return list(items())

    def clear(self) -> None:
        """Forget recorded jobs and kicks (between tests)."""
        with self._cond:
            self._jobs.clear()
            self._kicks.clear()
            self._status_requests = 0

    # ------------------------------------------------------------------ serving
    def _accept(self) -> None:
        server = self._server
        assert server is not None
        server.settimeout(_POLL_S)  # close() alone does not wake accept() on every platform
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._cond:
                self._clients.add(conn)
                self._connections += 1
            self._spawn(lambda conn=conn: self._serve_tcp(conn), "conn")  # type: ignore[misc]

    def _serve_tcp(self, conn: socket.socket) -> None:
        tokenizer, builder = Tokenizer(), JobBuilder()
        conn.settimeout(_POLL_S)
        try:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                try:
                    self._consume(data, tokenizer, builder, conn.sendall, resettable=True)
                except _Reset:
                    # SO_LINGER 0: close() sends RST, the client sees "connection reset"
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
                except OSError:
                    break
        finally:
            self._finish(builder)
            with self._cond:
                self._clients.discard(conn)
            conn.close()

    def _serve_pty(self, master: int) -> None:
        tokenizer, builder = Tokenizer(), JobBuilder()

        def send(data: bytes) -> None:
            os.write(master, data)

        while not self._stop.is_set():
            ready, _, _ = select.select([master], [], [], _POLL_S)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            self._consume(data, tokenizer, builder, send, resettable=False)
        self._finish(builder)

    def _consume(
        self,
        data: bytes,
        tokenizer: Tokenizer,
        builder: JobBuilder,
        send: Callable[[bytes], None],
        *,
        resettable: bool,
    ) -> None:
        reset = False
        with self._cond:
            budget = self._reset_budget
            if resettable and budget is not None:
                if len(data) >= budget:
                    data, reset, self._reset_budget = data[:budget], True, None
                else:
                    self._reset_budget = budget - len(data)
        for token in tokenizer.feed(data):
            reply = self._handle(token, builder)
            if reply:
                send(reply)
        if reset:
            raise _Reset

    def _handle(self, token: Token, builder: JobBuilder) -> bytes:
        """Act on one token; returns the bytes to answer."""
        raw, name = token.raw, token.name
        with self._cond:
            if name == b"\x10\x04" or name == b"\x1dr":
                self._status_requests += 1
                panel = replace(self._panel, drawer_pin3_high=self._pin3_high())
                answer = status_byte(raw[2], panel) if name == b"\x10\x04" else None
                answer = gs_r_byte(raw[2], panel) if name == b"\x1dr" else answer
                if self._status_mode == "silent" or answer is None:
                    return b""
                return GARBAGE if self._status_mode == "garbage" else answer
            if name == b"\x10\x14" and raw[2] == 1:
                self._kick(Kick(2 if raw[3] == 0 else 5, raw[4] * 100, realtime=True))
                return b""
            if token.kind == "realtime":
                return b""
            if name == b"\x1bp":
                self._kick(Kick(2 if raw[2] in (0, 48) else 5, raw[3] * 2))
                return b""
            parts = [(token, not self._panel.stopped)]
            budget = self._paper_budget
            if budget is not None and (
                token.kind == "text" or name in (b"\x1dv", b"\x1dk", b"\x1d(")
            ):
                if len(raw) < budget:
                    self._paper_budget = budget - len(raw)
                else:  # the paper ends inside this token: text up to there still prints
                    self._paper_budget = None
                    self._panel = replace(self._panel, paper_out=True)
                    if token.kind == "text":
                        parts = [(Token("text", raw[:budget]), parts[0][1])]
                        parts.append((Token("text", raw[budget:]), False))
                    else:
                        parts = [(token, False)]
        for part, printing in parts:
            finished = builder.add(part, printing)
            if finished is not None:
                self._record(finished)
        return b""

    def _kick(self, kick: Kick) -> None:
        self._kicks.append(kick)
        if self.drawer_follows_kick:
            self._drawer_open = True
        self._cond.notify_all()

    def _finish(self, builder: JobBuilder) -> None:
        job = builder.finish()
        if job is not None:
            self._record(job)

    def _record(self, job: PrintedJob) -> None:
        with self._cond:
            self._jobs.append(job)
            self._cond.notify_all()
        if self._on_job is not None:
            self._on_job(job)


def _print_job(job: PrintedJob) -> None:
    ended = "cut" if job.cut else "connection closed"
    print(f"--- job ({ended}, {len(job.raw)} bytes, {len(job.images)} image(s)) ---")
    for line in job.lines:
        print(line)
    for code in job.barcodes:
        print(f"[barcode {code}]")
    for code in job.qr_codes:
        print(f"[QR {code}]")
    if job.lost_bytes:
        print(f"[{job.lost_bytes} bytes lost: the printer could not print]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m peripherals.virtual_printer",
        description="A virtual ESC/POS receipt printer with a cash drawer (Ctrl+C stops).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="TCP port (0: any free port)")
    parser.add_argument("--pty", action="store_true", help="also serve on a pseudo-terminal")
    parser.add_argument("--paper-near-end", action="store_true")
    args = parser.parse_args(argv)
    printer = VirtualPrinter(args.host, args.port, on_job=_print_job)
    try:
        printer.start()
    except OSError as exc:
        parser.exit(2, f"cannot listen on {args.host}:{args.port}: {exc}\n")
    printer.set_panel(paper_near_end=args.paper_near_end)
    print(f"virtual ESC/POS printer on {args.host}:{printer.port}", flush=True)
    if args.pty:
        print(f"serial (pty): {printer.start_pty()}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
