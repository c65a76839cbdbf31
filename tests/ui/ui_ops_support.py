"""Support for the back-office UI tests (shift, drawer, returns, journal, devices): a real
register over a copy of the seeded SQLite store, and a counter of the cashier's keystrokes and
taps, printed per flow so a change that makes a flow longer shows up in the test output."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from local_db import DEMO_ITEMS
from pos_app.composition import Register, open_register
from runtime.operations import AddLine, AddTender, Conclude, OpResult
from runtime.security_requests import SignIn
from runtime.tender_ops import ConcludedSale

WAIT_MS = 10_000
T = TypeVar("T")


def register_copy(
    seeded: Path,
    tmp: Path,
    *,
    operator: str = "1001",
    secret: str = "1234",
    sql: Sequence[str] = (),
    devices: bool = False,
) -> Register:
    """A register R1 over a private copy of the seeded store, signed in; `sql` runs first
    (e.g. to take a permission away from the cashiers' group)."""
    db = tmp / "register.db"
    shutil.copy(seeded, db)
    if sql:
        conn = sqlite3.connect(db)
        with conn:
            for statement in sql:
                conn.execute(statement)
        conn.close()
    register = open_register(db, "R1", extensions=[], devices=devices)
    result = register.runtime.sign_in(SignIn(operator, secret))
    assert result.refusal is None, result.refusal
    return register


def sell(register: Register, keys: Sequence[str], cash: str | None = None) -> ConcludedSale:
    """A sale through the runtime (the sale screen is the other helper's): items, cash, done."""
    rt = register.runtime
    for key in keys:
        ok(rt.add_line(AddLine(barcode=DEMO_ITEMS[key])))
    tx = rt.transaction
    assert tx is not None
    amount = Decimal(cash) if cash is not None else tx.totals.total
    ok(rt.add_tender(AddTender("cash", amount)))
    return ok(rt.conclude(Conclude()))


def ok(result: OpResult[T]) -> T:
    assert result.refusal is None, result.refusal
    assert result.value is not None
    return result.value


@dataclass
class Taps:
    """Counts what the cashier does: keystrokes typed and buttons tapped."""

    qtbot: QtBot
    flow: str
    keys: int = 0
    taps: int = 0
    log: list[str] = field(default_factory=list)

    def type(self, widget: QLineEdit, text: str, *, enter: bool = False) -> None:
        widget.setFocus()
        self.qtbot.keyClicks(widget, text)
        self.keys += len(text)
        if enter:
            self.qtbot.keyClick(widget, Qt.Key.Key_Return)
            self.keys += 1
        self.log.append(f"type {text!r}{' + Enter' if enter else ''}")

    def tap(self, button: QAbstractButton) -> None:
        assert button.isEnabled(), f"{button.text()!r} is disabled"
        assert button.isVisibleTo(button.window()), f"{button.text()!r} is hidden"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        self.taps += 1
        self.log.append(f"tap {button.text()!r}")

    def pick(self, what: str, action: Callable[[], None]) -> None:
        """A tap on a list row, combo entry or tab (driven through its API)."""
        action()
        self.taps += 1
        self.log.append(f"pick {what}")

    def report(self) -> str:
        line = f"[{self.flow}] {self.keys} keystrokes, {self.taps} taps"
        print(line)
        return line


def wait_for(qtbot: QtBot, check: Callable[[], bool], timeout: int = WAIT_MS) -> None:
    qtbot.waitUntil(check, timeout=timeout)


def touch_sized(widget: QWidget, minimum: int = 44) -> list[str]:
    """Visible buttons smaller than a fingertip (should be none)."""
    small = []
    for button in widget.findChildren(QAbstractButton):
        if not button.isVisibleTo(widget):
            continue
        hint = button.minimumSize()
        if hint.height() < minimum or hint.width() < minimum:
            small.append(button.text() or button.objectName())
    return small


@contextmanager
def approve_when_asked(
    taps: Taps, approver: str = "9001", secret: str = "9999"
) -> Iterator[list[str]]:
    """Fill in the register's real manager-override dialog whenever it opens (it runs a nested
    event loop, so a timer does it), counting the manager's keystrokes and taps. Returns the
    permissions it was opened for."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    from pos_app.ui.override_dialog import OverrideDialog

    seen: list[str] = []

    def check() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, OverrideDialog) and widget.isVisible() and widget not in done:
                done.append(widget)
                label = widget.findChild(QLabel, "overridePermission")
                seen.append(label.text() if label is not None else "")
                taps.type(widget.approver, approver)
                taps.type(widget.secret, secret)
                button = widget.findChild(QPushButton, "approveButton")
                assert button is not None
                taps.tap(button)

    done: list[QWidget] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(check)
    timer.start()
    try:
        yield seen
    finally:
        timer.stop()
