"""Catalogue lookups, FTS5 search (including hostile input) and configuration loading."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from local_db import (
    DEMO_ITEMS,
    DEMO_PRODUCTS,
    Database,
    SqlCatalogReader,
    load_register_config,
    load_store_config,
    open_database,
    sample_barcodes,
)
from local_db.catalog import fts_query
from runtime.config import TaxRounding, TenderKind


@pytest.fixture(scope="module")
def reader(catalog_db: Database) -> SqlCatalogReader:
    return SqlCatalogReader(catalog_db)


def test_barcode_resolves_to_a_fully_built_product(reader: SqlCatalogReader) -> None:
    hit = reader.find_barcode(DEMO_ITEMS["espresso"])
    assert hit is not None
    assert hit.barcode == DEMO_ITEMS["espresso"]
    assert hit.product.item_id == DEMO_PRODUCTS["espresso"].item_id
    assert hit.product.name == "Espresso Beans 1kg"
    assert hit.product.base_price == Decimal("14.99")
    assert hit.product.item_tax_group == "reduced"
    assert hit.product.category_id == "C05-03-1"
    assert (hit.variant_id, hit.unit, hit.quantity) == (None, None, Decimal("1"))


def test_variant_barcode_names_the_variant(reader: SqlCatalogReader) -> None:
    hit = reader.find_barcode(DEMO_ITEMS["tshirt"])
    assert hit is not None and hit.variant_id is not None
    variant = hit.product.variant(hit.variant_id)
    assert variant is not None and dict(variant.dimensions) == {"size": "M", "colour": "Red"}
    assert len(hit.product.variants) == 6
    xl = [v for v in hit.product.variants if v.dimensions["size"] == "XL"]
    assert xl[0].base_price == Decimal("14.99")


def test_pack_barcode_carries_unit_and_quantity(reader: SqlCatalogReader) -> None:
    hit = reader.find_barcode(DEMO_ITEMS["cola_pack"])
    assert hit is not None
    assert (hit.unit, hit.quantity, hit.product.name) == ("pk6", Decimal("1"), "Cola 0.33l")


@pytest.mark.parametrize(
    ("key", "check"),
    [
        ("bananas", lambda p: p.flags.weighed and p.sales_unit == "kg"),
        ("wine", lambda p: p.flags.min_age == 18),
        ("knife", lambda p: p.flags.blocked_at_self_checkout and p.flags.min_age == 18),
        ("headphones", lambda p: p.flags.serial_required),
        ("gift_wrap", lambda p: p.flags.keyed_in_price and p.flags.not_returnable),
        ("milk", lambda p: len(p.sales_prices) == 2),
        ("chocolate", lambda p: not any(vars_of(p.flags).values())),
    ],
)
def test_demo_item_flags(reader: SqlCatalogReader, key: str, check) -> None:  # type: ignore[no-untyped-def]
    hit = reader.find_barcode(DEMO_ITEMS[key])
    assert hit is not None and check(hit.product)


def vars_of(flags: object) -> dict[str, object]:
    return {name: getattr(flags, name) for name in flags.__slots__}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "code", ["", "0000000000000", "4000000000014", "x" * 200, "'; DROP TABLE products; --", "%"]
)
def test_unknown_or_malformed_barcodes_are_none(reader: SqlCatalogReader, code: str) -> None:
    assert reader.find_barcode(code) is None


def test_find_item_by_item_id_and_by_variant_id(reader: SqlCatalogReader) -> None:
    master = reader.find_item(DEMO_PRODUCTS["tshirt"].item_id)
    assert master is not None and master.variant_id is None and master.product.has_variants
    variant_id = master.product.variants[2].variant_id
    by_variant = reader.find_item(variant_id)
    assert by_variant is not None
    assert by_variant.variant_id == variant_id
    assert by_variant.product == master.product
    assert reader.find_item("no-such-item") is None


def test_item_specific_conversions_are_loaded(
    catalog_db: Database, reader: SqlCatalogReader
) -> None:
    row = catalog_db.connection.execute(
        "SELECT item_id, factor FROM unit_conversions WHERE item_id IS NOT NULL LIMIT 1"
    ).fetchone()
    if row is None:
        pytest.skip("this seed has no item-specific conversion")
    hit = reader.find_item(row[0])
    assert hit is not None
    assert [(c.from_unit, c.to_unit, c.factor) for c in hit.product.conversions] == [
        ("cs", "ea", Decimal(row[1]))
    ]


def test_sample_barcodes_are_plain_sellable(catalog_db: Database, reader: SqlCatalogReader) -> None:
    codes = sample_barcodes(catalog_db, 60, seed=5)
    assert len(codes) == len(set(codes)) >= 50
    assert codes == sample_barcodes(catalog_db, 60, seed=5)
    for code in codes:
        hit = reader.find_barcode(code)
        assert hit is not None
        flags = hit.product.flags
        assert not (flags.weighed or flags.keyed_in_price or flags.min_age or flags.inactive
                    or flags.serial_required or flags.blocked_for_sale)
        assert hit.variant_id is not None or not hit.product.has_variants


# ---- search -------------------------------------------------------------------------------------


def test_search_by_word_prefixes(reader: SqlCatalogReader) -> None:
    found = reader.search("esp bea")
    assert found and found[0].item_id == DEMO_PRODUCTS["espresso"].item_id
    assert all("esp" in hit.name.lower() for hit in found)
    assert found[0].base_price == Decimal("14.99")


def test_every_word_must_match(reader: SqlCatalogReader) -> None:
    for hit in reader.search("dark choc"):
        words = [w.lower() for w in hit.name.split()]
        assert any(w.startswith("dark") for w in words)


def test_search_limit_and_short_prefixes(reader: SqlCatalogReader) -> None:
    assert len(reader.search("s", limit=7)) == 7
    assert len(reader.search("or", limit=50)) == 50
    assert reader.search("or", limit=0) == []


def test_search_ignores_diacritics_and_case(reader: SqlCatalogReader) -> None:
    plain = reader.search("MUHLENTAL", limit=5)
    assert plain and all("Mühlental" in hit.name for hit in plain)


def test_search_skips_inactive_products(catalog_db: Database, reader: SqlCatalogReader) -> None:
    row = catalog_db.connection.execute(
        "SELECT item_id, name FROM products WHERE inactive = 1 LIMIT 1"
    ).fetchone()
    assert row is not None
    assert row[0] not in {hit.item_id for hit in reader.search(row[1], limit=500)}


@pytest.mark.parametrize(
    "text",
    ['"', "*", "AND", "OR", "NOT", "NEAR(", "NEAR(a b", 'esp"resso', "a AND OR b", "(", ")",
     "name:espresso", "-milk", "^bread", "{name}: x", "'", "\\", "+", "'; DELETE FROM products",
     "   ", "", "\x00", "🍌", "a" * 500, " ".join(["x"] * 100)],
)
def test_hostile_search_input_never_raises(reader: SqlCatalogReader, text: str) -> None:
    results = reader.search(text)
    assert isinstance(results, list)


def test_operators_are_searched_as_words(reader: SqlCatalogReader) -> None:
    assert fts_query("and or") == '"and"* "or"*'
    assert fts_query('say "NEAR(x)"') == '"say"* "NEAR"* "x"*'
    assert fts_query("col:val *") == '"col"* "val"*'
    assert fts_query("!!!") is None


def test_fts_follows_product_changes(db: Database) -> None:
    reader = SqlCatalogReader(db)
    with db.write("edit products") as conn:
        conn.execute(
            "INSERT INTO products (item_id, name, description, base_price, sales_unit)"
            " VALUES ('Z1', 'Zanzibar Clove Tea', 'Spicy', '3.00', 'ea')"
        )
    assert [h.item_id for h in reader.search("zanzi")] == ["Z1"]
    with db.write("rename") as conn:
        conn.execute("UPDATE products SET name = 'Quokka Mints' WHERE item_id = 'Z1'")
    assert reader.search("zanzi") == []
    assert [h.item_id for h in reader.search("quok")] == ["Z1"]
    with db.write("delete") as conn:
        conn.execute("DELETE FROM products WHERE item_id = 'Z1'")
    assert reader.search("quok") == []


# ---- configuration ------------------------------------------------------------------------------


def test_store_config(catalog_db: Database) -> None:
    store = load_store_config(catalog_db, "S001")
    assert store.name == "Tillpoint Demo Market"
    assert (store.currency.code, store.currency.decimals) == ("EUR", 2)
    assert store.prices_include_tax and store.tax_rounding is TaxRounding.PER_LINE
    assert store.timezone == "Europe/Berlin"
    assert [c.code for c in store.tax.applicable("store", "standard")] == ["VAT19"]
    assert [c.code for c in store.tax.applicable("store", "reduced")] == ["VAT7"]
    assert store.tax.applicable("store", "exempt") == ()
    assert store.tax.codes["VAT19"].rate == Decimal("19")
    assert list(store.tender_types) == ["cash", "card", "check", "usd"]
    cash, card = store.tender_types["cash"], store.tender_types["card"]
    assert cash.kind is TenderKind.CASH and cash.gives_change and cash.opens_drawer
    assert (card.min_amount, card.max_amount, card.gives_change) == (
        Decimal("0.01"), Decimal("5000"), False)
    assert store.tender_types["check"].max_amount == Decimal("1000")
    usd = store.tender_types["usd"]
    assert usd.kind is TenderKind.FOREIGN_CURRENCY and usd.currency == "USD"
    assert store.exchange_rates["USD"].rate == Decimal("0.92")
    assert store.units["kg"].decimals == 3
    assert ("pk6", "ea", Decimal("6")) in [
        (c.from_unit, c.to_unit, c.factor) for c in store.unit_conversions
    ]
    assert store.address_lines[0] == "Marktstraße 1"
    assert store.receipt_footer


def test_register_config_and_unknown_ids(catalog_db: Database) -> None:
    r1 = load_register_config(catalog_db, "R1")
    assert (r1.store_id, r1.self_checkout) == ("S001", False)
    assert "{seq" in r1.receipt_mask
    assert load_register_config(catalog_db, "R2").self_checkout
    with pytest.raises(LookupError):
        load_register_config(catalog_db, "R9")
    with pytest.raises(LookupError):
        load_store_config(catalog_db, "S999")


def test_closed_database_raises_storage_error(seeded_store: Path, tmp_path: Path) -> None:
    from runtime.ports import StorageError

    path = tmp_path / "c.db"
    path.write_bytes(seeded_store.read_bytes())
    db = open_database(path)
    reader = SqlCatalogReader(db)
    db.close()
    with pytest.raises(StorageError):
        reader.find_barcode(DEMO_ITEMS["espresso"])
