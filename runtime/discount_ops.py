"""Cashier pricing operations: price override, manual line and total discounts, and removing or
reapplying the automatic discounts (issues #3 and #4).

They are inputs on the transaction (`SaleLine.price_override`, `SaleLine.manual_discount`,
`Transaction.manual_total_discount`, `Transaction.automatic_discounts_off`), applied on top of the
pricing engine's answer at every reprice by `runtime.manual_pricing`. Permission and the
operator's discount limits are checked here, inside the runtime, with manager override.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from runtime import manual_pricing
from runtime.core import Step, refused
from runtime.operations import (
    Approval,
    ChangeRecord,
    OpResult,
    Permission,
    Refusal,
    RefusalCode,
)
from runtime.ports import LinePricing
from runtime.tender_ops import TenderOperations
from runtime.transaction import ManualDiscount, SaleLine, Transaction

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class OverridePrice:
    """A new unit price for a line; `price=None` removes an earlier override."""

    line_id: str
    price: Decimal | None
    reason: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class DiscountLine:
    """A manual discount on one line: exactly one of percent / amount; both None removes it."""

    line_id: str
    percent: Decimal | None = None
    amount: Decimal | None = None
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class DiscountTotal:
    """A manual discount on the whole sale, spread over its lines to the cent."""

    percent: Decimal | None = None
    amount: Decimal | None = None
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class SetAutomaticDiscounts:
    """Remove (enabled=False) or reapply the automatic (engine) discounts of the sale."""

    enabled: bool


def _check_manual(percent: Decimal | None, amount: Decimal | None) -> Refusal | None:
    if percent is not None and amount is not None:
        return refused(RefusalCode.INVALID_AMOUNT, "Give a percentage or an amount, not both.")
    value = percent if percent is not None else amount
    if value is None:
        return None
    if not value.is_finite():
        return refused(RefusalCode.INVALID_AMOUNT, "The discount is not a number.")
    if percent is not None and not (0 < percent <= HUNDRED):
        return refused(
            RefusalCode.INVALID_AMOUNT, "A discount percentage is above 0 and at most 100."
        )
    if amount is not None and amount <= 0:
        return refused(RefusalCode.INVALID_AMOUNT, "A discount amount must be above zero.")
    return None


class DiscountOperations(TenderOperations):
    def _with_manual_pricing(
        self, tx: Transaction, pricing: Mapping[str, LinePricing]
    ) -> Mapping[str, LinePricing]:
        return manual_pricing.apply(tx, pricing, self.store.currency)

    def override_price(self, request: OverridePrice) -> OpResult[SaleLine]:
        def change(line: SaleLine) -> SaleLine | Refusal:
            if line.return_of is not None or line.quantity < 0:
                return refused(RefusalCode.WRONG_STATE, "A return line keeps the price paid.")
            price = request.price
            if price is not None:
                if not price.is_finite() or price < 0:
                    return refused(RefusalCode.INVALID_AMOUNT, "Key in a price of zero or more.")
                price = self.store.currency.round(price)
            refusal = self._authorize(
                Permission.PRICE_OVERRIDE,
                request.approval,
                "override a price",
                details={
                    "line_id": line.line_id,
                    "item_id": line.item_id,
                    "from": str(line.unit_price),
                    "to": "" if price is None else str(price),
                    "reason": request.reason.strip(),
                },
            )
            if refusal:
                return refusal
            return replace(
                line, price_override=price, reason_code=request.reason.strip() or line.reason_code
            )

        return self._run("override_price", request, lambda: self._line_op(request.line_id, change))

    def discount_line(self, request: DiscountLine) -> OpResult[SaleLine]:
        def change(line: SaleLine) -> SaleLine | Refusal:
            refusal = _check_manual(request.percent, request.amount)
            if refusal:
                return refusal
            if line.quantity < 0:
                return refused(RefusalCode.WRONG_STATE, "A return line cannot be discounted.")
            if request.percent is None and request.amount is None:
                return replace(line, manual_discount=None)
            base = manual_pricing.line_base(line)
            money = self._manual_amount(base, request.percent, request.amount)
            if isinstance(money, Refusal):
                return money
            refusal = self._authorize_discount("line", request.percent, money, request.approval)
            if refusal:
                return refusal
            return replace(
                line,
                manual_discount=ManualDiscount(
                    request.percent, request.amount, self._discount_owner(request.approval)
                ),
            )

        return self._run("discount_line", request, lambda: self._line_op(request.line_id, change))

    def discount_total(self, request: DiscountTotal) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            refusal = _check_manual(request.percent, request.amount)
            if refusal:
                return refusal
            if request.percent is None and request.amount is None:
                new = replace(tx, manual_total_discount=None)
            else:
                base = manual_pricing.total_base(tx)
                money = self._manual_amount(base, request.percent, request.amount)
                if isinstance(money, Refusal):
                    return money
                refusal = self._authorize_discount(
                    "total", request.percent, money, request.approval
                )
                if refusal:
                    return refusal
                new = replace(
                    tx,
                    manual_total_discount=ManualDiscount(
                        request.percent, request.amount, self._discount_owner(request.approval)
                    ),
                )
            self._reprice_all = True
            changes = self._commit(new, ChangeRecord(totals=True), reprice_lines=True)
            assert self._tx is not None
            return self._tx, changes, self._tx

        return self._run("discount_total", request, step)

    def set_automatic_discounts(self, request: SetAutomaticDiscounts) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            if tx.automatic_discounts_off == (not request.enabled):
                state = "on" if request.enabled else "off"
                return refused(RefusalCode.WRONG_STATE, f"Automatic discounts are already {state}.")
            new = replace(tx, automatic_discounts_off=not request.enabled)
            self._reprice_all = True
            changes = self._commit(new, ChangeRecord(totals=True), reprice_lines=True)
            if self.ports.access is not None:
                self.ports.access.audit(
                    self.operator_id,
                    "reapply automatic discounts"
                    if request.enabled
                    else "remove automatic discounts",
                    transaction_id=tx.transaction_id,
                )
            assert self._tx is not None
            return self._tx, changes, self._tx

        return self._run("set_automatic_discounts", request, step)

    # ---- helpers ------------------------------------------------------------------------------

    def _manual_amount(
        self, base: Decimal, percent: Decimal | None, amount: Decimal | None
    ) -> Decimal | Refusal:
        """The money a manual discount takes off `base` (what is left after other discounts)."""
        currency = self.store.currency
        money = currency.round(base * percent / HUNDRED) if percent is not None else amount
        assert money is not None
        if base <= 0:
            return refused(RefusalCode.INVALID_AMOUNT, "There is nothing left to discount.")
        if money > base:
            return refused(
                RefusalCode.INVALID_AMOUNT,
                f"The discount {currency.round(money)} is more than the amount {base}.",
            )
        return money

    def _authorize_discount(
        self, scope: str, percent: Decimal | None, amount: Decimal, approval: Approval | None
    ) -> Refusal | None:
        if self.operator_id is None:
            return refused(RefusalCode.NOT_SIGNED_IN, "Sign in first.")
        access = self.ports.access
        if access is None:
            return refused(
                RefusalCode.PERMISSION_REQUIRED,
                "This register has no staff directory, so manual discounts are not allowed.",
                Permission.MANUAL_DISCOUNT.value,
            )
        tid = self._tx.transaction_id if self._tx is not None else None
        return access.authorize_discount(
            self.operator_id, scope, percent, amount, approval, transaction_id=tid
        )

    def _discount_owner(self, approval: Approval | None) -> str:
        return approval.approver_id if approval is not None else (self.operator_id or "")
