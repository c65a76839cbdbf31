"""Follow-ups from the review of the runtime: weight precision, decimal context isolation,
a card answer that could not be saved, and exact cash when only rounding is left."""

from __future__ import annotations

import decimal
from decimal import Decimal as D

from runtime.operations import AddLine, AddTender, Conclude, RefusalCode, TenderCard
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
