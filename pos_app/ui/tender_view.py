"""The tender screen: balance due, quick-cash buttons, cash / card / other tenders, the card
terminal's progress with cancel, the unknown-outcome recovery, split and void tenders, and the
change due once the sale is concluded (the line display shows it too, via the register devices).

A card payment blocks inside the runtime until the terminal answers; it runs on the register's
worker thread while this screen shows its progress, so the UI keeps painting.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TaskRunner, touch_button
from pos_app.ui.i18n import tr
from pos_app.ui.numpad import NumPad
from pos_app.ui.screens_registry import ShotContext, screen
from pos_app.ui.workers import RegisterWorker
from pos_app.viewmodels.views import SaleSnapshot, quick_cash
from runtime.transaction import TenderLine, TenderStatus

if TYPE_CHECKING:
    from pos_app.viewmodels.tender import TenderViewModel
    from runtime.tender_ops import ConcludedSale


class TenderScreen(QWidget):
    back_requested = Signal()
    finished = Signal()  # the cashier is done with the concluded sale (New sale)
    concluded = Signal(object)  # ConcludedSale
    printed = Signal(object)  # PrintOutcome (or None without a printer)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tenderScreen")
        self.runner = runner
        self.worker: RegisterWorker | None = None
        self.vm: TenderViewModel | None = None
        self.snapshot: SaleSnapshot | None = None
        self.done = False
        self._cancel = False
        self.card_busy = False
        # left: totals and tenders
        self.balance_caption = QLabel(tr("Balance due"))
        self.balance = QLabel("")
        self.balance.setObjectName("balanceDue")
        self.balance_caption.setObjectName("screenTitle")
        self.summary = QLabel("")
        self.summary.setProperty("muted", True)
        self.tenders = QListWidget()
        self.tenders.setObjectName("tenderList")
        self.void_button = touch_button(tr("Void tender"), role="danger", shortcut="F5",
                                        on_click=self.void_selected, name="voidTender")
        self.resolve_button = touch_button(tr("Check payment"), shortcut="F6",
                                           on_click=self.resolve, name="resolveTender")
        left = QVBoxLayout()
        for widget in (self.balance_caption, self.balance, self.summary, self.tenders):
            left.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(self.void_button)
        row.addWidget(self.resolve_button)
        left.addLayout(row)
        # right: amount entry and tenders
        self.entry = QLineEdit()
        self.entry.setObjectName("tenderAmount")
        self.entry.setPlaceholderText(tr("Amount (empty = exact)"))
        self.pad = NumPad(self.entry, show_display=False, clear_on_enter=False)
        self.pad.entered.connect(lambda _t: self.finish() if self.done else self.pay_cash())
        self.quick = QHBoxLayout()
        self.quick_buttons: list[QPushButton] = []
        self.cash_button = touch_button(tr("Cash"), role="primary", shortcut="F12",
                                        on_click=self.pay_cash, name="payCash")
        self.card_button = touch_button(tr("Card"), role="primary", shortcut="F11",
                                        on_click=self.pay_card, name="payCard")
        self.check_button = touch_button(tr("Check"), shortcut="F10",
                                         on_click=lambda: self.pay_cash("check"),
                                         name="payCheck")
        self.back_button = touch_button(tr("Back to sale"), shortcut="Esc",
                                        on_click=self.back_requested.emit, name="backToSale")
        methods = QGridLayout()
        methods.addWidget(self.cash_button, 0, 0)
        methods.addWidget(self.card_button, 0, 1)
        methods.addWidget(self.check_button, 1, 0)
        methods.addWidget(self.back_button, 1, 1)
        right = QVBoxLayout()
        right.addWidget(self.entry)
        right.addLayout(self.quick)
        right.addWidget(self.pad)
        right.addLayout(methods)
        right.addStretch(1)
        # card progress and the finished sale
        self.progress = QFrame()
        self.progress.setObjectName("cardProgress")
        self.progress_label = QLabel(tr("Follow the terminal: insert, tap or swipe the card."))
        self.progress_label.setWordWrap(True)
        bar = QProgressBar()
        bar.setRange(0, 0)
        self.cancel_button = touch_button(tr("Cancel card payment"), role="danger",
                                          on_click=self.cancel_card, name="cancelCard")
        progress = QVBoxLayout(self.progress)
        progress.addWidget(self.progress_label)
        progress.addWidget(bar)
        progress.addWidget(self.cancel_button)
        self.progress.hide()
        self.done_panel = QFrame()
        self.done_panel.setObjectName("totalsPanel")
        self.change = QLabel("")
        self.change.setObjectName("changeDue")
        self.receipt_state = QLabel("")
        # no Return shortcut: a scan's Enter must not end the sale screen (Enter in the amount
        # field does, via the pad, once the sale is done)
        self.new_sale = touch_button(tr("New sale"), role="primary", on_click=self.finish,
                                     name="newSale")
        done = QVBoxLayout(self.done_panel)
        for widget in (self.change, self.receipt_state, self.new_sale):
            done.addWidget(widget)
        self.done_panel.hide()
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.done_panel)

    def attach(self, worker: RegisterWorker, vm: TenderViewModel) -> None:
        self.worker = worker
        self.vm = vm
        worker.snapshot_ready.connect(self.show_snapshot)

    # ---- showing ------------------------------------------------------------------------------

    def show_snapshot(self, snapshot: SaleSnapshot) -> None:
        if self.done:
            return  # keep showing the finished sale's change until New sale
        self.snapshot = snapshot
        totals = snapshot.totals
        self.balance.setText(totals.balance_due)
        self.summary.setText(tr("Total ") + totals.total + " · " + tr("Paid ") + totals.paid)
        self.tenders.clear()
        for row in snapshot.tenders:
            text = f"{row.label}   {row.amount}   [{tr(row.status)}]"
            if row.message:
                text += f"\n  {row.message}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.tender_line_id)
            self.tenders.addItem(item)
        self.resolve_button.setEnabled(bool(snapshot.unresolved))
        self._quick_cash(totals.balance_value)

    def _quick_cash(self, balance: Decimal) -> None:
        for button in self.quick_buttons:
            self.quick.removeWidget(button)
            button.hide()
            button.setParent(None)  # type: ignore[call-overload]
            button.deleteLater()
        self.quick_buttons = []
        fmt = self._fmt()
        for number, amount in enumerate(quick_cash(balance)):
            label = fmt(amount) if fmt else str(amount)
            button = touch_button(label, role="quick", shortcut=f"Ctrl+{number + 1}",
                                  on_click=lambda a=amount: self.pay_cash(amount=a),
                                  name=f"quickCash{number}")
            self.quick.addWidget(button)
            self.quick_buttons.append(button)

    def _fmt(self) -> Any:
        worker = self.worker
        return worker.sale.fmt.money if worker is not None else None

    def reset(self) -> None:
        self.done = False
        self._cancel = False
        self.done_panel.hide()
        self.entry.clear()
        for widget in (self.cash_button, self.card_button, self.check_button, self.back_button):
            widget.setEnabled(True)
        if self.worker is not None and self.worker.last_snapshot is not None:
            self.show_snapshot(self.worker.last_snapshot)
        self.entry.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- paying -------------------------------------------------------------------------------

    def _amount(self) -> Decimal | None | bool:
        """The typed amount, None for exact, False when it is not an amount (message shown)."""
        text = self.entry.text().strip()
        if not text or self.worker is None:
            return None
        try:
            return self.worker.sale.fmt.parse_amount(text)
        except ValueError as exc:
            self.worker.banner.show_message(str(exc), "warning", tr("Enter digits, e.g. 20."))
            return False

    def pay_cash(self, tender_type_id: str | None = None, amount: Decimal | None = None) -> None:
        worker, vm = self.worker, self.vm
        if worker is None or vm is None or self.done or self.card_busy:
            return
        if amount is None:
            typed = self._amount()
            if typed is False:
                return
            amount = typed if isinstance(typed, Decimal) else None
        self.entry.clear()
        worker.op(lambda a: vm.cash(amount, tender_type_id, a), doing=tr("take the payment"),
                  on_ok=lambda _line: self.maybe_conclude())

    def pay_card(self) -> None:
        worker, vm = self.worker, self.vm
        if worker is None or vm is None or self.done or self.card_busy:
            return
        typed = self._amount()
        if typed is False:
            return
        amount = typed if isinstance(typed, Decimal) else None
        self.entry.clear()
        self._card_started()
        worker.op(lambda _a: vm.card(amount), doing=tr("take the card payment"),
                  on_ok=self._card_answered, on_refused=lambda _r: self._card_ended())

    def _card_started(self) -> None:
        self.card_busy = True
        self._cancel = False
        self.progress_label.setText(tr("Follow the terminal: insert, tap or swipe the card."))
        self.cancel_button.setEnabled(True)
        self.progress.show()
        for widget in (self.cash_button, self.card_button, self.check_button, self.back_button,
                       self.void_button, self.resolve_button):
            widget.setEnabled(False)

    def _card_ended(self) -> None:
        self.card_busy = False
        self.progress.hide()
        for widget in (self.cash_button, self.card_button, self.check_button, self.back_button,
                       self.void_button):
            widget.setEnabled(True)
        self.resolve_button.setEnabled(bool(self.snapshot and self.snapshot.unresolved))

    def _card_answered(self, line: TenderLine) -> None:
        self._card_ended()
        worker = self.worker
        assert worker is not None and self.vm is not None
        if line.status is TenderStatus.APPROVED:
            if self._cancel:
                vm = self.vm
                worker.op(lambda _a: vm.void(line.tender_line_id), doing=tr("reverse the card"),
                          success=tr("Card payment cancelled and reversed."))
                return
            worker.banner.show_message(tr("Card approved."), "success")
            self.maybe_conclude()
        elif line.status is TenderStatus.DECLINED:
            worker.banner.show_message(tr("Card declined: ") + line.message, "warning",
                                       tr("Ask for another card or another way to pay."))
        else:
            worker.banner.show_message(
                tr("The card payment's outcome is not known yet."), "warning",
                tr("Press Check payment (F6) to ask the terminal; do not charge again."))

    def cancel_card(self) -> None:
        """The runtime cannot interrupt the terminal; an approval that still arrives is
        reversed at once, and the cashier is told so."""
        self._cancel = True
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(tr("Cancelling: if the terminal still approves, the "
                                       "payment is reversed at once."))

    def resolve(self) -> None:
        worker, vm, snapshot = self.worker, self.vm, self.snapshot
        if worker is None or vm is None or snapshot is None or not snapshot.unresolved:
            return
        line_id = snapshot.unresolved[0]
        worker.op(lambda _a: vm.resolve(line_id), doing=tr("ask the terminal"),
                  on_ok=self._card_answered)

    def void_selected(self) -> None:
        worker, vm = self.worker, self.vm
        item = self.tenders.currentItem()
        if worker is None or vm is None:
            return
        if item is None:
            worker.banner.show_message(tr("Select the tender to void first."), "info")
            return
        line_id = str(item.data(Qt.ItemDataRole.UserRole))
        worker.op(lambda _a: vm.void(line_id), doing=tr("void the tender"),
                  success=tr("Tender voided."))

    # ---- concluding ---------------------------------------------------------------------------

    def maybe_conclude(self) -> None:
        worker, vm, snapshot = self.worker, self.vm, self.snapshot
        if worker is None or vm is None or snapshot is None or self.done:
            return
        if snapshot.totals.balance_value != 0 or snapshot.unresolved:
            return
        worker.op(lambda _a: vm.conclude(), doing=tr("finish the sale"), on_ok=self._concluded)

    def _concluded(self, sale: ConcludedSale) -> None:
        worker, vm = self.worker, self.vm
        assert worker is not None and vm is not None
        self.done = True
        change = sale.transaction.totals.change_due
        self.change.setText(tr("Change due ") + worker.sale.fmt.money(change))
        self.receipt_state.setText(tr("Printing the receipt…"))
        self.done_panel.show()
        self.entry.setFocus()
        for widget in (self.cash_button, self.card_button, self.check_button, self.back_button):
            widget.setEnabled(False)
        self.concluded.emit(sale)

        def printing() -> Any:
            future = vm.after_conclude(sale)
            return None if future is None else future.result(60)

        def printed(outcome: Any) -> None:
            if outcome is None:
                self.receipt_state.setText(tr("No receipt printer on this register."))
            elif getattr(outcome, "printed", False):
                self.receipt_state.setText(tr("Receipt printed."))
            else:
                self.receipt_state.setText(tr("Receipt queued for reprint: ")
                                           + str(getattr(outcome, "reason", "")))
            if outcome is not None:  # no None through a signal (see TaskRunner)
                self.printed.emit(outcome)

        def failed(exc: BaseException) -> None:
            self.receipt_state.setText(tr("Receipt not printed: ") + str(exc))

        self.runner.background(printing, printed, failed)  # never blocks the next sale

    def finish(self) -> None:
        if self.done:
            self.finished.emit()


@screen("screen.tender")
def _shot(ctx: ShotContext) -> QWidget:
    widget = TenderScreen(ctx.runner, ctx.parent)
    worker = ctx.extra.get("worker")
    if worker is not None:
        from pos_app.viewmodels.tender import TenderViewModel

        widget.attach(worker, TenderViewModel(ctx.register))
        if worker.last_snapshot is not None:
            widget.show_snapshot(worker.last_snapshot)
    return widget
