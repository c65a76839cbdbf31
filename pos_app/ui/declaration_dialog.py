"""Tender declaration: count the drawer note by note with the running total beside each line,
and other tenders (card slips, checks) as one amount each. After declaring, the shift can be
closed here with its Z report, which shows over/short per tender.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
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
from pos_app.viewmodels.drawer import DeclarationViewModel, TenderCount
from pos_app.viewmodels.reports import ReportViewModel


class DeclarationDialog(OpsDialog):
    def __init__(
        self,
        vm: DeclarationViewModel,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
        reports: ReportViewModel | None = None,
    ) -> None:
        title = tr("Tender declaration") + (tr(" (blind-closed shift)") if vm.shift_id else "")
        super().__init__(title, parent, runner=runner, on_permission_refusal=on_permission_refusal)
        self.vm = vm
        self.reports = reports
        self.declared = False
        self.tabs = QTabWidget()
        self.count_fields: dict[tuple[str, Decimal], QLineEdit] = {}
        self.amount_fields: dict[str, QLineEdit] = {}
        self.totals: dict[str, QLabel] = {}
        self.tables: dict[str, QTableWidget] = {}
        for tender in vm.tenders:
            self.tabs.addTab(self._tender_page(tender), tender.name)
        self.body.addWidget(self.tabs, 1)
        self.grand = QLabel()
        self.grand.setObjectName("declarationTotals")
        self.body.addWidget(self.grand)
        row = QHBoxLayout()
        self.declare_button = ops_button(
            tr("Declare"), role="primary", shortcut="Ctrl+Return", on_click=self.declare
        )
        self.close_button = ops_button(
            tr("Close shift (Z report)"), role="danger", on_click=self.close_shift
        )
        self.close_button.setEnabled(False)
        row.addWidget(self.declare_button)
        row.addWidget(self.close_button)
        row.addWidget(ops_button(tr("Cancel"), shortcut="Esc", on_click=self.reject))
        self.body.addLayout(row)
        self.report_dialog: OpsDialog | None = None
        self._update_totals()
        self.resize(640, 720)

    def _tender_page(self, tender: TenderCount) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        tid = tender.tender_type_id
        if tender.by_denomination:
            table = QTableWidget(len(tender.rows), 3)
            table.setObjectName(f"denominations_{tid}")
            table.setHorizontalHeaderLabels(["Denomination", "Count", "Amount"])
            table.verticalHeader().setVisible(False)
            table.verticalHeader().setDefaultSectionSize(TOUCH_MIN_PX)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            fields: list[QLineEdit] = []
            for r, row in enumerate(tender.rows):
                label = QTableWidgetItem(self.vm.fmt.money(row.value, tender.currency))
                table.setItem(r, 0, label)
                field = QLineEdit()
                field.setObjectName(f"count_{tid}_{row.value}")
                field.setValidator(QIntValidator(0, 999_999, field))
                field.setPlaceholderText(tr("0"))
                field.setAlignment(align_right())
                field.textEdited.connect(lambda text, t=tid, v=row.value: self._count(t, v, text))
                table.setCellWidget(r, 1, field)
                amount = QTableWidgetItem(self.vm.fmt.money(Decimal(0), tender.currency))
                amount.setTextAlignment(align_right())
                table.setItem(r, 2, amount)
                self.count_fields[(tid, row.value)] = field
                fields.append(field)
            for here, nxt in zip(fields, fields[1:], strict=False):  # Enter: next denomination
                here.returnPressed.connect(nxt.setFocus)
            if fields:
                fields[-1].returnPressed.connect(self.declare_button_focus)
            self.tables[tid] = table
            box.addWidget(table, 1)
        else:
            field = touch_field(f"Counted {tender.name} total", f"amount_{tid}")
            field.textEdited.connect(lambda text, t=tid: self._amount(t, text))
            self.amount_fields[tid] = field
            box.addWidget(QLabel(f"Key in the total of the {tender.name} you counted."))
            box.addWidget(field)
            box.addStretch(1)
        total = QLabel()
        total.setObjectName(f"total_{tid}")
        self.totals[tid] = total
        box.addWidget(total)
        return page

    def declare_button_focus(self) -> None:
        self.declare_button.setFocus()

    # ---- running totals (pure arithmetic on the view model: no database) ---------------------
    def set_count(self, tid: str, value: Decimal, text: str) -> None:
        """As if keyed: the field shows it and the totals follow."""
        self.count_fields[(tid, value)].setText(text)
        self._count(tid, value, text)

    def _count(self, tid: str, value: Decimal, text: str) -> None:
        problem = self.vm.set_count(tid, value, text)
        if problem:
            self.banner.show_message(problem, "warning")
            return
        tender = self.vm.tender(tid)
        row = next(i for i, r in enumerate(tender.rows) if r.value == value)
        line = tender.rows[row]
        item = self.tables[tid].item(row, 2)
        if item is not None:
            item.setText(self.vm.fmt.money(line.amount, tender.currency))
        self._update_totals()

    def _amount(self, tid: str, text: str) -> None:
        problem = self.vm.set_amount(tid, text)
        if problem:
            self.banner.show_message(problem, "warning")
        self._update_totals()

    def _update_totals(self) -> None:
        parts = []
        for tender in self.vm.tenders:
            text = self.vm.total_text(tender.tender_type_id)
            self.totals[tender.tender_type_id].setText(f"{tender.name} counted: {text}")
            if tender.tender_type_id == "cash" or tender.touched:
                parts.append(f"{tender.name} {text}")
        self.grand.setText("To declare: " + ", ".join(parts))

    # ---- declaring and closing ---------------------------------------------------------------
    def declare(self) -> None:
        self.run(self.vm.declare, self._declared, doing="declare the tenders")

    def _declared(self, _value: object) -> None:
        self.declared = True
        self.close_button.setEnabled(self.reports is not None)

    def close_shift(self) -> None:
        if self.reports is None:
            return
        from pos_app.ui.report_dialog import ReportDialog

        reports = self.reports
        shift_id = self.vm.shift_id

        def show(view: Any) -> None:
            self.report_dialog = ReportDialog(reports, view, self, runner=self.runner)
            self.report_dialog.finished.connect(lambda _r: self.accept())
            self.report_dialog.open()

        self.run(lambda a: reports.close_shift(shift_id, a), show, doing="close the shift")


@screen("shift.declaration", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    reg = ctx.register
    vm = DeclarationViewModel(reg.runtime)
    reports = ReportViewModel(reg.runtime)
    dialog = DeclarationDialog(vm, ctx.parent, runner=ctx.runner, reports=reports)
    for value, count in ((Decimal(50), "2"), (Decimal(20), "3"), (Decimal("0.50"), "4")):
        dialog.set_count("cash", value, count)
    return dialog
