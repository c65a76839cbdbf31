"""Products from the change log: the hot path of a full download (a million of them).

A product travels with its variants, barcodes and dated prices (docs/master-data.md). A page
of products is written with one statement per table: the children of every upserted product
are deleted by `item_id IN (...)` in chunks, the products upserted (`ON CONFLICT (item_id)`,
so a product keeps its rowid and the FTS index its entry: migration 0004's trigger re-indexes
only a changed name or description), and the children inserted again. Barcodes and variant
ids are unique across products, so they are upserted too: one moving to another product
follows the change that moved it.

The reader is written out by hand rather than with `master_fields.field` for every column,
because it runs five million times per million-product download.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from local_db import master_fields as F
from local_db.master_entities import Entity, Parsed, Refs
from local_db.master_fields import MissingParent, RowError

CHUNK = 500  # keys per `IN (...)`: far below SQLite's variable limit

_FLAGS = (
    "weighed", "keyed_in_price", "blocked_at_self_checkout", "not_returnable",
    "serial_required", "blocked_for_sale", "inactive",
)  # fmt: skip
_PRODUCT_COLUMNS = (
    "item_id, name, description, category_id, item_tax_group, base_price, sales_unit,"
    " weighed, keyed_in_price, blocked_at_self_checkout, not_returnable, serial_required,"
    " blocked_for_sale, inactive, min_age"
)
_UPDATED = ", ".join(
    f"{c} = excluded.{c}" for c in _PRODUCT_COLUMNS.replace(" ", "").split(",")[1:]
)
PRODUCT_UPSERT = (
    f"INSERT INTO products ({_PRODUCT_COLUMNS}) VALUES ({', '.join('?' * 15)})"
    f" ON CONFLICT (item_id) DO UPDATE SET {_UPDATED}"
)
VARIANT_UPSERT = (
    "INSERT INTO variants (variant_id, item_id, dimensions, base_price, position)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (variant_id) DO UPDATE SET item_id = excluded.item_id,"
    " dimensions = excluded.dimensions, base_price = excluded.base_price,"
    " position = excluded.position"
)
BARCODE_UPSERT = (
    "INSERT INTO barcodes (code, item_id, variant_id, unit, quantity) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (code) DO UPDATE SET item_id = excluded.item_id,"
    " variant_id = excluded.variant_id, unit = excluded.unit, quantity = excluded.quantity"
)
PRICE_INSERT = "INSERT INTO sales_prices (item_id, price, valid_from, valid_to) VALUES (?, ?, ?, ?)"


_PLAIN = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,12})?").fullmatch
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch


def _money(value: Any, name: str) -> str:
    """A plain decimal string is stored as sent (it is already what `str(Decimal)` gives)."""
    if type(value) is str and _PLAIN(value):
        return value
    try:
        return F.decimal(value)
    except RowError as exc:
        raise RowError(f"{name} {exc}") from None


def _day(value: Any, name: str) -> str:
    if type(value) is str and _DAY(value):
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise RowError(f"{name} must be a date YYYY-MM-DD")


def _text(value: Any, name: str) -> str:
    if type(value) is not str or len(value) > F.MAX_TEXT or "\x00" in value:
        raise RowError(f"{name} must be text without NUL characters")
    return value


_PARENTS = {  # field -> (table, column) it names
    "category_id": ("categories", "category_id"),
    "item_tax_group": ("tax_groups", "group_id"),
    "sales_unit": ("units", "code"),
    "unit": ("units", "code"),
}


def _ref(value: Any, name: str, known: set[str], what: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in known:
        text = _text(value, name)
        raise MissingParent(*_PARENTS[name], text, f"{name} {text!r} is not a known {what}")
    return str(value)


class ProductEntity(Entity):
    name, table, key_sql, key_column = "product", "products", "item_id", "item_id"

    def parse(self, key: str, data: Mapping[str, Any], refs: Refs) -> Parsed:
        return self.reader(refs)(key, data)

    def reader(self, refs: Refs) -> Callable[[str, Mapping[str, Any]], Parsed]:
        """A parser with the page's categories, tax groups and units at hand (hot loop)."""
        categories = refs.known("categories", "category_id")
        tax_groups = refs.known("tax_groups", "group_id")
        units = refs.known("units", "code")
        flags = _FLAGS

        def parse(key: str, data: Mapping[str, Any]) -> Parsed:
            get = data.get
            if get("item_id") != key:
                raise RowError(f"its item_id ({get('item_id')!r}) does not match the change's key")
            name = get("name")
            if name is None:
                raise RowError("name is missing")
            description = get("description")
            unit = _ref(get("sales_unit") or "ea", "sales_unit", units, "unit")
            row: list[Any] = [
                key, _text(name, "name"),
                "" if description is None else _text(description, "description"),
                _ref(get("category_id"), "category_id", categories, "category"),
                _ref(get("item_tax_group"), "item_tax_group", tax_groups, "tax group"),
                _money(get("base_price"), "base_price") if "base_price" in data
                else _missing("base_price"),
                unit,
            ]  # fmt: skip
            for flag in flags:
                value = get(flag)
                if value is None or value is False:
                    row.append(0)
                elif value is True:
                    row.append(1)
                else:
                    raise RowError(f"{flag} must be true or false")
            min_age = get("min_age") or 0
            if type(min_age) is not int or not 0 <= min_age < 200:
                raise RowError("min_age must be a whole number of years")
            row.append(min_age)
            variants = _variants(key, get("variants")) if get("variants") else ()
            barcodes = _barcodes(key, get("barcodes"), variants, units) if get("barcodes") else ()
            prices = _prices(key, get("prices")) if get("prices") else ()
            return Parsed(key, tuple(row), (variants, barcodes, prices))

        return parse

    def parse_many(
        self, items: Sequence[tuple[str, Any]], refs: Refs, bad: Callable[[int, RowError], None]
    ) -> list[Parsed]:
        parse = self.reader(refs)
        rows = []
        for i, (key, data) in enumerate(items):
            try:
                if not isinstance(data, Mapping):
                    raise RowError("an upsert needs its data (an object)")
                rows.append(parse(key, data))
            except RowError as exc:
                bad(i, exc)
        return rows

    def upsert(self, conn: sqlite3.Connection, rows: Sequence[Parsed]) -> None:
        keys = [p.key for p in rows]
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            known = conn.execute(
                f"SELECT count(*) FROM products WHERE item_id IN ({marks})", chunk
            ).fetchone()[0]
            if known:  # a first download meets no existing children: skip three deletes
                for table in ("sales_prices", "barcodes", "variants"):
                    conn.execute(f"DELETE FROM {table} WHERE item_id IN ({marks})", chunk)
        with _fts_in_bulk(conn):
            conn.executemany(PRODUCT_UPSERT, [p.row for p in rows])
        conn.executemany(VARIANT_UPSERT, [v for p in rows for v in p.children[0]])
        conn.executemany(BARCODE_UPSERT, [b for p in rows for b in p.children[1]])
        conn.executemany(PRICE_INSERT, [s for p in rows for s in p.children[2]])


@contextmanager
def _fts_in_bulk(conn: sqlite3.Connection) -> Iterator[None]:
    """Index the products a page inserts with one `INSERT ... SELECT` instead of the
    insert trigger's one FTS insert per row (three times faster on a million products).
    The trigger is dropped and created again inside the page's transaction, from its own
    stored SQL, so no other connection ever sees it missing and the index never misses a row:
    new rows are exactly those above the largest rowid before the page (no AUTOINCREMENT,
    and this page deletes after it inserts)."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'products_fts_ai'"
    ).fetchone()
    if found is None:
        yield
        return
    top = conn.execute("SELECT coalesce(max(id), 0) FROM products").fetchone()[0]
    conn.execute("DROP TRIGGER products_fts_ai")
    yield
    conn.execute(found[0])
    conn.execute(
        "INSERT INTO products_fts (rowid, name, description)"
        " SELECT id, name, description FROM products WHERE id > ?",
        (top,),
    )


def _missing(name: str) -> str:
    raise RowError(f"{name} is missing")


def _list(value: Any, name: str) -> list[Any]:
    if type(value) is not list:
        raise RowError(f"{name} must be a list")
    return value


Rows = tuple[tuple[Any, ...], ...]


def _variants(key: str, found: Any) -> Rows:
    rows = []
    for i, v in enumerate(_list(found, "variants")):
        try:
            v = F.mapping(v, "it")
            dims = F.field(v, "dimensions", F.text_map)
            price = F.field(v, "base_price", F.opt_decimal, None)
            vid = F.field(v, "variant_id", F.key_text)
            rows.append((vid, key, dims, price, F.field(v, "position", F.integer, 0)))
        except RowError as exc:
            raise RowError(f"variants[{i}]: {exc}") from None
    return tuple(rows)


def _barcodes(key: str, found: Any, variants: Rows, units: set[str]) -> Rows:
    rows = []
    for i, b in enumerate(_list(found, "barcodes")):
        if type(b) is not dict:
            raise RowError(f"barcodes[{i}] must be an object")
        code, variant, unit, quantity = (
            b.get("code"),
            b.get("variant_id"),
            b.get("unit"),
            b.get("quantity"),
        )
        if type(code) is not str or not code.strip() or len(code) > 200 or "\x00" in code:
            raise RowError(f"barcodes[{i}]: code must be text")
        if variant is not None and variant not in {v[0] for v in variants}:
            raise RowError(f"barcodes[{i}]: variant_id {str(variant)[:40]!r} is not one of its own")
        if unit is not None and unit not in units:
            text = _text(unit, "unit")
            raise MissingParent("units", "code", text, f"barcodes[{i}]: unit {text!r} is not known")
        if quantity is None:
            quantity = "1"
        elif type(quantity) is not str or not _PLAIN(quantity):
            quantity = _money(quantity, f"barcodes[{i}]: quantity")
        rows.append((code, key, variant, unit, quantity))
    return tuple(rows)


def _prices(key: str, found: Any) -> Rows:
    rows = []
    for i, s in enumerate(_list(found, "prices")):
        if type(s) is not dict:
            raise RowError(f"prices[{i}] must be an object")
        price, start, end = s.get("price"), s.get("valid_from"), s.get("valid_to")
        if type(price) is not str or not _PLAIN(price):
            price = (
                _money(price, f"prices[{i}]: price")
                if price is not None
                else _missing(f"prices[{i}]: price")
            )
        if type(start) is not str or start not in _GOOD_DAYS and not _real_day(start):
            start = _day(start, f"prices[{i}]: valid_from")
        if end is not None and (
            type(end) is not str or end not in _GOOD_DAYS and not _real_day(end)
        ):
            end = _day(end, f"prices[{i}]: valid_to")
        rows.append((key, price, start, end))
    return tuple(rows)


_GOOD_DAYS: set[str] = set()  # days already checked: a catalogue's prices share a few dates


def _real_day(text: str) -> bool:
    if not _DAY(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    if len(_GOOD_DAYS) < 10_000:
        _GOOD_DAYS.add(text)
    return True
