"""Customer, coupon and tender-discount operations (issue #3).

A customer on the sale brings their price groups (trade agreements, adjustments, discounts
for those groups) and their tax exemption; entered coupon codes unlock coupon discounts.
Both are inputs on the transaction (`Transaction.customer_id`, `Transaction.coupons`) that
core passes to the pricing service in `PricingContext` on every reprice, so setting either
reprices every line.

The runtime sees pricing only as the `PricingService` port; coupon checks and customer
look-ups are optional capabilities of whatever implements it (the engine has them), or of a
`customers` port when `Ports` grows one.

Tender discounts depend on the payment, so they are not part of basket pricing:
`_tender_discount_for` computes what paying with a tender earns, for the tender operation
to apply (see its docstring).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol, runtime_checkable

from runtime.core import Step, refused
from runtime.money import ZERO, Currency
from runtime.operations import ChangeRecord, OpResult, Refusal, RefusalCode
from runtime.pricing_engine.customers import Customer, CustomerDirectory
from runtime.pricing_engine.tender_discounts import TenderDiscountResult, TenderLine
from runtime.tender_ops import TenderOperations
from runtime.transaction import LineDiscount, Transaction

# the tax-exempt reason a customer's exemption writes; only such an exemption is lifted
# again when the customer leaves the sale (a cashier's own exemption stays)
CUSTOMER_EXEMPT_PREFIX = "tax exempt customer "


@dataclass(frozen=True, slots=True)
class SetCustomer:
    """Put a customer on the sale (their prices and tax exemption), or take it off (None)."""

    customer_id: str | None


@dataclass(frozen=True, slots=True)
class EnterCoupon:
    """A typed coupon code or a scanned coupon bar code."""

    code: str


@dataclass(frozen=True, slots=True)
class RemoveCoupon:
    code: str


@runtime_checkable
class CouponChecker(Protocol):
    """What a pricing service offers to validate coupon entries (the engine does)."""

    def check_coupon(self, code: str, day: dt.date) -> str | None:
        """Why `code` cannot be entered on `day` (unknown, inactive, expired, used up...),
        or None if it can."""
        ...


@runtime_checkable
class CouponCodes(Protocol):
    def coupon_code(self, entered: str) -> str | None:
        """The coupon code a typed code or scanned bar code names (None: unknown)."""
        ...


@runtime_checkable
class TenderDiscounts(Protocol):
    def tender_discount_for(
        self,
        tender_type_id: str,
        lines: list[TenderLine],
        *,
        day: dt.date,
        currency: Currency,
        paid: Decimal | None = None,
    ) -> TenderDiscountResult | None: ...


def _sentence(message: str) -> str:
    text = message.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class CustomerOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""

    def set_customer(self, request: SetCustomer) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            if request.customer_id is None:
                if tx.customer_id is None:
                    return refused(RefusalCode.WRONG_STATE, "There is no customer on the sale.")
                exempt, reason = _customer_tax(tx, None)
                new = replace(tx, customer_id=None, tax_exempt=exempt, tax_exempt_reason=reason)
            else:
                found = self._find_customer(request.customer_id.strip())
                if isinstance(found, Refusal):
                    return found
                if found.customer_id == tx.customer_id:
                    return refused(
                        RefusalCode.WRONG_STATE,
                        f"Customer {found.customer_id} is already on the sale.",
                    )
                exempt, reason = _customer_tax(tx, found)
                new = replace(
                    tx, customer_id=found.customer_id, tax_exempt=exempt, tax_exempt_reason=reason
                )
            return self._repriced(new)

        return self._run("set_customer", request, step)

    def enter_coupon(self, request: EnterCoupon) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            text = request.code.strip()
            if not text:
                return refused(RefusalCode.INVALID_TEXT, "Type or scan a coupon code.")
            pricing = self.ports.pricing
            if not isinstance(pricing, CouponChecker):
                return refused(
                    RefusalCode.WRONG_STATE, "This register does not take coupons.", "coupon"
                )
            code = pricing.coupon_code(text) if isinstance(pricing, CouponCodes) else text
            if code is not None and code in tx.coupons:
                return refused(
                    RefusalCode.WRONG_STATE, f"Coupon {code} is already on the sale.", "coupon"
                )
            why = pricing.check_coupon(text, self.local_day())
            if why is not None:
                return refused(RefusalCode.INVALID_TEXT, _sentence(why), "coupon")
            assert code is not None  # a code the engine accepts is a known code
            return self._repriced(replace(tx, coupons=(*tx.coupons, code)))

        return self._run("enter_coupon", request, step)

    def remove_coupon(self, request: RemoveCoupon) -> OpResult[Transaction]:
        def step() -> Step[Transaction] | Refusal:
            tx = self._open_tx()
            if isinstance(tx, Refusal):
                return tx
            text = request.code.strip()
            code: str | None = text
            if text not in tx.coupons and isinstance(self.ports.pricing, CouponCodes):
                code = self.ports.pricing.coupon_code(text)
            if code is None or code not in tx.coupons:
                return refused(
                    RefusalCode.WRONG_STATE, f"Coupon {text} is not on the sale.", "coupon"
                )
            return self._repriced(replace(tx, coupons=tuple(c for c in tx.coupons if c != code)))

        return self._run("remove_coupon", request, step)

    # ---- helpers ------------------------------------------------------------------------------

    def _repriced(self, new: Transaction) -> Step[Transaction]:
        """Commit `new` with every line repriced (customer and coupons reach every line)."""
        self._reprice_all = True
        changes = self._commit(new, ChangeRecord(totals=True), reprice_lines=True)
        assert self._tx is not None
        return self._tx, changes, self._tx

    def _customer_directory(self) -> CustomerDirectory | None:
        """A `customers` port if `Ports` has one, else the pricing service's directory."""
        source = getattr(self.ports, "customers", None) or self.ports.pricing
        return source if isinstance(source, CustomerDirectory) else None

    def _find_customer(self, customer_id: str) -> Customer | Refusal:
        if not customer_id:
            return refused(RefusalCode.INVALID_TEXT, "Enter a customer number.")
        directory = self._customer_directory()
        if directory is None:
            return refused(
                RefusalCode.WRONG_STATE, "This register has no customer directory.", "customer"
            )
        found = directory.find_customer(customer_id)
        if found is None:
            return refused(
                RefusalCode.INVALID_TEXT, f"There is no customer {customer_id}.", "customer"
            )
        if found.blocked:
            return refused(
                RefusalCode.WRONG_STATE,
                f"Customer {customer_id} ({found.name}) is blocked.",
                "customer",
            )
        return found

    def _tender_discount_for(
        self, tx: Transaction, tender_type_id: str, amount: Decimal
    ) -> dict[str, LineDiscount]:
        """The line discounts (line id -> discount) earned by paying `amount` (in the
        transaction's terms, tax included when totals are) with `tender_type_id`; empty
        when none applies or the pricing service has no tender discounts.

        For the tender operation, before it books the payment: if this is not empty, the
        discounts belong on the lines (a transaction field the repricing adds back, like the
        manual discounts in `_with_manual_pricing`), the sale is repriced, and the payment is
        capped at the new amount due. Lines that already carry a tender discount are not
        discounted twice: pass the transaction as it was before any tender discount.
        """
        pricing = self.ports.pricing
        if not isinstance(pricing, TenderDiscounts) or amount <= ZERO:
            return {}
        # in the store's price basis, like every other discount: 2 % off a tax-inclusive
        # 113.92 is 2.28, not 2 % of the amount before tax
        lines = [
            TenderLine(ln.line_id, ln.net_amount, discountable=ln.keyed_price is None)
            for ln in tx.active_lines
            if ln.quantity > 0 and ln.return_of is None
        ]
        basis = sum((ln.amount for ln in lines), ZERO)
        total = tx.totals.total
        paid = amount if total <= ZERO else min(basis, amount * basis / total)
        result = pricing.tender_discount_for(
            tender_type_id, lines, day=self.local_day(), currency=self.store.currency, paid=paid
        )
        return {} if result is None else result.line_discounts()


def _customer_tax(tx: Transaction, customer: Customer | None) -> tuple[bool, str]:
    """The sale's tax exemption with `customer` on it (None: no customer)."""
    from_customer = tx.tax_exempt and tx.tax_exempt_reason.startswith(CUSTOMER_EXEMPT_PREFIX)
    if tx.tax_exempt and not from_customer:
        return True, tx.tax_exempt_reason  # the cashier's exemption stays
    if customer is not None and customer.tax_exempt:
        return True, f"{CUSTOMER_EXEMPT_PREFIX}{customer.customer_id}"
    return False, ""
