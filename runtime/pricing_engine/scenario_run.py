"""Running a pricing scenario through the real register: `CommerceRuntime` with in-memory ports.

Each basket line is added with `AddLine`, exactly as a cashier would, so unit conversion, line
checks, line amounts, tax and totals are computed by the runtime itself (`runtime.totals`) and
the pricing port is `EnginePricingService`. A thin port wrapper puts the basket's customer and
entered coupon codes into the pricing context (a register gets them from the transaction).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from runtime.catalog import BarcodeHit, Product
from runtime.config import RegisterConfig
from runtime.core import Ports
from runtime.discount_ops import DiscountLine, DiscountTotal, OverridePrice, SetAutomaticDiscounts
from runtime.facade import CommerceRuntime
from runtime.operations import AddLine, Refusal
from runtime.ports import ItemHit, LedgerReceipt, LinePricing, PricingContext, ProductSummary
from runtime.pricing_engine.scenario_json import ScenarioError
from runtime.pricing_engine.scenario_load import BasketLine, Scenario
from runtime.pricing_engine.scenario_manual import UNLIMITED, ScenarioAccess
from runtime.pricing_engine.service import EnginePricingService
from runtime.system import FixedClock, SequentialIds
from runtime.transaction import SaleLine, Transaction


class _Catalog:
    def __init__(self, products: Mapping[str, Product], owner: Mapping[str, str]) -> None:
        self.products = products
        self.owner = owner

    def find_barcode(self, code: str) -> BarcodeHit | None:
        return None

    def find_item(self, item_or_variant_id: str) -> ItemHit | None:
        if item_or_variant_id in self.products:
            return ItemHit(self.products[item_or_variant_id])
        master = self.owner.get(item_or_variant_id)
        return None if master is None else ItemHit(self.products[master], item_or_variant_id)

    def search(self, text: str, limit: int = 50) -> Sequence[ProductSummary]:
        return ()


class _Stores:
    """Cart, suspended-sale and ledger ports that keep nothing: a scenario is one basket."""

    def save(
        self, transaction: Transaction, changed_lines: frozenset[str], removed_lines: frozenset[str]
    ) -> None:
        return None

    def load(self, register_id: str) -> Transaction | None:
        return None

    def clear(self, register_id: str) -> None:
        return None

    def suspend(self, transaction: Transaction) -> None:
        return None

    def recall(self, register_id: str, transaction_id: str) -> Transaction | None:
        return None

    def list_suspended(self, register_id: str) -> Sequence[Transaction]:
        return ()

    def finish(
        self, transaction: Transaction, receipt_number_for: Callable[[int], str] | None
    ) -> LedgerReceipt:
        return LedgerReceipt(None, 0)


class _CustomerPricing:
    """The engine as the pricing port, with the basket's customer in the pricing context."""

    def __init__(
        self, engine: EnginePricingService, customer_id: str | None, coupons: tuple[str, ...]
    ) -> None:
        self.engine = engine
        self.customer_id = customer_id
        self.coupons = coupons

    def price_lines(
        self, context: PricingContext, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        context = replace(context, customer_id=self.customer_id, coupons=self.coupons)
        return self.engine.price_lines(context, lines)


def run_scenario(scenario: Scenario) -> dict[str, object]:
    """Price the basket at the register; the output has a fixed key order (see the docs)."""
    store = scenario.store
    engine = EnginePricingService(
        scenario.book, scenario.discounts, model=scenario.model, coupons=scenario.coupons
    )
    stores = _Stores()
    noon = dt.datetime.combine(scenario.day, dt.time(12), tzinfo=dt.UTC)
    ports = Ports(
        catalog=_Catalog(scenario.products, scenario.variant_owner),
        pricing=_CustomerPricing(engine, scenario.customer_id, scenario.entered_coupons),
        clock=FixedClock(noon),
        ids=SequentialIds("scenario"),
        cart=stores,
        suspended=stores,
        ledger=stores,
        access=ScenarioAccess(scenario.cashier.group or UNLIMITED),
    )
    register = RegisterConfig("R1", store.store_id)
    runtime = CommerceRuntime(replace(store, timezone="UTC"), register, ports, operator_id="0")
    problems: list[str] = []
    for i, code in enumerate(scenario.entered_coupons):
        why = engine.check_coupon(code, scenario.day)
        if why is not None:
            problems.append(f"$.basket.coupons[{i}]: the register refused it: {why}")
    for i, line in enumerate(scenario.lines):
        result = runtime.add_line(
            AddLine(item_id=line.item, quantity=line.quantity, unit=line.unit,
                    keyed_price=line.keyed_price)
        )  # fmt: skip
        if result.refusal is not None:
            problems.append(
                f"$.basket.lines[{i}]: the register refused it: {result.refusal.message}"
            )
        elif result.value is not None:
            problems.extend(_line_inputs(runtime, result.value.line_id, line, i))
    problems.extend(_basket_inputs(runtime, scenario))
    if problems:
        raise ScenarioError(problems)
    tx = runtime.transaction
    assert tx is not None
    return _output(tx, store.currency.unit)


def _refused(refusal: Refusal | None, path: str) -> list[str]:
    if refusal is None:
        return []
    return [f"{path}: the register refused it: {refusal.message}"]


def _line_inputs(runtime: CommerceRuntime, line_id: str, line: BasketLine, i: int) -> list[str]:
    """The cashier's price override and manual discount on one line, as at the till."""
    path = f"$.basket.lines[{i}]"
    out: list[str] = []
    if line.price_override is not None:
        result = runtime.override_price(OverridePrice(line_id, line.price_override, "scenario"))
        out += _refused(result.refusal, f"{path}.price_override")
    if line.manual_discount is not None:
        m = line.manual_discount
        result2 = runtime.discount_line(DiscountLine(line_id, m.percent, m.amount))
        out += _refused(result2.refusal, f"{path}.manual_discount")
    return out


def _basket_inputs(runtime: CommerceRuntime, scenario: Scenario) -> list[str]:
    """Removing the automatic discounts, then the manual total discount (which comes off
    what is left of the lines)."""
    cashier = scenario.cashier
    out: list[str] = []
    if not cashier.automatic_discounts:
        result = runtime.set_automatic_discounts(SetAutomaticDiscounts(enabled=False))
        out += _refused(result.refusal, "$.basket.automatic_discounts")
    if cashier.total_discount is not None:
        m = cashier.total_discount
        result2 = runtime.discount_total(DiscountTotal(m.percent, m.amount))
        out += _refused(result2.refusal, "$.basket.manual_total_discount")
    return out


def _money(amount: Decimal, unit: Decimal) -> str:
    return str(amount.quantize(unit))


def _output(tx: Transaction, unit: Decimal) -> dict[str, object]:
    lines: list[dict[str, object]] = []
    for line in tx.active_lines:
        lines.append(
            {
                "line_id": line.line_id,
                "item_id": line.product.item_id,
                "variant_id": line.variant_id,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_price": _money(line.unit_price, unit),
                "price_source": line.price_source,
                "discounts": [
                    {
                        "id": d.discount_id,
                        "name": d.name,
                        "kind": d.kind,
                        "amount": _money(d.amount, unit),
                    }
                    for d in line.discounts
                ],
                "net_amount": _money(line.net_amount, unit),
                "tax_amount": _money(line.tax_amount, unit),
            }
        )
    totals = tx.totals
    return {
        "lines": lines,
        "subtotal": _money(totals.subtotal, unit),
        "discount_total": _money(totals.discount_total, unit),
        "tax_total": _money(totals.tax_total, unit),
        "total": _money(totals.total, unit),
    }


def render(output: Mapping[str, object]) -> str:
    """The output as JSON text: two-space indent, keys in the order built, a final newline."""
    return json.dumps(output, indent=2, ensure_ascii=False) + "\n"


def compare(expected: Mapping[str, object], actual: Mapping[str, object]) -> list[str]:
    """A unified diff (expected -> actual) of the two outputs; empty when they are equal."""
    want, got = render(expected), render(actual)
    if json.loads(want) == json.loads(got):
        return []
    return list(
        difflib.unified_diff(want.splitlines(), got.splitlines(), "expected", "actual", lineterm="")
    )
