"""Drawer operations (float entry, tender removal, safe and bank drops, pay-in / pay-out with a
reason code, no-sale) and the tender declaration counted by denomination with its running total.

Qt-free: the dialogs in pos_app.ui bind to these; a kiosk shell could reuse them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos_app.viewmodels.shift import (
    DEFAULT_LOCALE,
    Outcome,
    kick_drawer,
    money_format,
    outcome_of,
    parse_keyed,
)
from runtime.config import TenderKind
from runtime.facade import CommerceRuntime
from runtime.money import ZERO
from runtime.operations import Approval, OpResult
from runtime.shift_calc import tender_currency
from runtime.shift_requests import (
    BankDrop,
    DeclareTenders,
    DrawerResult,
    FloatEntry,
    NoSale,
    PayIn,
    PayOut,
    SafeDrop,
    TenderRemoval,
)


class DrawerAction(enum.StrEnum):
    FLOAT_ENTRY = "float_entry"
    TENDER_REMOVAL = "tender_removal"
    SAFE_DROP = "safe_drop"
    BANK_DROP = "bank_drop"
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    NO_SALE = "no_sale"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def needs_reason(self) -> bool:
        return self in (DrawerAction.PAY_IN, DrawerAction.PAY_OUT)

    @property
    def needs_bag(self) -> bool:
        return self is DrawerAction.BANK_DROP

    @property
    def moves_money(self) -> bool:
        return self is not DrawerAction.NO_SALE


_LABELS = {
    DrawerAction.FLOAT_ENTRY: "Float entry",
    DrawerAction.TENDER_REMOVAL: "Tender removal",
    DrawerAction.SAFE_DROP: "Safe drop",
    DrawerAction.BANK_DROP: "Bank drop",
    DrawerAction.PAY_IN: "Pay-in",
    DrawerAction.PAY_OUT: "Pay-out",
    DrawerAction.NO_SALE: "No sale",
}
_DRAWER_KINDS = (TenderKind.CASH, TenderKind.FOREIGN_CURRENCY, TenderKind.CHECK)


@dataclass(frozen=True)
class Choice:
    """Something to pick from a list: its id and what the cashier reads."""

    key: str
    text: str


class DrawerViewModel:
    """One drawer operation at a time; the runtime checks amounts, reasons and permissions."""

    def __init__(
        self, runtime: CommerceRuntime, *, devices: Any = None, locale: str = DEFAULT_LOCALE
    ) -> None:
        self.runtime = runtime
        self.devices = devices
        self.fmt = money_format(runtime, locale)
        self.locale = self.fmt.locale  # unknown locales fall back

    def tenders(self) -> list[Choice]:
        """The tenders kept in the drawer (cash first)."""
        kinds = self.runtime.store.tender_types.values()
        found = [Choice(t.tender_type_id, t.name) for t in kinds if t.kind in _DRAWER_KINDS]
        return sorted(found, key=lambda c: (c.key != "cash", c.text))

    def reasons(self, action: DrawerAction) -> list[Choice]:
        """The store's reason codes for a pay-in, pay-out or no-sale."""
        journal = self.runtime.ports.journal
        if journal is None or action not in (
            DrawerAction.PAY_IN,
            DrawerAction.PAY_OUT,
            DrawerAction.NO_SALE,
        ):
            return []
        found = journal.reasons(self.runtime.store.store_id, action.value)
        return [Choice(r.code, f"{r.name} ({r.code})") for r in found]

    def perform(
        self,
        action: DrawerAction,
        amount: str = "",
        *,
        tender_type_id: str = "cash",
        reason_code: str = "",
        bag_number: str = "",
        comment: str = "",
        approval: Approval | None = None,
    ) -> Outcome[DrawerResult]:
        """Do `action`; a refusal (bad amount, missing reason, permission) changes nothing."""
        rt = self.runtime
        if action is DrawerAction.NO_SALE:
            return self._after(rt.no_sale(NoSale(reason_code or None, comment, approval)), action)
        value = parse_keyed(amount, self.locale, f"the {action.label.lower()} amount")
        if isinstance(value, str):
            return Outcome.problem(value)
        if action.needs_reason and not reason_code.strip():
            return Outcome.problem(
                f"Choose the reason for the {action.label.lower()}.",
                choices=tuple(c.text for c in self.reasons(action)),
            )
        result: OpResult[DrawerResult]
        t = tender_type_id
        if action is DrawerAction.FLOAT_ENTRY:
            result = rt.float_entry(FloatEntry(value, t, comment, approval))
        elif action is DrawerAction.TENDER_REMOVAL:
            result = rt.tender_removal(TenderRemoval(value, t, comment, approval))
        elif action is DrawerAction.SAFE_DROP:
            result = rt.safe_drop(SafeDrop(value, t, comment, approval))
        elif action is DrawerAction.BANK_DROP:
            result = rt.bank_drop(BankDrop(value, bag_number, t, comment, approval))
        elif action is DrawerAction.PAY_IN:
            result = rt.pay_in(PayIn(reason_code, value, t, comment, approval))
        else:
            result = rt.pay_out(PayOut(reason_code, value, t, comment, approval))
        return self._after(result, action)

    def _after(self, result: OpResult[DrawerResult], action: DrawerAction) -> Outcome[DrawerResult]:
        out = outcome_of(result)
        if out.value is None:
            return out
        op = out.value.operations[0] if out.value.operations else None
        said = action.label
        if op is not None and action.moves_money:
            said += f" of {self.fmt.money(op.amount, op.currency)}"
        note = kick_drawer(self.devices) if out.value.open_drawer else ""
        return Outcome.done(out.value, f"{said} recorded. {note}".strip())


# ---- tender declaration -------------------------------------------------------------------------


@dataclass
class CountRow:
    """One denomination of a tender and how many the cashier counted."""

    value: Decimal
    kind: str
    count: int = 0

    @property
    def amount(self) -> Decimal:
        return self.value * self.count


@dataclass
class TenderCount:
    """One tender to declare: by denomination (`rows`), or one amount (cards, checks)."""

    tender_type_id: str
    name: str
    currency: str
    rows: list[CountRow] = field(default_factory=list)
    amount: Decimal | None = None  # for tenders without denominations
    touched: bool = False

    @property
    def by_denomination(self) -> bool:
        return bool(self.rows)

    @property
    def total(self) -> Decimal:
        if self.rows:
            return sum((r.amount for r in self.rows), ZERO)
        return self.amount or ZERO


class DeclarationViewModel:
    """The count of the drawer: cash (and foreign cash) note by note, other tenders as one
    amount each. Cash is always declared; another tender once something is keyed for it."""

    def __init__(
        self,
        runtime: CommerceRuntime,
        *,
        shift_id: str | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> None:
        self.runtime = runtime
        self.shift_id = shift_id  # a blind-closed shift; None: the open one
        self.fmt = money_format(runtime, locale)
        self.locale = self.fmt.locale  # unknown locales fall back
        self.tenders: list[TenderCount] = self._tenders()

    def _tenders(self) -> list[TenderCount]:
        store = self.runtime.store
        shifts = self.runtime.ports.shifts
        found = []
        for tender in store.tender_types.values():
            currency = tender_currency(store, tender).code
            notes: Sequence[Any] = ()
            if tender.kind in (TenderKind.CASH, TenderKind.FOREIGN_CURRENCY) and shifts is not None:
                notes = shifts.denominations(currency)
            rows = [CountRow(n.value, n.kind) for n in notes]
            found.append(TenderCount(tender.tender_type_id, tender.name, currency, rows))
        return sorted(found, key=lambda t: (t.tender_type_id != "cash", t.name))

    def tender(self, tender_type_id: str) -> TenderCount:
        for t in self.tenders:
            if t.tender_type_id == tender_type_id:
                return t
        raise KeyError(tender_type_id)

    def set_count(self, tender_type_id: str, value: Decimal, text: str) -> str:
        """Key a count for one denomination; returns a message when it is not a count."""
        tender = self.tender(tender_type_id)
        cleaned = text.strip() or "0"
        if not cleaned.isdigit() or len(cleaned) > 6:
            note = self.fmt.money(value, tender.currency)
            return f"Count the {note} pieces with digits (0 or more)."
        for row in tender.rows:
            if row.value == value:
                row.count = int(cleaned)
                tender.touched = True
                return ""
        return f"{value} is not a {tender.currency} denomination."

    def set_amount(self, tender_type_id: str, text: str) -> str:
        """Key the counted amount of a tender without denominations."""
        tender = self.tender(tender_type_id)
        if not text.strip():
            tender.amount, tender.touched = None, False
            return ""
        value = parse_keyed(text, self.locale, f"the counted {tender.name}")
        if isinstance(value, str):
            return value
        tender.amount, tender.touched = value, True
        return ""

    def total_text(self, tender_type_id: str) -> str:
        tender = self.tender(tender_type_id)
        return self.fmt.money(tender.total, tender.currency)

    def declare(self, approval: Approval | None = None) -> Outcome[DrawerResult]:
        counts: dict[str, Any] = {}
        for t in self.tenders:
            if t.tender_type_id != "cash" and not t.touched:
                continue
            if t.rows:
                counts[t.tender_type_id] = {r.value: r.count for r in t.rows if r.count}
            else:
                counts[t.tender_type_id] = t.amount if t.amount is not None else ZERO
        request = DeclareTenders(counts, self.shift_id, approval)
        out = outcome_of(self.runtime.declare_tenders(request))
        if out.value is None:
            return out
        parts = [
            f"{t.name} {self.fmt.money(t.total, t.currency)}"
            for t in self.tenders
            if t.tender_type_id in counts
        ]
        return Outcome.done(out.value, "Declared: " + ", ".join(parts) + ".")
