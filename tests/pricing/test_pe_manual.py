"""Cashier pricing inputs: price override, manual line and total discounts, automatic discounts
removed and reapplied; permission and limits checked inside the runtime."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from runtime.discount_ops import DiscountLine, DiscountTotal, OverridePrice, SetAutomaticDiscounts
from runtime.operations import AddLine, Approval, Refusal, RefusalCode
from tests.runtime.fakes import DiscountPricing, make_runtime, ok, refusal_of

D = Decimal


class DenyingAccess:
    """Refuses everything; records what was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def _no(self, what: str) -> Refusal:
        self.asked.append(what)
        return Refusal(RefusalCode.PERMISSION_REQUIRED, f"{what} needs a manager")

    def authorize(self, operator_id: Any, permission: Any, approval: Any, **kw: Any) -> Refusal:
        return self._no(permission.value)

    def authorize_discount(self, operator_id: Any, scope: str, *a: Any, **kw: Any) -> Refusal:
        return self._no(f"discount:{scope}")

    def audit(self, *a: Any, **kw: Any) -> None:
        self.asked.append("audit")


def _sale(pricing: Any = None) -> Any:
    rt, _ = make_runtime(pricing=pricing)
    ok(rt.add_line(AddLine(item_id="COLA", quantity=D(3))))  # 3 x 1.19 = 3.57
    ok(rt.add_line(AddLine(item_id="BREAD")))  # 2.49
    ok(rt.add_line(AddLine(item_id="GUM", quantity=D(2))))  # 1.00
    return rt


def test_price_override_replaces_price_and_automatic_discounts_and_is_asked_for() -> None:
    rt = _sale(DiscountPricing("COLA", D("0.30")))
    assert rt.transaction.line("L1").discount_amount == D("0.30")
    line = ok(rt.override_price(OverridePrice("L1", D("0.99"), reason="damaged")))
    assert line.unit_price == D("0.99") and line.net_amount == D("2.97")
    assert line.discounts == () and line.price_source.startswith("price override (was 1.19")
    assert ("1001", "price_override", "override a price") in rt.ports.access.asked
    line = ok(rt.override_price(OverridePrice("L1", None)))
    assert line.unit_price == D("1.19") and line.discount_amount == D("0.30")


def test_price_override_refusals_change_nothing() -> None:
    rt = _sale()
    before = rt.transaction
    assert (
        refusal_of(rt.override_price(OverridePrice("L1", D("-1")))).code
        is RefusalCode.INVALID_AMOUNT
    )
    assert (
        refusal_of(rt.override_price(OverridePrice("L1", D("NaN")))).code
        is RefusalCode.INVALID_AMOUNT
    )
    assert (
        refusal_of(rt.override_price(OverridePrice("L9", D("1")))).code is RefusalCode.UNKNOWN_LINE
    )
    assert rt.transaction == before


def test_manual_line_discount_percent_and_amount() -> None:
    rt = _sale()
    line = ok(rt.discount_line(DiscountLine("L1", percent=D("10"))))
    assert line.discount_amount == D("0.36")  # 10 % of 3.57 = 0.357
    assert line.discounts[-1].name == "Manual discount 10%"
    line = ok(rt.discount_line(DiscountLine("L2", amount=D("0.49"))))
    assert line.net_amount == D("2.00")
    assert rt.transaction.totals.discount_total == D("0.85")
    line = ok(rt.discount_line(DiscountLine("L2")))  # removed
    assert line.net_amount == D("2.49")


def test_manual_line_discount_comes_after_the_automatic_one() -> None:
    rt = _sale(DiscountPricing("COLA", D("0.57")))  # 3.57 - 0.57 = 3.00
    line = ok(rt.discount_line(DiscountLine("L1", percent=D("50"))))
    assert [d.amount for d in line.discounts] == [D("0.57"), D("1.50")]
    assert line.net_amount == D("1.50")


@pytest.mark.parametrize(
    ("percent", "amount"),
    [
        (D("0"), None),
        (D("100.01"), None),
        (D("NaN"), None),
        (None, D("0")),
        (None, D("-2")),
        (None, D("3.58")),
        (D("5"), D("1")),
    ],
)
def test_bad_manual_line_discounts_are_refused(
    percent: Decimal | None, amount: Decimal | None
) -> None:
    rt = _sale()
    before = rt.transaction
    refusal = refusal_of(rt.discount_line(DiscountLine("L1", percent=percent, amount=amount)))
    assert refusal.code is RefusalCode.INVALID_AMOUNT
    assert rt.transaction == before


def test_total_discount_is_spread_over_lines_to_the_cent() -> None:
    rt = _sale()
    tx = ok(rt.discount_total(DiscountTotal(amount=D("1.00"))))
    shares = [
        sum((d.amount for d in line.discounts if d.kind == "manual_total"), D(0))
        for line in tx.active_lines
    ]
    assert sum(shares) == D("1.00") and all(s > 0 for s in shares)
    assert tx.totals.total == D("6.06")  # 3.57 + 2.49 + 1.00 - 1.00
    assert sum(line.amount_incl_tax for line in tx.active_lines) == tx.totals.total
    tx = ok(rt.discount_total(DiscountTotal(percent=D("100"))))
    assert tx.totals.total == D("0.00")
    tx = ok(rt.discount_total(DiscountTotal()))
    assert tx.totals.total == D("7.06")


def test_total_discount_follows_later_scans() -> None:
    rt = _sale()
    ok(rt.discount_total(DiscountTotal(percent=D("10"))))
    ok(rt.add_line(AddLine(item_id="BREAD")))
    tx = rt.transaction
    assert tx.totals.discount_total == D("0.96")  # 10 % of 9.55, rounded once
    assert tx.totals.total == D("8.59")


def test_automatic_discounts_can_be_removed_and_reapplied() -> None:
    rt = _sale(DiscountPricing("COLA", D("0.30")))
    tx = ok(rt.set_automatic_discounts(SetAutomaticDiscounts(enabled=False)))
    assert tx.totals.discount_total == D("0")
    assert refusal_of(rt.set_automatic_discounts(SetAutomaticDiscounts(False))).code is (
        RefusalCode.WRONG_STATE
    )
    tx = ok(rt.set_automatic_discounts(SetAutomaticDiscounts(enabled=True)))
    assert tx.totals.discount_total == D("0.30")


def test_without_permission_nothing_changes_and_the_refusal_names_it() -> None:
    rt = _sale()
    rt.ports = replace(rt.ports, access=DenyingAccess())
    before = rt.transaction
    approval = Approval("1002", "5678")
    for result in (
        rt.override_price(OverridePrice("L1", D("0.10"), approval=approval)),
        rt.discount_line(DiscountLine("L1", percent=D("5"))),
        rt.discount_total(DiscountTotal(amount=D("1"))),
    ):
        assert refusal_of(result).code is RefusalCode.PERMISSION_REQUIRED
    assert rt.transaction == before
    assert rt.ports.access.asked == ["price_override", "discount:line", "discount:total"]
