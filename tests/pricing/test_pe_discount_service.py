"""Discounts through `EnginePricingService` and the runtime facade (receipt discount rows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from runtime.operations import AddLine, AddTender, Conclude, SetQuantity
from runtime.ports import PricingContext
from runtime.pricing import BasePriceService
from runtime.pricing_engine import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountKind,
    DiscountMethod,
    EnginePricingService,
    PriceBook,
    PriceGroup,
    Tier,
)
from runtime.receipt import TextRow
from runtime.transaction import LineDiscount, SaleLine
from tests.runtime.fakes import PRODUCTS, make_runtime, ok, store_config

D = Decimal
STORE = store_config()
DAY = dt.date(2026, 11, 23)
BOOK = PriceBook.build(
    price_groups=[PriceGroup("S1", "Store 1")], store_price_groups={"S1": ["S1"]}
)
BREAD_DEAL = Discount(
    "D-BREAD", "Bread 20% off", DiscountKind.SIMPLE, Concurrency.COMPOUNDED, frozenset({"S1"}),
    value=D("20"), item_ids=frozenset({"BREAD"}),
)  # fmt: skip
BIG_BASKET = Discount(
    "D-TH", "5% over 10", DiscountKind.THRESHOLD, Concurrency.COMPOUNDED, frozenset({"S1"}),
    tiers=(Tier(D("10"), DiscountMethod.PERCENT, D("5")),),
)  # fmt: skip


def sale_line(line_id: str, item: str, qty: str = "1", **kw: object) -> SaleLine:
    product = PRODUCTS[item]
    return SaleLine(line_id, product, D(qty), product.sales_unit, **kw)  # type: ignore[arg-type]


def test_no_discounts_prices_exactly_as_before() -> None:
    context = PricingContext(STORE, DAY)
    basket = [sale_line("L1", "COLA", "3"), sale_line("L2", "BREAD")]
    plain = EnginePricingService(BOOK).price_lines(context, basket)
    assert EnginePricingService(BOOK, discounts=()).price_lines(context, basket) == plain
    assert plain == BasePriceService().price_lines(context, basket)


def test_service_fills_line_discounts_for_the_basket() -> None:
    service = EnginePricingService(BOOK, discounts=[BREAD_DEAL, BIG_BASKET])
    basket = [sale_line("L1", "BREAD", "4"), sale_line("L2", "COLA")]
    priced = service.price_lines(PricingContext(STORE, DAY), basket)
    # bread 4 x 2.49 = 9.96, 20% = 1.992 -> 1.99 -> 7.97; cola 1.19; basket 9.16 < 10: no
    # threshold
    bread = LineDiscount("D-BREAD", "Bread 20% off", "simple", D("1.99"))
    assert priced["L1"].discounts == (bread,)
    assert priced["L2"].discounts == ()
    assert priced["L1"].price_source == "base price"
    why = service.explain_line(PricingContext(STORE, DAY), basket, "L2")
    assert why.price_source == "base price"
    assert [str(lost) for lost in why.lost] == ["D-TH: threshold not reached (9.16 < 10)"]


def test_keyed_price_lines_are_not_discounted() -> None:
    service = EnginePricingService(BOOK, discounts=[BREAD_DEAL])
    line = sale_line("L1", "BREAD", keyed_price=D("2.00"))
    priced = service.price_lines(PricingContext(STORE, DAY), [line])
    assert priced["L1"].discounts == ()


def test_model_b_is_selectable_on_the_service() -> None:
    top = Discount("HI", "Vendor 10%", DiscountKind.SIMPLE, Concurrency.COMPOUNDED,
                   frozenset({"S1"}), priority=5, value=D("10"))  # fmt: skip
    low = Discount("LO", "Store 10%", DiscountKind.SIMPLE, Concurrency.COMPOUNDED,
                   frozenset({"S1"}), priority=1, value=D("10"))  # fmt: skip
    basket = [sale_line("L1", "WINE")]
    context = PricingContext(STORE, DAY)
    a = EnginePricingService(BOOK, [top, low]).price_lines(context, basket)
    b = EnginePricingService(BOOK, [top, low], model=ConcurrencyModel.ACROSS_PRIORITIES)
    # A: 8.99 x 10% = 0.899 -> 0.90 only.  B: 0.90, then 8.09 x 10% = 0.809 -> 0.81
    assert [d.amount for d in a["L1"].discounts] == [D("0.90")]
    assert [d.amount for d in b.price_lines(context, basket)["L1"].discounts] == [
        D("0.90"),
        D("0.81"),
    ]


def test_facade_concludes_a_sale_with_discount_rows_on_the_receipt() -> None:
    rt, _ = make_runtime(pricing=EnginePricingService(BOOK, discounts=[BREAD_DEAL, BIG_BASKET]))
    bread = ok(rt.add_line(AddLine(item_id="BREAD")))
    ok(rt.add_line(AddLine(item_id="LEVY")))
    ok(rt.set_quantity(SetQuantity(bread.line_id, D("2"))))
    tx = rt.transaction
    # bread 2 x 2.49 = 4.98, 20% = 0.996 -> 1.00 -> 3.98; battery 10.20; basket 14.18 >= 10:
    # 5% each: bread 0.199, battery 0.51 -> exact 0.709 -> 0.71 total -> 0.20 + 0.51
    by_item = {line.item_id: line for line in tx.active_lines}
    assert [(d.discount_id, d.amount) for d in by_item["BREAD"].discounts] == [
        ("D-BREAD", D("1.00")),
        ("D-TH", D("0.20")),
    ]
    assert [(d.discount_id, d.amount) for d in by_item["LEVY"].discounts] == [("D-TH", D("0.51"))]
    # 4.98 + 10.20 = 15.18; discounts 1.00 + 0.20 + 0.51 = 1.71; prices include tax
    assert tx.totals.subtotal == D("15.18")
    assert tx.totals.discount_total == D("1.71")
    assert tx.totals.total == D("13.47")
    ok(rt.add_tender(AddTender("cash")))
    receipt = ok(rt.conclude(Conclude())).receipt
    assert TextRow("  Bread 20% off", "-1.00") in receipt.lines
    assert TextRow("  5% over 10", "-0.20") in receipt.lines
    assert TextRow("  5% over 10", "-0.51") in receipt.lines
    assert TextRow("Discounts", "-1.71") in receipt.totals
