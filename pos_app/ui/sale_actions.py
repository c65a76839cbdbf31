"""What the transaction screen's buttons, pad, scans and picks do: each one a view-model call on
the runtime worker (`RegisterWorker.op`), with dialogs for the values they need.

Refusals that a cashier can resolve on the spot get a follow-up instead of just a message: an
age-restricted item asks for the ID check, a keyed-price item for its price.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from pos_app.ui.dialogs import ChoiceDialog, InputDialog, TextDialog
from pos_app.ui.i18n import tr
from pos_app.ui.transaction_view import TransactionScreen
from pos_app.ui.workers import RegisterWorker
from pos_app.viewmodels.views import PriceCheck
from runtime.operations import Approval, Refusal, RefusalCode

if TYPE_CHECKING:
    from pos_app.viewmodels.sale import SaleViewModel
    from runtime.receipt import ReceiptDocument

PERCENT = "%"


class SaleActions(QObject):
    pay_requested = Signal()
    lock_requested = Signal()
    switch_requested = Signal()
    dialog_opened = Signal(object)  # every dialog this opens (tests and screenshots)

    def __init__(self, screen: TransactionScreen, worker: RegisterWorker, vm: SaleViewModel,
                 parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.screen = screen
        self.worker = worker
        self.vm = vm
        self.parent_widget = parent_widget
        self.banner = worker.banner
        self.multiplier: Decimal | None = None
        self.dialog: QDialog | None = None
        handlers: dict[str, Callable[[], None]] = {
            "quantity": self.quantity, "search": screen.search.focus_search,
            "price_check": self.price_check, "void_line": self.void_line,
            "line_discount": self.line_discount, "total_discount": self.total_discount,
            "price_override": self.price_override, "suspend": self.suspend,
            "recall": self.recall, "pay": self.pay_requested.emit, "why_price": self.why_price,
            "comment": self.comment, "coupon": self.coupon, "customer": self.customer,
            "void_sale": self.void_sale, "no_sale": self.no_sale, "reprint": self.reprint,
            "gift_receipt": lambda: self.reprint(gift=True), "lock": self.lock_requested.emit,
            "switch_operator": self.switch_requested.emit,
        }
        for key, button in screen.buttons.items():
            button.clicked.connect(lambda _c=False, h=handlers[key]: h())
        screen.pad.entered.connect(self.entered)
        screen.times_button.clicked.connect(self.set_multiplier)
        screen.search.picked.connect(self.add_item)

    # ---- adding items -------------------------------------------------------------------------

    def scanned(self, code: str) -> None:
        self._add(lambda qty, age: self.vm.add_code(code, qty, age), code)

    def entered(self, text: str) -> None:
        """Enter on the pad or the entry field: the text is an item code."""
        if text:
            self.scanned(text)

    def add_item(self, item_id: str) -> None:
        self._add(lambda qty, age: self.vm.add_item(item_id, qty, age_verified=age), item_id)

    def _add(self, add: Callable[[Decimal | None, bool], Any], what: str,
             age: bool = False) -> None:
        quantity, self.multiplier = self.multiplier, None
        self.screen.multiplier_label.setText("")

        def refused(refusal: Refusal) -> None:
            if refusal.code is RefusalCode.AGE_CHECK_REQUIRED:
                self._confirm(tr("Age check"), refusal.message, tr("ID checked: sell it"),
                              lambda: self._add(lambda q, _a: add(quantity, True), what, True))
            elif refusal.code is RefusalCode.PRICE_REQUIRED:
                self._ask(tr("Enter the price"), refusal.message, lambda _m, text: self._keyed(
                    what, text, quantity))

        self.worker.op(lambda _a: add(quantity, age), doing=tr("add the item"),
                       on_refused=refused)

    def _keyed(self, what: str, text: str, quantity: Decimal | None) -> None:
        price = self._amount(text)
        if price is None:
            return
        self.worker.op(lambda _a: self.vm.add_keyed(what, price, quantity),
                       doing=tr("add the item"))

    def set_multiplier(self) -> None:
        text = self.screen.entry.text().strip()
        value = self._amount(text) if text else None
        if value is None or value <= 0:
            self.banner.show_message(tr("Key the quantity first, then press ×."), "info")
            return
        self.screen.entry.clear()
        self.multiplier = value
        self.screen.multiplier_label.setText(f"{self.vm.fmt.quantity(value)} ×")

    # ---- line operations ----------------------------------------------------------------------

    def _line(self) -> str | None:
        line = self.screen.selected_line()
        if line is None:
            self.banner.show_message(tr("There is no line yet."), "info",
                                     tr("Scan an item first."))
        return line

    def quantity(self) -> None:
        line = self._line()
        if line is None:
            return
        text = self.screen.entry.text().strip()
        if text:
            self.screen.entry.clear()
            self._set_quantity(line, text)
            return
        self._ask(tr("Quantity"), tr("New quantity for the selected line"),
                  lambda _m, t: self._set_quantity(line, t))

    def _set_quantity(self, line: str, text: str) -> None:
        value = self._amount(text)
        if value is not None:
            self.worker.op(lambda _a: self.vm.set_quantity(line, value),
                           doing=tr("change the quantity"))

    def void_line(self) -> None:
        line = self._line()
        if line is not None:
            self.worker.op(lambda a: self.vm.void_line(line, a), doing=tr("void the line"))

    def line_discount(self) -> None:
        line = self._line()
        if line is None:
            return

        def apply(mode: str, text: str) -> None:
            value = self._amount(text)
            if value is None:
                return
            percent, amount = (value, None) if mode == PERCENT else (None, value)
            self.worker.op(lambda a: self.vm.discount_line(line, percent=percent, amount=amount,
                                                           approval=a),
                           doing=tr("give the discount"))

        self._ask(tr("Line discount"), tr("Discount on the selected line"), apply,
                  modes=(PERCENT, tr("Amount")))

    def total_discount(self) -> None:
        def apply(mode: str, text: str) -> None:
            value = self._amount(text)
            if value is None:
                return
            percent, amount = (value, None) if mode == PERCENT else (None, value)
            self.worker.op(lambda a: self.vm.discount_total(percent=percent, amount=amount,
                                                            approval=a),
                           doing=tr("give the discount"))

        self._ask(tr("Total discount"), tr("Discount on the whole sale"), apply,
                  modes=(PERCENT, tr("Amount")))

    def price_override(self) -> None:
        line = self._line()
        if line is None:
            return

        def apply(_mode: str, text: str) -> None:
            price = self._amount(text)
            if price is not None:
                self.worker.op(lambda a: self.vm.override_price(line, price, "cashier", a),
                               doing=tr("change the price"))

        self._ask(tr("Price override"), tr("New unit price for the selected line"), apply)

    def comment(self) -> None:
        line = self._line()
        if line is not None:
            self._ask(tr("Line comment"), tr("A note printed under the line"),
                      lambda _m, t: self.worker.op(lambda _a: self.vm.comment_line(line, t),
                                                   doing=tr("add the comment")), numeric=False)

    def why_price(self) -> None:
        line = self._line()
        if line is not None:
            self.worker.read(lambda: self.vm.explain(line), lambda text: self._show(
                TextDialog(tr("Why this price"), "\n".join(text), parent=self.parent_widget)),
                tr("explain the price"))

    def price_check(self) -> None:
        text = self.screen.entry.text().strip()
        if not text:
            self._ask(tr("Price check"), tr("Scan or key in the item's code"),
                      lambda _m, t: self._price_check(t), numeric=False)
            return
        self.screen.entry.clear()
        self._price_check(text)

    def _price_check(self, code: str) -> None:
        def show(found: PriceCheck | Refusal) -> None:
            if isinstance(found, Refusal):
                self.banner.show_message(found.message, "warning",
                                         tr("Check the code, or search the item by name (F3)."))
            else:
                self.banner.show_message(f"{found.name}: {found.price}", "info",
                                         tr("Not added to the sale."))

        self.worker.read(lambda: self.vm.price_check(code), show, tr("check the price"))

    # ---- whole sale ---------------------------------------------------------------------------

    def coupon(self) -> None:
        self._ask(tr("Coupon"), tr("Scan or type the coupon code"),
                  lambda _m, t: self.worker.op(lambda _a: self.vm.enter_coupon(t),
                                               doing=tr("enter the coupon"),
                                               success=tr("Coupon entered.")), numeric=False)

    def customer(self) -> None:
        def chosen(customer_id: str) -> None:
            self.worker.op(lambda _a: self.vm.set_customer(customer_id),
                           doing=tr("set the customer"))

        def found(rows: list[tuple[str, str]]) -> None:
            if len(rows) == 1:
                chosen(rows[0][0])
                return
            dialog = ChoiceDialog(tr("Choose the customer"), rows, tr("No customer found."),
                                  self.parent_widget)
            dialog.chosen.connect(chosen)
            self._show(dialog)

        self._ask(tr("Customer"), tr("Customer number, name, e-mail or phone"),
                  lambda _m, t: self.worker.read(lambda: self.vm.find_customers(t), found,
                                                 tr("find the customer")), numeric=False)

    def suspend(self) -> None:
        self.worker.op(lambda a: self.vm.suspend(a), doing=tr("suspend the sale"),
                       success=tr("Sale suspended. Recall it with F10."))

    def recall(self) -> None:
        def listed(rows: list[tuple[str, str]]) -> None:
            dialog = ChoiceDialog(tr("Recall a suspended sale"), rows,
                                  tr("No suspended sales."), self.parent_widget)
            dialog.chosen.connect(lambda tid: self.worker.op(
                lambda _a: self.vm.recall(tid), doing=tr("recall the sale"),
                success=tr("Sale recalled.")))
            self._show(dialog)

        self.worker.read(self.vm.suspended, listed, tr("list the suspended sales"))

    def void_sale(self) -> None:
        self._confirm(tr("Void the sale"), tr("Void the whole sale? Its lines stay in the "
                                              "journal."), tr("Void the sale"),
                      lambda: self.worker.op(lambda a: self.vm.void_transaction("cashier", a),
                                             doing=tr("void the sale"),
                                             success=tr("Sale voided.")))

    def no_sale(self) -> None:
        self.worker.op(lambda a: self.vm.no_sale(a), doing=tr("open the drawer"),
                       success=tr("Drawer opened (no sale)."))

    def reprint(self, gift: bool = False) -> None:
        def show(document: ReceiptDocument | Refusal) -> None:
            if isinstance(document, Refusal):
                self.banner.show_message(document.message, "info")
                return
            from runtime.receipt_text import render_text

            title = tr("Gift receipt") if gift else tr("Receipt copy")
            dialog = TextDialog(title, render_text(document), monospace=True,
                                action_text=tr("Print"), parent=self.parent_widget)
            dialog.action.connect(lambda: self._print(document))
            self._show(dialog)

        self.worker.read(lambda: self.vm.receipt_copy(gift=gift), show, tr("build the receipt"))

    def _print(self, document: ReceiptDocument) -> None:
        def started(future: object) -> None:
            if future is None:
                self.banner.show_message(tr("No printer is set up on this register."), "info")
            else:
                self.banner.show_message(tr("Sent to the printer."), "success")

        job = f"copy-{document.kind}"
        self.worker.read(lambda: self.vm.print_document(document, job), started,
                         tr("print the receipt"))

    # ---- helpers ------------------------------------------------------------------------------

    def _amount(self, text: str) -> Decimal | None:
        try:
            return self.vm.fmt.parse_amount(text)
        except ValueError as exc:
            self.banner.show_message(str(exc), "warning", tr("Enter digits, e.g. 2 or 1.5."))
            return None

    def _ask(self, title: str, label: str, then: Callable[[str, str], None], *,
             modes: tuple[str, ...] = (), numeric: bool = True) -> None:
        dialog = InputDialog(title, label, modes=modes, numeric=numeric,
                             parent=self.parent_widget)
        dialog.submitted.connect(then)
        self._show(dialog)

    def _confirm(self, title: str, text: str, action: str, then: Callable[[], None]) -> None:
        dialog = TextDialog(title, text, action_text=action, parent=self.parent_widget)
        dialog.action.connect(then)
        self._show(dialog)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.parent_widget.activateWindow()  # back to the register window for keys and scans
        self.screen.focus_entry()


__all__ = ["SaleActions", "Approval"]
