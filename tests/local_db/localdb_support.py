"""Building transactions for local_db tests straight from the runtime's value objects and pure
functions (pricing, repricing, tender totals), without the facade."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from local_db.catalog import SqlCatalogReader
from runtime.config import StoreConfig
from runtime.ports import PricingContext
from runtime.pricing import BasePriceService
from runtime.receipt_numbers import format_receipt_number
from runtime.system import FixedClock, SequentialIds
from runtime.tendering import with_tender_totals
from runtime.totals import reprice
from runtime.transaction import SaleLine, TenderLine, Transaction, TransactionState

MASK = "{store}-{register}-{yyyy}{mm}{dd}-{seq:06}"
NOW = dt.datetime(2025, 6, 15, 10, 30, tzinfo=dt.UTC)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def numbering(store_id: str, register_id: str, day: dt.date | None = None) -> Callable[[int], str]:
    """Receipt numbers from MASK for the day of NOW (the builder's clock)."""
    local_day = day or NOW.date()

    def number(seq: int) -> str:
        return format_receipt_number(MASK, store_id, register_id, local_day, seq)

    return number


@dataclass
class SaleBuilder:
    """Makes open, concluded and voided transactions from barcodes in a seeded store."""

    store: StoreConfig
    catalog: SqlCatalogReader
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    ids: SequentialIds = field(default_factory=lambda: SequentialIds("tx"))

    def open(self, codes: list[str], register_id: str = "R1") -> Transaction:
        lines = []
        for i, code in enumerate(codes, start=1):
            hit = self.catalog.find_barcode(code)
            assert hit is not None, code
            lines.append(SaleLine(
                line_id=f"L{i}", product=hit.product, quantity=hit.quantity * (1 + i % 3),
                unit=hit.unit or hit.product.sales_unit, variant_id=hit.variant_id, barcode=code,
            ))
        tx = Transaction(
            transaction_id=self.ids.new_id(), store_id=self.store.store_id,
            register_id=register_id, operator_id="1001", started_at=self.clock.now(),
            lines=tuple(lines), next_line_no=len(lines) + 1,
        )
        return self.repriced(tx)

    def repriced(self, tx: Transaction) -> Transaction:
        context = PricingContext(self.store, self.clock.now().date())
        active = [line for line in tx.lines if not line.voided]
        return reprice(tx, self.store, BasePriceService().price_lines(context, active))

    def concluded(self, codes: list[str], register_id: str = "R1") -> Transaction:
        tx = self.open(codes, register_id)
        half = (tx.totals.total / 2).quantize(Decimal("0.01"))
        tenders = (
            TenderLine("T1", "card", "card", half, terminal_reference="ref-1", card_brand="VISA"),
            TenderLine("T2", "cash", "cash", tx.totals.total - half),
        )
        tx = with_tender_totals(replace(tx, tenders=tenders, next_tender_no=3))
        return replace(tx, state=TransactionState.CONCLUDED, ended_at=self.clock.now())

    def voided(self, codes: list[str], register_id: str = "R1") -> Transaction:
        tx = self.open(codes, register_id)
        return replace(tx, state=TransactionState.VOIDED, ended_at=self.clock.now(),
                       void_reason="customer left")
