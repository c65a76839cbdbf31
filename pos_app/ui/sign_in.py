"""Sign-in and unlock: operator id + password on the pad or keyboard, or a scanned staff badge
(the scan filter routes badge scans here). Lockouts and wrong passwords come back from the
runtime as calm messages in the window's banner.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import touch_button
from pos_app.ui.i18n import tr
from pos_app.ui.numpad import NumPad
from pos_app.ui.screens_registry import ShotContext, screen


class SignInScreen(QWidget):
    """`submitted(operator_id, secret)` when the cashier signs in (or unlocks)."""

    submitted = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInScreen")
        self.title = QLabel(tr("Sign in"))
        self.title.setObjectName("screenTitle")
        self.subtitle = QLabel(tr("Opening the register…"))
        self.subtitle.setProperty("muted", True)
        self.subtitle.setWordWrap(True)
        self.operator = QLineEdit()
        self.operator.setObjectName("operatorId")
        self.operator.setPlaceholderText(tr("Operator id"))
        self.secret = QLineEdit()
        self.secret.setObjectName("operatorSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(tr("Password or PIN"))
        form = QFormLayout()
        form.addRow(tr("Operator"), self.operator)
        form.addRow(tr("Password"), self.secret)
        self.pad = NumPad(self.operator, show_display=False, clear_on_enter=False)
        self.pad.entered.connect(lambda _t: self._enter())
        self.operator.returnPressed.disconnect()
        self.operator.returnPressed.connect(self._enter)
        self.secret.returnPressed.connect(self._enter)
        self.button = touch_button(tr("Sign in"), role="primary", on_click=self.submit,
                                   name="signInButton")
        hint = QLabel(tr("Or scan your staff badge."))
        hint.setProperty("muted", True)
        column = QVBoxLayout()
        column.addStretch(1)
        for widget in (self.title, self.subtitle):
            column.addWidget(widget)
        column.addLayout(form)
        column.addWidget(self.pad)
        column.addWidget(self.button)
        column.addWidget(hint)
        column.addStretch(1)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(480)
        row = QHBoxLayout(self)
        row.addStretch(1)
        row.addWidget(box, 2)
        row.addStretch(1)
        self.operator.installEventFilter(self)
        self.secret.installEventFilter(self)
        self.set_ready(False)

    def eventFilter(self, watched: object, event: object) -> bool:  # noqa: N802
        from PySide6.QtCore import QEvent

        if getattr(event, "type", lambda: None)() == QEvent.Type.FocusIn and \
                watched in (self.operator, self.secret):
            self.pad.display = watched  # type: ignore[assignment]
        return False

    def _enter(self) -> None:
        if self.operator.hasFocus() and not self.secret.text():
            self.secret.setFocus()
            self.pad.display = self.secret
            return
        self.submit()

    def submit(self) -> None:
        if not self.button.isEnabled():
            return
        operator = self.operator.text().strip()
        if not operator:
            self.operator.setFocus()
            return
        if not self.secret.text():
            self.secret.setFocus()
            self.pad.display = self.secret
            return
        self.submitted.emit(operator, self.secret.text())

    def set_ready(self, ready: bool, where: str = "") -> None:
        """Disabled (with a note) until the register is open."""
        self.button.setEnabled(ready)
        self.pad.setEnabled(ready)
        if ready:
            self.subtitle.setText(where)
            self.operator.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_locked(self, locked_by: str | None, where: str = "") -> None:
        if locked_by:
            self.title.setText(tr("Register locked"))
            self.subtitle.setText(tr("Locked by operator %1. They or a manager can unlock it.")
                                  .replace("%1", locked_by))
            self.button.setText(tr("Unlock"))
        else:
            self.title.setText(tr("Sign in"))
            self.subtitle.setText(where)
            self.button.setText(tr("Sign in"))

    def reset(self) -> None:
        self.operator.clear()
        self.secret.clear()
        self.pad.display = self.operator
        self.operator.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_secret(self) -> None:
        self.secret.clear()
        self.secret.setFocus()
        self.pad.display = self.secret


@screen("screen.sign_in")
def _shot(ctx: ShotContext) -> QWidget:
    widget = SignInScreen(ctx.parent)
    widget.set_ready(True, "Demo Store · register R1")
    widget.operator.setText("1001")
    return widget
