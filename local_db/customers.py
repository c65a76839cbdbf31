"""Customers known offline: the `customers` table behind `CustomerDirectory`.

The pricing engine asks for a customer's price groups and loyalty tier on every reprice of a
sale that has a customer (one primary-key read); the register's "add customer" looks one up
by id and a later UI searches by name, phone or e-mail prefix.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from local_db.database import Database
from runtime.pricing_engine.customers import Customer

_COLUMNS = "customer_id, name, email, phone, price_groups, loyalty_tier, tax_exempt, blocked"
_UPSERT = (
    f"INSERT INTO customers ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, email = excluded.email,"
    " phone = excluded.phone, price_groups = excluded.price_groups,"
    " loyalty_tier = excluded.loyalty_tier, tax_exempt = excluded.tax_exempt,"
    " blocked = excluded.blocked"
)


def _groups(text: object) -> tuple[str, ...]:
    try:
        value = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(g for g in value if isinstance(g, str))


def _customer(row: tuple[object, ...]) -> Customer:
    cid, name, email, phone, groups, tier, exempt, blocked = row
    return Customer(
        customer_id=str(cid),
        name=str(name),
        email=None if email is None else str(email),
        phone=None if phone is None else str(phone),
        price_groups=_groups(groups),
        loyalty_tier=None if tier is None else str(tier),
        tax_exempt=bool(exempt),
        blocked=bool(blocked),
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlCustomerDirectory:
    """`runtime.pricing_engine.CustomerDirectory` over the `customers` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def find_customer(self, customer_id: str) -> Customer | None:
        with self._db.read("find a customer") as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM customers WHERE customer_id = ?", (customer_id,)
            ).fetchone()
        return None if row is None else _customer(row)

    def search(self, text: str, limit: int = 20) -> Sequence[Customer]:
        """Customers whose id, name, phone or e-mail starts with `text` (case-insensitive for
        ASCII), by name; an empty text finds nothing."""
        text = text.strip()
        if not text:
            return ()
        like = _escape(text) + "%"
        with self._db.read("search customers") as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM customers WHERE customer_id = :text"
                " OR name LIKE :like ESCAPE '\\' OR phone LIKE :like ESCAPE '\\'"
                " OR email LIKE :like ESCAPE '\\' ORDER BY name, customer_id LIMIT :limit",
                {"text": text, "like": like, "limit": limit},
            ).fetchall()
        return tuple(_customer(row) for row in rows)


def upsert_customers(conn: sqlite3.Connection, customers: Iterable[Customer]) -> int:
    """Insert or replace customers inside the caller's write transaction (seed, sync)."""
    rows = [
        (
            c.customer_id, c.name, c.email, c.phone, json.dumps(list(c.price_groups)),
            c.loyalty_tier, int(c.tax_exempt), int(c.blocked),
        )
        for c in customers
    ]  # fmt: skip
    conn.executemany(_UPSERT, rows)
    return len(rows)
