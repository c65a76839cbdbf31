"""Typed requests of the return and journal operations (runtime.return_ops)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runtime.operations import Approval


@dataclass(frozen=True, slots=True)
class FindReceipt:
    """A receipt number as typed, the receipt's scanned barcode, or a transaction id (a pick
    from a journal search). `register_id` picks one when several registers share a number."""

    receipt_number: str
    register_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReturnLines:
    """Return `quantities` (original line id -> quantity, positive) of a past sale."""

    receipt_number: str
    quantities: Mapping[str, Decimal] = field(default_factory=dict)
    approval: Approval | None = None
    register_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReturnItem:
    """Return an item without its receipt, at today's price. Exactly one of barcode / item_id;
    `quantity` is the weight for weighed items; `keyed_price` for keyed-in price items."""

    barcode: str | None = None
    item_id: str | None = None
    quantity: Decimal = Decimal(1)
    reason_code: str = ""
    approval: Approval | None = None
    keyed_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RefundTender:
    """Pay a refund (negative balance) in cash or back to the card. `amount` is negative (what
    is handed out) or None for the exact refund. `approval` lets a manager allow a cash
    refund of a card sale."""

    tender_type_id: str
    amount: Decimal | None = None
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class JournalSearch:
    """Electronic journal search; `date_from` / `date_to` are store-local days, inclusive."""

    receipt_number: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    operator_id: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    item_id: str | None = None
    limit: int = 50
