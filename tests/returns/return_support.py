"""Shared helpers for the returns tests: a terminal that refunds, an in-memory journal over
the fake ledger, a catalogue with a non-returnable item, and a picky staff directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from runtime.catalog import BarcodeHit, Product, ProductFlags
from runtime.config import RegisterConfig, StoreConfig
from runtime.core import Ports
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Approval,
    Conclude,
)
from runtime.ports import ItemHit, PaymentOutcome, PaymentRequest, PaymentStatus, PricingService
from runtime.pricing import BasePriceService
from runtime.return_ports import (
    JournalQuery,
    JournalRecord,
    JournalSummary,
    LineKey,
    ReturnReason,
)
from runtime.system import FixedClock, SequentialIds
from runtime.transaction import Transaction, TransactionState
from tests.runtime.fakes import (
    NOW,
    MemoryCatalog,
    MemoryStores,
    ScriptedTerminal,
    SelectiveAccess,
    TrustingAccess,
    ok,
    store_config,
)

D = Decimal
VOUCHER = Product(
    "VOUCHER",
    "Gift voucher",
    D("25.00"),
    item_tax_group="exempt",
    flags=ProductFlags(not_returnable=True),
)
VOUCHER_EAN = "4000000000068"
REASONS = (
    ReturnReason("RET-DEF", "return", "Defective item"),
    ReturnReason("RET-CHG", "return", "Customer changed mind"),
    ReturnReason("PAYOUT-SUP", "pay_out", "Supplies"),
)
MANAGER = Approval("9001", "9999")


class RefundingTerminal(ScriptedTerminal):
    """ScriptedTerminal that also pays refunds back to cards (and remembers them)."""

    def __init__(self, *script: PaymentOutcome | Exception) -> None:
        super().__init__(*script)
        self.refunds: list[tuple[PaymentRequest, str | None]] = []
        self.refund_script: list[PaymentOutcome | Exception] = []

    def refund(self, request: PaymentRequest, original_reference: str | None) -> PaymentOutcome:
        self.refunds.append((request, original_reference))
        outcome = (
            self.refund_script.pop(0)
            if self.refund_script
            else PaymentOutcome(PaymentStatus.APPROVED, request.amount, f"RF{len(self.refunds)}")
        )
        if isinstance(outcome, Exception):
            raise outcome
        self.outcomes[request.request_id] = outcome
        return outcome


class ReturnCatalog(MemoryCatalog):
    """The fake catalogue plus a non-returnable item; `flag_later` flags an item afterwards."""

    def __init__(self) -> None:
        self.extra: dict[str, Product] = {"VOUCHER": VOUCHER}

    def find_barcode(self, code: str) -> BarcodeHit | None:
        if code == VOUCHER_EAN:
            return BarcodeHit(code, self.extra["VOUCHER"])
        hit = super().find_barcode(code)
        if hit is not None and hit.product.item_id in self.extra:
            return replace(hit, product=self.extra[hit.product.item_id])
        return hit

    def find_item(self, item_or_variant_id: str) -> ItemHit | None:
        if item_or_variant_id in self.extra:
            return ItemHit(self.extra[item_or_variant_id])
        return super().find_item(item_or_variant_id)

    def flag_later(self, product: Product) -> None:
        self.extra[product.item_id] = replace(
            product, flags=replace(product.flags, not_returnable=True)
        )


class MemoryJournal:
    """`JournalReader` over the fake ledger's finished transactions."""

    def __init__(self, stores: MemoryStores, store_id: str = "S1") -> None:
        self.stores = stores
        self.store_id = store_id
        self.elsewhere: dict[LineKey, Decimal] = {}  # returns made on other registers
        self.queries: list[JournalQuery] = []

    def _returned(self) -> dict[LineKey, Decimal]:
        done = dict(self.elsewhere)
        for tx in self.stores.finished:
            if tx.state is not TransactionState.CONCLUDED:
                continue
            for line in tx.active_lines:
                if line.return_of is not None:
                    key = (line.return_of.transaction_id, line.return_of.line_id)
                    done[key] = done.get(key, D(0)) - line.quantity
        return done

    def _record(self, tx: Transaction) -> JournalRecord:
        returned = {
            line_id: q for (tid, line_id), q in self._returned().items() if tid == tx.transaction_id
        }
        return JournalRecord(tx, returned)

    def find_receipt(self, store_id: str, receipt_number: str) -> Sequence[JournalRecord]:
        return [
            self._record(tx)
            for tx in self.stores.finished
            if tx.receipt_number == receipt_number and tx.store_id == store_id
        ]

    def find_transaction(self, transaction_id: str) -> JournalRecord | None:
        for tx in self.stores.finished:
            if tx.transaction_id == transaction_id:
                return self._record(tx)
        return None

    def returned_quantities(self, keys: Sequence[LineKey]) -> Mapping[LineKey, Decimal]:
        done = self._returned()
        return {key: done[key] for key in keys if key in done}

    def search(self, query: JournalQuery) -> Sequence[JournalSummary]:
        self.queries.append(query)
        hits = []
        for tx in self.stores.finished:
            if query.receipt_number is not None and tx.receipt_number != query.receipt_number:
                continue
            if query.operator_id is not None and tx.operator_id != query.operator_id:
                continue
            hits.append(
                JournalSummary(
                    tx.transaction_id,
                    tx.register_id,
                    tx.receipt_number,
                    tx.ended_at,
                    tx.operator_id,
                    tx.totals.total,
                    tx.state.value,
                    len(tx.lines),
                )
            )
        return hits[::-1][: query.limit]

    def reason(self, store_id: str, code: str) -> ReturnReason | None:
        return next((r for r in REASONS if r.code == code), None)

    def reasons(self, store_id: str, kind: str) -> Sequence[ReturnReason]:
        return [r for r in REASONS if r.kind == kind]


PickyAccess = SelectiveAccess  # the shared fake (tests/runtime/fakes.py)


def return_runtime(
    store: StoreConfig | None = None,
    *,
    access: TrustingAccess | None = None,
    pricing: PricingService | None = None,
    clock: FixedClock | None = None,
    stores: MemoryStores | None = None,
) -> tuple[CommerceRuntime, MemoryStores, MemoryJournal, RefundingTerminal, ReturnCatalog]:
    """A runtime over in-memory ports with a journal, a refunding terminal and the extras."""
    stores = stores or MemoryStores()
    journal = MemoryJournal(stores)
    terminal = RefundingTerminal()
    catalog = ReturnCatalog()
    ports = Ports(
        catalog=catalog,
        pricing=pricing or BasePriceService(),
        clock=clock or FixedClock(NOW),
        ids=SequentialIds("tx"),
        cart=stores,
        suspended=stores,
        ledger=stores,
        payment=terminal,
        access=access or TrustingAccess(),
        journal=journal,
    )
    register = RegisterConfig("R1", "S1", receipt_mask="{store}-{register}-{yyyy}{mm}{dd}-{seq:04}")
    rt = CommerceRuntime(store or store_config(), register, ports, operator_id="1001")
    return rt, stores, journal, terminal, catalog


def sell(rt: CommerceRuntime, *adds: AddLine, card: bool = False) -> Transaction:
    """Sell the lines, pay exactly (cash or card) and conclude; the concluded transaction."""
    for add in adds:
        ok(rt.add_line(add))
    if card:
        from runtime.operations import TenderCard

        ok(rt.tender_card(TenderCard("card")))
    else:
        ok(rt.add_tender(AddTender("cash")))
    return ok(rt.conclude(Conclude())).transaction


def refund_cash(rt: CommerceRuntime) -> Transaction:
    """Pay the exact refund in cash and conclude."""
    ok(rt.add_tender(AddTender("cash")))
    return ok(rt.conclude(Conclude())).transaction


def moment(hours: int) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)
