"""Full downloads on a real register database: the cursor travels with its page, an
interrupted download resumes, a new full download removes what the server no longer sends
(and the register sells on its old data until it finishes), and an older database upgrades."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from master_support import (
    EPOCH_A,
    EPOCH_B,
    STORE,
    items,
    master_rows,
    open_copy,
    page,
    product,
    rows_of,
)

from local_db import DEMO_ITEMS, Database, SqlCatalogReader, open_database
from local_db.master_apply import (
    MasterItem,
    apply_page,
    master_counts,
    read_cursor,
    start_full_download,
)
from local_db.seed_master import DEMO_PRODUCTS

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    open_database(path, create=True).close()
    return path


@pytest.fixture
def db(empty_db: Path, tmp_path: Path) -> Iterator[Database]:
    database = open_copy(empty_db, tmp_path / "register.db")
    yield database
    database.close()


def test_the_cursor_is_stored_with_its_page_and_a_download_resumes(
    db: Database, tmp_path: Path
) -> None:
    start_full_download(db, STORE)
    rows = master_rows()
    first, second = items(rows[:10]), items(rows[10:], first=11)
    page(db, first, has_more=True, high_water=len(rows))
    cursor = read_cursor(db)
    assert cursor is not None and cursor.full_download and cursor.epoch == EPOCH_A
    assert (cursor.cursor, cursor.applied_version, cursor.high_water) == (
        f"{EPOCH_A}.10", 10, len(rows)
    )
    db.close()  # the register is switched off in the middle of the download
    with open_database(db.path) as again:
        resumed = start_full_download(again, STORE)  # the sync client starts over ...
        assert resumed == cursor  # ... and carries on where it stood
        page(again, second)
        done = read_cursor(again)
        assert done is not None and not done.full_download
        assert done.cursor == f"{EPOCH_A}.{len(rows)}"
        assert master_counts(again)["products"] == 3
        forced = start_full_download(again, STORE, force=True)
        assert forced.cursor is None and forced.full_download and forced.epoch == ""


def test_a_new_full_download_removes_what_the_server_no_longer_sends(db: Database) -> None:
    start_full_download(db, STORE)
    page(db, items(master_rows()))
    catalog = SqlCatalogReader(db)
    assert catalog.find_barcode("401002") is not None
    # the server's log was reset (410): download everything again into the same tables
    start_full_download(db, STORE, EPOCH_B)
    kept = [r for r in master_rows() if r[0] not in ("product", "customer", "discount")]
    kept.append(("product", "1001", product("1001", "11.00")))
    page(db, items(kept), epoch=EPOCH_B, has_more=True)
    # in between, the register sells on what it has: old rows and the new ones
    old = catalog.find_barcode("401002")
    assert old is not None and old.product.base_price == Decimal("0.10")
    changed = catalog.find_barcode("401001")
    assert changed is not None and changed.product.base_price == Decimal("11.00")
    result = page(db, items([("product", "1004", product("1004"))], 500), epoch=EPOCH_B)
    assert result.full_download_finished and result.problems == ()
    assert result.swept == 4  # products 1002 and 1003, customer C1, discount D1
    assert catalog.find_barcode("401002") is None and catalog.product("1003") is None
    assert rows_of(db, "SELECT count(*) FROM variants") == [(0,)]
    assert catalog.find_barcode("401004") is not None
    assert [s.item_id for s in catalog.search("product")] == ["1001", "1004"]
    assert rows_of(db, "SELECT count(*) FROM customers") == [(0,)]
    assert rows_of(db, "SELECT kind FROM pricing_documents") == [("price_group",)]
    assert rows_of(db, "SELECT count(*) FROM sync_stale") == [(0,)]
    assert rows_of(db, "SELECT count(*) FROM stores") == [(1,)]


def test_a_parent_the_new_download_still_uses_is_kept(db: Database) -> None:
    start_full_download(db, STORE)
    page(db, items(master_rows()))
    start_full_download(db, STORE, EPOCH_B)
    # headquarters forgot the FRUIT category but still sends a product in it
    rows = [r for r in master_rows() if (r[0], r[1]) != ("category", "FRUIT")]
    result = page(db, items(rows), epoch=EPOCH_B)
    assert result.full_download_finished
    assert any(p.startswith("category FRUIT: no longer sent") for p in result.problems)
    assert rows_of(db, "SELECT count(*) FROM categories WHERE category_id = 'FRUIT'") == [(1,)]


def test_the_register_sells_during_a_full_download(
    seeded_store: Path, tmp_path: Path
) -> None:
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Conclude

    path = tmp_path / "register.db"
    shutil.copy(seeded_store, path)
    with open_database(path) as db:
        start_full_download(db, "S001")
        choc = DEMO_PRODUCTS["chocolate"]
        code = DEMO_ITEMS["chocolate"]
        body = product(choc.item_id, "1.79", name=choc.name, category_id=None, prices=[],
                       item_tax_group="reduced", barcodes=[{"code": code}])  # fmt: skip

        apply_page(
            db, store_id="S001", epoch=EPOCH_A, next_cursor=f"{EPOCH_A}.1", has_more=True,
            high_water=100, items=[MasterItem(1, "product", choc.item_id, "upsert", body)],
        )  # fmt: skip
    reg = open_register(path, "R1", operator_id="1001", extensions=[])
    try:
        ensure_open_shift(reg.runtime)
        rt = reg.runtime
        assert rt.add_line(AddLine(barcode=DEMO_ITEMS["chocolate"])).ok  # the new row
        assert rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])).ok  # an old row
        lines = rt.transaction.active_lines if rt.transaction else ()
        assert [line.unit_price for line in lines][:1] == [Decimal("1.79")]
        assert rt.add_tender(AddTender("cash")).ok
        assert rt.conclude(Conclude()).ok
    finally:
        reg.close()
    with open_database(path) as db:
        assert rows_of(db, "SELECT count(*) FROM transactions") == [(1,)]
        cursor = read_cursor(db)
        assert cursor is not None and cursor.full_download


def test_a_database_from_schema_0003_upgrades_and_takes_pages(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0003.sqlite", path)
    with open_database(path) as db:
        trigger = rows_of(db, "SELECT sql FROM sqlite_master WHERE name = 'products_fts_au'")
        assert "WHEN old.name IS NOT new.name" in trigger[0][0]
        assert read_cursor(db) is None
        start_full_download(db, "S001")
        stale = rows_of(db, "SELECT count(*) FROM sync_stale WHERE entity = 'product'")
        assert stale == [(40,)]  # every product of the old database is listed
        espresso = DEMO_PRODUCTS["espresso"]
        code = DEMO_ITEMS["espresso"]
        body = product(espresso.item_id, "15.49", name="Espresso Gold", category_id=None,
                       item_tax_group="reduced", barcodes=[{"code": code}])  # fmt: skip

        apply_page(
            db, store_id="S001", epoch=EPOCH_A, next_cursor=f"{EPOCH_A}.1", has_more=True,
            high_water=1, items=[MasterItem(1, "product", espresso.item_id, "upsert", body)],
        )  # fmt: skip
        catalog = SqlCatalogReader(db)
        assert [s.item_id for s in catalog.search("espresso gold")] == [espresso.item_id]
        hit = catalog.find_barcode(DEMO_ITEMS["espresso"])
        assert hit is not None and hit.product.base_price == Decimal("15.49")
        assert db.integrity_check() == []
