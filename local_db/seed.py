"""A realistic synthetic store for demos, tests and benchmarks, up to a million products.

Deterministic for a given seed (and day, which dated prices are placed around). The file is
built beside the target as `<name>.seeding` with journaling off and indexes/FTS built after the
bulk load, then switched to WAL and renamed into place, so a failed seed never leaves a
half-built database under the real name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from local_db import seed_words as W
from local_db.database import Database, open_database
from local_db.seed_master import (
    CONVERSION_SQL,
    DEMO_PRODUCTS,
    TSHIRT_VARIANTS,
    ean13,
    master_data,
)
from local_db.seed_pricing import seed_pricing

Progress = Callable[[str, int, int], None]

BATCH = 20_000


_PRODUCT_SQL = (
    "INSERT INTO products (id, item_id, name, description, category_id, item_tax_group,"
    " base_price, sales_unit, weighed, keyed_in_price, min_age, blocked_at_self_checkout,"
    " not_returnable, serial_required, blocked_for_sale, inactive)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_VARIANT_SQL = (
    "INSERT INTO variants (variant_id, item_id, dimensions, base_price, position)"
    " VALUES (?, ?, ?, ?, ?)"
)
_BARCODE_SQL = (
    "INSERT INTO barcodes (code, item_id, variant_id, unit, quantity) VALUES (?, ?, ?, ?, ?)"
)
_PRICE_SQL = "INSERT INTO sales_prices (item_id, price, valid_from, valid_to) VALUES (?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class SeedSummary:
    path: Path
    products: int
    variants: int
    barcodes: int
    seconds: float
    size_bytes: int


@dataclass
class _Rows:
    products: list[tuple[object, ...]] = field(default_factory=list)
    variants: list[tuple[object, ...]] = field(default_factory=list)
    barcodes: list[tuple[object, ...]] = field(default_factory=list)
    prices: list[tuple[object, ...]] = field(default_factory=list)
    conversions: list[tuple[object, ...]] = field(default_factory=list)

    def flush(self, conn: sqlite3.Connection) -> None:
        conn.executemany(_PRODUCT_SQL, self.products)
        conn.executemany(_VARIANT_SQL, self.variants)
        conn.executemany(_BARCODE_SQL, self.barcodes)
        conn.executemany(_PRICE_SQL, self.prices)
        conn.executemany(CONVERSION_SQL, self.conversions)
        for rows in (self.products, self.variants, self.barcodes, self.prices, self.conversions):
            rows.clear()


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _demo_items(rows: _Rows, today: dt.date) -> None:
    """The fixed demo products (ids 1..10), documented in DEMO_PRODUCTS."""
    d = DEMO_PRODUCTS
    specs = [  # key, desc, category, tax group, unit, flags(w, k, age, sco, ret, serial)
        (
            "espresso",
            "Whole roasted espresso beans, dark roast.",
            "C05-03-1",
            "reduced",
            "ea",
            (0, 0, 0, 0, 0, 0),
        ),
        (
            "bananas",
            "Fairtrade bananas, sold by weight.",
            "C03-01-3",
            "reduced",
            "kg",
            (1, 0, 0, 0, 0, 0),
        ),
        (
            "wine",
            "Dry red wine from the Languedoc.",
            "C06-04-2",
            "standard",
            "ea",
            (0, 0, 18, 0, 0, 0),
        ),
        ("tshirt", "Cotton crew-neck t-shirt.", "C10-01-1", "standard", "ea", (0, 0, 0, 0, 0, 0)),
        (
            "gift_wrap",
            "Gift wrapping service, price keyed in.",
            "C08-04-1",
            "standard",
            "ea",
            (0, 1, 0, 0, 1, 0),
        ),
        ("cola", "Classic cola, 0.33 l can.", "C06-02-1", "standard", "ea", (0, 0, 0, 0, 0, 0)),
        ("milk", "Fresh whole milk 3.5 % fat.", "C02-01-1", "reduced", "ea", (0, 0, 0, 0, 0, 0)),
        (
            "headphones",
            "Over-ear studio headphones.",
            "C11-01-2",
            "standard",
            "ea",
            (0, 0, 0, 0, 0, 1),
        ),
        (
            "knife",
            "Forged chef's knife, 20 cm blade.",
            "C08-03-2",
            "standard",
            "ea",
            (0, 0, 18, 1, 0, 0),
        ),
        (
            "chocolate",
            "Dark chocolate 70 % cocoa.",
            "C07-01-1",
            "reduced",
            "ea",
            (0, 0, 0, 0, 0, 0),
        ),
    ]
    for rowid, (key, desc, cat, tax, unit, (w, k, age, sco, ret, serial)) in enumerate(specs, 1):
        item = d[key]
        rows.products.append(
            (
                rowid,
                item.item_id,
                item.name,
                desc,
                cat,
                tax,
                str(item.price),
                unit,
                w,
                k,
                age,
                sco,
                ret,
                serial,
                0,
                0,
            )
        )
        if key not in ("tshirt", "cola"):
            rows.barcodes.append((item.barcodes[key], item.item_id, None, None, "1"))
    tshirt = d["tshirt"]
    for pos, ((size, colour), code) in enumerate(
        zip(TSHIRT_VARIANTS, tshirt.barcodes.values(), strict=True), start=1
    ):
        vid = f"{tshirt.item_id}-{pos:02d}"
        price = "14.99" if size == "XL" else None
        rows.variants.append(
            (vid, tshirt.item_id, json.dumps({"colour": colour, "size": size}), price, pos)
        )
        rows.barcodes.append((code, tshirt.item_id, vid, None, "1"))
    cola = d["cola"]
    rows.barcodes.append((cola.barcodes["cola"], cola.item_id, None, None, "1"))
    rows.barcodes.append((cola.barcodes["cola_pack"], cola.item_id, None, "pk6", "1"))
    rows.prices.append(
        (
            d["milk"].item_id,
            "0.99",
            (today - dt.timedelta(days=3)).isoformat(),
            (today + dt.timedelta(days=11)).isoformat(),
        )
    )
    rows.prices.append(
        (
            d["milk"].item_id,
            "1.09",
            (today - dt.timedelta(days=40)).isoformat(),
            (today - dt.timedelta(days=20)).isoformat(),
        )
    )


class _Generator:
    """Streams synthetic products after the demo items; all randomness from one Random."""

    def __init__(self, rng: random.Random, leaves: list[tuple[str, str, str]], today: dt.date):
        self.rng = rng
        self.today = today
        self.by_group: dict[tuple[str, str], list[str]] = {}
        for dept, group, leaf in leaves:
            self.by_group.setdefault((dept, group), []).append(leaf)
        self.groups = list(self.by_group)
        self.code = 401_000_000_000  # 12-digit body of the next barcode, increasing
        self.variants = 0

    def _barcode(self) -> str:
        self.code += 1 + self.rng.randrange(9)
        return ean13(self.code)

    def product(self, rowid: int, rows: _Rows) -> None:
        rng, r = self.rng, self.rng.random
        dept, group = self.groups[rng.randrange(len(self.groups))]
        category = rng.choice(self.by_group[(dept, group)])
        noun = rng.choice(W.DEPARTMENTS[dept][group])
        brand, adjective = rng.choice(W.BRANDS), rng.choice(W.ADJECTIVES)
        item_id = str(1_000_000 + rowid)
        weighed = group in W.WEIGHED_GROUPS and r() < 0.35
        master = not weighed and (r() < 0.95 if dept in W.VARIANT_DEPARTMENTS else r() < 0.01)
        if weighed or master:
            size = ""
        elif dept in W.DRINK_DEPARTMENTS:
            size = rng.choice(W.DRINK_SIZES)
        elif dept in W.FOOD_DEPARTMENTS:
            size = rng.choice(W.FOOD_SIZES)
        else:
            size = rng.choice(W.ITEM_SIZES)
        name = f"{brand} {adjective} {noun} {size}".rstrip()
        desc = f"{adjective} {noun.lower()} from {brand}. {rng.choice(W.PHRASES)}"
        if dept in W.FOOD_DEPARTMENTS:
            cents, tax = rng.randrange(4, 120) * 10 + 9, "reduced"
        elif dept in ("Electronics", "Clothing"):
            cents, tax = rng.randrange(50, 1500) * 10 + 9, "standard"
        else:
            cents, tax = rng.randrange(5, 300) * 10 + 9, "standard"
        if r() < 0.005:
            tax = "exempt"
        keyed = not weighed and r() < 0.02
        age = 18 if group in W.AGE_GROUPS and r() < 0.85 else 0
        serial = 1 if dept in W.SERIAL_DEPARTMENTS and r() < 0.11 else 0
        sco = 1 if age or r() < 0.005 else 0
        rows.products.append(
            (
                rowid,
                item_id,
                name,
                desc,
                category,
                tax,
                _money(cents),
                "kg" if weighed else "ea",
                int(weighed),
                int(keyed),
                age,
                sco,
                int(r() < 0.02),
                serial,
                int(r() < 0.004),
                int(r() < 0.004),
            )
        )
        if master:
            self._variants(item_id, cents, rows)
        else:
            rows.barcodes.append((self._barcode(), item_id, None, None, "1"))
            if r() < 0.3:
                rows.barcodes.append((self._barcode(), item_id, None, None, "1"))
            if dept in W.DRINK_DEPARTMENTS and r() < 0.4:
                rows.barcodes.append((self._barcode(), item_id, None, "pk6", "1"))
            elif group == "Sweets" and r() < 0.1:
                rows.barcodes.append((self._barcode(), item_id, None, "ea", "4"))
            elif dept == "Pantry" and r() < 0.03:
                rows.conversions.append(("cs", "ea", rng.choice(("12", "24")), item_id))
                rows.barcodes.append((self._barcode(), item_id, None, "cs", "1"))
        if r() < 0.05:
            self._sales_price(item_id, cents, rows)

    def _variants(self, item_id: str, cents: int, rows: _Rows) -> None:
        rng = self.rng
        count = rng.randint(2, 6)
        colours = rng.sample(W.COLOURS, 2)
        sizes = rng.sample(W.APPAREL_SIZES, 3)
        style = rng.choice(W.STYLES) if rng.random() < 0.1 else None
        combos = [(s, c) for c in colours for s in sizes][:count]
        for pos, (size, colour) in enumerate(combos, start=1):
            vid = f"{item_id}-{pos:02d}"
            dims = {"colour": colour, "size": size}
            if style:
                dims["style"] = style
            price = _money(cents + 200) if size in ("XL", "XXL") and rng.random() < 0.5 else None
            rows.variants.append((vid, item_id, json.dumps(dims, sort_keys=True), price, pos))
            rows.barcodes.append((self._barcode(), item_id, vid, None, "1"))
            if rng.random() < 0.3:
                rows.barcodes.append((self._barcode(), item_id, vid, None, "1"))
        self.variants += len(combos)

    def _sales_price(self, item_id: str, cents: int, rows: _Rows) -> None:
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < 0.4:  # running now
            start, end = (
                today - dt.timedelta(rng.randint(1, 30)),
                today + dt.timedelta(rng.randint(1, 30)),
            )
        elif roll < 0.5:  # running, open-ended
            start, end = today - dt.timedelta(rng.randint(1, 60)), None
        elif roll < 0.9:  # expired
            end = today - dt.timedelta(rng.randint(1, 60))
            start = end - dt.timedelta(14)
        else:  # future
            start = today + dt.timedelta(rng.randint(1, 30))
            end = start + dt.timedelta(14)
        price = _money(max(9, cents * 8 // 10 // 10 * 10 + 9))
        rows.prices.append((item_id, price, start.isoformat(), end.isoformat() if end else None))


def seed_store(
    path: str | Path,
    products: int = 1000,
    *,
    seed: int = 42,
    today: dt.date | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> SeedSummary:
    """Build a fresh store database at `path` with `products` product masters (the first ten
    are DEMO_PRODUCTS). Refuses an existing file unless `overwrite`."""
    started = time.perf_counter()
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists (pass overwrite to replace it)")
    report = progress or (lambda stage, done, total: None)
    tmp = path.with_name(path.name + ".seeding")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        leftover.unlink(missing_ok=True)
    report("schema", 0, 1)
    open_database(tmp, create=True).close()
    today = today or dt.date.today()
    rng = random.Random(seed)
    total = max(products, len(DEMO_PRODUCTS))
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "foreign_keys = OFF",
            "cache_size = -131072",
            "temp_store = MEMORY",
            "locking_mode = EXCLUSIVE",
        ):
            conn.execute(f"PRAGMA {pragma}").fetchall()
        deferred = _drop_deferred(conn)
        conn.execute("BEGIN")
        leaves = master_data(conn, rng)
        rows = _Rows()
        _demo_items(rows, today)
        gen = _Generator(rng, leaves, today)
        n_variants = len(TSHIRT_VARIANTS)
        n_barcodes = 0
        for rowid in range(len(DEMO_PRODUCTS) + 1, total + 1):
            gen.product(rowid, rows)
            if len(rows.products) >= BATCH:
                n_barcodes += len(rows.barcodes)
                rows.flush(conn)
                report("products", rowid, total)
        n_barcodes += len(rows.barcodes)
        rows.flush(conn)
        seed_pricing(conn, today)
        n_variants += gen.variants
        conn.execute("COMMIT")
        report("products", total, total)
        report("indexes", 0, 1)
        conn.execute("BEGIN")
        for sql in deferred:
            conn.execute(sql)
        conn.execute("COMMIT")
        report("search index", 0, 1)
        conn.execute("INSERT INTO products_fts (products_fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO products_fts (products_fts) VALUES ('optimize')")
        conn.execute("PRAGMA locking_mode = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL").fetchall()
    finally:
        conn.close()
    os.replace(tmp, path)
    report("done", 1, 1)
    return SeedSummary(
        path, total, n_variants, n_barcodes, time.perf_counter() - started, path.stat().st_size
    )


def _drop_deferred(conn: sqlite3.Connection) -> list[str]:
    """Drop the FTS insert trigger and the secondary catalogue indexes for the bulk load;
    returns the SQL that recreates them (read back from the schema, so migrations stay the
    single source of truth). The FTS index is rebuilt in one pass afterwards."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
        " (type = 'trigger' AND name = 'products_fts_ai') OR (type = 'index' AND tbl_name IN"
        " ('products', 'variants', 'barcodes', 'sales_prices', 'unit_conversions')))"
    ).fetchall()
    for kind, name, _ in rows:
        conn.execute(f"DROP {kind.upper()} {name}")
    return [sql for _, _, sql in rows]


def sample_barcodes(db: Database, n: int, *, seed: int = 0, sellable: bool = True) -> list[str]:
    """Up to `n` distinct barcodes of products picked at random, deterministic for a seed.

    With `sellable`, only codes that add a line without prompts: active, not weighed, no
    keyed price, age check, serial number or self-checkout block, and naming a variant when
    the product has variants.
    """
    rng = random.Random(seed)
    where = (
        " AND p.weighed + p.keyed_in_price + p.min_age + p.blocked_at_self_checkout"
        " + p.serial_required + p.blocked_for_sale + p.inactive = 0 AND (b.variant_id IS NOT NULL"
        " OR NOT EXISTS (SELECT 1 FROM variants v WHERE v.item_id = p.item_id))"
        if sellable
        else ""
    )
    sql = (
        "SELECT b.code FROM products p JOIN barcodes b ON b.item_id = p.item_id"
        f" WHERE p.id = ?{where} ORDER BY b.code"
    )
    found: dict[str, None] = {}
    with db.read("sample barcodes") as conn:
        top = conn.execute("SELECT max(id) FROM products").fetchone()[0] or 0
        for _ in range(n * 20):
            if len(found) >= n or not top:
                break
            codes = [r[0] for r in conn.execute(sql, (rng.randint(1, top),))]
            if codes:
                found[rng.choice(codes)] = None
    return list(found)
