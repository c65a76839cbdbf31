"""Price resolution: trade agreements, find next, breaks, dates, variants, priorities, adjustments.

Expected prices are worked by hand. Quantity breaks: from is inclusive, to is exclusive.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from runtime.pricing_engine import (
    AccountCode,
    AdjustmentKind,
    ItemCode,
    PriceAdjustment,
    PriceBook,
    PriceGroup,
    PriceRequest,
    PriceResolution,
    TradeAgreement,
    resolve_price,
)

D = Decimal
DAY = dt.date(2026, 11, 23)
IT, IG, ALLI = ItemCode.ITEM, ItemCode.ITEM_GROUP, ItemCode.ALL_ITEMS
CU, PG, ALLC = AccountCode.CUSTOMER, AccountCode.PRICE_GROUP, AccountCode.ALL_CUSTOMERS
VIP = PriceGroup("VIP", "VIP", 0)
STORE = PriceGroup("STORE", "Store 1", 0)


def ta(aid: str, ic: ItemCode, ir: str | None, ac: AccountCode, ar: str | None, price: str,
       **kw: object) -> TradeAgreement:  # fmt: skip
    return TradeAgreement(aid, ic, ir, ac, ar, D(price), kw.pop("currency", "EUR"), **kw)  # type: ignore[arg-type]


def adj(aid: str, kind: AdjustmentKind, value: str, **kw: object) -> PriceAdjustment:
    groups = kw.pop("groups", frozenset({"STORE"}))
    items = kw.pop("items", frozenset({"P1"}))
    return PriceAdjustment(aid, aid, groups, kind, D(value), item_ids=items, **kw)  # type: ignore[arg-type]


def resolve(
    agreements: list[TradeAgreement],
    adjustments: list[PriceAdjustment] | None = None,
    *,
    qty: str = "1",
    unit: str = "ea",
    day: dt.date = DAY,
    customer: str | None = "C1",
    groups: tuple[PriceGroup, ...] = (VIP, STORE),
    **kw: object,
) -> PriceResolution:
    book = PriceBook.build(agreements, adjustments or (), price_groups=groups)
    request = PriceRequest(
        item_id="P1", quantity=D(qty), unit=unit, currency="EUR", day=day,
        fallback_price=D("10.00"), fallback_source="base price", item_group="IG1",
        customer_id=customer, price_groups=groups, **kw,  # type: ignore[arg-type]
    )  # fmt: skip
    return resolve_price(book, request)


def reasons(res: PriceResolution) -> dict[str, str]:
    return {c.ref: c.reason for c in res.considered}


# every item x account combination, most specific first (AX "Activate price/discount" order)
LEVELS = [
    ta("T1", IT, "P1", CU, "C1", "1.01"),
    ta("T2", IG, "IG1", CU, "C1", "1.02"),
    ta("T3", ALLI, None, CU, "C1", "1.03"),
    ta("T4", IT, "P1", PG, "VIP", "1.04"),
    ta("T5", IG, "IG1", PG, "VIP", "1.05"),
    ta("T6", ALLI, None, PG, "VIP", "1.06"),
    ta("T7", IT, "P1", ALLC, None, "1.07"),
    ta("T8", IG, "IG1", ALLC, None, "1.08"),
    ta("T9", ALLI, None, ALLC, None, "1.09"),
]


def test_each_level_alone_and_the_specificity_order() -> None:
    for i, agreement in enumerate(LEVELS):
        res = resolve([agreement])
        assert (res.unit_price, res.agreement_id) == (agreement.price, agreement.agreement_id)
        # with every less specific level present too, this one is found first and wins
        assert resolve(LEVELS[i:][::-1]).agreement_id == agreement.agreement_id


def test_account_relation_must_match() -> None:
    other = [ta("X1", IT, "P1", CU, "C2", "1.00"), ta("X2", IT, "P1", PG, "GOLD", "1.00")]
    assert resolve(other).unit_price == D("10.00")  # fallback: neither applies
    assert resolve([ta("T", IT, "P1", CU, "C1", "2")], customer=None).unit_price == D("10.00")


def test_first_found_wins_without_find_next() -> None:
    res = resolve([ta("A", IT, "P1", CU, "C1", "9.00"), ta("B", IT, "P1", ALLC, None, "5.00")])
    assert res.unit_price == D("9.00")
    assert reasons(res) == {"B": "not searched: A was found first without find next"}


def test_find_next_takes_the_lowest_until_a_stop() -> None:
    agreements = [
        ta("A", IT, "P1", CU, "C1", "9.00", find_next=True),
        ta("B", IT, "P1", PG, "VIP", "7.50", find_next=True),
        ta("C", IG, "IG1", PG, "VIP", "8.00"),  # stops the search
        ta("D", IT, "P1", ALLC, None, "5.00"),  # never reached
    ]
    res = resolve(agreements)
    assert (res.unit_price, res.agreement_id) == (D("7.50"), "B")
    assert reasons(res) == {
        "A": "higher price",
        "C": "higher price",
        "D": "not searched: C was found first without find next",
    }
    assert res.source == "trade agreement B (item P1, price group VIP)"


def test_quantity_breaks_from_inclusive_to_exclusive() -> None:
    breaks = [
        ta("Q1", IT, "P1", ALLC, None, "3.00", to_quantity=D("6")),
        ta("Q6", IT, "P1", ALLC, None, "2.50", from_quantity=D("6"), to_quantity=D("12")),
        ta("Q12", IT, "P1", ALLC, None, "2.00", from_quantity=D("12"), to_quantity=D("0")),
    ]
    expected = {
        "1": "3.00",
        "5.999": "3.00",
        "6": "2.50",
        "11": "2.50",
        "12": "2.00",
        "500": "2.00",
    }
    for qty, price in expected.items():
        assert resolve(breaks, qty=qty).unit_price == D(price), qty
    res = resolve(breaks, qty="5")
    assert reasons(res)["Q6"] == "quantity break not reached (qty >= 6)"
    assert resolve(breaks, qty="-6").unit_price == D("2.50")  # a return uses the same break
    assert (
        resolve(breaks, qty="12").source
        == "trade agreement Q12 (item P1, all customers, qty >= 12)"
    )


def test_dates_inclusive_and_open_ended() -> None:
    dated = [ta("N", IT, "P1", ALLC, None, "4.00", valid_from=DAY, valid_to=DAY)]
    assert resolve(dated).unit_price == D("4.00")
    assert resolve(dated, day=DAY + dt.timedelta(days=1)).unit_price == D("10.00")
    assert reasons(resolve(dated, day=DAY - dt.timedelta(days=1))) == {"N": "outside dates"}
    open_end = [ta("O", IT, "P1", ALLC, None, "4.00", valid_from=dt.date(2020, 1, 1))]
    assert resolve(open_end, day=dt.date(2099, 1, 1)).unit_price == D("4.00")
    open_start = [ta("S", IT, "P1", ALLC, None, "4.00", valid_to=DAY)]
    assert resolve(open_start, day=dt.date(1999, 1, 1)).unit_price == D("4.00")


def test_unit_and_currency_mismatch_ignored() -> None:
    agreements = [
        ta("PK", IT, "P1", CU, "C1", "5.00", unit="pk6"),
        ta("USD", IT, "P1", CU, "C1", "1.00", currency="USD"),
        ta("EA", IT, "P1", ALLC, None, "1.50"),
    ]
    res = resolve(agreements)
    assert (res.unit_price, res.agreement_id) == (D("1.50"), "EA")
    assert reasons(res) == {"PK": "wrong unit (pk6)", "USD": "wrong currency (USD)"}
    assert resolve(agreements, unit="pk6").unit_price == D("5.00")


def test_variant_prices_from_most_to_least_specific() -> None:
    agreements = [
        ta("MASTER", IT, "P1", ALLC, None, "20.00"),
        ta("SIZE", IT, "P1", ALLC, None, "22.00", dimensions={"size": "XXL"}),
        ta("SIZE_RED", IT, "P1", ALLC, None, "23.00", dimensions={"size": "XXL", "colour": "Red"}),
        ta("EXACT", IT, "P1", ALLC, None, "25.00", variant_id="P1-XXL-RED"),
    ]
    xxl_red = (("colour", "Red"), ("size", "XXL"))
    assert resolve(agreements, variant_id="P1-XXL-RED", dimensions=xxl_red).agreement_id == "EXACT"
    assert resolve(agreements, variant_id="OTHER", dimensions=xxl_red).agreement_id == "SIZE_RED"
    xxl_blue = (("colour", "Blue"), ("size", "XXL"))
    res = resolve(agreements, variant_id="P1-XXL-BLUE", dimensions=xxl_blue)
    assert (res.agreement_id, res.unit_price) == ("SIZE", D("22.00"))
    assert reasons(res)["EXACT"] == "other variant"
    assert reasons(res)["SIZE_RED"] == "other variant dimensions"
    m = (("colour", "Red"), ("size", "M"))
    assert resolve(agreements, variant_id="P1-M-RED", dimensions=m).unit_price == D("20.00")


def test_higher_priority_wins_even_when_higher() -> None:
    """The D365 example: NYC (priority 5) $70 beats North East (priority 0) $50 for jeans."""
    north_east, nyc = PriceGroup("NE", "North East", 0), PriceGroup("NYC", "NYC", 5)
    agreements = [
        ta("NE-JEANS", IT, "P1", PG, "NE", "50.00", find_next=True),
        ta("NYC-JEANS", IT, "P1", PG, "NYC", "70.00", find_next=True),
        ta("CUST", IT, "P1", CU, "C1", "40.00", find_next=True),
    ]
    res = resolve(agreements, groups=(north_east, nyc))
    assert (res.unit_price, res.agreement_id) == (D("70.00"), "NYC-JEANS")
    assert reasons(res) == {
        "NE-JEANS": "lower priority ignored (priority 0 < 5)",
        "CUST": "lower priority ignored (priority 0 < 5)",
    }
    assert res.source == "trade agreement NYC-JEANS (item P1, price group NYC)"
    boston = resolve(agreements[:1], groups=(north_east,))  # only the regional price
    assert boston.unit_price == D("50.00")
    # nothing at the higher priority for this item: the lower one is used
    only_ne = resolve([agreements[0]], groups=(north_east, nyc))
    assert only_ne.unit_price == D("50.00")


def test_customer_price_group_takes_part() -> None:
    agreements = [ta("GOLD", IT, "P1", PG, "GOLD", "6.00")]
    assert resolve(agreements, customer_price_group="GOLD").unit_price == D("6.00")
    assert resolve(agreements).unit_price == D("10.00")


def test_adjustment_largest_reduction_wins() -> None:
    agreements = [ta("T", IT, "P1", ALLC, None, "20.00")]
    adjustments = [
        adj("PCT", AdjustmentKind.PERCENT_OFF, "15"),  # 20 - 3.00 = 17.00
        adj("AMT", AdjustmentKind.AMOUNT_OFF, "3.50"),  # 16.50: the largest
        adj("UP", AdjustmentKind.UNIT_PRICE, "18.00"),  # 18.00
    ]
    res = resolve(agreements, adjustments)
    assert (res.unit_price, res.adjustment_id) == (D("16.50"), "AMT")
    assert res.trade_agreement_price == D("20.00")
    assert res.source == (
        "trade agreement T (item P1, all customers) with price adjustment AMT (3.50 off)"
    )
    assert reasons(res) == {"PCT": "smaller reduction", "UP": "smaller reduction"}


def test_unit_price_adjustment_only_when_lower_and_never_above() -> None:
    agreements = [ta("T", IT, "P1", ALLC, None, "8.00")]
    res = resolve(agreements, [adj("UP", AdjustmentKind.UNIT_PRICE, "9.00")])
    assert (res.unit_price, res.adjustment_id) == (D("8.00"), None)
    assert reasons(res) == {"UP": "not below the price"}
    assert resolve(agreements, [adj("UP", AdjustmentKind.UNIT_PRICE, "7.25")]).unit_price == D(
        "7.25"
    )
    assert resolve(agreements, [adj("BIG", AdjustmentKind.AMOUNT_OFF, "99")]).unit_price == D("0")


def test_adjustment_needs_an_active_group_dates_and_respects_priority() -> None:
    adjustments = [
        adj("OTHER", AdjustmentKind.PERCENT_OFF, "50", groups=frozenset({"ELSEWHERE"})),
        adj("OLD", AdjustmentKind.PERCENT_OFF, "50", valid_to=DAY - dt.timedelta(days=1)),
        adj("LOW", AdjustmentKind.PERCENT_OFF, "40"),
        adj("HIGH", AdjustmentKind.PERCENT_OFF, "10", pricing_priority=3),
    ]
    res = resolve([], adjustments)  # on the fallback (base) price 10.00
    assert (res.unit_price, res.source) == (
        D("9.00"),
        "base price with price adjustment HIGH (10% off)",
    )
    assert reasons(res) == {
        "OTHER": "price group not active here",
        "OLD": "outside dates",
        "LOW": "lower priority ignored (priority 0 < 3)",
    }


def test_adjustment_by_category_and_variant() -> None:
    by_cat = adj("CAT", AdjustmentKind.PERCENT_OFF, "20", items=frozenset(),
                 category_ids=frozenset({"SHOES"}))  # fmt: skip
    assert resolve([], [by_cat], category_ids=("RUNNING", "SHOES")).unit_price == D("8.00")
    assert resolve([], [by_cat], category_ids=("BAGS",)).unit_price == D("10.00")
    by_variant = adj("VAR", AdjustmentKind.AMOUNT_OFF, "1", items=frozenset(),
                     variant_ids=frozenset({"P1-RED"}))  # fmt: skip
    assert resolve([], [by_variant], variant_id="P1-RED").unit_price == D("9.00")
    assert resolve([], [by_variant], variant_id="P1-BLUE").unit_price == D("10.00")


def test_keyed_price_wins_over_everything() -> None:
    res = resolve(LEVELS, [adj("A", AdjustmentKind.PERCENT_OFF, "50")], keyed_price=D("3.33"))
    assert res == PriceResolution(D("3.33"), "keyed-in price")


def test_exact_decimals_are_not_rounded() -> None:
    res = resolve(
        [ta("T", IT, "P1", ALLC, None, "9.99")], [adj("P", AdjustmentKind.PERCENT_OFF, "7")]
    )
    assert res.unit_price == D("9.2907")  # 9.99 - 0.6993, rounding is the totals' job
