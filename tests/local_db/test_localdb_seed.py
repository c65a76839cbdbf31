"""The synthetic store: deterministic, valid barcodes, consistent keys, realistic mix."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from local_db import DEMO_ITEMS, DEMO_PRODUCTS, SqlCatalogReader, open_database, seed_store
from runtime.barcodes import malformed_reason

DAY = dt.date(2025, 6, 15)


def _dump(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows: list[tuple[object, ...]] = []
        for table in ("products", "variants", "barcodes", "sales_prices", "unit_conversions",
                      "categories"):
            rows += conn.execute(f"SELECT '{table}', * FROM {table} ORDER BY 2").fetchall()
        return rows
    finally:
        conn.close()


def test_same_seed_same_store_other_seed_other_store(tmp_path: Path) -> None:
    a = seed_store(tmp_path / "a.db", 300, seed=7, today=DAY)
    b = seed_store(tmp_path / "b.db", 300, seed=7, today=DAY)
    c = seed_store(tmp_path / "c.db", 300, seed=8, today=DAY)
    assert _dump(a.path) == _dump(b.path)
    assert _dump(a.path) != _dump(c.path)
    assert a.products == 300
    assert not list(tmp_path.glob("*.seeding*"))


def test_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    seed_store(path, 20, today=DAY)
    with pytest.raises(FileExistsError):
        seed_store(path, 20, today=DAY)
    assert seed_store(path, 30, today=DAY, overwrite=True).products == 30


def test_progress_is_reported(tmp_path: Path) -> None:
    stages: list[str] = []
    seed_store(tmp_path / "p.db", 50, today=DAY, progress=lambda s, done, total: stages.append(s))
    assert stages[0] == "schema" and stages[-1] == "done" and "search index" in stages


@pytest.fixture(scope="module")
def conn(seeded_store: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{seeded_store}?mode=ro", uri=True)


def test_every_barcode_is_a_valid_gtin(conn: sqlite3.Connection) -> None:
    codes = [r[0] for r in conn.execute("SELECT code FROM barcodes")]
    assert len(codes) > 2000
    assert [c for c in codes if len(c) != 13 or malformed_reason(c) is not None] == []


def test_keys_are_consistent(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    fts = conn.execute("SELECT count(*) FROM products_fts WHERE products_fts MATCH 'classic'")
    plain = conn.execute(
        "SELECT count(*) FROM products WHERE name || ' ' || description LIKE '%classic%'")
    assert fts.fetchone()[0] == plain.fetchone()[0]


def test_realistic_mix(conn: sqlite3.Connection) -> None:
    n = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    assert n == 2000

    def share(where: str) -> float:
        return float(conn.execute(f"SELECT count(*) FROM products WHERE {where}").fetchone()[0]) / n

    assert 0.02 < share("weighed") < 0.09
    assert 0.01 < share("keyed_in_price") < 0.04
    assert 0.015 < share("min_age = 18") < 0.06
    assert 0.003 < share("serial_required") < 0.025
    assert 0.01 < share("not_returnable") < 0.04
    assert share("inactive") > 0 and share("blocked_for_sale") > 0
    assert share("blocked_at_self_checkout") > 0.01
    masters = conn.execute("SELECT count(DISTINCT item_id) FROM variants").fetchone()[0] / n
    assert 0.06 < masters < 0.14
    per_master = conn.execute(
        "SELECT min(c), max(c) FROM (SELECT count(*) c FROM variants GROUP BY item_id)").fetchone()
    assert per_master[0] >= 2 and per_master[1] <= 6
    assert 0.03 < share("item_id IN (SELECT item_id FROM sales_prices)") < 0.08
    packs = conn.execute("SELECT count(*) FROM barcodes WHERE unit = 'pk6'").fetchone()[0]
    assert packs > 10
    assert 150 <= conn.execute("SELECT count(*) FROM categories").fetchone()[0] <= 300
    depth = conn.execute(
        "SELECT count(*) FROM categories c JOIN categories p ON c.parent_id = p.category_id"
        " WHERE p.parent_id IS NOT NULL").fetchone()[0]
    assert depth > 100  # three levels


def test_demo_items_resolve(seeded_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    path.write_bytes(seeded_store.read_bytes())
    with open_database(path) as db:
        reader = SqlCatalogReader(db)
        for key, code in DEMO_ITEMS.items():
            hit = reader.find_barcode(code)
            assert hit is not None, key
            owner = next(p for p in DEMO_PRODUCTS.values() if key in p.barcodes)
            assert hit.product.item_id == owner.item_id
            assert hit.product.name == owner.name
