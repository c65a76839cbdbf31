"""Coupons, tender discounts and price-group links in the scenario format (the same parsers
read the register's pricing documents), and the tender-discount helper the tender operation
will call."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from test_pe_db_support import ok, open_till, seeded

from local_db import DEMO_ITEMS
from runtime.money import HUNDRED
from runtime.operations import AddLine
from runtime.pricing_engine.scenario import ScenarioError, load_scenario, price_scenario

D = Decimal
BASE: dict[str, object] = {
    "store": {"id": "S1", "currency": {"code": "USD"}},
    "price_groups": [
        {"id": "STORE", "stores": ["S1"]},
        {"id": "GOLD", "loyalty_tiers": ["gold"], "priority": 5},
    ],
    "products": [{"item_id": "P1", "base_price": "30.00"}],
    "customers": [{"id": "C1", "loyalty_tier": "gold"}],
    "price_adjustments": [
        {"id": "PA1", "price_groups": ["GOLD"], "kind": "amount_off", "value": "1.00",
         "items": ["P1"]},
    ],
    "discounts": [
        {"id": "D5", "name": "5 off", "kind": "threshold", "concurrency": "compounded",
         "price_groups": ["STORE"], "tiers": [{"minimum": "20", "method": "amount_off",
                                               "value": "5.00"}]},
    ],
    "coupons": [
        {"id": "CP1", "discount": "D5", "codes": [{"code": "SAVE5", "barcode": "99001"}]},
    ],
    "tender_discounts": [
        {"id": "TD1", "tender_types": ["card"],
         "tiers": [{"minimum": "0", "method": "percent", "value": "2"}]},
    ],
    "basket": {"date": "2026-11-23", "lines": [{"item": "P1", "quantity": "1"}]},
}  # fmt: skip


def _doc(**basket: object) -> dict[str, object]:
    doc = copy.deepcopy(BASE)
    doc["basket"].update(basket)  # type: ignore[attr-defined]
    return doc


def test_an_entered_coupon_unlocks_its_discount_in_a_scenario() -> None:
    locked = price_scenario(json.dumps(_doc()))
    assert locked["total"] == "30.00"  # the store group is linked by the group's "stores"
    out = price_scenario(json.dumps(_doc(coupons=["99001"])))  # by bar code
    line = out["lines"][0]  # type: ignore[index]
    assert line["discounts"][0]["name"] == "5 off [coupon SAVE5]"
    assert out["total"] == "25.00"


def test_a_loyalty_tier_brings_its_groups_in_a_scenario() -> None:
    out = price_scenario(json.dumps(_doc(customer="C1")))
    assert out["lines"][0]["unit_price"] == "29.00"  # type: ignore[index]


def test_coupons_and_tender_discounts_are_loaded_from_the_scenario() -> None:
    scenario = load_scenario(json.dumps(_doc(coupons=["SAVE5"])))
    assert [c.coupon_id for c in scenario.coupons] == ["CP1"]
    assert scenario.entered_coupons == ("SAVE5",)
    assert [t.discount_id for t in scenario.tender_discounts] == ["TD1"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["coupons"][0].update(usage_limit=0), "$.coupons[0].usage_limit: must be > 0"),
        (lambda d: d["coupons"][0].update(discount="NOPE"), "$.coupons[0].discount: unknown"),
        (lambda d: d["coupons"][0]["codes"][0].update(code=""), "$.coupons[0].codes[0].code"),
        (lambda d: d["coupons"][0].update(status="gone"), "$.coupons[0].status: must be one of"),
        (
            lambda d: d["tender_discounts"][0].update(tender_types=[]),
            "$.tender_discounts[0].tender_types: at least one",
        ),
        (lambda d: d["price_groups"][0].update(stores="S1"), "$.price_groups[0].stores: must be"),
    ],
)
def test_malformed_coupons_and_tender_discounts_name_their_json_path(
    change: object, where: str
) -> None:
    doc = _doc()
    change(doc)  # type: ignore[operator]
    with pytest.raises(ScenarioError) as err:
        load_scenario(json.dumps(doc))
    assert any(p.startswith(where) for p in err.value.problems), err.value.problems


def test_an_entered_code_the_register_refuses_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError) as err:
        price_scenario(json.dumps(_doc(coupons=["NOPE"])))
    assert err.value.problems == (
        "$.basket.coupons[0]: the register refused it: unknown coupon code NOPE",
    )


def test_tender_discount_for_paying_by_card(tmp_path: Path) -> None:
    till = open_till(seeded(tmp_path))
    try:
        rt = till.runtime
        ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"], quantity=D(10))))
        tx = rt.transaction
        assert tx is not None
        basis = sum((ln.net_amount for ln in tx.active_lines), D(0))  # the store's price basis
        assert basis >= 100  # TD-CARD: 2 % from 100.00
        whole = rt._tender_discount_for(tx, "card", tx.totals.total)
        assert whole and {d.discount_id for d in whole.values()} == {"TD-CARD"}
        assert sum(d.amount for d in whole.values()) == (basis * 2 / HUNDRED).quantize(D("0.01"))
        part = rt._tender_discount_for(tx, "card", D("50.00"))  # 2 % of the part paid
        share = D("50.00") * basis / tx.totals.total * 2 / HUNDRED
        assert sum(d.amount for d in part.values()) == share.quantize(D("0.01"))
        assert rt._tender_discount_for(tx, "cash", tx.totals.total) == {}
        assert rt.transaction == tx  # only computed: applying it is the tender operation's
    finally:
        till.close()
