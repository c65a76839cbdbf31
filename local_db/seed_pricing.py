"""Demo pricing documents and customers for the seeded store (local_db.seed's DEMO_PRODUCTS).

What a demo shows (prices per DEMO_PRODUCTS, store S001):
- chocolate (1000010, 1.49): 10 % off, automatic (D-CHOC10);
- cola (1000006, 0.89 per can): 3 for 2, the cheapest can of each three free (D-COLA3);
- a basket of 50.00 or more: 5 % off, compounded with line discounts (D-BASKET5);
- coupon SAVE5 (bar code 9900000000051): 5.00 off a basket of 20.00 or more (D-SAVE5);
  SUMMER is an expired coupon on the same discount, to show the refusal;
- customer C-TRADE (price group TRADE): espresso (1000001) at 12.50 instead of 14.99 through a
  trade agreement; C-GOLD (loyalty tier gold -> group GOLD): 5 % off espresso through a price
  adjustment; C-SCHOOL is tax exempt; C-BLOCKED is blocked;
- paying 100.00 or more by card: 2 % off (TD-CARD, earned when the card tender is added).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from local_db.customers import upsert_customers
from local_db.pricing_store import replace_documents
from runtime.pricing_engine.customers import Customer

STORE_ID = "S001"  # local_db.seed.DEMO_STORE_ID (not imported: seed imports this module)
ESPRESSO, COLA, CHOCOLATE = "1000001", "1000006", "1000010"
SAVE5_BARCODE = "9900000000051"

DEMO_CUSTOMERS = (
    Customer("C-TRADE", "Anna Trade GmbH", "anna@trade.example", "+49301234567", ("TRADE",)),
    Customer("C-GOLD", "Ben Gold", "ben@example.org", "+49307654321", loyalty_tier="gold"),
    Customer("C-SCHOOL", "City School", "office@school.example", None, tax_exempt=True),
    Customer("C-BLOCKED", "Blocked Ltd", None, None, blocked=True),
)


def demo_documents(today: dt.date) -> list[tuple[str, dict[str, object]]]:
    """(kind, body) of every demo pricing document, valid from `today` for a year."""
    start, end = today.isoformat(), (today + dt.timedelta(days=365)).isoformat()
    dated = {"from": start, "to": end}
    return [
        ("price_group", {"id": "STORE", "name": "All shoppers", "stores": [STORE_ID]}),
        ("price_group", {"id": "TRADE", "name": "Trade customers", "priority": 10}),
        ("price_group", {"id": "GOLD", "name": "Gold members", "loyalty_tiers": ["gold"]}),
        ("trade_agreement", {
            "id": "TA-TRADE-ESPRESSO", "name": "Trade price espresso", "item_code": "item",
            "item": ESPRESSO, "account_code": "price_group", "account": "TRADE",
            "price": "12.50", "currency": "EUR",
        }),
        ("price_adjustment", {
            "id": "PA-GOLD-ESPRESSO", "name": "Gold 5 % espresso", "price_groups": ["GOLD"],
            "kind": "percent_off", "value": "5", "items": [ESPRESSO],
        }),
        ("discount", {
            "id": "D-CHOC10", "name": "Chocolate 10 % off", "kind": "simple",
            "concurrency": "best_price", "price_groups": ["STORE"], "value": "10",
            "items": [CHOCOLATE], **dated,
        }),
        ("discount", {
            "id": "D-COLA3", "name": "Cola 3 for 2", "kind": "mix_and_match",
            "concurrency": "best_price", "price_groups": ["STORE"], "deal": "least_expensive",
            "value": "100", "line_groups": [{"id": "COLA", "quantity": "3", "items": [COLA]}],
            **dated,
        }),
        ("discount", {
            "id": "D-BASKET5", "name": "5 % off from 50.00", "kind": "threshold",
            "concurrency": "compounded", "price_groups": ["STORE"],
            "tiers": [{"minimum": "50.00", "method": "percent", "value": "5"}], **dated,
        }),
        ("discount", {
            "id": "D-SAVE5", "name": "5.00 off from 20.00", "kind": "threshold",
            "concurrency": "compounded", "price_groups": ["STORE"],
            "tiers": [{"minimum": "20.00", "method": "amount_off", "value": "5.00"}], **dated,
        }),
        ("coupon", {
            "id": "CP-SAVE5", "discount": "D-SAVE5",
            "codes": [{"code": "SAVE5", "barcode": SAVE5_BARCODE}], **dated,
        }),
        ("coupon", {
            "id": "CP-SUMMER", "discount": "D-SAVE5", "status": "expired",
            "codes": [{"code": "SUMMER"}],
        }),
        ("tender_discount", {
            "id": "TD-CARD", "name": "2 % off paying by card", "tender_types": ["card"],
            "tiers": [{"minimum": "100.00", "method": "percent", "value": "2"}], **dated,
        }),
    ]  # fmt: skip


def seed_pricing(conn: sqlite3.Connection, today: dt.date) -> int:
    """Write the demo pricing documents and customers inside the caller's transaction
    (local_db.seed.seed_store calls it after the demo items). Returns the documents written."""
    upsert_customers(conn, DEMO_CUSTOMERS)
    return replace_documents(conn, demo_documents(today))
