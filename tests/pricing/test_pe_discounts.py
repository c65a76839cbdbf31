"""Discount core: kinds, scope, concurrency models A and B, thresholds, rounding, validation.

Every figure is worked by hand in the comments. Discount amounts are per line (unit price x
quantity), rounded half-up to the cent as each discount applies.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from discount_support import A, B, D, G, amounts, ln, reasons, run

from runtime.pricing_engine import (
    Concurrency,
    Discount,
    DiscountKind,
    DiscountMethod,
    Tier,
    validate_discount,
)

PCT, AMT, PRICE = DiscountMethod.PERCENT, DiscountMethod.AMOUNT_OFF, DiscountMethod.UNIT_PRICE
EXCL, BEST, COMP = Concurrency.EXCLUSIVE, Concurrency.BEST_PRICE, Concurrency.COMPOUNDED


def simple(
    did: str,
    concurrency: Concurrency,
    method: DiscountMethod,
    value: str,
    priority: int = 0,
    **kw: frozenset[str] | dt.date,
) -> Discount:
    d = Discount(
        did, f"Discount {did}", DiscountKind.SIMPLE, concurrency, G, priority, method, D(value)
    )
    return replace(d, **kw)


def threshold(
    did: str,
    concurrency: Concurrency,
    tiers: list[tuple[str, DiscountMethod, str]],
    priority: int = 0,
    **kw: frozenset[str] | bool,
) -> Discount:
    d = Discount(
        did,
        f"Threshold {did}",
        DiscountKind.THRESHOLD,
        concurrency,
        G,
        priority,
        tiers=tuple(Tier(D(m), meth, D(v)) for m, meth, v in tiers),
    )
    return replace(d, **kw)


# The D365 "Apply multiple Retail discounts to a product" example (PRODUCT.md worked example).
PROD1 = frozenset({"PROD1", "PROD2"})
D365 = [
    simple("BP1", BEST, PCT, "15", 10, item_ids=PROD1),
    simple("BP2", BEST, PCT, "20", 5),
    simple("C1", COMP, AMT, "1", 10, item_ids=PROD1),
    simple("C2", COMP, PCT, "10", 10, item_ids=PROD1),
    simple("C3", COMP, PCT, "25", 5),
    threshold("C4", COMP, [("0", PCT, "10")], 5),
]
D365_BASKET = [ln("1", "PROD1", "10"), ln("2", "PROD2", "20"), ln("3", "PROD3", "10")]


def test_d365_example_model_a_gives_7_29() -> None:
    out = run(D365, D365_BASKET, A)
    # Prod1: stack C1 then C2: 10 - 1.00 = 9.00; 9.00 x 10% = 0.90 -> 1.90 > BP1 1.50 -> 8.10;
    # priority 5 ignored; threshold C4 compounds: 8.10 x 10% = 0.81 -> 7.29
    assert amounts(out["1"]) == [("C1", D("1.00")), ("C2", D("0.90")), ("C4", D("0.81"))]
    assert D("10") - out["1"].total == D("7.29")
    # Prod2: stack C1 1.00 -> 19.00, C2 19.00 x 10% = 1.90: 2.90 < BP1 20 x 15% = 3.00
    # -> 17.00, and a best-price line receives no threshold
    assert amounts(out["2"]) == [("BP1", D("3.00"))]
    # Prod3: priority 5 only: C3 2.50 > BP2 2.00 -> 7.50; threshold 0.75 -> 6.75
    assert amounts(out["3"]) == [("C3", D("2.50")), ("C4", D("0.75"))]
    why = reasons(out["1"])
    assert why["BP1"] == "best price: compounded stack gave more (1.90 > 1.50)"
    assert why["C3"] == "lower priority ignored (priority 5 < 10)"
    assert why["BP2"] == "lower priority ignored (priority 5 < 10)"
    assert reasons(out["2"])["C4"] == "best price discount BP1 applied; nothing compounds on it"


def test_d365_example_model_b_gives_6_37() -> None:
    out = run(D365, D365_BASKET, B)
    # Prod1: priority 10, one winner: BP1 1.50 (C1 1.00, C2 1.00) -> 8.50;
    # priority 5: C3 8.50 x 25% = 2.125 -> 2.13 beats BP2 1.70 -> 6.37;
    # threshold C4 (priority 5) ignored: the line already has a priority-5 discount
    assert amounts(out["1"]) == [("BP1", D("1.50")), ("C3", D("2.13"))]
    assert D("10") - out["1"].total == D("6.37")
    # Prod2: BP1 3.00 -> 17.00; C3 4.25 -> 12.75.  Prod3: C3 2.50 -> 7.50
    assert D("20") - out["2"].total == D("12.75")
    assert D("10") - out["3"].total == D("7.50")
    why = reasons(out["1"])
    assert why["C1"] == "one discount per priority 10: BP1 gave more (1.50 >= 1.00)"
    assert why["C4"] == "line already has a discount at priority 5"


def test_simple_percent_amount_and_fixed_price() -> None:
    out = run(
        [
            simple("P", BEST, PCT, "20", item_ids=frozenset({"X"})),
            simple("M", BEST, AMT, "0.50", item_ids=frozenset({"Y"})),
            simple("F", BEST, PRICE, "2.99", item_ids=frozenset({"Z"})),
        ],
        [ln("1", "X", "2.49", "3"), ln("2", "Y", "1.00", "4"), ln("3", "Z", "3.49", "2")],
    )
    assert amounts(out["1"]) == [("P", D("1.49"))]  # 7.47 x 20% = 1.494 -> 1.49
    assert amounts(out["2"]) == [("M", D("2.00"))]  # 0.50 per unit x 4
    assert amounts(out["3"]) == [("F", D("1.00"))]  # 6.98 - 2 x 2.99 = 1.00


def test_amount_off_never_below_zero_and_fixed_price_above_price_does_nothing() -> None:
    out = run(
        [simple("M", BEST, AMT, "5", item_ids=frozenset({"X"})),
         simple("F", BEST, PRICE, "9.99", item_ids=frozenset({"Y"}))],
        [ln("1", "X", "3.00"), ln("2", "Y", "4.00")],
    )  # fmt: skip
    assert amounts(out["1"]) == [("M", D("3.00"))]
    assert out["2"].applied == ()
    assert reasons(out["2"]) == {"F": "no reduction on this line"}


def test_quantity_tiers_are_reached_per_line() -> None:
    q = Discount(
        "Q", "Buy more", DiscountKind.QUANTITY, BEST, G,
        tiers=(Tier(D("3"), PCT, D("10")), Tier(D("6"), PRICE, D("0.80"))),
    )  # fmt: skip
    # two lines of the same item: 2 + 2 units do not add up to a tier, each line alone counts
    out = run([q], [ln("1", "COLA", "1.00", "2"), ln("2", "COLA", "1.00", "2"),
                    ln("3", "COLA", "1.00", "4"), ln("4", "COLA", "1.00", "6")])  # fmt: skip
    assert out["1"].applied == () and out["2"].applied == ()
    assert reasons(out["1"]) == {"Q": "quantity tier not reached (qty 2 < 3)"}
    assert amounts(out["3"]) == [("Q", D("0.40"))]  # 4.00 x 10%
    assert amounts(out["4"]) == [("Q", D("1.20"))]  # 6.00 - 6 x 0.80


def test_exclusions_beat_inclusions() -> None:
    d = simple(
        "CAT", BEST, PCT, "10",
        category_ids=frozenset({"DRINKS"}), exclude_item_ids=frozenset({"BEER"}),
        exclude_variant_ids=frozenset({"COLA-ZERO"}),
    )  # fmt: skip
    out = run([d], [
        ln("1", "COLA", "1.00", category_ids=("SODA", "DRINKS")),
        ln("2", "BEER", "1.00", category_ids=("DRINKS",)),
        ln("3", "COLA", "1.00", variant_id="COLA-ZERO", category_ids=("SODA", "DRINKS")),
        ln("4", "BREAD", "1.00", category_ids=("BAKERY",)),
    ])  # fmt: skip
    assert amounts(out["1"]) == [("CAT", D("0.10"))]
    assert out["2"].applied == () and out["3"].applied == () and out["4"].applied == ()
    assert reasons(out["2"]) == {"CAT": "excluded (exclusions beat inclusions)"}
    assert reasons(out["4"]) == {}  # not included: not even considered


def test_exclusive_blocks_everything_on_the_line() -> None:
    out = run(
        [
            simple("E1", EXCL, PCT, "5", 1),
            simple("E2", EXCL, AMT, "0.20", 1),
            simple("C", COMP, PCT, "30", 1),
            simple("LOW", BEST, PCT, "50", 0),
            threshold("T", COMP, [("0", PCT, "10")]),
        ],
        [ln("1", "X", "10.00")],
    )
    # E1 10 x 5% = 0.50 beats E2 0.20; the bigger 30% compounded discount loses anyway
    assert amounts(out["1"]) == [("E1", D("0.50"))]
    why = reasons(out["1"])
    assert why["E2"] == "exclusive discount E1 gave more (0.50 >= 0.20)"
    assert why["C"] == "exclusive discount E1 applied"
    assert why["LOW"] == "lower priority ignored (priority 0 < 1)"
    assert why["T"] == "exclusive discount E1 applied"


def test_exclusive_blocks_in_model_b_and_cannot_join_higher_priorities() -> None:
    out = run(
        [simple("HI", BEST, PCT, "10", 2), simple("EX", EXCL, PCT, "50", 1),
         simple("LO", COMP, PCT, "10", 0)],
        [ln("1", "X", "10.00")],
        B,
    )  # fmt: skip
    # HI 1.00 -> 9.00; EX cannot join; LO 0.90 -> 8.10
    assert amounts(out["1"]) == [("HI", D("1.00")), ("LO", D("0.90"))]
    assert reasons(out["1"])["EX"] == (
        "exclusive cannot join discounts applied at a higher priority"
    )


def test_higher_priority_wins_even_when_smaller() -> None:
    out = run([simple("HI", BEST, PCT, "5", 9), simple("LO", BEST, PCT, "50", 1)],
              [ln("1", "X", "10.00")])  # fmt: skip
    assert amounts(out["1"]) == [("HI", D("0.50"))]
    assert reasons(out["1"]) == {"LO": "lower priority ignored (priority 1 < 9)"}


def test_fixed_price_then_amount_then_percent_on_one_line() -> None:
    # ids chosen so that id order (A, B, C) is the reverse of the method order
    out = run(
        [simple("A", COMP, PCT, "10"), simple("B", COMP, AMT, "1"),
         simple("C", COMP, PRICE, "8")],
        [ln("1", "X", "10.00", "2")],
    )  # fmt: skip
    # 20.00 -> fixed 2 x 8 = 16.00 (4.00 off) -> amount 2 x 1 = 2.00 off -> 14.00
    # -> 10% = 1.40 off -> 12.60
    assert amounts(out["1"]) == [("C", D("4.00")), ("B", D("2.00")), ("A", D("1.40"))]


def test_best_price_beats_compounded_stack_with_reason() -> None:
    out = run([simple("BP", BEST, PCT, "30"), simple("C1", COMP, PCT, "10"),
               simple("C2", COMP, PCT, "10")], [ln("1", "X", "10.00")])  # fmt: skip
    # stack 1.00 + 0.90 = 1.90 < 3.00
    assert amounts(out["1"]) == [("BP", D("3.00"))]
    assert reasons(out["1"])["C1"] == (
        "best price: BP gave more than the compounded stack (3.00 >= 1.90)"
    )


def test_threshold_with_and_without_counting_non_discountable_items() -> None:
    tiers = [("50", AMT, "5"), ("100", AMT, "15")]
    basket = [ln("1", "SHOE", "40.00"), ln("2", "SOCK", "20.00"),
              ln("3", "GIFTCARD", "50.00", discountable=False)]  # fmt: skip
    shoes = frozenset({"SHOE", "SOCK", "GIFTCARD"})
    out = run([threshold("T", COMP, tiers, item_ids=shoes)], basket)
    # counted: 40 + 20 = 60 -> tier 50: 5.00 spread 40:20 -> 3.33 / 1.67
    assert amounts(out["1"]) == [("T", D("3.33"))]
    assert amounts(out["2"]) == [("T", D("1.67"))]
    assert out["3"].applied == ()
    out = run([threshold("T", COMP, tiers, item_ids=shoes, count_non_discountable=True)], basket)
    # counted: 40 + 20 + 50 = 110 -> tier 100: 15.00 spread over the discountable lines only
    assert amounts(out["1"]) == [("T", D("10.00"))]
    assert amounts(out["2"]) == [("T", D("5.00"))]
    assert out["3"].applied == ()


def test_threshold_not_reached_and_evaluated_after_line_discounts() -> None:
    basket = [ln("1", "X", "30.00"), ln("2", "Y", "25.00")]
    # 55.00 reaches 50, but X's 20% line discount first brings the basket to 24 + 25 = 49
    out = run([simple("S", COMP, PCT, "20", item_ids=frozenset({"X"})),
               threshold("T", COMP, [("50", PCT, "10")])], basket)  # fmt: skip
    assert amounts(out["1"]) == [("S", D("6.00"))]
    assert reasons(out["2"]) == {"T": "threshold not reached (49.00 < 50)"}


def test_rounding_spreads_so_lines_add_up_to_the_discount() -> None:
    lines = [ln(str(i), f"I{i}", "5.00") for i in range(1, 4)]
    out = run([threshold("T", COMP, [("0", AMT, "10")])], lines)
    parts = [out[str(i)].total for i in range(1, 4)]
    assert parts == [D("3.34"), D("3.33"), D("3.33")]  # 10 / 3, the remainder to the first
    assert sum(parts) == D("10")
    # a percentage: 3 x 0.333... exact = 1.00 in total (3 x 3.33 x 10% each 0.333)
    lines = [ln(str(i), f"I{i}", "3.33") for i in range(1, 4)]
    out = run([threshold("P", COMP, [("0", PCT, "10")])], lines)
    parts = [out[str(i)].total for i in range(1, 4)]
    # exact 0.333 x 3 = 0.999 -> 1.00 in total; each 0.33, one line takes the extra cent
    assert sum(parts) == D("1.00")
    assert sorted(parts) == [D("0.33"), D("0.33"), D("0.34")]


def test_inactive_discounts_are_explained() -> None:
    late = simple("LATE", BEST, PCT, "10", valid_from=dt.date(2027, 1, 1))
    other = Discount("VIP", "VIP only", DiscountKind.SIMPLE, BEST, frozenset({"VIP"}),
                     value=D("10"))  # fmt: skip
    out = run([late, other], [ln("1", "X", "10")])
    assert out["1"].applied == ()
    assert reasons(out["1"]) == {"LATE": "outside dates", "VIP": "price group not active here"}


def test_same_basket_shuffled_prices_the_same() -> None:
    discounts = D365 + [threshold("T2", BEST, [("20", AMT, "3")], 7),
                        simple("Q", EXCL, PCT, "5", 10, item_ids=frozenset({"PROD9"}))]  # fmt: skip
    basket = [ln(f"L{i:02}", f"PROD{i % 10}", f"{i}.99", str(1 + i % 3)) for i in range(20)]
    reference = run(discounts, basket)
    assert reference == run(discounts, basket)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = basket[:]
        rng.shuffle(shuffled)
        assert run(list(reversed(discounts)), shuffled) == reference


def test_validation_names_the_field() -> None:
    assert validate_discount(D365[0]) == []
    bad = Discount(
        "X", "Bad", DiscountKind.SIMPLE, BEST, frozenset(), value=D("120"),
        valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 1, 1),
    )  # fmt: skip
    errors = validate_discount(bad)
    assert [e.split(":")[0] for e in errors] == ["price_group_ids", "valid_from", "value"]
    assert "percent must be > 0 and <= 100" in errors[2]
    assert validate_discount(simple("Z", BEST, PCT, "0"))[0].startswith("value: percent")
    assert validate_discount(simple("M", BEST, AMT, "-1")) == ["value: amount must be > 0 (got -1)"]
    tiers = Discount(
        "Q", "Tiers", DiscountKind.QUANTITY, BEST, G,
        tiers=(Tier(D("5"), PCT, D("10")), Tier(D("5"), AMT, D("0"))),
    )  # fmt: skip
    assert validate_discount(tiers) == [
        "tiers[1].method: amount_off is not allowed for a quantity discount",
        "tiers[1].minimum: tiers must be strictly increasing (5 after 5)",
        "tiers[1].value: amount must be > 0 (got 0)",
    ]
    empty = Discount("T", "No tiers", DiscountKind.THRESHOLD, BEST, G)
    assert validate_discount(empty) == ["tiers: at least one tier is required"]


def test_model_a_threshold_stack_amount_first_best_price_needs_clean_lines() -> None:
    discounts = [
        simple("S", COMP, PCT, "10", item_ids=frozenset({"X"})),
        threshold("TB", BEST, [("50", PCT, "20")]),
        threshold("TC2", COMP, [("0", PCT, "10")]),
        threshold("TC1", COMP, [("0", AMT, "5")]),
    ]
    out = run(discounts, [ln("1", "X", "60.00"), ln("2", "Y", "40.00")])
    # X: 60.00 - 10% = 54.00. TB reaches only the undiscounted Y: 40.00 < 50, not reached.
    # Stack: TC1 5.00 spread 54:40 -> 2.872 / 2.128 -> 2.87 / 2.13 (largest remainder);
    # then TC2 10% of 51.13 and 37.87 -> 5.113 / 3.787 = 8.90 -> 5.11 / 3.79
    assert amounts(out["1"]) == [("S", D("6.00")), ("TC1", D("2.87")), ("TC2", D("5.11"))]
    assert amounts(out["2"]) == [("TC1", D("2.13")), ("TC2", D("3.79"))]
    assert reasons(out["1"])["TB"] == "best_price threshold reaches only undiscounted lines"
    assert reasons(out["2"])["TB"] == "threshold not reached (40.00 < 50)"


def test_exclusive_threshold_beats_shared_ones_on_undiscounted_lines() -> None:
    discounts = [
        threshold("TE", EXCL, [("10", AMT, "4")]),
        threshold("TC", COMP, [("10", PCT, "10")]),
    ]
    out = run(discounts, [ln("1", "X", "12.00"), ln("2", "Y", "8.00")])
    # TE: 20.00 >= 10 -> 4.00 spread 12:8 -> 2.40 / 1.60; TC loses to it
    assert amounts(out["1"]) == [("TE", D("2.40"))]
    assert amounts(out["2"]) == [("TE", D("1.60"))]
    assert reasons(out["1"])["TC"] == "exclusive threshold TE applied"
