"""Exchanges, returns without a receipt and refund tender rules (in-memory ports)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime.operations import (
    AddLine,
    AddTender,
    Approval,
    Conclude,
    Permission,
    RefusalCode,
    ResolveCardTender,
    TenderCard,
    VoidTender,
)
from runtime.ports import PaymentOutcome, PaymentStatus
from runtime.return_requests import RefundTender, ReturnItem, ReturnLines
from runtime.transaction import TenderStatus, Transaction
from tests.returns.return_support import (
    MANAGER,
    VOUCHER_EAN,
    PickyAccess,
    refund_cash,
    return_runtime,
    sell,
)
from tests.runtime.fakes import (
    BREAD_EAN,
    COLA_EAN,
    SHIRT_EAN,
    DiscountPricing,
    ok,
    refuse,
    store_config,
)

D = Decimal


def _returned(rt, sale: Transaction, line_id: str = "L1", quantity: str = "1") -> None:  # type: ignore[no-untyped-def]
    ok(rt.return_lines(ReturnLines(sale.receipt_number or "", {line_id: D(quantity)})))


# ---- exchanges ---------------------------------------------------------------------------------


def test_an_exchange_owing_the_customer_is_refunded_in_cash() -> None:
    rt, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN))  # 15.00
    _returned(rt, sale)
    ok(rt.add_line(AddLine(barcode=BREAD_EAN)))  # 2.49
    tx = rt.transaction
    assert tx is not None and tx.totals.total == D("-12.51") and not tx.is_return
    done = refund_cash(rt)
    assert [t.amount for t in done.tenders] == [D("-12.51")]


def test_an_exchange_owing_the_store_is_paid_like_a_sale_with_change() -> None:
    rt, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=COLA_EAN))
    _returned(rt, sale)
    ok(rt.add_line(AddLine(barcode=SHIRT_EAN)))
    ok(rt.add_tender(AddTender("cash", D("20"))))
    done = ok(rt.conclude(Conclude())).transaction
    assert done.totals.total == D("13.81")
    assert [t.amount for t in done.tenders] == [D("20"), D("-6.19")]  # change


def test_an_even_exchange_concludes_without_any_tender() -> None:
    rt, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=COLA_EAN))
    _returned(rt, sale)
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    done = ok(rt.conclude(Conclude())).transaction
    assert done.totals.total == 0 and done.tenders == ()


# ---- returns without a receipt -----------------------------------------------------------------


def test_a_return_without_receipt_refunds_todays_price_without_discounts() -> None:
    rt, *_ = return_runtime(pricing=DiscountPricing("SALE", D("1.00")))
    line = ok(rt.return_without_receipt(ReturnItem(item_id="SALE", reason_code="RET-DEF")))
    assert line.quantity == D(-1) and line.reason_code == "RET-DEF" and line.return_of is None
    assert line.unit_price == D("3.99") and line.discounts == ()  # November sales price
    assert line.amount_incl_tax == D("-3.99") and line.tax_amount == D("-0.64")
    done = refund_cash(rt)
    assert done.totals.total == D("-3.99") and done.is_return


def test_a_weighed_item_comes_back_by_weight() -> None:
    rt, *_ = return_runtime()
    line = ok(
        rt.return_without_receipt(
            ReturnItem(item_id="BANANA", quantity=D("0.500"), reason_code="RET-CHG")
        )
    )
    assert line.quantity == D("-0.500") and line.amount_incl_tax == D("-1.00")


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (ReturnItem(item_id="SALE"), RefusalCode.REASON_REQUIRED),
        (ReturnItem(item_id="SALE", reason_code="PAYOUT-SUP"), RefusalCode.UNKNOWN_REASON),
        (ReturnItem(item_id="SALE", reason_code="NOPE"), RefusalCode.UNKNOWN_REASON),
        (ReturnItem(barcode=VOUCHER_EAN, reason_code="RET-DEF"), RefusalCode.NOT_RETURNABLE),
        (ReturnItem(item_id="NOPE", reason_code="RET-DEF"), RefusalCode.UNKNOWN_ITEM),
        (ReturnItem(reason_code="RET-DEF"), RefusalCode.UNKNOWN_ITEM),
        (ReturnItem(barcode="4000000000014", reason_code="RET-DEF"), RefusalCode.MALFORMED_BARCODE),
        (ReturnItem(item_id="SHIRT", reason_code="RET-DEF"), RefusalCode.VARIANT_REQUIRED),
        (
            ReturnItem(item_id="COLA", quantity=D(0), reason_code="RET-DEF"),
            RefusalCode.INVALID_QUANTITY,
        ),
        (
            ReturnItem(item_id="COLA", quantity=D("NaN"), reason_code="RET-DEF"),
            RefusalCode.INVALID_QUANTITY,
        ),
        (ReturnItem(item_id="GIFT", reason_code="RET-DEF"), RefusalCode.PRICE_REQUIRED),
        (
            ReturnItem(item_id="COLA", reason_code="RET-DEF", keyed_price=D("9")),
            RefusalCode.PRICE_NOT_KEYED,
        ),
    ],
)
def test_bad_returns_without_receipt_are_refused(request_: ReturnItem, code: RefusalCode) -> None:
    rt, stores, *_ = return_runtime()
    refusal = refuse(rt, stores, lambda: rt.return_without_receipt(request_), code)
    if code is RefusalCode.UNKNOWN_REASON:
        assert "RET-DEF: Defective item" in refusal.details  # the valid choices


def test_a_return_without_receipt_needs_the_permission_or_a_manager() -> None:
    access = PickyAccess(Permission.RETURN_WITHOUT_RECEIPT)
    rt, stores, *_ = return_runtime(access=access)
    request = ReturnItem(item_id="COLA", reason_code="RET-DEF")
    refuse(rt, stores, lambda: rt.return_without_receipt(request), RefusalCode.PERMISSION_REQUIRED)
    wrong = ReturnItem(item_id="COLA", reason_code="RET-DEF", approval=Approval("9001", "x"))
    refuse(rt, stores, lambda: rt.return_without_receipt(wrong), RefusalCode.OVERRIDE_REFUSED)
    approved = ReturnItem(item_id="COLA", reason_code="RET-DEF", approval=MANAGER)
    assert ok(rt.return_without_receipt(approved)).amount_incl_tax == D("-1.19")


# ---- refund tenders ----------------------------------------------------------------------------


def test_cash_refunds_are_rounded_to_the_cash_increment() -> None:
    rt, *_ = return_runtime(store_config(cash_rounding=D("0.05")))
    sale = sell(rt, AddLine(barcode=BREAD_EAN))  # 2.49 paid 2.50 in cash
    _returned(rt, sale)
    tender = ok(rt.add_tender(AddTender("cash")))
    assert (tender.amount, tender.rounding) == (D("-2.50"), D("-0.01"))
    done = ok(rt.conclude(Conclude())).transaction
    assert done.totals.balance_due == 0 and done.totals.payable == D("-2.50")


@pytest.mark.parametrize(
    ("tender", "amount", "code"),
    [
        ("cash", D("1.00"), RefusalCode.INVALID_AMOUNT),
        ("cash", D("-20.00"), RefusalCode.OVERTENDER),
        ("cash", D("-1.001"), RefusalCode.INVALID_AMOUNT),
        ("cash", D("NaN"), RefusalCode.INVALID_AMOUNT),
        ("cash", D("-1E+12"), RefusalCode.INVALID_AMOUNT),
        ("check", None, RefusalCode.REFUND_TENDER),
        ("usd", None, RefusalCode.REFUND_TENDER),
    ],
)
def test_bad_refund_tenders_are_refused(
    tender: str, amount: Decimal | None, code: RefusalCode
) -> None:
    rt, stores, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN))
    _returned(rt, sale)
    refuse(rt, stores, lambda: rt.add_tender(AddTender(tender, amount)), code)


def test_a_partial_cash_refund_leaves_the_rest_owed() -> None:
    rt, stores, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN))
    _returned(rt, sale)
    ok(rt.add_tender(AddTender("cash", D("-10.00"))))
    tx = rt.transaction
    assert tx is not None and tx.totals.balance_due == D("-5.00")
    refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.BALANCE_DUE)
    ok(rt.refund(RefundTender("cash")))
    assert ok(rt.conclude(Conclude())).transaction.totals.paid == D("-15.00")


def test_a_cash_sale_is_not_refunded_to_a_card() -> None:
    rt, stores, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN))
    _returned(rt, sale)
    refusal = refuse(
        rt, stores, lambda: rt.tender_card(TenderCard("card")), RefusalCode.REFUND_TENDER
    )
    assert "cash" in refusal.message


def test_a_card_sale_is_refunded_to_the_original_card() -> None:
    rt, _, _, terminal, _ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN), card=True)
    reference = sale.tenders[0].terminal_reference
    assert reference
    _returned(rt, sale)
    tender = ok(rt.tender_card(TenderCard("card")))
    assert tender.status is TenderStatus.APPROVED and tender.amount == D("-15.00")
    ((request, original),) = terminal.refunds
    assert request.amount == D("15.00") and original == reference
    assert terminal.requests[-1].amount == D("15.00")  # only the sale was authorised
    assert len(terminal.requests) == 1
    assert ok(rt.conclude(Conclude())).transaction.totals.paid == D("-15.00")


def test_a_card_sale_refunded_in_cash_needs_the_permission_or_a_manager() -> None:
    access = PickyAccess(Permission.REFUND_CARD_TO_CASH)
    rt, stores, *_ = return_runtime(access=access)
    sale = sell(rt, AddLine(barcode=SHIRT_EAN), card=True)
    _returned(rt, sale)
    refusal = refuse(
        rt, stores, lambda: rt.add_tender(AddTender("cash")), RefusalCode.REFUND_TENDER
    )
    assert "card" in refusal.message and "permission_required" in refusal.details
    refuse(
        rt,
        stores,
        lambda: rt.refund(RefundTender("cash", approval=Approval("1002", "1234"))),
        RefusalCode.REFUND_TENDER,
    )
    tender = ok(rt.refund(RefundTender("cash", approval=MANAGER)))
    assert tender.amount == D("-15.00")
    ok(rt.conclude(Conclude()))


def test_a_declined_card_refund_leaves_the_balance_and_an_unknown_one_is_resolved() -> None:
    rt, _, _, terminal, _ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN), card=True)
    _returned(rt, sale)
    terminal.refund_script = [
        PaymentOutcome(PaymentStatus.DECLINED, message="card expired"),
        TimeoutError("no answer"),
    ]
    declined = ok(rt.tender_card(TenderCard("card")))
    assert declined.status is TenderStatus.DECLINED
    unknown = ok(rt.tender_card(TenderCard("card")))
    assert unknown.status is TenderStatus.UNKNOWN
    terminal.outcomes[unknown.request_id or ""] = PaymentOutcome(
        PaymentStatus.APPROVED, D("15.00"), "RF9"
    )
    resolved = ok(rt.resolve_card_tender(ResolveCardTender(unknown.tender_line_id)))
    assert resolved.status is TenderStatus.APPROVED and resolved.amount == D("-15.00")
    ok(rt.void_tender(VoidTender(resolved.tender_line_id)))  # reversed at the terminal
    assert terminal.reversed == [resolved.request_id]


def test_a_partially_approved_card_refund_counts_what_was_paid_back() -> None:
    rt, _, _, terminal, _ = return_runtime()
    sale = sell(rt, AddLine(barcode=SHIRT_EAN), card=True)
    _returned(rt, sale)
    terminal.refund_script = [PaymentOutcome(PaymentStatus.PARTIAL, D("5.00"), "RF1")]
    tender = ok(rt.tender_card(TenderCard("card")))
    assert tender.amount == D("-5.00")
    tx = rt.transaction
    assert tx is not None and tx.totals.balance_due == D("-10.00")


def test_nothing_owed_means_no_refund() -> None:
    rt, stores, *_ = return_runtime()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    refuse(rt, stores, lambda: rt.refund(RefundTender("cash")), RefusalCode.INVALID_AMOUNT)
