"""X and Z report preview: the report as the receipt printer prints it (monospace), over/short
per tender for a Z report, and printing on the register's printer off the UI thread."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.shift_common import ApprovalHook, OpsDialog, align_right, monospace_view, ops_button
from pos_app.viewmodels.reports import ReportView, ReportViewModel

_VERDICT_COLOURS = {"over": "#1a7f37", "short": "#b42318"}


class ReportDialog(OpsDialog):
    """Shows `view`, or loads the X report of the open shift when `view` is None."""

    def __init__(
        self,
        vm: ReportViewModel,
        view: ReportView | None = None,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
    ) -> None:
        super().__init__(
            tr("Shift report"), parent, runner=runner, on_permission_refusal=on_permission_refusal
        )
        self.vm = vm
        self.view: ReportView | None = None
        self.heading = QLabel(tr("Building the report…"))
        self.heading.setObjectName("reportHeading")
        self.body.addWidget(self.heading)
        self.text = monospace_view()
        self.text.setMinimumHeight(360)
        self.body.addWidget(self.text, 1)
        self.balances = QTableWidget(0, 5)
        self.balances.setObjectName("overShort")
        self.balances.setHorizontalHeaderLabels(
            ["Tender", "Expected", "Declared", "Over / short", ""]
        )
        self.balances.verticalHeader().setVisible(False)
        self.balances.verticalHeader().setDefaultSectionSize(TOUCH_MIN_PX)
        self.balances.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.balances.setMaximumHeight(TOUCH_MIN_PX * 4)
        self.body.addWidget(self.balances)
        row = QHBoxLayout()
        self.print_button = ops_button(
            tr("Print"), role="primary", shortcut="Ctrl+P", on_click=self.print_report
        )
        self.print_button.setEnabled(False)
        row.addWidget(self.print_button)
        row.addWidget(ops_button(tr("Close"), shortcut="Esc", on_click=self.accept))
        self.body.addLayout(row)
        self.resize(640, 760)
        if view is not None:
            self.show_view(view)
        else:
            self.run(self.vm.x_report, self.show_view, doing="build the X report")

    def show_view(self, view: ReportView) -> None:
        self.view = view
        self.setWindowTitle(view.title)
        label = f"{view.title}, shift {view.report.shift_label}"
        self.heading.setText(label)
        self.text.setPlainText(view.text)
        self.balances.setRowCount(len(view.balances))
        for r, b in enumerate(view.balances):
            cells = (b.tender, b.expected, b.declared, b.over_short, b.verdict)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (1, 2, 3):
                    item.setTextAlignment(align_right())
                colour = _VERDICT_COLOURS.get(b.verdict)
                if colour and c >= 3:
                    item.setForeground(QColor(colour))
                self.balances.setItem(r, c, item)
        self.balances.setVisible(bool(view.balances))
        self.print_button.setEnabled(True)

    def print_report(self) -> None:
        view = self.view
        if view is None:
            return
        # printing waits on the printer only: the background pool, never the UI thread, and
        # never behind a card payment on the runtime worker
        self.run(lambda _a: self.vm.print_report(view), doing="print", background=True)


@screen("shift.x_report", kind="dialog")
def _shot(ctx: ShotContext) -> QWidget:
    """The open shift's X report, built read-only from the store (as `tillpoint shift report`
    does), so rendering it asks nobody for the X/Z permission."""
    from runtime.shift_report import build_report, report_document
    from runtime.shift_requests import ReportResult

    rt = ctx.register.runtime
    vm = ReportViewModel(rt, devices=ctx.register.devices)
    store, shift = rt.ports.shifts, rt.current_shift
    if store is None or shift is None:
        return ReportDialog(vm, None, ctx.parent, runner=ctx.runner,
                            on_permission_refusal=lambda _m: None)  # fmt: skip
    ops, figures = store.operations(shift.shift_id), store.sales_figures(shift.shift_id)
    report = build_report("x", rt.store, shift, ops, figures, rt.ports.clock.now())
    view = vm.view_of(ReportResult(shift, report, report_document(report)))
    return ReportDialog(vm, view, ctx.parent, runner=ctx.runner)
