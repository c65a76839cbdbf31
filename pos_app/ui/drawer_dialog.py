"""Drawer operations: float entry, tender removal, safe drop, bank drop (with the bag number),
pay-in and pay-out (with a reason code), and no-sale. One operation per "Record"; the drawer
opens when the runtime says so, and a manager approves when the cashier may not.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QPushButton,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.shift_common import ApprovalHook, OpsDialog, ops_button, touch_field
from pos_app.viewmodels.drawer import Choice, DrawerAction, DrawerViewModel
from pos_app.viewmodels.shift import Outcome


class DrawerDialog(OpsDialog):
    def __init__(
        self,
        vm: DrawerViewModel,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
        action: DrawerAction = DrawerAction.SAFE_DROP,
    ) -> None:
        super().__init__(
            tr("Drawer operation"),
            parent,
            runner=runner,
            on_permission_refusal=on_permission_refusal,
        )
        self.vm = vm
        self.action = action
        kinds = QGridLayout()
        self.kind_buttons: dict[DrawerAction, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        for i, kind in enumerate(DrawerAction):
            button = ops_button(kind.label, role="quick", name=f"kind_{kind.value}")
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, k=kind: self.choose(k))
            group.addButton(button)
            kinds.addWidget(button, i // 4, i % 4)
            self.kind_buttons[kind] = button
        self.body.addLayout(kinds)

        form = QFormLayout()
        self.tender = QComboBox()
        self.tender.setMinimumHeight(TOUCH_MIN_PX)
        self.amount = touch_field(tr("Amount, e.g. 50.00"), "drawerAmount")
        self.amount.returnPressed.connect(self.record)
        self.reason = QComboBox()
        self.reason.setObjectName("drawerReason")
        self.reason.setMinimumHeight(TOUCH_MIN_PX)
        self.bag = touch_field(tr("Bank bag number"), "bagNumber")
        self.comment = touch_field(tr("Comment (optional)"), "drawerComment")
        form.addRow(tr("Tender"), self.tender)
        form.addRow(tr("Amount"), self.amount)
        form.addRow(tr("Reason"), self.reason)
        form.addRow(tr("Bag number"), self.bag)
        form.addRow(tr("Comment"), self.comment)
        self.form = form
        self.body.addLayout(form)
        self.record_button = ops_button(
            tr("Record"), role="primary", shortcut="Ctrl+Return", on_click=self.record
        )
        self.body.addStretch(1)
        self.body.addWidget(self.record_button)
        self.body.addWidget(ops_button(tr("Close"), shortcut="Esc", on_click=self.accept))
        self._reasons: dict[DrawerAction, list[Choice]] = {}
        self._load()

    def _load(self) -> None:
        def read(_a: Any) -> Outcome[Any]:
            reasons = {k: self.vm.reasons(k) for k in DrawerAction if k.needs_reason}
            reasons[DrawerAction.NO_SALE] = self.vm.reasons(DrawerAction.NO_SALE)
            return Outcome.done((self.vm.tenders(), reasons))

        def show(value: tuple[list[Choice], dict[DrawerAction, list[Choice]]]) -> None:
            tenders, self._reasons = value
            self.tender.clear()
            for c in tenders:
                self.tender.addItem(c.text, c.key)
            self.choose(self.action)

        self.run(read, show, doing="read the drawer's tenders and reason codes")

    def choose(self, action: DrawerAction) -> None:
        self.action = action
        self.kind_buttons[action].setChecked(True)
        self.reason.clear()
        reasons = self._reasons.get(action, [])
        if action is DrawerAction.NO_SALE:
            self.reason.addItem(tr("No reason"), "")
        elif reasons:
            self.reason.addItem(tr("Choose a reason…"), "")
        for c in reasons:
            self.reason.addItem(c.text, c.key)
        shows_reason = action.needs_reason or (action is DrawerAction.NO_SALE and bool(reasons))
        self.form.setRowVisible(self.reason, shows_reason)
        self.form.setRowVisible(self.bag, action.needs_bag)
        self.form.setRowVisible(self.amount, action.moves_money)
        self.form.setRowVisible(self.tender, action.moves_money)
        self.record_button.setText(f"Record {action.label.lower()}")
        if action.moves_money:
            self.amount.setFocus()

    def record(self) -> None:
        action = self.action
        amount = self.amount.text()
        tender = str(self.tender.currentData() or "cash")
        reason = str(self.reason.currentData() or "")
        bag = self.bag.text()
        comment = self.comment.text()

        def call(approval: Any) -> Outcome[Any]:
            return self.vm.perform(
                action,
                amount,
                tender_type_id=tender,
                reason_code=reason,
                bag_number=bag,
                comment=comment,
                approval=approval,
            )

        self.run(call, self._recorded, doing=f"record the {action.label.lower()}")

    def _recorded(self, _value: object) -> None:
        for field in (self.amount, self.bag, self.comment):
            field.clear()


@screen("shift.drawer_operation", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    reg = ctx.register
    vm = DrawerViewModel(reg.runtime, devices=reg.devices)
    return DrawerDialog(vm, ctx.parent, runner=ctx.runner, action=DrawerAction.PAY_OUT)
