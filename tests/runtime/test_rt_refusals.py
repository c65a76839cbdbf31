"""Bad input is refused with a stable code and changes nothing: same transaction object, same cart.

Each refusal test checks the code, that the open transaction is the very same object before and
after, and that nothing was written to the cart store.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from runtime.config import TenderKind, TenderType
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    CommentLine,
    Conclude,
    OpResult,
    RefusalCode,
    ResolveCardTender,
    SetQuantity,
    SetTaxExempt,
    SetUnit,
    StartTransaction,
    Suspend,
    TenderCard,
    VoidLine,
    VoidTender,
    VoidTransaction,
)
from tests.runtime.fakes import (
    COLA_EAN,
    ScriptedTerminal,
    add_refused,
    make_runtime,
    ok,
    opened,
    refuse,
    store_config,
)

D = Decimal


# ---- identifying the item ------------------------------------------------------------------------


def test_unknown_barcode() -> None:
    refusal = add_refused(AddLine(barcode="4006381333931"), RefusalCode.UNKNOWN_ITEM)
    assert "4006381333931" in refusal.message


@pytest.mark.parametrize(
    "code", ["4000000000014", "", "   ", " 4000000000013", "40000\x0000000013", "9" * 49]
)
def test_malformed_barcode(code: str) -> None:
    refusal = add_refused(AddLine(barcode=code), RefusalCode.MALFORMED_BARCODE)
    assert refusal.message.startswith("Barcode not accepted: ")


def test_wrong_check_digit_says_which() -> None:
    refusal = add_refused(AddLine(barcode="4000000000014"), RefusalCode.MALFORMED_BARCODE)
    assert "check digit 4 is wrong for a 13-digit GTIN (expected 3)" in refusal.message


@pytest.mark.parametrize(
    "request_",
    [AddLine(), AddLine(barcode=COLA_EAN, item_id="COLA"), AddLine(item_id="NOPE")],
)
def test_neither_both_or_unknown_item_id(request_: AddLine) -> None:
    add_refused(request_, RefusalCode.UNKNOWN_ITEM)


def test_first_scan_refused_starts_nothing() -> None:
    rt, stores = make_runtime()
    refuse(
        rt, stores, lambda: rt.add_line(AddLine(barcode="4006381333931")), RefusalCode.UNKNOWN_ITEM
    )
    assert rt.transaction is None


def test_selling_without_an_operator_is_refused() -> None:
    rt, stores = make_runtime()
    rt.operator_id = None
    refusal = refuse(
        rt, stores, lambda: rt.add_line(AddLine(item_id="COLA")), RefusalCode.NO_TRANSACTION
    )
    assert "Sign in" in refusal.message


# ---- quantities ----------------------------------------------------------------------------------

BAD_QUANTITIES = ["0", "-1", "-0", "NaN", "sNaN", "Infinity", "-Infinity", "10000", "1E+100", "1.5"]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_bad_quantity_on_add(quantity: str) -> None:
    add_refused(AddLine(item_id="COLA", quantity=D(quantity)), RefusalCode.INVALID_QUANTITY)


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_bad_quantity_on_set_quantity(quantity: str) -> None:
    rt, stores = opened()
    refuse(
        rt,
        stores,
        lambda: rt.set_quantity(SetQuantity("L1", D(quantity))),
        RefusalCode.INVALID_QUANTITY,
    )


def test_quantity_limits_and_fractions() -> None:
    rt, stores = opened()
    # max_line_quantity 9999 is allowed, 9999.5 and 10000 are not
    assert ok(rt.set_quantity(SetQuantity("L1", D("9999")))).quantity == D("9999")
    refusal = refuse(
        rt,
        stores,
        lambda: rt.set_quantity(SetQuantity("L1", D("10000"))),
        RefusalCode.INVALID_QUANTITY,
    )
    assert "9999" in refusal.message
    refusal = refuse(
        rt,
        stores,
        lambda: rt.set_quantity(SetQuantity("L1", D("2.5"))),
        RefusalCode.INVALID_QUANTITY,
    )
    assert "whole units" in refusal.message
    # a barcode's pack quantity multiplies into the limit: 3 x 3334 = 10002 > 9999
    add_refused(AddLine(barcode="4000000000051", quantity=D("3334")), RefusalCode.INVALID_QUANTITY)
    # "2.0" of an 'ea' item is a whole number
    assert ok(rt.set_quantity(SetQuantity("L1", D("2.0")))).gross_amount == D("2.38")


def test_pack_unit_quantity_must_be_whole() -> None:
    rt, stores = opened()
    ok(rt.set_quantity(SetQuantity("L1", D("2"))))
    ok(rt.set_unit(SetUnit("L1", "pk6")))
    refuse(
        rt,
        stores,
        lambda: rt.set_quantity(SetQuantity("L1", D("0.5"))),
        RefusalCode.INVALID_QUANTITY,
    )


# ---- weighed items -------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [None, "0", "-0.5", "NaN", "sNaN", "Infinity"])
def test_weighed_item_without_a_usable_weight(weight: str | None) -> None:
    request = AddLine(item_id="BANANA", weight=None if weight is None else D(weight))
    refusal = add_refused(request, RefusalCode.WEIGHT_REQUIRED)
    assert "scale" in refusal.message


def test_weighed_item_over_max_weight() -> None:
    refusal = add_refused(AddLine(item_id="BANANA", weight=D("1000")), RefusalCode.INVALID_QUANTITY)
    assert "999.999" in refusal.message
    rt, _ = opened()
    assert ok(rt.add_line(AddLine(item_id="BANANA", weight=D("999.999")))).quantity == D("999.999")


def test_weighed_line_quantity_and_unit_cannot_be_changed() -> None:
    rt, stores = make_runtime()
    ok(rt.add_line(AddLine(item_id="BANANA", weight=D("0.5"))))
    refuse(
        rt, stores, lambda: rt.set_quantity(SetQuantity("L1", D("1"))), RefusalCode.INVALID_QUANTITY
    )
    refuse(rt, stores, lambda: rt.set_unit(SetUnit("L1", "ea")), RefusalCode.UNKNOWN_UNIT)


# ---- keyed-in price ------------------------------------------------------------------------------


@pytest.mark.parametrize("price", [None, "0", "-1.00", "1.234", "NaN", "100000.00"])
def test_keyed_price_missing_or_invalid(price: str | None) -> None:
    request = AddLine(item_id="GIFT", keyed_price=None if price is None else D(price))
    add_refused(request, RefusalCode.PRICE_REQUIRED)


def test_keyed_price_too_many_decimals_says_so() -> None:
    refusal = add_refused(
        AddLine(item_id="GIFT", keyed_price=D("1.234")), RefusalCode.PRICE_REQUIRED
    )
    assert "2 decimals" in refusal.message


# ---- item flags ----------------------------------------------------------------------------------


@pytest.mark.parametrize("serial", [None, "", "   "])
def test_serial_required(serial: str | None) -> None:
    add_refused(AddLine(item_id="PHONE", serial_number=serial), RefusalCode.SERIAL_REQUIRED)


def test_serialised_item_one_per_line() -> None:
    add_refused(
        AddLine(item_id="PHONE", serial_number="SN1", quantity=D("2")), RefusalCode.INVALID_QUANTITY
    )
    rt, stores = make_runtime()
    ok(rt.add_line(AddLine(item_id="PHONE", serial_number="SN1")))
    for quantity in ("2", "sNaN"):
        refuse(
            rt,
            stores,
            lambda q=quantity: rt.set_quantity(SetQuantity("L1", D(q))),
            RefusalCode.INVALID_QUANTITY,
        )


def test_age_check() -> None:
    refusal = add_refused(AddLine(item_id="WINE"), RefusalCode.AGE_CHECK_REQUIRED)
    assert "18" in refusal.message


def test_variant_required_lists_the_variants() -> None:
    refusal = add_refused(AddLine(item_id="SHIRT"), RefusalCode.VARIANT_REQUIRED)
    assert refusal.details == ("SHIRT-M-RED: Red / M", "SHIRT-L-BLUE: Blue / L")


@pytest.mark.parametrize("item_id", ["OLD", "RECALLED"])
def test_inactive_or_blocked_for_sale(item_id: str) -> None:
    add_refused(AddLine(item_id=item_id), RefusalCode.NOT_FOR_SALE)


def test_blocked_at_self_checkout_only() -> None:
    refusal = add_refused(
        AddLine(item_id="KNIFE"), RefusalCode.BLOCKED_AT_SELF_CHECKOUT, self_checkout=True
    )
    assert "assistance" in refusal.message
    rt, _ = opened()  # a staffed register sells it
    assert ok(rt.add_line(AddLine(item_id="KNIFE"))).gross_amount == D("12.00")


@pytest.mark.parametrize(
    ("item_id", "unit"), [("COLA", "box"), ("COLA", "kg"), ("SHIRT-M-RED", "kg")]
)
def test_unknown_or_unconvertible_unit(item_id: str, unit: str) -> None:
    add_refused(AddLine(item_id=item_id, unit=unit), RefusalCode.UNKNOWN_UNIT)
    rt, stores = opened()
    refuse(rt, stores, lambda: rt.set_unit(SetUnit("L1", unit)), RefusalCode.UNKNOWN_UNIT)


def test_line_operations_on_unknown_line() -> None:
    rt, stores = opened()
    for call in (
        lambda: rt.set_quantity(SetQuantity("L7", D("1"))),
        lambda: rt.set_unit(SetUnit("L7", "ea")),
        lambda: rt.void_line(VoidLine("L7")),
        lambda: rt.comment_line(CommentLine("L7", "x")),
    ):
        refuse(rt, stores, call, RefusalCode.UNKNOWN_LINE)  # type: ignore[arg-type]


# ---- tenders -------------------------------------------------------------------------------------


def limited_store() -> object:
    base = store_config()
    tenders = dict(base.tender_types)
    tenders["check"] = TenderType(
        "check", "Check", TenderKind.CHECK, min_amount=D("5.00"), max_amount=D("1000")
    )
    return store_config(tender_types=tenders)


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (AddTender("bitcoin"), RefusalCode.UNKNOWN_TENDER),
        (AddTender("card"), RefusalCode.UNKNOWN_TENDER),  # cards go through the terminal
        (AddTender("cash", D("2000.01")), RefusalCode.TENDER_LIMIT),  # cash max 2000
        (AddTender("check", D("1000.01")), RefusalCode.TENDER_LIMIT),  # check max 1000
        (AddTender("check", D("1.20")), RefusalCode.OVERTENDER),  # balance 1.19, no change
        (AddTender("cash", D("0")), RefusalCode.INVALID_AMOUNT),
        (AddTender("cash", D("-5")), RefusalCode.INVALID_AMOUNT),
        (AddTender("cash", D("1.001")), RefusalCode.INVALID_AMOUNT),
        (AddTender("cash", D("NaN")), RefusalCode.INVALID_AMOUNT),
        (AddTender("usd", D("0.001")), RefusalCode.INVALID_AMOUNT),
    ],
)
def test_add_tender_refusals(request_: AddTender, code: RefusalCode) -> None:
    rt, stores = opened()
    refuse(rt, stores, lambda: rt.add_tender(request_), code)


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (TenderCard("cash"), RefusalCode.UNKNOWN_TENDER),
        (TenderCard("nope"), RefusalCode.UNKNOWN_TENDER),
        (TenderCard("card", D("1.20")), RefusalCode.OVERTENDER),  # cards give no change
        (TenderCard("card", D("5000.01")), RefusalCode.TENDER_LIMIT),
        (TenderCard("card", D("0.001")), RefusalCode.INVALID_AMOUNT),
    ],
)
def test_tender_card_refusals_never_reach_the_terminal(
    request_: TenderCard, code: RefusalCode
) -> None:
    terminal = ScriptedTerminal()
    rt, stores = opened(terminal=terminal)
    refuse(rt, stores, lambda: rt.tender_card(request_), code)
    assert terminal.requests == []


def test_tender_under_the_minimum() -> None:
    rt, stores = opened(store=limited_store())
    ok(rt.set_quantity(SetQuantity("L1", D("10"))))  # 11.90
    refusal = refuse(
        rt, stores, lambda: rt.add_tender(AddTender("check", D("4.99"))), RefusalCode.TENDER_LIMIT
    )
    assert "at least 5.00" in refusal.message
    assert ok(rt.add_tender(AddTender("check", D("5.00")))).amount == D("5.00")


def test_nothing_left_to_pay() -> None:
    rt, stores = opened()
    ok(rt.add_tender(AddTender("cash")))
    refuse(rt, stores, lambda: rt.add_tender(AddTender("cash", D("1"))), RefusalCode.INVALID_AMOUNT)
    refuse(rt, stores, lambda: rt.tender_card(TenderCard("card")), RefusalCode.INVALID_AMOUNT)


def test_conclude_with_a_balance_due() -> None:
    rt, stores = opened()
    ok(rt.add_tender(AddTender("cash", D("1.00"))))
    refusal = refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.BALANCE_DUE)
    assert refusal.message.startswith("0.19 EUR")


def test_conclude_nothing() -> None:
    rt, stores = make_runtime()
    refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.NO_TRANSACTION)
    ok(rt.start(StartTransaction("1001")))
    refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.WRONG_STATE)
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.void_line(VoidLine("L1")))
    refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.WRONG_STATE)


# ---- operating on a finished transaction ---------------------------------------------------------

AFTER_FINISH: list[Callable[[CommerceRuntime], OpResult[object]]] = [
    lambda rt: rt.set_quantity(SetQuantity("L1", D("2"))),  # type: ignore[arg-type]
    lambda rt: rt.set_unit(SetUnit("L1", "pk6")),  # type: ignore[arg-type]
    lambda rt: rt.void_line(VoidLine("L1")),  # type: ignore[arg-type]
    lambda rt: rt.comment_line(CommentLine("L1", "late")),  # type: ignore[arg-type]
    lambda rt: rt.set_tax_exempt(SetTaxExempt(True, "late")),  # type: ignore[arg-type]
    lambda rt: rt.add_tender(AddTender("cash")),  # type: ignore[arg-type]
    lambda rt: rt.tender_card(TenderCard("card")),  # type: ignore[arg-type]
    lambda rt: rt.void_tender(VoidTender("T1")),  # type: ignore[arg-type]
    lambda rt: rt.resolve_card_tender(ResolveCardTender("T1")),  # type: ignore[arg-type]
    lambda rt: rt.conclude(Conclude()),  # type: ignore[arg-type]
    lambda rt: rt.void_transaction(VoidTransaction()),  # type: ignore[arg-type]
    lambda rt: rt.suspend(Suspend()),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("operation", AFTER_FINISH)
def test_operating_on_a_concluded_transaction(
    operation: Callable[[CommerceRuntime], OpResult[object]],
) -> None:
    rt, stores = opened()
    ok(rt.add_tender(AddTender("cash")))
    ok(rt.conclude(Conclude()))
    refusal = refuse(rt, stores, lambda: operation(rt), RefusalCode.WRONG_STATE)
    assert "S1-R1-20261123-0001" in refusal.message
    assert "concluded" in refusal.message


@pytest.mark.parametrize("operation", AFTER_FINISH)
def test_operating_on_a_voided_transaction(
    operation: Callable[[CommerceRuntime], OpResult[object]],
) -> None:
    rt, stores = opened()
    tx_id = rt.transaction.transaction_id if rt.transaction else ""
    ok(rt.void_transaction(VoidTransaction()))
    refusal = refuse(rt, stores, lambda: operation(rt), RefusalCode.WRONG_STATE)
    assert tx_id in refusal.message and "voided" in refusal.message


def test_after_a_suspend_the_old_sale_is_not_blamed() -> None:
    rt, stores = opened()
    ok(rt.add_tender(AddTender("cash")))
    ok(rt.conclude(Conclude()))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.suspend(Suspend()))
    refusal = refuse(
        rt, stores, lambda: rt.add_tender(AddTender("cash")), RefusalCode.NO_TRANSACTION
    )
    assert "S1-R1" not in refusal.message
