"""Tax: store group ∩ item group, several codes per line, incl/excl prices, rounding, exemption."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime.config import TaxRounding
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    ChangeRecord,
    Conclude,
    RefusalCode,
    SetQuantity,
    SetTaxExempt,
)
from runtime.receipt import TextRow
from runtime.transaction import LineTax, SaleLine, TaxSummary, Transaction
from tests.runtime.fakes import make_runtime, ok, refusal_of, store_config

D = Decimal


def add(rt: CommerceRuntime, item_id: str, **kw: object) -> SaleLine:
    return ok(rt.add_line(AddLine(item_id=item_id, **kw)))  # type: ignore[arg-type]


def current(rt: CommerceRuntime) -> Transaction:
    assert rt.transaction is not None
    return rt.transaction


def assert_adds_up(tx: Transaction, prices_include_tax: bool) -> None:
    """Every total is the sum of its line figures; the summary matches the lines."""
    lines = tx.active_lines
    t = tx.totals
    assert t.tax_total == sum((line.tax_amount for line in lines), D(0))
    assert t.total == sum((line.amount_incl_tax for line in lines), D(0))
    assert t.tax_total == sum((s.amount for s in t.tax_summary), D(0))
    for line in lines:
        assert line.amount_incl_tax - line.amount_excl_tax == line.tax_amount
        assert line.net_amount == (
            line.amount_incl_tax if prices_include_tax else line.amount_excl_tax
        )
    for s in t.tax_summary:
        assert s.amount == sum(
            (tax.amount for line in lines for tax in line.taxes if tax.code == s.code), D(0)
        )


# ---- prices including tax ------------------------------------------------------------------------


def test_incl_tax_store_per_line() -> None:
    rt, _ = make_runtime()
    cola = add(rt, "COLA")
    # 1.19 * 19 / 119 = 0.19 exactly; excl 1.00
    assert cola.taxes == (LineTax("VAT19", D("19"), D("0.19")),)
    assert (cola.amount_excl_tax, cola.amount_incl_tax) == (D("1.00"), D("1.19"))
    bread = add(rt, "BREAD")
    # 2.49 * 7 / 107 = 0.16289.. -> 0.16; excl 2.33
    assert bread.taxes == (LineTax("VAT7", D("7"), D("0.16")),)
    assert bread.amount_excl_tax == D("2.33")
    levy = add(rt, "LEVY")
    # two codes on one base: 10.20 * 100 / 121 = 8.42975..
    # ECO 2 %: 0.168595.. -> 0.17 ; VAT19: 1.601652.. -> 1.60 ; excl 10.20 - 1.77 = 8.43
    assert levy.taxes == (LineTax("ECO", D("2"), D("0.17")), LineTax("VAT19", D("19"), D("1.60")))
    assert (levy.tax_amount, levy.amount_excl_tax, levy.amount_incl_tax) == (
        D("1.77"),
        D("8.43"),
        D("10.20"),
    )
    tx = current(rt)
    t = tx.totals
    assert t.subtotal == D("13.88")  # 1.19 + 2.49 + 10.20
    assert t.total == D("13.88")  # prices include tax: nothing is added
    assert t.tax_total == D("2.12")  # 0.19 + 0.16 + 0.17 + 1.60
    assert t.tax_summary == (
        TaxSummary("ECO", D("2"), D("8.43"), D("0.17")),
        TaxSummary("VAT19", D("19"), D("9.43"), D("1.79")),  # bases 1.00 + 8.43
        TaxSummary("VAT7", D("7"), D("2.33"), D("0.16")),
    )
    assert_adds_up(tx, True)


def test_incl_tax_quantity_is_taxed_on_the_line_amount() -> None:
    rt, _ = make_runtime()
    line = add(rt, "COLA", quantity=D("3"))
    # 3 x 1.19 = 3.57 ; 3.57 * 19 / 119 = 0.57 exactly
    assert (line.gross_amount, line.tax_amount, line.amount_excl_tax) == (
        D("3.57"),
        D("0.57"),
        D("3.00"),
    )


# ---- prices excluding tax ------------------------------------------------------------------------


def test_excl_tax_store() -> None:
    rt, _ = make_runtime(store_config(prices_include_tax=False))
    cola = add(rt, "COLA")
    # 1.19 * 0.19 = 0.2261 -> 0.23 ; incl 1.42
    assert cola.taxes == (LineTax("VAT19", D("19"), D("0.23")),)
    assert (cola.amount_excl_tax, cola.amount_incl_tax) == (D("1.19"), D("1.42"))
    bread = add(rt, "BREAD")
    # 2.49 * 0.07 = 0.1743 -> 0.17 ; incl 2.66
    assert bread.amount_incl_tax == D("2.66")
    levy = add(rt, "LEVY")
    # ECO 10.20 * 0.02 = 0.204 -> 0.20 ; VAT19 10.20 * 0.19 = 1.938 -> 1.94 ; incl 12.34
    assert levy.taxes == (LineTax("ECO", D("2"), D("0.20")), LineTax("VAT19", D("19"), D("1.94")))
    assert levy.amount_incl_tax == D("12.34")
    tx = current(rt)
    assert tx.totals.subtotal == D("13.88")
    assert tx.totals.tax_total == D("2.54")  # 0.23 + 0.17 + 0.20 + 1.94
    assert tx.totals.total == D("16.42")  # 13.88 + 2.54
    assert tx.totals.tax_summary == (
        TaxSummary("ECO", D("2"), D("10.20"), D("0.20")),
        TaxSummary("VAT19", D("19"), D("11.39"), D("2.17")),  # 1.19 + 10.20 ; 0.23 + 1.94
        TaxSummary("VAT7", D("7"), D("2.49"), D("0.17")),
    )
    assert_adds_up(tx, False)


# ---- which codes apply ---------------------------------------------------------------------------


def test_store_group_intersect_item_group() -> None:
    # the store charges only VAT7: standard-rated cola shares nothing with it
    rt, _ = make_runtime(store_config(store_tax_group="reduced"))
    cola = add(rt, "COLA")
    assert cola.taxes == ()
    assert (cola.amount_excl_tax, cola.amount_incl_tax) == (D("1.19"), D("1.19"))
    bread = add(rt, "BREAD")
    assert bread.taxes == (LineTax("VAT7", D("7"), D("0.16")),)
    levy = add(rt, "LEVY")  # {VAT19, ECO} ∩ {VAT7} = ∅
    assert levy.taxes == ()
    tx = current(rt)
    assert tx.totals.tax_summary == (TaxSummary("VAT7", D("7"), D("2.33"), D("0.16")),)


def test_store_group_limits_a_multi_code_item() -> None:
    # store group "standard" = {VAT19}: the battery's ECO levy does not apply here
    rt, _ = make_runtime(store_config(store_tax_group="standard"))
    levy = add(rt, "LEVY")
    # 10.20 * 19 / 119 = 1.628571.. -> 1.63 ; excl 8.57
    assert levy.taxes == (LineTax("VAT19", D("19"), D("1.63")),)
    assert levy.amount_excl_tax == D("8.57")


@pytest.mark.parametrize("item_id", ["STAMP", "UNTAXED_GROUP"])
def test_items_without_applicable_group_are_untaxed(item_id: str) -> None:
    # STAMP has no tax group; UNTAXED_GROUP's group holds no code
    rt, _ = make_runtime()
    line = add(rt, item_id)
    assert line.taxes == ()
    assert line.amount_excl_tax == line.amount_incl_tax == line.gross_amount
    assert current(rt).totals.tax_summary == ()


def test_store_without_tax_group_taxes_nothing() -> None:
    rt, _ = make_runtime(store_config(store_tax_group=None))
    assert add(rt, "COLA").taxes == ()
    assert current(rt).totals.tax_total == 0


# ---- rounding per line or per total -------------------------------------------------------------


def test_per_line_and_per_total_differ_by_a_cent_incl_tax() -> None:
    # three bread lines: exact tax 2.49 * 7 / 107 = 0.162897.. each
    # per line: 3 x 0.16 = 0.48 ; per total: 0.488691.. -> 0.49
    per_line, _ = make_runtime()
    per_total, _ = make_runtime(store_config(tax_rounding=TaxRounding.PER_TOTAL))
    for rt in (per_line, per_total):
        for _ in range(3):
            add(rt, "BREAD")
    a, b = current(per_line), current(per_total)
    assert a.totals.tax_total == D("0.48")
    assert b.totals.tax_total == D("0.49")
    # the rounded code total is spread back: the cent goes to the first line (tie)
    assert [line.tax_amount for line in b.lines] == [D("0.17"), D("0.16"), D("0.16")]
    assert [line.amount_excl_tax for line in b.lines] == [D("2.32"), D("2.33"), D("2.33")]
    # base 2.32 + 2.33 + 2.33 = 6.98 ; 6.98 + 0.49 = 7.47 = 3 x 2.49
    assert b.totals.tax_summary == (TaxSummary("VAT7", D("7"), D("6.98"), D("0.49")),)
    assert b.totals.total == a.totals.total == D("7.47")
    assert_adds_up(a, True)
    assert_adds_up(b, True)


def test_per_line_and_per_total_half_cent_remainders_excl_tax() -> None:
    # 0.50 net at 19 %: exactly 0.095 tax per line
    # per line: each 0.095 -> 0.10 (half up), 3 lines 0.30 ; per total 0.285 -> 0.29
    per_line, _ = make_runtime(store_config(prices_include_tax=False))
    per_total, _ = make_runtime(
        store_config(prices_include_tax=False, tax_rounding=TaxRounding.PER_TOTAL)
    )
    for rt in (per_line, per_total):
        for _ in range(3):
            add(rt, "GUM")
    a, b = current(per_line), current(per_total)
    assert a.totals.tax_total == D("0.30")
    assert a.totals.total == D("1.80")
    assert b.totals.tax_total == D("0.29")
    assert b.totals.total == D("1.79")
    # each exact 0.095 rounds to 0.10 (0.30); one cent comes off the earliest line
    assert [line.tax_amount for line in b.lines] == [D("0.09"), D("0.10"), D("0.10")]
    assert b.totals.tax_summary == (TaxSummary("VAT19", D("19"), D("1.50"), D("0.29")),)
    assert_adds_up(a, False)
    assert_adds_up(b, False)


def test_per_total_with_several_codes_and_lines() -> None:
    rt, _ = make_runtime(store_config(prices_include_tax=False, tax_rounding=TaxRounding.PER_TOTAL))
    for item in ("GUM", "GUM", "LEVY", "COLA"):
        add(rt, item)
    tx = current(rt)
    # VAT19 exact: 0.095 + 0.095 + 1.938 + 0.2261 = 2.3541 -> 2.35
    # ECO exact: 0.204 -> 0.20
    summary = {s.code: s for s in tx.totals.tax_summary}
    assert summary["VAT19"].amount == D("2.35")
    assert summary["ECO"].amount == D("0.20")
    assert tx.totals.tax_total == D("2.55")
    # 0.50 + 0.50 + 10.20 + 1.19 = 12.39 ; + 2.55 = 14.94
    assert tx.totals.total == D("14.94")
    assert_adds_up(tx, False)


def test_per_total_respreads_after_a_quantity_change() -> None:
    rt, _ = make_runtime(store_config(tax_rounding=TaxRounding.PER_TOTAL))
    add(rt, "BREAD")
    add(rt, "BREAD")
    # 2 x 0.162897.. = 0.325794.. -> 0.33 ; parts 0.16 + 0.16 = 0.32 -> first +0.01
    assert [line.tax_amount for line in current(rt).lines] == [D("0.17"), D("0.16")]
    ok(rt.set_quantity(SetQuantity("L2", D("2"))))
    # L2 is 4.98: 0.325794..; L1 0.162897..; total 0.488691.. -> 0.49
    # rounded 0.16 + 0.33 = 0.49: nothing to spread
    assert [line.tax_amount for line in current(rt).lines] == [D("0.16"), D("0.33")]
    assert_adds_up(current(rt), True)


# ---- tax exemption -------------------------------------------------------------------------------


def test_tax_exempt_incl_tax_store_pays_price_minus_contained_tax() -> None:
    rt, _ = make_runtime()
    for item in ("COLA", "BREAD", "LEVY"):
        add(rt, item)
    result = rt.set_tax_exempt(SetTaxExempt(True, "  diplomatic mission  "))
    tx = ok(result)
    # every line's amounts changed, so every line is named
    assert result.changes == ChangeRecord(lines_changed=frozenset({"L1", "L2", "L3"}), totals=True)
    assert tx.tax_exempt and tx.tax_exempt_reason == "diplomatic mission"
    # COLA 1.19 - 0.19 = 1.00 ; BREAD 2.49 - 0.16 = 2.33 ; LEVY 10.20 - (0.1686 + 1.6017 =
    # 1.7702 -> 1.77) = 8.43
    assert [line.net_amount for line in tx.lines] == [D("1.00"), D("2.33"), D("8.43")]
    assert all(line.taxes == () for line in tx.lines)
    assert tx.totals.total == D("11.76")  # 1.00 + 2.33 + 8.43
    assert tx.totals.tax_total == 0
    assert tx.totals.tax_summary == ()
    assert_adds_up(tx, True)
    # and back
    tx = ok(rt.set_tax_exempt(SetTaxExempt(False)))
    assert tx.totals.total == D("13.88")
    assert tx.totals.tax_total == D("2.12")


def test_tax_exempt_excl_tax_store_adds_no_tax() -> None:
    rt, _ = make_runtime(store_config(prices_include_tax=False))
    add(rt, "COLA")
    tx = ok(rt.set_tax_exempt(SetTaxExempt(True, "export")))
    assert tx.totals.total == D("1.19")
    assert tx.lines[0].amount_excl_tax == tx.lines[0].amount_incl_tax == D("1.19")


def test_lines_added_while_exempt_are_exempt() -> None:
    rt, _ = make_runtime()
    add(rt, "COLA")
    ok(rt.set_tax_exempt(SetTaxExempt(True, "export")))
    line = add(rt, "BREAD")
    assert (line.taxes, line.net_amount) == ((), D("2.33"))
    assert current(rt).totals.total == D("3.33")


def test_tax_exempt_needs_a_reason() -> None:
    rt, _ = make_runtime()
    add(rt, "COLA")
    before = rt.transaction
    refusal = refusal_of(rt.set_tax_exempt(SetTaxExempt(True, "   ")))
    assert refusal.code is RefusalCode.WRONG_STATE
    assert rt.transaction is before


def test_exempt_receipt_explains_the_difference() -> None:
    # the lines show shelf prices (1.19 + 2.49 = 3.68) but the customer pays 3.33: the receipt
    # must show where the 0.35 went, or it does not add up
    rt, _ = make_runtime()
    add(rt, "COLA")
    add(rt, "BREAD")
    ok(rt.set_tax_exempt(SetTaxExempt(True, "export")))
    ok(rt.add_tender(AddTender("cash")))
    sale = ok(rt.conclude(Conclude()))
    rows = {row.left: row.right for row in sale.receipt.totals if isinstance(row, TextRow)}
    assert rows["Subtotal"] == "3.68"
    assert rows["Tax exemption"] == "-0.35"
    assert rows["TOTAL"] == "3.33"
