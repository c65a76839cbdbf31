"""Register flows through the real window, offscreen: scanning through simulated keystrokes,
suspend and recall, a manager override. Each prints how many keys and taps it took."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from local_db import DEMO_ITEMS
from pos_app.ui.override_dialog import OverrideDialog
from tests.ui.ui_support import Input, copy_store, idle, open_window, sign_in, wait_until


def test_sign_in_open_shift_scan_suspend_recall_and_override(
    qtbot: QtBot, tmp_path: Path, seeded_store: Path
) -> None:
    window = open_window(qtbot, copy_store(seeded_store, tmp_path))
    user = Input(qtbot, window)
    assert window.current() is window.sign_in
    sign_in(window, user, "1001", "0000")  # wrong PIN: a calm message, still on sign-in
    assert window.current() is window.sign_in
    assert window.banner.kind() == "warning"
    sign_in(window, user)
    wait_until(qtbot, lambda: window.current() is window.shift_start, window=window)
    window.shift_start.amount.setFocus()
    user.type("150")
    wait_until(qtbot, lambda: window.current() is window.transaction, window=window)
    user.report("sign in + open shift")

    user = Input(qtbot, window)
    for key in ("espresso", "cola", "milk"):
        user.scan(DEMO_ITEMS[key])
    idle(window)
    table = window.transaction.model
    assert table.rowCount() == 3
    assert window.transaction.entry.text() == ""  # the scans typed nothing
    window.transaction.search.focus_search()
    user.scan(DEMO_ITEMS["wine"])  # scanned while the search box has focus
    idle(window)
    assert window.transaction.search.field.text() == ""
    assert table.rowCount() == 3  # wine needs the age check: the dialog asks
    assert window.actions is not None and window.actions.dialog is not None
    user.tap(window.actions.dialog.findChild(QPushButton,
                                             "actionButton"))
    idle(window)
    assert table.rowCount() == 4

    # void line needs a manager: the override dialog names the permission, 9001 approves
    user.key(qtbot_key("F5"))
    idle(window)
    dialog = window.worker.override if window.worker else None
    assert isinstance(dialog, OverrideDialog)
    permission = dialog.findChild(QLabel, "overridePermission")
    assert permission is not None and "Void" in permission.text()
    dialog.approver.setText("1001")
    dialog.secret.setText("1234")
    user.tap(dialog.findChild(QPushButton, "approveButton"))
    assert dialog.isVisible() and "own request" in dialog.banner.text()
    assert dialog.approver.text() == "" and dialog.approver.hasFocus()
    user.type("9001")  # Enter moves on to the password
    user.type("9999")
    idle(window)
    assert window.worker is not None and window.worker.override is None
    snapshot = window.worker.last_snapshot
    assert snapshot is not None and snapshot.lines[-1].voided
    user.report("4 scans incl. age check + manager override void")

    user = Input(qtbot, window)
    user.key(qtbot_key("F9"))  # suspend
    idle(window)
    assert table.rowCount() == 0 and "suspended" in window.banner.text().lower()
    user.key(qtbot_key("F10"))  # recall: pick from the list
    idle(window)
    chooser = window.actions.dialog
    assert chooser is not None
    user.key(qtbot_key("Return"))
    idle(window)
    assert table.rowCount() == 4
    assert window.worker.last_snapshot.totals.balance_value > Decimal(0)
    user.report("suspend + recall")
    window.close()


def qtbot_key(name: str):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return getattr(Qt.Key, f"Key_{name}")


def test_cart_survives_a_restart_and_the_back_office_opens_from_the_sale(
    qtbot: QtBot, tmp_path: Path, seeded_store: Path
) -> None:
    db = copy_store(seeded_store, tmp_path)
    window = open_window(qtbot, db)
    user = Input(qtbot, window)
    sign_in(window, user)
    wait_until(qtbot, lambda: window.current() is window.shift_start, window=window)
    user.tap(window.shift_start.no_drawer)  # work without a drawer
    assert window.current() is window.transaction
    user.scan(DEMO_ITEMS["espresso"])
    user.scan(DEMO_ITEMS["cola"])
    idle(window)
    assert window.transaction.model.rowCount() == 2
    window.close()  # as if the till lost power: the cart is in the database

    window = open_window(qtbot, db)
    user = Input(qtbot, window)
    assert window.transaction.model.rowCount() == 2  # the same cart, before anyone signs in
    user.scan("STAFF1001")  # a staff badge scanned on the sign-in screen signs in
    idle(window)
    wait_until(qtbot, lambda: window.current() is window.shift_start, window=window)
    user.tap(window.shift_start.no_drawer)
    user.key(qtbot_key("H"), Qt.KeyboardModifier.ControlModifier)  # shift and drawer
    idle(window)
    opened = window.back_office.open_widget
    assert opened is not None and opened.objectName() != ""
    opened.close()
    idle(window)
    assert window.back_office.open_widget is None
    user.report("restart resumes the cart; badge sign-in; Ctrl+H opens the shift screen")
    window.close()


def test_lock_unlock_and_lockout_message(qtbot: QtBot, tmp_path: Path, seeded_store: Path) -> None:
    window = open_window(qtbot, copy_store(seeded_store, tmp_path))
    user = Input(qtbot, window)
    for _ in range(5):  # cashier 1002 forgets the PIN: the fifth try locks the account out
        sign_in(window, user, "1002", "0000")
    assert window.current() is window.sign_in
    assert "locked" in window.banner.text().lower()
    sign_in(window, user)
    wait_until(qtbot, lambda: window.current() is window.shift_start, window=window)
    user.tap(window.shift_start.no_drawer)
    user.key(qtbot_key("L"), Qt.KeyboardModifier.ControlModifier)  # lock
    wait_until(qtbot, lambda: window.current() is window.sign_in, window=window)
    assert window.sign_in.title.text() == "Register locked"
    sign_in(window, user, "1002", "5678")  # the locked-out cashier cannot unlock it
    assert window.current() is window.sign_in
    sign_in(window, user)  # the operator who locked it
    wait_until(qtbot, lambda: window.current() is window.transaction, window=window)
    user.report("lock + unlock")
    window.close()
