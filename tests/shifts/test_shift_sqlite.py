"""Shifts over a real SQLite register database: every event on the journal chain and in the
outbox, the Z report from SQL aggregates, the stored Z for reprints, restarts and refusals."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import DEMO_ITEMS, verify_ledger
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    RefusalCode,
    StartTransaction,
    TenderCard,
    VoidLine,
    VoidTransaction,
)
from runtime.shift_calc import figures_from_transactions
from runtime.shift_requests import (
    BankDrop,
    CloseShift,
    DeclareTenders,
    FloatEntry,
    NoSale,
    OpenShift,
    PayIn,
    PayOut,
    ResumeShift,
    SafeDrop,
    TenderRemoval,
)
from runtime.shifts import DrawerKind, ShiftStatus
from runtime.transaction import Transaction
from tests.runtime.fakes import ok
from tests.shifts.shift_support import SqlRig, copy_store, refused_with, sql_runtime

D = Decimal


@pytest.fixture
def db_path(tmp_path: Path, seeded_store: Path) -> Path:
    return copy_store(seeded_store, tmp_path)


@pytest.fixture
def reg(db_path: Path) -> SqlRig:
    rig = sql_runtime(db_path)
    yield rig  # type: ignore[misc]
    rig.close()


def _rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def _counts(path: Path) -> tuple[object, ...]:
    return _rows(
        path,
        "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM journal_entries),"
        " (SELECT count(*) FROM drawer_operations), (SELECT count(*) FROM shifts),"
        " (SELECT group_concat(status) FROM shifts)",
    )[0]


def _sell(rig: SqlRig, *keys: str, cash: str | None = None) -> Transaction:
    rt = rig.rt
    for key in keys:
        ok(rt.add_line(AddLine(barcode=DEMO_ITEMS[key])))
    if cash is None:
        ok(rt.tender_card(TenderCard("card")))
    else:
        ok(rt.add_tender(AddTender("cash", D(cash))))
    return ok(rt.conclude(Conclude())).transaction


def test_a_shift_on_sqlite_from_open_to_z_report(reg: SqlRig) -> None:
    rt = reg.rt
    shift = ok(rt.open_shift(OpenShift(start_amounts={"cash": "150.00"}))).shift
    assert (shift.number, shift.model.value) == (1, "floating")
    sale = _sell(reg, "espresso", "cola", cash="20")  # 15.88, change 4.12
    assert sale.shift_id == shift.shift_id
    _sell(reg, "chocolate")  # 1.49 by card
    ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["chocolate"])))
    ok(rt.void_transaction(VoidTransaction("customer left")))
    ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])))
    ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["cola"])))
    ok(rt.void_line(VoidLine("L2")))
    ok(rt.add_tender(AddTender("cash")))
    ok(rt.conclude(Conclude()))  # 14.99 exact
    ok(rt.float_entry(FloatEntry("25")))
    ok(rt.tender_removal(TenderRemoval("5")))
    ok(rt.safe_drop(SafeDrop("100")))
    ok(rt.bank_drop(BankDrop("40", "BAG-0042")))
    ok(rt.pay_in(PayIn("PAYIN-MISC", "3.50")))
    ok(rt.pay_out(PayOut("PAYOUT-DEL", "12.00")))
    ok(rt.no_sale(NoSale()))
    counted = {"20": 2, "5": 1, "2": 1, "0.20": 1, "0.05": 1, "0.01": 2}  # 47.27
    ok(rt.declare_tenders(DeclareTenders({"cash": counted, "card": "1.49"})))
    closed = ok(rt.close_shift())

    report = closed.report
    # 150 + 25 + 15.88 + 14.99 - 5 - 100 - 40 + 3.50 - 12
    cash = report.tender("cash")
    assert (cash.expected, cash.declared, cash.over_short) == (D("52.37"), D("47.27"), D("-5.10"))
    assert report.tender("card").over_short == D("0")
    f = report.figures
    assert (f.sales_count, f.sales_amount) == (3, D("32.36"))
    assert (f.voided_count, f.voided_amount, f.voided_lines_count) == (1, D("1.49"), 1)
    assert [(t.tender_type_id, t.count, t.amount) for t in f.tenders] == [
        ("card", 1, D("1.49")),
        ("cash", 2, D("30.87")),
    ]
    assert sum((x.amount for x in f.taxes), D(0)) == f.tax_total > 0
    assert report.drawer_total(DrawerKind.SAFE_DROP).amount == D("100")
    assert report.drawer_total(DrawerKind.PAY_IN).amount == D("3.50")

    path = reg.path
    kinds = [k for (k,) in _rows(path, "SELECT kind FROM outbox ORDER BY device_seq")]
    assert kinds == [
        "shift_open",
        "sale",
        "sale",
        "void",
        "sale",
        "drawer_float_entry",
        "drawer_tender_removal",
        "drawer_safe_drop",
        "drawer_bank_drop",
        "drawer_pay_in",
        "drawer_pay_out",
        "drawer_no_sale",
        "drawer_declaration",
        "shift_close",
    ]
    assert _rows(path, "SELECT count(*) FROM journal_entries")[0][0] == len(kinds)
    assert verify_ledger(reg.db) == []  # type: ignore[arg-type]
    ops = _rows(
        path,
        "SELECT kind, device_seq, journal_entry_no, bag_number, account FROM drawer_operations"
        " ORDER BY op_no",
    )
    assert all(seq is not None and entry is not None for _, seq, entry, _, _ in ops)
    assert ("bank_drop", "BAG-0042") in [(k, bag) for k, _, _, bag, _ in ops]
    assert ("pay_out", "4730") in [(k, acc) for k, _, _, _, acc in ops]
    status, z_json = _rows(path, "SELECT status, z_report FROM shifts")[0]
    assert status == "closed" and json.loads(str(z_json))["tenders"]


def test_the_z_report_is_reprinted_from_the_shift_row_after_a_restart(db_path: Path) -> None:
    first = sql_runtime(db_path)
    ok(first.rt.open_shift(OpenShift(start_amounts={"cash": "10"})))
    _sell(first, "cola", cash="1")
    ok(first.rt.declare_tenders(DeclareTenders({"cash": {"10": 1, "0.50": 1, "0.20": 2}})))
    closed = ok(first.rt.close_shift())
    first.close()
    again = sql_runtime(db_path, clock=first.clock)
    assert again.rt.current_shift is None
    reprint = ok(again.rt.last_z_report())
    assert reprint.report == closed.report
    assert reprint.document.kind == "z_report"
    again.close()


def test_a_restart_resumes_the_registers_open_shift(db_path: Path) -> None:
    first = sql_runtime(db_path)
    shift = ok(first.rt.open_shift(OpenShift(start_amounts={"cash": "0"}))).shift
    first.close()
    again = sql_runtime(db_path, clock=first.clock)
    assert again.rt.current_shift == shift and again.rt.shift_id == shift.shift_id
    assert _sell(again, "cola", cash="1").shift_id == shift.shift_id
    ok(again.rt.declare_tenders(DeclareTenders({"cash": {"0.50": 1, "0.20": 2}})))
    second = ok(again.rt.close_shift())
    assert second.shift.number == 1
    assert ok(again.rt.open_shift(OpenShift())).shift.number == 2  # counters, per register
    again.close()


def test_a_floating_shift_moves_to_another_register_of_the_store(db_path: Path) -> None:
    r1 = sql_runtime(db_path)
    shift = ok(r1.rt.open_shift(OpenShift(start_amounts={"cash": "10"}))).shift
    _sell(r1, "cola", cash="1")
    ok(r1.rt.suspend_shift())
    r2 = sql_runtime(db_path, "R2", clock=r1.clock, db=r1.db)
    resumed = ok(r2.rt.resume_shift(ResumeShift(shift.shift_id))).shift
    assert (resumed.register_id, resumed.status) == ("R2", ShiftStatus.OPEN)
    refused_with(r2.rt.open_shift(OpenShift()), RefusalCode.SHIFT_OPEN)
    ok(r2.rt.start(StartTransaction("1001")))
    _sell(r2, "cola", cash="0.89")
    ok(r2.rt.declare_tenders(DeclareTenders({"cash": {"10": 1, "1": 1, "0.50": 1}})))
    report = ok(r2.rt.close_shift()).report
    assert report.tender("cash").expected == D("11.78")
    assert report.figures.sales_count == 2
    assert verify_ledger(r1.db) == []  # type: ignore[arg-type]
    r1.close()


def test_sql_figures_match_the_runtime_rules_including_returns(reg: SqlRig) -> None:
    shift = ok(reg.rt.open_shift(OpenShift())).shift
    sold = [_sell(reg, "espresso", "cola", cash="50"), _sell(reg, "tshirt", "chocolate")]
    original = sold[0]
    refund = replace(
        original,
        transaction_id="return-1",
        receipt_number=None,
        lines=tuple(
            replace(
                line,
                quantity=-line.quantity,
                gross_amount=-line.gross_amount,
                net_amount=-line.net_amount,
                amount_excl_tax=-line.amount_excl_tax,
                amount_incl_tax=-line.amount_incl_tax,
                taxes=tuple(replace(t, amount=-t.amount) for t in line.taxes),
            )
            for line in original.lines
        ),
        totals=replace(
            original.totals,
            subtotal=-original.totals.subtotal,
            tax_total=-original.totals.tax_total,
            total=-original.totals.total,
            paid=-original.totals.total,
        ),
        tenders=(replace(original.tenders[0], amount=-original.totals.total),),
    )
    ledger = reg.rt.ports.ledger
    ledger.finish(refund, lambda seq: f"RET-{seq}")
    sold.append(replace(refund, receipt_number="x"))
    store = reg.rt.ports.shifts
    assert store is not None
    from_sql = store.sales_figures(shift.shift_id)
    assert from_sql == figures_from_transactions(sold)
    assert (from_sql.returns_count, from_sql.return_lines_count) == (1, 2)
    assert from_sql.returns_amount == -original.totals.total
    assert verify_ledger(reg.db) == []  # type: ignore[arg-type]


def _refused_on_disk(rig: SqlRig, result: object, code: RefusalCode, before: object) -> None:
    refused_with(result, code)  # type: ignore[arg-type]
    assert _counts(rig.path) == before


def test_bad_input_on_sqlite_writes_nothing(reg: SqlRig) -> None:
    rt = reg.rt
    before = _counts(reg.path)
    _refused_on_disk(reg, rt.safe_drop(SafeDrop("10")), RefusalCode.NO_SHIFT, before)
    shift = ok(rt.open_shift(OpenShift(start_amounts={"cash": "10"}))).shift
    before = _counts(reg.path)
    _refused_on_disk(reg, rt.open_shift(OpenShift()), RefusalCode.SHIFT_OPEN, before)
    _refused_on_disk(
        reg, rt.declare_tenders(DeclareTenders({"cash": {"10": -1}})), RefusalCode.INVALID_COUNT,
        before,
    )  # fmt: skip
    _refused_on_disk(
        reg, rt.declare_tenders(DeclareTenders({"cash": {"10": "x"}})), RefusalCode.INVALID_COUNT,
        before,
    )  # fmt: skip
    _refused_on_disk(
        reg, rt.declare_tenders(DeclareTenders({"cash": {"3": 1}})), RefusalCode.INVALID_COUNT,
        before,
    )  # fmt: skip
    _refused_on_disk(reg, rt.pay_out(PayOut("NOPE", "1")), RefusalCode.UNKNOWN_REASON, before)
    _refused_on_disk(
        reg, rt.resume_shift(ResumeShift(shift.shift_id)), RefusalCode.SHIFT_OPEN, before
    )
    # the seeded store requires start amount and declaration before close
    _refused_on_disk(reg, rt.close_shift(), RefusalCode.DECLARATION_REQUIRED, before)
    ok(rt.declare_tenders(DeclareTenders({"cash": {"10": 1}})))
    ok(rt.close_shift())
    before = _counts(reg.path)
    _refused_on_disk(
        reg, rt.close_shift(CloseShift(shift.shift_id)), RefusalCode.SHIFT_CLOSED, before
    )
    _refused_on_disk(reg, rt.close_shift(), RefusalCode.NO_SHIFT, before)
    assert verify_ledger(reg.db) == []  # type: ignore[arg-type]


def test_resuming_a_fixed_till_shift_on_sqlite_is_refused(db_path: Path) -> None:
    r2 = sql_runtime(db_path, "R2")  # R2 is a fixed till in the demo store
    fixed = ok(r2.rt.open_shift(OpenShift())).shift
    refused_with(r2.rt.suspend_shift(), RefusalCode.WRONG_STATE)
    r1 = sql_runtime(db_path, "R1", clock=r2.clock, db=r2.db)
    before = _counts(db_path)
    _refused_on_disk(
        r1, r1.rt.resume_shift(ResumeShift(fixed.shift_id)), RefusalCode.WRONG_STATE, before
    )
    r2.close()


def test_amounts_with_more_decimals_than_the_currency_are_still_added_up_exactly(
    reg: SqlRig,
) -> None:
    from local_db.shift_figures import _exact, sales_figures

    shift = ok(reg.rt.open_shift(OpenShift())).shift
    _sell(reg, "espresso", "cola", cash="20")
    _sell(reg, "chocolate", "cola")
    conn = reg.db.connection  # type: ignore[attr-defined]
    fast = sales_figures(conn, shift.shift_id)
    assert fast == _exact(conn, shift.shift_id)
    code, before = conn.execute(
        "SELECT code, amount FROM tax_lines WHERE amount LIKE '%.__' LIMIT 1"
    ).fetchone()
    changed = conn.execute(
        "UPDATE tax_lines SET amount = amount || '5' WHERE code = ? AND amount = ?", (code, before)
    ).rowcount
    assert changed >= 1
    again = sales_figures(conn, shift.shift_id)  # falls back to Decimals, row by row
    tax = {t.code: t.amount for t in again.taxes}
    old = {t.code: t.amount for t in fast.taxes}
    assert tax[code] - old[code] == D("0.005") * changed
    assert tax[code] != tax[code].quantize(D("0.01"))
    assert again.tenders == fast.tenders and again.sales_amount == fast.sales_amount


def test_a_blind_closed_shift_is_declared_and_closed_later_on_another_register(
    db_path: Path,
) -> None:
    r1 = sql_runtime(db_path)
    shift = ok(r1.rt.open_shift(OpenShift(start_amounts={"cash": "20"}))).shift
    _sell(r1, "cola", cash="1")
    ok(r1.rt.blind_close())
    assert r1.rt.current_shift is None and r1.rt.shift_id is None
    r2 = sql_runtime(db_path, "R2", clock=r1.clock, db=r1.db)
    assert [s.shift_id for s in r2.rt.blind_closed_shifts()] == [shift.shift_id]
    ok(r2.rt.declare_tenders(DeclareTenders({"cash": {"20": 1, "0.50": 1}}, shift.shift_id)))
    closed = ok(r2.rt.close_shift(CloseShift(shift.shift_id)))
    cash = closed.report.tender("cash")
    assert (cash.expected, cash.declared, cash.over_short) == (D("20.89"), D("20.50"), D("-0.39"))
    events = _rows(db_path, "SELECT register_id, kind FROM outbox ORDER BY register_id, device_seq")
    assert events == [
        ("R1", "shift_open"),
        ("R1", "sale"),
        ("R1", "shift_blind_close"),
        ("R2", "drawer_declaration"),
        ("R2", "shift_close"),
    ]
    assert verify_ledger(r1.db) == []  # type: ignore[arg-type]
    r1.close()
