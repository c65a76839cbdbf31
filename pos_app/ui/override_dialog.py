"""The manager override: names the permission the runtime asked for, takes a *different*
operator's id and password (keyboard or pad), and hands back an `Approval` for the retry.

The runtime checks the approver (permission, password, lockout); the dialog only refuses the
obvious case of the same operator approving their own request, before asking the runtime.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import MessageBanner, touch_button
from pos_app.ui.i18n import tr
from pos_app.ui.numpad import NumPad
from pos_app.ui.screens_registry import ShotContext, screen
from runtime.operations import Approval

PERMISSION_NAMES = {
    "manager": "Manager",
    "void": "Void",
    "suspend": "Suspend",
    "price_override": "Price override",
    "no_sale": "No sale (open drawer)",
    "xz_reports": "X and Z reports",
    "declarations": "Tender declarations",
    "drawer_operations": "Drawer operations",
    "blind_close": "Blind close",
    "return_with_receipt": "Return with receipt",
    "return_without_receipt": "Return without receipt",
    "refund_card_to_cash": "Refund a card sale in cash",
    "tax_exempt": "Tax exemption",
    "manual_discount": "Manual discount",
}


class OverrideDialog(QDialog):
    """`approved(Approval)` when a different operator filled it in; rejected on Cancel."""

    approved = Signal(object)

    def __init__(self, permission: str, reason: str, current_operator: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overrideDialog")
        self.setWindowTitle(tr("Manager approval"))
        self.setModal(True)
        self.current_operator = current_operator
        self.approval: Approval | None = None
        title = QLabel(tr("Manager approval needed"))
        title.setObjectName("screenTitle")
        name = PERMISSION_NAMES.get(permission, permission)
        perm = QLabel(tr("Permission: ") + tr(name))
        perm.setObjectName("overridePermission")
        why = QLabel(reason)
        why.setWordWrap(True)
        why.setVisible(bool(reason))
        why.setProperty("muted", True)
        self.banner = MessageBanner(self, auto_hide_ms=0)
        self.approver = QLineEdit()
        self.approver.setObjectName("approverId")
        self.approver.setPlaceholderText(tr("Manager's operator id"))
        self.secret = QLineEdit()
        self.secret.setObjectName("approverSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(tr("Password or PIN"))
        form = QFormLayout()
        form.addRow(tr("Approved by"), self.approver)
        form.addRow(tr("Password"), self.secret)
        self.pad = NumPad(self.approver, show_display=False, clear_on_enter=False)
        self.pad.entered.connect(self._next_field)
        self.approver.returnPressed.disconnect()
        self.approver.returnPressed.connect(self.secret.setFocus)
        self.secret.returnPressed.connect(self.accept_input)
        ok = touch_button(tr("Approve"), role="primary", on_click=self.accept_input,
                          name="approveButton")
        cancel = touch_button(tr("Cancel"), shortcut="Esc", on_click=self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        for widget in (title, perm, why, self.banner):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.pad)
        layout.addLayout(buttons)
        self.approver.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(460, 640)

    def _next_field(self, _text: str) -> None:
        if self.pad.display is self.approver:
            self.pad.display = self.secret
            self.secret.setFocus()
        else:
            self.accept_input()

    def accept_input(self) -> None:
        approver = self.approver.text().strip()
        if not approver or not self.secret.text():
            self.banner.show_message(tr("Enter the manager's id and password."), "warning")
            return
        if approver == self.current_operator:
            self.approver.clear()
            self.secret.clear()
            self.approver.setFocus()
            self.pad.display = self.approver
            self.banner.show_message(
                tr("You cannot approve your own request."), "warning",
                tr("Ask a manager who is not signed in here."),
            )
            return
        self.approval = Approval(approver, self.secret.text())
        self.approved.emit(self.approval)
        self.accept()


def ask_approval(message: str, parent: QWidget | None = None,
                 permission: str = "manager",
                 current_operator: str | None = None) -> Approval | None:
    """Blocking form (a nested event loop, the UI keeps painting): the approval or None."""
    dialog = OverrideDialog(permission, message, current_operator, parent)
    dialog.exec()
    return dialog.approval


@screen("dialog.manager_override", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    return OverrideDialog("void", "Operator 1001 may not void a line: that needs the 'void' "
                          "permission. A manager can approve it.", "1001", ctx.parent)
