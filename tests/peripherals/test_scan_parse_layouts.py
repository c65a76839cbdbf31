"""In-store barcode layouts are data: valid ones decode, invalid ones say every problem."""

from __future__ import annotations

from decimal import Decimal

import pytest

from peripherals.scan_parse import parse_scan
from peripherals.scan_parse_layouts import (
    BarcodeLayout,
    LayoutError,
    ValueKind,
    check_layouts,
    encode_in_store,
    parse_prefixes,
)


@pytest.mark.parametrize(
    ("spec", "prefixes"),
    [
        ("2", ("2",)),
        ("02", ("02",)),
        ("20-22", ("20", "21", "22")),
        ("20-21, 28", ("20", "21", "28")),
        ("20-29", tuple(str(n) for n in range(20, 30))),
    ],
)
def test_prefix_specs(spec: str, prefixes: tuple[str, ...]) -> None:
    assert parse_prefixes(spec) == prefixes


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", "the prefix is empty"),
        ("2x", "not made of digits"),
        ("2-29", "ends of different widths"),
        ("29-20", "runs backwards"),
    ],
)
def test_bad_prefix_specs_say_how_to_write_one(spec: str, expected: str) -> None:
    with pytest.raises(LayoutError, match=expected) as caught:
        parse_prefixes(spec)
    assert '"20-29"' in str(caught.value)


def test_a_range_layout_reads_every_prefix_of_the_range() -> None:
    layout = BarcodeLayout("weight 20-29", "20-29", 5, ValueKind.WEIGHT, 5, 3)
    for prefix in ("20", "25", "29"):
        code = encode_in_store(layout, prefix, "00777", Decimal("0.455"))
        result = parse_scan(code, (layout,))
        assert (result.layout, result.item_code, result.weight) == (
            "weight 20-29",
            "00777",
            Decimal("0.455"),
        )


def test_one_digit_prefix_and_six_item_digits() -> None:
    layout = BarcodeLayout("price 2", "2", 6, ValueKind.PRICE, 5, 2)
    code = encode_in_store(layout, "2", "123456", Decimal("123.45"))
    result = parse_scan(code, (layout,))
    assert (result.item_code, result.price) == ("123456", Decimal("123.45"))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": " "}, "give the layout a name"),
        ({"prefix": "2a"}, "not made of digits"),
        ({"length": 14}, "length must be 13 (EAN-13) or 12 (UPC-A), not 14"),
        ({"item_digits": 0}, "item digits must be at least 1"),
        ({"decimals": 6}, "decimals must be between 0 and the 5 value digits"),
        ({"item_digits": 4}, "= 12 digits, but the code has 13"),
        ({"price_check_digit": True}, "= 14 digits, but the code has 13"),
        (
            {"value_digits": 3, "item_digits": 7, "price_check_digit": True},
            "a price check digit needs a 4- or 5-digit value, not 3 digits",
        ),
        ({"kind": "volume"}, "kind must be 'price' or 'weight', not 'volume'"),
    ],
)
def test_invalid_layouts_are_refused_with_clear_messages(
    fields: dict[str, object], expected: str
) -> None:
    base: dict[str, object] = {
        "name": "weight 21",
        "prefix": "21",
        "item_digits": 5,
        "kind": ValueKind.WEIGHT,
        "value_digits": 5,
        "decimals": 3,
    }
    with pytest.raises(LayoutError) as caught:
        BarcodeLayout(**{**base, **fields})  # type: ignore[arg-type]
    assert expected in str(caught.value)
    assert str(caught.value).startswith("barcode layout ")


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(LayoutError) as caught:
        BarcodeLayout("bad", "2", 0, ValueKind.PRICE, 0, 2, length=11)
    message = str(caught.value)
    for part in ("length must be", "item digits", "value digits", "decimals"):
        assert part in message


def test_overlapping_layouts_are_reported() -> None:
    weight_2x = BarcodeLayout("weight 20-29", "20-29", 5, ValueKind.WEIGHT, 5, 3)
    price_23 = BarcodeLayout("price 23", "23", 5, ValueKind.PRICE, 5, 2)
    price_02 = BarcodeLayout("price 02", "02", 5, ValueKind.PRICE, 5, 2)
    upc_2 = BarcodeLayout("upc price 2", "2", 5, ValueKind.PRICE, 5, 2, length=12)
    assert check_layouts((weight_2x, price_02)) == []
    problems = check_layouts((weight_2x, price_23, price_02, upc_2))
    assert len(problems) == 2
    assert "'weight 20-29' and 'price 23' both claim 23… codes" in problems[0]
    assert "'price 02' and 'upc price 2'" in problems[1]


def test_encode_refuses_values_that_do_not_fit() -> None:
    layout = BarcodeLayout("price 02", "02", 5, ValueKind.PRICE, 5, 2)
    with pytest.raises(LayoutError, match="does not fit 5 digits with 2 decimals"):
        encode_in_store(layout, "02", "00001", Decimal("1000.00"))
    with pytest.raises(LayoutError, match="does not fit"):
        encode_in_store(layout, "02", "00001", Decimal("1.001"))
    with pytest.raises(LayoutError, match="is not a prefix"):
        encode_in_store(layout, "21", "00001", Decimal("1"))
