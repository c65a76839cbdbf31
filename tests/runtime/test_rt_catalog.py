"""Catalog value objects, unit conversions, and selling in units other than the sales unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from runtime.catalog import (
    BarcodeHit,
    Product,
    SalesPrice,
    UnitConversion,
    UnitOfMeasure,
    Variant,
    conversion_factor,
)
from runtime.operations import AddLine, RefusalCode, SetUnit
from tests.runtime.fakes import BARCODES, PRODUCTS, make_runtime, ok, refusal_of, store_config

D = Decimal
PK6 = UnitConversion("pk6", "ea", D("6"))


def test_conversion_factor_directions() -> None:
    cola = PRODUCTS["COLA"]
    assert conversion_factor(cola, "ea", "ea") == 1
    assert conversion_factor(cola, "pk6", "ea", (PK6,)) == D("6")
    assert conversion_factor(cola, "ea", "pk6", (PK6,)) == D(1) / D(6)  # the inverse
    assert conversion_factor(cola, "kg", "ea", (PK6,)) is None
    assert conversion_factor(cola, "pk6", "ea") is None  # no global table given


def test_item_conversions_win_and_foreign_ones_are_ignored() -> None:
    crate = Product(
        "BEER",
        "Beer",
        D("1.00"),
        conversions=(
            UnitConversion("pk6", "ea", D("4"), item_id="OTHER"),  # another item's: skipped
            UnitConversion("pk6", "ea", D("5"), item_id="BEER"),
        ),
    )
    assert conversion_factor(crate, "pk6", "ea", (PK6,)) == D("5")
    plain = Product("X", "X", D("1.00"), conversions=(UnitConversion("pk6", "ea", D("0")),))
    # a zero factor cannot be inverted: fall through to the global table
    assert conversion_factor(plain, "ea", "pk6", (UnitConversion("ea", "pk6", D("0.5")),)) == D(
        "0.5"
    )


def test_value_objects() -> None:
    v = Variant("V", {"style": "Slim", "colour": "Red", "size": "M"})
    assert v.label() == "Red / M / Slim"  # colour, size, style
    shirt = PRODUCTS["SHIRT"]
    assert shirt.has_variants and not PRODUCTS["COLA"].has_variants
    assert shirt.variant("SHIRT-L-BLUE") is not None and shirt.variant("nope") is None
    sp = SalesPrice(D("1"), dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert sp.active_on(dt.date(2026, 1, 1)) and sp.active_on(dt.date(2026, 1, 31))
    assert not sp.active_on(dt.date(2025, 12, 31)) and not sp.active_on(dt.date(2026, 2, 1))


def test_barcode_naming_an_unknown_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        BARCODES, "4000000000068", BarcodeHit("4000000000068", PRODUCTS["SHIRT"], "SHIRT-XXL")
    )
    rt, _ = make_runtime()
    refusal = refusal_of(rt.add_line(AddLine(barcode="4000000000068")))
    assert refusal.code is RefusalCode.UNKNOWN_ITEM
    assert "SHIRT-XXL" in refusal.message


def gram_store() -> object:
    base = store_config()
    return store_config(
        units={**base.units, "g": UnitOfMeasure("g", "gram")},
        unit_conversions=(*base.unit_conversions, UnitConversion("kg", "g", D("1000"))),
    )


def test_selling_in_a_smaller_unit_keeps_the_price(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        PRODUCTS,
        "CHEESE",
        Product("CHEESE", "Cheese", D("24.90"), sales_unit="kg", item_tax_group="reduced"),
    )
    monkeypatch.setitem(
        PRODUCTS,
        "SALT",
        Product("SALT", "Salt", D("2.49"), sales_unit="kg", item_tax_group="reduced"),
    )
    rt, _ = make_runtime(gram_store())
    cheese = ok(rt.add_line(AddLine(item_id="CHEESE", unit="g", quantity=D("250"))))
    # 24.90 per kg = 0.0249 per g; 250 g = 6.225 -> 6.23 (not 250 x 0.02 = 5.00)
    assert cheese.gross_amount == D("6.23")
    salt = ok(rt.add_line(AddLine(item_id="SALT", unit="g", quantity=D("100"))))
    # 2.49 per kg: 100 g = 0.249 -> 0.25 (not 100 x 0.00 = 0.00)
    assert salt.gross_amount == D("0.25")
    # back to kg: the quantity stays, so this is now 100 kg at 2.49
    ok(rt.set_unit(SetUnit("L2", "kg")))
    assert rt.transaction is not None and rt.transaction.lines[1].gross_amount == D("249.00")


def test_singles_of_a_pack_priced_item(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        PRODUCTS,
        "BEER6",
        Product("BEER6", "Beer 6-pack", D("7.00"), sales_unit="pk6", item_tax_group="standard"),
    )
    rt, _ = make_runtime()
    one = ok(rt.add_line(AddLine(item_id="BEER6", unit="ea")))
    assert (one.unit_price, one.gross_amount) == (D("1.17"), D("1.17"))  # 7.00 / 6 = 1.1666..
    six = ok(rt.add_line(AddLine(item_id="BEER6", unit="ea", quantity=D("6"))))
    assert six.gross_amount == D("7.00")  # six singles cost the pack price, not 6 x 1.17 = 7.02
