"""The sale as the transaction screen shows it, and the runtime calls its buttons make.

Every method here may block (SQLite, the scale, the printer queue): the Qt layer calls them on its
runtime worker thread and shows the returned snapshot on the UI thread. Nothing imports Qt, so a
self-checkout shell can drive the same view model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from decimal import Decimal
from typing import TYPE_CHECKING

from pos_app.viewmodels.formatting import Formatter
from pos_app.viewmodels.views import (  # noqa: F401 - re-exported for callers
    EMPTY_TOTALS,
    LineRow,
    PriceCheck,
    SaleSnapshot,
    TenderRow,
    TotalsView,
)
from runtime.customer_ops import EnterCoupon, SetCustomer
from runtime.discount_ops import DiscountLine, DiscountTotal, OverridePrice
from runtime.operations import (
    AddLine,
    Approval,
    CommentLine,
    OpResult,
    Recall,
    Refusal,
    RefusalCode,
    SetQuantity,
    Suspend,
    VoidLine,
    VoidTransaction,
)
from runtime.ports import PricingContext, ProductSummary
from runtime.receipt import ReceiptDocument, build_gift_receipt
from runtime.shift_requests import NoSale
from runtime.transaction import SaleLine, Transaction

if TYPE_CHECKING:
    from peripherals.print_queue import PrintOutcome
    from peripherals.scan_parse import ScanResult
    from peripherals.scan_parse_layouts import BarcodeLayout
    from pos_app.composition import Register


class SaleViewModel:
    """The open sale of one register. Not thread-safe: call from the runtime worker only."""

    def __init__(self, register: Register, fmt: Formatter) -> None:
        self.register = register
        self.rt = register.runtime
        self.fmt = fmt
        self._layouts: list[BarcodeLayout] = []
        devices = register.devices
        if devices is not None and devices.manager.profile is not None:
            from pos_app.register_devices import barcode_layouts  # the devices are open: cheap

            self._layouts = barcode_layouts(devices.manager.profile)
        self.on_line_shown: Callable[[SaleLine], None] | None = None
        self._customers: dict[str, str] = {}

    # ---- reading ----------------------------------------------------------------------------

    def snapshot(self) -> SaleSnapshot:
        tx = self.rt.transaction
        if tx is None:
            return SaleSnapshot((), self._totals(None), (), "", (), None, False, ())
        return SaleSnapshot(
            tuple(self._row(line) for line in tx.lines),
            self._totals(tx),
            tuple(self._tender_row(t) for t in tx.tenders),
            self._customer_label(tx.customer_id),
            tx.coupons,
            tx.transaction_id,
            True,
            tuple(t.tender_line_id for t in tx.unresolved_tenders),
        )

    def _customer_label(self, customer_id: str | None) -> str:
        """Name and number for the customer area (looked up once per customer)."""
        if not customer_id:
            return ""
        label = self._customers.get(customer_id)
        if label is None:
            found = self.rt.ports.customers.find_customer(customer_id) \
                if self.rt.ports.customers is not None else None
            label = f"{found.name} ({customer_id})" if found is not None else customer_id
            self._customers[customer_id] = label
        return label

    def _row(self, line: SaleLine) -> LineRow:
        fmt = self.fmt
        notes = []
        if line.comment:
            notes.append(line.comment)
        if line.serial_number:
            notes.append(f"S/N {line.serial_number}")
        if line.price_override is not None:
            notes.append("price override")
        if line.manual_discount is not None:
            notes.append("manual discount")
        qty = fmt.quantity(line.quantity)
        if line.unit not in ("pcs", "ea", ""):
            qty = f"{qty} {line.unit}"
        return LineRow(
            line.line_id,
            line.description,
            qty,
            fmt.money(line.unit_price),
            "" if not line.discount_amount else fmt.money(-line.discount_amount),
            fmt.money(line.net_amount),
            line.voided,
            "; ".join(notes),
        )

    def _totals(self, tx: Transaction | None) -> TotalsView:
        fmt = self.fmt
        if tx is None:
            zero = fmt.money(Decimal(0))
            return TotalsView(zero, zero, zero, zero, zero, zero, zero, Decimal(0), Decimal(0), 0)
        t = tx.totals
        return TotalsView(
            fmt.money(t.subtotal),
            fmt.money(-t.discount_total) if t.discount_total else fmt.money(Decimal(0)),
            fmt.money(t.tax_total),
            fmt.money(t.payable),
            fmt.money(t.paid),
            fmt.money(t.balance_due),
            fmt.money(t.change_due),
            t.balance_due,
            t.change_due,
            len(tx.active_lines),
        )

    def _tender_row(self, tender: object) -> TenderRow:
        from runtime.transaction import TenderLine

        assert isinstance(tender, TenderLine)
        name = self.rt.store.tender_types.get(tender.tender_type_id)
        label = name.name if name else tender.tender_type_id
        if tender.is_change:
            label = f"{label} (change)"
        if tender.card_brand:
            label = f"{label} {tender.card_brand}"
        return TenderRow(
            tender.tender_line_id, label, self.fmt.money(tender.amount), tender.status.value,
            tender.message,
        )

    def search(self, text: str, limit: int = 30) -> Sequence[ProductSummary]:
        """Search as you type (FTS5). Safe from any thread: the catalogue reads under the
        database's lock, so the UI runs it on the background pool."""
        return self.rt.search(text, limit)

    def categories(self) -> list[tuple[str, str]]:
        """(category id, name) of the top-level categories, for category browse."""
        with self.register.database.read("list categories") as conn:
            rows = conn.execute(
                "SELECT category_id, name FROM categories WHERE parent_id IS NULL ORDER BY name"
                " LIMIT 24"
            ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def products_in(self, category_id: str, limit: int = 40) -> list[ProductSummary]:
        """Products of a category and its children (one level), by name."""
        with self.register.database.read("browse a category") as conn:
            rows = conn.execute(
                "SELECT item_id, name, base_price FROM products WHERE category_id = ? OR "
                "category_id IN (SELECT category_id FROM categories WHERE parent_id = ?) "
                "ORDER BY name LIMIT ?",
                (category_id, category_id, limit),
            ).fetchall()
        return [ProductSummary(str(r[0]), str(r[1]), Decimal(str(r[2]))) for r in rows]

    def quick_items(self, limit: int = 8) -> list[ProductSummary]:
        """The quick buttons: the store's demo favourites if present, else its first items."""
        from local_db.seed_master import DEMO_PRODUCTS

        found: list[ProductSummary] = []
        for demo in DEMO_PRODUCTS.values():
            product = self.rt.ports.catalog.product(demo.item_id)  # type: ignore[attr-defined]
            if product is not None and not product.flags.keyed_in_price:
                found.append(ProductSummary(product.item_id, product.name, product.base_price))
        if found:
            return found[:limit]
        with self.register.database.read("quick items") as conn:
            rows = conn.execute(
                "SELECT item_id, name, base_price FROM products ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [ProductSummary(str(r[0]), str(r[1]), Decimal(str(r[2]))) for r in rows]

    # ---- adding -----------------------------------------------------------------------------

    def add_code(self, code: str, quantity: Decimal | None = None,
                 age_verified: bool = False) -> OpResult[SaleLine]:
        """A scanned or keyed barcode (in-store weight/price labels parsed with the store's
        layouts); a weighed item without a weight asks the scale."""
        from peripherals.scan_parse import parse_scan  # biip: loaded off the start-up path

        return self.add_scan(parse_scan(code.strip(), self._layouts), quantity, age_verified)

    def add_scan(self, scan: ScanResult, quantity: Decimal | None = None,
                 age_verified: bool = False) -> OpResult[SaleLine]:
        devices = self.register.devices
        if devices is not None and quantity is None and not age_verified:
            return devices.add_scanned(self.rt, scan)
        if not scan.ok:
            return OpResult(None, Refusal(RefusalCode.MALFORMED_BARCODE, scan.message))
        result: OpResult[SaleLine] | None = None
        for code in scan.lookup_codes or (scan.raw,):
            result = self.rt.add_line(AddLine(
                barcode=code, weight=scan.weight, keyed_price=scan.price, quantity=quantity,
                age_verified=age_verified,
            ))
            if result.refusal is None or result.refusal.code is not RefusalCode.UNKNOWN_ITEM:
                break
        assert result is not None
        if result.value is not None and devices is not None:
            devices.show_line(self.rt, result.value)
        return result

    def add_item(self, item_id: str, quantity: Decimal | None = None,
                 keyed_price: Decimal | None = None,
                 age_verified: bool = False) -> OpResult[SaleLine]:
        """A search pick, quick button or category pick."""
        result = self.rt.add_line(AddLine(item_id=item_id, quantity=quantity,
                                          keyed_price=keyed_price, age_verified=age_verified))
        devices = self.register.devices
        if result.value is not None and devices is not None:
            devices.show_line(self.rt, result.value)
        return result

    def add_keyed(self, code_or_item: str, price: Decimal,
                  quantity: Decimal | None = None) -> OpResult[SaleLine]:
        """A keyed-in price item, by the code that was scanned or the item picked."""
        result = self.rt.add_line(AddLine(barcode=code_or_item, quantity=quantity,
                                          keyed_price=price))
        if result.refusal is not None and result.refusal.code is RefusalCode.UNKNOWN_ITEM:
            result = self.add_item(code_or_item, quantity, keyed_price=price)
        return result

    # ---- line operations ----------------------------------------------------------------------

    def set_quantity(self, line_id: str, quantity: Decimal) -> OpResult[SaleLine]:
        return self.rt.set_quantity(SetQuantity(line_id, quantity))

    def void_line(self, line_id: str, approval: Approval | None = None) -> OpResult[SaleLine]:
        return self.rt.void_line(VoidLine(line_id, approval))

    def comment_line(self, line_id: str, comment: str) -> OpResult[SaleLine]:
        return self.rt.comment_line(CommentLine(line_id, comment))

    def override_price(self, line_id: str, price: Decimal | None, reason: str = "",
                       approval: Approval | None = None) -> OpResult[SaleLine]:
        return self.rt.override_price(OverridePrice(line_id, price, reason, approval))

    def discount_line(self, line_id: str, *, percent: Decimal | None = None,
                      amount: Decimal | None = None,
                      approval: Approval | None = None) -> OpResult[SaleLine]:
        return self.rt.discount_line(DiscountLine(line_id, percent, amount, approval))

    def discount_total(self, *, percent: Decimal | None = None, amount: Decimal | None = None,
                       approval: Approval | None = None) -> OpResult[Transaction]:
        return self.rt.discount_total(DiscountTotal(percent, amount, approval))

    def enter_coupon(self, code: str) -> OpResult[Transaction]:
        return self.rt.enter_coupon(EnterCoupon(code))

    def set_customer(self, customer_id: str | None) -> OpResult[Transaction]:
        return self.rt.set_customer(SetCustomer(customer_id))

    def find_customers(self, text: str) -> list[tuple[str, str]]:
        """(customer id, label) matching `text` (an id, name, e-mail or phone)."""
        from local_db.customers import SqlCustomerDirectory

        directory = SqlCustomerDirectory(self.register.database)
        exact = directory.find_customer(text.strip())
        found = [exact] if exact is not None else list(directory.search(text, 20))
        return [(c.customer_id, f"{c.name} ({c.customer_id})") for c in found]

    def explain(self, line_id: str) -> list[str]:
        """'Why this price': the engine's price source, what else was considered and why it
        lost, the discounts applied and those that did not apply, one sentence each."""
        tx = self.rt.transaction
        line = tx.line(line_id) if tx is not None else None
        if tx is None or line is None:
            return [f"There is no line {line_id}."]
        fmt = self.fmt
        out = [f"{line.description}: {fmt.money(line.unit_price)} each "
               f"(price from {line.price_source or 'the item master'})."]
        if line.price_override is not None:
            out.append(f"The cashier set the price to {fmt.money(line.price_override)}.")
        pricing = self.rt.ports.pricing
        explain_line = getattr(pricing, "explain_line", None)
        if explain_line is not None and line.quantity > 0 and not line.voided:
            context = PricingContext(store=self.rt.store, day=self.rt.local_day(),
                                     customer_id=tx.customer_id, coupons=tx.coupons)
            sold = [ln for ln in tx.active_lines if ln.quantity > 0]
            found = explain_line(context, sold, line_id)
            for considered in found.price.considered:
                out.append(f"Not used: {considered}.")
            for applied in found.applied:
                out.append(f"Discount {applied.name or applied.discount_id}: "
                           f"{fmt.money(-applied.amount)}.")
            for lost in found.lost:
                out.append(f"Did not apply: {lost}.")
        else:
            for d in line.discounts:
                out.append(f"Discount {d.name or d.discount_id}: {fmt.money(-d.amount)}.")
        return out

    def price_check(self, code_or_item: str) -> PriceCheck | Refusal:
        """What an item costs today, without adding it to the sale."""
        catalog = self.rt.ports.catalog
        text = code_or_item.strip()
        hit = catalog.find_barcode(text) if text else None
        item = hit.product if hit is not None else None
        if item is None:
            found = catalog.find_item(text) if text else None
            item = found.product if found is not None else None
        if item is None:
            return Refusal(RefusalCode.UNKNOWN_ITEM, f"No item has the code {text!r}.")
        probe = SaleLine("PC1", item, Decimal(1), item.sales_unit)
        context = PricingContext(store=self.rt.store, day=self.rt.local_day(),
                                 customer_id=None, coupons=())
        priced = self.rt.ports.pricing.price_lines(context, [probe]).get("PC1")
        price = priced.unit_price if priced is not None else item.base_price
        return PriceCheck(item.name, self.fmt.money(self.rt.store.currency.round(price)),
                          item.item_id)

    # ---- whole sale ---------------------------------------------------------------------------

    def void_transaction(self, reason: str = "",
                         approval: Approval | None = None) -> OpResult[Transaction]:
        return self.rt.void_transaction(VoidTransaction(reason, approval))

    def suspend(self, approval: Approval | None = None) -> OpResult[Transaction]:
        return self.rt.suspend(Suspend(approval))

    def suspended(self) -> list[tuple[str, str]]:
        """(transaction id, label) of this register's suspended sales, newest first."""
        rows = []
        for tx in self.rt.suspended():
            when = self.fmt.time(tx.started_at)
            rows.append((tx.transaction_id, f"{when} · {len(tx.active_lines)} items · "
                         f"{self.fmt.money(tx.totals.payable)} · {tx.operator_id}"))
        return rows[::-1]

    def recall(self, transaction_id: str) -> OpResult[Transaction]:
        return self.rt.recall(Recall(transaction_id))

    def no_sale(self, approval: Approval | None = None) -> OpResult[object]:
        result = self.rt.no_sale(NoSale(approval=approval))
        if result.refusal is None:
            self._kick_drawer()
        return result  # type: ignore[return-value]

    def _kick_drawer(self) -> None:
        devices = self.register.devices
        if devices is None:
            return
        from peripherals.events import DeviceCategory
        from peripherals.null_device import NullDevice

        drawer = devices.manager.first(DeviceCategory.CASH_DRAWER)
        if drawer is not None and not isinstance(drawer, NullDevice):
            drawer.open_drawer()  # type: ignore[attr-defined]

    # ---- receipts -----------------------------------------------------------------------------

    def last_sale(self) -> Transaction | None:
        return self.rt.last_finished

    def receipt_copy(self, gift: bool = False) -> ReceiptDocument | Refusal:
        tx = self.rt.last_finished
        if tx is None:
            return Refusal(RefusalCode.NO_TRANSACTION, "No sale has been finished here yet.")
        if gift:
            return build_gift_receipt(tx, self.rt.store, self.rt.register)
        return self.rt.receipt(tx, copy=True)

    def print_document(self, document: ReceiptDocument, job_id: str) -> Future[PrintOutcome] | None:
        """Print (or queue for reprint) without waiting; None when the register has no devices."""
        devices = self.register.devices
        if devices is None:
            return None
        return devices.printing.print_or_queue(devices.printer, document, job_id)
