"""Tenders: cash with change and rounding, check, foreign currency, and cards via the terminal."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from runtime.config import TenderKind, TenderType
from runtime.facade import CommerceRuntime
from runtime.money import RoundingMode
from runtime.operations import (
    AddLine,
    AddTender,
    ChangeRecord,
    Conclude,
    RefusalCode,
    TenderCard,
    VoidLine,
    VoidTender,
)
from runtime.ports import PaymentRequest
from runtime.receipt import TextRow
from runtime.transaction import Transaction
from tests.runtime.fakes import (
    COLA_EAN,
    MemoryStores,
    ScriptedTerminal,
    make_runtime,
    ok,
    refusal_of,
    store_config,
)

D = Decimal
TENDERS = ChangeRecord(tenders=True, totals=True)


def current(rt: CommerceRuntime) -> Transaction:
    assert rt.transaction is not None
    return rt.transaction


def with_total(amount: str, **kw: object) -> tuple[CommerceRuntime, MemoryStores]:
    """A transaction whose total is `amount` (a keyed-in price item)."""
    rt, stores = make_runtime(**kw)  # type: ignore[arg-type]
    ok(rt.add_line(AddLine(item_id="GIFT", keyed_price=D(amount))))
    assert current(rt).totals.total == D(amount)
    return rt, stores


def rows(rows_: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(r.left, r.right) for r in rows_ if isinstance(r, TextRow)]


# ---- cash ----------------------------------------------------------------------------------------


def test_exact_cash() -> None:
    rt, _ = with_total("10.02")
    result = rt.add_tender(AddTender("cash"))
    tender = ok(result)
    assert result.changes == TENDERS
    assert (tender.tender_line_id, tender.kind, tender.amount, tender.rounding) == (
        "T1",
        "cash",
        D("10.02"),
        D("0"),
    )
    t = current(rt).totals
    assert (t.paid, t.balance_due, t.change_due) == (D("10.02"), 0, 0)
    sale = ok(rt.conclude(Conclude()))
    assert [x.is_change for x in sale.transaction.tenders] == [False]  # no change line


def test_cash_over_the_balance_gives_change() -> None:
    rt, _ = with_total("10.02")
    ok(rt.add_tender(AddTender("cash", D("50"))))
    t = current(rt).totals
    assert (t.balance_due, t.change_due) == (0, D("39.98"))  # 50 - 10.02
    sale = ok(rt.conclude(Conclude()))
    change = sale.transaction.tenders[-1]
    assert (change.amount, change.is_change, change.tender_type_id) == (D("-39.98"), True, "cash")
    assert ("Change", "39.98") in rows(sale.receipt.tenders)
    assert sale.transaction.totals.paid == D("10.02")


def test_check_exact_and_partial() -> None:
    rt, _ = with_total("10.02")
    assert ok(rt.add_tender(AddTender("check", D("4.00")))).amount == D("4.00")
    assert current(rt).totals.balance_due == D("6.02")
    assert ok(rt.add_tender(AddTender("check"))).amount == D("6.02")
    ok(rt.conclude(Conclude()))


# ---- cash rounding -------------------------------------------------------------------------------


def rounding_store(**kw: object) -> object:
    return store_config(cash_rounding=D("0.05"), **kw)


def test_exact_cash_with_cash_rounding() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    tender = ok(rt.add_tender(AddTender("cash")))
    # 10.02 / 0.05 = 200.4 -> 200 -> 10.00: the store rounds 0.02 in the customer's favour
    assert (tender.amount, tender.rounding) == (D("10.00"), D("-0.02"))
    t = current(rt).totals
    assert (t.total, t.cash_rounding, t.payable, t.paid, t.balance_due) == (
        D("10.02"),
        D("-0.02"),
        D("10.00"),
        D("10.00"),
        0,
    )
    sale = ok(rt.conclude(Conclude()))
    totals = rows(sale.receipt.totals)
    assert ("TOTAL", "10.02") in totals
    assert ("Cash rounding", "-0.02") in totals
    assert ("To pay", "10.00") in totals
    assert ("Cash", "10.00") in rows(sale.receipt.tenders)


def test_cash_over_the_balance_with_cash_rounding() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    ok(rt.add_tender(AddTender("cash", D("20.00"))))
    # payable 10.00 (rounded), paid 20.00 -> change 10.00
    assert current(rt).totals.change_due == D("10.00")
    sale = ok(rt.conclude(Conclude()))
    assert sale.transaction.tenders[-1].amount == D("-10.00")


def test_partial_cash_is_not_rounded_then_card_pays_the_cents() -> None:
    terminal = ScriptedTerminal()
    rt, _ = with_total("10.02", store=rounding_store(), terminal=terminal)
    cash = ok(rt.add_tender(AddTender("cash", D("5.00"))))
    assert cash.rounding == 0
    assert current(rt).totals.balance_due == D("5.02")
    card = ok(rt.tender_card(TenderCard("card")))
    assert card.amount == D("5.02")  # cards pay to the cent
    assert terminal.requests == [PaymentRequest("tx-000002", D("5.02"), "EUR")]
    ok(rt.conclude(Conclude()))


def test_partial_cash_then_exact_cash_rounds_the_rest() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    ok(rt.add_tender(AddTender("cash", D("5.00"))))
    rest = ok(rt.add_tender(AddTender("cash")))
    # balance 5.02 -> 5.00, rounding -0.02
    assert (rest.amount, rest.rounding) == (D("5.00"), D("-0.02"))
    assert current(rt).totals.balance_due == 0


def test_cash_must_be_in_steps_of_the_increment() -> None:
    rt, stores = with_total("10.02", store=rounding_store())
    before = rt.transaction
    refusal = refusal_of(rt.add_tender(AddTender("cash", D("10.02"))))
    assert refusal.code is RefusalCode.INVALID_AMOUNT
    assert "0.05" in refusal.message
    assert rt.transaction is before


def test_cash_rounding_mode_up() -> None:
    rt, _ = with_total("10.02", store=rounding_store(cash_rounding_mode=RoundingMode.UP))
    tender = ok(rt.add_tender(AddTender("cash")))
    assert (tender.amount, tender.rounding) == (D("10.05"), D("0.03"))  # ceil(200.4) = 201


def test_tender_type_increment_overrides_the_store() -> None:
    base = rounding_store()
    tenders = dict(base.tender_types)  # type: ignore[attr-defined]
    tenders["cash"] = replace(tenders["cash"], cash_rounding=D("0.10"))
    rt, _ = with_total("10.04", store=rounding_store(tender_types=tenders))
    tender = ok(rt.add_tender(AddTender("cash")))
    assert (tender.amount, tender.rounding) == (D("10.00"), D("-0.04"))  # 100.4 -> 100 x 0.10


def test_cash_rounding_is_undone_with_the_tender() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    ok(rt.add_tender(AddTender("cash")))
    ok(rt.void_tender(VoidTender("T1")))
    t = current(rt).totals
    assert (t.cash_rounding, t.paid, t.balance_due) == (0, 0, D("10.02"))


# ---- foreign currency ----------------------------------------------------------------------------


def test_exact_foreign_currency_is_rounded_up() -> None:
    rt, _ = with_total("10.00")
    tender = ok(rt.add_tender(AddTender("usd")))
    # 10.00 EUR / 0.90 = 11.111.. USD -> UP -> 11.12 USD ; 11.12 x 0.90 = 10.008 -> 10.01 EUR
    assert (tender.foreign_currency, tender.foreign_amount, tender.exchange_rate) == (
        "USD",
        D("11.12"),
        D("0.90"),
    )
    assert (tender.amount, tender.kind) == (D("10.01"), "foreign_currency")
    assert current(rt).totals.change_due == D("0.01")
    sale = ok(rt.conclude(Conclude()))
    change = sale.transaction.tenders[-1]
    # change is given in store-currency cash
    assert (change.amount, change.tender_type_id, change.kind) == (D("-0.01"), "cash", "cash")
    tender_rows = rows(sale.receipt.tenders)
    assert ("US dollars", "10.01") in tender_rows
    assert ("  11.12 USD @ 0.90", "") in tender_rows


def test_partial_foreign_currency() -> None:
    rt, _ = with_total("10.00")
    tender = ok(rt.add_tender(AddTender("usd", D("5.00"))))
    assert (tender.amount, tender.foreign_amount) == (D("4.50"), D("5.00"))  # 5 x 0.90
    assert current(rt).totals.balance_due == D("5.50")


def test_foreign_currency_without_a_rate() -> None:
    rt, _ = with_total("10.00", store=store_config(exchange_rates={}))
    before = rt.transaction
    assert refusal_of(rt.add_tender(AddTender("usd"))).code is RefusalCode.UNKNOWN_TENDER
    assert rt.transaction is before


def test_foreign_currency_without_change_cannot_overtender() -> None:
    base = store_config()
    tenders = dict(base.tender_types)
    tenders["usd"] = TenderType(
        "usd", "US dollars", TenderKind.FOREIGN_CURRENCY, gives_change=False, currency="USD"
    )
    rt, _ = with_total("10.00", store=store_config(tender_types=tenders))
    # even the "exact" amount overpays by a cent (10.01 EUR)
    assert refusal_of(rt.add_tender(AddTender("usd"))).code is RefusalCode.OVERTENDER
    # 11.11 USD x 0.90 = 9.999 -> 10.00 EUR: exact
    assert ok(rt.add_tender(AddTender("usd", D("11.11")))).amount == D("10.00")


# ---- change in a cash-rounding store -------------------------------------------------------------


def test_change_from_foreign_currency_is_rounded_to_cash() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    ok(rt.add_tender(AddTender("usd", D("20.00"))))  # 20 x 0.90 = 18.00 EUR
    assert current(rt).totals.change_due == D("7.98")  # 18.00 - 10.02: no 0.01/0.02 coins
    sale = ok(rt.conclude(Conclude()))
    change = sale.transaction.tenders[-1]
    # -7.98 / 0.05 = -159.6 -> -160 -> 8.00 handed back; the 0.02 is cash rounding
    assert (change.amount, change.rounding, change.is_change) == (D("-8.00"), D("-0.02"), True)
    t = sale.transaction.totals
    assert (t.cash_rounding, t.payable, t.paid, t.remaining) == (
        D("-0.02"),
        D("10.00"),
        D("10.00"),  # 18.00 - 8.00
        0,
    )
    totals = rows(sale.receipt.totals)
    assert ("Cash rounding", "-0.02") in totals and ("To pay", "10.00") in totals
    assert ("Change", "8.00") in rows(sale.receipt.tenders)


def test_change_after_voiding_a_line_is_rounded_to_cash() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))  # 11.21
    cash = ok(rt.add_tender(AddTender("cash")))
    assert (cash.amount, cash.rounding) == (D("11.20"), D("-0.01"))  # 224.2 -> 224 x 0.05
    ok(rt.void_line(VoidLine("L2")))  # the customer changes their mind: total 10.02 again
    sale = ok(rt.conclude(Conclude()))
    change = sale.transaction.tenders[-1]
    # the void reopened the payment, so the cash line's -0.01 no longer applies: owed back
    # 11.20 - 10.02 = 1.18 -> 1.20 in coins, the change line carries all the rounding (-0.02)
    assert sale.transaction.tenders[0].rounding == D("0")
    assert (change.amount, change.rounding) == (D("-1.20"), D("-0.02"))
    assert sale.transaction.totals.payable == D("10.00")
    assert sale.transaction.totals.remaining == 0


def test_change_rounding_follows_the_store_mode() -> None:
    rt, _ = with_total("10.02", store=rounding_store(cash_rounding_mode=RoundingMode.UP))
    ok(rt.add_tender(AddTender("usd", D("20.00"))))
    sale = ok(rt.conclude(Conclude()))
    change = sale.transaction.tenders[-1]
    # UP means the store never under-charges: 7.98 owed back -> 7.95 (payable 10.05)
    assert (change.amount, change.rounding) == (D("-7.95"), D("0.03"))
    assert sale.transaction.totals.payable == D("10.05")


def test_change_too_small_for_coins_becomes_rounding() -> None:
    rt, _ = with_total("10.02", store=rounding_store())
    usd = ok(rt.add_tender(AddTender("usd")))
    # 10.02 / 0.90 = 11.133.. -> 11.14 USD -> 10.026 -> 10.03 EUR: 0.01 over
    assert (usd.foreign_amount, usd.amount) == (D("11.14"), D("10.03"))
    sale = ok(rt.conclude(Conclude()))
    change = sale.transaction.tenders[-1]
    # 0.01 / 0.05 = 0.2 -> 0: nothing handed back, the cent is rounding in the store's favour
    assert (str(change.amount), change.rounding) == ("0.00", D("0.01"))
    t = sale.transaction.totals
    assert (t.payable, t.paid, t.remaining) == (D("10.03"), D("10.03"), 0)
    assert "Change" not in dict(rows(sale.receipt.tenders))
