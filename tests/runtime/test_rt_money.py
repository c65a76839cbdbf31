"""Money: currency rounding modes, cash increments, and distributions that always add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from runtime.money import (
    Currency,
    RoundingMode,
    distribute,
    format_amount,
    round_parts,
    round_to_increment,
    to_decimal,
)

D = Decimal
EUR = Currency("EUR", 2)
CENT = D("0.01")


# ---- Currency.round ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        # normal = half away from zero
        ("1.005", RoundingMode.NORMAL, "1.01"),
        ("1.0049", RoundingMode.NORMAL, "1.00"),
        ("-1.005", RoundingMode.NORMAL, "-1.01"),
        ("-1.0049", RoundingMode.NORMAL, "-1.00"),
        ("2.675", RoundingMode.NORMAL, "2.68"),  # the classic float trap: exact in Decimal
        # up = towards +infinity
        ("1.001", RoundingMode.UP, "1.01"),
        ("-1.009", RoundingMode.UP, "-1.00"),
        ("1.000", RoundingMode.UP, "1.00"),
        # down = towards -infinity
        ("1.009", RoundingMode.DOWN, "1.00"),
        ("-1.001", RoundingMode.DOWN, "-1.01"),
        ("-1.000", RoundingMode.DOWN, "-1.00"),
    ],
)
def test_currency_round_modes(amount: str, mode: RoundingMode, expected: str) -> None:
    result = EUR.round(D(amount), mode)
    assert result == D(expected)
    assert result.as_tuple().exponent == -2  # quantised to the currency's precision


def test_currency_default_mode_and_override() -> None:
    chf_up = Currency("CHF", 2, RoundingMode.UP)
    assert chf_up.round(D("1.001")) == D("1.01")  # its own rule: up
    assert chf_up.round(D("1.009"), RoundingMode.DOWN) == D("1.00")  # explicit mode wins
    assert chf_up.round(D("1.005"), RoundingMode.NORMAL) == D("1.01")


def test_currency_without_decimals() -> None:
    jpy = Currency("JPY", 0)
    assert jpy.unit == D("1")
    assert jpy.round(D("100.5")) == D("101")
    assert jpy.round(D("100.49")) == D("100")
    assert jpy.round(D("-100.5")) == D("-101")
    assert jpy.zero() == D("0")
    assert format_amount(D("100.5"), jpy) == "101"


def test_currency_unit_and_format() -> None:
    assert EUR.unit == D("0.01")
    assert str(EUR.zero()) == "0.00"
    bhd = Currency("BHD", 3)
    assert bhd.unit == D("0.001")
    assert format_amount(D("1.2345"), bhd) == "1.235"  # 1.2345 half up at 3 places
    assert format_amount(D("7"), EUR) == "7.00"
    assert format_amount(D("-0.005"), EUR) == "-0.01"
    assert format_amount(D("1234567.891"), EUR) == "1234567.89"  # no thousands separator


# ---- cash increments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        # 10.02 / 0.05 = 200.4
        ("10.02", RoundingMode.NORMAL, "10.00"),  # 200.4 -> 200
        ("10.02", RoundingMode.UP, "10.05"),  # ceil 201
        ("10.02", RoundingMode.DOWN, "10.00"),  # floor 200
        # 10.025 / 0.05 = 200.5: the half case
        ("10.025", RoundingMode.NORMAL, "10.05"),  # half away from zero -> 201
        ("10.03", RoundingMode.NORMAL, "10.05"),  # 200.6 -> 201
        ("10.07", RoundingMode.NORMAL, "10.05"),  # 201.4 -> 201
        ("10.08", RoundingMode.NORMAL, "10.10"),  # 201.6 -> 202
        ("10.04", RoundingMode.DOWN, "10.00"),
        ("10.01", RoundingMode.UP, "10.05"),
        ("10.05", RoundingMode.UP, "10.05"),  # already a multiple: unchanged in every mode
        ("10.05", RoundingMode.DOWN, "10.05"),
        # negatives: -10.02 / 0.05 = -200.4
        ("-10.02", RoundingMode.NORMAL, "-10.00"),
        ("-10.025", RoundingMode.NORMAL, "-10.05"),  # -200.5 -> -201 (away from zero)
        ("-10.02", RoundingMode.UP, "-10.00"),  # ceil(-200.4) = -200
        ("-10.04", RoundingMode.UP, "-10.00"),
        ("-10.01", RoundingMode.DOWN, "-10.05"),  # floor(-200.2) = -201
        ("0.02", RoundingMode.NORMAL, "0.00"),
        ("0.03", RoundingMode.NORMAL, "0.05"),
    ],
)
def test_round_to_increment_005(amount: str, mode: RoundingMode, expected: str) -> None:
    result = round_to_increment(D(amount), D("0.05"), mode)
    assert result == D(expected)
    assert result.as_tuple().exponent == -2  # shown with cents, e.g. 10.00 not 1.0E+1


def test_round_to_increment_other_increments() -> None:
    # 0.10: 10.04 / 0.1 = 100.4 -> 100 -> 10.0 ; 10.05 -> 100.5 -> 101 -> 10.1
    assert round_to_increment(D("10.04"), D("0.10"), RoundingMode.NORMAL) == D("10.0")
    assert round_to_increment(D("10.05"), D("0.10"), RoundingMode.NORMAL) == D("10.1")
    # 0.25: 10.12 / 0.25 = 40.48 -> 40 -> 10.00 ; 10.13 -> 40.52 -> 41 -> 10.25
    assert round_to_increment(D("10.12"), D("0.25"), RoundingMode.NORMAL) == D("10.00")
    assert round_to_increment(D("10.13"), D("0.25"), RoundingMode.NORMAL) == D("10.25")
    # whole units and tens
    assert round_to_increment(D("12.50"), D("1"), RoundingMode.NORMAL) == D("13")
    assert round_to_increment(D("14.99"), D("10"), RoundingMode.DOWN) == D("10")
    assert round_to_increment(D("15"), D("10"), RoundingMode.NORMAL) == D("20")


@pytest.mark.parametrize("increment", ["0", "-0.05"])
def test_round_to_increment_refuses_non_positive_increment(increment: str) -> None:
    with pytest.raises(ValueError, match="positive"):
        round_to_increment(D("1.00"), D(increment), RoundingMode.NORMAL)


cents = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: D(c) / 100)


@given(cents, st.sampled_from(list(RoundingMode)))
def test_round_to_increment_properties(amount: Decimal, mode: RoundingMode) -> None:
    result = round_to_increment(amount, D("0.05"), mode)
    assert result % D("0.05") == 0
    assert abs(result - amount) < D("0.05")
    if mode is RoundingMode.UP:
        assert result >= amount
    if mode is RoundingMode.DOWN:
        assert result <= amount
    if mode is RoundingMode.NORMAL:
        assert abs(result - amount) <= D("0.025")


# ---- to_decimal ---------------------------------------------------------------------------------


def test_to_decimal_refuses_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        to_decimal(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_decimal(float("nan"))  # type: ignore[arg-type]


def test_to_decimal_accepts_exact_inputs() -> None:
    assert to_decimal("0.10") == D("0.10")
    assert str(to_decimal("0.10")) == "0.10"  # exponent kept
    assert to_decimal(3) == D(3)
    original = D("1.23")
    assert to_decimal(original) is original


# ---- distribute ---------------------------------------------------------------------------------


def test_distribute_thirds() -> None:
    # 10.00 / 3 = 3.333..: floors 3.33 x 3 = 9.99, one cent left -> earliest part (tie)
    assert distribute(D("10.00"), [D(1), D(1), D(1)], CENT) == [D("3.34"), D("3.33"), D("3.33")]
    # negative total: same magnitudes, negated
    assert distribute(D("-10.00"), [D(1), D(1), D(1)], CENT) == [
        D("-3.34"),
        D("-3.33"),
        D("-3.33"),
    ]


def test_distribute_largest_remainder_wins() -> None:
    # 1.00 over weights 1, 2, 3 (sum 6): exact 0.1666.., 0.3333.., 0.5
    # floors 0.16, 0.33, 0.50 = 0.99; remainders 0.0066.., 0.0033.., 0 -> first gets the cent
    assert distribute(D("1.00"), [D(1), D(2), D(3)], CENT) == [D("0.17"), D("0.33"), D("0.50")]


def test_distribute_edge_cases() -> None:
    assert distribute(D("5.00"), [], CENT) == []
    assert distribute(D("5.00"), [D(0), D(0)], CENT) == [D("5.00"), D(0)]
    assert distribute(D("0.00"), [D(1), D(2)], CENT) == [D("0.00"), D("0.00")]


weights = st.decimals(
    min_value=D("-100000"), max_value=D("100000"), places=3, allow_nan=False, allow_infinity=False
)


@settings(max_examples=400)
@given(cents, st.lists(weights, min_size=1, max_size=25))
def test_distribute_always_sums_exactly(total: Decimal, ws: list[Decimal]) -> None:
    parts = distribute(total, ws, CENT)
    assert len(parts) == len(ws)
    assert sum(parts, D(0)) == total
    assert all(p % CENT == 0 for p in parts)


@settings(max_examples=300)
@given(cents, st.lists(weights.filter(lambda w: w > 0), min_size=1, max_size=25))
def test_distribute_positive_weights_is_fair(total: Decimal, ws: list[Decimal]) -> None:
    parts = distribute(total, ws, CENT)
    weight_sum = sum(ws, D(0))
    for part, w in zip(parts, ws, strict=True):
        exact = total * w / weight_sum
        assert abs(part - exact) < CENT  # every part is its exact share floored or ceiled


# ---- round_parts --------------------------------------------------------------------------------


def test_round_parts_examples() -> None:
    # 0.095 x 3: each half-up to 0.10 (0.30) but the total is 0.29 -> one cent off the first
    values = [D("0.095")] * 3
    assert round_parts(values, D("0.29"), CENT) == [D("0.09"), D("0.10"), D("0.10")]
    # 0.16289.. x 3: each rounds to 0.16 (0.48) but the total is 0.49 -> first gets a cent
    v = D("2.49") * 7 / 107
    assert round_parts([v, v, v], D("0.49"), CENT) == [D("0.17"), D("0.16"), D("0.16")]
    # the part rounded down the most takes the extra cent: 0.104 (err +0.004), 0.101 (+0.001)
    assert round_parts([D("0.101"), D("0.104")], D("0.21"), CENT) == [D("0.10"), D("0.11")]
    # mixed signs: 1.004 + -0.996 = 0.008 -> 0.01; rounded 1.00 + -1.00 = 0 -> +1 cent
    # errors: +0.004 and +0.004 -> tie -> the first
    assert round_parts([D("1.004"), D("-0.996")], D("0.01"), CENT) == [D("1.01"), D("-1.00")]


exact_values = st.decimals(
    min_value=D("-10000"), max_value=D("10000"), places=5, allow_nan=False, allow_infinity=False
)


@settings(max_examples=400)
@given(st.lists(exact_values, min_size=1, max_size=30))
def test_round_parts_sum_to_rounded_total_and_stay_close(values: list[Decimal]) -> None:
    total = sum(values, D(0)).quantize(CENT, rounding="ROUND_HALF_UP")
    parts = round_parts(values, total, CENT)
    assert sum(parts, D(0)) == total
    for part, value in zip(parts, values, strict=True):
        assert part % CENT == 0
        assert abs(part - value) <= CENT  # never more than one cent from the exact value


@settings(max_examples=300)
@given(st.lists(exact_values, min_size=1, max_size=10), st.integers(-50, 50))
def test_round_parts_any_total_sums_exactly(values: list[Decimal], shift: int) -> None:
    total = sum(values, D(0)).quantize(CENT) + shift * CENT
    parts = round_parts(values, total, CENT)
    assert sum(parts, D(0)) == total


@given(st.lists(exact_values, min_size=2, max_size=10))
def test_round_parts_mixed_sign_sums_to_zero(values: list[Decimal]) -> None:
    assume(any(v != 0 for v in values))
    balanced = [*values, -sum(values, D(0))]  # exact values summing to zero
    parts = round_parts(balanced, D("0.00"), CENT)
    assert sum(parts, D(0)) == 0
