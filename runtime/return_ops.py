"""Return operations of the runtime facade (issue #4); the journal ones are inherited from
runtime.return_journal_ops.

Returns with a receipt find the original sale in the local journal (by receipt number, the
receipt's barcode, or a transaction id picked from a journal search) and add return lines:
negative quantities that refund what was paid (runtime.returns). Returns without a receipt
need a permission and a return reason code, and refund today's price. Sale and return lines
mix freely in one transaction (an exchange). Every refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

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
from runtime.return_journal_ops import JournalOperations
from runtime.return_ports import LineKey, ReturnReason
from runtime.return_requests import (
    RefundTender,
    ReturnItem,
    ReturnLines,
)
from runtime.returns import (
    checked_quantities,
    exceeded,
    in_cart,
    key_of,
    make_return_line,
    original_refusal,
    refund_pricing,
)
from runtime.transaction import SaleLine, TenderLine, Transaction

T = TypeVar("T")
# the only operations that may name a return line: its amounts come from the original sale
RETURN_LINE_OPERATIONS = frozenset({"void_line", "comment_line"})


class ReturnOperations(JournalOperations):
    """Mixed into runtime.facade.CommerceRuntime."""

    # ---- returns ------------------------------------------------------------------------------

    def return_lines(self, request: ReturnLines) -> OpResult[tuple[SaleLine, ...]]:
        """Return lines of a past sale into the open transaction (or a new one)."""
        return self._run("return_lines", request, lambda: self._return_lines(request))

    def _return_lines(self, request: ReturnLines) -> Step[tuple[SaleLine, ...]] | Refusal:
        tx = self._tx_or_autostart()
        if isinstance(tx, Refusal):
            return tx
        record = self._lookup(request.receipt_number, request.register_id)
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
        journal = self.ports.journal
        if journal is None:
            return ()
        ids = dict.fromkeys(
            line.return_of.transaction_id for line in tx.active_lines if line.return_of
        )
        found = (journal.find_transaction(tid) for tid in ids)
        return tuple(record.transaction for record in found if record is not None)

    # ---- hooks of the core --------------------------------------------------------------------

    def _journal_returned(self, lines: Sequence[SaleLine]) -> Mapping[LineKey, Decimal]:
        keys = list(dict.fromkeys(key_of(line.return_of) for line in lines if line.return_of))
        journal = self.ports.journal
        if not keys or journal is None:
            return {}
        return journal.returned_quantities(keys)

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
        return exceeded(lines, self._journal_returned(lines))
