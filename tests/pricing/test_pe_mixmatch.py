"""Mix-and-match discounts: sets of units, deals, the exact / greedy search, concurrency.

Every figure is worked by hand in the comments. A set's discount is rounded half-up to the
cent and spread over its units by price (largest remainder, ties to the earlier unit).
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from discount_support import USD, B, D, G, amounts, ln, reasons, run

from runtime.pricing_engine import (
    Concurrency,
    Discount,
    DiscountKind,
    DiscountLine,
    DiscountMethod,
    LineDiscounts,
    LineGroup,
    MixMatchDeal,
    mixmatch,
    validate_discount,
)
from runtime.pricing_engine.mixmatch import EXACT_UNIT_LIMIT, allocate

EXCL, BEST, COMP = Concurrency.EXCLUSIVE, Concurrency.BEST_PRICE, Concurrency.COMPOUNDED
DEAL, PCT, AMT, LEAST = (
    MixMatchDeal.DEAL_PRICE,
    MixMatchDeal.PERCENT,
    MixMatchDeal.AMOUNT_OFF,
    MixMatchDeal.LEAST_EXPENSIVE,
)


def group(gid: str, qty: int, *items: str, categories: tuple[str, ...] = ()) -> LineGroup:
    return LineGroup(gid, qty, item_ids=frozenset(items), category_ids=frozenset(categories))


def mix(
    did: str,
    deal: MixMatchDeal,
    value: str,
    *groups: LineGroup,
    concurrency: Concurrency = BEST,
    priority: int = 0,
    **kw: int | bool,
) -> Discount:
    d = Discount(
        did, f"Mix {did}", DiscountKind.MIX_MATCH, concurrency, G, priority, value=D(value),
        line_groups=groups, deal=deal,
    )  # fmt: skip
    return replace(d, **kw)


def simple(
    did: str, concurrency: Concurrency, value: str, *items: str, priority: int = 0
) -> Discount:
    return Discount(
        did, f"Simple {did}", DiscountKind.SIMPLE, concurrency, G, priority,
        DiscountMethod.PERCENT, D(value), item_ids=frozenset(items),
    )  # fmt: skip


def total(out: dict[str, LineDiscounts]) -> Decimal:
    return sum((r.total for r in out.values()), D(0))


def test_buy_3_for_10_with_4_units_in_the_basket() -> None:
    m = mix("M1", DEAL, "10.00", group("ANY", 3, "X", "Y"))
    out = run([m], [ln("1", "X", "4.00", "2"), ln("2", "Y", "5.00", "2")])
    # one set (4 units make one set of 3): the customer's best is the dearest 3 units,
    # 5 + 5 + 4 = 14.00 for 10.00 -> 4.00 off; spread by price 5:5:4 over 14:
    # 1.428.., 1.428.., 1.142.. -> floors 1.42 + 1.42 + 1.14 = 3.98, the 2 cents go to the
    # largest remainders (the two 5.00 units) -> 1.43, 1.43, 1.14
    assert amounts(out["2"]) == [("M1", D("2.86"))]
    assert amounts(out["1"]) == [("M1", D("1.14"))]
    assert out["1"].applied[0].kind == "mix_and_match"
    assert out["1"].applied[0].name == "Mix M1"
    assert total(out) == D("4.00")


def test_two_shirts_and_a_tie_20_percent_off() -> None:
    m = mix(
        "M2", PCT, "20",
        group("SHIRTS", 2, categories=("SHIRTS",)), group("TIES", 1, categories=("TIES",)),
    )  # fmt: skip
    out = run(
        [m],
        [
            ln("1", "SHIRT", "25.00", "3", category_ids=("SHIRTS",)),
            ln("2", "TIE", "15.00", "1", category_ids=("TIES",)),
        ],
    )
    # one set: 25 + 25 + 15 = 65.00 x 20% = 13.00; shirts 50/65 x 13 = 10.00, tie 3.00;
    # the third shirt has no tie to go with it
    assert amounts(out["1"]) == [("M2", D("10.00"))]
    assert amounts(out["2"]) == [("M2", D("3.00"))]


def test_cheapest_of_three_free() -> None:
    m = mix("M3", LEAST, "100", group("ANY", 3, "A", "B", "C"))
    out = run([m], [ln("1", "A", "10.00"), ln("2", "B", "8.00"), ln("3", "C", "6.00")])
    # the whole least-expensive discount sits on the cheapest unit
    assert out["1"].applied == () and out["2"].applied == ()
    assert amounts(out["3"]) == [("M3", D("6.00"))]
    assert reasons(out["1"]) == {
        "M3": "paid unit of a set (the deal's discount is on the set's other units)"
    }


def test_amount_off_never_more_than_the_set() -> None:
    m = mix("M4", AMT, "5.00", group("ANY", 2, "A"))
    out = run([m], [ln("1", "A", "2.00", "2")])
    assert amounts(out["1"]) == [("M4", D("4.00"))]  # min(5.00, 2 x 2.00)


B1G1 = [ln("a", "P", "20.00"), ln("b", "P", "30.00"), ln("c", "P", "70.00"), ln("d", "P", "80.00")]


def test_least_expensive_customer_best_pairs_dear_with_dear() -> None:
    m = mix("H", LEAST, "50", group("ANY", 2, "P"))
    out = run([m], B1G1)
    # customer: {80, 70} -> 35.00 on the 70; {30, 20} -> 10.00 on the 20; total 45.00
    assert amounts(out["c"]) == [("H", D("35.00"))]
    assert amounts(out["a"]) == [("H", D("10.00"))]
    assert out["b"].applied == () and out["d"].applied == ()
    assert total(out) == D("45.00")


def test_favour_retailer_picks_the_cheaper_units_to_discount() -> None:
    m = mix("H", LEAST, "50", group("ANY", 2, "P"), favour_retailer=True)
    out = run([m], B1G1)
    # retailer: {80, 20} -> 10.00 on the 20; {70, 30} -> 15.00 on the 30; total 25.00
    assert amounts(out["a"]) == [("H", D("10.00"))]
    assert amounts(out["b"]) == [("H", D("15.00"))]
    assert out["c"].applied == () and out["d"].applied == ()
    assert total(out) == D("25.00")
    # still the same two sets for a percent deal: the cheapest units go into them
    pct = mix("R", PCT, "10", group("ANY", 2, "P"), favour_retailer=True)
    out = run([pct], [*B1G1, ln("e", "P", "90.00")])
    # {20, 30} -> 5.00 and {70, 80} -> 15.00; the 90 is left out
    assert total(out) == D("20.00") and out["e"].applied == ()


# Overlap: 4 units at 10.00. M1 = one of {A, C} + one of {B, D} for 10.00 (10.00 off a set,
# 5.00 per unit); M2 = A + C for 6.00 (14.00 off, 7.00 per unit). Greedy by value per unit
# takes M2 {A, C} first and then M1 cannot form a set with B and D: 14.00. The exact search
# finds M1 {A, B} + M1 {C, D}: 20.00.
OVERLAP = [
    mix("M1", DEAL, "10.00", group("G1", 1, "A", "C"), group("G2", 1, "B", "D")),
    mix("M2", DEAL, "6.00", group("A", 1, "A"), group("C", 1, "C")),
]
OVERLAP_BASKET = [ln("1", "A", "10"), ln("2", "B", "10"), ln("3", "C", "10"), ln("4", "D", "10")]


def test_exact_search_beats_greedy_on_overlapping_deals() -> None:
    alloc = allocate(OVERLAP, OVERLAP_BASKET, USD.unit)
    assert alloc.searches == {0: "exact"}
    assert sorted(s.amount for s in alloc.sets) == [D("10.00"), D("10.00")]
    out = run(OVERLAP, OVERLAP_BASKET)
    assert all(amounts(out[i]) == [("M1", D("5.00"))] for i in "1234")
    assert total(out) == D("20.00")
    assert reasons(out["1"])["M2"] == "units used by a better deal M1"
    # what the greedy fallback would have done on the same basket
    ordered = sorted(OVERLAP_BASKET, key=lambda x: x.line_id)
    p = mixmatch._problem(OVERLAP, ordered, set(), USD.unit)
    greedy = mixmatch._greedy(OVERLAP, p, [1, 1, 1, 1], retailer=False)
    assert greedy == [("M2", (1, 0, 1, 0))]  # 14.00 < 20.00


def test_higher_priority_deal_takes_its_units_first() -> None:
    hi = replace(OVERLAP[1], priority=5)
    out = run([OVERLAP[0], hi], OVERLAP_BASKET)
    assert amounts(out["1"]) == [("M2", D("7.00"))]
    assert amounts(out["3"]) == [("M2", D("7.00"))]
    assert reasons(out["1"])["M1"] == "units used by higher-priority deal M2"
    assert reasons(out["2"])["M1"] == "not enough units to complete a set"


def _big_basket() -> list[DiscountLine]:
    # 10 lines x 4 units = 40 units, prices 1.10 .. 2.90 (> EXACT_UNIT_LIMIT)
    return [
        ln(f"L{i:02}", "K" if i % 2 else "M", f"{D('1.10') + D('0.20') * i}", "4")
        for i in range(10)
    ]


BIG = [
    mix("B1", DEAL, "5.00", group("ANY", 3, "K", "M")),
    mix("B2", LEAST, "100", group("K", 1, "K"), group("M", 2, "M")),
    mix("B3", PCT, "15", group("ANY", 2, "K")),
]


def test_big_basket_uses_the_greedy_and_is_deterministic_under_shuffling() -> None:
    basket = _big_basket()
    assert sum(int(x.quantity) for x in basket) == 40 > EXACT_UNIT_LIMIT
    alloc = allocate(BIG, basket, USD.unit)
    assert alloc.searches == {0: "greedy"}
    expected = run(BIG, basket)
    # every set's parts add up to the set, and the lines add up to the sets
    assert sum((s.amount for s in alloc.sets), D(0)) == total(expected)
    for s in alloc.sets:
        assert sum((a for _, a in s.parts), D(0)) == s.amount
    rng = random.Random(7)
    for _ in range(5):
        shuffled = basket[:]
        rng.shuffle(shuffled)
        assert run(list(reversed(BIG)), shuffled) == expected
    assert total(expected) > 0


def test_rounding_spread_sums_exactly() -> None:
    m = mix("R", DEAL, "10.00", group("ANY", 3, "X", "Y", "Z"))
    out = run([m], [ln("1", "X", "5.00"), ln("2", "Y", "5.00"), ln("3", "Z", "5.00")])
    # 15.00 for 10.00 -> 5.00 over three equal units: 1.666.. -> 1.66 x 3 = 4.98, the two
    # cents to the earliest units -> 1.67, 1.67, 1.66
    assert [out[i].total for i in "123"] == [D("1.67"), D("1.67"), D("1.66")]
    p = mix("P", PCT, "15", group("ANY", 3, "X", "Y", "Z"))
    out = run([p], [ln("1", "X", "3.33"), ln("2", "Y", "3.33"), ln("3", "Z", "3.34")])
    # 10.00 x 15% = 1.50; by price 3.33 : 3.33 : 3.34 -> 0.4995, 0.4995, 0.501 ->
    # floors 0.49, 0.49, 0.50 = 1.48; 2 cents to the largest remainders (the 3.33s)
    assert [out[i].total for i in "123"] == [D("0.50"), D("0.50"), D("0.50")]


def test_exclusive_mix_blocks_a_compounded_simple_discount() -> None:
    m = mix("M", DEAL, "10.00", group("ANY", 3, "X"), concurrency=EXCL)
    s = simple("S", COMP, "10", "X")
    out = run([m, s], [ln("1", "X", "4.00", "3")])
    # 12.00 for 10.00 -> 2.00; the exclusive blocks S
    assert amounts(out["1"]) == [("M", D("2.00"))]
    assert reasons(out["1"]) == {"S": "exclusive discount M applied"}


def test_compounded_mix_stacks_with_a_compounded_simple_discount() -> None:
    m = mix("M", DEAL, "10.00", group("ANY", 3, "X"), concurrency=COMP)
    s = simple("S", COMP, "10", "X")
    out = run([m, s], [ln("1", "X", "4.00", "3")])
    # deal price first (2.00), then 10% of the 10.00 left = 1.00
    assert amounts(out["1"]) == [("M", D("2.00")), ("S", D("1.00"))]


def test_exclusive_simple_discount_takes_the_line_out_of_the_set() -> None:
    m = mix("M", DEAL, "10.00", group("ANY", 3, "X", "Y"), concurrency=COMP)
    s = simple("S", EXCL, "50", "Y")
    basket = [ln("1", "X", "4.00", "3"), ln("2", "Y", "4.00", "1")]
    out = run([m, s], basket)
    # first pass: all four units cost 4.00, the search's set is 2 X + Y (12.00 for 10.00);
    # on line 2 the exclusive S (50% = 2.00) beats the share, so line 2 leaves M's search
    # and the second pass forms the set from the three X: 2.00 off line 1
    first = allocate([m], basket, USD.unit)
    assert [s.units for s in first.sets] == [(("1", 2), ("2", 1))]
    assert amounts(out["2"]) == [("S", D("2.00"))]
    assert amounts(out["1"]) == [("M", D("2.00"))]
    assert reasons(out["2"]) == {"M": "exclusive discount S applied"}
    # with only two X, the set needs the Y, which the exclusive discount keeps: no set
    out = run([m, s], [ln("1", "X", "4.00", "2"), ln("2", "Y", "4.00", "1")])
    assert out["1"].applied == ()
    assert reasons(out["2"])["M"] == "exclusive discount S applied"
    assert reasons(out["1"])["M"] == "not enough units to complete a set"


def test_best_price_simple_beats_a_small_mix_share_under_model_b() -> None:
    m = mix("M", PCT, "10", group("ANY", 2, "X"))
    s = simple("S", BEST, "20", "X")
    out = run([m, s], [ln("1", "X", "5.00", "2")], B)
    # one discount per priority: S 2.00 beats the set's 1.00 share
    assert amounts(out["1"]) == [("S", D("2.00"))]
    assert reasons(out["1"])["M"].startswith("one discount per priority 0: S gave more")


def test_non_discountable_and_fractional_lines_do_not_form_sets() -> None:
    m = mix("M", PCT, "10", group("ANY", 2, "X"))
    out = run(
        [m],
        [ln("1", "X", "5.00", discountable=False), ln("2", "X", "5.00", "1.5")],
    )
    assert out["1"].applied == () and out["2"].applied == ()
    assert reasons(out["1"])["M"] == "line not discountable"


def test_validation_names_the_field() -> None:
    bad = Discount(
        "M", "bad", DiscountKind.MIX_MATCH, BEST, G, deal=LEAST, value=D("150"),
        least_expensive_count=3, line_groups=(group("A", 0, "X"), group("A", 2, "Y")),
    )  # fmt: skip
    assert validate_discount(bad) == [
        "line_groups[0].quantity: must be > 0 (got 0)",
        "line_groups[1].group_id: duplicate group A",
        "value: percent must be > 0 and <= 100 (got 150)",
        "least_expensive_count: must be > 0 and <= the set size 2 (got 3)",
    ]
    empty = Discount("N", "none", DiscountKind.MIX_MATCH, BEST, G, deal=DEAL)
    assert validate_discount(empty) == [
        "line_groups: at least one line group is required",
        "value: amount must be > 0 (got 0)",
    ]
    assert validate_discount(OVERLAP[0]) == []
    assert OVERLAP[0].describe() == "1 x G1 + 1 x G2: for 10.00"


def test_exact_search_never_loses_to_the_greedy_on_small_baskets() -> None:
    rng = random.Random(3)
    items = ["A", "B", "C", "D"]
    values = {DEAL: "5.00", PCT: "25", AMT: "3.00", LEAST: "100"}
    better = 0
    for _ in range(150):
        lines = [
            ln(f"L{i}", rng.choice(items), f"{rng.randint(100, 900) / 100:.2f}",
               str(rng.randint(1, 2)))
            for i in range(rng.randint(2, 5))
        ]  # fmt: skip
        deals = []
        for k in range(rng.randint(1, 3)):
            groups = [
                group(f"g{j}", rng.randint(1, 2), *rng.sample(items, rng.randint(1, 3)))
                for j in range(rng.randint(1, 2))
            ]
            deal = rng.choice([DEAL, PCT, AMT, LEAST])
            deals.append(mix(f"M{k}", deal, values[deal], *groups))
        ordered = sorted(lines, key=lambda x: x.line_id)
        alloc = allocate(deals, lines, USD.unit)
        assert alloc.searches == {0: "exact"}
        p = mixmatch._problem(deals, ordered, set(), USD.unit)
        by_id = {d.discount_id: d for d in deals}
        greedy = mixmatch._greedy(deals, p, [int(x.quantity) for x in ordered], False)
        greedy_total = sum((mixmatch._value(by_id[i], u, p) for i, u in greedy), D(0))
        exact_total = sum((s.amount for s in alloc.sets), D(0))
        assert exact_total >= greedy_total
        better += exact_total > greedy_total
        assert total(run(deals, lines)) == exact_total  # all best price, nothing else
    assert better > 0


def test_search_budget_falls_back_to_the_greedy() -> None:
    # 12 single-unit lines (within EXACT_UNIT_LIMIT) but four overlapping deals: the exact
    # search would evaluate more than EXACT_NODE_BUDGET candidate sets
    lines = [ln(f"L{i:02}", "ABCD"[i % 4], f"{1 + i * 0.37:.2f}") for i in range(12)]
    deals = [
        mix("X1", DEAL, "5.00", group("g", 3, "A", "B", "C")),
        mix("X2", LEAST, "100", group("g", 1, "A", "D"), group("h", 2, "B", "C", "D")),
        mix("X3", PCT, "20", group("g", 2, "A", "B", "C", "D")),
        mix("X4", AMT, "4.00", group("g", 1, "C"), group("h", 1, "D")),
    ]
    alloc = allocate(deals, lines, USD.unit)
    assert alloc.searches == {0: "greedy"}
    assert allocate(deals, list(reversed(lines)), USD.unit).sets == alloc.sets
