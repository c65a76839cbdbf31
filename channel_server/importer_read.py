"""Reading an import directory into entities, with every row-level and reference check.

Small files are read whole; products and their variants, barcodes and prices are streamed
into compact per-item structures and joined only when written (`product_data`). References
are checked against the entity's file when it is part of the import, otherwise (or with a
partial import, additionally) against what the server's change log already holds, through
the `Known` resolver.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from channel_server.importer_docs import check_hardware_profile
from channel_server.importer_format import (
    Entry,
    FileSpec,
    Problems,
    Row,
    find_file,
    read_rows,
)
from channel_server.importer_progress import Progress, count_lines
from channel_server.importer_specs import (
    BARCODES,
    PRICES,
    PRODUCT_PARTS,
    PRODUCTS,
    SIMPLE,
    STOCK,
    STORE_SCOPED,
    VARIANTS,
)

_SYNC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@#-]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")

_SPEC_OF = {entity: spec for spec, entity in SIMPLE.items()}
# entity -> (column, referenced entity): checked for every row
REFS: dict[str, tuple[tuple[str, str], ...]] = {
    "tax_group": (("codes", "tax_code"),),
    "store": (("store_tax_group", "tax_group"),),
    "store_settings": (("store_id", "store"),),
    "register": (("store_id", "store"), ("hardware_profile_id", "hardware_profile")),
    "tender_type": (("store_id", "store"),),
    "exchange_rate": (("store_id", "store"),),
    "reason_code": (("store_id", "store"),),
    "unit_conversion": (("from_unit", "unit"), ("to_unit", "unit"), ("item_id", "product")),
    "category": (("parent_id", "category"),),
    "staff": (("group_id", "permission_group"),),
    "product": (
        ("category_id", "category"), ("item_tax_group", "tax_group"), ("sales_unit", "unit"),
    ),
    "barcode": (("unit", "unit"),),
    "stock": (("store_id", "store"), ("item_id", "product")),
}  # fmt: skip


REFS_NAMES = {"category_id": "category", "item_tax_group": "tax group", "sales_unit": "unit"}


def entity_key(entity: str, row: Row) -> tuple[str, str]:
    """(store id or "" for chain-wide entities, the change-log key) of a row."""
    if entity == "unit_conversion":
        return "", f"{row['from_unit']}|{row['to_unit']}|{row.get('item_id') or ''}"
    if entity == "denomination":
        return "", f"{row['currency']}|{row['value']}"
    if entity == "store":
        return row["store_id"], row["store_id"]
    key = str(row[_SPEC_OF[entity].key[-1]])
    return (row["store_id"] if entity in STORE_SCOPED else ""), key


@dataclass
class Catalog:
    """Everything an import directory holds, checked."""

    files: dict[str, Path] = field(default_factory=dict)  # spec name -> path
    entities: dict[str, dict[tuple[str, str], Entry]] = field(default_factory=dict)
    products: dict[str, Row] = field(default_factory=dict)
    variants: dict[str, list[Row]] = field(default_factory=dict)
    barcodes: dict[str, list[Row]] = field(default_factory=dict)
    prices: dict[str, list[Row]] = field(default_factory=dict)
    stock: dict[str, dict[str, str]] = field(default_factory=dict)
    pricing: dict[str, dict[str, Entry]] = field(default_factory=dict)  # entity -> id -> doc
    failed: dict[str, set[str]] = field(default_factory=dict)  # keys of rows with a bad cell

    def present(self, entity: str) -> bool:
        return entity in self.entities or (entity == "product" and "products" in self.files)

    def product_data(self, item_id: str) -> Row:
        """The `product` entity: the product row with its variants, barcodes and prices, each
        list sorted so that re-ordered files give the same data (and record no change)."""
        data = dict(self.products[item_id])
        data["variants"] = _sorted(self.variants.get(item_id), _variant_order)
        data["barcodes"] = _sorted(self.barcodes.get(item_id), _barcode_order)
        data["prices"] = _sorted(self.prices.get(item_id), _price_order)
        return data


def _variant_order(v: Row) -> tuple[int, str]:
    return v.get("position", 0), v["variant_id"]


def _barcode_order(b: Row) -> str:
    return str(b["code"])


def _price_order(p: Row) -> tuple[str, str]:
    return p["valid_from"], p["price"]


def _sorted(rows: list[Row] | None, order: Callable[[Row], Any]) -> list[Row]:
    if not rows:
        return []
    return sorted(rows, key=order) if len(rows) > 1 else list(rows)


class Known:
    """The keys an entity will have after the import, for reference checks."""

    def __init__(self, catalog: Catalog, partial: bool, stored: Callable[[str], set[str]]) -> None:
        self._catalog = catalog
        self._partial = partial
        self._stored = stored
        self._cache: dict[str, Container[str]] = {}

    def __call__(self, entity: str) -> Container[str]:
        if entity not in self._cache:
            keys = self._keys(entity)
            failed = self._catalog.failed.get(entity)
            self._cache[entity] = keys if not failed else set(keys) | failed  # type: ignore[call-overload]
        return self._cache[entity]

    def _keys(self, entity: str) -> Container[str]:
        catalog = self._catalog
        if entity == "product" and "products" in catalog.files:
            if not self._partial:
                return catalog.products
            return set(catalog.products) | self._stored(entity)
        if catalog.present(entity):
            own = {key for _, key in catalog.entities[entity]}
            return own | self._stored(entity) if self._partial else own
        return self._stored(entity)


def check_refs(
    entity: str, file: str, where: str, row: Row, known: Known, problems: Problems
) -> None:
    for column, target in REFS.get(entity, ()):
        value = row.get(column)
        if value is None:
            continue
        for one in value if isinstance(value, list) else (value,):
            if one not in known(target):
                problems.add(file, where, column, f"unknown {target.replace('_', ' ')} {one!r}")


class Reader:
    """Reads the files of one directory into a Catalog, reporting to `problems`."""

    def __init__(
        self, directory: Path, problems: Problems, progress: Progress, partial: bool
    ) -> None:
        self.directory = directory
        self.problems = problems
        self.progress = progress
        self.partial = partial
        self.catalog = Catalog()

    def locate(self, specs: list[FileSpec], pricing: list[str]) -> None:
        for spec in specs:
            path = find_file(self.directory, spec, self.problems)
            if path is not None:
                self.catalog.files[spec.name] = path
        for name in pricing:
            path = self.directory / f"{name}.json"
            if path.exists():
                self.catalog.files[name] = path
            elif (self.directory / f"{name}.csv").exists():
                self.problems.add(f"{name}.csv", "", "", f"pricing documents are JSON: {name}.json")

    def rows(self, spec: FileSpec, entity: str = "") -> Iterator[tuple[str, str, Row]]:
        """(file name, where, row) of a file, with a progress bar for the big ones; the keys
        of rows with a bad cell go to `catalog.failed[entity]`."""
        failed = self.catalog.failed.setdefault(entity, set())

        def on_bad(row: Row) -> None:
            if entity:
                try:
                    failed.add(entity_key(entity, row)[1])
                except KeyError:
                    pass  # its key itself is bad

        path = self.catalog.files[spec.name]
        total = count_lines(path) - 1 if path.suffix == ".csv" else 0
        name = path.name
        with self.progress.bar(f"reading {name}", total) as bar:
            for where, row in read_rows(path, spec, self.problems, on_bad):
                bar.advance(1)
                yield name, where, row

    def read_simple(self) -> None:
        for spec, entity in SIMPLE.items():
            if spec.name not in self.catalog.files:
                continue
            found: dict[tuple[str, str], Entry] = {}
            for file, where, row in self.rows(spec, entity):
                key = entity_key(entity, row)
                first = found.get(key)
                if first is not None:
                    self._dupe(file, where, spec, key, first.where)
                    continue
                found[key] = Entry(where, file, row)
            self.catalog.entities[entity] = found

    def _dupe(self, file: str, where: str, spec: FileSpec, key: object, first: str) -> None:
        shown = "/".join(k for k in key if k) if isinstance(key, tuple) else key
        self.problems.add(file, where, spec.key[-1], f"duplicate key {shown!r} (first at {first})")

    def check_simple(self, known: Known) -> None:
        for entity, entries in self.catalog.entities.items():
            for entry in entries.values():
                check_refs(entity, entry.file, entry.where, entry.data, known, self.problems)
                check_entity(entity, entry, self.problems)

    def read_products(self, known: Known) -> None:
        files = self.catalog.files
        for spec in PRODUCT_PARTS:
            if spec.name in files and "products" not in files:
                self.problems.add(
                    files[spec.name].name, "", "",
                    "needs products.csv in the same import: a product travels with its "
                    "variants, barcodes and prices",
                )  # fmt: skip
        if "products" not in files:
            return
        products = self.catalog.products
        first: dict[str, str] = {}
        refs = [(column, known(target)) for column, target in REFS["product"]]
        for file, where, row in self.rows(PRODUCTS, "product"):
            item = row["item_id"]
            if item in products:
                self._dupe(file, where, PRODUCTS, item, first[item])
                continue
            for column, keys in refs:  # check_refs, inlined for the million-row file
                value = row.get(column)
                if value is not None and value not in keys:
                    what = REFS_NAMES[column]
                    self.problems.add(file, where, column, f"unknown {what} {value!r}")
            products[item] = row
            first[item] = where
        del first
        if VARIANTS.name in files:
            self._read_variants()
        if BARCODES.name in files:
            self._read_barcodes(known)
        if PRICES.name in files:
            self._read_prices()

    def _unknown_item(self, file: str, where: str, item: str) -> bool:
        if item in self.catalog.products:
            return False
        if item in self.catalog.failed.get("product", ()):
            return True  # the product's own row is already reported
        self.problems.add(file, where, "item_id", f"unknown product {item!r} (not in products)")
        return True

    def _read_variants(self) -> None:
        seen: dict[str, tuple[str, str]] = {}  # variant id -> (item, where)
        for file, where, row in self.rows(VARIANTS):
            item = row.pop("item_id")
            if self._unknown_item(file, where, item):
                continue
            vid = row["variant_id"]
            if vid in seen:
                self._dupe(file, where, VARIANTS, vid, seen[vid][1])
                continue
            seen[vid] = (item, where)
            self.catalog.variants.setdefault(item, []).append(row)
        self._variant_items = {vid: item for vid, (item, _) in seen.items()}

    def _read_barcodes(self, known: Known) -> None:
        seen: dict[str, str] = {}
        variant_items = getattr(self, "_variant_items", {})
        for file, where, row in self.rows(BARCODES):
            item = row.pop("item_id")
            if self._unknown_item(file, where, item):
                continue
            code = row["code"]
            if code in seen:
                self._dupe(file, where, BARCODES, code, seen[code])
                continue
            seen[code] = where
            variant = row.get("variant_id")
            if variant is not None and variant_items.get(variant) != item:
                self.problems.add(
                    file, where, "variant_id", f"{variant!r} is not a variant of product {item!r}"
                )
                continue
            check_refs("barcode", file, where, row, known, self.problems)
            self.catalog.barcodes.setdefault(item, []).append(row)

    def _read_prices(self) -> None:
        seen: dict[tuple[str, str, str], str] = {}
        for file, where, row in self.rows(PRICES):
            item = row.pop("item_id")
            if self._unknown_item(file, where, item):
                continue
            key = (item, row["valid_from"], row["price"])
            if key in seen:
                self._dupe(file, where, PRICES, key, seen[key])
                continue
            seen[key] = where
            if row.get("valid_to", "9999-12-31") < row["valid_from"]:
                self.problems.add(file, where, "valid_to", "is before valid_from")
                continue
            self.catalog.prices.setdefault(item, []).append(row)

    def read_stock(self, known: Known) -> None:
        if STOCK.name not in self.catalog.files:
            return
        seen: set[tuple[str, str]] = set()
        for file, where, row in self.rows(STOCK):
            key = (row["store_id"], row["item_id"])
            if key in seen:
                self._dupe(file, where, STOCK, key, "an earlier line")
                continue
            seen.add(key)
            check_refs("stock", file, where, row, known, self.problems)
            self.catalog.stock.setdefault(row["store_id"], {})[row["item_id"]] = row["quantity"]


def check_entity(entity: str, entry: Entry, problems: Problems) -> None:
    """Checks beyond one column's kind: ids the sync protocol carries, credentials, devices."""
    data, file, where = entry.data, entry.file, entry.where

    def bad(column: str, message: str) -> None:
        problems.add(file, where, column, message)

    if entity in ("store", "register"):
        for column in ("store_id", "register_id"):
            if column in data and not _SYNC_ID.fullmatch(data[column]):
                bad(column, "use letters, digits and . _ : @ # - (starting with a letter or digit)")
    elif entity == "staff":
        secret = data.get("secret_hash")
        if secret is not None and not secret.startswith("$argon2id$"):
            bad("secret_hash", "must be an argon2id hash ($argon2id$...), never a PIN or password")
        badge = data.get("badge_digest")
        if badge is not None and not _HEX64.fullmatch(badge):
            bad(
                "badge_digest", "must be the sha256 of the badge barcode as 64 lowercase hex digits"
            )
    elif entity == "customer":
        _check_customer(data, bad)
    elif entity == "hardware_profile":
        check_hardware_profile(entry, problems)
    elif entity == "tender_type":
        if data["kind"] == "foreign_currency" and "currency" not in data:
            bad("currency", "a foreign_currency tender needs its currency")


def _check_customer(data: Row, bad: Callable[[str, str], None]) -> None:
    from pydantic import ValidationError

    from sync.protocol import CustomerRecord

    try:
        record = CustomerRecord.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            bad(".".join(str(p) for p in error["loc"]) or "customer_id", error["msg"])
        return
    full: dict[str, Any] = record.model_dump(mode="json")
    data.clear()
    data.update(full)  # the whole record, as the register's customer_created writes it
