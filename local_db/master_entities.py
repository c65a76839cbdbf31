"""How each master-data entity (docs/master-data.md) maps onto the register's tables.

An `Entity` reads one change-log row into column values (`parse`, which raises `RowError` and
writes nothing) and writes many parsed rows with a few `executemany` statements (`upsert`,
`delete`). Things that travel inside a row (a register's shift model, a tax group's codes, a
hardware profile's devices) are replaced whole with it. Most entities are one table described
by a column list (`TableEntity`); staff, pricing documents and raw documents have their own
classes, products theirs in `local_db.master_product`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from local_db import master_fields as F
from local_db.master_fields import MissingParent, RowError
from runtime.devices import DeviceCategory, Transport

Row = tuple[Any, ...]
PRICING_KINDS = (
    "price_group",
    "item_price_group",
    "trade_agreement",
    "price_adjustment",
    "discount",
    "coupon",
    "tender_discount",
)


class Refs:
    """Parent keys a row may point at, read once per page and table, so checking a
    product's category, tax group and unit costs three set lookups and no query. Keys
    upserted earlier in the same page count (foreign keys are checked at the page's commit)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._sets: dict[tuple[str, str], set[str]] = {}

    def known(self, table: str, column: str) -> set[str]:
        found = self._sets.get((table, column))
        if found is None:
            found = {r[0] for r in self._conn.execute(f"SELECT {column} FROM {table}")}
            self._sets[(table, column)] = found
        return found

    def require(self, table: str, column: str, value: str | None, what: str) -> None:
        if value is None:
            return
        if table == "products":  # too many to load: one indexed probe (conversions are rare)
            if value in self._sets.get((table, column), ()):
                return
            sql = f"SELECT 1 FROM products WHERE {column} = ?"
            if self._conn.execute(sql, (value,)).fetchone() is not None:
                return
        elif value in self.known(table, column):
            return
        raise MissingParent(
            table, column, value, f"{what} {value!r} is not known here (no such {table} row)"
        )

    def add(self, table: str, column: str, keys: Iterable[str]) -> None:
        if table == "products":
            self._sets.setdefault((table, column), set()).update(keys)
        else:
            self.known(table, column).update(keys)

    def forget(self, table: str) -> None:
        for pair in [p for p in self._sets if p[0] == table]:
            del self._sets[pair]


class Parsed(NamedTuple):  # a NamedTuple: built a million times per full download
    key: str
    row: Row
    children: tuple[tuple[Row, ...], ...] = ()


class Entity:
    """One entity of the change log and the table (plus children) it lives in."""

    name: str
    table: str
    key_sql: str  # the entity key as SQL over `table`
    scope: str = ""  # extra condition on `table` (pricing documents of one kind)
    key_column: str | None = None  # the column other tables' foreign keys point at

    def parse(self, key: str, data: Mapping[str, Any], refs: Refs) -> Parsed:
        raise NotImplementedError

    def parse_many(
        self, items: Sequence[tuple[str, Any]], refs: Refs, bad: Callable[[int, RowError], None]
    ) -> list[Parsed]:
        """Parse (key, data) pairs; `bad(index, error)` hears of each one skipped."""
        rows = []
        for i, (key, data) in enumerate(items):
            try:
                if not isinstance(data, Mapping):
                    raise RowError("an upsert needs its data (an object)")
                rows.append(self.parse(key, data, refs))
            except RowError as exc:
                bad(i, exc)
        return rows

    def upsert(self, conn: sqlite3.Connection, rows: Sequence[Parsed]) -> None:
        raise NotImplementedError

    def where(self) -> str:
        return f" AND {self.scope}" if self.scope else ""

    def delete_sql(self, guard: str = "") -> str:
        return f"DELETE FROM {self.table} WHERE {self.key_sql} = ?{self.where()}{guard}"

    def exists_sql(self) -> str:
        return f"SELECT 1 FROM {self.table} WHERE {self.key_sql} = ?{self.where()}"

    def keys_sql(self) -> str:
        """Every key this entity has in the database (the full download's stale list)."""
        scope = f" WHERE {self.scope}" if self.scope else ""
        return f"SELECT {self.key_sql} FROM {self.table}{scope}"

    def delete(self, conn: sqlite3.Connection, keys: Sequence[str], guard: str = "") -> None:
        conn.executemany(self.delete_sql(guard), [(k,) for k in keys])


@dataclass(frozen=True, slots=True)
class Col:
    name: str
    reader: F.Reader
    default: Any = F.REQUIRED
    ref: tuple[str, str] | None = None  # (table, column) it must exist in
    source: str | None = None  # the field in `data`, when it differs from the column


@dataclass(frozen=True, slots=True)
class Child:
    """Rows replaced whole with their parent: `read(data, refs)` gives them."""

    table: str
    parent_column: str
    columns: tuple[str, ...]
    read: Callable[[str, Mapping[str, Any], Refs], list[Row]]


class TableEntity(Entity):
    def __init__(
        self,
        name: str,
        table: str,
        columns: Sequence[Col],
        *,
        key: Sequence[str] | None = None,
        conflict: Sequence[str] | None = None,
        key_sql: str | None = None,
        children: Sequence[Child] = (),
    ) -> None:
        self.name, self.table, self.columns = name, table, tuple(columns)
        names = [c.name for c in self.columns]
        self.key_fields = tuple(key or names[:1])
        self.key_positions = [names.index(k) for k in self.key_fields]
        self.key_sql = key_sql or self.key_fields[0]
        self.key_column = self.key_fields[0] if len(self.key_fields) == 1 else None
        self.children = tuple(children)
        values = ", ".join("?" * len(names))
        insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({values})"
        if conflict is None:  # no unique key: replace by deleting the key first
            self.upsert_sql = insert
            self.replace_first = True
        else:
            update = ", ".join(f"{n} = excluded.{n}" for n in names if n not in conflict)
            self.upsert_sql = f"{insert} ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {update}"
            self.replace_first = False

    def parse(self, key: str, data: Mapping[str, Any], refs: Refs) -> Parsed:
        row = []
        for col in self.columns:
            value = F.field(data, col.source or col.name, col.reader, col.default)
            if col.ref is not None:
                refs.require(*col.ref, value, col.name)
            row.append(value)
        own = "|".join("" if row[i] is None else str(row[i]) for i in self.key_positions)
        if own != key:
            fields = "|".join(self.key_fields)
            raise RowError(f"its {fields} ({own!r}) does not match the change's key")
        children = tuple(tuple(child.read(key, data, refs)) for child in self.children)
        return Parsed(key, tuple(row), children)

    def upsert(self, conn: sqlite3.Connection, rows: Sequence[Parsed]) -> None:
        if self.replace_first:
            self.delete(conn, [p.key for p in rows])
        conn.executemany(self.upsert_sql, [p.row for p in rows])
        for i, child in enumerate(self.children):
            conn.executemany(
                f"DELETE FROM {child.table} WHERE {child.parent_column} = ?",
                [(p.key,) for p in rows],
            )
            marks = ", ".join("?" * len(child.columns))
            conn.executemany(
                f"INSERT INTO {child.table} ({', '.join(child.columns)}) VALUES ({marks})",
                [r for p in rows for r in p.children[i]],
            )


def _shift_model(key: str, data: Mapping[str, Any], refs: Refs) -> list[Row]:
    model = F.field(data, "shift_model", F.one_of("fixed", "floating", "shared"), "fixed")
    return [(key, model)]


def _group_codes(key: str, data: Mapping[str, Any], refs: Refs) -> list[Row]:
    codes = data.get("codes") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise RowError("codes must be a list of tax codes")
    for code in codes:
        refs.require("tax_codes", "code", code, "codes")
    return [(key, code) for code in dict.fromkeys(codes)]


_DEVICE_COLUMNS: tuple[Col, ...] = (
    Col("device_id", F.key_text),
    Col("position", F.integer, 0),
    Col("category", F.one_of(*(c.value for c in DeviceCategory))),
    Col("driver", F.key_text),
    Col("transport", F.one_of(*(t.value for t in Transport)), "none"),
    Col("address", F.text, ""),
    Col("port", F.opt_integer, None),
    Col("baudrate", F.integer, 9600),
    Col("bytesize", F.integer, 8),
    Col("parity", F.text, "N"),
    Col("stopbits", F.integer, 1),
    Col("code_page", F.text, "CP858"),
    Col("paper_width_mm", F.integer, 80),
    Col("drawer_pin", F.integer, 2),
    Col("scanner_suffix", F.text, "\r"),
    Col("timeout_s", F.decimal, "5"),
    Col("options", F.text_map, "{}"),
)


def _devices(key: str, data: Mapping[str, Any], refs: Refs) -> list[Row]:
    rows: dict[str, Row] = {}
    for i, device in enumerate(F.items(data, "devices")):
        try:
            row = tuple(F.field(device, c.name, c.reader, c.default) for c in _DEVICE_COLUMNS)
        except RowError as exc:
            raise RowError(f"devices[{i}]: {exc}") from None
        rows[row[0]] = (key, *row)
    return list(rows.values())


_STORE_REF = ("stores", "store_id")
_UNIT_REF = ("units", "code")
_PERMISSION_FLAGS = (
    "manager", "void", "suspend", "price_override", "no_sale", "xz_reports", "declarations",
    "drawer_operations", "blind_close", "return_with_receipt", "return_without_receipt",
    "refund_card_to_cash", "tax_exempt",
)  # fmt: skip
_PERMISSION_LIMITS = (
    "max_line_discount_percent", "max_line_discount_amount", "max_total_discount_percent",
    "max_total_discount_amount",
)  # fmt: skip


def table_entities() -> list[TableEntity]:
    """The one-table entities, parents before children (the order a page is applied in)."""
    return [
        TableEntity("tax_code", "tax_codes", [
            Col("code", F.key_text), Col("name", F.text), Col("rate", F.decimal)]),
        TableEntity("tax_group", "tax_groups", [
            Col("group_id", F.key_text), Col("name", F.text)],
            children=[Child("tax_group_codes", "group_id", ("group_id", "code"), _group_codes)]),
        TableEntity("store", "stores", [
            Col("store_id", F.key_text), Col("name", F.text), Col("currency_code", F.key_text),
            Col("currency_decimals", F.integer, 2), Col("currency_rounding", F.text, "normal"),
            Col("currency_symbol", F.text, ""), Col("prices_include_tax", F.boolean, 1),
            Col("tax_rounding", F.text, "per_line"),
            Col("store_tax_group", F.opt_key, None, ref=("tax_groups", "group_id")),
            Col("cash_rounding", F.opt_decimal, None),
            Col("cash_rounding_mode", F.text, "normal"), Col("timezone", F.text, "UTC"),
            Col("address_lines", F.text_list, "[]"), Col("receipt_footer", F.text_list, "[]"),
            Col("max_line_quantity", F.decimal, "9999"), Col("max_weight", F.decimal, "999.999"),
        ]),
        TableEntity("store_settings", "store_operation_settings", [
            Col("store_id", F.key_text, ref=_STORE_REF),
            Col("max_failed_signins", F.integer, 5), Col("lockout_minutes", F.integer, 15),
            Col("min_secret_length", F.integer, 4),
            Col("require_start_amount_and_declaration", F.boolean, 0),
            Col("return_days", F.opt_integer, None),
        ]),
        TableEntity("unit", "units", [
            Col("code", F.key_text), Col("name", F.text), Col("decimals", F.integer, 0)]),
        TableEntity("category", "categories", [
            Col("category_id", F.key_text), Col("name", F.text),
            Col("parent_id", F.opt_key, None, ref=("categories", "category_id"))]),
        TableEntity("permission_group", "permission_groups", [
            Col("group_id", F.key_text), Col("name", F.text),
            *(Col(flag, F.boolean, 0) for flag in _PERMISSION_FLAGS),
            *(Col(limit, F.opt_decimal, None) for limit in _PERMISSION_LIMITS),
            Col("extra", F.json_object, "{}"),
        ]),
        TableEntity("hardware_profile", "hardware_profiles", [
            Col("profile_id", F.key_text), Col("name", F.text, ""),
            Col("barcode_layouts", F.json_list, "[]")],
            children=[Child("hardware_devices", "profile_id",
                            ("profile_id", *(c.name for c in _DEVICE_COLUMNS)), _devices)]),
        TableEntity("register", "registers", [
            Col("register_id", F.key_text), Col("store_id", F.key_text, ref=_STORE_REF),
            Col("name", F.text, ""), Col("receipt_mask", F.key_text),
            Col("self_checkout", F.boolean, 0), Col("hardware_profile_id", F.opt_key, None)],
            children=[Child("register_shift_settings", "register_id", ("register_id", "model"),
                            _shift_model)]),
        TableEntity("tender_type", "tender_types", [
            Col("tender_type_id", F.key_text), Col("store_id", F.key_text, ref=_STORE_REF),
            Col("name", F.text), Col("kind", F.key_text), Col("gives_change", F.boolean, 0),
            Col("min_amount", F.opt_decimal, None), Col("max_amount", F.opt_decimal, None),
            Col("cash_rounding", F.opt_decimal, None), Col("currency", F.opt_key, None),
            Col("opens_drawer", F.boolean, 0), Col("position", F.integer, 0)],
            conflict=("store_id", "tender_type_id")),
        TableEntity("exchange_rate", "exchange_rates", [
            Col("currency_code", F.key_text), Col("store_id", F.key_text, ref=_STORE_REF),
            Col("decimals", F.integer, 2), Col("rounding", F.text, "normal"),
            Col("symbol", F.text, ""), Col("rate", F.decimal)],
            conflict=("store_id", "currency_code")),
        TableEntity("reason_code", "reason_codes", [
            Col("code", F.key_text), Col("store_id", F.key_text, ref=_STORE_REF),
            Col("kind", F.key_text), Col("name", F.text), Col("account", F.opt_text, None)],
            conflict=("store_id", "code")),
        TableEntity("denomination", "denominations", [
            Col("currency", F.key_text), Col("value", F.decimal), Col("kind", F.key_text),
            Col("name", F.text, "")],
            key=("currency", "value"), conflict=("currency", "value"),
            key_sql="currency || '|' || value"),
        TableEntity("customer", "customers", [
            Col("customer_id", F.key_text), Col("name", F.text),
            Col("email", F.opt_text, None), Col("phone", F.opt_text, None),
            Col("price_groups", F.text_list, "[]"), Col("loyalty_tier", F.opt_text, None),
            Col("tax_exempt", F.boolean, 0), Col("blocked", F.boolean, 0)]),
    ]  # fmt: skip


def conversion_entity() -> TableEntity:
    """Unit conversions come after products (an item-specific one names its product)."""
    return TableEntity(
        "unit_conversion",
        "unit_conversions",
        [
            Col("from_unit", F.key_text, ref=_UNIT_REF),
            Col("to_unit", F.key_text, ref=_UNIT_REF),
            Col("item_id", F.opt_key, None, ref=("products", "item_id")),
            Col("factor", F.decimal),
        ],
        key=("from_unit", "to_unit", "item_id"),
        conflict=None,
        key_sql="from_unit || '|' || to_unit || '|' || coalesce(item_id, '')",
    )


_SECURITY_UPSERT = (
    "INSERT INTO operator_security (operator_id, group_id, secret_hash, badge_digest,"
    " must_change_secret) VALUES (:id, :group, :hash, :badge, :must)"
    " ON CONFLICT (operator_id) DO UPDATE SET group_id = excluded.group_id,"
    " badge_digest = excluded.badge_digest,"
    " secret_hash = CASE WHEN :hash IS :sent THEN secret_hash ELSE excluded.secret_hash END,"
    " must_change_secret = CASE WHEN :hash IS :sent THEN must_change_secret"
    " ELSE excluded.must_change_secret END"
)


class StaffEntity(Entity):
    """Operators and their credentials. Lockout state (failed attempts, locked until) stays
    the register's own. A secret the operator changed at the register is kept until
    headquarters sends a *different* hash than it sent last (a reset), which it then takes."""

    name, table, key_sql, key_column = "staff", "operators", "operator_id", "operator_id"

    def parse(self, key: str, data: Mapping[str, Any], refs: Refs) -> Parsed:
        oid = F.field(data, "operator_id", F.key_text)
        if oid != key:
            raise RowError(f"its operator_id ({oid!r}) does not match the change's key")
        group = F.field(data, "group_id", F.key_text)
        refs.require("permission_groups", "group_id", group, "group_id")
        badge = F.field(data, "badge_digest", F.opt_key, None)
        if badge is not None and (len(badge) != 64 or badge.strip("0123456789abcdef")):
            raise RowError("badge_digest must be the sha256 hex of the badge's barcode")
        secret = F.field(data, "secret_hash", F.opt_key, None)
        if secret is not None and not secret.startswith("$argon2"):
            raise RowError("secret_hash must be an argon2 PHC string (never a secret)")
        row = (
            oid, F.field(data, "name", F.text), F.field(data, "active", F.boolean, 1), group,
            secret, badge, F.field(data, "must_change_secret", F.boolean, 0),
        )  # fmt: skip
        return Parsed(key, row)

    def upsert(self, conn: sqlite3.Connection, rows: Sequence[Parsed]) -> None:
        conn.executemany(
            "INSERT INTO operators (operator_id, name, active) VALUES (?, ?, ?)"
            " ON CONFLICT (operator_id) DO UPDATE SET name = excluded.name,"
            " active = excluded.active",
            [p.row[:3] for p in rows],
        )
        sent_sql = "SELECT secret_hash FROM sync_staff_secrets WHERE operator_id = ?"
        for p in rows:  # staff are few; one at a time so a badge can move between them
            oid, _, _, group, secret, badge, must = p.row
            if badge is not None:
                conn.execute(
                    "UPDATE operator_security SET badge_digest = NULL"
                    " WHERE badge_digest = ? AND operator_id <> ?",
                    (badge, oid),
                )
            sent = conn.execute(sent_sql, (oid,)).fetchone()
            params = {"id": oid, "group": group, "hash": secret, "badge": badge, "must": must}
            conn.execute(_SECURITY_UPSERT, {**params, "sent": sent[0] if sent else None})
        conn.executemany(
            "INSERT INTO sync_staff_secrets (operator_id, secret_hash) VALUES (?, ?)"
            " ON CONFLICT (operator_id) DO UPDATE SET secret_hash = excluded.secret_hash",
            [(p.row[0], p.row[4]) for p in rows],
        )

    def delete(self, conn: sqlite3.Connection, keys: Sequence[str], guard: str = "") -> None:
        super().delete(conn, keys, guard)
        conn.executemany(
            "DELETE FROM sync_staff_secrets WHERE operator_id = ?"
            " AND operator_id NOT IN (SELECT operator_id FROM operators)",
            [(k,) for k in keys],
        )


class PricingEntity(Entity):
    """One kind of pricing document, stored whole (the engine validates it when it loads)."""

    table, key_sql = "pricing_documents", "document_id"

    def __init__(self, kind: str) -> None:
        self.name = kind
        self.scope = f"kind = '{kind}'"  # kinds are fixed identifiers (PRICING_KINDS)

    def parse(self, key: str, data: Mapping[str, Any], refs: Refs) -> Parsed:
        doc_id = data.get("id")
        if doc_id != key:
            raise RowError(f"its id ({doc_id!r}) does not match the change's key")
        body = json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"))
        return Parsed(key, (self.name, key, body))

    def upsert(self, conn: sqlite3.Connection, rows: Sequence[Parsed]) -> None:
        conn.executemany(
            "INSERT INTO pricing_documents (kind, document_id, body) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, document_id) DO UPDATE SET body = excluded.body",
            [p.row for p in rows],
        )


class DocumentEntity(Entity):
    """An entity kept as received in `master_documents` (receipt profiles, and whatever a
    newer server sends that this register does not know)."""

    table, key_sql = "master_documents", "key"

    def __init__(self, name: str, version_of: Callable[[str], int], now: str) -> None:
        self.name = name
        self.scope = "entity = " + "'" + name.replace("'", "''") + "'"
        self._version_of, self._now = version_of, now

    def parse(self, key: str, data: Mapping[str, Any], refs: Refs) -> Parsed:
        text = json.dumps(dict(data), ensure_ascii=False, default=str, sort_keys=True)
        return Parsed(key, (self.name, key, text, None, self._version_of(key), self._now))

    def upsert(self, conn: sqlite3.Connection, rows: Sequence[Parsed]) -> None:
        conn.executemany(DOCUMENT_UPSERT, [p.row for p in rows])


DOCUMENT_UPSERT = (
    "INSERT INTO master_documents (entity, key, data, error, version, received_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entity, key) DO UPDATE SET data = excluded.data,"
    " error = excluded.error, version = excluded.version, received_at = excluded.received_at"
)
