"""Scanner event to runtime call latency (issue #6): `python -m bench.scanner_probe [scans]`.

Two paths, each over many scans of real catalogue barcodes on a seeded store:
- serial: the scanner's bytes written on a pseudo-terminal → SerialScanner's reader thread →
  parse → DataEvent → handed to the "UI" thread through a queue (as the Qt signal bridge does)
  → the callback that calls the runtime's add_line;
- wedge: the last keystroke (the Enter suffix) fed to WedgeScanner → parse → DataEvent →
  the same callback, on the same thread (the Qt layer feeds keys on the UI thread).
For each: time to the callback, time to the line being added (the runtime call included), and
the runtime call alone. Prints one JSON object as its last line. Nothing asserts a time.
"""

from __future__ import annotations

import json
import queue
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from local_db import open_database, sample_barcodes, seed_store
from peripherals.config import DeviceConfig, Transport
from peripherals.events import DataEvent, DeviceCategory, DeviceEvent
from peripherals.scan_parse import ScanResult
from peripherals.scanner import SerialScanner
from peripherals.scanner_wedge import WedgeScanner
from peripherals.virtual_scale import PtyPair
from pos_app.composition import open_register
from runtime.operations import AddLine, AddTender, Conclude
from runtime.security_requests import SignIn
from runtime.shift_requests import OpenShift

KEY_GAP_S = 0.004  # a wedge scanner's key interval (timestamps only; nothing sleeps)
LINES_PER_SALE = 20


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(s * 1000 for s in seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 3), "p99_ms": round(p99, 3)}


class _Till:
    """The runtime side: a signed-in register with an open shift that rings up scanned codes."""

    def __init__(self, path: Path) -> None:
        self.register = open_register(path, "R1", extensions=[])
        self.rt = self.register.runtime
        assert self.rt.sign_in(SignIn("9001", "9999")).ok
        assert self.rt.open_shift(OpenShift({"cash": Decimal("200.00")})).ok
        self.lines = 0
        self.call_seconds: list[float] = []

    def scan(self, result: ScanResult) -> None:
        """The callback the scanner's DataEvent reaches: one runtime call per scan."""
        started = time.perf_counter()
        outcome = self.rt.add_line(AddLine(barcode=result.lookup_code))
        self.call_seconds.append(time.perf_counter() - started)
        assert outcome.ok, outcome.refusal
        self.lines += 1
        if self.lines % LINES_PER_SALE == 0:  # keep the basket a realistic size
            due = self.rt.transaction.totals.balance_due  # type: ignore[union-attr]
            assert self.rt.add_tender(AddTender("cash", (due // 10 + 1) * 10)).ok
            assert self.rt.conclude(Conclude()).ok

    def close(self) -> None:
        self.register.close()


def serial_path(till: _Till, codes: list[str], scans: int) -> dict[str, object]:
    events: queue.Queue[tuple[float, ScanResult]] = queue.Queue()

    def sink(event: DeviceEvent) -> None:  # runs on the scanner's reader thread
        if isinstance(event, DataEvent):
            events.put((time.perf_counter(), event.data))  # type: ignore[arg-type]

    pty = PtyPair()
    config = DeviceConfig(
        "bench-serial", DeviceCategory.SCANNER, "serial", Transport.SERIAL, pty.path
    )
    scanner = SerialScanner(config, sink)
    to_event, to_callback, to_line = [], [], []
    try:
        scanner.start(timeout=10)
        till.call_seconds.clear()
        for i in range(scans):
            code = codes[i % len(codes)]
            written = time.perf_counter()
            pty.write(code.encode("ascii") + b"\r")
            emitted, result = events.get(timeout=5)
            called = time.perf_counter()  # the "UI thread" callback starts here
            till.scan(result)
            done = time.perf_counter()
            to_event.append(emitted - written)
            to_callback.append(called - written)
            to_line.append(done - written)
    finally:
        scanner.shutdown()
        pty.close()
    return {
        "scan_to_event": _ms(to_event),
        "scan_to_callback": _ms(to_callback),
        "scan_to_line_added": _ms(to_line),
        "runtime_add_line": _ms(till.call_seconds),
    }


def wedge_path(till: _Till, codes: list[str], scans: int) -> dict[str, object]:
    received: list[tuple[float, ScanResult]] = []

    def sink(event: DeviceEvent) -> None:  # runs on the thread that feeds keys (the UI's)
        if isinstance(event, DataEvent):
            received.append((time.perf_counter(), event.data))  # type: ignore[arg-type]

    config = DeviceConfig(
        "bench-wedge", DeviceCategory.SCANNER, "wedge", Transport.KEYBOARD, scanner_suffix="\r"
    )
    scanner = WedgeScanner(config, sink)
    to_callback, to_line = [], []
    try:
        scanner.start(timeout=10)
        till.call_seconds.clear()
        clock = 0.0
        for i in range(scans):
            code = codes[i % len(codes)]
            for ch in code:
                scanner.feed(ch, clock)
                clock += KEY_GAP_S
            received.clear()
            last_key = time.perf_counter()
            scanner.feed("\r", clock)
            clock += 1.0  # the next scan comes after a pause
            called, result = received[0]
            till.scan(result)
            done = time.perf_counter()
            to_callback.append(called - last_key)
            to_line.append(done - last_key)
    finally:
        scanner.shutdown()
    return {
        "last_key_to_callback": _ms(to_callback),
        "last_key_to_line_added": _ms(to_line),
        "runtime_add_line": _ms(till.call_seconds),
    }


def main(argv: list[str]) -> int:
    scans = int(argv[0]) if argv else 500
    work = Path(tempfile.mkdtemp(prefix="tillpoint-scanner-"))
    try:
        path = work / "register.db"
        seed_store(path, products=2000, seed=5)
        db = open_database(path)
        try:
            codes = sample_barcodes(db, 300)
        finally:
            db.close()
        till = _Till(path)
        try:
            figures = {
                "scans": scans,
                "serial": serial_path(till, codes, scans),
                "wedge": wedge_path(till, codes, scans),
            }
        finally:
            till.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
