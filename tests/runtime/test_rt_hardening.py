"""Follow-ups from the review of the runtime: weight precision, decimal context isolation,
a card answer that could not be saved, and exact cash when only rounding is left."""

from __future__ import annotations

import decimal
from decimal import Decimal as D

from runtime.operations import AddLine, AddTender, Conclude, RefusalCode, SetQuantity, TenderCard
from runtime.transaction import TenderStatus
from tests.runtime.fakes import COLA_EAN, make_runtime, ok, opened, store_config


def test_a_weight_finer_than_the_unit_allows_is_refused() -> None:
    rt, _ = make_runtime()
    result = rt.add_line(AddLine(item_id="BANANA", weight=D("0.7555")))
    assert result.refusal is not None and result.refusal.code is RefusalCode.INVALID_QUANTITY
    assert "3 decimals" in result.refusal.message
    assert ok(rt.add_line(AddLine(item_id="BANANA", weight=D("0.755")))).quantity == D("0.755")


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    def total_with(prec: int) -> D:
        rt, _ = make_runtime()
        with decimal.localcontext() as ctx:
            ctx.prec = prec
            ctx.rounding = decimal.ROUND_FLOOR
            ok(rt.add_line(AddLine(item_id="BANANA", weight=D("1.237"))))
            ok(rt.add_line(AddLine(item_id="LEVY")))
        assert rt.transaction is not None
        return rt.transaction.totals.tax_total

    assert total_with(3) == total_with(28)


def test_a_card_answer_that_cannot_be_saved_says_the_payment_is_pending() -> None:
    rt, stores = opened()

    class FailOnAnswer:
        def authorize(self, request):  # type: ignore[no-untyped-def]
            stores.fail_next = True  # the save after the terminal's answer fails
            from tests.runtime.fakes import ScriptedTerminal

            return ScriptedTerminal().authorize(request)

    terminal = rt.ports.payment
    assert terminal is not None
    original = terminal.authorize
    terminal.authorize = FailOnAnswer().authorize  # type: ignore[method-assign]
    result = rt.tender_card(TenderCard("card"))
    terminal.authorize = original  # type: ignore[method-assign]
    assert result.refusal is not None and result.refusal.code is RefusalCode.STORAGE
    assert "approved" in result.refusal.message and "pending" in result.refusal.message
    assert rt.transaction is not None
    (line,) = rt.transaction.tenders
    assert line.status is TenderStatus.PENDING  # kept: it can be resolved, never charged twice


def test_exact_cash_when_only_a_rounding_remainder_is_left() -> None:
    # cola 1.19 in a 0.05 store: pay 1.17 by check, 0.02 left, which rounds to 0.00 in cash
    rt, _ = make_runtime(store_config(cash_rounding=D("0.05")))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.add_tender(AddTender("check", D("1.17"))))
    cash = ok(rt.add_tender(AddTender("cash")))
    assert (cash.amount, cash.rounding) == (D("0.00"), D("-0.02"))
    sale = ok(rt.conclude(Conclude()))
    assert sale.transaction.totals.payable == D("1.17")


def test_lines_added_after_a_rounded_cash_payment_are_paid_in_full_by_check() -> None:
    # review finding: 18.36 paid 18.35 cash (rounding -0.01); a line added after payment and
    # paid by check must not keep the cash rounding that no longer settles anything
    rt, _ = make_runtime(store_config(cash_rounding=D("0.05")))
    ok(rt.add_line(AddLine(item_id="BREAD")))  # 2.49
    ok(rt.add_line(AddLine(item_id="COLA", quantity=D(3))))  # 3.57 -> 6.06
    cash = ok(rt.add_tender(AddTender("cash")))
    assert (cash.amount, cash.rounding) == (D("6.05"), D("-0.01"))
    ok(rt.add_line(AddLine(item_id="BREAD")))  # 8.55 now; the cash rounding is void
    assert rt.transaction is not None
    assert rt.transaction.totals.cash_rounding == 0
    assert rt.transaction.totals.balance_due == D("2.50")  # 8.55 - 6.05
    ok(rt.add_tender(AddTender("check")))
    sale = ok(rt.conclude(Conclude()))
    assert sale.transaction.totals.paid == sale.transaction.totals.total == D("8.55")


def test_an_absurd_tender_amount_is_refused_not_raised() -> None:
    rt, _ = opened()
    for amount in (D("1E+40"), D("1E+33"), D("1000000000")):
        result = rt.add_tender(AddTender("cash", amount))
        assert result.refusal is not None and result.refusal.code is RefusalCode.INVALID_AMOUNT


def test_equal_quantities_are_written_one_way() -> None:
    rt, _ = opened()
    assert rt.transaction is not None
    line_id = rt.transaction.lines[0].line_id
    assert str(ok(rt.set_quantity(SetQuantity(line_id, D("2.000")))).quantity) == "2"
    weighed = ok(rt.add_line(AddLine(item_id="BANANA", weight=D("1.5"))))
    assert str(weighed.quantity) == "1.500"
    keyed = ok(rt.add_line(AddLine(item_id="GIFT", keyed_price=D("2.5"))))
    assert str(keyed.keyed_price) == "2.50"
    cash = ok(rt.add_tender(AddTender("cash", D("1"))))
    assert str(cash.amount) == "1.00"
