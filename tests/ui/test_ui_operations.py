"""The sale's other operations through the window: price check, why this price, a line discount
over the cashier's limit (manager override), total discount, comment, split tender and void
tender, reprint and gift receipt of the finished sale, no-sale."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from local_db import DEMO_ITEMS
from pos_app.ui.dialogs import InputDialog, TextDialog
from tests.ui.ui_support import Input, copy_store, idle, open_window, sign_in, wait_until

K = Qt.Key


def test_operations_from_the_keyboard(qtbot: QtBot, tmp_path: Path, seeded_store: Path) -> None:
    window = open_window(qtbot, copy_store(seeded_store, tmp_path))
    user = Input(qtbot, window)
    sign_in(window, user)
    wait_until(qtbot, lambda: window.current() is window.shift_start, window=window)
    user.type("100")
    wait_until(qtbot, lambda: window.current() is window.transaction, window=window)
    actions = window.actions
    assert actions is not None and window.worker is not None

    user.type(DEMO_ITEMS["milk"], enter=False)  # keyed slowly: a person, not a scan
    user.key(K.Key_F4)  # price check of the keyed code: not added
    idle(window)
    assert window.transaction.model.rowCount() == 0 and window.banner.kind() == "info"

    user.scan(DEMO_ITEMS["espresso"])
    user.type("2", enter=False)
    user.key(K.Key_F2)  # quantity 2 for the selected line
    idle(window)
    assert window.worker.last_snapshot.lines[0].quantity == "2"

    user.key(K.Key_W, Qt.KeyboardModifier.ControlModifier)  # why this price
    idle(window)
    assert isinstance(actions.dialog, TextDialog)
    assert "Espresso Beans" in actions.dialog.view.toPlainText()
    user.key(K.Key_Escape)
    idle(window)

    user.key(K.Key_F6)  # line discount 50 %: over the cashier's limit, a manager approves
    idle(window)
    assert isinstance(actions.dialog, InputDialog)
    user.type("50")
    idle(window)
    dialog = window.worker.override
    assert dialog is not None
    user.type("9001")
    user.type("9999")
    idle(window)
    line = window.worker.last_snapshot.lines[0]
    assert line.discounts and "manual discount" in line.note

    user.key(K.Key_K, Qt.KeyboardModifier.ControlModifier)  # comment
    idle(window)
    user.type("gift", enter=False)
    user.key(K.Key_Return)
    idle(window)
    assert "gift" in window.worker.last_snapshot.lines[0].note

    user.key(K.Key_U, Qt.KeyboardModifier.ControlModifier)  # customer by number
    idle(window)
    user.type("C-TRADE")
    idle(window)
    assert "Anna Trade" in window.transaction.customer_label.text()

    user.key(K.Key_F12)  # pay: 5.00 cash, void it, then exact cash
    assert window.current() is window.tender
    user.type("5")
    idle(window)
    assert len(window.worker.last_snapshot.tenders) == 1
    window.tender.tenders.setCurrentRow(0)
    user.key(K.Key_F5)
    idle(window)
    assert window.worker.last_snapshot.tenders[0].status == "voided"
    user.key(K.Key_F12)  # exact cash
    wait_until(qtbot, lambda: window.tender.done, window=window)
    user.key(K.Key_Return)
    wait_until(qtbot, lambda: window.current() is window.transaction, window=window)

    user.key(K.Key_R, Qt.KeyboardModifier.ControlModifier)  # reprint
    idle(window)
    assert isinstance(actions.dialog, TextDialog) and "Espresso" in actions.dialog.view \
        .toPlainText()
    user.key(K.Key_Escape)
    idle(window)
    user.key(K.Key_G, Qt.KeyboardModifier.ControlModifier)  # gift receipt: no prices
    idle(window)
    assert isinstance(actions.dialog, TextDialog)
    text = actions.dialog.view.toPlainText()
    assert "GIFT" in text.upper() and "29.98" not in text
    user.tap(actions.dialog.findChild(QPushButton, "closeButton"))
    idle(window)

    user.key(K.Key_N, Qt.KeyboardModifier.ControlModifier)  # no sale: a manager approves
    idle(window)
    if window.worker.override is not None:
        user.type("9001")
        user.type("9999")
        idle(window)
    assert "Drawer opened" in window.banner.text()
    user.report("price check, quantity, why price, discount+override, comment, customer, "
                "split/void tender, reprint, gift receipt, no sale")
    window.close()
