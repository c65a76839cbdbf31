"""Electronic-journal operations of the runtime facade (issue #4): find a past transaction
by receipt number, its scanned barcode or a transaction id; show it, reprint it marked as a
copy, print a gift receipt; search the journal by receipt, store-local days, operator, amount
and item. Nothing here changes the open transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast
from zoneinfo import ZoneInfo

from runtime.core import Step, refused
from runtime.extensions import decorate_receipt
from runtime.operations import ChangeRecord, OpResult, Refusal, RefusalCode
from runtime.receipt import ReceiptDocument, build_gift_receipt
from runtime.return_ports import JournalQuery, JournalRecord, JournalSummary, ReturnReason
from runtime.return_requests import FindReceipt, JournalSearch
from runtime.returns import ReturnableReceipt, in_cart, original_refusal, returnable_view
from runtime.tender_ops import TenderOperations
from runtime.transaction import Transaction

NO_CHANGE = ChangeRecord()
MAX_RECEIPT_TEXT = 64
MAX_SEARCH_LIMIT = 500


def _clean(text: str) -> str:
    """A typed or scanned receipt number: scanners add CR/LF or prefixes of control bytes."""
    return "".join(ch for ch in text if ch.isprintable()).strip()


class JournalOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime through ReturnOperations."""

    # ---- finding past transactions ------------------------------------------------------------

    def _lookup(self, text: str, register_id: str | None = None) -> JournalRecord | Refusal:
        journal = self.ports.journal
        if journal is None:
            return refused(
                RefusalCode.UNKNOWN_RECEIPT, "This register has no journal to find receipts in."
            )
        number = _clean(text)
        if not number:
            return refused(
                RefusalCode.UNKNOWN_RECEIPT, "Scan the receipt's barcode or type its number."
            )
        if len(number) > MAX_RECEIPT_TEXT:
            return refused(RefusalCode.UNKNOWN_RECEIPT, "That is not a receipt number.")
        store_id = self.store.store_id
        records = [
            r
            for r in journal.find_receipt(store_id, number)
            if register_id is None or r.transaction.register_id == register_id
        ]
        if not records and register_id is None:  # a transaction id picked from a search
            record = journal.find_transaction(number)
            if record is not None and record.transaction.store_id == store_id:
                records = [record]
        if not records:
            return refused(
                RefusalCode.UNKNOWN_RECEIPT,
                f"No receipt {number} was found in this store's journal.",
            )
        if len(records) > 1:
            return refused(
                RefusalCode.UNKNOWN_RECEIPT,
                f"Several registers have a receipt {number}; choose the register.",
                *sorted(r.transaction.register_id for r in records),
            )
        return records[0]

    def find_receipt(self, request: FindReceipt) -> OpResult[ReturnableReceipt]:
        """A past sale with, per line, what was sold, returned, and can still be returned."""

        def step() -> Step[ReturnableReceipt] | Refusal:
            record = self._lookup(request.receipt_number, request.register_id)
            if isinstance(record, Refusal):
                return record
            refusal = original_refusal(record)
            if refusal:
                return refusal
            view = returnable_view(record, in_cart(self._tx), self.store.currency)
            return cast(Transaction, self._tx), NO_CHANGE, view

        return self._run("find_receipt", request, step)

    def show_receipt(self, request: FindReceipt) -> OpResult[Transaction]:
        """A past transaction (concluded or voided) from the journal, to show or reprint."""

        def step() -> Step[Transaction] | Refusal:
            record = self._lookup(request.receipt_number, request.register_id)
            if isinstance(record, Refusal):
                return record
            return cast(Transaction, self._tx), NO_CHANGE, record.transaction

        return self._run("show_receipt", request, step)

    def reprint(self, request: FindReceipt) -> OpResult[ReceiptDocument]:
        """The receipt of a past transaction again, marked as a copy (and audited)."""

        def step() -> Step[ReceiptDocument] | Refusal:
            record = self._lookup(request.receipt_number, request.register_id)
            if isinstance(record, Refusal):
                return record
            tx = record.transaction
            if self.ports.access is not None:
                self.ports.access.audit(
                    self.operator_id,
                    "reprint a receipt",
                    transaction_id=tx.transaction_id,
                    details={"receipt_number": tx.receipt_number or ""},
                )
            return cast(Transaction, self._tx), NO_CHANGE, self.receipt(tx, copy=True)

        return self._run("reprint", request, step)

    def gift_receipt(self, tx: Transaction) -> ReceiptDocument:
        """A gift receipt: the items and quantities, no prices, and the barcode to return them."""
        document = build_gift_receipt(tx, self.store, self.register)
        return decorate_receipt(self.extensions, document, tx)

    def journal_search(self, request: JournalSearch) -> OpResult[tuple[JournalSummary, ...]]:
        """Search the electronic journal; store-local days become UTC bounds here."""

        def step() -> Step[tuple[JournalSummary, ...]] | Refusal:
            journal = self.ports.journal
            if journal is None:
                return refused(RefusalCode.UNKNOWN_RECEIPT, "This register has no journal.")
            query = self._journal_query(request)
            if isinstance(query, Refusal):
                return query
            return cast(Transaction, self._tx), NO_CHANGE, tuple(journal.search(query))

        return self._run("journal_search", request, step)

    def _journal_query(self, request: JournalSearch) -> JournalQuery | Refusal:
        if not 1 <= request.limit <= MAX_SEARCH_LIMIT:
            return refused(
                RefusalCode.INVALID_AMOUNT, f"Show between 1 and {MAX_SEARCH_LIMIT} results."
            )
        amounts = [a for a in (request.min_amount, request.max_amount) if a is not None]
        if any(not a.is_finite() for a in amounts):
            return refused(RefusalCode.INVALID_AMOUNT, "An amount must be a number.")
        low, high = request.min_amount, request.max_amount
        if low is not None and high is not None and low > high:
            return refused(RefusalCode.INVALID_AMOUNT, "The lowest amount is above the highest.")
        first, last = request.date_from, request.date_to
        if first is not None and last is not None and first > last:
            return refused(RefusalCode.WRONG_STATE, "The first day is after the last day.")
        zone = ZoneInfo(self.store.timezone)

        def start_of(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)

        number = _clean(request.receipt_number or "") or None
        return JournalQuery(
            store_id=self.store.store_id,
            receipt_number=number,
            ended_from=None if first is None else start_of(first),
            ended_to=None if last is None else start_of(last + dt.timedelta(days=1)),
            operator_id=(request.operator_id or "").strip() or None,
            min_total=low,
            max_total=high,
            item_id=(request.item_id or "").strip() or None,
            limit=request.limit,
        )

    def return_reasons(self) -> Sequence[ReturnReason]:
        """The store's reason codes for returns without a receipt."""
        journal = self.ports.journal
        return () if journal is None else journal.reasons(self.store.store_id, "return")
