"""Change-log pages for the master-apply tests: a small store's master data as the channel
server sends it (docs/master-data.md), and helpers to apply pages to a real database file."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from local_db import Database, open_database
from local_db.master_apply import ApplyResult, MasterItem, apply_page, read_cursor

STORE = "S1"
EPOCH_A = "a" * 32
EPOCH_B = "b" * 32
HASH_A = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
HASH_B = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$b3RoZXJvdGhlcm90aGVyb3Q"
BADGE = "ab" * 32
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def product(item_id: str, price: str = "1.99", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "item_id": item_id,
        "name": f"Product {item_id}",
        "description": "A test product",
        "category_id": "FOOD",
        "item_tax_group": "standard",
        "base_price": price,
        "barcodes": [{"code": f"40{item_id}"}],
        "prices": [{"price": "0.99", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}],
    }
    body.update(extra)
    return body


def master_rows() -> list[tuple[str, str, dict[str, Any]]]:
    """(entity, key, data) of one small store, parents first (as the import tool records)."""
    return [
        ("tax_code", "VAT19", {"code": "VAT19", "name": "VAT 19 %", "rate": "19"}),
        ("tax_code", "VAT7", {"code": "VAT7", "name": "VAT 7 %", "rate": "7.0"}),
        ("tax_group", "standard", {"group_id": "standard", "name": "Standard",
                                   "codes": ["VAT19"]}),
        ("tax_group", "store", {"group_id": "store", "name": "Store", "codes": ["VAT19", "VAT7"]}),
        ("store", STORE, {"store_id": STORE, "name": "Test Shop", "currency_code": "EUR",
                          "currency_symbol": "€", "store_tax_group": "store",
                          "timezone": "Europe/Berlin", "address_lines": ["Main St 1"],
                          "cash_rounding": "0.05", "max_weight": "30.000"}),
        ("store_settings", STORE, {"store_id": STORE, "max_failed_signins": 3,
                                   "return_days": 30}),
        ("unit", "ea", {"code": "ea", "name": "Each"}),
        ("unit", "kg", {"code": "kg", "name": "Kilogram", "decimals": 3}),
        ("unit", "pk6", {"code": "pk6", "name": "Six-pack"}),
        ("unit_conversion", "pk6|ea|", {"from_unit": "pk6", "to_unit": "ea", "factor": "6"}),
        ("category", "FOOD", {"category_id": "FOOD", "name": "Food"}),
        ("category", "FRUIT", {"category_id": "FRUIT", "name": "Fruit", "parent_id": "FOOD"}),
        ("permission_group", "cashier", {"group_id": "cashier", "name": "Cashier",
                                         "void": True, "max_line_discount_percent": "10"}),
        ("hardware_profile", "HP1", {"profile_id": "HP1", "name": "Till", "devices": [
            {"device_id": "printer", "category": "receipt_printer", "driver": "escpos",
             "transport": "network", "address": "127.0.0.1", "port": 9100},
            {"device_id": "drawer", "category": "cash_drawer", "driver": "printer_kick",
             "position": 1}]}),
        ("register", "R1", {"register_id": "R1", "store_id": STORE, "name": "Till 1",
                            "receipt_mask": "{store}-{register}-{seq:06}",
                            "hardware_profile_id": "HP1", "shift_model": "floating"}),
        ("tender_type", "cash", {"store_id": STORE, "tender_type_id": "cash", "name": "Cash",
                                 "kind": "cash", "gives_change": True, "opens_drawer": True,
                                 "position": 1}),
        ("tender_type", "card", {"store_id": STORE, "tender_type_id": "card", "name": "Card",
                                 "kind": "card", "min_amount": "0.01", "max_amount": "5000",
                                 "position": 2}),
        ("exchange_rate", "USD", {"store_id": STORE, "currency_code": "USD", "symbol": "$",
                                  "rate": "0.9231"}),
        ("reason_code", "RET-DEF", {"store_id": STORE, "code": "RET-DEF", "kind": "return",
                                    "name": "Defective"}),
        ("denomination", "EUR|0.50", {"currency": "EUR", "value": "0.50", "kind": "coin"}),
        ("staff", "1001", {"operator_id": "1001", "name": "Alex", "group_id": "cashier",
                           "secret_hash": HASH_A, "badge_digest": BADGE}),
        ("customer", "C1", {"customer_id": "C1", "name": "Anna", "email": "a@example.org",
                            "phone": None, "price_groups": ["TRADE"], "loyalty_tier": None,
                            "tax_exempt": False, "blocked": False}),
        ("product", "1001", product("1001", "12.50")),
        ("product", "1002", product("1002", "0.10", category_id="FRUIT", sales_unit="kg",
                                    weighed=True)),
        ("product", "1003", product("1003", "9.99", variants=[
            {"variant_id": "1003-S", "dimensions": {"size": "S"}, "position": 1},
            {"variant_id": "1003-L", "dimensions": {"size": "L"}, "base_price": "10.99",
             "position": 2}],
            barcodes=[{"code": "401003S", "variant_id": "1003-S"},
                      {"code": "401003L", "variant_id": "1003-L"},
                      {"code": "401003P", "unit": "pk6", "quantity": "1"}])),
        ("price_group", "TRADE", {"id": "TRADE", "name": "Trade customers", "priority": 10}),
        ("discount", "D1", {"id": "D1", "name": "10 % off", "kind": "simple",
                            "concurrency": "best_price", "price_groups": ["TRADE"],
                            "value": "10", "items": ["1001"]}),
        ("receipt_profile", "RP1", {"profile_id": "RP1", "paper_width_mm": 80,
                                    "header_lines": ["Hello"]}),
    ]  # fmt: skip


Rows = Sequence[tuple[str, str, Mapping[str, Any] | None]]


def items(rows: Rows, first: int = 1) -> list[MasterItem]:
    return [
        MasterItem(first + i, entity, key, "delete" if data is None else "upsert", data)
        for i, (entity, key, data) in enumerate(rows)
    ]


def page(
    db: Database,
    page_items: Sequence[MasterItem],
    *,
    epoch: str = EPOCH_A,
    has_more: bool = False,
    high_water: int = 0,
) -> ApplyResult:
    last = max((i.version for i in page_items), default=0)
    cursor = read_cursor(db)
    if cursor is not None:
        last = max(last, cursor.applied_version)
    return apply_page(
        db, store_id=STORE, epoch=epoch, items=page_items, next_cursor=f"{epoch}.{last}",
        has_more=has_more, high_water=high_water or last, now=NOW,
    )  # fmt: skip


def open_copy(template: Path, target: Path) -> Database:
    shutil.copy(template, target)
    return open_database(target, busy_timeout_ms=200)


def rows_of(db: Database, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with db.read("test query") as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
