"""The runtime facade: one call per operation, a typed request in, a result and change record out.

Invalid operations for the current state are refused with a reason (a `Refusal`), never with an
exception leaking to the caller. Permissions and triggers are checked here, not in the UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from runtime import line_rules
from runtime.catalog import BarcodeHit
from runtime.core import Step, refused
from runtime.customer_ops import CustomerOperations
from runtime.discount_ops import DiscountOperations
from runtime.operations import (
    AddLine,
    ChangeRecord,
    CommentLine,
    OpResult,
    Permission,
    Recall,
    Refusal,
    RefusalCode,
    SetQuantity,
    SetTaxExempt,
    SetUnit,
    StartTransaction,
    Suspend,
    VoidLine,
    VoidTransaction,
)
from runtime.ports import StorageError
from runtime.remote_ops import RemoteOperations
from runtime.return_ops import ReturnOperations
from runtime.session_ops import SessionOperations
from runtime.shift_ops import ShiftOperations
from runtime.transaction import SaleLine, Transaction, TransactionState


class CommerceRuntime(
    ReturnOperations,
    ShiftOperations,
    SessionOperations,
    CustomerOperations,
    DiscountOperations,
    RemoteOperations,
):
    """The register's commerce rules. Not thread-safe: one caller (the UI's worker) at a time."""

    # ---- transaction lifecycle ----------------------------------------------------------------

    def start(self, request: StartTransaction) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            if self._tx is not None and self._tx.state is TransactionState.OPEN:
                return refused(RefusalCode.TRANSACTION_OPEN, "A transaction is already open.")
            if self.operator_id is None:
                return refused(RefusalCode.NOT_SIGNED_IN, "Sign in before selling.")
            if request.operator_id != self.operator_id:  # a sale is the signed-in operator's
                return refused(
                    RefusalCode.NOT_SIGNED_IN,
                    f"Operator {request.operator_id} is not signed in here; sign in first.",
                )
            tx = self._new_transaction(request.operator_id)
            changes = self._commit(tx, ChangeRecord(state=True, totals=True), reprice_lines=False)
            return tx, changes, tx

        return self._run("start", request, step)

    # ---- lines --------------------------------------------------------------------------------

    def add_line(self, request: AddLine) -> OpResult[SaleLine]:
        return self._run("add_line", request, lambda: self._add_line(request))

    def _add_line(self, request: AddLine) -> Step[SaleLine] | Refusal:
        tx = self._tx_or_autostart()
        if isinstance(tx, Refusal):
            return tx
        hit = self._resolve_item(request)
        if isinstance(hit, Refusal):
            return hit
        product = hit.product
        refusal = line_rules.check_product(
            product, hit.variant_id, self.register.self_checkout, request.age_verified
        )
        if refusal:
            return refusal
        sellable = self._sellable(request, hit)
        if isinstance(sellable, Refusal):
            return sellable
        line = SaleLine(
            line_id=f"L{tx.next_line_no}",
            product=product,
            quantity=sellable.quantity,
            unit=sellable.unit,
            variant_id=hit.variant_id,
            barcode=request.barcode,
            keyed_price=None
            if sellable.keyed_price is None
            else self.store.currency.round(sellable.keyed_price),
            serial_number=request.serial_number.strip() if request.serial_number else None,
            weighed=sellable.weighed,
        )
        new = replace(tx, lines=(*tx.lines, line), next_line_no=tx.next_line_no + 1)
        started = self._tx is None
        changes = self._commit(
            new,
            ChangeRecord(lines_added=frozenset({line.line_id}), state=started),
            reprice_lines=True,
        )
        assert self._tx is not None
        added = self._tx.line(line.line_id)
        assert added is not None
        return self._tx, changes, added

    def _resolve_item(self, request: AddLine) -> BarcodeHit | Refusal:
        return self._find_item(request.barcode, request.item_id)

    def _sellable(self, request: AddLine, hit: BarcodeHit) -> line_rules.Sellable | Refusal:
        product = hit.product
        store = self.store
        keyed = request.keyed_price if request.keyed_price is not None else hit.embedded_price
        if product.flags.keyed_in_price:
            refusal = line_rules.check_keyed_price(keyed, product, store)
            if refusal:
                return refusal
        elif request.keyed_price is not None:
            return refused(
                RefusalCode.PRICE_NOT_KEYED,
                f"{product.name} has a fixed price; changing it is a price override.",
            )
        else:
            keyed = None  # a price printed in the barcode applies only to keyed-price items
        if product.flags.weighed:
            weight = request.weight if request.weight is not None else hit.embedded_weight
            refusal = line_rules.check_weight(weight, product, store)
            if refusal:
                return refusal
            assert weight is not None
            weight = line_rules.normalised(
                weight, line_rules.unit_decimals(store, product.sales_unit, default=3)
            )
            return line_rules.Sellable(weight, product.sales_unit, keyed, weighed=True)
        unit = request.unit or hit.unit or product.sales_unit
        refusal = line_rules.check_unit(product, unit, store)
        if refusal:
            return refusal
        quantity = request.quantity if request.quantity is not None else hit.quantity
        if request.quantity is not None and hit.quantity != 1:
            quantity = request.quantity * hit.quantity
        decimals = line_rules.unit_decimals(store, unit)
        refusal = line_rules.check_quantity(quantity, decimals, store)
        if refusal:
            return refusal
        if product.flags.serial_required:
            if not (request.serial_number and request.serial_number.strip()):
                return refused(
                    RefusalCode.SERIAL_REQUIRED,
                    f"Scan or key in the serial number of {product.name}.",
                )
            if quantity != 1:
                return refused(
                    RefusalCode.INVALID_QUANTITY, "Serialised items are sold one per line."
                )
        return line_rules.Sellable(
            line_rules.normalised(quantity, decimals), unit, keyed, weighed=False
        )

    def set_quantity(self, request: SetQuantity) -> OpResult[SaleLine]:
        def change(line: SaleLine) -> SaleLine | Refusal:
            if line.weighed:
                return refused(
                    RefusalCode.INVALID_QUANTITY,
                    "A weighed item's quantity comes from the scale; void it and weigh again.",
                )
            decimals = line_rules.unit_decimals(self.store, line.unit)
            refusal = line_rules.check_quantity(request.quantity, decimals, self.store)
            if refusal:  # first: comparing a signalling NaN below would raise
                return refusal
            if line.product.flags.serial_required and request.quantity != 1:
                return refused(
                    RefusalCode.INVALID_QUANTITY, "Serialised items are sold one per line."
                )
            return replace(line, quantity=line_rules.normalised(request.quantity, decimals))

        return self._run("set_quantity", request, lambda: self._line_op(request.line_id, change))

    def set_unit(self, request: SetUnit) -> OpResult[SaleLine]:
        def change(line: SaleLine) -> SaleLine | Refusal:
            if line.weighed:
                return refused(RefusalCode.UNKNOWN_UNIT, "A weighed item is sold in its unit.")
            refusal = line_rules.check_unit(line.product, request.unit, self.store)
            if refusal:
                return refusal
            decimals = line_rules.unit_decimals(self.store, request.unit)
            refusal = line_rules.check_quantity(line.quantity, decimals, self.store)
            return refusal or replace(
                line, unit=request.unit, quantity=line_rules.normalised(line.quantity, decimals)
            )

        return self._run("set_unit", request, lambda: self._line_op(request.line_id, change))

    def void_line(self, request: VoidLine) -> OpResult[SaleLine]:
        def change(line: SaleLine) -> SaleLine | Refusal:
            refusal = self._authorize(
                Permission.VOID,
                request.approval,
                "void a line",
                details={"line_id": line.line_id, "item_id": line.item_id},
            )
            return refusal or replace(line, voided=True)

        return self._run("void_line", request, lambda: self._line_op(request.line_id, change))

    def comment_line(self, request: CommentLine) -> OpResult[SaleLine]:
        def change(line: SaleLine) -> SaleLine | Refusal:
            cleaned = line_rules.clean_comment(request.comment)
            return cleaned if isinstance(cleaned, Refusal) else replace(line, comment=cleaned)

        return self._run(
            "comment_line",
            request,
            lambda: self._line_op(request.line_id, change, reprice=False),  # no amount changes
        )

    def set_tax_exempt(self, request: SetTaxExempt) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            if request.exempt and not request.reason.strip():
                return refused(RefusalCode.WRONG_STATE, "Give a reason for the tax exemption.")
            if request.exempt:
                refusal = self._authorize(
                    Permission.TAX_EXEMPT,
                    request.approval,
                    "exempt the sale from tax",
                    details={"reason": request.reason.strip()},
                )
                if refusal:
                    return refusal
            new = replace(tx, tax_exempt=request.exempt, tax_exempt_reason=request.reason.strip())
            self._reprice_all = True  # every line's tax changes
            changes = self._commit(new, ChangeRecord(totals=True), reprice_lines=True)
            assert self._tx is not None
            return self._tx, changes, self._tx

        return self._run("set_tax_exempt", request, step)

    # ---- void, suspend, recall ----------------------------------------------------------------

    def void_transaction(self, request: VoidTransaction) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            if tx.approved_card_tenders:
                return refused(
                    RefusalCode.CARD_TENDERED,
                    "Card payments were taken; void those tender lines (the terminal reverses "
                    "them) before voiding the transaction.",
                )
            if any(t.counts for t in tx.tenders):
                return refused(
                    RefusalCode.TENDERED,
                    "Payments were taken; hand them back and void those tender lines before "
                    "voiding the transaction, so the drawer stays right.",
                )
            refusal = self._authorize(
                Permission.VOID,
                request.approval,
                "void the transaction",
                details={"reason": request.reason.strip()},
            )
            if refusal:
                return refusal
            voided = replace(
                tx,
                state=TransactionState.VOIDED,
                ended_at=self.ports.clock.now(),
                void_reason=request.reason.strip(),
            )
            self.ports.ledger.finish(voided, None)
            self._finished(voided)
            return voided, ChangeRecord(state=True, totals=True), voided

        return self._run("void_transaction", request, step)

    def suspend(self, request: Suspend) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            if not tx.active_lines:
                return refused(RefusalCode.WRONG_STATE, "There is nothing to suspend.")
            if any(t.counts for t in tx.tenders):
                return refused(
                    RefusalCode.WRONG_STATE, "Void the tenders before suspending the transaction."
                )
            refusal = self._authorize(Permission.SUSPEND, request.approval, "suspend the sale")
            if refusal:
                return refusal
            suspended = replace(tx, state=TransactionState.SUSPENDED)
            self.ports.suspended.suspend(suspended)
            self._tx = None
            return suspended, ChangeRecord(state=True, totals=True), suspended

        return self._run("suspend", request, step)

    def suspended(self) -> Sequence[Transaction]:
        return self.ports.suspended.list_suspended(self.register.register_id)

    def recall(self, request: Recall) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            # voided lines and tenders are part of the record: never drop them silently
            if self._tx is not None and (self._tx.lines or self._tx.tenders):
                return refused(
                    RefusalCode.TRANSACTION_OPEN,
                    "Finish, void or suspend the open transaction before recalling another.",
                )
            register_id = self.register.register_id
            found = self.ports.suspended.recall(register_id, request.transaction_id)
            if found is None:
                return refused(
                    RefusalCode.NOT_SUSPENDED,
                    f"No suspended transaction {request.transaction_id} on this register.",
                )
            # the store moved it into the cart atomically; adopt it, then reprice and save
            self._tx = found
            self._reprice_all = True
            moved = ChangeRecord(
                lines_added=frozenset(line.line_id for line in found.lines), state=True, totals=True
            )
            try:
                changes = self._commit(found, moved, reprice_lines=True)
            except StorageError:
                # recalled durably as it was suspended; the next operation reprices it
                return found, moved, found
            assert self._tx is not None
            return self._tx, changes, self._tx

        return self._run("recall", request, step)
