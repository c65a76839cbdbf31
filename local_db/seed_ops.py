"""Demo store-operations data: permission groups, operators' credentials, security and shift
settings, reason codes and denominations (issue #4).

The demo secrets are documented (README, `tillpoint demo`): they are a demo store's. Their
argon2id hashes are precomputed so that seeding a store in every test does not spend a
password hash's deliberate 0.1 s per operator.
"""

from __future__ import annotations

import hashlib
import sqlite3

# operator id -> (name, group, secret, badge barcode, argon2id hash of the secret)
DEMO_STAFF: dict[str, tuple[str, str, str, str, str]] = {
    "1001": (
        "Alex Cashier",
        "cashier",
        "1234",
        "STAFF1001",
        "$argon2id$v=19$m=65536,t=3,p=4$5WMurVqpqecUMjy2QL3wLg$"
        "XlRQB3qSmd2yHKFo8NIT+cd3Q4rcWeovF91ugRhBhRs",
    ),
    "1002": (
        "Jamie Cashier",
        "cashier",
        "5678",
        "STAFF1002",
        "$argon2id$v=19$m=65536,t=3,p=4$xOmw+yMbOaNd72rC8LGNsg$"
        "Z/8IddAPwdPb3SQemFa2q7SV1gfnBmABw8Rw2PuiJAs",
    ),
    "9001": (
        "Morgan Manager",
        "manager",
        "9999",
        "STAFF9001",
        "$argon2id$v=19$m=65536,t=3,p=4$jYW1+j0zkECvxOmioXHubA$"
        "7DBzWXD9GRlceqJWSHQt/6hxaz3qfQhe2ABRKtmHwAg",
    ),
}

_FLAGS = (
    "manager",
    "void",
    "suspend",
    "price_override",
    "no_sale",
    "xz_reports",
    "declarations",
    "drawer_operations",
    "blind_close",
    "return_with_receipt",
    "return_without_receipt",
    "refund_card_to_cash",
    "tax_exempt",
)
# group -> (name, flags granted, max line %, max line amount, max total %, max total amount)
Limit = str | None
DEMO_GROUPS: dict[str, tuple[str, frozenset[str], Limit, Limit, Limit, Limit]] = {
    "cashier": (
        "Cashier",
        frozenset({"suspend", "declarations", "drawer_operations", "return_with_receipt"}),
        "10",
        "5.00",
        "5",
        "10.00",
    ),
    "manager": ("Store manager", frozenset(_FLAGS), "100", "1000.00", "100", "1000.00"),
}

DEMO_REASON_CODES = (
    ("PAYIN-CHG", "pay_in", "Change fund top-up", "1000"),
    ("PAYIN-MISC", "pay_in", "Miscellaneous income", "8900"),
    ("PAYOUT-SUP", "pay_out", "Supplies bought with cash", "4930"),
    ("PAYOUT-DEL", "pay_out", "Delivery paid on arrival", "4730"),
    ("RET-DEF", "return", "Defective item", None),
    ("RET-CHG", "return", "Customer changed mind", None),
    ("RET-WRONG", "return", "Wrong item sold", None),
    ("NOSALE-CHG", "no_sale", "Give change for a note", None),
)
# currency -> (value, kind) for notes and coins, largest first
DEMO_DENOMINATIONS = {
    "EUR": [
        ("500", "note"),
        ("200", "note"),
        ("100", "note"),
        ("50", "note"),
        ("20", "note"),
        ("10", "note"),
        ("5", "note"),
        ("2", "coin"),
        ("1", "coin"),
        ("0.50", "coin"),
        ("0.20", "coin"),
        ("0.10", "coin"),
        ("0.05", "coin"),
        ("0.02", "coin"),
        ("0.01", "coin"),
    ],
    "USD": [
        ("100", "note"),
        ("50", "note"),
        ("20", "note"),
        ("10", "note"),
        ("5", "note"),
        ("1", "note"),
        ("0.25", "coin"),
        ("0.10", "coin"),
        ("0.05", "coin"),
        ("0.01", "coin"),
    ],
}


def badge_digest(badge: str) -> str:
    """How a staff badge's barcode is stored and looked up: sha256 hex of its text."""
    return hashlib.sha256(badge.strip().encode()).hexdigest()


def seed_store_operations(conn: sqlite3.Connection, store_id: str) -> None:
    """Insert the demo groups, credentials, settings, reason codes and denominations.

    The operators themselves (`operators` rows) are inserted by `local_db.seed`.
    """
    x = conn.executemany
    x(
        f"INSERT INTO permission_groups (group_id, name, {', '.join(_FLAGS)},"
        " max_line_discount_percent, max_line_discount_amount, max_total_discount_percent,"
        f" max_total_discount_amount) VALUES ({', '.join('?' * (len(_FLAGS) + 6))})",
        [
            (gid, name, *(flag in granted for flag in _FLAGS), *limits)
            for gid, (name, granted, *limits) in DEMO_GROUPS.items()
        ],
    )
    x(
        "INSERT INTO operator_security (operator_id, group_id, secret_hash, badge_digest)"
        " VALUES (?, ?, ?, ?)",
        [
            (oid, group, secret_hash, badge_digest(badge))
            for oid, (_, group, _, badge, secret_hash) in sorted(DEMO_STAFF.items())
        ],
    )
    conn.execute(
        "INSERT INTO store_operation_settings (store_id, max_failed_signins, lockout_minutes,"
        " require_start_amount_and_declaration, return_days) VALUES (?, 5, 15, 1, 30)",
        (store_id,),
    )
    x(
        "INSERT INTO reason_codes (store_id, code, kind, name, account) VALUES (?, ?, ?, ?, ?)",
        [(store_id, *row) for row in DEMO_REASON_CODES],
    )
    x(
        "INSERT INTO denominations (currency, value, kind) VALUES (?, ?, ?)",
        [(cur, value, kind) for cur, rows in DEMO_DENOMINATIONS.items() for value, kind in rows],
    )
    x(
        "INSERT INTO register_shift_settings (register_id, model) VALUES (?, ?)",
        [("R1", "floating"), ("R2", "fixed")],
    )
