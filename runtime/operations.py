"""Typed requests for every facade operation, and the result + change record each returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


class RefusalCode(enum.StrEnum):
    NO_TRANSACTION = "no_transaction"
    TRANSACTION_OPEN = "transaction_open"
    WRONG_STATE = "wrong_state"
    MALFORMED_BARCODE = "malformed_barcode"
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_LINE = "unknown_line"
    INVALID_TEXT = "invalid_text"
    INVALID_QUANTITY = "invalid_quantity"
    WEIGHT_REQUIRED = "weight_required"
    PRICE_REQUIRED = "price_required"
    PRICE_NOT_KEYED = "price_not_keyed"
    SERIAL_REQUIRED = "serial_required"
    AGE_CHECK_REQUIRED = "age_check_required"
    VARIANT_REQUIRED = "variant_required"
    NOT_FOR_SALE = "not_for_sale"
    BLOCKED_AT_SELF_CHECKOUT = "blocked_at_self_checkout"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_TENDER = "unknown_tender"
    INVALID_AMOUNT = "invalid_amount"
    TENDER_LIMIT = "tender_limit"
    OVERTENDER = "overtender"
    BALANCE_DUE = "balance_due"
    PAYMENT_PENDING = "payment_pending"
    PAYMENT_DECLINED = "payment_declined"
    CARD_TENDERED = "card_tendered"
    TENDERED = "tendered"
    NOT_SUSPENDED = "not_suspended"
    STORAGE = "storage"
    EXTENSION = "extension"
    # staff and security (#4)
    NOT_SIGNED_IN = "not_signed_in"
    UNKNOWN_OPERATOR = "unknown_operator"
    WRONG_SECRET = "wrong_secret"
    LOCKED_OUT = "locked_out"
    LOCKED = "locked"
    WEAK_SECRET = "weak_secret"
    PERMISSION_REQUIRED = "permission_required"
    OVERRIDE_REFUSED = "override_refused"
    DISCOUNT_LIMIT = "discount_limit"
    # shifts and the drawer (#4)
    NO_SHIFT = "no_shift"
    SHIFT_OPEN = "shift_open"
    SHIFT_CLOSED = "shift_closed"
    SHIFT_ELSEWHERE = "shift_elsewhere"
    NEEDS_SERVER = "needs_server"
    DECLARATION_REQUIRED = "declaration_required"
    INVALID_COUNT = "invalid_count"
    UNKNOWN_REASON = "unknown_reason"
    REASON_REQUIRED = "reason_required"
    # returns and the journal (#4)
    UNKNOWN_RECEIPT = "unknown_receipt"
    NOT_RETURNABLE = "not_returnable"
    RETURN_EXCEEDS_SOLD = "return_exceeds_sold"
    REFUND_TENDER = "refund_tender"


class Permission(enum.StrEnum):
    """What a permission group may allow (PRODUCT.md, "Security"). Discount limits are numbers
    on the group, not flags, and are checked separately."""

    MANAGER = "manager"
    VOID = "void"
    SUSPEND = "suspend"
    PRICE_OVERRIDE = "price_override"
    NO_SALE = "no_sale"
    XZ_REPORTS = "xz_reports"
    DECLARATIONS = "declarations"
    DRAWER_OPERATIONS = "drawer_operations"
    BLIND_CLOSE = "blind_close"
    RETURN_WITH_RECEIPT = "return_with_receipt"
    RETURN_WITHOUT_RECEIPT = "return_without_receipt"
    REFUND_CARD_TO_CASH = "refund_card_to_cash"
    TAX_EXEMPT = "tax_exempt"
    MANUAL_DISCOUNT = "manual_discount"  # within the group's limits


@dataclass(frozen=True, slots=True)
class Approval:
    """A manager override for one operation: a *different* operator who holds the permission
    types their id and password (or scans their badge) into the override dialog."""

    approver_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an operation was not done: a stable code, and a sentence for the cashier."""

    code: RefusalCode
    message: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """What an operation changed, so a UI refreshes only that."""

    lines_added: frozenset[str] = frozenset()
    lines_changed: frozenset[str] = frozenset()
    lines_removed: frozenset[str] = frozenset()
    totals: bool = False
    tenders: bool = False
    state: bool = False
    session: bool = False  # who is signed in, lock state
    shift: bool = False  # shift status, drawer totals

    @property
    def anything(self) -> bool:
        return bool(
            self.lines_added
            or self.lines_changed
            or self.lines_removed
            or self.totals
            or self.tenders
            or self.state
            or self.session
            or self.shift
        )


NO_CHANGE = ChangeRecord()


@dataclass(frozen=True, slots=True)
class OpResult(Generic[T]):
    """Either a value with its change record, or a refusal with nothing changed."""

    value: T | None = None
    refusal: Refusal | None = None
    changes: ChangeRecord = field(default_factory=ChangeRecord)

    @property
    def ok(self) -> bool:
        return self.refusal is None


# ---- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartTransaction:
    operator_id: str


@dataclass(frozen=True, slots=True)
class AddLine:
    """Exactly one of barcode / item_id identifies the item (a search pick passes its item id).

    `weight` is the scale reading for weighed items; `keyed_price` for keyed-in price items.
    """

    barcode: str | None = None
    item_id: str | None = None
    quantity: Decimal | None = None
    weight: Decimal | None = None
    keyed_price: Decimal | None = None
    serial_number: str | None = None
    age_verified: bool = False
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class SetQuantity:
    line_id: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class SetUnit:
    line_id: str
    unit: str


@dataclass(frozen=True, slots=True)
class VoidLine:
    line_id: str
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class CommentLine:
    line_id: str
    comment: str


@dataclass(frozen=True, slots=True)
class SetTaxExempt:
    exempt: bool
    reason: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class VoidTransaction:
    reason: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class Suspend:
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class Recall:
    transaction_id: str


@dataclass(frozen=True, slots=True)
class AddTender:
    """Cash, check or foreign currency. `amount` is in the tender's currency; None = exact."""

    tender_type_id: str
    amount: Decimal | None = None
    approval: Approval | None = None  # a refund to cash of a card-paid sale


@dataclass(frozen=True, slots=True)
class TenderCard:
    tender_type_id: str
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ResolveCardTender:
    tender_line_id: str


@dataclass(frozen=True, slots=True)
class VoidTender:
    tender_line_id: str


@dataclass(frozen=True, slots=True)
class Conclude:
    pass
