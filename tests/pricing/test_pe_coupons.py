"""Coupons (codes, bar codes, dates, status, usage limits, no code needed) and tender-based
discounts. Every figure is worked by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from discount_support import DAY, USD, G, amounts, ln, reasons

from runtime.ports import PricingContext
from runtime.pricing_engine import (
    Concurrency,
    Coupon,
    CouponBook,
    CouponCode,
    CouponStatus,
    Discount,
    DiscountKind,
    DiscountMethod,
    EnginePricingService,
    InMemoryCouponUsage,
    LineDiscounts,
    PriceBook,
    PriceGroup,
    TenderDiscount,
    TenderLine,
    Tier,
    evaluate_discounts,
    tender_discount,
    validate_coupon,
    validate_tender_discount,
)
from runtime.transaction import LineDiscount, SaleLine
from tests.runtime.fakes import PRODUCTS, store_config

D = Decimal
PCT, AMT = DiscountMethod.PERCENT, DiscountMethod.AMOUNT_OFF
BEST, COMP = Concurrency.BEST_PRICE, Concurrency.COMPOUNDED

CPN = Discount("CPN", "Coupon 20%", DiscountKind.SIMPLE, BEST, G, value=D("20"))
AUTO = Discount("AUTO", "Store 10%", DiscountKind.SIMPLE, BEST, G, value=D("10"))
SAVE = Coupon(
    "C1", "CPN", (CouponCode("SAVE20", barcode="9900000000017"), CouponCode("SAVE20B")),
    usage_limit=1,
)  # fmt: skip


def run(
    discounts: list[Discount], coupons: list[Coupon], entered: list[str],
    usage: InMemoryCouponUsage | None = None, day: dt.date = DAY,
) -> dict[str, LineDiscounts]:  # fmt: skip
    locks = CouponBook(coupons, usage).locks(entered, day)
    basket = [ln("1", "A", "10")]
    return dict(
        evaluate_discounts(
            discounts, basket, day=day, price_groups={"RETAIL"}, currency=USD,
            locked=locks.locked,
        )
    )  # fmt: skip


def test_coupon_discount_applies_only_with_its_code() -> None:
    # without the code: the coupon discount is locked and reported
    out = run([CPN], [SAVE], [])
    assert amounts(out["1"]) == []
    assert reasons(out["1"]) == {"CPN": "coupon not entered"}
    # with it: 10.00 x 20% = 2.00
    out = run([CPN], [SAVE], ["SAVE20"])
    assert amounts(out["1"]) == [("CPN", D("2.00"))]


def test_barcode_entry_unlocks_like_the_code() -> None:
    out = run([CPN], [SAVE], ["9900000000017"])
    assert amounts(out["1"]) == [("CPN", D("2.00"))]
    assert CouponBook([SAVE]).check_coupon(" 9900000000017 ", DAY) is None


def test_unknown_code_is_refused_and_unlocks_nothing() -> None:
    book = CouponBook([SAVE])
    assert book.check_coupon("NOPE", DAY) == "unknown coupon code NOPE"
    out = run([CPN], [SAVE], ["NOPE"])
    assert reasons(out["1"]) == {"CPN": "coupon not entered"}


def test_coupon_and_code_dates() -> None:
    dated = Coupon(
        "C2", "CPN",
        (CouponCode("EARLY", valid_to=dt.date(2026, 11, 22)), CouponCode("LATER",
         valid_from=dt.date(2026, 11, 24)), CouponCode("NOW")),
        valid_from=dt.date(2026, 11, 1), valid_to=dt.date(2026, 11, 30),
    )  # fmt: skip
    book = CouponBook([dated])
    assert book.check_coupon("EARLY", DAY) == "coupon EARLY has expired (valid to 2026-11-22)"
    assert book.check_coupon("LATER", DAY) == "coupon LATER is not valid until 2026-11-24"
    assert book.check_coupon("NOW", DAY) is None
    # the coupon's own dates bound every code
    assert book.check_coupon("NOW", dt.date(2026, 12, 1)) == (
        "coupon NOW has expired (valid to 2026-11-30)"
    )
    out = run([CPN], [dated], ["EARLY"])
    assert reasons(out["1"]) == {"CPN": "coupon EARLY has expired (valid to 2026-11-22)"}
    assert amounts(run([CPN], [dated], ["NOW"])["1"]) == [("CPN", D("2.00"))]


def test_inactive_and_expired_status() -> None:
    off = Coupon("C3", "CPN", (CouponCode("OFF"),), status=CouponStatus.INACTIVE)
    old = Coupon("C4", "CPN", (CouponCode("OLD"),), status=CouponStatus.EXPIRED)
    book = CouponBook([off, old])
    assert book.check_coupon("OFF", DAY) == "coupon OFF is inactive"
    assert book.check_coupon("OLD", DAY) == "coupon OLD has expired"
    out = run([CPN], [off], ["OFF"])
    assert reasons(out["1"]) == {"CPN": "coupon OFF is inactive"}


def test_usage_limit_is_per_code() -> None:
    usage = InMemoryCouponUsage()
    usage.record("SAVE20")  # single use per code: SAVE20 is used up, SAVE20B is not
    book = CouponBook([SAVE], usage)
    assert book.check_coupon("SAVE20", DAY) == "coupon SAVE20 used up (1 uses)"
    assert book.check_coupon("SAVE20B", DAY) is None
    out = run([CPN], [SAVE], ["SAVE20"], usage)
    assert reasons(out["1"]) == {"CPN": "coupon SAVE20 used up (1 uses)"}
    assert amounts(run([CPN], [SAVE], ["SAVE20B"], usage)["1"]) == [("CPN", D("2.00"))]
    # unlimited when no limit is set
    many = InMemoryCouponUsage({"FREE": 1000})
    free = Coupon("C5", "CPN", (CouponCode("FREE"),))
    assert CouponBook([free], many).check_coupon("FREE", DAY) is None


def test_no_code_needed() -> None:
    auto = Coupon("C6", "CPN", no_code_needed=True)
    assert validate_coupon(auto) == []
    assert amounts(run([CPN], [auto], [])["1"]) == [("CPN", D("2.00"))]
    paused = Coupon("C6", "CPN", no_code_needed=True, status=CouponStatus.INACTIVE)
    assert reasons(run([CPN], [paused], [])["1"]) == {"CPN": "coupon C6 is inactive"}


def test_coupon_competes_under_concurrency_rules() -> None:
    # both best price, same priority: coupon 20% (2.00) beats store 10% (1.00)
    out = run([CPN, AUTO], [SAVE], ["SAVE20"])
    assert amounts(out["1"]) == [("CPN", D("2.00"))]
    assert "AUTO" in reasons(out["1"])
    # without the code the store discount applies alone: 1.00
    out = run([CPN, AUTO], [SAVE], [])
    assert amounts(out["1"]) == [("AUTO", D("1.00"))]
    assert reasons(out["1"])["CPN"] == "coupon not entered"
    # compounded coupon on top of a compounded store discount of the same priority:
    # 10.00 - 10% = 1.00 -> 9.00; 9.00 x 20% = 1.80
    comp = [
        Discount("CPN", "Coupon 20%", DiscountKind.SIMPLE, COMP, G, value=D("20")),
        Discount("AUTO", "Store 10%", DiscountKind.SIMPLE, COMP, G, value=D("10")),
    ]
    out = run(comp, [SAVE], ["SAVE20B"])
    assert amounts(out["1"]) == [("AUTO", D("1.00")), ("CPN", D("1.80"))]


def test_validate_coupon_names_fields() -> None:
    bad = Coupon(" ", "CPN", (CouponCode(""),), usage_limit=0,
                 valid_from=dt.date(2026, 12, 1), valid_to=dt.date(2026, 11, 1))  # fmt: skip
    assert [e.split(":")[0] for e in validate_coupon(bad)] == [
        "coupon_id", "valid_from", "usage_limit", "codes[0].code",
    ]  # fmt: skip
    assert validate_coupon(Coupon("C", "CPN"))[0].startswith("codes:")


# --- through the pricing service ----------------------------------------------------------

STORE = store_config()
BOOK = PriceBook.build(
    price_groups=[PriceGroup("S1", "Store 1")], store_price_groups={"S1": ["S1"]}
)
WINE_CPN = Discount("W5", "Wine 5 off", DiscountKind.SIMPLE, BEST, frozenset({"S1"}),
                    method=AMT, value=D("5"), item_ids=frozenset({"WINE"}))  # fmt: skip


def sale_line(line_id: str, item: str, qty: str = "1") -> SaleLine:
    product = PRODUCTS[item]
    return SaleLine(line_id, product, D(qty), product.sales_unit)


def test_service_with_coupons_names_the_code() -> None:
    usage = InMemoryCouponUsage()
    service = EnginePricingService(
        BOOK, [WINE_CPN], coupons=[Coupon("CW", "W5", (CouponCode("WINE5"),), usage_limit=2)],
        coupon_usage=usage,
    )  # fmt: skip
    context = PricingContext(STORE, DAY)
    basket = [sale_line("L1", "WINE"), sale_line("L2", "COLA")]
    assert service.price_lines(context, basket)["L1"].discounts == ()
    why = service.explain_line(context, basket, "L1")
    assert [str(x) for x in why.lost] == ["W5: coupon not entered"]
    entered = service.with_coupons(["WINE5"])
    # 5 off per unit: 8.99 -> 3.99
    assert entered.price_lines(context, basket)["L1"].discounts == (
        LineDiscount("W5", "Wine 5 off [coupon WINE5]", "simple", D("5.00")),
    )
    assert service.entered_coupons == ()  # the original is unchanged
    usage.record("WINE5")
    usage.record("WINE5")
    assert entered.check_coupon("WINE5", DAY) == "coupon WINE5 used up (2 uses)"
    assert entered.price_lines(context, basket)["L1"].discounts == ()


def test_service_without_coupons_is_unchanged() -> None:
    context = PricingContext(STORE, DAY)
    basket = [sale_line("L1", "WINE")]
    plain = EnginePricingService(BOOK, [WINE_CPN]).price_lines(context, basket)
    assert plain["L1"].discounts == (LineDiscount("W5", "Wine 5 off", "simple", D("5.00")),)


# --- tender-based discounts ---------------------------------------------------------------

CARD = TenderDiscount(
    "T-CARD", "Store card", frozenset({"STORECARD"}),
    (Tier(D("0"), PCT, D("5")), Tier(D("100"), PCT, D("10"))),
)  # fmt: skip
BASKET = [TenderLine("1", D("10.00")), TenderLine("2", D("20.00")), TenderLine("3", D("3.33"))]


def test_tender_discount_amount_and_spread_sum_exactly() -> None:
    res = tender_discount([CARD], "STORECARD", BASKET, day=DAY, currency=USD)
    assert res is not None
    # 33.33 x 5% = 1.6665 -> 1.67; spread 10/33.33, 20/33.33, 3.33/33.33 of 1.67:
    # 0.5011 / 1.0021 / 0.1668 -> floors 0.50 / 1.00 / 0.16 (1.66), the last cent goes to the
    # largest remainder (line 3: 0.0068) -> 0.50 / 1.00 / 0.17
    assert res.amount == D("1.67")
    assert res.spread == (("1", D("0.50")), ("2", D("1.00")), ("3", D("0.17")))
    assert sum(p for _, p in res.spread) == res.amount
    assert res.line_discounts()["3"] == LineDiscount("T-CARD", "Store card", "tender", D("0.17"))


def test_tender_discount_tiers_partial_payment_and_other_tenders() -> None:
    big = [TenderLine("1", D("80.00")), TenderLine("2", D("40.00"), discountable=False)]
    # total 120 reaches the 100 tier (10%) but only line 1 (80.00) is discountable: 8.00
    res = tender_discount([CARD], "STORECARD", big, day=DAY, currency=USD)
    assert res is not None and res.amount == D("8.00") and res.spread == (("1", D("8.00")),)
    # partial payment of 50.00 with the card: 10% of 50.00 = 5.00
    res = tender_discount([CARD], "STORECARD", big, day=DAY, currency=USD, paid=D("50"))
    assert res is not None and res.amount == D("5.00")
    assert tender_discount([CARD], "CASH", big, day=DAY, currency=USD) is None
    # an amount-off tender discount never exceeds what can be discounted; the larger wins
    flat = TenderDiscount("T-FLAT", "3 off", frozenset({"STORECARD"}), (Tier(D("0"), AMT, D("3")),))
    small = [TenderLine("1", D("2.00"))]
    res = tender_discount([CARD, flat], "STORECARD", small, day=DAY, currency=USD)
    assert res is not None and (res.discount_id, res.amount) == ("T-FLAT", D("2.00"))


def test_validate_tender_discount() -> None:
    assert validate_tender_discount(CARD) == []
    bad = TenderDiscount("T", "x", frozenset(), (Tier(D("5"), PCT, D("0")),
                         Tier(D("5"), DiscountMethod.UNIT_PRICE, D("1"))))  # fmt: skip
    assert [e.split(":")[0] for e in validate_tender_discount(bad)] == [
        "tender_type_ids", "tiers[0].value", "tiers[1].method", "tiers[1].minimum",
    ]  # fmt: skip
