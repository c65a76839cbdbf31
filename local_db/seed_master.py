"""The fixed master data every seeded store starts with: the demo store S001 and its registers,
tax, tenders, units, operators and category tree, and the ten well-known demo products whose
barcodes demos and tests scan (`DEMO_ITEMS`). `local_db.seed` adds the synthetic catalogue.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from local_db import seed_words as W
from local_db.seed_ops import DEMO_STAFF, seed_store_operations
from runtime.barcodes import with_check_digit

DEMO_STORE_ID = "S001"
DEMO_REGISTER_IDS = ("R1", "R2")
DEMO_OPERATORS = {oid: staff[0] for oid, staff in DEMO_STAFF.items()}


def ean13(body: int) -> str:
    return with_check_digit(f"{body:012d}")


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """A fixed, well-known product that every seeded store starts with."""

    item_id: str
    name: str
    price: Decimal
    barcodes: dict[str, str]  # DEMO_ITEMS key -> code, for every code of the product


DEMO_PRODUCTS: dict[str, DemoProduct] = {
    "espresso": DemoProduct(
        "1000001", "Espresso Beans 1kg", Decimal("14.99"), {"espresso": ean13(400000000001)}
    ),
    "bananas": DemoProduct(
        "1000002",
        "Bananas",
        Decimal("1.99"),  # weighed, per kg
        {"bananas": ean13(400000000002)},
    ),
    "wine": DemoProduct(
        "1000003",
        "Red Wine Merlot 0.75l",
        Decimal("7.49"),  # age 18
        {"wine": ean13(400000000003)},
    ),
    "tshirt": DemoProduct(
        "1000004",
        "T-Shirt",
        Decimal("12.99"),
        {  # variants size x colour
            "tshirt_s_black": ean13(400000000041),
            "tshirt_s_red": ean13(400000000042),
            "tshirt": ean13(400000000043),
            "tshirt_m_black": ean13(400000000044),
            "tshirt_l_red": ean13(400000000045),
            "tshirt_xl_black": ean13(400000000046),
        },
    ),
    "gift_wrap": DemoProduct(
        "1000005",
        "Gift Wrap",
        Decimal("0.00"),  # keyed-in price
        {"gift_wrap": ean13(400000000005)},
    ),
    "cola": DemoProduct(
        "1000006",
        "Cola 0.33l",
        Decimal("0.89"),
        {"cola": ean13(400000000006), "cola_pack": ean13(400000000066)},
    ),
    "milk": DemoProduct(
        "1000007",
        "Whole Milk 1l",
        Decimal("1.29"),  # dated sales price 0.99
        {"milk": ean13(400000000007)},
    ),
    "headphones": DemoProduct(
        "1000008",
        "Headphones Studio",
        Decimal("59.00"),  # serial no.
        {"headphones": ean13(400000000008)},
    ),
    "knife": DemoProduct(
        "1000009",
        "Kitchen Knife Chef",
        Decimal("24.95"),  # 18, not at SCO
        {"knife": ean13(400000000009)},
    ),
    "chocolate": DemoProduct(
        "1000010", "Dark Chocolate 100g", Decimal("1.49"), {"chocolate": ean13(400000000010)}
    ),
}
# Barcodes to scan in demos and tests. "tshirt" is variant M / Red; "cola_pack" is a six-pack
# (unit pk6, 1 pk6 = 6 ea); "bananas" needs a weight, "gift_wrap" a keyed price, "wine" and
# "knife" an age check, "headphones" a serial number.
DEMO_ITEMS: dict[str, str] = {
    key: code for product in DEMO_PRODUCTS.values() for key, code in product.barcodes.items()
}
TSHIRT_VARIANTS = (
    ("S", "Black"),
    ("S", "Red"),
    ("M", "Red"),
    ("M", "Black"),
    ("L", "Red"),
    ("XL", "Black"),
)

CONVERSION_SQL = (
    "INSERT INTO unit_conversions (from_unit, to_unit, factor, item_id) VALUES (?, ?, ?, ?)"
)


def master_data(conn: sqlite3.Connection, rng: random.Random) -> list[tuple[str, str, str]]:
    """Store, registers, tax, tenders, units, operators and the category tree.

    Returns (department, group, leaf category id) for every leaf, in a fixed order.
    """
    x = conn.executemany
    x(
        "INSERT INTO tax_codes (code, name, rate) VALUES (?, ?, ?)",
        [("VAT19", "VAT 19 %", "19"), ("VAT7", "VAT 7 %", "7")],
    )
    x(
        "INSERT INTO tax_groups (group_id, name) VALUES (?, ?)",
        [
            ("store", "Germany"),
            ("standard", "Standard rate"),
            ("reduced", "Reduced rate"),
            ("exempt", "Exempt"),
        ],
    )
    x(
        "INSERT INTO tax_group_codes (group_id, code) VALUES (?, ?)",
        [("store", "VAT19"), ("store", "VAT7"), ("standard", "VAT19"), ("reduced", "VAT7")],
    )
    conn.execute(
        "INSERT INTO stores (store_id, name, currency_code, currency_decimals, currency_symbol,"
        " prices_include_tax, tax_rounding, store_tax_group, cash_rounding, cash_rounding_mode,"
        " timezone, address_lines, receipt_footer) VALUES (?, ?, 'EUR', 2, '€', 1, 'per_line',"
        " 'store', NULL, 'normal', 'Europe/Berlin', ?, ?)",
        (
            DEMO_STORE_ID,
            "Tillpoint Demo Market",
            json.dumps(["Marktstraße 1", "10115 Berlin", "VAT ID DE000000000"]),
            json.dumps(["Thank you for shopping with us!", "Returns within 30 days with receipt."]),
        ),
    )
    x(
        "INSERT INTO registers (register_id, store_id, name, receipt_mask, self_checkout)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            ("R1", DEMO_STORE_ID, "Till 1", "{store}-{register}-{yyyy}{mm}{dd}-{seq:06}", 0),
            ("R2", DEMO_STORE_ID, "Self-checkout 2", "{store}-{register}-{yy}{mm}{dd}-{seq:05}", 1),
        ],
    )
    x(
        "INSERT INTO tender_types (store_id, tender_type_id, name, kind, gives_change, min_amount,"
        " max_amount, cash_rounding, currency, opens_drawer, position)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (DEMO_STORE_ID, "cash", "Cash", "cash", 1, None, None, None, None, 1, 1),
            (DEMO_STORE_ID, "card", "Card", "card", 0, "0.01", "5000", None, None, 0, 2),
            (DEMO_STORE_ID, "check", "Check", "check", 0, None, "1000", None, None, 1, 3),
            (
                DEMO_STORE_ID,
                "usd",
                "US Dollar",
                "foreign_currency",
                0,
                None,
                None,
                None,
                "USD",
                1,
                4,
            ),
        ],
    )
    conn.execute(
        "INSERT INTO exchange_rates (store_id, currency_code, decimals, rounding, symbol,"
        " rate) VALUES (?, 'USD', 2, 'normal', '$', '0.92')",
        (DEMO_STORE_ID,),
    )
    x(
        "INSERT INTO units (code, name, decimals) VALUES (?, ?, ?)",
        [
            ("ea", "Each", 0),
            ("kg", "Kilogram", 3),
            ("g", "Gram", 0),
            ("pk6", "Six-pack", 0),
            ("cs", "Case", 0),
        ],
    )
    x(CONVERSION_SQL, [("pk6", "ea", "6", None), ("kg", "g", "1000", None)])
    x(
        "INSERT INTO operators (operator_id, name, active) VALUES (?, ?, 1)",
        sorted(DEMO_OPERATORS.items()),
    )
    seed_store_operations(conn, DEMO_STORE_ID)
    categories: list[tuple[str, str, str | None]] = []
    leaves: list[tuple[str, str, str]] = []
    for d, (dept, groups) in enumerate(W.DEPARTMENTS.items(), start=1):
        dept_id = f"C{d:02d}"
        categories.append((dept_id, dept, None))
        for g, group in enumerate(groups, start=1):
            group_id = f"{dept_id}-{g:02d}"
            categories.append((group_id, group, dept_id))
            for q, qualifier in enumerate(W.QUALIFIERS, start=1):
                leaf_id = f"{group_id}-{q}"
                categories.append((leaf_id, f"{group} {qualifier}", group_id))
                leaves.append((dept, group, leaf_id))
    x("INSERT INTO categories (category_id, name, parent_id) VALUES (?, ?, ?)", categories)
    return leaves
