"""Returns through the dialog over a real register: by receipt (typed number, a partial
quantity, what is left shown, refund and finish), more than was sold refused calmly, and a
return without a receipt that needs a manager's approval and a reason."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from local_db import DEMO_ITEMS
from pos_app.composition import Register, ensure_open_shift
from pos_app.ui.return_dialog import ReturnDialog
from pos_app.viewmodels.returns import ReturnsViewModel
from runtime.operations import AddLine
from tests.ui.ui_ops_support import Taps, approve_when_asked, ok, register_copy, sell


@pytest.fixture
def register(tmp_path: Path, seeded_store: Path) -> Iterator[Register]:
    reg = register_copy(seeded_store, tmp_path)
    ensure_open_shift(reg.runtime)
    yield reg
    reg.close()


def _dialog(qtbot: QtBot, register: Register) -> ReturnDialog:
    dialog = ReturnDialog(ReturnsViewModel(register.runtime))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.runner.wait_idle()
    return dialog


def test_return_by_receipt_partial_then_refund(qtbot: QtBot, register: Register) -> None:
    rt = register.runtime
    ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["chocolate"], quantity=Decimal(3))))
    sale = sell(register, ["espresso"])
    number = sale.transaction.receipt_number
    assert number
    choc = next(line for line in sale.transaction.lines if line.quantity == 3)

    dialog = _dialog(qtbot, register)
    taps = Taps(qtbot, "return by receipt (2 of 3) + cash refund")
    taps.type(dialog.receipt_field, number, enter=True)
    assert dialog.runner.wait_idle()
    assert dialog.receipt is not None, dialog.banner.text()
    assert number in dialog.receipt_label.text()
    assert dialog.lines.rowCount() == 2

    taps.type(dialog.qty_fields[choc.line_id], "2", enter=True)
    assert dialog.runner.wait_idle()
    assert "1 return line added" in dialog.banner.text()
    tx = rt.transaction
    assert tx is not None
    (ret,) = [line for line in tx.lines if line.quantity < 0]
    assert ret.quantity == Decimal(-2) and ret.return_of is not None
    assert ret.amount_incl_tax == -(choc.amount_incl_tax * 2 / 3).quantize(Decimal("0.01"))
    # the refreshed receipt counts the cart: 1 of 3 left to return
    row = next(r for r in dialog.receipt.rows if r.line_id == choc.line_id)
    assert (row.in_cart, row.returnable) == (Decimal(2), Decimal(1))
    shown = {dialog.lines.item(r, 0).text(): dialog.lines.item(r, 3).text() for r in range(2)}
    assert shown[row.description] == "1"  # the "Can return" column follows
    assert not dialog.qty_fields[choc.line_id].text()  # a fresh row to key the next return

    assert dialog.refund_button.isEnabled()
    taps.tap(dialog.refund_button)
    assert dialog.runner.wait_idle()
    assert rt.transaction is None or not rt.transaction.lines
    assert "Refunded" in dialog.banner.text()
    taps.report()
    assert (taps.keys, taps.taps) == (len(number) + 3, 1)

    # asking for more than is left: refused calmly, nothing added
    dialog.receipt_field.setText(number)
    dialog.find_receipt()
    assert dialog.runner.wait_idle()
    row = next(r for r in dialog.receipt.rows if r.line_id == choc.line_id)
    assert (row.returned, row.returnable) == (Decimal(2), Decimal(1))
    dialog.qty_fields[choc.line_id].setText("2")
    dialog.return_lines()
    assert dialog.runner.wait_idle()
    assert not dialog.last_outcome.ok  # type: ignore[union-attr]
    assert rt.transaction is None or not rt.transaction.lines
    assert dialog.banner.text()


def test_unknown_receipt_says_what_to_do(qtbot: QtBot, register: Register) -> None:
    dialog = _dialog(qtbot, register)
    dialog.receipt_field.setText("NO-SUCH-RECEIPT")
    dialog.find_receipt()
    assert dialog.runner.wait_idle()
    assert "No receipt NO-SUCH-RECEIPT" in dialog.banner.text()
    assert dialog.last_outcome is not None and "search the journal" in dialog.last_outcome.hint
    assert dialog.receipt is None and not dialog.return_button.isEnabled()


def test_return_without_receipt_needs_reason_and_manager(qtbot: QtBot, register: Register) -> None:
    rt = register.runtime
    dialog = _dialog(qtbot, register)
    taps = Taps(qtbot, "return without receipt + reason + manager override")
    taps.pick("tab Without receipt", lambda: dialog.tabs.setCurrentIndex(1))
    assert dialog.reason.count() > 1
    taps.type(dialog.item_field, DEMO_ITEMS["espresso"], enter=True)
    taps.type(dialog.item_qty, "1", enter=True)
    assert dialog.runner.wait_idle()
    assert "Choose the reason" in dialog.banner.text() and rt.transaction is None

    taps.pick("reason RET-DEF", lambda: dialog.reason.setCurrentIndex(
        dialog.reason.findData("RET-DEF")))  # fmt: skip
    assert dialog.item_field.text() == DEMO_ITEMS["espresso"]  # kept: nothing to key again
    with approve_when_asked(taps) as asked:
        taps.tap(dialog.item_button)
        assert dialog.runner.wait_idle()
    assert asked == ["Permission: Return without receipt"]
    tx = rt.transaction
    assert tx is not None
    (line,) = tx.lines
    assert line.quantity == -1 and line.reason_code == "RET-DEF"
    assert "returned" in dialog.banner.text()
    taps.report()


def test_exchange_is_a_return_plus_a_new_item_in_one_sale(register: Register) -> None:
    """View model only: the return line and the new item share the transaction; the customer
    pays the difference and the journal records both."""
    from runtime.operations import AddTender, Conclude

    rt = register.runtime
    sale = sell(register, ["chocolate"])
    vm = ReturnsViewModel(rt)
    found = vm.find(sale.transaction.receipt_number or "")
    assert found.ok and found.value is not None
    (line,) = found.value.rows
    added = vm.return_lines(found.value, {line.line_id: Decimal(1)})
    assert added.ok, added.message
    ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])))  # the exchange item, scanned
    total, text = vm.sale_total()
    assert total > 0 and text.startswith("€")
    ok(rt.add_tender(AddTender("cash", total)))
    done = ok(rt.conclude(Conclude())).transaction
    quantities = sorted(str(x.quantity) for x in done.lines)
    assert quantities == ["-1", "1"]
    again = vm.find(sale.transaction.receipt_number or "")
    assert again.value is not None and again.value.rows[0].returned == 1
    assert not again.value.anything_returnable
    assert "returned already" in again.message
