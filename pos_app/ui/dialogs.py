"""Small non-blocking dialogs for the sale's operations: enter a value (pad or keyboard), pick
from a list, read a text (why this price, price check, a receipt preview).

They open with `open()` (window-modal, no nested event loop) and answer through signals, so the
UI thread is never parked inside a dialog and tests drive them like any widget.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import MessageBanner, touch_button
from pos_app.ui.i18n import tr
from pos_app.ui.numpad import NumPad
from pos_app.ui.screens_registry import ShotContext, screen


class InputDialog(QDialog):
    """One value. `submitted(mode, text)`; `mode` is one of `modes` (e.g. "%" / "amount")."""

    submitted = Signal(str, str)

    def __init__(self, title: str, label: str, *, numeric: bool = True,
                 modes: Sequence[str] = (), initial: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inputDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title)
        heading.setObjectName("screenTitle")
        text = QLabel(label)
        text.setWordWrap(True)
        self.banner = MessageBanner(self, auto_hide_ms=0)
        self.field = QLineEdit(initial)
        self.field.setObjectName("inputField")
        layout = QVBoxLayout(self)
        for widget in (heading, text, self.banner, self.field):
            layout.addWidget(widget)
        self.mode_buttons = QButtonGroup(self)
        if modes:
            row = QHBoxLayout()
            for number, mode in enumerate(modes):
                button = touch_button(mode, role="quick", name=f"mode_{number}")
                button.setCheckable(True)
                button.setChecked(number == 0)
                self.mode_buttons.addButton(button, number)
                row.addWidget(button)
            layout.addLayout(row)
        self.modes = tuple(modes)
        if numeric:
            self.pad: NumPad | None = NumPad(self.field, show_display=False, clear_on_enter=False)
            self.pad.entered.connect(lambda _t: self.accept_input())
            layout.addWidget(self.pad)
        else:
            self.pad = None
            self.field.returnPressed.connect(self.accept_input)
        buttons = QHBoxLayout()
        buttons.addWidget(touch_button(tr("Cancel"), shortcut="Esc", on_click=self.reject))
        buttons.addWidget(touch_button(tr("OK"), role="primary", on_click=self.accept_input,
                                       name="okButton"))
        layout.addLayout(buttons)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(440, 620 if numeric else 300)

    def mode(self) -> str:
        if not self.modes:
            return ""
        checked = self.mode_buttons.checkedId()
        return self.modes[max(checked, 0)]

    def accept_input(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.banner.show_message(tr("Enter a value first."), "warning")
            return
        self.submitted.emit(self.mode(), text)
        self.accept()


class ChoiceDialog(QDialog):
    """Pick one of `items` [(id, label)]: `chosen(id)`."""

    chosen = Signal(str)

    def __init__(self, title: str, items: Sequence[tuple[str, str]], empty: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choiceDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title)
        heading.setObjectName("screenTitle")
        self.list = QListWidget()
        self.list.setObjectName("choiceList")
        for key, label in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
        if items:
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _i: self.accept_choice())
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if not items:
            layout.addWidget(QLabel(empty))
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(touch_button(tr("Cancel"), shortcut="Esc", on_click=self.reject))
        self.ok: QPushButton = touch_button(tr("Choose"), role="primary",
                                            on_click=self.accept_choice, name="okButton")
        self.ok.setEnabled(bool(items))
        buttons.addWidget(self.ok)
        layout.addLayout(buttons)
        self.resize(560, 480)

    def accept_choice(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()


class TextDialog(QDialog):
    """Read-only text (monospace for receipts). `action_text` adds a button: `action()`."""

    action = Signal()

    def __init__(self, title: str, text: str, *, monospace: bool = False,
                 action_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title)
        heading.setObjectName("screenTitle")
        self.view = QPlainTextEdit(text)
        self.view.setObjectName("textView")
        self.view.setReadOnly(True)
        if monospace:
            font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            font.setStyleHint(QFont.StyleHint.Monospace)
            self.view.setFont(font)
            self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        buttons.addWidget(touch_button(tr("Close"), shortcut="Esc", on_click=self.accept,
                                       name="closeButton"))
        if action_text:
            buttons.addWidget(touch_button(action_text, role="primary", name="actionButton",
                                           on_click=self._act))
        layout.addLayout(buttons)
        self.resize(620, 560 if monospace else 420)

    def _act(self) -> None:
        self.action.emit()
        self.accept()


@screen("dialog.line_discount", kind="dialog")
def _shot_discount(ctx: ShotContext) -> QWidget:
    return InputDialog(tr("Line discount"), tr("Discount for Espresso Beans 1kg"),
                       modes=("%", tr("Amount")), initial="10", parent=ctx.parent)


@screen("dialog.recall", kind="dialog")
def _shot_recall(ctx: ShotContext) -> QWidget:
    items = [("t1", "10:42 · 3 items · €21.37 · 1001"), ("t2", "11:05 · 12 items · €88.10 · 1001")]
    return ChoiceDialog(tr("Recall a suspended sale"), items, tr("No suspended sales."),
                        ctx.parent)


@screen("dialog.why_this_price", kind="dialog")
def _shot_why(ctx: ShotContext) -> QWidget:
    text = ("Espresso Beans 1kg: €14.99 each (price from base price).\n"
            "Not used: price adjustment PA-GOLD-ESPRESSO: price group not active here.\n"
            "Did not apply: D-BASKET5: threshold not reached (15.88 < 50.00).")
    return TextDialog(tr("Why this price"), text, parent=ctx.parent)
