"""Electronic journal search: by receipt number, store-local days, operator and amount; the
picked transaction's receipt beside the list (monospace, as printed); reprint it marked as a
copy, or print a gift receipt. Searches and prints run off the UI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.shift_common import (
    ApprovalHook,
    OpsDialog,
    align_right,
    monospace_view,
    ops_button,
    touch_field,
)
from pos_app.viewmodels.journal import JournalCriteria, JournalRow, JournalViewModel, ReceiptPreview


def _columns() -> list[str]:  # translated when a widget is built
    return [tr("Receipt"), tr("Ended"), tr("Operator"), tr("Total"), tr("State"), tr("Lines")]


class JournalDialog(OpsDialog):
    def __init__(
        self,
        vm: JournalViewModel,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
    ) -> None:
        super().__init__(
            tr("Electronic journal"),
            parent,
            runner=runner,
            on_permission_refusal=on_permission_refusal,
        )
        self.vm = vm
        self.rows: list[JournalRow] = []
        self.preview: ReceiptPreview | None = None
        form = QGridLayout()
        self.receipt = touch_field(tr("Receipt number"), "journalReceipt")
        self.date_from = touch_field(tr("From day (2026-03-31)"), "journalFrom")
        self.date_to = touch_field(tr("To day"), "journalTo")
        self.operator = touch_field(tr("Operator id"), "journalOperator")
        self.min_amount = touch_field(tr("Lowest total"), "journalMin")
        self.max_amount = touch_field(tr("Highest total"), "journalMax")
        fields = (self.receipt, self.operator, self.date_from, self.date_to,
                  self.min_amount, self.max_amount)  # fmt: skip
        for i, field in enumerate(fields):
            form.addWidget(field, i // 2, i % 2)
            field.returnPressed.connect(self.search)
        self.search_button = ops_button(
            tr("Search"), role="primary", shortcut="Ctrl+F", on_click=self.search
        )
        self.clear_button = ops_button(tr("Clear"), on_click=self.clear_criteria)
        form.addWidget(self.search_button, 0, 2)
        form.addWidget(self.clear_button, 1, 2)
        self.body.addLayout(form)

        split = QSplitter()
        self.results = QTableWidget(0, len(_columns()))
        self.results.setObjectName("journalResults")
        self.results.setHorizontalHeaderLabels(_columns())
        self.results.verticalHeader().setVisible(False)
        self.results.verticalHeader().setDefaultSectionSize(TOUCH_MIN_PX)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.results.currentCellChanged.connect(lambda row, *_: self.show_row(row))
        split.addWidget(self.results)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        self.preview_label = QLabel(tr("Pick a transaction to see its receipt."))
        self.preview_view = monospace_view()
        rbox.addWidget(self.preview_label)
        rbox.addWidget(self.preview_view, 1)
        actions = QHBoxLayout()
        self.reprint_button = ops_button(
            tr("Reprint (copy)"), shortcut="Ctrl+R", on_click=self.reprint
        )
        self.gift_button = ops_button(tr("Gift receipt"), shortcut="Ctrl+G", on_click=self.gift)
        for b in (self.reprint_button, self.gift_button):
            b.setEnabled(False)
            actions.addWidget(b)
        rbox.addLayout(actions)
        split.addWidget(right)
        split.setSizes([520, 420])
        self.body.addWidget(split, 1)
        self.body.addWidget(ops_button(tr("Close"), shortcut="Esc", on_click=self.accept))
        self.resize(1000, 700)
        self.receipt.setFocus()

    def criteria(self) -> JournalCriteria:
        return JournalCriteria(
            self.receipt.text(),
            self.date_from.text(),
            self.date_to.text(),
            self.operator.text(),
            self.min_amount.text(),
            self.max_amount.text(),
        )

    def clear_criteria(self) -> None:
        for field in (self.receipt, self.date_from, self.date_to, self.operator,
                      self.min_amount, self.max_amount):  # fmt: skip
            field.clear()
        self.receipt.setFocus()

    def search(self) -> None:
        criteria = self.criteria()
        self.run(lambda _a: self.vm.search(criteria), self._listed, doing="search the journal")

    def _listed(self, rows: list[JournalRow]) -> None:
        self.rows = rows
        self.results.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.receipt_number, row.ended, row.operator_id, row.total, row.state,
                     str(row.lines))  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (3, 5):
                    item.setTextAlignment(align_right())
                self.results.setItem(r, c, item)
        if rows:
            self.results.setCurrentCell(0, 0)
        else:
            self.preview = None
            self.preview_view.clear()
            self.reprint_button.setEnabled(False)
            self.gift_button.setEnabled(False)

    def show_row(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        transaction_id = self.rows[row].transaction_id
        self.run(lambda _a: self.vm.preview(transaction_id), self._previewed,
                 doing="show the receipt")  # fmt: skip

    def _previewed(self, preview: ReceiptPreview) -> None:
        self.preview = preview
        tx = preview.transaction
        self.preview_label.setText(f"Receipt {tx.receipt_number or tx.transaction_id}")
        self.preview_view.setPlainText(preview.text)
        self.reprint_button.setEnabled(True)
        self.gift_button.setEnabled(tx.state.value == "concluded")

    def reprint(self) -> None:
        if self.preview is not None:
            tid = self.preview.transaction.transaction_id
            self.run(lambda _a: self.vm.reprint(tid), doing="reprint the receipt")

    def gift(self) -> None:
        if self.preview is None:
            return
        tid = self.preview.transaction.transaction_id

        def shown(text: str) -> None:  # on screen first, then to the printer
            self.preview_view.setPlainText(text)
            self.preview_label.setText("Gift receipt")
            self.run(lambda _a: self.vm.gift_receipt(tid), doing="print the gift receipt")

        self.run(lambda _a: self.vm.gift_receipt(tid, print_it=False), shown,
                 doing="build the gift receipt")  # fmt: skip


@screen("journal.search", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    reg = ctx.register
    dialog = JournalDialog(JournalViewModel(reg.runtime, devices=reg.devices), ctx.parent,
                           runner=ctx.runner)  # fmt: skip
    dialog.search()
    return dialog
