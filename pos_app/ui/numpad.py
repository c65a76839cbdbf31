"""The numeric pad: digits, decimal point, 00, clear, backspace and Enter, 44 px keys or larger.

It edits a QLineEdit (its own display, or one given), so keyboard and touch input end up in the
same place and a person can mix them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QVBoxLayout, QWidget

from pos_app.ui.common import touch_button
from pos_app.ui.i18n import tr


class NumPad(QWidget):
    """`entered(text)` on Enter (the display is cleared when `clear_on_enter`)."""

    entered = Signal(str)

    def __init__(self, display: QLineEdit | None = None, *, show_display: bool = True,
                 clear_on_enter: bool = True, password: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("numPad")
        self.display = display or QLineEdit()
        self.display.setObjectName(self.display.objectName() or "numPadDisplay")
        if password:
            self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.clear_on_enter = clear_on_enter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if display is None and show_display:
            layout.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(6)
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "00", "."]
        for index, key in enumerate(keys):
            button = touch_button(key, role="numpad", on_click=lambda k=key: self.press(k))
            button.setObjectName(f"key_{key}")
            grid.addWidget(button, index // 3, index % 3)
        back = touch_button("⌫", role="numpad", on_click=self.backspace)
        back.setAccessibleName(tr("Backspace"))
        clear = touch_button(tr("C"), role="numpad", on_click=self.display.clear)
        clear.setAccessibleName(tr("Clear"))
        enter = touch_button(tr("Enter"), role="primary", on_click=self.enter, name="key_enter")
        grid.addWidget(back, 0, 3)
        grid.addWidget(clear, 1, 3)
        grid.addWidget(enter, 2, 3, 2, 1)
        layout.addLayout(grid)
        self.display.returnPressed.connect(self.enter)

    def press(self, key: str) -> None:
        self.display.insert(key)

    def backspace(self) -> None:
        self.display.backspace()

    def value(self) -> str:
        return self.display.text().strip()

    def clear(self) -> None:
        self.display.clear()

    def enter(self) -> None:
        text = self.value()
        if self.clear_on_enter:
            self.display.clear()
        self.entered.emit(text)
