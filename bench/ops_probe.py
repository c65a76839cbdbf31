"""Store-operations figures for `make bench` (issue #4): the Z report over a shift of 10,000
sales, and signing in with an argon2id password hash.

The shift's sales are rung up through the real runtime on a seeded store (1–6 lines each, two
thirds paid in cash with change, a third by card, some voided lines and transactions), so the
report reads exactly the rows a register writes.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from local_db import open_database, sample_barcodes, seed_store
from pos_app.composition import open_register
from runtime.operations import AddLine, AddTender, Conclude, TenderCard, VoidLine, VoidTransaction
from runtime.security_requests import SignIn, SignOut
from runtime.shift_requests import CloseShift, DeclareTenders, OpenShift, PrintXReport


class _Approving:
    """The payment terminal stand-in: approves every card payment at once."""

    def authorize(self, request: object) -> object:
        from runtime.ports import PaymentOutcome, PaymentStatus

        return PaymentOutcome(PaymentStatus.APPROVED, request.amount, "ref", "VISA")  # type: ignore[attr-defined]

    def status(self, request_id: str) -> object:
        raise NotImplementedError

    def reverse(self, request_id: str, reference: str | None) -> object:
        raise NotImplementedError

    def refund(self, request: object, original_reference: str | None) -> object:
        raise NotImplementedError


EUR = ("500", "200", "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05",
       "0.02", "0.01")  # fmt: skip


def _notes_and_coins(amount: Decimal) -> dict[str, int]:
    """The count a cashier would make of `amount` in the drawer, largest denominations first."""
    counts: dict[str, int] = {}
    for value in EUR:
        n = int(amount // Decimal(value))
        if n:
            counts[value] = n
            amount -= n * Decimal(value)
    return counts


def _fresh_store(work: Path) -> Path:
    """A store seeded now, at the current schema (with its staff and shift data)."""
    path = work / "register.db"
    seed_store(path, products=2000, seed=5)
    return path


def zreport(sales: int) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="tillpoint-z-"))
    path = _fresh_store(work)
    db = open_database(path)
    try:
        codes = sample_barcodes(db, 500)
    finally:
        db.close()
    reg = open_register(path, "R1", payment=_Approving(), extensions=[])  # type: ignore[arg-type]
    rt = reg.runtime
    rng = random.Random(11)
    try:
        assert rt.sign_in(SignIn("9001", "9999")).ok
        assert rt.open_shift(OpenShift({"cash": Decimal("200.00")})).ok
        started = time.perf_counter()
        for n in range(sales):
            for _ in range(rng.randint(1, 6)):
                rt.add_line(AddLine(barcode=rng.choice(codes)))
            tx = rt.transaction
            if tx is None or not tx.active_lines:
                continue
            if n % 50 == 0 and len(tx.active_lines) > 1:
                assert rt.void_line(VoidLine(tx.active_lines[0].line_id)).ok
            if n % 97 == 0:
                assert rt.void_transaction(VoidTransaction("customer left")).ok
                continue
            if n % 3 == 2:
                assert rt.tender_card(TenderCard("card")).ok
            else:
                due = rt.transaction.totals.balance_due  # type: ignore[union-attr]
                assert rt.add_tender(AddTender("cash", (due // 10 + 1) * 10)).ok
            assert rt.conclude(Conclude()).ok, n
        ring_seconds = time.perf_counter() - started
        x_times = []
        for _ in range(7):
            t0 = time.perf_counter()
            result = rt.x_report(PrintXReport())
            x_times.append((time.perf_counter() - t0) * 1000)
            assert result.ok, result.refusal
        report = result.value.report  # type: ignore[union-attr]
        cash = report.tender("cash").expected
        card = report.tender("card").expected
        counts = {"cash": _notes_and_coins(cash), "card": card}
        declared = rt.declare_tenders(DeclareTenders(counts))
        assert declared.ok, declared.refusal
        t0 = time.perf_counter()
        closed = rt.close_shift(CloseShift())
        close_ms = (time.perf_counter() - t0) * 1000
        assert closed.ok, closed.refusal
        return {
            "sales": report.figures.sales_count,
            "ring_up_seconds": ring_seconds,
            "x_report_p50_ms": statistics.median(x_times),
            "x_report_max_ms": max(x_times),
            "z_close_ms": close_ms,
        }
    finally:
        reg.close()
        shutil.rmtree(work, ignore_errors=True)


def signin(tries: int = 15) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="tillpoint-signin-"))
    path = _fresh_store(work)
    reg = open_register(path, "R1", extensions=[])
    rt = reg.runtime
    try:
        times = []
        for _ in range(tries):
            t0 = time.perf_counter()
            result = rt.sign_in(SignIn("1001", "1234"))
            times.append((time.perf_counter() - t0) * 1000)
            assert result.ok, result.refusal
            assert rt.sign_out(SignOut()).ok
        t0 = time.perf_counter()
        wrong = rt.sign_in(SignIn("1002", "0000"))
        wrong_ms = (time.perf_counter() - t0) * 1000
        assert not wrong.ok
        return {
            "tries": tries,
            "signin_p50_ms": statistics.median(times),
            "signin_max_ms": max(times),
            "wrong_secret_ms": wrong_ms,
        }
    finally:
        reg.close()
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[0]
    if command == "zreport":
        print(json.dumps(zreport(int(argv[1]))))
    elif command == "signin":
        print(json.dumps(signin()))
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
