"""The transaction and its lines as frozen value objects; every operation yields a new one."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from runtime.catalog import Product
from runtime.money import ZERO


class TransactionState(enum.StrEnum):
    OPEN = "open"
    SUSPENDED = "suspended"
    VOIDED = "voided"
    CONCLUDED = "concluded"


class TenderStatus(enum.StrEnum):
    APPROVED = "approved"
    PENDING = "pending"  # request persisted, terminal not yet answered
    UNKNOWN = "unknown"  # terminal did not answer: ask it for the status, never repeat blindly
    DECLINED = "declined"
    VOIDED = "voided"


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """One discount applied to a line, as the pricing service explains it."""

    discount_id: str
    name: str
    kind: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineTax:
    code: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ManualDiscount:
    """A cashier's discount on a line or the whole transaction: exactly one of percent/amount."""

    percent: Decimal | None = None
    amount: Decimal | None = None
    operator_id: str = ""  # who gave it (or the approving manager)


@dataclass(frozen=True, slots=True)
class ReturnOf:
    """The original sale line a return line refunds, with what the customer paid for it.

    A return refunds the original net price after discounts, and the original tax: for a
    partial return, `quantity / original_quantity` of those amounts (see runtime.returns).
    """

    transaction_id: str
    line_id: str
    receipt_number: str | None
    register_id: str
    original_quantity: Decimal
    original_net_amount: Decimal
    original_amount_incl_tax: Decimal
    original_taxes: tuple[LineTax, ...] = ()


@dataclass(frozen=True, slots=True)
class TenderDiscountShare:
    """A line's share of a tender-based discount, earned by the tender line that paid."""

    tender_line_id: str
    line_id: str
    discount: LineDiscount


@dataclass(frozen=True, slots=True)
class SaleLine:
    """A line: what the cashier entered (inputs) and what pricing and tax made of it."""

    line_id: str
    product: Product
    quantity: Decimal
    unit: str
    variant_id: str | None = None
    barcode: str | None = None
    keyed_price: Decimal | None = None
    serial_number: str | None = None
    comment: str = ""
    weighed: bool = False
    voided: bool = False
    price_override: Decimal | None = None  # a cashier's unit price, permission checked
    manual_discount: ManualDiscount | None = None
    return_of: ReturnOf | None = None  # a return line (negative quantity) with a receipt
    reason_code: str | None = None  # why: return without receipt, price override
    # derived by repricing
    unit_price: Decimal = ZERO
    price_source: str = ""
    discounts: tuple[LineDiscount, ...] = ()
    gross_amount: Decimal = ZERO  # unit price x quantity, in the store's price basis
    discount_amount: Decimal = ZERO
    net_amount: Decimal = ZERO  # after discounts, in the store's price basis
    taxes: tuple[LineTax, ...] = ()
    amount_excl_tax: Decimal = ZERO
    amount_incl_tax: Decimal = ZERO

    @property
    def item_id(self) -> str:
        return self.product.item_id

    @property
    def description(self) -> str:
        variant = self.product.variant(self.variant_id) if self.variant_id else None
        return f"{self.product.name} {variant.label()}" if variant else self.product.name

    @property
    def tax_amount(self) -> Decimal:
        return sum((t.amount for t in self.taxes), ZERO)


@dataclass(frozen=True, slots=True)
class TenderLine:
    """A payment; card tenders keep the terminal's reference and brand, never a card number."""

    tender_line_id: str
    tender_type_id: str
    kind: str
    amount: Decimal  # in store currency
    status: TenderStatus = TenderStatus.APPROVED
    foreign_currency: str | None = None
    foreign_amount: Decimal | None = None
    exchange_rate: Decimal | None = None
    request_id: str | None = None
    terminal_reference: str | None = None
    card_brand: str | None = None
    is_change: bool = False
    rounding: Decimal = ZERO  # cash rounding this tender settled (e.g. -0.02)
    message: str = ""

    @property
    def counts(self) -> bool:
        """Approved tenders count towards the paid amount."""
        return self.status is TenderStatus.APPROVED


@dataclass(frozen=True, slots=True)
class TaxSummary:
    code: str
    rate: Decimal
    base: Decimal  # amount excluding tax the code applied to
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums of the rounded line amounts: they always add up exactly."""

    subtotal: Decimal = ZERO  # gross before discounts, store's price basis
    discount_total: Decimal = ZERO
    tax_total: Decimal = ZERO
    total: Decimal = ZERO  # what the customer owes before cash rounding
    cash_rounding: Decimal = ZERO  # added when the last payment was cash
    paid: Decimal = ZERO
    tax_summary: tuple[TaxSummary, ...] = ()

    @property
    def payable(self) -> Decimal:
        return self.total + self.cash_rounding

    @property
    def remaining(self) -> Decimal:
        """Signed: positive is still owed by the customer, negative is owed to them."""
        return self.payable - self.paid

    @property
    def balance_due(self) -> Decimal:
        """What is still to be tendered; negative on a refund still to be paid out."""
        if self.payable >= ZERO:
            return max(self.remaining, ZERO)
        return min(self.remaining, ZERO)

    @property
    def change_due(self) -> Decimal:
        """Overpayment of a sale, handed back by a change-giving tender."""
        return max(-self.remaining, ZERO) if self.payable >= ZERO else ZERO


@dataclass(frozen=True, slots=True)
class Transaction:
    """A sale in progress or finished. Ids and times come from ports, so tests are repeatable."""

    transaction_id: str
    store_id: str
    register_id: str
    operator_id: str
    started_at: dt.datetime
    state: TransactionState = TransactionState.OPEN
    lines: tuple[SaleLine, ...] = ()
    tenders: tuple[TenderLine, ...] = ()
    totals: Totals = field(default_factory=Totals)
    tax_exempt: bool = False
    tax_exempt_reason: str = ""
    next_line_no: int = 1
    next_tender_no: int = 1
    receipt_number: str | None = None
    ended_at: dt.datetime | None = None
    void_reason: str = ""
    shift_id: str | None = None  # the shift (and drawer) the sale counts in; None: no drawer
    manual_total_discount: ManualDiscount | None = None
    automatic_discounts_off: bool = False  # the cashier removed the automatic discounts
    customer_id: str | None = None
    coupons: tuple[str, ...] = ()  # coupon codes entered, as the cashier entered them
    tender_discounts: tuple[TenderDiscountShare, ...] = ()  # earned by paying with a tender

    @property
    def is_return(self) -> bool:
        """Only return lines (an exchange has sale lines too and is not a pure return)."""
        active = self.active_lines
        return bool(active) and all(line.quantity < 0 for line in active)

    @property
    def active_lines(self) -> tuple[SaleLine, ...]:
        return tuple(line for line in self.lines if not line.voided)

    def line(self, line_id: str) -> SaleLine | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def tender(self, tender_line_id: str) -> TenderLine | None:
        return next((t for t in self.tenders if t.tender_line_id == tender_line_id), None)

    @property
    def unresolved_tenders(self) -> tuple[TenderLine, ...]:
        pending = (TenderStatus.PENDING, TenderStatus.UNKNOWN)
        return tuple(t for t in self.tenders if t.status in pending)

    @property
    def approved_card_tenders(self) -> tuple[TenderLine, ...]:
        return tuple(t for t in self.tenders if t.kind == "card" and t.counts)
