"""Coupon entry at the register over a real SQLite store: valid codes and bar codes unlock
their discount, and unknown, expired, inactive, not-yet-valid, used-up and duplicate entries
are refused with the engine's reason and change nothing."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from test_pe_db_support import Till, discounts_by_id, ok, open_till, seeded

from local_db import DEMO_ITEMS
from local_db.pricing_store import SqlCouponUsage
from local_db.seed_pricing import SAVE5_BARCODE
from runtime.customer_ops import EnterCoupon, RemoveCoupon
from runtime.operations import AddLine, AddTender, Conclude, RefusalCode

D = Decimal
EXTRA = [
    ("coupon", {"id": "CP-ONCE", "discount": "D-SAVE5", "usage_limit": 1,
                "codes": [{"code": "ONCE"}]}),
    ("coupon", {"id": "CP-OFF", "discount": "D-SAVE5", "status": "inactive",
                "codes": [{"code": "OFF"}]}),
    ("coupon", {"id": "CP-LATER", "discount": "D-SAVE5",
                "codes": [{"code": "LATER", "from": "2027-01-01"}]}),
]  # fmt: skip


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return seeded(tmp_path, EXTRA)


@pytest.fixture
def till(path: Path) -> Till:
    t = open_till(path)
    yield t  # type: ignore[misc]
    t.close()


def _espresso(till: Till, qty: str = "2") -> None:
    ok(till.runtime.add_line(AddLine(barcode=DEMO_ITEMS["espresso"], quantity=D(qty))))


def _coupon_discount(till: Till) -> list[str]:
    tx = till.runtime.transaction
    assert tx is not None
    return [d.name for ln in tx.active_lines for d in ln.discounts if d.discount_id == "D-SAVE5"]


def test_a_valid_code_unlocks_its_discount_and_removing_it_takes_it_away(till: Till) -> None:
    _espresso(till)  # 29.98: the 20.00 threshold is reached
    assert _coupon_discount(till) == []  # locked until the code is entered
    tx = ok(till.runtime.enter_coupon(EnterCoupon(" SAVE5 ")))
    assert tx.coupons == ("SAVE5",)
    assert sum(D(a) for a in discounts_by_id(tx)["D-SAVE5"]) == D("5.00")
    assert all("[coupon SAVE5]" in name for name in _coupon_discount(till))
    tx = ok(till.runtime.remove_coupon(RemoveCoupon("SAVE5")))
    assert tx.coupons == () and "D-SAVE5" not in discounts_by_id(tx)


def test_a_scanned_coupon_bar_code_is_stored_as_its_code(till: Till) -> None:
    _espresso(till)
    tx = ok(till.runtime.enter_coupon(EnterCoupon(SAVE5_BARCODE)))
    assert tx.coupons == ("SAVE5",) and "D-SAVE5" in discounts_by_id(tx)
    tx = ok(till.runtime.remove_coupon(RemoveCoupon(SAVE5_BARCODE)))  # by bar code too
    assert tx.coupons == ()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOPE", "Unknown coupon code NOPE."),
        ("SUMMER", "Coupon SUMMER has expired."),
        ("OFF", "Coupon OFF is inactive."),
        ("LATER", "Coupon LATER is not valid until 2027-01-01."),
        ("   ", "Type or scan a coupon code."),
    ],
)
def test_bad_codes_are_refused_with_the_engines_reason_and_change_nothing(
    till: Till, code: str, message: str
) -> None:
    _espresso(till)
    before = till.runtime.transaction
    refusal = till.runtime.enter_coupon(EnterCoupon(code)).refusal
    assert refusal is not None
    assert refusal.code is RefusalCode.INVALID_TEXT and refusal.message == message
    assert till.runtime.transaction == before


def test_the_same_coupon_twice_is_refused_whether_typed_or_scanned(till: Till) -> None:
    _espresso(till)
    ok(till.runtime.enter_coupon(EnterCoupon("SAVE5")))
    before = till.runtime.transaction
    for entry in ("SAVE5", SAVE5_BARCODE):
        refusal = till.runtime.enter_coupon(EnterCoupon(entry)).refusal
        assert refusal is not None and refusal.code is RefusalCode.WRONG_STATE
        assert refusal.message == "Coupon SAVE5 is already on the sale."
        assert till.runtime.transaction == before


def test_removing_a_coupon_not_on_the_sale_is_refused(till: Till) -> None:
    _espresso(till)
    before = till.runtime.transaction
    refusal = till.runtime.remove_coupon(RemoveCoupon("SAVE5")).refusal
    assert refusal is not None and "not on the sale" in refusal.message
    assert till.runtime.transaction == before


def test_a_coupon_without_an_open_sale_is_refused(till: Till) -> None:
    refusal = till.runtime.enter_coupon(EnterCoupon("SAVE5")).refusal
    assert refusal is not None and refusal.code is RefusalCode.NO_TRANSACTION


def _sell_with(till: Till, code: str, espresso: str = "2") -> None:
    _espresso(till, espresso)
    ok(till.runtime.enter_coupon(EnterCoupon(code)))
    ok(till.runtime.add_tender(AddTender("cash", D("100"))))
    ok(till.runtime.conclude(Conclude()))


def test_a_single_use_code_is_used_up_by_a_completed_sale(path: Path, till: Till) -> None:
    usage = SqlCouponUsage(till.database)
    assert usage.count_used("ONCE") == 0
    _sell_with(till, "ONCE")
    assert usage.count_used("ONCE") == 1
    _espresso(till)
    before = till.runtime.transaction
    refusal = till.runtime.enter_coupon(EnterCoupon("ONCE")).refusal
    assert refusal is not None and refusal.message == "Coupon ONCE used up (1 uses)."
    assert till.runtime.transaction == before
    till.close()
    again = open_till(path)  # the count is in the database, not in memory
    try:
        _espresso(again)
        assert again.runtime.enter_coupon(EnterCoupon("ONCE")).refusal is not None
    finally:
        again.close()


def test_a_code_whose_discount_did_not_apply_is_not_used_up(path: Path, till: Till) -> None:
    _sell_with(till, "SAVE5", espresso="1")  # 14.99: below the 20.00 threshold
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM coupon_usage").fetchone() == (0,)
    finally:
        conn.close()
    _sell_with(till, "SAVE5")  # applied this time
    assert SqlCouponUsage(till.database).count_used("SAVE5") == 1
