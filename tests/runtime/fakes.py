"""In-memory port implementations for runtime tests: no database, no devices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from runtime.catalog import (
    BarcodeHit,
    Product,
    ProductFlags,
    SalesPrice,
    UnitConversion,
    UnitOfMeasure,
    Variant,
)
from runtime.config import (
    ExchangeRate,
    RegisterConfig,
    StoreConfig,
    TaxCode,
    TaxSetup,
    TenderKind,
    TenderType,
)
from runtime.core import Ports
from runtime.facade import CommerceRuntime
from runtime.money import Currency
from runtime.ports import (
    ItemHit,
    LedgerReceipt,
    PaymentOutcome,
    PaymentRequest,
    PaymentStatus,
    ProductSummary,
    StorageError,
)
from runtime.pricing import BasePriceService
from runtime.system import FixedClock, SequentialIds
from runtime.transaction import Transaction, TransactionState

D = Decimal
EUR = Currency("EUR", 2)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def store_config(**overrides: object) -> StoreConfig:
    tax = TaxSetup(
        codes={
            "VAT19": TaxCode("VAT19", "VAT 19%", D("19")),
            "VAT7": TaxCode("VAT7", "VAT 7%", D("7")),
            "ECO": TaxCode("ECO", "Eco levy 2%", D("2")),
        },
        groups={
            "store": frozenset({"VAT19", "VAT7", "ECO"}),
            "standard": frozenset({"VAT19"}),
            "reduced": frozenset({"VAT7"}),
            "levy": frozenset({"VAT19", "ECO"}),
            "exempt": frozenset(),
        },
    )
    tenders = {
        "cash": TenderType(
            "cash",
            "Cash",
            TenderKind.CASH,
            gives_change=True,
            max_amount=D("2000"),
            opens_drawer=True,
        ),
        "card": TenderType(
            "card", "Card", TenderKind.CARD, min_amount=D("0.01"), max_amount=D("5000")
        ),
        "check": TenderType("check", "Check", TenderKind.CHECK, max_amount=D("1000")),
        "usd": TenderType(
            "usd", "US dollars", TenderKind.FOREIGN_CURRENCY, gives_change=True, currency="USD"
        ),
    }
    base = dict(
        store_id="S1",
        name="Test Market",
        currency=EUR,
        tax=tax,
        tender_types=tenders,
        store_tax_group="store",
        prices_include_tax=True,
        timezone="Europe/Berlin",
        address_lines=("1 Market Street",),
        receipt_footer=("Thank you!",),
        exchange_rates={"USD": ExchangeRate(Currency("USD", 2), D("0.90"))},
        units={
            "ea": UnitOfMeasure("ea", "each"),
            "kg": UnitOfMeasure("kg", "kilogram", 3),
            "pk6": UnitOfMeasure("pk6", "6-pack"),
        },
        unit_conversions=(UnitConversion("pk6", "ea", D("6")),),
    )
    base.update(overrides)
    return StoreConfig(**base)  # type: ignore[arg-type]


PRODUCTS = {
    "COLA": Product("COLA", "Cola 0.5l", D("1.19"), item_tax_group="standard"),
    "BREAD": Product("BREAD", "Bread", D("2.49"), item_tax_group="reduced"),
    "BANANA": Product(
        "BANANA",
        "Bananas",
        D("1.99"),
        sales_unit="kg",
        item_tax_group="reduced",
        flags=ProductFlags(weighed=True),
    ),
    "WINE": Product(
        "WINE", "Red Wine", D("8.99"), item_tax_group="standard", flags=ProductFlags(min_age=18)
    ),
    "SHIRT": Product(
        "SHIRT",
        "T-Shirt",
        D("15.00"),
        item_tax_group="standard",
        variants=(
            Variant("SHIRT-M-RED", {"size": "M", "colour": "Red"}),
            Variant("SHIRT-L-BLUE", {"size": "L", "colour": "Blue"}, D("17.00")),
        ),
    ),
    "GIFT": Product(
        "GIFT",
        "Gift wrap",
        D("0"),
        item_tax_group="standard",
        flags=ProductFlags(keyed_in_price=True),
    ),
    "PHONE": Product(
        "PHONE",
        "Phone",
        D("199.00"),
        item_tax_group="standard",
        flags=ProductFlags(serial_required=True),
    ),
    "KNIFE": Product(
        "KNIFE",
        "Knife",
        D("12.00"),
        item_tax_group="standard",
        flags=ProductFlags(blocked_at_self_checkout=True),
    ),
    "OLD": Product("OLD", "Discontinued", D("1.00"), flags=ProductFlags(inactive=True)),
    "STAMP": Product("STAMP", "Stamp", D("0.95")),  # no tax group: untaxed
    "SALE": Product(
        "SALE",
        "Coffee",
        D("5.00"),
        item_tax_group="standard",
        sales_prices=(
            SalesPrice(D("3.99"), dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
            SalesPrice(D("2.99"), dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        ),
    ),
    "LEVY": Product("LEVY", "Battery", D("10.20"), item_tax_group="levy"),
}
COLA_EAN, COLA_PK6_EAN, SHIRT_EAN, BREAD_EAN = (
    "4000000000013",
    "4000000000020",
    "4000000000037",
    "4000000000044",
)
BARCODES = {
    "4000000000013": BarcodeHit("4000000000013", PRODUCTS["COLA"]),
    "4000000000020": BarcodeHit("4000000000020", PRODUCTS["COLA"], unit="pk6", quantity=D("1")),
    "4000000000037": BarcodeHit("4000000000037", PRODUCTS["SHIRT"], variant_id="SHIRT-M-RED"),
    "4000000000044": BarcodeHit("4000000000044", PRODUCTS["BREAD"]),
}


class MemoryCatalog:
    def find_barcode(self, code: str) -> BarcodeHit | None:
        return BARCODES.get(code)

    def find_item(self, item_or_variant_id: str) -> ItemHit | None:
        if item_or_variant_id in PRODUCTS:
            return ItemHit(PRODUCTS[item_or_variant_id])
        for product in PRODUCTS.values():
            if product.variant(item_or_variant_id):
                return ItemHit(product, item_or_variant_id)
        return None

    def search(self, text: str, limit: int = 50) -> Sequence[ProductSummary]:
        words = text.lower().split()
        hits = [
            p
            for p in PRODUCTS.values()
            if all(any(w2.startswith(w) for w2 in p.name.lower().split()) for w in words)
        ]
        return [ProductSummary(p.item_id, p.name, p.base_price) for p in hits[:limit]]


class MemoryStores:
    """Cart, suspended and ledger ports in memory; `fail_next` simulates a full disk."""

    def __init__(self) -> None:
        self.carts: dict[str, Transaction] = {}
        self.saved_lines: list[frozenset[str]] = []
        self.suspended_txs: dict[str, Transaction] = {}
        self.finished: list[Transaction] = []
        self.receipt_seq: dict[str, int] = {}
        self.device_seq = 0
        self.fail_next = False

    def _maybe_fail(self) -> None:
        if self.fail_next:
            self.fail_next = False
            raise StorageError("database or disk is full")

    # CartStore
    def save(
        self, transaction: Transaction, changed_lines: frozenset[str], removed_lines: frozenset[str]
    ) -> None:
        self._maybe_fail()
        self.carts[transaction.register_id] = transaction
        self.saved_lines.append(changed_lines)

    def load(self, register_id: str) -> Transaction | None:
        return self.carts.get(register_id)

    def clear(self, register_id: str) -> None:
        self.carts.pop(register_id, None)

    # SuspendedStore
    def suspend(self, transaction: Transaction) -> None:
        self._maybe_fail()
        self.suspended_txs[transaction.transaction_id] = transaction
        self.carts.pop(transaction.register_id, None)

    def recall(self, register_id: str, transaction_id: str) -> Transaction | None:
        tx = self.suspended_txs.get(transaction_id)
        if tx is None or tx.register_id != register_id:
            return None
        return self.suspended_txs.pop(transaction_id)

    def list_suspended(self, register_id: str) -> Sequence[Transaction]:
        return [t for t in self.suspended_txs.values() if t.register_id == register_id]

    # SalesLedger
    def finish(
        self, transaction: Transaction, receipt_number_for: Callable[[int], str] | None
    ) -> LedgerReceipt:
        self._maybe_fail()
        number = None
        if transaction.state is TransactionState.CONCLUDED and receipt_number_for:
            seq = self.receipt_seq.get(transaction.register_id, 0) + 1
            self.receipt_seq[transaction.register_id] = seq
            number = receipt_number_for(seq)
        self.device_seq += 1
        self.finished.append(replace(transaction, receipt_number=number))
        self.carts.pop(transaction.register_id, None)
        return LedgerReceipt(number, self.device_seq)


class ScriptedTerminal:
    """Answers authorize() from a script of outcomes; remembers requests for status()."""

    def __init__(self, *script: PaymentOutcome | Exception) -> None:
        self.script = list(script)
        self.requests: list[PaymentRequest] = []
        self.outcomes: dict[str, PaymentOutcome] = {}
        self.reversed: list[str] = []

    def authorize(self, request: PaymentRequest) -> PaymentOutcome:
        self.requests.append(request)
        outcome = (
            self.script.pop(0)
            if self.script
            else PaymentOutcome(
                PaymentStatus.APPROVED, request.amount, f"REF{len(self.requests)}", "VISA"
            )
        )
        if isinstance(outcome, Exception):
            self.outcomes[request.request_id] = PaymentOutcome(
                PaymentStatus.APPROVED, request.amount, "LATE1", "VISA"
            )
            raise outcome
        self.outcomes[request.request_id] = outcome
        return outcome

    def status(self, request_id: str) -> PaymentOutcome:
        return self.outcomes.get(
            request_id, PaymentOutcome(PaymentStatus.DECLINED, message="not found")
        )

    def reverse(self, request_id: str, reference: str | None) -> PaymentOutcome:
        self.reversed.append(request_id)
        return PaymentOutcome(PaymentStatus.APPROVED, message="reversed")


def make_runtime(
    store: StoreConfig | None = None,
    *,
    stores: MemoryStores | None = None,
    terminal: ScriptedTerminal | None = None,
    self_checkout: bool = False,
    extensions: Sequence[object] = (),
    clock: FixedClock | None = None,
    mask: str = "{store}-{register}-{yyyy}{mm}{dd}-{seq:04}",
) -> tuple[CommerceRuntime, MemoryStores]:
    stores = stores or MemoryStores()
    ports = Ports(
        catalog=MemoryCatalog(),
        pricing=BasePriceService(),
        clock=clock or FixedClock(NOW),
        ids=SequentialIds("tx"),
        cart=stores,
        suspended=stores,
        ledger=stores,
        payment=terminal or ScriptedTerminal(),
    )
    register = RegisterConfig("R1", "S1", receipt_mask=mask, self_checkout=self_checkout)
    runtime = CommerceRuntime(
        store or store_config(), register, ports, operator_id="1001", extensions=extensions
    )  # type: ignore[arg-type]
    return runtime, stores


def outcomes(*pairs: tuple[str, str]) -> Mapping[str, str]:
    return dict(pairs)
