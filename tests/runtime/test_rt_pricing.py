"""The built-in pricing service and receipt-number masks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from runtime.catalog import Product, SalesPrice
from runtime.operations import AddLine, AddTender, Conclude
from runtime.ports import LinePricing, PricingContext
from runtime.pricing import BasePriceService
from runtime.receipt_numbers import format_receipt_number, validate_mask
from runtime.system import FixedClock
from runtime.transaction import SaleLine
from tests.runtime.fakes import PRODUCTS, make_runtime, ok, store_config

D = Decimal
STORE = store_config()


def price(
    product: Product,
    day: dt.date,
    *,
    unit: str | None = None,
    variant_id: str | None = None,
    keyed: str | None = None,
) -> LinePricing:
    line = SaleLine(
        "L1",
        product,
        D("1"),
        unit or product.sales_unit,
        variant_id=variant_id,
        keyed_price=None if keyed is None else D(keyed),
    )
    return BasePriceService().price_line(PricingContext(STORE, day), line)


SALE = PRODUCTS["SALE"]  # base 5.00; 3.99 from 2026-11-01 to 2026-11-30; 2.99 in January 2026


@pytest.mark.parametrize(
    ("day", "expected", "source"),
    [
        (dt.date(2026, 10, 31), "5.00", "base price"),
        (dt.date(2026, 11, 1), "3.99", "sales price 2026-11-01..2026-11-30"),  # from: inclusive
        (dt.date(2026, 11, 23), "3.99", "sales price 2026-11-01..2026-11-30"),
        (dt.date(2026, 11, 30), "3.99", "sales price 2026-11-01..2026-11-30"),  # to: inclusive
        (dt.date(2026, 12, 1), "5.00", "base price"),  # expired
        (dt.date(2026, 1, 15), "2.99", "sales price 2026-01-01..2026-01-31"),
        (dt.date(2025, 12, 31), "5.00", "base price"),
    ],
)
def test_dated_sales_price(day: dt.date, expected: str, source: str) -> None:
    assert price(SALE, day) == LinePricing(D(expected), source)


def test_lowest_of_overlapping_sales_prices_and_open_end() -> None:
    product = Product(
        "P",
        "Tea",
        D("6.00"),
        sales_prices=(
            SalesPrice(D("4.50"), dt.date(2026, 11, 1)),  # open-ended
            SalesPrice(D("3.99"), dt.date(2026, 11, 20), dt.date(2026, 11, 25)),
            SalesPrice(D("4.20"), dt.date(2026, 11, 10), dt.date(2026, 12, 31)),
            SalesPrice(D("1.00"), dt.date(2026, 12, 1), dt.date(2026, 12, 2)),  # not yet
        ),
    )
    assert price(product, dt.date(2026, 11, 23)) == LinePricing(
        D("3.99"), "sales price 2026-11-20..2026-11-25"
    )
    assert price(product, dt.date(2026, 11, 26)).unit_price == D("4.20")
    assert price(product, dt.date(2027, 6, 1)) == LinePricing(
        D("4.50"), "sales price 2026-11-01..open"
    )


def test_variant_and_keyed_prices() -> None:
    shirt = PRODUCTS["SHIRT"]
    day = dt.date(2026, 11, 23)
    assert price(shirt, day, variant_id="SHIRT-L-BLUE") == LinePricing(
        D("17.00"), "variant SHIRT-L-BLUE price"
    )
    assert price(shirt, day, variant_id="SHIRT-M-RED") == LinePricing(D("15.00"), "base price")
    # a keyed-in price wins over everything, even an active sales price
    assert price(SALE, day, keyed="2.00") == LinePricing(D("2.00"), "keyed-in price")


def test_sales_price_in_another_unit() -> None:
    cola_on_sale = Product(
        "COLA",
        "Cola",
        D("1.19"),
        sales_prices=(SalesPrice(D("0.99"), dt.date(2026, 11, 1)),),
    )
    pricing = price(cola_on_sale, dt.date(2026, 11, 23), unit="pk6")
    assert pricing.unit_price == D("5.94")  # 6 x 0.99
    assert pricing.price_source == "sales price 2026-11-01..open x 6 ea/pk6"


@pytest.mark.parametrize(
    ("utc", "timezone", "expected"),
    [
        # 22:30 UTC on 30 Nov is 23:30 in Berlin: still the sale's last day
        (dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), "Europe/Berlin", "3.99"),
        # 23:30 UTC on 30 Nov is 00:30 on 1 Dec in Berlin: the sale has ended
        (dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), "Europe/Berlin", "5.00"),
        # the same instant in a UTC store is still 30 Nov
        (dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), "UTC", "3.99"),
        # 1 Nov 03:30 in Tokyo is 31 Oct 18:30 UTC: the sale has already begun there
        (dt.datetime(2026, 10, 31, 18, 30, tzinfo=dt.UTC), "Asia/Tokyo", "3.99"),
    ],
)
def test_the_store_local_day_decides(utc: dt.datetime, timezone: str, expected: str) -> None:
    rt, _ = make_runtime(store_config(timezone=timezone), clock=FixedClock(utc))
    line = ok(rt.add_line(AddLine(item_id="SALE")))
    assert line.unit_price == D(expected)


def test_receipt_number_uses_the_store_local_date() -> None:
    clock = FixedClock(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC))  # 1 Dec in Berlin
    rt, _ = make_runtime(clock=clock)
    assert rt.local_day() == dt.date(2026, 12, 1)
    ok(rt.add_line(AddLine(item_id="COLA")))
    ok(rt.add_tender(AddTender("cash")))
    assert ok(rt.conclude(Conclude())).transaction.receipt_number == "S1-R1-20261201-0001"


# ---- receipt number masks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mask",
    [
        "{store}-{register}-{yyyy}{mm}{dd}-{seq:06}",
        "{seq}",
        "R{register}/{yy}{mm}{dd}/{seq:>8}",
        "{{literal}}-{seq:04d}",
    ],
)
def test_valid_masks(mask: str) -> None:
    assert validate_mask(mask) is None


@pytest.mark.parametrize(
    ("mask", "reason"),
    [
        ("{store}-{register}-{yyyy}", "receipt mask must contain {seq}"),
        ("{{seq}}", "receipt mask must contain {seq}"),  # escaped: a literal, not a field
        ("{store}-{nope}-{week}-{seq}", "receipt mask has unknown fields: nope, week"),
        ("{store.x}-{seq}", "receipt mask has unknown fields: store.x"),
        ("{seq", "receipt mask is malformed"),
        ("}{seq}", "receipt mask is malformed"),
        ("{seq:abc}", "receipt mask cannot be formatted"),
        ("{yyyy:d}-{seq}", "receipt mask cannot be formatted"),  # date parts are text
        ("{seq!z}", "receipt mask cannot be formatted"),
    ],
)
def test_invalid_masks(mask: str, reason: str) -> None:
    problem = validate_mask(mask)
    assert problem is not None
    assert problem.startswith(reason)


def test_format_receipt_number() -> None:
    day = dt.date(2026, 1, 5)
    mask = "{store}-{register}-{yyyy}{mm}{dd}-{seq:06}"
    assert format_receipt_number(mask, "S1", "R1", day, 42) == "S1-R1-20260105-000042"
    assert format_receipt_number("{yy}{mm}{dd}/{seq}", "S1", "R1", day, 42) == "260105/42"
    # a sequence outgrowing its width is never cut (that would repeat numbers)
    assert format_receipt_number("{seq:03}", "S", "R", day, 12345) == "12345"
    assert format_receipt_number("{yy}-{seq}", "S", "R", dt.date(2007, 3, 9), 1) == "07-1"


def test_a_register_with_a_bad_mask_does_not_start() -> None:
    with pytest.raises(ValueError, match="register R1: receipt mask must contain"):
        make_runtime(mask="{store}-{register}")
