"""Shift start, when no shift is open: open one with a start amount, resume a suspended shift
(floating till), or work without a drawer (card only). The detailed drawer dialogs live in the
shift screens; this is the cashier's first step of the day.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import touch_button
from pos_app.ui.i18n import tr
from pos_app.ui.numpad import NumPad
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.viewmodels.views import SuspendedShift


class ShiftStartScreen(QWidget):
    open_requested = Signal(str)  # the start amount as typed ("" = none declared)
    resume_requested = Signal(str)  # shift id
    without_drawer = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shiftStartScreen")
        title = QLabel(tr("Start a shift"))
        title.setObjectName("screenTitle")
        note = QLabel(tr("Count the cash in the drawer and enter the start amount."))
        note.setWordWrap(True)
        note.setProperty("muted", True)
        self.amount = QLineEdit()
        self.amount.setObjectName("startAmount")
        self.amount.setPlaceholderText(tr("Start amount, e.g. 150.00"))
        self.pad = NumPad(self.amount, show_display=False, clear_on_enter=False)
        self.pad.entered.connect(lambda _t: self._open())
        self.amount.returnPressed.disconnect()
        self.amount.returnPressed.connect(self._open)
        open_button = touch_button(
            tr("Open shift"), role="primary", on_click=self._open, name="openShiftButton"
        )
        left = QVBoxLayout()
        for widget in (title, note, self.amount, self.pad, open_button):
            left.addWidget(widget)
        left.addStretch(1)
        resume_title = QLabel(tr("Suspended shifts"))
        resume_title.setObjectName("screenTitle")
        self.suspended = QListWidget()
        self.suspended.setObjectName("suspendedShifts")
        self.resume_button = touch_button(
            tr("Resume selected shift"), on_click=self._resume, name="resumeShiftButton"
        )
        self.no_drawer = touch_button(
            tr("Work without a drawer (card only)"),
            on_click=self.without_drawer.emit,
            name="noDrawerButton",
        )
        right = QVBoxLayout()
        for widget in (resume_title, self.suspended, self.resume_button, self.no_drawer):
            right.addWidget(widget)
        row = QHBoxLayout(self)
        row.addStretch(1)
        row.addLayout(left, 3)
        row.addSpacing(24)
        row.addLayout(right, 3)
        row.addStretch(1)
        self.set_suspended([])

    def set_suspended(self, shifts: list[SuspendedShift]) -> None:
        self.suspended.clear()
        for shift in shifts:
            item = QListWidgetItem(shift.label)
            item.setData(Qt.ItemDataRole.UserRole, shift.shift_id)
            self.suspended.addItem(item)
        if shifts:
            self.suspended.setCurrentRow(0)
        self.resume_button.setEnabled(bool(shifts))

    def _open(self) -> None:
        self.open_requested.emit(self.amount.text().strip())

    def _resume(self) -> None:
        item = self.suspended.currentItem()
        if item is not None:
            self.resume_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def focus_amount(self) -> None:
        self.amount.clear()
        self.amount.setFocus(Qt.FocusReason.OtherFocusReason)


@screen("screen.shift_start")
def _shot(ctx: ShotContext) -> QWidget:
    widget = ShiftStartScreen(ctx.parent)
    widget.amount.setText("150.00")
    widget.set_suspended([SuspendedShift("s1", "R2-4 · 1002 · 12/5/26, 9:02 AM")])
    return widget
