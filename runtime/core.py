"""The runtime's core: state, ports and the operation pipeline every operation goes through.

Every state change goes through `_commit`: reprice if needed, persist through the cart port,
and only then become the register's state. If persisting fails, the caller gets a refusal and
the previous state stays, so nothing the cashier saw is ever lost or half-applied.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from runtime.barcodes import malformed_reason
from runtime.catalog import BarcodeHit
from runtime.config import RegisterConfig, StoreConfig
from runtime.extensions import (
    RuntimeExtension,
    TriggerContext,
    decorate_receipt,
    run_after,
    run_before,
)
from runtime.money import ZERO
from runtime.operations import Approval, ChangeRecord, OpResult, Permission, Refusal, RefusalCode
from runtime.ports import (
    AccessControl,
    CartStore,
    CatalogReader,
    Clock,
    IdGenerator,
    LinePricing,
    PaymentTerminal,
    PricingContext,
    PricingService,
    ProductSummary,
    SalesLedger,
    StorageError,
    SuspendedStore,
    SyncStatus,
)
from runtime.pricing_engine.customers import CustomerDirectory
from runtime.receipt import ReceiptDocument, build_receipt
from runtime.receipt_numbers import validate_mask
from runtime.remote_ports import RemoteDesk
from runtime.return_ports import JournalReader
from runtime.shift_ports import ShiftStore
from runtime.totals import reprice
from runtime.transaction import LineDiscount, SaleLine, Transaction, TransactionState

T = TypeVar("T")
# Every operation computes in this context, whatever the calling thread's decimal settings are.
RUNTIME_DECIMAL_CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
    ],
)
Step = tuple[Transaction, ChangeRecord, T]


@dataclass(frozen=True, slots=True)
class Ports:
    """Everything outside the rules the facade talks to."""

    catalog: CatalogReader
    pricing: PricingService
    clock: Clock
    ids: IdGenerator
    cart: CartStore
    suspended: SuspendedStore
    ledger: SalesLedger
    payment: PaymentTerminal | None = None
    access: AccessControl | None = None  # None: nothing that needs a permission is allowed
    shifts: ShiftStore | None = None  # None: no drawer (sales carry no shift)
    journal: JournalReader | None = None  # None: no returns with a receipt, no journal search
    customers: CustomerDirectory | None = None  # None: customers only through pricing
    remote: RemoteDesk | None = None  # None: no channel server (REMOTE_ONLY refused)
    sync: SyncStatus | None = None  # None: no sync configured (offline, unsent unknown)


def refused(code: RefusalCode, message: str, *details: str) -> Refusal:
    return Refusal(code, message, tuple(details))


class CommerceCore:
    """State, reading and the operation pipeline shared by all operations."""

    def __init__(
        self,
        store: StoreConfig,
        register: RegisterConfig,
        ports: Ports,
        *,
        operator_id: str | None = None,
        extensions: Sequence[RuntimeExtension] = (),
    ) -> None:
        mask_problem = validate_mask(register.receipt_mask)
        if mask_problem:  # fail at start-up, not while concluding the first sale
            raise ValueError(f"register {register.register_id}: {mask_problem}")
        self.store = store
        self.register = register
        self.ports = ports
        self.operator_id = operator_id
        self.extensions = tuple(extensions)
        self._tx: Transaction | None = ports.cart.load(register.register_id)
        self._last_finished: Transaction | None = None
        self._reprice_all = True
        self._just_finished: Transaction | None = None  # until another transaction is adopted
        self.shift_id: str | None = None  # the open shift new sales count in (shift operations)

    # ---- reading ------------------------------------------------------------------------------

    @property
    def transaction(self) -> Transaction | None:
        """The open transaction (resumed from the cart store after a crash), if any."""
        return self._tx

    @property
    def last_finished(self) -> Transaction | None:
        return self._last_finished

    def search(self, text: str, limit: int = 50) -> Sequence[ProductSummary]:
        return self.ports.catalog.search(text, limit)

    def local_day(self) -> dt.date:
        return self.ports.clock.now().astimezone(ZoneInfo(self.store.timezone)).date()

    def receipt(self, tx: Transaction, *, copy: bool = False) -> ReceiptDocument:
        """The receipt document for a finished transaction, decorated by extensions."""
        document = build_receipt(tx, self.store, self.register, copy=copy)
        return decorate_receipt(self.extensions, document, tx)

    # ---- the operation pipeline ---------------------------------------------------------------

    def _run(
        self, operation: str, request: object, step: Callable[[], Step[T] | Refusal]
    ) -> OpResult[T]:
        with decimal.localcontext(RUNTIME_DECIMAL_CONTEXT):
            return self._run_in_context(operation, request, step)

    def _run_in_context(
        self, operation: str, request: object, step: Callable[[], Step[T] | Refusal]
    ) -> OpResult[T]:
        context = TriggerContext(operation, request, self._tx)
        refusal = self._session_refusal(operation) or run_before(self.extensions, context)
        if refusal is None:
            try:
                outcome = step()
            except StorageError as exc:
                outcome = refused(
                    RefusalCode.STORAGE,
                    f"The register could not save: {exc}. Nothing was changed; try again.",
                )
            if isinstance(outcome, Refusal):
                refusal = outcome
        result: OpResult[T]
        if refusal is not None:
            result = OpResult(refusal=refusal)
        else:
            assert not isinstance(outcome, Refusal)
            result = OpResult(value=outcome[2], changes=outcome[1])
        run_after(self.extensions, context, result)  # type: ignore[arg-type]
        return result

    def _new_transaction(self, operator_id: str) -> Transaction:
        self.operator_id = operator_id
        return Transaction(
            transaction_id=self.ports.ids.new_id(),
            store_id=self.store.store_id,
            register_id=self.register.register_id,
            operator_id=operator_id,
            started_at=self.ports.clock.now(),
            shift_id=self.shift_id,
        )

    def _tx_or_autostart(self) -> Transaction | Refusal:
        """The first scan after a sale starts the next transaction, as cashiers expect."""
        if self._tx is None:
            if self.operator_id is None:
                return refused(RefusalCode.NO_TRANSACTION, "Sign in before selling.")
            return self._new_transaction(self.operator_id)
        return self._open_tx()

    def _find_item(self, barcode: str | None, item_id: str | None) -> BarcodeHit | Refusal:
        """The item a scanned barcode or a picked item id names (exactly one of them)."""
        if (barcode is None) == (item_id is None):
            return refused(RefusalCode.UNKNOWN_ITEM, "Scan a barcode or give an item id.")
        if barcode is not None:
            reason = malformed_reason(barcode)
            if reason:
                return refused(RefusalCode.MALFORMED_BARCODE, f"Barcode not accepted: {reason}.")
            hit = self.ports.catalog.find_barcode(barcode)
            if hit is None:
                return refused(RefusalCode.UNKNOWN_ITEM, f"No item has the barcode {barcode}.")
            return hit
        assert item_id is not None
        item = self.ports.catalog.find_item(item_id.strip())
        if item is None:
            return refused(RefusalCode.UNKNOWN_ITEM, f"No item has the id {item_id}.")
        return BarcodeHit(barcode="", product=item.product, variant_id=item.variant_id)

    # ---- permissions --------------------------------------------------------------------------

    def _authorize(
        self,
        permission: Permission,
        approval: Approval | None,
        action: str,
        *,
        transaction_id: str | None = None,
        details: dict[str, str] | None = None,
    ) -> Refusal | None:
        """The runtime's own permission check: the UI is not the guard."""
        if self.operator_id is None:
            return refused(RefusalCode.NOT_SIGNED_IN, "Sign in first.")
        access = self.ports.access
        if access is None:
            return refused(
                RefusalCode.PERMISSION_REQUIRED,
                f"This register has no staff directory, so {action} is not allowed.",
                permission.value,
            )
        tid = transaction_id
        if tid is None and self._tx is not None:
            tid = self._tx.transaction_id
        return access.authorize(
            self.operator_id,
            permission,
            approval,
            action=action,
            transaction_id=tid,
            details=details,
        )

    def _drawer_refusal(self, action: str) -> Refusal | None:
        """Why the drawer may not be used now (no open shift...); shift operations override."""
        return None

    def _line_op(
        self,
        line_id: str,
        change: Callable[[SaleLine], SaleLine | Refusal],
        *,
        reprice: bool = True,
    ) -> Step[SaleLine] | Refusal:
        tx = self._open_tx()
        if isinstance(tx, Refusal):
            return tx
        line = tx.line(line_id)
        if line is None:
            return refused(RefusalCode.UNKNOWN_LINE, f"There is no line {line_id}.")
        if line.voided:
            return refused(RefusalCode.WRONG_STATE, f"Line {line_id} is voided.")
        new_line = change(line)
        if isinstance(new_line, Refusal):
            return new_line
        new = replace(tx, lines=tuple(new_line if x.line_id == line_id else x for x in tx.lines))
        changes = self._commit(
            new, ChangeRecord(lines_changed=frozenset({line_id})), reprice_lines=reprice
        )
        assert self._tx is not None
        updated = self._tx.line(line_id)
        assert updated is not None
        return self._tx, changes, updated

    def _no_open_tx(self) -> Refusal:
        """Why there is nothing to operate on: the sale just finished, or none was started."""
        last = self._just_finished
        if last is not None:
            what = "concluded" if last.state is TransactionState.CONCLUDED else "voided"
            return refused(
                RefusalCode.WRONG_STATE,
                f"Transaction {last.receipt_number or last.transaction_id} was already "
                f"{what}; start a new one.",
            )
        return refused(RefusalCode.NO_TRANSACTION, "No transaction is open.")

    def _open_tx(self) -> Transaction | Refusal:
        if self._tx is None:
            return self._no_open_tx()
        if self._tx.unresolved_tenders:
            return refused(
                RefusalCode.PAYMENT_PENDING,
                "A card payment's outcome is not known yet; resolve it first.",
            )
        return self._tx

    def _priced(self, tx: Transaction, dirty: frozenset[str] | None) -> Transaction:
        context = PricingContext(
            store=self.store, day=self.local_day(), customer_id=tx.customer_id, coupons=tx.coupons
        )
        active = [line for line in tx.lines if not line.voided]
        sold = [line for line in active if line.quantity > 0]
        pricing: Mapping[str, LinePricing] = self.ports.pricing.price_lines(context, sold)
        if len(sold) != len(active):  # return lines are priced by what was paid, not today
            returned = [line for line in active if line.quantity <= 0]
            pricing = {**pricing, **self._return_pricing(context, tx, returned)}
        pricing = self._with_manual_pricing(tx, pricing)
        return reprice(tx, self.store, pricing, dirty)

    # ---- hooks the operation mixins override ---------------------------------------------------

    def _session_refusal(self, operation: str) -> Refusal | None:
        """Why no operation may run now (the register is locked...); session operations."""
        return None

    def _return_pricing(
        self, context: PricingContext, tx: Transaction, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        """Prices of return lines (negative quantities); return operations override."""
        return {}

    def _tender_discount_for(
        self, tx: Transaction, tender_type_id: str, amount: Decimal
    ) -> dict[str, LineDiscount]:
        """Line discounts earned by paying `amount` with this tender; customer operations
        override it with the pricing engine's tender discounts."""
        return {}

    def _with_manual_pricing(
        self, tx: Transaction, pricing: Mapping[str, LinePricing]
    ) -> Mapping[str, LinePricing]:
        """Apply price overrides and manual discounts on top of the engine's pricing."""
        return pricing

    def _commit(
        self, new: Transaction, changes: ChangeRecord, *, reprice_lines: bool
    ) -> ChangeRecord:
        """Reprice, persist, and adopt `new`. Raises StorageError with the old state kept."""
        if reprice_lines:
            if any(t.rounding for t in new.tenders):
                # cash rounding belongs to the cash payment that completed the sale; once the
                # lines change, the payment is no longer complete and the next tender settles
                new = replace(
                    new,
                    tenders=tuple(
                        replace(t, rounding=ZERO) if t.rounding else t for t in new.tenders
                    ),
                )
            old_lines = {line.line_id: line for line in new.lines}
            # a cart resumed from storage is repriced whole once: master data may have changed
            dirty = None if self._reprice_all else changes.lines_added | changes.lines_changed
            new = self._priced(new, dirty)
            repriced = frozenset(
                line.line_id
                for line in new.lines
                if line is not old_lines[line.line_id]
                and _amounts(line) != _amounts(old_lines[line.line_id])
                and line.line_id not in changes.lines_added
            )
            changes = replace(changes, lines_changed=changes.lines_changed | repriced, totals=True)
        self.ports.cart.save(
            new, changes.lines_added | changes.lines_changed, changes.lines_removed
        )
        if reprice_lines:
            self._reprice_all = False
        self._tx = new
        self._just_finished = None
        return changes

    def _finished(self, tx: Transaction) -> None:
        self._tx = None
        self._last_finished = self._just_finished = tx


def _amounts(line: SaleLine) -> tuple[object, ...]:
    return (line.unit_price, line.net_amount, line.taxes, line.discounts, line.amount_incl_tax)
