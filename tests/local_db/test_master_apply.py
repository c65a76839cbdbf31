"""Applying change-log pages to a real register database: every entity upserted and deleted,
money exact, bad rows skipped and reported, unknown entities kept raw, a page all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from master_support import (
    BADGE,
    EPOCH_A,
    HASH_A,
    HASH_B,
    STORE,
    items,
    master_rows,
    open_copy,
    page,
    product,
    rows_of,
)

from local_db import (
    Database,
    SqlCatalogReader,
    load_register_config,
    load_store_config,
    open_database,
)
from local_db.customers import SqlCustomerDirectory
from local_db.hardware import register_profile
from local_db.master_apply import MasterApplyError, MasterItem, read_cursor, start_full_download
from local_db.pricing_store import read_documents
from local_db.staff import SqlStaffDirectory
from runtime.devices import DeviceCategory


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated register database without rows (what a new register starts with)."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    open_database(path, create=True).close()
    return path


@pytest.fixture
def db(empty_db: Path, tmp_path: Path) -> Iterator[Database]:
    database = open_copy(empty_db, tmp_path / "register.db")
    start_full_download(database, STORE)
    yield database
    database.close()


@pytest.fixture
def loaded(db: Database) -> Database:
    result = page(db, items(master_rows()))
    assert result.problems == () and result.ignored == 0
    return db


def test_every_entity_is_applied_to_its_tables(loaded: Database) -> None:
    db = loaded
    store = load_store_config(db, STORE)
    assert store.name == "Test Shop" and store.timezone == "Europe/Berlin"
    assert store.cash_rounding == Decimal("0.05")
    assert set(store.tender_types) == {"cash", "card"}
    assert load_register_config(db, "R1").receipt_mask == "{store}-{register}-{seq:06}"
    assert rows_of(db, "SELECT model FROM register_shift_settings") == [("floating",)]
    assert rows_of(
        db, "SELECT code FROM tax_group_codes WHERE group_id = 'store' ORDER BY code"
    ) == [("VAT19",), ("VAT7",)]
    assert rows_of(db, "SELECT rate FROM exchange_rates") == [("0.9231",)]
    assert rows_of(db, "SELECT value, kind FROM denominations") == [("0.50", "coin")]
    assert rows_of(db, "SELECT max_failed_signins, return_days FROM store_operation_settings") == [
        (3, 30)
    ]
    assert rows_of(db, "SELECT factor, item_id FROM unit_conversions") == [("6", None)]
    profile = register_profile(db, "R1")
    assert profile is not None
    assert [d.category for d in profile.devices] == [
        DeviceCategory.RECEIPT_PRINTER,
        DeviceCategory.CASH_DRAWER,
    ]
    staff = SqlStaffDirectory(db)
    alex = staff.operator("1001")
    assert alex is not None and alex.secret_hash == HASH_A and alex.group_id == "cashier"
    assert staff.operator_by_badge(BADGE) is not None
    group = staff.group("cashier")
    assert group is not None and group.max_line_discount_percent == Decimal("10")
    customer = SqlCustomerDirectory(db).find_customer("C1")
    assert customer is not None and customer.price_groups == ("TRADE",)
    assert {(d.kind, d.document_id) for d in read_documents(db.connection)} == {
        ("price_group", "TRADE"),
        ("discount", "D1"),
    }
    receipt = rows_of(
        db, "SELECT data, error FROM master_documents WHERE entity = 'receipt_profile'"
    )
    assert json.loads(receipt[0][0])["header_lines"] == ["Hello"] and receipt[0][1] is None


def test_products_come_with_variants_barcodes_prices_and_search(loaded: Database) -> None:
    catalog = SqlCatalogReader(loaded)
    hit = catalog.find_barcode("401003L")
    assert hit is not None and hit.variant_id == "1003-L"
    assert [v.base_price for v in hit.product.variants] == [None, Decimal("10.99")]
    pack = catalog.find_barcode("401003P")
    assert pack is not None and pack.unit == "pk6"
    bananas = catalog.product("1002")
    assert bananas is not None and bananas.flags.weighed and bananas.sales_unit == "kg"
    assert bananas.base_price == Decimal("0.10")  # money exactly as sent
    assert [p.price for p in bananas.sales_prices] == [Decimal("0.99")]
    assert [s.item_id for s in catalog.search("product 1001")] == ["1001"]


def test_a_changed_product_replaces_its_children_and_reindexes_its_name(loaded: Database) -> None:
    changed = product("1001", "13.00", name="Espresso Crema", barcodes=[{"code": "4099"}],
                      prices=[])  # fmt: skip
    page(loaded, items([("product", "1001", changed)], first=100))
    catalog = SqlCatalogReader(loaded)
    assert catalog.find_barcode("401001") is None
    hit = catalog.find_barcode("4099")
    assert hit is not None and hit.product.base_price == Decimal("13.00")
    assert hit.product.sales_prices == ()
    assert [s.item_id for s in catalog.search("crema")] == ["1001"]
    assert catalog.search("product 1001") == []
    assert loaded.integrity_check() == []
    with loaded.read("fts") as conn:
        conn.execute("INSERT INTO products_fts (products_fts) VALUES ('integrity-check')")


def test_a_barcode_moving_to_another_product_follows_the_change(loaded: Database) -> None:
    page(loaded, items([("product", "1002", product("1002", barcodes=[{"code": "401001"}]))], 100))
    hit = SqlCatalogReader(loaded).find_barcode("401001")
    assert hit is not None and hit.product.item_id == "1002"


def test_deletes_remove_the_row_and_what_travels_in_it(loaded: Database) -> None:
    gone = [(entity, key, None) for entity, key, _ in reversed(master_rows())]
    result = page(loaded, items(gone, first=100))
    assert result.problems == ()
    assert result.deleted == len(gone)
    for table in (
        "products",
        "variants",
        "barcodes",
        "sales_prices",
        "unit_conversions",
        "stores",
        "registers",
        "register_shift_settings",
        "tax_groups",
        "tax_group_codes",
        "operators",
        "operator_security",
        "hardware_profiles",
        "hardware_devices",
        "customers",
        "pricing_documents",
        "master_documents",
        "tender_types",
        "categories",
        "units",
        "permission_groups",
        "denominations",
    ):
        assert rows_of(loaded, f"SELECT count(*) FROM {table}") == [(0,)], table  # fmt: skip
    assert SqlCatalogReader(loaded).search("product") == []


def test_deleting_a_parent_still_in_use_is_skipped_and_reported(loaded: Database) -> None:
    result = page(loaded, items([("category", "FOOD", None), ("unit", "kg", None)], first=100))
    assert result.deleted == 0 and result.ignored == 2
    assert any(p.startswith("category FOOD: not deleted, still used by") for p in result.problems)
    assert rows_of(loaded, "SELECT count(*) FROM categories WHERE category_id = 'FOOD'") == [(1,)]
    # moving the products away in the same page lets the delete through
    moved = [("product", k, product(k, category_id=None)) for k in ("1001", "1003")]
    moved += [("category", "FRUIT", None), ("product", "1002", None), ("category", "FOOD", None)]
    result = page(loaded, items(moved, first=200))
    assert result.problems == ()
    assert rows_of(loaded, "SELECT count(*) FROM categories") == [(0,)]


def test_bad_rows_are_skipped_reported_and_kept_aside(loaded: Database) -> None:
    bad = [
        ("product", "2001", product("2001", price=1.5)),  # a float: inexact money
        ("product", "2002", product("2002", category_id="NOPE")),
        ("product", "2003", product("2003", barcodes=[{"code": "x", "variant_id": "V9"}])),
        ("product", "2004", product("2005")),  # key and item_id disagree
        ("staff", "1002", {"operator_id": "1002", "name": "Eve", "group_id": "cashier",
                           "secret_hash": "1234"}),  # a secret, never a hash
        ("customer", "C2", {"customer_id": "C2", "name": "Bob", "blocked": "no"}),
        ("product", "2006", product("2006")),  # a good one in the same page
        ("product", "1001", product("1001", price="NaN")),  # an existing product stays as it was
    ]  # fmt: skip
    result = page(loaded, items(bad, first=100))
    assert result.ignored == 6 and result.applied == 1
    assert result.waiting == 1  # 2002 waits for its category (reported: this run is over)
    text = "\n".join(result.problems)
    for expected in (
        "product 2001: base_price",
        "product 2002: category_id 'NOPE'",
        "product 2003: barcodes[0]: variant_id",
        "product 2004: its item_id",
        "staff 1002: secret_hash",
        "customer C2: blocked",
        "product 1001: base_price",
    ):
        assert expected in text  # fmt: skip
    catalog = SqlCatalogReader(loaded)
    assert catalog.product("2006") is not None and catalog.product("2001") is None
    kept = catalog.product("1001")
    assert kept is not None and kept.base_price == Decimal("12.50")
    errors = rows_of(loaded, "SELECT entity, key FROM master_documents WHERE error IS NOT NULL")
    assert len(errors) == 7 and ("product", "2002") in errors
    # the corrected row replaces the broken copy
    page(loaded, items([("product", "2002", product("2002"))], first=200))
    assert catalog.product("2002") is not None
    assert ("product", "2002") not in rows_of(
        loaded, "SELECT entity, key FROM master_documents WHERE error IS NOT NULL"
    )


def test_unknown_entities_are_stored_raw_and_deleted_by_tombstone(loaded: Database) -> None:
    result = page(
        loaded, items([("gift_card_series", "GC1", {"prefix": "99", "value": "25.00"})], 100)
    )
    assert result.counts == {"gift_card_series": 1} and result.problems == ()
    stored = rows_of(loaded, "SELECT data, error, version FROM master_documents"
                             " WHERE entity = 'gift_card_series'")  # fmt: skip
    assert json.loads(stored[0][0]) == {"prefix": "99", "value": "25.00"} and stored[0][1:] == (
        None,
        100,
    )
    page(loaded, items([("gift_card_series", "GC1", None)], 101))
    assert rows_of(
        loaded, "SELECT count(*) FROM master_documents WHERE entity = 'gift_card_series'"
    ) == [(0,)]


def test_a_page_is_all_or_nothing(loaded: Database) -> None:
    before = read_cursor(loaded)
    with loaded.write("a storage fault for one customer row") as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON customers WHEN new.customer_id = 'BOOM'"
            " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
    rows = [
        ("product", "3001", product("3001")),
        ("category", "NEW", {"category_id": "NEW", "name": "New"}),
        ("customer", "BOOM", {"customer_id": "BOOM", "name": "Boom"}),
    ]
    with pytest.raises(MasterApplyError, match=r"customer \(BOOM\).*disk says no"):
        page(loaded, items(rows, first=100))
    assert read_cursor(loaded) == before
    assert SqlCatalogReader(loaded).product("3001") is None
    assert rows_of(loaded, "SELECT count(*) FROM categories WHERE category_id = 'NEW'") == [(0,)]
    assert loaded.connection.in_transaction is False


def test_staff_keep_their_local_lockout_and_changed_pin(loaded: Database) -> None:
    staff = SqlStaffDirectory(loaded)
    staff.record_failed_attempt("1001")
    staff.set_secret_hash("1001", HASH_B, changed_at=None)  # the operator changed the PIN here
    renamed = {"operator_id": "1001", "name": "Alex B.", "group_id": "cashier",
               "secret_hash": HASH_A, "badge_digest": BADGE}  # fmt: skip
    page(loaded, items([("staff", "1001", renamed)], first=100))
    alex = staff.operator("1001")
    assert alex is not None and alex.name == "Alex B."
    assert alex.secret_hash == HASH_B and alex.failed_attempts == 1
    reset = {**renamed, "secret_hash": HASH_B.replace("b3Ro", "cmVz"), "must_change_secret": True}
    page(loaded, items([("staff", "1001", reset)], first=101))  # headquarters reset the PIN
    alex = staff.operator("1001")
    assert alex is not None and alex.secret_hash == reset["secret_hash"] and alex.must_change_secret
    assert alex.failed_attempts == 1


def test_a_page_for_another_store_or_epoch_changes_nothing(loaded: Database) -> None:
    before = read_cursor(loaded)
    one = [MasterItem(100, "product", "4001", "upsert", product("4001"))]
    from local_db.master_apply import apply_page

    with pytest.raises(MasterApplyError, match="store S2"):
        apply_page(loaded, store_id="S2", epoch=EPOCH_A, items=one, next_cursor="x",
                   has_more=False, high_water=1)  # fmt: skip
    with pytest.raises(MasterApplyError, match="full download"):
        apply_page(loaded, store_id=STORE, epoch="c" * 32, items=one, next_cursor="x",
                   has_more=False, high_water=1)  # fmt: skip
    assert read_cursor(loaded) == before
    assert SqlCatalogReader(loaded).product("4001") is None


def test_a_page_before_any_download_was_started_is_refused(empty_db: Path, tmp_path: Path) -> None:
    with open_copy(empty_db, tmp_path / "new.db") as db:
        with pytest.raises(MasterApplyError, match="start_full_download"):
            page(db, items(master_rows()[:1]))
        assert rows_of(db, "SELECT count(*) FROM tax_codes") == [(0,)]


def test_many_products_deleted_in_one_page_take_their_children(loaded: Database) -> None:
    many = [("product", str(5000 + n), product(str(5000 + n))) for n in range(1200)]
    page(loaded, items(many, first=100))
    assert rows_of(loaded, "SELECT count(*) FROM barcodes") == [(1205,)]
    odd = [MasterItem(2000, "product", "5001", "merge", None)]  # an op this register does not know
    result = page(loaded, odd + items([(e, k, None) for e, k, _ in many], first=2001))
    assert result.deleted == 1200 and result.ignored == 1
    assert result.problems == ("product 5001: unknown op 'merge'",)
    assert rows_of(loaded, "SELECT count(*) FROM barcodes") == [(5,)]
    assert rows_of(loaded, "SELECT count(*) FROM sales_prices") == [(3,)]
    assert SqlCatalogReader(loaded).search("product 5001") == []


def test_a_foreign_key_refused_at_commit_names_the_rows_and_applies_nothing(
    loaded: Database,
) -> None:
    before = read_cursor(loaded)
    with loaded.write("an extension table whose rows follow products") as conn:
        conn.execute("CREATE TABLE shelf_labels (code TEXT REFERENCES categories (category_id))")
        conn.execute(
            "CREATE TRIGGER label AFTER INSERT ON products BEGIN"
            " INSERT INTO shelf_labels VALUES ('AISLE-' || new.item_id); END"
        )
    with pytest.raises(MasterApplyError, match="shelf_labels.code 'AISLE-6001' has no categories"):
        page(loaded, items([("product", "6001", product("6001"))], first=100))
    assert read_cursor(loaded) == before
    assert SqlCatalogReader(loaded).product("6001") is None
    assert rows_of(loaded, "SELECT count(*) FROM shelf_labels") == [(0,)]


def test_rows_whose_parent_comes_on_a_later_page_wait_for_it(loaded: Database) -> None:
    # a renamed category moves to a newer version: its products come pages before it
    early = [
        ("product", "7001", product("7001", category_id="NEW")),
        ("category", "NEW-SUB", {"category_id": "NEW-SUB", "name": "Sub", "parent_id": "NEW"}),
        ("product", "7002", product("7002", category_id="NEW-SUB", sales_unit="box")),
    ]
    first = page(loaded, items(early, first=100), has_more=True)
    assert first.waiting == 3 and first.problems == () and first.ignored == 0
    catalog = SqlCatalogReader(loaded)
    assert catalog.product("7001") is None
    later = [("unit", "box", {"code": "box", "name": "Box"})]
    page(loaded, items(later, first=200), has_more=True)
    last = page(loaded, items([("category", "NEW", {"category_id": "NEW", "name": "New"})], 300))
    assert last.waiting == 0 and last.problems == ()
    assert last.counts == {"category": 2, "product": 2}
    assert catalog.product("7001") is not None
    bought = catalog.product("7002")
    assert bought is not None and bought.sales_unit == "box"
    assert rows_of(loaded, "SELECT count(*) FROM master_documents WHERE error IS NOT NULL") == [
        (0,)
    ]


def test_a_parent_that_never_comes_is_reported_when_the_run_ends(loaded: Database) -> None:
    result = page(loaded, items([("product", "7101", product("7101", item_tax_group="zero"))], 100))
    assert result.waiting == 1
    assert result.problems == (
        "product 7101: item_tax_group 'zero' is not a known tax group (not sent by the server"
        " so far)",
    )
    assert SqlCatalogReader(loaded).product("7101") is None
    group = {"group_id": "zero", "name": "Zero rate", "codes": []}
    result = page(loaded, items([("tax_group", "zero", group)], 200))
    assert result.waiting == 0 and SqlCatalogReader(loaded).product("7101") is not None
