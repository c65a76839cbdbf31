"""Shift and drawer: the manager's and cashier's back-office dialog. Opens a shift with a start
amount, resumes a suspended one, and for the open shift leads to the drawer operations, the
tender declaration, the X report, suspend, blind close and close with the Z report (over/short
shown). Blind-closed shifts are declared and closed from here later.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.shift_common import ApprovalHook, OpsDialog, ops_button, touch_field
from pos_app.viewmodels.shift import ShiftView, ShiftViewModel
from runtime.shifts import Shift

ROLE = 256  # Qt.ItemDataRole.UserRole


class ShiftDialog(OpsDialog):
    def __init__(
        self,
        vm: ShiftViewModel,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
    ) -> None:
        super().__init__(
            tr("Shift and drawer"),
            parent,
            runner=runner,
            on_permission_refusal=on_permission_refusal,
        )
        self.vm = vm
        self.status = QLabel(tr("Reading the shift…"))
        self.status.setObjectName("shiftStatus")
        self.status.setWordWrap(True)
        self.body.addWidget(self.status)

        # ---- no shift open: open one, or resume a suspended one
        self.opening = QWidget()
        row = QHBoxLayout(self.opening)
        row.setContentsMargins(0, 0, 0, 0)
        self.start_amount = touch_field(tr("Start amount (cash in the drawer)"), "startAmount")
        self.start_amount.returnPressed.connect(self.open_shift)
        self.open_button = ops_button(
            tr("Open shift"), role="primary", shortcut="Ctrl+O", on_click=self.open_shift
        )
        row.addWidget(self.start_amount, 2)
        row.addWidget(self.open_button, 1)
        self.body.addWidget(self.opening)

        self.others = QListWidget()
        self.others.setObjectName("otherShifts")
        self.others.setMinimumHeight(TOUCH_MIN_PX * 2)
        self.others_label = QLabel(tr("Suspended and blind-closed shifts of the store:"))
        self.body.addWidget(self.others_label)
        self.body.addWidget(self.others)
        picks = QHBoxLayout()
        self.resume_button = ops_button(tr("Resume shift"), on_click=self.resume)
        self.declare_other_button = ops_button(
            tr("Declare blind-closed shift…"), on_click=self.declare_other
        )
        self.close_other_button = ops_button(
            tr("Close blind-closed shift (Z)"), on_click=self.close_other
        )
        for b in (self.resume_button, self.declare_other_button, self.close_other_button):
            picks.addWidget(b)
        self.body.addLayout(picks)

        # ---- the open shift
        self.shift_actions = QWidget()
        grid = QGridLayout(self.shift_actions)
        grid.setContentsMargins(0, 0, 0, 0)
        self.drawer_button = ops_button(
            tr("Drawer operation…"), shortcut="Ctrl+D", on_click=self.drawer_operation
        )
        self.declare_button = ops_button(
            tr("Declare tenders…"), role="primary", shortcut="Ctrl+T", on_click=self.declare
        )
        self.x_button = ops_button(tr("X report"), shortcut="Ctrl+X", on_click=self.x_report)
        self.suspend_button = ops_button(tr("Suspend shift"), on_click=self.suspend)
        self.blind_button = ops_button(tr("Blind close"), on_click=self.blind_close)
        self.close_button = ops_button(
            tr("Close shift (Z report)"),
            role="danger",
            shortcut="Ctrl+Z",
            on_click=self.close_shift,
        )
        buttons = (
            self.drawer_button,
            self.declare_button,
            self.x_button,
            self.suspend_button,
            self.blind_button,
            self.close_button,
        )
        for i, b in enumerate(buttons):
            grid.addWidget(b, i // 2, i % 2)
        self.body.addWidget(self.shift_actions)
        self.body.addStretch(1)
        self.last_z_button = ops_button(tr("Reprint last Z report"), on_click=self.last_z_report)
        self.body.addWidget(self.last_z_button)
        self.body.addWidget(ops_button(tr("Done"), shortcut="Esc", on_click=self.accept))
        self.child: OpsDialog | None = None  # the last sub-dialog (tests drive it)
        self.refresh()

    # ---- state --------------------------------------------------------------------------------
    def refresh(self) -> None:
        def read(_approval: Any) -> Any:
            from pos_app.viewmodels.shift import Outcome

            others = [*self.vm.suspended_shifts(), *self.vm.blind_closed_shifts()]
            return Outcome.done((self.vm.view(), others))

        self.run(read, self._show, doing="read the shift")

    def _show(self, value: tuple[ShiftView, list[Shift]]) -> None:
        view, others = value
        if view.open:
            self.status.setText(
                f"Shift {view.label} is {view.status} ({view.model} till), opened by "
                f"{view.operator_id} at {view.opened_at}."
            )
        else:
            self.status.setText(
                "No shift is open on this register. Count the start amount into the drawer and "
                "open a shift, or resume a suspended one."
            )
        self.opening.setVisible(not view.open)
        self.shift_actions.setVisible(view.open)
        self.others.clear()
        for shift in others:
            item = QListWidgetItem(
                f"{shift.label}  {shift.status.value.replace('_', ' ')}  "
                f"(operator {shift.operator_id}, register {shift.register_id})"
            )
            item.setData(ROLE, (shift.shift_id, shift.status.value))
            item.setSizeHint(item.sizeHint().expandedTo(self.open_button.minimumSize()))
            self.others.addItem(item)
        has_others = bool(others)
        for w in (self.others, self.others_label):
            w.setVisible(has_others)
        self.resume_button.setVisible(has_others and not view.open)
        self.declare_other_button.setVisible(has_others)
        self.close_other_button.setVisible(has_others)
        if has_others:
            self.others.setCurrentRow(0)

    def _picked(self, status: str) -> str | None:
        item = self.others.currentItem()
        data = None if item is None else item.data(ROLE)
        if not data or data[1] != status:
            word = status.replace("_", " ")
            self.banner.show_message(f"Pick a {word} shift in the list first.", "warning")
            return None
        return str(data[0])

    # ---- operations ---------------------------------------------------------------------------
    def open_shift(self) -> None:
        amount = self.start_amount.text()
        self.run(lambda a: self.vm.open_shift(amount, a), self._changed, doing="open the shift")

    def resume(self) -> None:
        shift_id = self._picked("suspended")
        if shift_id:
            self.run(lambda a: self.vm.resume(shift_id, a), self._changed, doing="resume")

    def suspend(self) -> None:
        self.run(self.vm.suspend, self._changed, doing="suspend the shift")

    def blind_close(self) -> None:
        self.run(self.vm.blind_close, self._changed, doing="blind close the shift")

    def _changed(self, _value: object) -> None:
        self.start_amount.clear()
        message = self.last_outcome.message if self.last_outcome else ""
        self.refresh()
        if message:
            self.banner.show_message(message, "success")

    def drawer_operation(self) -> None:
        from pos_app.ui.drawer_dialog import DrawerDialog

        self._open_child(
            DrawerDialog(
                self.vm.drawer(),
                self,
                runner=self.runner,
                on_permission_refusal=self.on_permission_refusal,
            )
        )

    def declare(self, shift_id: str | None = None) -> None:
        from pos_app.ui.declaration_dialog import DeclarationDialog
        from pos_app.viewmodels.shift import Outcome

        def build(_a: Any) -> Outcome[Any]:
            return Outcome.done(self.vm.declaration(shift_id))

        def show(vm: Any) -> None:
            self._open_child(
                DeclarationDialog(
                    vm,
                    self,
                    runner=self.runner,
                    on_permission_refusal=self.on_permission_refusal,
                    reports=self.vm.reports(),
                )
            )

        self.run(build, show, doing="read the denominations")

    def declare_other(self) -> None:
        shift_id = self._picked("blind_closed")
        if shift_id:
            self.declare(shift_id)

    def x_report(self) -> None:
        self._report(lambda vm, a: vm.x_report(a), "print the X report")

    def close_shift(self) -> None:
        self._report(lambda vm, a: vm.close_shift(None, a), "close the shift")

    def last_z_report(self) -> None:
        self._report(lambda vm, a: vm.last_z_report(None, a), "reprint the last Z report")

    def close_other(self) -> None:
        shift_id = self._picked("blind_closed")
        if shift_id:
            self._report(lambda vm, a: vm.close_shift(shift_id, a), "close the shift")

    def _report(self, call: Any, doing: str) -> None:
        from pos_app.ui.report_dialog import ReportDialog

        reports = self.vm.reports()

        def show(view: Any) -> None:
            self.refresh()
            self._open_child(ReportDialog(reports, view, self, runner=self.runner))

        self.run(lambda a: call(reports, a), show, doing=doing)

    def _open_child(self, dialog: OpsDialog) -> None:
        self.child = dialog
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()


@screen("shift.dialog", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    reg = ctx.register
    vm = ShiftViewModel(reg.runtime, devices=reg.devices)
    return ShiftDialog(vm, ctx.parent, runner=ctx.runner)
