"""Shifts and the cash drawer: the value objects (D365 semantics, PRODUCT.md "Shifts and the
drawer").

A shift is the period a drawer's money is accounted for. Its drawer operations (start amount,
float entries, removals, drops, pay-ins/outs, no-sale opens, tender declarations) and the sales
that carry its id are what the X and Z reports add up. Amounts of a tender are in that tender's
currency (a foreign-currency tender is counted in its own notes), everything else in the
store currency.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from runtime.money import ZERO


class ShiftModel(enum.StrEnum):
    FIXED = "fixed"  # the shift stays on its register
    FLOATING = "floating"  # the till moves: suspend here, resume on another register
    SHARED = "shared"  # several registers share one drawer: needs the channel server


class ShiftStatus(enum.StrEnum):
    OPEN = "open"
    SUSPENDED = "suspended"
    BLIND_CLOSED = "blind_closed"  # closed for sales; declared and closed later
    CLOSED = "closed"


class DrawerKind(enum.StrEnum):
    START_AMOUNT = "start_amount"
    FLOAT_ENTRY = "float_entry"
    TENDER_REMOVAL = "tender_removal"
    SAFE_DROP = "safe_drop"
    BANK_DROP = "bank_drop"
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    NO_SALE = "no_sale"
    DECLARATION = "declaration"


# how each kind moves the money in the drawer (+1 in, -1 out, 0 neither)
DRAWER_SIGN: dict[DrawerKind, int] = {
    DrawerKind.START_AMOUNT: 1,
    DrawerKind.FLOAT_ENTRY: 1,
    DrawerKind.TENDER_REMOVAL: -1,
    DrawerKind.SAFE_DROP: -1,
    DrawerKind.BANK_DROP: -1,
    DrawerKind.PAY_IN: 1,
    DrawerKind.PAY_OUT: -1,
    DrawerKind.NO_SALE: 0,
    DrawerKind.DECLARATION: 0,
}


@dataclass(frozen=True, slots=True)
class Shift:
    shift_id: str
    store_id: str
    register_id: str  # where it is, or was last, active
    opened_register_id: str
    model: ShiftModel
    status: ShiftStatus
    operator_id: str
    opened_at: dt.datetime
    status_changed_at: dt.datetime
    number: int = 0  # per opening register, allocated by the store when first written
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    z_number: int | None = None

    @property
    def label(self) -> str:
        return f"{self.opened_register_id}-{self.number}"


@dataclass(frozen=True, slots=True)
class DenominationCount:
    value: Decimal
    count: int

    @property
    def amount(self) -> Decimal:
        return self.value * self.count


@dataclass(frozen=True, slots=True)
class DrawerOperation:
    """One drawer event for one tender. A declaration counted by denomination keeps the counts."""

    operation_id: str
    shift_id: str
    kind: DrawerKind
    register_id: str
    operator_id: str
    at: dt.datetime
    tender_type_id: str | None = None
    currency: str | None = None
    amount: Decimal = ZERO
    bag_number: str | None = None
    reason_code: str | None = None
    account: str | None = None
    approver_id: str | None = None
    comment: str = ""
    denominations: tuple[DenominationCount, ...] = ()


@dataclass(frozen=True, slots=True)
class ShiftSettings:
    """What the store and register configure about shifts."""

    model: ShiftModel = ShiftModel.FIXED
    require_start_amount_and_declaration: bool = False


@dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str
    kind: str  # pay_in / pay_out / return / no_sale / void
    name: str
    account: str | None = None


@dataclass(frozen=True, slots=True)
class Denomination:
    currency: str
    value: Decimal
    kind: str  # note / coin / roll
    name: str = ""


# ---- the sales side of a shift, as the store adds it up ---------------------------------------


@dataclass(frozen=True, slots=True)
class TenderFigure:
    """Approved tender lines of concluded sales: `amount` in store currency (change included,
    as negative lines), `foreign_amount` in the tender's currency for foreign tenders."""

    tender_type_id: str
    count: int
    amount: Decimal
    foreign_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TaxFigure:
    code: str
    rate: Decimal
    base: Decimal  # amount excluding tax of the lines the code applied to
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SalesFigures:
    """Concluded and voided transactions of a shift, added up."""

    sales_count: int = 0  # concluded with total >= 0
    sales_amount: Decimal = ZERO
    returns_count: int = 0  # concluded with total < 0
    returns_amount: Decimal = ZERO
    return_lines_count: int = 0  # active lines with a negative quantity
    return_lines_amount: Decimal = ZERO
    discount_total: Decimal = ZERO
    tax_total: Decimal = ZERO
    cash_rounding: Decimal = ZERO
    voided_count: int = 0
    voided_amount: Decimal = ZERO
    voided_lines_count: int = 0  # voided lines of concluded transactions
    tenders: tuple[TenderFigure, ...] = ()
    taxes: tuple[TaxFigure, ...] = ()

    def tender(self, tender_type_id: str) -> TenderFigure | None:
        return next((t for t in self.tenders if t.tender_type_id == tender_type_id), None)


@dataclass(frozen=True, slots=True)
class ShiftChange:
    """What one shift operation writes, atomically, with one journal entry and outbox row on
    the chain of the register that does it.

    `shift` is the shift's new state (a new shift when `new_shift`); `z_report` is the Z
    report's data (closing only), kept on the shift so a reprint shows exactly what closed."""

    kind: str  # the event kind, e.g. "shift_open", "drawer_safe_drop"
    shift: Shift
    operations: tuple[DrawerOperation, ...] = ()
    new_shift: bool = False
    z_report: dict[str, object] | None = None
    register_id: str = ""  # the register doing it (its journal chain); "" = the shift's
