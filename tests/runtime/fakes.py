"""In-memory port implementations for runtime tests: no database, no devices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

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
from runtime.operations import AddLine, Approval, OpResult, Permission, Refusal, RefusalCode
from runtime.ports import (
    ItemHit,
    LedgerReceipt,
    LinePricing,
    PaymentOutcome,
    PaymentRequest,
    PaymentStatus,
    PricingContext,
    PricingService,
    ProductSummary,
    SignedIn,
    StorageError,
)
from runtime.pricing import BasePriceService
from runtime.system import FixedClock, SequentialIds
from runtime.transaction import LineDiscount, SaleLine, Transaction, TransactionState

D = Decimal
T = TypeVar("T")
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
    "GUM": Product("GUM", "Chewing gum", D("0.50"), item_tax_group="standard"),
    "RECALLED": Product(
        "RECALLED",
        "Recalled toy",
        D("4.00"),
        item_tax_group="standard",
        flags=ProductFlags(blocked_for_sale=True),
    ),
    "LONG": Product(
        "LONG",
        "Organic Fair-Trade Single-Origin Dark Roast Whole Bean Coffee From The Highlands "
        "Of Ethiopia Extra Large Family Pack",
        D("1234.56"),
        item_tax_group="standard",
    ),
    "UNTAXED_GROUP": Product("UNTAXED_GROUP", "Voucher", D("5.00"), item_tax_group="exempt"),
}
COLA_EAN, COLA_PK6_EAN, SHIRT_EAN, BREAD_EAN = (
    "4000000000013",
    "4000000000020",
    "4000000000037",
    "4000000000044",
)
COLA_3_EAN = "4000000000051"  # a banded 3-pack counted as 3 ea
BARCODES = {
    "4000000000013": BarcodeHit("4000000000013", PRODUCTS["COLA"]),
    "4000000000020": BarcodeHit("4000000000020", PRODUCTS["COLA"], unit="pk6", quantity=D("1")),
    "4000000000037": BarcodeHit("4000000000037", PRODUCTS["SHIRT"], variant_id="SHIRT-M-RED"),
    "4000000000044": BarcodeHit("4000000000044", PRODUCTS["BREAD"]),
    "4000000000051": BarcodeHit("4000000000051", PRODUCTS["COLA"], quantity=D("3")),
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
    """Cart, suspended and ledger ports in memory.

    `fail_next` makes the next write fail as on a full disk; `fail_method` makes the next call
    of the named write ("save", "suspend", "recall", "finish") fail.
    """

    def __init__(self) -> None:
        self.carts: dict[str, Transaction] = {}
        self.saved_lines: list[frozenset[str]] = []
        self.suspended_txs: dict[str, Transaction] = {}
        self.finished: list[Transaction] = []
        self.receipt_seq: dict[str, int] = {}
        self.device_seq = 0
        self.fail_next = False
        self.fail_method: str | None = None

    def _maybe_fail(self, method: str) -> None:
        if self.fail_next or self.fail_method == method:
            self.fail_next = False
            self.fail_method = None
            raise StorageError("database or disk is full")

    # CartStore
    def save(
        self, transaction: Transaction, changed_lines: frozenset[str], removed_lines: frozenset[str]
    ) -> None:
        self._maybe_fail("save")
        self.carts[transaction.register_id] = transaction
        self.saved_lines.append(changed_lines)

    def load(self, register_id: str) -> Transaction | None:
        return self.carts.get(register_id)

    def clear(self, register_id: str) -> None:
        self.carts.pop(register_id, None)

    # SuspendedStore
    def suspend(self, transaction: Transaction) -> None:
        self._maybe_fail("suspend")
        self.suspended_txs[transaction.transaction_id] = transaction
        self.carts.pop(transaction.register_id, None)

    def recall(self, register_id: str, transaction_id: str) -> Transaction | None:
        self._maybe_fail("recall")
        tx = self.suspended_txs.get(transaction_id)
        if tx is None or tx.register_id != register_id:
            return None
        recalled = replace(self.suspended_txs.pop(transaction_id), state=TransactionState.OPEN)
        self.carts[register_id] = recalled  # moved into the cart in the same step
        return recalled

    def list_suspended(self, register_id: str) -> Sequence[Transaction]:
        return [t for t in self.suspended_txs.values() if t.register_id == register_id]

    # SalesLedger
    def finish(
        self, transaction: Transaction, receipt_number_for: Callable[[int], str] | None
    ) -> LedgerReceipt:
        self._maybe_fail("finish")
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


class DiscountPricing:
    """Base prices plus a fixed discount on every line of one item: exercises the pricing seam."""

    def __init__(self, item_id: str, amount: Decimal, name: str = "Promo") -> None:
        self.item_id = item_id
        self.amount = amount
        self.name = name
        self.base = BasePriceService()

    def price_lines(
        self, context: PricingContext, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        priced = dict(self.base.price_lines(context, lines))
        for line in lines:
            if line.item_id == self.item_id:
                discount = LineDiscount("D1", self.name, "amount", self.amount)
                priced[line.line_id] = replace(priced[line.line_id], discounts=(discount,))
        return priced


class TrustingAccess:
    """Grants every permission and records what was asked: for tests about selling, not about
    staff security (those use runtime.security with real hashing)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, str, str]] = []

    def authorize(
        self,
        operator_id: str | None,
        permission: Permission,
        approval: Approval | None,
        *,
        action: str,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Refusal | None:
        self.asked.append((operator_id, permission.value, action))
        return None

    def authorize_discount(
        self,
        operator_id: str | None,
        scope: str,
        percent: Decimal | None,
        amount: Decimal,
        approval: Approval | None,
        *,
        transaction_id: str | None = None,
    ) -> Refusal | None:
        self.asked.append((operator_id, f"discount:{scope}", str(percent or amount)))
        return None

    def audit(
        self,
        operator_id: str | None,
        action: str,
        *,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        self.asked.append((operator_id, "audit", action))

    def verify_sign_in(
        self, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        return SignedIn(operator_id or "badge", "")

    def verify_unlock(
        self, locked_by: str, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        return SignedIn(operator_id or locked_by, "")

    def change_secret(self, operator_id: str, old_secret: str, new_secret: str) -> Refusal | None:
        return None


MANAGER_APPROVAL = Approval("9001", "9999")


class SelectiveAccess(TrustingAccess):
    """Grants everything but `denied`; for those, only the manager's approval (9001 / 9999)
    passes: no approval is PERMISSION_REQUIRED naming the permission, another is refused."""

    def __init__(self, *denied: Permission) -> None:
        super().__init__()
        self.denied = set(denied)

    def authorize(
        self,
        operator_id: str | None,
        permission: Permission,
        approval: Approval | None,
        *,
        action: str,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Refusal | None:
        super().authorize(
            operator_id,
            permission,
            approval,
            action=action,
            transaction_id=transaction_id,
            details=details,
        )
        if permission not in self.denied or approval == MANAGER_APPROVAL:
            return None
        if approval is not None:
            return Refusal(RefusalCode.OVERRIDE_REFUSED, "The approval was refused.")
        return Refusal(
            RefusalCode.PERMISSION_REQUIRED,
            f"You may not {action}; a manager can approve it.",
            (permission.value,),
        )


def make_runtime(
    store: StoreConfig | None = None,
    *,
    stores: MemoryStores | None = None,
    terminal: ScriptedTerminal | None = None,
    self_checkout: bool = False,
    extensions: Sequence[object] = (),
    clock: FixedClock | None = None,
    mask: str = "{store}-{register}-{yyyy}{mm}{dd}-{seq:04}",
    pricing: PricingService | None = None,
    register_id: str = "R1",
) -> tuple[CommerceRuntime, MemoryStores]:
    stores = stores or MemoryStores()
    ports = Ports(
        catalog=MemoryCatalog(),
        pricing=pricing or BasePriceService(),
        clock=clock or FixedClock(NOW),
        ids=SequentialIds("tx"),
        cart=stores,
        suspended=stores,
        ledger=stores,
        payment=terminal or ScriptedTerminal(),
        access=TrustingAccess(),
    )
    register = RegisterConfig(register_id, "S1", receipt_mask=mask, self_checkout=self_checkout)
    runtime = CommerceRuntime(
        store or store_config(), register, ports, operator_id="1001", extensions=extensions
    )  # type: ignore[arg-type]
    return runtime, stores


def outcomes(*pairs: tuple[str, str]) -> Mapping[str, str]:
    return dict(pairs)


def ok(result: OpResult[T]) -> T:
    """The value of a result that must have succeeded (fails the test with the refusal)."""
    assert result.refusal is None, result.refusal
    assert result.value is not None
    return result.value


def refusal_of(result: OpResult[object]) -> Refusal:
    assert result.refusal is not None, f"expected a refusal, got {result.value!r}"
    assert result.value is None
    assert not result.changes.anything  # a refusal changes nothing
    return result.refusal


def opened(**kw: object) -> tuple[CommerceRuntime, MemoryStores]:
    """A runtime with an open transaction holding one cola (L1, 1.19)."""
    rt, stores = make_runtime(**kw)  # type: ignore[arg-type]
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    return rt, stores


def refuse(
    rt: CommerceRuntime,
    stores: MemoryStores,
    call: Callable[[], OpResult[object]],
    code: RefusalCode,
) -> Refusal:
    before = rt.transaction
    cart = stores.carts.get("R1")
    saves = len(stores.saved_lines)
    finished = len(stores.finished)
    refusal = refusal_of(call())
    assert refusal.code is code, refusal
    assert rt.transaction is before
    assert stores.carts.get("R1") is cart
    assert len(stores.saved_lines) == saves
    assert len(stores.finished) == finished
    assert refusal.message  # always a sentence for the cashier
    return refusal


def add_refused(request: AddLine, code: RefusalCode, **kw: object) -> Refusal:
    rt, stores = opened(**kw)
    return refuse(rt, stores, lambda: rt.add_line(request), code)
