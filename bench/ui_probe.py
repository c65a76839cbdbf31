"""The register window's figures, measured in process with the real widgets (offscreen):

- start to sign-in screen: from this process's start to the sign-in screen painted, and to the
  register open behind it (the store loaded, sign-in usable);
- scan to painted line, p50/p99, while a basket grows to 100 lines: from the scanner's last key
  (Enter) to the lines table painting the new row — wedge detection, the runtime on its worker,
  the snapshot and the repaint included;
- the longest UI-thread stall during a scripted 100-sale session (scans, pay exact cash, next
  sale), seen by a 5 ms heartbeat timer on the UI thread.

    python -m bench.ui_probe --products 20000     # quick, on a small store (seeded once)
    python -m bench.ui_probe                      # the 1,000,000-product store of make bench

Measurements, not tests: nothing asserts a time. Prints a table and a JSON line.
"""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()  # before Qt and the project load

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class PaintWatch(QObject):
    """Records when the lines table's viewport has painted `want` rows."""

    def __init__(self, window: object) -> None:
        super().__init__()
        self.window = window
        self.want = -1
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self.want >= 0 and self.painted_at is None:
            model = self.window.transaction.model  # type: ignore[attr-defined]
            if model.rowCount() >= self.want:
                self.painted_at = time.perf_counter()
        return False


class Heartbeat(QObject):
    """A 5 ms timer on the UI thread; the longest gap beyond 5 ms is the worst stall."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last - 0.005)
        self.last = now

    def stop(self) -> None:
        self.timer.stop()


def _pump(until: object, timeout: float = 30.0) -> None:
    app = QApplication.instance()
    assert app is not None
    deadline = time.perf_counter() + timeout
    while not until():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.0002)


def _scan(window: object, code: str) -> float:
    """Type `code` + Enter as a wedge scanner would; returns when Enter went in."""
    handle = window.windowHandle()  # type: ignore[attr-defined]
    for char in code:
        QTest.keyClick(handle, char)
    sent = time.perf_counter()
    QTest.keyClick(handle, Qt.Key.Key_Return)
    return sent


def _codes(db: Path, count: int, seed: int = 7) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM products").fetchone()[0]
        rng = random.Random(seed)
        codes: list[str] = []
        while len(codes) < count:
            ids = [rng.randint(1, top) for _ in range(count)]
            rows = conn.execute(
                "SELECT b.code FROM barcodes b JOIN products p ON p.item_id = b.item_id "
                f"WHERE p.id IN ({','.join('?' * len(ids))}) AND p.weighed = 0 "
                "AND p.keyed_in_price = 0 AND p.min_age = 0 AND p.serial_required = 0 "
                "AND p.blocked_for_sale = 0 AND p.inactive = 0 AND length(b.code) = 13 "
                "AND NOT EXISTS (SELECT 1 FROM variants v WHERE v.item_id = p.item_id)",
                ids).fetchall()
            codes.extend(r[0] for r in rows)
        return codes[:count]
    finally:
        conn.close()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(store: Path, sales: int, basket: int, startup_only: bool = False) -> dict[str, float]:
    from pos_app.composition import open_register
    from pos_app.ui.app import application
    from pos_app.ui.main_window import MainWindow
    from pos_app.ui.theme import apply_theme

    app = application()
    apply_theme(app, "light")
    window = MainWindow("en_US")
    window.resize(1920, 1080)
    shown: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and "sign_in" not in shown:
                shown["sign_in"] = time.perf_counter()
            return False

    first = FirstPaint()
    window.sign_in.installEventFilter(first)
    window.show()
    window.open_register(lambda sink: open_register(store, "R1", extensions=[], freeze=True,
                                                    device_events=sink))
    _pump(lambda: "sign_in" in shown and window.register is not None, 120)
    ready = time.perf_counter()
    startup = {"start_to_sign_in_painted_ms": (shown["sign_in"] - PROCESS_START) * 1000,
               "start_to_register_ready_ms": (ready - PROCESS_START) * 1000}
    if startup_only:
        return startup
    worker, session = window.worker, window.session
    assert worker is not None and session is not None
    worker.op(lambda _a: session.sign_in("1001", "1234"), doing="sign in",
              on_ok=lambda _v: window._after_session())
    _pump(lambda: window.current() in (window.shift_start, window.transaction))
    if window.current() is window.shift_start:
        window._open_shift("150")
        _pump(lambda: window.current() is window.transaction)
    window.activateWindow()
    codes = _codes(store, basket + sales * 4 + 10)

    # scan to painted line, basket growing to `basket` lines
    watch = PaintWatch(window)
    window.transaction.table.viewport().installEventFilter(watch)
    latencies: list[float] = []
    for number in range(basket):
        watch.want = window.transaction.model.rowCount() + 1
        watch.painted_at = None
        sent = _scan(window, codes[number])
        _pump(lambda: watch.painted_at is not None)
        assert watch.painted_at is not None
        latencies.append(watch.painted_at - sent)
    watch.want = -1
    # pay the 100-line basket, then the scripted session under the heartbeat
    heartbeat = Heartbeat()
    heartbeat.start()
    session_started = time.perf_counter()
    position = basket
    for sale in range(sales + 1):
        if sale:  # sale 0 is the 100-line basket
            for _ in range(3 + sale % 3):
                before = window.transaction.model.rowCount()
                _scan(window, codes[position])
                position += 1
                _pump(lambda b=before: window.transaction.model.rowCount() > b)
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_F12)  # Pay
        _pump(lambda: window.current() is window.tender)
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_F12)  # exact cash
        _pump(lambda: window.tender.done)
        window.tender.finish()
        _pump(lambda: window.current() is window.transaction
              and window.transaction.model.rowCount() == 0)
    heartbeat.stop()
    session_s = time.perf_counter() - session_started
    window.close()
    return {
        "scan_to_painted_line_p50_ms": statistics.median(latencies) * 1000,
        "scan_to_painted_line_p99_ms": _percentile(latencies, 99) * 1000,
        "scan_to_painted_line_max_ms": max(latencies) * 1000,
        "basket_lines": float(basket),
        "sales_in_session": float(sales + 1),
        "session_s": session_s,
        "longest_ui_stall_ms": heartbeat.worst * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--db", default=None, help="a store database (default: bench cache)")
    parser.add_argument("--sales", type=int, default=100)
    parser.add_argument("--basket", type=int, default=100)
    parser.add_argument("--startup-only", action="store_true",
                        help="(internal) measure start-up in this fresh process and stop")
    args = parser.parse_args()
    if args.startup_only:
        print(json.dumps(run(Path(args.db), 0, 0, startup_only=True)))
        os._exit(0)
    if args.db:
        source = Path(args.db)
    else:
        from bench.run import _store

        source = _store(args.products)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "register.db"
        shutil.copy(source, store)  # the probe sells: keep the cached store clean
        started = subprocess.run(  # a fresh process: start-up from a cold interpreter
            [sys.executable, "-m", "bench.ui_probe", "--startup-only", "--db", str(store)],
            check=True, capture_output=True, text=True)
        figures = json.loads(started.stdout.strip().splitlines()[-1])
        figures.update(run(store, args.sales, args.basket))
    for key, value in figures.items():
        print(f"{key:<32} {value:10.1f}")
    print(json.dumps({"products": args.products, **figures}))
    os._exit(0)  # skip PySide's teardown (it can abort at interpreter exit)


if __name__ == "__main__":
    raise SystemExit(main())
