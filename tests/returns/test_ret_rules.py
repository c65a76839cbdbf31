"""Returns with a receipt in the runtime (in-memory ports): refund amounts to the cent over
partial returns, what stays returnable, and every refusal changing nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from runtime.config import TaxRounding
from runtime.operations import (
    AddLine,
    AddTender,
    CommentLine,
    Conclude,
    Permission,
    RefusalCode,
    SetQuantity,
    SetUnit,
    StartTransaction,
    VoidLine,
    VoidTransaction,
)
from runtime.return_requests import FindReceipt, ReturnItem, ReturnLines
from runtime.transaction import SaleLine
from tests.returns.return_support import (
    MANAGER,
    VOUCHER_EAN,
    PickyAccess,
    refund_cash,
    return_runtime,
    sell,
)
from tests.runtime.fakes import (
    COLA_EAN,
    PRODUCTS,
    DiscountPricing,
    make_runtime,
    ok,
    refuse,
    store_config,
)

D = Decimal


def _three_colas_with_discount():  # type: ignore[no-untyped-def]
    """3 colas at 1.19 with a 0.50 promo: paid 3.07 incl. 0.49 VAT (prices include tax)."""
    rt, stores, journal, terminal, catalog = return_runtime(
        pricing=DiscountPricing("COLA", D("0.50"))
    )
    sale = sell(rt, AddLine(barcode=COLA_EAN, quantity=D(3)))
    assert sale.totals.total == D("3.07")
    assert sale.lines[0].tax_amount == D("0.49")
    return rt, stores, journal, sale


def _return(rt, number: str, **quantities: str) -> tuple[SaleLine, ...]:  # type: ignore[no-untyped-def]
    return ok(rt.return_lines(ReturnLines(number, {k: D(v) for k, v in quantities.items()})))


def test_partial_returns_refund_exactly_what_was_paid_and_then_refuse_more() -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    number = sale.receipt_number
    assert number is not None
    refunds = []
    for expected_net, expected_tax in (("1.02", "0.16"), ("1.03", "0.17")):
        (line,) = _return(rt, number, L1="1")
        assert line.quantity == D(-1)
        assert line.return_of is not None and line.return_of.receipt_number == number
        assert line.net_amount == line.amount_incl_tax == -D(expected_net)
        assert line.tax_amount == -D(expected_tax)
        assert line.discounts == () and line.discount_amount == 0
        done = refund_cash(rt)
        assert done.totals.total == -D(expected_net)
        assert [t.amount for t in done.tenders] == [-D(expected_net)]
        refunds.append(done)
    # only one is left: two more are refused, nothing changes, no transaction is left open
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(number, {"L1": D(2)})),
        RefusalCode.RETURN_EXCEEDS_SOLD,
    )
    assert "Only 1" in refusal.message
    assert rt.transaction is None
    (last,) = _return(rt, number, L1="1")
    refunds.append(refund_cash(rt))
    assert last.net_amount == D("-1.02") and last.tax_amount == D("-0.16")
    total = sum((r.totals.total for r in refunds), D(0))
    tax = sum((r.totals.tax_total for r in refunds), D(0))
    assert (total, tax) == (-sale.totals.total, -sale.totals.tax_total)
    refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(number, {"L1": D(1)})),
        RefusalCode.RETURN_EXCEEDS_SOLD,
    )


def test_return_lines_already_in_the_cart_count_against_what_was_sold() -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    number = sale.receipt_number or ""
    _return(rt, number, L1="2")
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(number, {"L1": D(2)})),
        RefusalCode.RETURN_EXCEEDS_SOLD,
    )
    assert "2 already in this return" in refusal.message
    (third,) = _return(rt, number, L1="1")
    tx = rt.transaction
    assert tx is not None and tx.totals.total == D("-3.07")  # all three: exactly what was paid
    assert third.net_amount == D("-1.02")


def test_voiding_a_return_line_gives_its_share_to_the_next_one() -> None:
    rt, _, _, sale = _three_colas_with_discount()
    number = sale.receipt_number or ""
    first, second = _return(rt, number, L1="1")[0], _return(rt, number, L1="1")[0]
    assert (first.net_amount, second.net_amount) == (D("-1.02"), D("-1.03"))
    ok(rt.void_line(VoidLine(first.line_id)))
    tx = rt.transaction
    assert tx is not None
    repriced = tx.line(second.line_id)
    assert repriced is not None and repriced.net_amount == D("-1.02")
    refund_cash(rt)
    (rest,) = _return(rt, number, L1="2")
    assert rest.net_amount == D("-2.05")  # 1.02 + 2.05 = 3.07


def test_prices_without_tax_refund_net_and_tax_that_add_up_to_the_original() -> None:
    store = store_config(prices_include_tax=False)
    rt, *_ = return_runtime(store)
    sale = sell(rt, AddLine(barcode=COLA_EAN, quantity=D(3)))
    assert (sale.totals.total, sale.totals.tax_total) == (D("4.25"), D("0.68"))
    number = sale.receipt_number or ""
    incl = []
    for tax in ("0.23", "0.22", "0.23"):
        (line,) = _return(rt, number, L1="1")
        assert line.net_amount == line.amount_excl_tax == D("-1.19")
        assert line.tax_amount == -D(tax)
        assert line.amount_incl_tax == line.net_amount + line.tax_amount
        incl.append(refund_cash(rt).totals.total)
    assert sum(incl, D(0)) == D("-4.25")


def test_find_receipt_shows_sold_returned_and_returnable_per_line() -> None:
    rt, _, _, sale = _three_colas_with_discount()
    number = sale.receipt_number or ""
    _return(rt, number, L1="1")
    refund_cash(rt)
    _return(rt, number, L1="1")  # in the open cart
    view = ok(rt.find_receipt(FindReceipt(f"  {number}\r\n")))  # as a scanner sends it
    (line,) = view.lines
    assert (line.sold, line.returned, line.in_cart, line.returnable) == (D(3), D(1), D(1), D(1))
    assert line.unit_refund == D("1.02")
    assert line.refund_returnable == D("1.02")  # the remainder: 3.07 - 1.02 - 1.03
    assert view.transaction.transaction_id == sale.transaction_id


def test_find_by_transaction_id_picked_from_a_search() -> None:
    rt, _, _, sale = _three_colas_with_discount()
    view = ok(rt.find_receipt(FindReceipt(sale.transaction_id)))
    assert view.transaction.receipt_number == sale.receipt_number


@pytest.mark.parametrize("text", ["NOPE-1", "", "   ", "X" * 65])
def test_an_unknown_receipt_is_refused(text: str) -> None:
    rt, stores, *_ = return_runtime()
    sell(rt, AddLine(barcode=COLA_EAN))
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(text, {"L1": D(1)})),
        RefusalCode.UNKNOWN_RECEIPT,
    )
    assert refusal.message
    refuse(rt, stores, lambda: rt.find_receipt(FindReceipt(text)), RefusalCode.UNKNOWN_RECEIPT)


def test_a_voided_transaction_cannot_be_returned() -> None:
    rt, stores, *_ = return_runtime()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    voided = ok(rt.void_transaction(VoidTransaction("customer left")))
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(voided.transaction_id, {"L1": D(1)})),
        RefusalCode.NOT_RETURNABLE,
    )
    assert "voided" in refusal.message
    refuse(
        rt,
        stores,
        lambda: rt.find_receipt(FindReceipt(voided.transaction_id)),
        RefusalCode.NOT_RETURNABLE,
    )


def test_not_returnable_items_are_refused_by_their_flag_then_or_now() -> None:
    rt, stores, _, _, catalog = return_runtime()
    voucher_sale = sell(rt, AddLine(barcode=VOUCHER_EAN))
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(voucher_sale.receipt_number or "", {"L1": D(1)})),
        RefusalCode.NOT_RETURNABLE,
    )
    assert "not returnable" in refusal.message
    cola_sale = sell(rt, AddLine(barcode=COLA_EAN))
    catalog.flag_later(PRODUCTS["COLA"])  # flagged after the sale
    refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(cola_sale.receipt_number or "", {"L1": D(1)})),
        RefusalCode.NOT_RETURNABLE,
    )
    view = ok(rt.find_receipt(FindReceipt(voucher_sale.receipt_number or "")))
    assert view.lines[0].returnable == 0 and "not returnable" in view.lines[0].blocked


def test_a_return_line_cannot_itself_be_returned() -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    _return(rt, sale.receipt_number or "", L1="1")
    the_return = refund_cash(rt)
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(the_return.receipt_number or "", {"L1": D(1)})),
        RefusalCode.NOT_RETURNABLE,
    )
    assert "itself a return" in refusal.message


@pytest.mark.parametrize(
    ("quantities", "code"),
    [
        ({}, RefusalCode.INVALID_QUANTITY),
        ({"L9": D(1)}, RefusalCode.UNKNOWN_LINE),
        ({"L1": D(0)}, RefusalCode.INVALID_QUANTITY),
        ({"L1": D(-1)}, RefusalCode.INVALID_QUANTITY),
        ({"L1": D("1.5")}, RefusalCode.INVALID_QUANTITY),
        ({"L1": D("NaN")}, RefusalCode.INVALID_QUANTITY),
        ({"L1": D("sNaN")}, RefusalCode.INVALID_QUANTITY),
        ({"L1": D(4)}, RefusalCode.RETURN_EXCEEDS_SOLD),
    ],
)
def test_bad_quantities_and_lines_are_refused(
    quantities: dict[str, Decimal], code: RefusalCode
) -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    ok(rt.start(StartTransaction("1001")))
    refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(sale.receipt_number or "", quantities)),
        code,
    )


def test_returning_needs_the_permission_or_a_managers_approval() -> None:
    access = PickyAccess(Permission.RETURN_WITH_RECEIPT)
    rt, stores, *_ = return_runtime(access=access)
    sale = sell(rt, AddLine(barcode=COLA_EAN))
    number = sale.receipt_number or ""
    refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines(number, {"L1": D(1)})),
        RefusalCode.PERMISSION_REQUIRED,
    )
    lines = ok(rt.return_lines(ReturnLines(number, {"L1": D(1)}, approval=MANAGER)))
    assert lines[0].net_amount == D("-1.19")
    assert (None, "return_with_receipt", "return with a receipt") not in access.asked
    assert ("1001", "return_with_receipt", "return with a receipt") in access.asked


def test_a_return_lines_quantity_unit_and_price_are_not_edited() -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    (line,) = _return(rt, sale.receipt_number or "", L1="1")
    refuse(
        rt,
        stores,
        lambda: rt.set_quantity(SetQuantity(line.line_id, D(2))),
        RefusalCode.WRONG_STATE,
    )
    refuse(rt, stores, lambda: rt.set_unit(SetUnit(line.line_id, "pk6")), RefusalCode.WRONG_STATE)
    commented = ok(rt.comment_line(CommentLine(line.line_id, "box damaged")))
    assert commented.comment == "box damaged" and commented.net_amount == D("-1.02")


def test_conclude_refuses_when_another_register_returned_the_same_line_meanwhile() -> None:
    rt, stores, journal, sale = _three_colas_with_discount()
    _return(rt, sale.receipt_number or "", L1="2")
    ok(rt.add_tender(AddTender("cash")))
    journal.elsewhere[(sale.transaction_id, "L1")] = D(2)
    refusal = refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.RETURN_EXCEEDS_SOLD)
    assert "meanwhile" in refusal.message


def test_a_resumed_cart_keeps_its_refund_amounts() -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    _return(rt, sale.receipt_number or "", L1="1")
    _return(rt, sale.receipt_number or "", L1="1")
    before = rt.transaction
    again, *_ = return_runtime(pricing=DiscountPricing("COLA", D("0.50")), stores=stores)
    ok(again.add_line(AddLine(barcode=COLA_EAN)))  # reprices the resumed cart whole
    tx = again.transaction
    assert before is not None and tx is not None
    assert [line.net_amount for line in tx.lines[:2]] == [D("-1.02"), D("-1.03")]
    assert tx.totals.total == D("-2.05") + D("0.69")  # the new cola has the 0.50 promo


def test_a_receipt_number_on_two_registers_is_told_apart_by_register() -> None:
    rt, stores, _, sale = _three_colas_with_discount()
    twin = replace(sale, transaction_id="tx-R2", register_id="R2")
    stores.finished.append(twin)
    number = sale.receipt_number or ""
    refusal = refuse(
        rt, stores, lambda: rt.find_receipt(FindReceipt(number)), RefusalCode.UNKNOWN_RECEIPT
    )
    assert refusal.details == ("R1", "R2")
    view = ok(rt.find_receipt(FindReceipt(number, register_id="R2")))
    assert view.transaction.transaction_id == "tx-R2"
    (line,) = ok(rt.return_lines(ReturnLines(number, {"L1": D(1)}, register_id="R2")))
    assert line.return_of is not None and line.return_of.register_id == "R2"


def test_return_lines_keep_their_taxes_when_tax_is_rounded_per_total() -> None:
    store = store_config(tax_rounding=TaxRounding.PER_TOTAL)
    rt, *_ = return_runtime(store, pricing=DiscountPricing("COLA", D("0.50")))
    sale = sell(rt, AddLine(barcode=COLA_EAN, quantity=D(3)))
    (line,) = _return(rt, sale.receipt_number or "", L1="1")
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))  # a sale line taxed per total beside it
    tx = rt.transaction
    assert tx is not None
    returned = tx.line(line.line_id)
    assert returned is not None and returned.tax_amount == D("-0.16")
    assert tx.totals.tax_total == sum((x.tax_amount for x in tx.active_lines), D(0))


def test_a_register_without_a_journal_refuses_receipt_returns_clearly() -> None:
    rt, stores = make_runtime()  # no journal port
    refusal = refuse(
        rt,
        stores,
        lambda: rt.return_lines(ReturnLines("S1-R1-20261123-0001", {"L1": D(1)})),
        RefusalCode.UNKNOWN_RECEIPT,
    )
    assert "no journal" in refusal.message
    refuse(
        rt,
        stores,
        lambda: rt.return_without_receipt(ReturnItem(item_id="COLA", reason_code="RET-DEF")),
        RefusalCode.UNKNOWN_REASON,
    )
    assert rt.return_reasons() == ()
