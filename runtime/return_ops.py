"""Return operations of the runtime facade (issues #4, #5); the journal ones are inherited
from runtime.return_journal_ops.

Returns with a receipt find the original sale in the local journal (by receipt number, the
receipt's barcode, or a transaction id picked from a journal search) and add return lines:
negative quantities that refund what was paid (runtime.returns). A receipt of another register
is not in the local journal: online, the server's verified copy of the sale becomes the
original (REMOTE_FIRST); offline it is refused with the reason. Either way, while online, the
returns other registers made of the sale (the server received them) count as returned, at the
return and again when it concludes. Returns without a receipt need a permission and a return
reason code, and refund today's price. Sale and return lines mix freely in one transaction (an
exchange). Every refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar, cast

from runtime.catalog import BarcodeHit, Product
from runtime.config import TenderKind
from runtime.core import Step, refused
from runtime.line_rules import check_keyed_price, check_quantity, normalised, unit_decimals
from runtime.money import ZERO
from runtime.operations import (
    ChangeRecord,
    OpResult,
    Permission,
    Refusal,
    RefusalCode,
)
from runtime.ports import LinePricing, PricingContext
from runtime.remote_ports import RemoteRefused, RemoteUnavailable
from runtime.return_journal_ops import MAX_RECEIPT_TEXT, NO_CHANGE, JournalOperations, _clean
from runtime.return_ports import JournalRecord, LineKey, ReturnReason
from runtime.return_requests import (
    FindReceipt,
    RefundTender,
    ReturnItem,
    ReturnLines,
)
from runtime.returns import (
    ReturnableReceipt,
    add_quantities,
    checked_quantities,
    elsewhere_unknown,
    exceeded,
    in_cart,
    key_of,
    make_return_line,
    original_refusal,
    other_register_offline,
    refund_pricing,
    returnable_view,
)
from runtime.transaction import SaleLine, TenderLine, Transaction

T = TypeVar("T")
# the only operations that may name a return line: its amounts come from the original sale
RETURN_LINE_OPERATIONS = frozenset({"void_line", "comment_line"})


class ReturnOperations(JournalOperations):
    """Mixed into runtime.facade.CommerceRuntime."""

    # what the server said about originals of this runtime's return lines, by transaction id:
    # other registers' returns (line id -> quantity) and the sales found only on the server
    _elsewhere: dict[str, Mapping[str, Decimal]]
    _server_sales: dict[str, Transaction]

    # ---- finding the original (local journal, else the server) -------------------------------

    def find_receipt(self, request: FindReceipt) -> OpResult[ReturnableReceipt]:
        """A past sale with, per line, what was sold, returned (at any register, as far as the
        server knows) and can still be returned; a receipt of another register comes from
        the server while online."""

        def step() -> Step[ReturnableReceipt] | Refusal:
            record = self._original_record(request.receipt_number, request.register_id)
            if isinstance(record, Refusal):
                return record
            refusal = original_refusal(record)
            if refusal:
                return refusal
            view = returnable_view(record, in_cart(self._tx), self.store.currency)
            return cast(Transaction, self._tx), NO_CHANGE, view

        return self._run("find_receipt", request, step)

    def _original_record(self, text: str, register_id: str | None) -> JournalRecord | Refusal:
        """The original for a return: the local journal's (plus other registers' returns
        when online), or the server's copy when the receipt is not in the local journal."""
        record = self._lookup(text, register_id)
        if not isinstance(record, Refusal):
            tx = record.transaction
            elsewhere = self._fetch_elsewhere(tx.transaction_id)
            if isinstance(elsewhere, Refusal):  # the server cannot tell now: local counts only
                elsewhere = self._caches()[0].get(tx.transaction_id, {})
            return JournalRecord(tx, add_quantities(record.returned, elsewhere))
        number = _clean(text)
        not_found = record.code is RefusalCode.UNKNOWN_RECEIPT and not record.details
        if not not_found or not number or len(number) > MAX_RECEIPT_TEXT:
            return record
        if self.ports.journal is None or self.ports.remote is None:
            return record
        return self._server_record(number, register_id)

    def _server_record(self, number: str, register_id: str | None) -> JournalRecord | Refusal:
        desk = self.ports.remote
        assert desk is not None
        reason = desk.offline_reason()
        if reason is None:
            try:
                found = [
                    f
                    for f in desk.find_receipts(number)
                    if register_id is None or f.register_id == register_id
                ]
            except RemoteUnavailable as exc:
                reason = str(exc)
            except RemoteRefused as exc:
                return refused(
                    RefusalCode.UNKNOWN_RECEIPT,
                    f"Receipt {number} cannot be returned by receipt: {exc}",
                    "server_refused",
                )
            else:
                if not found:
                    return refused(
                        RefusalCode.UNKNOWN_RECEIPT,
                        f"No receipt {number} in this register's journal or on the channel server.",
                    )
                if len(found) > 1:
                    return refused(
                        RefusalCode.UNKNOWN_RECEIPT,
                        f"Several registers have a receipt {number}; choose the register.",
                        *sorted(f.register_id for f in found),
                    )
                return self._server_original(found[0].transaction)
        return other_register_offline(number, reason)

    def _server_original(self, tx: Transaction) -> JournalRecord | Refusal:
        """The server's copy as the original, with what returns at any register took back."""
        elsewhere = self._fetch_elsewhere(tx.transaction_id)
        if isinstance(elsewhere, Refusal):
            return elsewhere
        self._caches()[1][tx.transaction_id] = tx
        journal = self.ports.journal
        keys = [(tx.transaction_id, line.line_id) for line in tx.lines]
        local = {} if journal is None else journal.returned_quantities(keys)
        here = {line_id: quantity for (_, line_id), quantity in local.items()}
        return JournalRecord(tx, add_quantities(here, elsewhere))

    def _fetch_elsewhere(self, transaction_id: str) -> Mapping[str, Decimal] | Refusal:
        """Ask the server what other registers returned of a sale (their returns this
        register's journal does not hold), and remember it for pricing and the check at
        conclude. A refusal when the server cannot be asked or answer."""
        desk = self.ports.remote
        reason = "no channel server" if desk is None else desk.offline_reason()
        if desk is None or reason is not None:
            return elsewhere_unknown(f"the register is offline ({reason})", "offline")
        try:
            rows = desk.returns_of(transaction_id)
        except RemoteUnavailable as exc:
            return elsewhere_unknown(str(exc), "offline")
        except RemoteRefused as exc:
            return elsewhere_unknown(str(exc), "server_refused")
        journal = self.ports.journal
        counted: dict[str, Decimal] = {}
        for row in rows:
            if journal is not None and journal.find_transaction(row.return_transaction_id):
                continue  # a return of this register's journal: counted there already
            counted[row.line_id] = counted.get(row.line_id, ZERO) + row.quantity
        elsewhere, sales = self._caches()
        keep = {key[0] for key in in_cart(self._tx)} | {transaction_id}
        for cache in (elsewhere, sales):
            for stale in [tid for tid in cache if tid not in keep]:
                del cache[stale]
        elsewhere[transaction_id] = counted
        return counted

    def _caches(self) -> tuple[dict[str, Mapping[str, Decimal]], dict[str, Transaction]]:
        try:
            return self._elsewhere, self._server_sales
        except AttributeError:
            self._elsewhere, self._server_sales = {}, {}
            return self._elsewhere, self._server_sales

    # ---- returns ------------------------------------------------------------------------------

    def return_lines(self, request: ReturnLines) -> OpResult[tuple[SaleLine, ...]]:
        """Return lines of a past sale into the open transaction (or a new one)."""
        return self._run("return_lines", request, lambda: self._return_lines(request))

    def _return_lines(self, request: ReturnLines) -> Step[tuple[SaleLine, ...]] | Refusal:
        tx = self._tx_or_autostart()
        if isinstance(tx, Refusal):
            return tx
        record = self._original_record(request.receipt_number, request.register_id)
        if isinstance(record, Refusal):
            return record
        refusal = original_refusal(record)
        if refusal:
            return refusal
        original = record.transaction
        chosen = checked_quantities(
            record,
            request.quantities,
            in_cart(tx),
            self.store,
            self._not_returnable_now(original, request.quantities),
        )
        if isinstance(chosen, Refusal):
            return chosen
        number = original.receipt_number or original.transaction_id
        refusal = self._authorize(
            Permission.RETURN_WITH_RECEIPT,
            request.approval,
            "return with a receipt",
            transaction_id=tx.transaction_id,
            details={
                "receipt_number": number,
                "lines": ",".join(f"{line.line_id}x{q}" for line, q in chosen),
            },
        )
        if refusal:
            return refusal
        added: list[SaleLine] = []
        next_no = tx.next_line_no
        for line, quantity in chosen:
            added.append(make_return_line(f"L{next_no}", original, line, quantity))
            next_no += 1
        return self._add_return_lines(tx, added, next_no)

    def _not_returnable_now(
        self, original: Transaction, quantities: Mapping[str, Decimal]
    ) -> frozenset[str]:
        """Items of the chosen lines the catalogue flags not returnable today."""
        flagged: set[str] = set()
        for line_id in quantities:
            line = original.line(line_id)
            if line is None:
                continue
            hit = self.ports.catalog.find_item(line.variant_id or line.item_id)
            if hit is not None and hit.product.flags.not_returnable:
                flagged.add(line.item_id)
        return frozenset(flagged)

    def _add_return_lines(
        self, tx: Transaction, added: Sequence[SaleLine], next_no: int
    ) -> Step[tuple[SaleLine, ...]]:
        new = replace(tx, lines=(*tx.lines, *added), next_line_no=next_no)
        started = self._tx is None
        changes = self._commit(
            new,
            ChangeRecord(lines_added=frozenset(line.line_id for line in added), state=started),
            reprice_lines=True,
        )
        assert self._tx is not None
        lines = tuple(self._tx.line(line.line_id) for line in added)
        return self._tx, changes, tuple(line for line in lines if line is not None)

    def return_without_receipt(self, request: ReturnItem) -> OpResult[SaleLine]:
        """Return an item with no receipt: permission, a return reason, today's price."""

        def step() -> Step[SaleLine] | Refusal:
            tx = self._tx_or_autostart()
            if isinstance(tx, Refusal):
                return tx
            hit = self._return_item(request)
            if isinstance(hit, Refusal):
                return hit
            line = self._unreceipted_line(f"L{tx.next_line_no}", request, hit)
            if isinstance(line, Refusal):
                return line
            reason = self._return_reason(request.reason_code)
            if isinstance(reason, Refusal):
                return reason
            refusal = self._authorize(
                Permission.RETURN_WITHOUT_RECEIPT,
                request.approval,
                "return without a receipt",
                transaction_id=tx.transaction_id,
                details={
                    "item_id": line.item_id,
                    "quantity": str(-line.quantity),
                    "reason_code": reason.code,
                },
            )
            if refusal:
                return refusal
            line = replace(line, reason_code=reason.code)
            step_ = self._add_return_lines(tx, (line,), tx.next_line_no + 1)
            return step_[0], step_[1], step_[2][0]

        return self._run("return_without_receipt", request, step)

    def _return_item(self, request: ReturnItem) -> BarcodeHit | Refusal:
        return self._find_item(request.barcode, request.item_id)

    def _unreceipted_line(
        self, line_id: str, request: ReturnItem, hit: BarcodeHit
    ) -> SaleLine | Refusal:
        product: Product = hit.product
        flags = product.flags
        if flags.not_returnable:
            return refused(RefusalCode.NOT_RETURNABLE, f"{product.name} is not returnable.")
        if product.has_variants and hit.variant_id is None:
            return refused(
                RefusalCode.VARIANT_REQUIRED,
                f"Choose a variant of {product.name}.",
                *(f"{v.variant_id}: {v.label()}" for v in product.variants),
            )
        keyed = request.keyed_price if request.keyed_price is not None else hit.embedded_price
        if flags.keyed_in_price:
            refusal = check_keyed_price(keyed, product, self.store)
            if refusal:
                return refusal
            assert keyed is not None
            keyed = self.store.currency.round(keyed)
        elif request.keyed_price is not None:
            return refused(
                RefusalCode.PRICE_NOT_KEYED, f"{product.name} is refunded at its current price."
            )
        else:
            keyed = None
        unit = product.sales_unit if flags.weighed else (hit.unit or product.sales_unit)
        quantity = request.quantity
        if flags.weighed and hit.embedded_weight is not None:
            quantity = hit.embedded_weight
        elif hit.quantity != 1 and quantity.is_finite():
            quantity = quantity * hit.quantity
        decimals = unit_decimals(self.store, unit, default=3 if flags.weighed else 0)
        refusal = check_quantity(quantity, decimals, self.store, what="Return quantity")
        if refusal:
            return refusal
        if flags.serial_required and quantity != 1:
            return refused(
                RefusalCode.INVALID_QUANTITY, "Serialised items are returned one per line."
            )
        return SaleLine(
            line_id=line_id,
            product=product,
            quantity=ZERO - normalised(quantity, decimals),
            unit=unit,
            variant_id=hit.variant_id,
            barcode=request.barcode,
            keyed_price=keyed,
            weighed=flags.weighed,
        )

    def _return_reason(self, code: str) -> ReturnReason | Refusal:
        code = code.strip()
        journal = self.ports.journal
        known = [] if journal is None else list(journal.reasons(self.store.store_id, "return"))
        choices = [f"{r.code}: {r.name}" for r in known]
        if not code:
            return refused(
                RefusalCode.REASON_REQUIRED,
                "Choose the reason for a return without a receipt.",
                *choices,
            )
        reason = None if journal is None else journal.reason(self.store.store_id, code)
        if reason is None or reason.kind != "return":
            return refused(
                RefusalCode.UNKNOWN_REASON, f"{code} is not a reason code for returns.", *choices
            )
        return reason

    # ---- refunds ------------------------------------------------------------------------------

    def refund(self, request: RefundTender) -> OpResult[TenderLine]:
        """Pay out a refund in cash or to the card; `approval` allows a card sale in cash."""

        def step() -> Step[TenderLine] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            tender = self._tender_type(request.tender_type_id, *TenderKind)
            if isinstance(tender, Refusal):
                return tender
            return self._refund(tx, tender, request.amount, request.approval)

        return self._run("refund", request, step)

    def _refund_originals(self, tx: Transaction) -> Sequence[Transaction]:
        """The originals from the local journal, else the server's copies (same rules)."""
        journal = self.ports.journal
        if journal is None:
            return ()
        refs = {line.return_of.transaction_id: line.return_of
                for line in tx.active_lines if line.return_of}  # fmt: skip
        server_sales = self._caches()[1]
        found: list[Transaction] = []
        for tid, ref in refs.items():
            record = journal.find_transaction(tid)
            sale = record.transaction if record is not None else server_sales.get(tid)
            if sale is None:  # the cart was resumed after a restart: ask the server again
                sale = self._server_sale(tid, ref.receipt_number)
            if sale is not None:
                found.append(sale)
        return tuple(found)

    def _server_sale(self, transaction_id: str, number: str | None) -> Transaction | None:
        desk = self.ports.remote
        if desk is None or number is None or desk.offline_reason() is not None:
            return None
        try:
            found = desk.find_receipts(number)
        except (RemoteUnavailable, RemoteRefused):
            return None
        for match in found:
            if match.transaction.transaction_id == transaction_id:
                self._caches()[1][transaction_id] = match.transaction
                return match.transaction
        return None

    # ---- hooks of the core --------------------------------------------------------------------

    def _journal_returned(self, lines: Sequence[SaleLine]) -> Mapping[LineKey, Decimal]:
        """Returned by this journal's concluded returns, plus what the server last said other
        registers returned (no server call: repricing runs on every change)."""
        keys = list(dict.fromkeys(key_of(line.return_of) for line in lines if line.return_of))
        journal = self.ports.journal
        if not keys or journal is None:
            return {}
        returned = dict(journal.returned_quantities(keys))
        elsewhere = self._caches()[0]
        for key in keys:
            extra = elsewhere.get(key[0], {}).get(key[1], ZERO)
            if extra:
                returned[key] = returned.get(key, ZERO) + extra
        return returned

    def _return_pricing(
        self, context: PricingContext, tx: Transaction, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        """Return lines with a receipt refund their share of what was paid; without a
        receipt, today's price with no automatic discounts."""
        with_receipt = [line for line in lines if line.return_of is not None]
        priced: dict[str, LinePricing] = {}
        if with_receipt:
            returned = self._journal_returned(with_receipt)
            priced.update(refund_pricing(with_receipt, returned, self.store.currency))
        others = [line for line in lines if line.return_of is None]
        if others:
            today = self.ports.pricing.price_lines(
                context, [replace(line, quantity=-line.quantity) for line in others]
            )
            for line in others:
                price = today[line.line_id]
                priced[line.line_id] = LinePricing(price.unit_price, price.price_source)
        return priced

    def _run(
        self, operation: str, request: object, step: Callable[[], Step[T] | Refusal]
    ) -> OpResult[T]:
        """Guards around other operations: a return line's quantity, unit or price is not
        edited (void it and return again), and a return is checked against the journal once
        more when it concludes, as another register may have returned the same receipt."""
        guarded = step
        line_id = getattr(request, "line_id", None)
        if operation not in RETURN_LINE_OPERATIONS and isinstance(line_id, str):

            def guarded() -> Step[T] | Refusal:
                return self._return_line_refusal(line_id) or step()

        elif operation == "conclude":

            def guarded() -> Step[T] | Refusal:
                return self._exceeded_refusal() or step()

        return super()._run(operation, request, guarded)

    def _return_line_refusal(self, line_id: str) -> Refusal | None:
        line = None if self._tx is None else self._tx.line(line_id)
        if line is None or line.voided or line.quantity >= ZERO:
            return None
        return refused(
            RefusalCode.WRONG_STATE,
            f"Line {line_id} is a return; its amount comes from what was paid. Void it and "
            "return the item again instead.",
        )

    def _exceeded_refusal(self) -> Refusal | None:
        tx = self._tx
        if tx is None:
            return None
        lines = [line for line in tx.active_lines if line.return_of is not None]
        if not lines:
            return None
        for tid in dict.fromkeys(key_of(line.return_of)[0] for line in lines if line.return_of):
            self._fetch_elsewhere(tid)  # fresh counts when online; offline the last known ones
        return exceeded(lines, self._journal_returned(lines))
