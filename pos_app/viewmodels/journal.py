"""Electronic journal: search past transactions (receipt number, store-local days, operator,
amount), preview one as its receipt, reprint it marked as a copy, and print a gift receipt.

The search itself and the reprint's audit record are the runtime's; this view model turns the
cashier's typed criteria into a request and the answers into rows and text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.dates import parse_date

from pos_app.viewmodels.reports import REPORT_WIDTH, print_document
from pos_app.viewmodels.shift import (
    DEFAULT_LOCALE,
    Outcome,
    money_format,
    outcome_of,
    parse_keyed,
)
from runtime.facade import CommerceRuntime
from runtime.receipt import ReceiptDocument
from runtime.receipt_text import render_text
from runtime.return_requests import FindReceipt, JournalSearch
from runtime.transaction import Transaction


@dataclass(frozen=True)
class JournalCriteria:
    """What the search form holds, as typed (blank: any)."""

    receipt_number: str = ""
    date_from: str = ""
    date_to: str = ""
    operator_id: str = ""
    min_amount: str = ""
    max_amount: str = ""


@dataclass(frozen=True)
class JournalRow:
    transaction_id: str
    receipt_number: str
    register_id: str
    ended: str
    operator_id: str
    total: str
    state: str
    lines: int


@dataclass(frozen=True)
class ReceiptPreview:
    transaction: Transaction
    text: str
    document: ReceiptDocument


class JournalViewModel:
    def __init__(
        self,
        runtime: CommerceRuntime,
        *,
        devices: Any = None,
        locale: str = DEFAULT_LOCALE,
        width: int = REPORT_WIDTH,
    ) -> None:
        self.runtime = runtime
        self.devices = devices
        self.width = width
        self.fmt = money_format(runtime, locale)
        self.locale = self.fmt.locale  # unknown locales fall back

    def _day(self, text: str, which: str) -> dt.date | None | str:
        cleaned = text.strip()
        if not cleaned:
            return None
        try:
            return dt.date.fromisoformat(cleaned)
        except ValueError:
            pass
        try:
            return parse_date(cleaned, locale=self.locale)
        except (ValueError, IndexError):
            example = dt.date(2026, 3, 31).isoformat()
            return f"{cleaned!r} is not a day; type the {which} day like {example}."

    def search(self, criteria: JournalCriteria, limit: int = 50) -> Outcome[list[JournalRow]]:
        first = self._day(criteria.date_from, "first")
        last = self._day(criteria.date_to, "last")
        for day in (first, last):
            if isinstance(day, str):
                return Outcome.problem(day)
        low = parse_keyed(criteria.min_amount, self.locale, "the lowest amount", blank=Decimal(-1))
        high = parse_keyed(
            criteria.max_amount, self.locale, "the highest amount", blank=Decimal(-1)
        )
        for bound in (low, high):
            if isinstance(bound, str):
                return Outcome.problem(bound)
        assert isinstance(low, Decimal) and isinstance(high, Decimal)
        assert not isinstance(first, str) and not isinstance(last, str)
        request = JournalSearch(
            receipt_number=criteria.receipt_number.strip() or None,
            date_from=first,
            date_to=last,
            operator_id=criteria.operator_id.strip() or None,
            min_amount=None if not criteria.min_amount.strip() else low,
            max_amount=None if not criteria.max_amount.strip() else high,
            limit=limit,
        )
        out = outcome_of(self.runtime.journal_search(request))
        if out.value is None:
            return out.failed()
        rows = [
            JournalRow(
                s.transaction_id,
                s.receipt_number or "-",
                s.register_id,
                self.fmt.when(s.ended_at),
                s.operator_id,
                self.fmt.money(s.total),
                s.state,
                s.line_count,
            )
            for s in out.value
        ]
        said = (
            f"{len(rows)} transaction{'s' if len(rows) != 1 else ''} found."
            if rows
            else "Nothing matches; widen the days or the amounts, or clear a field."
        )
        return Outcome.done(rows, said)

    def preview(self, transaction_id: str) -> Outcome[ReceiptPreview]:
        """The receipt of a past transaction as it printed (not marked as a copy)."""
        out = outcome_of(self.runtime.show_receipt(FindReceipt(transaction_id)))
        if out.value is None:
            return out.failed()
        tx = out.value
        if tx.state.value != "concluded":
            document = self.runtime.receipt(tx, copy=True)
        else:
            document = self.runtime.receipt(tx)
        return Outcome.done(ReceiptPreview(tx, render_text(document, self.width), document))

    def reprint(self, transaction_id: str) -> Outcome[str]:
        """Reprint marked as a copy (the runtime audits it); waits for the printer."""
        out = outcome_of(self.runtime.reprint(FindReceipt(transaction_id)))
        if out.value is None:
            return out.failed()
        document = out.value
        job = f"copy-{document.receipt_number or transaction_id}"
        return print_document(self.devices, document, job, "Receipt copy")

    def gift_receipt(self, transaction_id: str, *, print_it: bool = True) -> Outcome[str]:
        """A gift receipt (items, no prices, the barcode to return them); returns its text."""
        out = outcome_of(self.runtime.show_receipt(FindReceipt(transaction_id)))
        if out.value is None:
            return out.failed()
        tx = out.value
        if tx.state.value != "concluded":
            return Outcome.problem("A voided transaction has no gift receipt; pick a sale.")
        document = self.runtime.gift_receipt(tx)
        text = render_text(document, self.width)
        if not print_it:
            return Outcome.done(text)
        job = f"gift-{tx.receipt_number or transaction_id}"
        printed = print_document(self.devices, document, job, "Gift receipt")
        if not printed.ok:
            return Outcome(text, printed.message, printed.code)
        return Outcome.done(text, printed.message)
