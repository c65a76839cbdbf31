"""The register priced by the engine built from its own database: automatic discounts on
lines, a customer's trade agreement, loyalty adjustment and tax exemption, refusals that
change nothing, and "why this price" from the DB-built service."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_pe_db_support import NOON, Till, discounts_by_id, ok, open_till, seeded

from local_db import DEMO_ITEMS
from runtime.customer_ops import CUSTOMER_EXEMPT_PREFIX, SetCustomer
from runtime.operations import AddLine, RefusalCode, SetTaxExempt
from runtime.ports import PricingContext

D = Decimal


@pytest.fixture
def till(tmp_path: Path) -> Till:
    t = open_till(seeded(tmp_path))
    yield t  # type: ignore[misc]
    t.close()


def _scan(till: Till, key: str, qty: str = "1") -> None:
    ok(till.runtime.add_line(AddLine(barcode=DEMO_ITEMS[key], quantity=D(qty))))


def test_demo_documents_load_without_problems(till: Till) -> None:
    assert till.problems == []
    assert {d.discount_id for d in till.pricing.discounts} == {
        "D-CHOC10", "D-COLA3", "D-BASKET5", "D-SAVE5",
    }  # fmt: skip
    assert [c.coupon_id for c in till.pricing.coupons.coupons] == ["CP-SAVE5", "CP-SUMMER"]


def test_automatic_discounts_show_up_on_the_lines(till: Till) -> None:
    _scan(till, "chocolate", "2")  # 2 x 1.49 = 2.98, 10 % = 0.30
    _scan(till, "cola", "3")  # 3 for 2: one can free (0.89)
    tx = till.runtime.transaction
    assert tx is not None
    found = discounts_by_id(tx)
    assert found["D-CHOC10"] == ["0.30"]
    assert found["D-COLA3"] == ["0.89"]
    assert "D-BASKET5" not in found  # 5.65 is below the 50.00 threshold
    assert tx.totals.total == D("2.98") - D("0.30") + D("2.67") - D("0.89")


def test_threshold_discount_applies_once_the_basket_reaches_it(till: Till) -> None:
    _scan(till, "espresso", "3")  # 44.97
    tx = till.runtime.transaction
    assert tx is not None and "D-BASKET5" not in discounts_by_id(tx)
    _scan(till, "espresso", "1")  # 59.96 >= 50.00
    tx = till.runtime.transaction
    assert tx is not None
    assert sum(D(a) for a in discounts_by_id(tx)["D-BASKET5"]) == D("3.00")  # 5 % of 59.96


def test_trade_customer_gets_the_trade_agreement_price_after_set_customer(till: Till) -> None:
    _scan(till, "espresso")
    tx = till.runtime.transaction
    assert tx is not None and tx.lines[0].unit_price == D("14.99")
    tx = ok(till.runtime.set_customer(SetCustomer("C-TRADE")))
    assert tx.customer_id == "C-TRADE"
    assert tx.lines[0].unit_price == D("12.50")
    assert "TA-TRADE-ESPRESSO" in tx.lines[0].price_source
    tx = ok(till.runtime.set_customer(SetCustomer(None)))  # off again: base price
    assert tx.customer_id is None and tx.lines[0].unit_price == D("14.99")


def test_loyalty_tier_brings_its_price_group_adjustment(till: Till) -> None:
    _scan(till, "espresso")
    tx = ok(till.runtime.set_customer(SetCustomer("C-GOLD")))
    assert tx.lines[0].unit_price == D("14.24")  # 14.99 less 5 %, rounded on the line
    assert "PA-GOLD-ESPRESSO" in tx.lines[0].price_source


def test_tax_exempt_customer_makes_the_sale_exempt_and_leaving_lifts_it(till: Till) -> None:
    _scan(till, "cola")
    tx = ok(till.runtime.set_customer(SetCustomer("C-SCHOOL")))
    assert tx.tax_exempt and tx.tax_exempt_reason == f"{CUSTOMER_EXEMPT_PREFIX}C-SCHOOL"
    assert tx.totals.tax_total == 0
    tx = ok(till.runtime.set_customer(SetCustomer("C-TRADE")))
    assert not tx.tax_exempt and tx.totals.tax_total > 0


def test_a_cashiers_own_exemption_stays_when_the_customer_changes(till: Till) -> None:
    _scan(till, "cola")
    ok(till.runtime.set_tax_exempt(SetTaxExempt(True, "diplomat")))
    tx = ok(till.runtime.set_customer(SetCustomer("C-TRADE")))
    assert tx.tax_exempt and tx.tax_exempt_reason == "diplomat"


@pytest.mark.parametrize(
    ("customer_id", "code", "words"),
    [
        ("NOBODY", RefusalCode.INVALID_TEXT, "There is no customer NOBODY"),
        ("C-BLOCKED", RefusalCode.WRONG_STATE, "is blocked"),
        ("  ", RefusalCode.INVALID_TEXT, "Enter a customer number"),
    ],
)
def test_unknown_blocked_or_empty_customer_is_refused_and_changes_nothing(
    till: Till, customer_id: str, code: RefusalCode, words: str
) -> None:
    _scan(till, "espresso")
    before = till.runtime.transaction
    result = till.runtime.set_customer(SetCustomer(customer_id))
    assert result.refusal is not None
    assert result.refusal.code is code and words in result.refusal.message
    assert till.runtime.transaction == before


def test_same_customer_twice_and_removing_none_are_refused(till: Till) -> None:
    _scan(till, "espresso")
    refusal = till.runtime.set_customer(SetCustomer(None)).refusal
    assert refusal is not None and refusal.code is RefusalCode.WRONG_STATE
    ok(till.runtime.set_customer(SetCustomer("C-TRADE")))
    before = till.runtime.transaction
    refusal = till.runtime.set_customer(SetCustomer("C-TRADE")).refusal
    assert refusal is not None and "already" in refusal.message
    assert till.runtime.transaction == before


def test_customer_without_an_open_sale_is_refused(till: Till) -> None:
    refusal = till.runtime.set_customer(SetCustomer("C-TRADE")).refusal
    assert refusal is not None and refusal.code is RefusalCode.NO_TRANSACTION


def test_the_customer_survives_a_restart_of_the_register(tmp_path: Path) -> None:
    path = seeded(tmp_path)
    till = open_till(path)
    _scan(till, "espresso")
    ok(till.runtime.set_customer(SetCustomer("C-TRADE")))
    till.close()
    again = open_till(path)
    try:
        tx = again.runtime.transaction
        assert tx is not None and tx.customer_id == "C-TRADE"
        _scan(again, "chocolate")  # the resumed cart is repriced whole, customer included
        tx = again.runtime.transaction
        assert tx is not None and tx.lines[0].unit_price == D("12.50")
    finally:
        again.close()


def test_explain_line_from_the_db_built_service(till: Till) -> None:
    _scan(till, "espresso")
    _scan(till, "chocolate")
    tx = ok(till.runtime.set_customer(SetCustomer("C-TRADE")))
    context = PricingContext(
        store=till.runtime.store,
        day=NOON.date(),
        customer_id=tx.customer_id,
        coupons=tx.coupons,
    )
    espresso = till.pricing.explain_line(context, tx.active_lines, tx.lines[0].line_id)
    assert espresso.price.agreement_id == "TA-TRADE-ESPRESSO"
    assert espresso.price.unit_price == D("12.50")
    assert espresso.price_source.startswith("trade agreement TA-TRADE-ESPRESSO")
    chocolate = till.pricing.explain_line(context, tx.active_lines, tx.lines[1].line_id)
    assert [d.discount_id for d in chocolate.applied] == ["D-CHOC10"]
    assert chocolate.price_source == "base price"
