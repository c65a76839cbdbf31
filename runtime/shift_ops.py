"""Shift and drawer operations of the runtime facade (issue #4, D365 semantics).

Every change goes through the ShiftStore port as one `ShiftChange` (journal entry and outbox
row included); a refusal writes nothing. Permissions are checked here, not in the UI.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from runtime.core import Step, refused
from runtime.line_rules import clean_comment
from runtime.operations import (
    OpResult,
    Permission,
    Refusal,
    RefusalCode,
)
from runtime.shift_calc import (
    DRAWER_TENDER_KINDS,
    count_tender,
    parse_amount,
    tender_currency,
)
from runtime.shift_close_ops import ShiftCloseOperations
from runtime.shift_requests import (
    BankDrop,
    DeclareStartAmount,
    DeclareTenders,
    DrawerResult,
    FloatEntry,
    NoSale,
    OpenShift,
    PayIn,
    PayOut,
    ResumeShift,
    SafeDrop,
    ShiftResult,
    SuspendShift,
    TenderRemoval,
)
from runtime.shifts import (
    DrawerKind,
    DrawerOperation,
    Shift,
    ShiftModel,
    ShiftStatus,
)


class ShiftOperations(ShiftCloseOperations):
    """Mixed into runtime.facade.CommerceRuntime."""

    # ---- opening, suspending, resuming --------------------------------------------------------

    def open_shift(self, request: OpenShift) -> OpResult[ShiftResult]:
        def step() -> Step[ShiftResult] | Refusal:
            store = self._shift_store()
            if isinstance(store, Refusal):
                return store
            refusal = self._signed_in() or self._no_open_shift() or self._tx_blocks()
            if refusal:
                return refusal
            settings = store.settings(self.store.store_id, self.register.register_id)
            if settings.model is ShiftModel.SHARED:
                return refused(
                    RefusalCode.NEEDS_SERVER,
                    "This register uses a shared shift; a shared shift needs the channel server.",
                )
            now = self.ports.clock.now()
            shift = Shift(
                shift_id=self.ports.ids.new_id(),
                store_id=self.store.store_id,
                register_id=self.register.register_id,
                opened_register_id=self.register.register_id,
                model=settings.model,
                status=ShiftStatus.OPEN,
                operator_id=self._operator(),
                opened_at=now,
                status_changed_at=now,
            )
            ops: tuple[DrawerOperation, ...] | Refusal = ()
            if request.start_amounts:
                ops = self._start_amounts(shift, request.start_amounts, request.approval)
            if isinstance(ops, Refusal):
                return ops
            stored = store.record(self._change("shift_open", shift, ops, new_shift=True))
            self._adopt(stored)
            return self._done(ShiftResult(stored, open_drawer=bool(ops)))

        return self._run("open_shift", request, step)

    def resume_shift(self, request: ResumeShift) -> OpResult[ShiftResult]:
        def step() -> Step[ShiftResult] | Refusal:
            store = self._shift_store()
            if isinstance(store, Refusal):
                return store
            refusal = self._signed_in() or self._no_open_shift() or self._tx_blocks()
            if refusal:
                return refusal
            shift = self._find(store, request.shift_id)
            if isinstance(shift, Refusal):
                return shift
            if shift.model is not ShiftModel.FLOATING:
                return refused(
                    RefusalCode.WRONG_STATE,
                    f"Shift {shift.label} is a {shift.model.value}-till shift: it stays on its "
                    "register and cannot be suspended or resumed.",
                )
            if shift.status is not ShiftStatus.SUSPENDED:
                return self._status_refusal(shift, "resumed")
            now = self.ports.clock.now()
            resumed = replace(
                shift,
                status=ShiftStatus.OPEN,
                register_id=self.register.register_id,
                status_changed_at=now,
            )
            stored = store.record(self._change("shift_resume", resumed))
            self._adopt(stored)
            return self._done(ShiftResult(stored))

        return self._run("resume_shift", request, step)

    def suspend_shift(self, request: SuspendShift | None = None) -> OpResult[ShiftResult]:
        def step() -> Step[ShiftResult] | Refusal:
            got = self._open_shift_and_store()
            if isinstance(got, Refusal):
                return got
            store, shift = got
            if shift.model is not ShiftModel.FLOATING:
                return refused(
                    RefusalCode.WRONG_STATE,
                    f"Shift {shift.label} is a {shift.model.value}-till shift; only a "
                    "floating-till shift can be suspended and resumed on another register.",
                )
            refusal = self._tx_blocks()
            if refusal:
                return refusal
            suspended = replace(
                shift, status=ShiftStatus.SUSPENDED, status_changed_at=self.ports.clock.now()
            )
            stored = store.record(self._change("shift_suspend", suspended))
            self._adopt(None)
            return self._done(ShiftResult(stored))

        return self._run("suspend_shift", request or SuspendShift(), step)

    # ---- drawer operations --------------------------------------------------------------------

    def declare_start_amount(self, request: DeclareStartAmount) -> OpResult[DrawerResult]:
        def step() -> Step[DrawerResult] | Refusal:
            got = self._open_shift_and_store()
            if isinstance(got, Refusal):
                return got
            store, shift = got
            if not request.amounts:
                return refused(RefusalCode.INVALID_AMOUNT, "Declare the start amount of a tender.")
            ops = self._start_amounts(shift, request.amounts, request.approval)
            if isinstance(ops, Refusal):
                return ops
            stored = store.record(self._change("drawer_start_amount", shift, ops))
            return self._done(DrawerResult(stored, ops, open_drawer=True))

        return self._run("declare_start_amount", request, step)

    def float_entry(self, request: FloatEntry) -> OpResult[DrawerResult]:
        return self._money_op("float_entry", DrawerKind.FLOAT_ENTRY, request, "add a float entry")

    def tender_removal(self, request: TenderRemoval) -> OpResult[DrawerResult]:
        return self._money_op(
            "tender_removal", DrawerKind.TENDER_REMOVAL, request, "remove tender from the drawer"
        )

    def safe_drop(self, request: SafeDrop) -> OpResult[DrawerResult]:
        return self._money_op("safe_drop", DrawerKind.SAFE_DROP, request, "make a safe drop")

    def bank_drop(self, request: BankDrop) -> OpResult[DrawerResult]:
        return self._money_op("bank_drop", DrawerKind.BANK_DROP, request, "make a bank drop")

    def pay_in(self, request: PayIn) -> OpResult[DrawerResult]:
        return self._money_op("pay_in", DrawerKind.PAY_IN, request, "pay in (income account)")

    def pay_out(self, request: PayOut) -> OpResult[DrawerResult]:
        return self._money_op("pay_out", DrawerKind.PAY_OUT, request, "pay out (expense account)")

    def _money_op(
        self,
        name: str,
        kind: DrawerKind,
        request: FloatEntry | TenderRemoval | SafeDrop | BankDrop | PayIn | PayOut,
        action: str,
    ) -> OpResult[DrawerResult]:
        def step() -> Step[DrawerResult] | Refusal:
            got = self._open_shift_and_store()
            if isinstance(got, Refusal):
                return got
            store, shift = got
            tender = self._drawer_tender(request.tender_type_id)
            if isinstance(tender, Refusal):
                return tender
            currency = tender_currency(self.store, tender)
            amount = parse_amount(request.amount, currency, f"The {kind.value.replace('_', ' ')}")
            if isinstance(amount, Refusal):
                return amount
            comment = clean_comment(request.comment)
            if isinstance(comment, Refusal):
                return comment
            extra: dict[str, Any] = {"comment": comment}
            if isinstance(request, BankDrop):
                bag = request.bag_number.strip()
                if not bag or len(bag) > 40 or not bag.isprintable():
                    return refused(
                        RefusalCode.INVALID_TEXT, "Key in the bank bag number (up to 40 chars)."
                    )
                extra["bag_number"] = bag
            if isinstance(request, PayIn | PayOut):
                reason = store.reason_code(self.store.store_id, request.reason_code.strip())
                if reason is None or reason.kind != kind.value:
                    return refused(
                        RefusalCode.UNKNOWN_REASON,
                        f"{request.reason_code!r} is not a {kind.value.replace('_', '-')} "
                        "reason code of this store.",
                    )
                extra.update(reason_code=reason.code, account=reason.account)
            details = {"amount": str(amount), "tender": tender.tender_type_id}
            refusal = self._authorize(
                Permission.DRAWER_OPERATIONS, request.approval, action, details=details
            )
            if refusal:
                return refusal
            op = self._operation(
                shift,
                kind,
                request.approval,
                tender_type_id=tender.tender_type_id,
                currency=currency.code,
                amount=amount,
                **extra,
            )
            stored = store.record(self._change(f"drawer_{kind.value}", shift, (op,)))
            return self._done(DrawerResult(stored, (op,), open_drawer=True))

        return self._run(name, request, step)

    def no_sale(self, request: NoSale | None = None) -> OpResult[DrawerResult]:
        req = request or NoSale()

        def step() -> Step[DrawerResult] | Refusal:
            got = self._open_shift_and_store()
            if isinstance(got, Refusal):
                return got
            store, shift = got
            comment = clean_comment(req.comment)
            if isinstance(comment, Refusal):
                return comment
            code = None
            if req.reason_code is not None and req.reason_code.strip():
                reason = store.reason_code(self.store.store_id, req.reason_code.strip())
                if reason is None or reason.kind != "no_sale":
                    return refused(
                        RefusalCode.UNKNOWN_REASON,
                        f"{req.reason_code!r} is not a no-sale reason code of this store.",
                    )
                code = reason.code
            refusal = self._authorize(
                Permission.NO_SALE, req.approval, "open the drawer without a sale"
            )
            if refusal:
                return refusal
            op = self._operation(
                shift, DrawerKind.NO_SALE, req.approval, reason_code=code, comment=comment
            )
            stored = store.record(self._change("drawer_no_sale", shift, (op,)))
            return self._done(DrawerResult(stored, (op,), open_drawer=True))

        return self._run("no_sale", req, step)

    def declare_tenders(self, request: DeclareTenders) -> OpResult[DrawerResult]:
        """Tender declaration of the open shift, or of a blind-closed shift named by id."""

        def step() -> Step[DrawerResult] | Refusal:
            got = self._target_shift(request.shift_id, "declared", ShiftStatus.BLIND_CLOSED)
            if isinstance(got, Refusal):
                return got
            store, shift = got
            if not request.counts:
                return refused(RefusalCode.INVALID_COUNT, "Count at least one tender.")
            counted = []
            for tender_id, raw in request.counts.items():
                tender = self.store.tender_types.get(tender_id)
                if tender is None:
                    return refused(RefusalCode.UNKNOWN_TENDER, f"There is no tender {tender_id}.")
                currency = tender_currency(self.store, tender)
                notes = (
                    store.denominations(currency.code) if tender.kind in DRAWER_TENDER_KINDS else ()
                )
                result = count_tender(tender, currency, raw, notes)
                if isinstance(result, Refusal):
                    return result
                counted.append((tender, currency, *result))
            refusal = self._authorize(
                Permission.DECLARATIONS,
                request.approval,
                "declare tenders",
                details={"shift_id": shift.shift_id},
            )
            if refusal:
                return refusal
            ops = tuple(
                self._operation(
                    shift,
                    DrawerKind.DECLARATION,
                    request.approval,
                    tender_type_id=tender.tender_type_id,
                    currency=currency.code,
                    amount=amount,
                    denominations=notes,
                )
                for tender, currency, amount, notes in counted
            )
            stored = store.record(self._change("drawer_declaration", shift, ops))
            return self._done(DrawerResult(stored, ops, open_drawer=False))

        return self._run("declare_tenders", request, step)
