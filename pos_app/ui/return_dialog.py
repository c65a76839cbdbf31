"""Returns: by receipt (scan or type its number; each line shows what was sold, what earlier
returns took back and what may still be returned; key the quantities) and without a receipt
(an item, a quantity and a reason code). The return lines join the open transaction, so an
exchange goes on by scanning the new items on the sale screen; "Refund and finish" settles a
pure return here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.shift_common import ApprovalHook, OpsDialog, align_right, ops_button, touch_field
from pos_app.viewmodels.returns import ReceiptToReturn, ReturnsViewModel
from pos_app.viewmodels.shift import Outcome


def _columns() -> list[str]:  # translated when a widget is built
    return [
        tr("Item"),
        tr("Sold"),
        tr("Returned"),
        tr("Can return"),
        tr("Refund each"),
        tr("Return now"),
    ]


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


class ReturnDialog(OpsDialog):
    def __init__(
        self,
        vm: ReturnsViewModel,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
    ) -> None:
        super().__init__(
            tr("Return"), parent, runner=runner, on_permission_refusal=on_permission_refusal
        )
        self.vm = vm
        self.receipt: ReceiptToReturn | None = None
        self._kept = ""
        self.qty_fields: dict[str, QLineEdit] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._with_receipt(), "With receipt")
        self.tabs.addTab(self._without_receipt(), "Without receipt")
        self.body.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.balance = QLabel()
        self.balance.setObjectName("returnBalance")
        self.refund_button = ops_button(
            tr("Refund cash and finish"), role="primary", on_click=self.refund
        )
        self.refund_button.setEnabled(False)
        row.addWidget(self.balance, 1)
        row.addWidget(self.refund_button)
        row.addWidget(ops_button(tr("Back to the sale"), shortcut="Esc", on_click=self.accept))
        self.body.addLayout(row)
        self.resize(760, 640)
        self.receipt_field.setFocus()

    # ---- with a receipt -----------------------------------------------------------------------
    def _with_receipt(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        find = QHBoxLayout()
        self.receipt_field = touch_field(
            tr("Scan the receipt's barcode or type its number"), "receipt"
        )
        self.receipt_field.returnPressed.connect(self.find_receipt)
        find.addWidget(self.receipt_field, 1)
        find.addWidget(ops_button(tr("Find"), on_click=self.find_receipt))
        box.addLayout(find)
        self.receipt_label = QLabel("")
        self.receipt_label.setObjectName("receiptFound")
        box.addWidget(self.receipt_label)
        self.lines = QTableWidget(0, len(_columns()))
        self.lines.setObjectName("returnLines")
        self.lines.setHorizontalHeaderLabels(_columns())
        self.lines.verticalHeader().setVisible(False)
        self.lines.verticalHeader().setDefaultSectionSize(TOUCH_MIN_PX)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.lines, 1)
        buttons = QHBoxLayout()
        self.all_button = ops_button(tr("Return everything"), on_click=self.select_all)
        self.return_button = ops_button(
            tr("Return chosen lines"),
            role="primary",
            shortcut="Ctrl+Return",
            on_click=self.return_lines,
        )
        for b in (self.all_button, self.return_button):
            b.setEnabled(False)
            buttons.addWidget(b)
        box.addLayout(buttons)
        return page

    def find_receipt(self) -> None:
        text = self.receipt_field.text()
        self.run(lambda _a: self.vm.find(text), self._found, doing="find the receipt")

    def _found(self, receipt: ReceiptToReturn) -> None:
        self.receipt = receipt
        self.receipt_label.setText(
            f"Receipt {receipt.receipt_number} from register {receipt.register_id}, "
            f"{receipt.sold_at}, total {receipt.total}"
        )
        self.qty_fields.clear()
        self.lines.setRowCount(len(receipt.rows))
        for r, row in enumerate(receipt.rows):
            cells = (row.description, _qty(row.sold), _qty(row.returned + row.in_cart),
                     _qty(row.returnable), row.unit_refund)  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(align_right())
                if row.blocked:
                    item.setToolTip(row.blocked)
                self.lines.setItem(r, c, item)
            field = QLineEdit()
            field.setObjectName(f"return_{row.line_id}")
            field.setPlaceholderText(tr("0"))
            field.setAlignment(align_right())
            field.setEnabled(row.returnable > 0)
            if row.blocked:
                field.setPlaceholderText(row.blocked[:24])
            field.returnPressed.connect(self.return_lines)
            self.lines.setCellWidget(r, 5, field)
            self.qty_fields[row.line_id] = field
        enabled = receipt.anything_returnable
        self.all_button.setEnabled(enabled)
        self.return_button.setEnabled(enabled)
        first = next((f for f in self.qty_fields.values() if f.isEnabled()), None)
        if first is not None:
            first.setFocus()

    def select_all(self) -> None:
        if self.receipt is None:
            return
        for row in self.receipt.rows:
            if row.returnable > 0:
                self.qty_fields[row.line_id].setText(_qty(row.returnable))

    def return_lines(self) -> None:
        receipt = self.receipt
        if receipt is None:
            self.banner.show_message("Find the receipt first: scan it or type its number.")
            return
        quantities: dict[str, Decimal] = {}
        for line_id, field in self.qty_fields.items():
            text = field.text().strip().replace(",", ".")
            if not text:
                continue
            try:
                quantities[line_id] = Decimal(text)
            except InvalidOperation:
                self.banner.show_message(
                    f"{text!r} is not a quantity; key how many to return, like 1.", "warning"
                )
                return
        self.run(
            lambda a: self.vm.return_lines(receipt, quantities, a),
            self._returned,
            doing="add the return lines",
        )

    def _returned(self, _lines: object) -> None:
        self._kept = self.last_outcome.message if self.last_outcome else ""
        receipt = self.receipt
        if receipt is not None:  # show what is left to return, counting the cart
            self.run(lambda _a: self.vm.find(receipt.receipt_number, receipt.register_id),
                     self._refound, doing="refresh the receipt")  # fmt: skip
        self._update_balance()

    def _refound(self, receipt: ReceiptToReturn) -> None:
        self._found(receipt)
        if self._kept:  # the return's own message ("2 return lines added ...") stays in view
            self.banner.show_message(self._kept, "success")

    # ---- without a receipt --------------------------------------------------------------------
    def _without_receipt(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.item_field = touch_field(tr("Scan the item or type its number"), "returnItem")
        self.item_qty = touch_field(tr("1"), "returnQty")
        self.reason = QComboBox()
        self.reason.setObjectName("returnReason")
        self.reason.setMinimumHeight(TOUCH_MIN_PX)
        form.addRow(tr("Item"), self.item_field)
        form.addRow(tr("Quantity"), self.item_qty)
        form.addRow(tr("Reason"), self.reason)
        self.item_button = ops_button(
            tr("Return item"), role="primary", on_click=self.return_item, name="returnItemButton"
        )
        form.addRow(self.item_button)
        self.item_field.returnPressed.connect(self.item_qty.setFocus)
        self.item_qty.returnPressed.connect(self.return_item)

        def reasons(_a: Any) -> Outcome[Any]:
            return Outcome.done(self.vm.reasons())

        def show(found: list[tuple[str, str]]) -> None:
            self.reason.clear()
            self.reason.addItem(tr("Choose a reason…"), "")
            for code, name in found:
                self.reason.addItem(f"{name} ({code})", code)

        self.run(reasons, show, doing="read the return reasons")
        return page

    def return_item(self) -> None:
        item, qty = self.item_field.text(), self.item_qty.text()
        reason = str(self.reason.currentData() or "")
        self.run(
            lambda a: self.vm.return_without_receipt(item, qty, reason, a),
            self._item_returned,
            doing="return the item",
        )

    def _item_returned(self, _line: object) -> None:
        self.item_field.clear()
        self.item_qty.clear()
        self.item_field.setFocus()
        self._update_balance()

    # ---- settling -----------------------------------------------------------------------------
    def _update_balance(self) -> None:
        def read(_a: Any) -> Outcome[tuple[Decimal, str]]:
            return Outcome.done(self.vm.sale_total())

        def show(total: tuple[Decimal, str]) -> None:
            self.balance.setText(f"Sale total now: {total[1]}")
            self.refund_button.setEnabled(total[0] < 0)

        self.run(read, show, doing="read the total")

    def refund(self) -> None:
        self.run(lambda a: self.vm.refund_and_finish("cash", a), self._refunded, doing="refund")

    def _refunded(self, _sale: object) -> None:
        self.refund_button.setEnabled(False)
        self.balance.setText("Refund done; the sale is finished.")


@screen("returns.dialog", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    reg = ctx.register
    return ReturnDialog(ReturnsViewModel(reg.runtime, devices=reg.devices), ctx.parent,
                        runner=ctx.runner)  # fmt: skip
