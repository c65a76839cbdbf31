"""The base of the shift operations: the register's open shift and the checks and helpers
every shift and drawer operation shares (runtime.shift_ops, runtime.shift_close_ops).

The register's open shift is loaded at start-up and kept in `self.shift_id`, which new sales
take; an empty cart is re-stamped when the shift changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar, cast

from runtime.config import TenderKind, TenderType
from runtime.core import Step, refused
from runtime.operations import (
    NO_CHANGE,
    Approval,
    ChangeRecord,
    Permission,
    Refusal,
    RefusalCode,
)
from runtime.ports import StorageError
from runtime.shift_calc import (
    parse_amount,
    tender_currency,
)
from runtime.shift_ports import ShiftStore
from runtime.shifts import (
    DrawerKind,
    DrawerOperation,
    Shift,
    ShiftChange,
    ShiftStatus,
)
from runtime.tender_ops import TenderOperations
from runtime.transaction import Transaction, TransactionState

T = TypeVar("T")
SHIFT_CHANGES = ChangeRecord(shift=True)
_MONEY_KINDS = (TenderKind.CASH, TenderKind.FOREIGN_CURRENCY, TenderKind.CHECK)


class ShiftBase(TenderOperations):
    """State and helpers of the shift operations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shift: Shift | None = None
        store = self.ports.shifts
        if store is not None:  # a storage failure here fails start-up, as the cart's does
            self._adopt(store.open_shift(self.register.register_id), persist=False)

    # ---- reading ------------------------------------------------------------------------------

    @property
    def current_shift(self) -> Shift | None:
        """The shift open on this register (new sales count in it), if any."""
        return self._shift

    def suspended_shifts(self) -> list[Shift]:
        """The store's suspended (floating-till) shifts this register could resume."""
        store = self.ports.shifts
        return [] if store is None else list(store.shifts(self.store.store_id, _SUSPENDED))

    def blind_closed_shifts(self) -> list[Shift]:
        """The store's blind-closed shifts still to be declared and closed."""
        store = self.ports.shifts
        return [] if store is None else list(store.shifts(self.store.store_id, _BLIND))

    # ---- hooks --------------------------------------------------------------------------------

    def _drawer_refusal(self, action: str) -> Refusal | None:
        if self.ports.shifts is None or self._shift is not None:
            return None
        return refused(RefusalCode.NO_SHIFT, f"Open or resume a shift before you {action}.")

    # ---- helpers ------------------------------------------------------------------------------

    def _done(self, value: T, changes: ChangeRecord = SHIFT_CHANGES) -> Step[T]:
        # shift operations leave the transaction as it is (the pipeline only reads changes)
        return cast(Transaction, self._tx), changes, value

    def _change(
        self,
        kind: str,
        shift: Shift,
        operations: tuple[DrawerOperation, ...] = (),
        **fields: Any,
    ) -> ShiftChange:
        return ShiftChange(kind, shift, operations, register_id=self.register.register_id, **fields)

    def _operator(self) -> str:
        assert self.operator_id is not None
        return self.operator_id

    def _adopt(self, shift: Shift | None, *, persist: bool = True) -> None:
        """Make `shift` the register's open shift, and let an empty cart count in it."""
        self._shift = shift
        self.shift_id = shift.shift_id if shift is not None else None
        tx = self._tx
        if tx is None or tx.lines or tx.tenders or tx.shift_id == self.shift_id:
            return
        stamped = replace(tx, shift_id=self.shift_id)
        if persist:
            try:
                self._commit(stamped, NO_CHANGE, reprice_lines=False)
                return
            except StorageError:
                pass  # the shift change is durable; the next cart save carries the stamp
        self._tx = stamped

    def _shift_store(self) -> ShiftStore | Refusal:
        store = self.ports.shifts
        if store is None:
            return refused(RefusalCode.NO_SHIFT, "This register keeps no shifts (no drawer).")
        return store

    def _signed_in(self) -> Refusal | None:
        if self.operator_id is None:
            return refused(RefusalCode.NOT_SIGNED_IN, "Sign in first.")
        return None

    def _no_open_shift(self) -> Refusal | None:
        if self._shift is None:
            return None
        return refused(
            RefusalCode.SHIFT_OPEN,
            f"Shift {self._shift.label} is already open on this register; close or suspend it "
            "first.",
        )

    def _tx_blocks(self) -> Refusal | None:
        tx = self._tx
        if tx is not None and tx.state is TransactionState.OPEN and (tx.lines or tx.tenders):
            return refused(
                RefusalCode.TRANSACTION_OPEN,
                "Finish, void or suspend the open transaction first: it counts in the shift.",
            )
        return None

    def _open_shift_and_store(self) -> tuple[ShiftStore, Shift] | Refusal:
        store = self._shift_store()
        if isinstance(store, Refusal):
            return store
        refusal = self._signed_in()
        if refusal:
            return refusal
        if self._shift is None:
            return refused(RefusalCode.NO_SHIFT, "No shift is open on this register; open one.")
        return store, self._shift

    def _find(self, store: ShiftStore, shift_id: str) -> Shift | Refusal:
        shift = store.shift(shift_id.strip())
        if shift is None:
            return refused(RefusalCode.NO_SHIFT, f"There is no shift {shift_id}.")
        if shift.store_id != self.store.store_id:
            return refused(
                RefusalCode.SHIFT_ELSEWHERE, f"Shift {shift.label} belongs to another store."
            )
        return shift

    def _target_shift(
        self, shift_id: str | None, verb: str, other: ShiftStatus
    ) -> tuple[ShiftStore, Shift] | Refusal:
        """The open shift (no id), or a shift named by id that is this register's open shift or
        in the `other` status (blind-closed shifts are declared and closed later)."""
        if shift_id is None or (self._shift is not None and shift_id == self._shift.shift_id):
            return self._open_shift_and_store()
        store = self._shift_store()
        if isinstance(store, Refusal):
            return store
        refusal = self._signed_in()
        if refusal:
            return refusal
        shift = self._find(store, shift_id)
        if isinstance(shift, Refusal):
            return shift
        if shift.status is not other:
            return self._status_refusal(shift, verb)
        return store, shift

    def _status_refusal(self, shift: Shift, verb: str) -> Refusal:
        if shift.status is ShiftStatus.CLOSED:
            return refused(
                RefusalCode.SHIFT_CLOSED,
                f"Shift {shift.label} is already closed; it cannot be {verb}.",
            )
        if shift.status is ShiftStatus.OPEN:
            return refused(
                RefusalCode.SHIFT_ELSEWHERE,
                f"Shift {shift.label} is open on register {shift.register_id}; it cannot be "
                f"{verb} here.",
            )
        return refused(
            RefusalCode.WRONG_STATE,
            f"Shift {shift.label} is {shift.status.value.replace('_', ' ')}; it cannot be {verb}.",
        )

    def _drawer_tender(self, tender_type_id: str) -> TenderType | Refusal:
        tender = self.store.tender_types.get(tender_type_id)
        if tender is None:
            return refused(RefusalCode.UNKNOWN_TENDER, f"There is no tender {tender_type_id}.")
        if tender.kind not in _MONEY_KINDS:
            return refused(RefusalCode.UNKNOWN_TENDER, f"{tender.name} is not kept in the drawer.")
        return tender

    def _start_amounts(
        self, shift: Shift, amounts: Mapping[str, object], approval: Approval | None
    ) -> tuple[DrawerOperation, ...] | Refusal:
        parsed = []
        for tender_id, raw in amounts.items():
            tender = self._drawer_tender(tender_id)
            if isinstance(tender, Refusal):
                return tender
            currency = tender_currency(self.store, tender)
            amount = parse_amount(raw, currency, f"Start amount {tender.name}", allow_zero=True)
            if isinstance(amount, Refusal):
                return amount
            parsed.append((tender, currency.code, amount))
        refusal = self._authorize(
            Permission.DECLARATIONS,
            approval,
            "declare the start amount",
            details={t.tender_type_id: str(a) for t, _, a in parsed},
        )
        if refusal:
            return refusal
        return tuple(
            self._operation(
                shift,
                DrawerKind.START_AMOUNT,
                approval,
                tender_type_id=tender.tender_type_id,
                currency=code,
                amount=amount,
            )
            for tender, code, amount in parsed
        )

    def _operation(
        self, shift: Shift, kind: DrawerKind, approval: Approval | None, **fields: Any
    ) -> DrawerOperation:
        return DrawerOperation(
            operation_id=self.ports.ids.new_id(),
            shift_id=shift.shift_id,
            kind=kind,
            register_id=self.register.register_id,
            operator_id=self._operator(),
            at=self.ports.clock.now(),
            approver_id=approval.approver_id if approval else None,
            **fields,
        )


_SUSPENDED = ShiftStatus.SUSPENDED
_BLIND = ShiftStatus.BLIND_CLOSED
_CLOSED = ShiftStatus.CLOSED
