"""Shift and drawer dialogs over a real register (SQLite copy of the seeded store), offscreen:
open a shift with a start amount -> sales -> declaration by denomination -> close with the Z
report (over/short shown); a pay-out that needs a manager's approval; suspend and resume."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pos_app.composition import Register, ensure_open_shift
from pos_app.ui.declaration_dialog import DeclarationDialog
from pos_app.ui.drawer_dialog import DrawerDialog
from pos_app.ui.report_dialog import ReportDialog
from pos_app.ui.shift_dialog import ShiftDialog
from pos_app.viewmodels.drawer import DrawerAction, DrawerViewModel
from pos_app.viewmodels.shift import ShiftViewModel
from runtime.shifts import DrawerKind, ShiftStatus
from tests.ui.ui_ops_support import (
    Taps,
    approve_when_asked,
    register_copy,
    sell,
    touch_sized,
    wait_for,
)

EUR = [Decimal(v) for v in ("500 200 100 50 20 10 5 2 1 0.50 0.20 0.10 0.05 0.02 0.01".split())]


@pytest.fixture
def register(tmp_path: Path, seeded_store: Path) -> Iterator[Register]:
    reg = register_copy(seeded_store, tmp_path)
    yield reg
    reg.close()


def _notes(amount: Decimal) -> dict[Decimal, int]:
    counts: dict[Decimal, int] = {}
    for value in EUR:
        n = int(amount // value)
        if n:
            counts[value] = n
            amount -= value * n
    assert amount == 0
    return counts


def _settled(dialog: ShiftDialog | DrawerDialog | DeclarationDialog | ReportDialog) -> None:
    assert dialog.runner.wait_idle()


def test_open_sell_declare_by_denomination_and_close_with_z(
    qtbot: QtBot, register: Register
) -> None:
    rt = register.runtime
    dialog = ShiftDialog(ShiftViewModel(rt))
    qtbot.addWidget(dialog)
    dialog.show()
    _settled(dialog)
    taps = Taps(qtbot, "open shift -> declaration -> Z report")
    assert dialog.opening.isVisible() and not dialog.shift_actions.isVisible()
    assert touch_sized(dialog) == []

    taps.type(dialog.start_amount, "150.00", enter=True)
    _settled(dialog)
    assert rt.current_shift is not None, dialog.banner.text()
    assert dialog.shift_actions.isVisible()
    assert "Shift R1-" in dialog.banner.text()

    totals = [sell(register, keys).transaction.totals.total for keys in
              (["espresso", "chocolate"], ["espresso"], ["chocolate", "chocolate"])]  # fmt: skip
    expected = Decimal("150.00") + sum(totals, Decimal(0))

    taps.tap(dialog.declare_button)
    _settled(dialog)
    declaration = dialog.child
    assert isinstance(declaration, DeclarationDialog)
    _settled(declaration)
    # count 0.50 less than expected: the Z report must show the drawer short by 0.50
    counted = _notes(expected - Decimal("0.50"))
    for value, count in counted.items():
        taps.type(declaration.count_fields[("cash", value)], str(count))
    assert declaration.vm.tender("cash").total == expected - Decimal("0.50")
    total_label = declaration.totals["cash"].text()
    assert declaration.vm.fmt.money(expected - Decimal("0.50")) in total_label
    taps.tap(declaration.declare_button)
    _settled(declaration)
    assert declaration.declared, declaration.banner.text()
    assert "Declared: Cash" in declaration.banner.text()

    with approve_when_asked(taps) as asked:  # a cashier may not print X/Z reports
        taps.tap(declaration.close_button)
        _settled(declaration)
    assert asked == ["Permission: X and Z reports"]
    report = declaration.report_dialog
    assert isinstance(report, ReportDialog) and report.view is not None
    text = report.text.toPlainText()
    assert "Z REPORT" in text and f"Sales ({len(totals)})" in text
    cash = next(b for b in report.view.balances if b.tender == "Cash")
    assert cash.verdict == "short" and "0.50" in cash.over_short
    assert report.balances.rowCount() >= 1
    assert rt.current_shift is None
    closed = register.runtime.ports.shifts.last_closed("R1")  # type: ignore[union-attr]
    assert closed is not None and closed.status is ShiftStatus.CLOSED

    # printing without a printer says so calmly and changes nothing
    taps.tap(report.print_button)
    _settled(report)
    assert "no receipt printer" in report.banner.text()
    taps.report()
    assert taps.taps == 5  # declare, Declare, Close shift, Approve, Print

    # the Z report again, marked as a reprint, exactly as it closed
    with approve_when_asked(Taps(qtbot, "reprint Z")):
        dialog.last_z_report()
        _settled(dialog)
    again = dialog.child
    assert isinstance(again, ReportDialog) and again.view is not None
    assert "*** REPRINT ***" in again.text.toPlainText()
    assert again.view.balances == report.view.balances


def test_pay_out_with_reason_needs_a_manager_when_the_cashier_may_not(
    qtbot: QtBot, tmp_path: Path, seeded_store: Path
) -> None:
    reg = register_copy(
        seeded_store,
        tmp_path,
        sql=["UPDATE permission_groups SET drawer_operations = 0 WHERE group_id = 'cashier'"],
    )
    try:
        rt = reg.runtime
        from runtime.shift_requests import OpenShift

        assert rt.open_shift(OpenShift({"cash": "100"})).refusal is None
        dialog = DrawerDialog(DrawerViewModel(rt))
        qtbot.addWidget(dialog)
        dialog.show()
        _settled(dialog)
        taps = Taps(qtbot, "pay-out with reason + manager override")
        taps.tap(dialog.kind_buttons[DrawerAction.PAY_OUT])
        assert dialog.reason.isVisible() and not dialog.bag.isVisible()

        # no reason chosen: a calm message naming the choices, nothing recorded
        taps.type(dialog.amount, "12.30", enter=True)
        _settled(dialog)
        assert "Choose the reason" in dialog.banner.text()
        taps.pick("reason PAYOUT-SUP", lambda: dialog.reason.setCurrentIndex(
            dialog.reason.findData("PAYOUT-SUP")))  # fmt: skip
        with approve_when_asked(taps) as asked:
            taps.tap(dialog.record_button)
            _settled(dialog)
        assert asked == ["Permission: Drawer operations"]
        assert "Pay-out of" in dialog.banner.text() and "12.30" in dialog.banner.text()
        shift = rt.current_shift
        assert shift is not None
        ops = rt.ports.shifts.operations(shift.shift_id)  # type: ignore[union-attr]
        pay_out = [op for op in ops if op.kind is DrawerKind.PAY_OUT]
        assert len(pay_out) == 1
        assert (pay_out[0].amount, pay_out[0].reason_code) == (Decimal("12.30"), "PAYOUT-SUP")
        assert pay_out[0].approver_id == "9001" and pay_out[0].account == "4930"
        taps.report()

        # a manager who declines: nothing is written
        dialog.on_permission_refusal = lambda message: None
        dialog.amount.setText("5.00")
        dialog.record()
        _settled(dialog)
        assert len(rt.ports.shifts.operations(shift.shift_id)) == len(ops)  # type: ignore[union-attr]
        assert "may not" in dialog.banner.text()
    finally:
        reg.close()


def test_bad_amount_is_refused_calmly_and_suspend_resume(qtbot: QtBot, register: Register) -> None:
    rt = register.runtime
    dialog = ShiftDialog(ShiftViewModel(rt))
    qtbot.addWidget(dialog)
    dialog.show()
    _settled(dialog)
    dialog.start_amount.setText("12.3.4")
    dialog.open_shift()
    _settled(dialog)
    assert rt.current_shift is None
    assert "not an amount" in dialog.banner.text()

    dialog.start_amount.setText("")
    dialog.open_shift()
    _settled(dialog)
    assert rt.current_shift is not None
    label = rt.current_shift.label
    qtbot.mouseClick(dialog.suspend_button, Qt.MouseButton.LeftButton)
    _settled(dialog)
    assert rt.current_shift is None and "suspended" in dialog.banner.text()
    wait_for(qtbot, lambda: dialog.others.count() == 1 and dialog.resume_button.isVisible())
    dialog.resume()
    _settled(dialog)
    assert rt.current_shift is not None and rt.current_shift.label == label


def test_every_back_office_screen_opens_touch_sized(qtbot: QtBot, register: Register) -> None:
    from pos_app.ui.common import TaskRunner
    from pos_app.ui.shift_menu import OPS, open_ops

    ensure_open_shift(register.runtime)
    runner = TaskRunner("ops-test")
    for name in OPS:
        widget = open_ops(name, register, runner, None)
        qtbot.addWidget(widget)
        assert runner.wait_idle()
        assert widget.isVisible(), name
        assert touch_sized(widget) == [], name
        assert not widget.banner.isVisible() or "ready" in widget.banner.text(), (
            name,
            widget.banner.text(),
        )
        widget.close()
    with pytest.raises(ValueError, match="choose one of"):
        open_ops("nope", register, runner, None)


def test_blind_close_then_declare_and_close_it_later(qtbot: QtBot, register: Register) -> None:
    rt = register.runtime
    from runtime.shift_requests import OpenShift

    assert rt.open_shift(OpenShift({"cash": "100.00"})).refusal is None
    sell(register, ["espresso"])
    dialog = ShiftDialog(ShiftViewModel(rt))
    qtbot.addWidget(dialog)
    dialog.show()
    _settled(dialog)
    taps = Taps(qtbot, "blind close -> declare later -> Z report")
    with approve_when_asked(taps) as asked:  # blind close and Z need a manager here
        taps.tap(dialog.blind_button)
        _settled(dialog)
        assert rt.current_shift is None and "closed for sales" in dialog.banner.text()
        wait_for(qtbot, lambda: dialog.declare_other_button.isVisible())
        taps.pick("the blind-closed shift", lambda: dialog.others.setCurrentRow(0))
        taps.tap(dialog.declare_other_button)
        _settled(dialog)
        declaration = dialog.child
        assert isinstance(declaration, DeclarationDialog) and declaration.vm.shift_id
        assert "blind-closed" in declaration.windowTitle()
        taps.type(declaration.count_fields[("cash", Decimal(100))], "1")
        taps.tap(declaration.declare_button)
        _settled(declaration)
        assert declaration.declared, declaration.banner.text()
        taps.tap(declaration.close_button)
        _settled(declaration)
    assert asked == ["Permission: Blind close", "Permission: X and Z reports"]
    report = declaration.report_dialog
    assert isinstance(report, ReportDialog) and report.view is not None
    cash = next(b for b in report.view.balances if b.tender == "Cash")
    assert cash.verdict == "short"  # the espresso's cash was not counted
    assert "Z REPORT" in report.text.toPlainText()
    taps.report()


def test_german_locale_keys_and_shows_money_the_german_way(register: Register) -> None:
    """View models only (no Qt): "12,50" is keyed as 12.50 and shown as "12,50 €"."""
    from runtime.shift_requests import OpenShift

    rt = register.runtime
    assert rt.open_shift(OpenShift({"cash": "100.00"})).refusal is None
    vm = DrawerViewModel(rt, locale="de_DE")
    done = vm.perform(DrawerAction.PAY_IN, "12,50", reason_code="PAYIN-CHG")
    assert done.ok and done.value is not None, done.message
    assert done.value.operations[0].amount == Decimal("12.50")
    assert "12,50\xa0€" in done.message
    bad = vm.perform(DrawerAction.SAFE_DROP, "zwölf")
    assert not bad.ok and "not an amount" in bad.message
    # on an English register "12,50" is refused, never read as 1250
    english = DrawerViewModel(rt, locale="en_US").perform(DrawerAction.SAFE_DROP, "12,50")
    assert not english.ok and "like 12.50" in english.message
    assert DrawerViewModel(rt, locale="xx_NOPE").locale == "en_US"  # falls back, no crash


def test_bank_drop_needs_its_bag_number(qtbot: QtBot, register: Register) -> None:
    from runtime.shift_requests import OpenShift

    rt = register.runtime
    assert rt.open_shift(OpenShift({"cash": "300.00"})).refusal is None
    dialog = DrawerDialog(DrawerViewModel(rt), action=DrawerAction.BANK_DROP)
    qtbot.addWidget(dialog)
    dialog.show()
    _settled(dialog)
    assert dialog.bag.isVisible() and not dialog.reason.isVisible()
    taps = Taps(qtbot, "bank drop with bag number")
    taps.type(dialog.amount, "200.00", enter=True)
    _settled(dialog)
    assert "bag number" in dialog.banner.text()  # refused: nothing written
    assert dialog.amount.text() == "200.00"  # kept for the retry
    taps.type(dialog.bag, "BAG-0042")
    taps.tap(dialog.record_button)
    _settled(dialog)
    shift = rt.current_shift
    assert shift is not None
    (drop,) = [op for op in rt.ports.shifts.operations(shift.shift_id)  # type: ignore[union-attr]
               if op.kind is DrawerKind.BANK_DROP]  # fmt: skip
    assert (drop.amount, drop.bag_number) == (Decimal("200.00"), "BAG-0042")
    assert "Bank drop of" in dialog.banner.text()
    taps.report()
