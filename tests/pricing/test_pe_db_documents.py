"""Pricing documents in the register database: malformed documents are skipped and reported
by kind, id and JSON path while the rest still price; replacing documents; the customer
directory; the demo seed."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest
from test_pe_db_support import TODAY, discounts_by_id, ok, open_till, seeded

from local_db import DEMO_ITEMS, load_store_config, open_database
from local_db.customers import SqlCustomerDirectory
from local_db.pricing_store import build_pricing_service, load_pricing, replace_documents
from local_db.seed_pricing import DEMO_CUSTOMERS, demo_documents, seed_pricing
from runtime.operations import AddLine

D = Decimal
BAD = [
    ("discount", {"id": "D-BAD", "kind": "simple", "concurrency": "best_price",
                  "price_groups": ["STORE"], "value": "150"}),
    ("discount", {"id": "D-FLOAT", "kind": "simple", "concurrency": "best_price",
                  "price_groups": ["STORE"], "value": 10.5}),
    ("discount", {"id": "D-NOGROUP", "kind": "simple", "concurrency": "best_price",
                  "price_groups": ["NOWHERE"], "value": "10"}),
    ("trade_agreement", {"id": "TA-TYPO", "item_code": "item", "item": "1000001",
                         "account_code": "all_customers", "price": "1.00", "prise": "2"}),
    ("coupon", {"id": "CP-ORPHAN", "discount": "D-BAD", "codes": [{"code": "ORPHAN"}]}),
    ("tender_discount", {"id": "TD-BAD", "tender_types": ["card"],
                         "tiers": [{"minimum": "10", "method": "percent", "value": "5"},
                                   {"minimum": "5", "method": "percent", "value": "9"}]}),
    ("rebate", {"id": "R1"}),
    ("price_group", "{not json"),
]  # fmt: skip


def test_malformed_documents_are_reported_by_kind_id_and_path(tmp_path: Path) -> None:
    till = open_till(seeded(tmp_path, BAD))
    try:
        found = {(p.kind, p.document_id, p.path): p.message for p in till.problems}
        assert found[("discount", "D-BAD", "$.value")].startswith("percent must be")
        assert "not the JSON number 10.5" in found[("discount", "D-FLOAT", "$.value")]
        assert found[("discount", "D-NOGROUP", "$.price_groups[0]")] == (
            "unknown price group 'NOWHERE'"
        )
        assert "did you mean 'price'" in found[("trade_agreement", "TA-TYPO", "$.prise")]
        # depends on a skipped document: skipped too
        assert found[("coupon", "CP-ORPHAN", "$.discount")] == "unknown discount 'D-BAD'"
        assert "strictly increasing" in found[("tender_discount", "TD-BAD", "$.tiers[1].minimum")]
        assert "unknown document kind 'rebate'" in found[("rebate", "R1", "$")]
        assert found[("price_group", "", "$")].startswith("not valid JSON")
        assert str(till.problems[0]).count(": ") >= 2  # "kind id: path: message"
        # the good documents still price
        ok(till.runtime.add_line(AddLine(barcode=DEMO_ITEMS["chocolate"], quantity=D(1))))
        tx = till.runtime.transaction
        assert tx is not None and discounts_by_id(tx) == {"D-CHOC10": ["0.15"]}
        assert "D-BAD" not in {d.discount_id for d in till.pricing.discounts}
    finally:
        till.close()


def test_skipped_documents_are_logged_as_warnings_by_default(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = open_database(seeded(tmp_path, BAD[:1]))
    try:
        with caplog.at_level(logging.WARNING, logger="local_db.pricing_store"):
            build_pricing_service(db, load_store_config(db, "S001"))
        assert "discount D-BAD: $.value: percent must be" in caplog.text
    finally:
        db.close()


def test_a_document_whose_id_differs_from_its_key_is_refused(tmp_path: Path) -> None:
    db = open_database(seeded(tmp_path))
    try:
        with db.write("test") as conn:
            conn.execute(
                "INSERT INTO pricing_documents (kind, document_id, body) VALUES (?, ?, ?)",
                ("price_group", "VIP", '{"id": "GOLDEN"}'),
            )
        problems = load_pricing(db, load_store_config(db, "S001")).problems
        assert [(p.document_id, p.path) for p in problems] == [("VIP", "$.id")]
        assert "'GOLDEN' is not the document id 'VIP'" in problems[0].message
    finally:
        db.close()


def test_replace_documents_replaces_removes_and_snapshots(tmp_path: Path) -> None:
    db = open_database(seeded(tmp_path))
    try:
        store = load_store_config(db, "S001")
        cheaper = dict(demo_documents(TODAY)[5][1], value="20")  # D-CHOC10 at 20 %
        assert cheaper["id"] == "D-CHOC10"
        with db.write("test") as conn:
            replace_documents(conn, [("discount", cheaper)], remove=[("discount", "D-COLA3")])
        data = load_pricing(db, store)
        by_id = {d.discount_id: d for d in data.discounts}
        assert by_id["D-CHOC10"].value == D("20") and "D-COLA3" not in by_id
        with db.write("test") as conn:
            replace_documents(conn, demo_documents(TODAY)[:1], replace_all=True)
        data = load_pricing(db, store)
        assert data.discounts == () and list(data.book.price_groups) == ["STORE"]
    finally:
        db.close()


def test_seed_pricing_is_repeatable(tmp_path: Path) -> None:
    db = open_database(seeded(tmp_path))
    try:
        with db.write("seed again") as conn:
            assert seed_pricing(conn, TODAY) == len(demo_documents(TODAY))
            (count,) = conn.execute("SELECT count(*) FROM pricing_documents").fetchone()
            (customers,) = conn.execute("SELECT count(*) FROM customers").fetchone()
        assert count == len(demo_documents(TODAY)) and customers == len(DEMO_CUSTOMERS)
    finally:
        db.close()


def test_customer_directory_finds_by_id_and_searches_by_prefix(tmp_path: Path) -> None:
    db = open_database(seeded(tmp_path))
    try:
        directory = SqlCustomerDirectory(db)
        trade = directory.find_customer("C-TRADE")
        assert trade is not None and trade.price_groups == ("TRADE",) and not trade.blocked
        school = directory.find_customer("C-SCHOOL")
        assert school is not None and school.tax_exempt
        assert directory.find_customer("nobody") is None
        assert [c.customer_id for c in directory.search("anna")] == ["C-TRADE"]  # name
        assert [c.customer_id for c in directory.search("ben@")] == ["C-GOLD"]  # e-mail
        by_phone = directory.search("+4930")  # ordered by name
        assert [c.customer_id for c in by_phone] == ["C-TRADE", "C-GOLD"]
        assert directory.search("%") == () and directory.search("  ") == ()
    finally:
        db.close()


def test_item_group_agreement_prices_database_products(tmp_path: Path) -> None:
    """The catalogue has no item-group column: an item_price_group document lists its items,
    and an item-group trade agreement then prices them."""
    wine, tshirt = DEMO_ITEMS["wine"], DEMO_ITEMS["tshirt"]
    extra = [
        ("item_price_group", {"id": "WINES", "name": "Wines", "items": ["1000003"]}),
        ("trade_agreement", {
            "id": "TA-WINES", "item_code": "item_group", "item": "WINES",
            "account_code": "all_customers", "price": "5.55", "currency": "EUR",
        }),
        ("item_price_group", {"id": "EMPTY", "items": []}),
    ]  # fmt: skip
    till = open_till(seeded(tmp_path, extra))
    try:
        assert [str(p) for p in till.problems] == [
            "item_price_group EMPTY: $.items: at least one item is required"
        ]
        line = ok(till.runtime.add_line(AddLine(barcode=wine, age_verified=True)))
        assert line.unit_price == D("5.55") and "TA-WINES" in line.price_source
        other = ok(till.runtime.add_line(AddLine(barcode=tshirt)))
        assert other.unit_price != D("5.55")
    finally:
        till.close()
