"""Receipt printing figures for `make bench` (issue #6): from "conclude" to the last receipt byte
at a network printer, for a 30-line receipt with the logo and the receipt-number barcode.

A real register (`pos_app.composition.open_register` on a freshly seeded store) rings up 30
distinct items per sale and takes cash; the clock starts just before `conclude` (which commits
the sale, its journal entry and outbox row to SQLite) and stops when our virtual ESC/POS printer
on 127.0.0.1 TCP has received the job's final byte (the cut). In between: building the receipt
document, handing it to the printer's worker, rendering ESC/POS with python-escpos, the status
check before printing (DLE EOT 1/2/4 round trip) and sending. The parts are reported too:
conclude alone, building the document, and print_document() to the last byte (render_escpos is
timed apart, outside the loop's clock). Nothing here asserts a time.

    .venv/bin/python -m bench.printer_probe [repetitions]
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from local_db import open_database, sample_barcodes, seed_store
from peripherals.config import DeviceConfig, Transport
from peripherals.events import DeviceCategory, EventRecorder
from peripherals.printer import EscposPrinter
from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import DEMO_LOGO
from peripherals.virtual_printer import VirtualPrinter
from pos_app.composition import open_register
from runtime.operations import AddLine, AddTender, Conclude
from runtime.security_requests import SignIn
from runtime.shift_requests import OpenShift

LINES = 30
WARMUP = 5


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(repetitions: int) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="tillpoint-print-"))
    db_path = work / "register.db"
    seed_store(db_path, products=2000, seed=5)
    db = open_database(db_path)
    try:
        codes = sample_barcodes(db, LINES)
    finally:
        db.close()
    assert len(codes) == LINES
    reg = open_register(db_path, "R1", extensions=[])
    rt = reg.runtime
    virtual = VirtualPrinter().start()
    config = DeviceConfig(
        "front",
        DeviceCategory.RECEIPT_PRINTER,
        "escpos",
        Transport.NETWORK,
        "127.0.0.1",
        virtual.port,
        options={"logo": DEMO_LOGO},
    )
    printer = EscposPrinter(config, EventRecorder())
    total, conclude, build, print_only, render, sizes = [], [], [], [], [], []
    try:
        printer.start()
        assert rt.sign_in(SignIn("9001", "9999")).ok
        assert rt.open_shift(OpenShift({"cash": Decimal("200.00")})).ok
        # python-escpos announces every barcode on stdout; keep the last line for the figures
        with contextlib.redirect_stdout(io.StringIO()):
            for n in range(WARMUP + repetitions):
                for code in codes:
                    assert rt.add_line(AddLine(barcode=code)).ok
                due = rt.transaction.totals.balance_due  # type: ignore[union-attr]
                assert rt.add_tender(AddTender("cash", (due // 10 + 1) * 10)).ok
                t0 = time.perf_counter()
                result = rt.conclude(Conclude())
                t1 = time.perf_counter()
                assert result.ok, result.refusal
                document = result.value.receipt  # type: ignore[union-attr]
                t2 = time.perf_counter()
                job = printer.print_document(document, f"receipt-{n}")
                (last,) = virtual.wait_for_jobs(n + 1, timeout=30)[n:]
                job.result(timeout=30)
                assert last.cut and len(last.images) == 1
                assert last.barcodes == [document.receipt_number], "the barcode must print"
                if n < WARMUP:
                    continue
                total.append((last.ended_at - t0) * 1000)
                conclude.append((t1 - t0) * 1000)
                build.append((t2 - t1) * 1000)
                print_only.append((last.ended_at - t2) * 1000)
                r0 = time.perf_counter()
                data = render_escpos(document, printer.receipt_profile)
                render.append((time.perf_counter() - r0) * 1000)
                sizes.append(len(data))
    finally:
        printer.shutdown()
        virtual.stop()
        reg.close()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "receipt_item_lines": LINES,
        "printed_lines": len(last.lines),
        "receipt_bytes": int(statistics.median(sizes)),
        "repetitions": repetitions,
        "conclude_to_last_byte_p50_ms": statistics.median(total),
        "conclude_to_last_byte_p99_ms": pct(total, 99),
        "conclude_p50_ms": statistics.median(conclude),
        "conclude_p99_ms": pct(conclude, 99),
        "receipt_document_p50_ms": statistics.median(build),
        "print_to_last_byte_p50_ms": statistics.median(print_only),
        "print_to_last_byte_p99_ms": pct(print_only, 99),
        "render_escpos_p50_ms": statistics.median(render),
    }


def main(argv: list[str]) -> int:
    repetitions = int(argv[0]) if argv else 200
    figures = run(repetitions)
    for key, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else value
        print(f"{key:32} {shown}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
