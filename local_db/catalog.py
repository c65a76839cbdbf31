"""The catalogue port on SQLite: barcode and item lookups, and FTS5 product search.

Lookups are plain prepared SQL on the database's shared connection (sqlite3 caches the
prepared statements), so a scan costs a handful of index probes and no ORM work.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from local_db.database import Database
from runtime.catalog import (
    BarcodeHit,
    Product,
    ProductFlags,
    SalesPrice,
    UnitConversion,
    Variant,
)
from runtime.ports import ItemHit, ProductSummary

_PRODUCT_SQL = (
    "SELECT item_id, name, base_price, sales_unit, description, category_id, item_tax_group,"
    " weighed, keyed_in_price, min_age, blocked_at_self_checkout, not_returnable,"
    " serial_required, blocked_for_sale, inactive FROM products WHERE item_id = ?"
)
_VARIANTS_SQL = (
    "SELECT variant_id, dimensions, base_price FROM variants WHERE item_id = ?"
    " ORDER BY position, variant_id"
)
_PRICES_SQL = (
    "SELECT price, valid_from, valid_to FROM sales_prices WHERE item_id = ? ORDER BY valid_from, id"
)
_CONVERSIONS_SQL = (
    "SELECT from_unit, to_unit, factor FROM unit_conversions WHERE item_id = ? ORDER BY id"
)
_BARCODE_SQL = "SELECT item_id, variant_id, unit, quantity FROM barcodes WHERE code = ?"
_VARIANT_ITEM_SQL = "SELECT item_id FROM variants WHERE variant_id = ?"
# Rowid order (no ORDER BY): FTS5 stops after `limit` matches instead of ranking every match,
# which keeps a two-letter prefix on a million products in the low milliseconds.
_SEARCH_SQL = (
    "SELECT p.item_id, p.name, p.base_price FROM products_fts f"
    " JOIN products p ON p.id = f.rowid"
    " WHERE products_fts MATCH ? AND p.inactive = 0 LIMIT ?"
)
_RANKED_SEARCH_SQL = (
    "SELECT p.item_id, p.name, p.base_price FROM products_fts f"
    " JOIN products p ON p.id = f.rowid"
    " WHERE products_fts MATCH ? AND p.inactive = 0 ORDER BY f.rank LIMIT ?"
)

MAX_SEARCH_WORDS = 8
MAX_WORD_LENGTH = 40
_WORD = re.compile(r"[^\W_]+")  # letters and digits: exactly what FTS5 unicode61 keeps


def fts_query(text: str) -> str | None:
    """User text → an FTS5 query where every word is a quoted prefix term, ANDed.

    Quotes, `*`, parentheses, `:` and the like are separators here, and every word is quoted,
    so `AND`, `NEAR(` or a lone `"` are searched as text and never parsed as FTS syntax.
    None when nothing searchable is left.
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text))
    terms = [f'"{w[:MAX_WORD_LENGTH]}"*' for w in words[:MAX_SEARCH_WORDS]]
    return " ".join(terms) if terms else None


def _flag(value: object) -> bool:
    return bool(value)


_day = dt.date.fromisoformat


class SqlCatalogReader:
    """`runtime.ports.CatalogReader` on the register database.

    `ranked=True` orders search results by FTS5 bm25; it is off by default because ranking
    must score every match, which on a million products is too slow for short prefixes.
    """

    def __init__(self, db: Database, *, ranked: bool = False) -> None:
        self._db = db
        self._search_sql = _RANKED_SEARCH_SQL if ranked else _SEARCH_SQL

    def find_barcode(self, code: str) -> BarcodeHit | None:
        with self._db.read("look up a barcode") as conn:
            rows = conn.execute(_BARCODE_SQL, (code,)).fetchall()
            if not rows:
                return None
            item_id, variant_id, unit, quantity = rows[0]
            product = self._product(conn, item_id)
        if product is None:  # foreign keys make this impossible; be safe anyway
            return None
        return BarcodeHit(
            barcode=code,
            product=product,
            variant_id=variant_id,
            unit=unit,
            quantity=Decimal(quantity),
        )

    def find_item(self, item_or_variant_id: str) -> ItemHit | None:
        with self._db.read("look up an item") as conn:
            product = self._product(conn, item_or_variant_id)
            if product is not None:
                return ItemHit(product)
            rows = conn.execute(_VARIANT_ITEM_SQL, (item_or_variant_id,)).fetchall()
            if not rows:
                return None
            product = self._product(conn, rows[0][0])
        return None if product is None else ItemHit(product, item_or_variant_id)

    def product(self, item_id: str) -> Product | None:
        """The product master by item id (variants, dated prices and conversions included)."""
        with self._db.read("load a product") as conn:
            return self._product(conn, item_id)

    def search(self, text: str, limit: int = 50) -> Sequence[ProductSummary]:
        query = fts_query(text)
        if query is None or limit <= 0:
            return []
        with self._db.read("search products") as conn:
            try:
                rows = conn.execute(self._search_sql, (query, int(limit))).fetchall()
            except sqlite3.OperationalError as exc:
                if "fts5" in str(exc):  # defence in depth: sanitised input should never get here
                    return []
                raise
        return [ProductSummary(item_id, name, Decimal(price)) for item_id, name, price in rows]

    def _product(self, conn: sqlite3.Connection, item_id: str) -> Product | None:
        rows = conn.execute(_PRODUCT_SQL, (item_id,)).fetchall()
        if not rows:
            return None
        r = rows[0]
        variants = tuple(
            Variant(vid, json.loads(dims), None if price is None else Decimal(price))
            for vid, dims, price in conn.execute(_VARIANTS_SQL, (item_id,))
        )
        prices = tuple(
            SalesPrice(Decimal(price), _day(start), None if end is None else _day(end))
            for price, start, end in conn.execute(_PRICES_SQL, (item_id,))
        )
        conversions = tuple(
            UnitConversion(src, dst, Decimal(factor), item_id)
            for src, dst, factor in conn.execute(_CONVERSIONS_SQL, (item_id,))
        )
        return Product(
            item_id=r[0],
            name=r[1],
            base_price=Decimal(r[2]),
            sales_unit=r[3],
            description=r[4],
            category_id=r[5],
            item_tax_group=r[6],
            flags=ProductFlags(
                weighed=_flag(r[7]),
                keyed_in_price=_flag(r[8]),
                min_age=int(r[9]),
                blocked_at_self_checkout=_flag(r[10]),
                not_returnable=_flag(r[11]),
                serial_required=_flag(r[12]),
                blocked_for_sale=_flag(r[13]),
                inactive=_flag(r[14]),
            ),
            variants=variants,
            sales_prices=prices,
            conversions=conversions,
        )
