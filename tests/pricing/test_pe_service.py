"""EnginePricingService behind the runtime port: fallback identical to BasePriceService, facade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from runtime.operations import AddLine
from runtime.ports import PricingContext
from runtime.pricing import BasePriceService
from runtime.pricing_engine import (
    AccountCode,
    AdjustmentKind,
    EnginePricingService,
    ItemCode,
    PriceAdjustment,
    PriceBook,
    PriceGroup,
    TradeAgreement,
)
from runtime.transaction import SaleLine
from tests.runtime.fakes import COLA_EAN, PRODUCTS, make_runtime, ok, store_config

D = Decimal
STORE = store_config()
DAY = dt.date(2026, 11, 23)


def line(item: str, qty: str = "1", unit: str | None = None, **kw: object) -> SaleLine:
    product = PRODUCTS[item]
    return SaleLine("L1", product, D(qty), unit or product.sales_unit, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item", "unit", "variant", "day"),
    [
        ("COLA", None, None, DAY),
        ("COLA", "pk6", None, DAY),  # unit conversion
        ("SALE", None, None, DAY),  # dated sales price
        ("SALE", None, None, dt.date(2026, 12, 1)),
        ("SHIRT", None, "SHIRT-L-BLUE", DAY),  # variant price
        ("SHIRT", None, "SHIRT-M-RED", DAY),  # variant without its own price
        ("BANANA", None, None, DAY),
    ],
)
def test_empty_book_prices_exactly_like_base_price_service(
    item: str, unit: str | None, variant: str | None, day: dt.date
) -> None:
    context = PricingContext(STORE, day, "C1")
    sale_line = line(item, unit=unit, variant_id=variant)
    engine = EnginePricingService(PriceBook.build()).price_lines(context, [sale_line])
    assert engine == BasePriceService().price_lines(context, [sale_line])


def test_keyed_price_and_no_discounts() -> None:
    book = PriceBook.build([TradeAgreement("T", ItemCode.ITEM, "GIFT", AccountCode.ALL_CUSTOMERS,
                                           None, D("1"), "EUR")])  # fmt: skip
    priced = EnginePricingService(book).price_lines(
        PricingContext(STORE, DAY), [line("GIFT", keyed_price=D("4.95"))]
    )
    assert priced["L1"].unit_price == D("4.95")
    assert priced["L1"].price_source == "keyed-in price"
    assert priced["L1"].discounts == ()


BOOK = PriceBook.build(
    [
        TradeAgreement(
            "TA-17",
            ItemCode.ITEM,
            "COLA",
            AccountCode.PRICE_GROUP,
            "VIP",
            D("0.99"),
            "EUR",
            from_quantity=D("6"),
        ),  # fmt: skip
        TradeAgreement(
            "TA-18", ItemCode.ITEM_GROUP, "DRINKS", AccountCode.PRICE_GROUP, "S1", D("1.09"), "EUR"
        ),  # fmt: skip
    ],
    [
        PriceAdjustment(
            "PA-1",
            "Shirt week",
            frozenset({"S1"}),
            AdjustmentKind.PERCENT_OFF,
            D("10"),
            category_ids=frozenset({"CLOTHES"}),
        ),  # fmt: skip
    ],
    price_groups=[PriceGroup("VIP", "VIP", 0), PriceGroup("S1", "Store 1", 0)],
    item_groups={"COLA": "DRINKS"},
    store_price_groups={"S1": ["S1"]},
    customer_price_groups={"C-VIP": ["VIP"]},
    category_parents={"TSHIRTS": "CLOTHES"},
)


def test_service_uses_store_and_customer_groups_and_explains() -> None:
    service = EnginePricingService(BOOK)
    anonymous = PricingContext(STORE, DAY)
    vip = PricingContext(STORE, DAY, "C-VIP")
    six = line("COLA", "6")
    assert service.price_lines(anonymous, [six])["L1"].unit_price == D("1.09")
    priced = service.price_lines(vip, [six])["L1"]
    assert priced.unit_price == D("0.99")
    assert priced.price_source == "trade agreement TA-17 (item COLA, price group VIP, qty >= 6)"
    why = service.explain(vip, line("COLA", "5"))
    assert why.agreement_id == "TA-18"
    assert [str(c) for c in why.considered] == [
        "trade agreement TA-17 at 0.99: quantity break not reached (qty >= 6)"
    ]


def test_category_adjustment_through_the_category_tree() -> None:
    from dataclasses import replace

    shirt = replace(PRODUCTS["SHIRT"], category_id="TSHIRTS")
    sale_line = SaleLine("L1", shirt, D("1"), "ea", variant_id="SHIRT-L-BLUE")
    priced = EnginePricingService(BOOK).price_lines(PricingContext(STORE, DAY), [sale_line])
    assert priced["L1"].unit_price == D("15.30")  # variant 17.00 less 10 %
    assert priced["L1"].price_source == (
        "variant SHIRT-L-BLUE price with price adjustment PA-1 (10% off)"
    )


def test_facade_sells_at_the_agreement_price() -> None:
    book = PriceBook.build(
        [
            TradeAgreement(
                "TA-1", ItemCode.ITEM, "COLA", AccountCode.PRICE_GROUP, "S1", D("0.89"), "EUR"
            )
        ],  # fmt: skip
        price_groups=[PriceGroup("S1", "Store 1")],
        store_price_groups={"S1": ["S1"]},
    )
    rt, _ = make_runtime(pricing=EnginePricingService(book))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    (sold,) = rt.transaction.lines
    assert sold.unit_price == D("0.89")
    assert sold.gross_amount == D("0.89")
    assert sold.price_source == "trade agreement TA-1 (item COLA, price group Store 1)"
