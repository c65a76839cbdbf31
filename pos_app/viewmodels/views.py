"""Plain values the screens show (no runtime, database or Qt imports), so the window can paint
its first screen before the commerce runtime has even been imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

NOTES = (Decimal(5), Decimal(10), Decimal(20), Decimal(50), Decimal(100), Decimal(200))


@dataclass(frozen=True)
class LineRow:
    line_id: str
    description: str
    quantity: str
    unit_price: str
    discounts: str
    amount: str
    voided: bool = False
    note: str = ""  # comment, serial number, override, manual discount


@dataclass(frozen=True)
class TotalsView:
    subtotal: str
    discounts: str
    tax: str
    total: str
    paid: str
    balance_due: str
    change_due: str
    balance_value: Decimal
    change_value: Decimal
    items: int


@dataclass(frozen=True)
class TenderRow:
    tender_line_id: str
    label: str
    amount: str
    status: str  # approved, pending, unknown, declined, voided
    message: str = ""


@dataclass(frozen=True)
class SaleSnapshot:
    """Everything the transaction and tender screens show, built on the worker."""

    lines: tuple[LineRow, ...]
    totals: TotalsView
    tenders: tuple[TenderRow, ...]
    customer: str
    coupons: tuple[str, ...]
    transaction_id: str | None
    open: bool
    unresolved: tuple[str, ...]  # card tender lines whose outcome is not known

    @property
    def empty(self) -> bool:
        return not self.lines


@dataclass(frozen=True)
class PriceCheck:
    name: str
    price: str
    item_id: str


EMPTY_TOTALS = TotalsView("", "", "", "", "", "", "", Decimal(0), Decimal(0), 0)


@dataclass(frozen=True)
class SessionView:
    operator_id: str | None
    operator_name: str
    locked_by: str | None
    shift_label: str  # "" when no shift is open
    must_change_secret: bool

    @property
    def signed_in(self) -> bool:
        return self.operator_id is not None


@dataclass(frozen=True)
class SuspendedShift:
    shift_id: str
    label: str


@dataclass(frozen=True)
class DeviceLight:
    device_id: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class StatusSnapshot:
    sync_text: str  # "Online", "Offline", "Sync not configured"
    sync_state: str  # ok, warn, error
    unsent: int
    oldest_age: str  # "" when nothing is waiting
    devices: tuple[DeviceLight, ...]
    operator: str
    shift: str

    @property
    def devices_ok(self) -> bool:
        return all(d.ok for d in self.devices)


def quick_cash(balance: Decimal, count: int = 4) -> list[Decimal]:
    """Exact, then the next amounts a customer is likely to hand over (round notes above it)."""
    if balance <= 0:
        return []
    amounts = [balance]
    for note in NOTES:
        rounded = (balance / note).to_integral_value(rounding=ROUND_CEILING) * note
        if rounded > balance and rounded not in amounts:
            amounts.append(rounded)
        if len(amounts) >= count:
            break
    return amounts
