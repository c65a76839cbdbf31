"""Scale replies decoded (Toledo 8217 status bytes, SMA standard replies) and the rule for
selling by weight."""

from __future__ import annotations

from decimal import Decimal

import pytest

from peripherals.scale_common import WeightReading, WeightRefused, WeightState, weight_for_sale
from peripherals.scale_sma import parse_reply as sma_parse
from peripherals.scale_toledo import Status, reading_from_status
from peripherals.scale_toledo import parse_reply as toledo_parse


# ---------------------------------------------------------------------------- Toledo 8217
@pytest.mark.parametrize(
    ("body", "weight", "state", "net"),
    [
        (b"01.250", Decimal("1.250"), WeightState.STABLE, False),
        (b"00.000", Decimal("0.000"), WeightState.ZERO, False),
        (b"12.345N", Decimal("12.345"), WeightState.STABLE, True),
        (b" 0.55", Decimal("0.55"), WeightState.STABLE, False),
    ],
)
def test_toledo_weight_replies(body: bytes, weight: Decimal, state: WeightState, net: bool) -> None:
    reading = toledo_parse(body, "kg")
    assert reading == WeightReading(weight, "kg", True, state, net)


@pytest.mark.parametrize(
    ("status", "state", "stable"),
    [
        (0x01, WeightState.IN_MOTION, False),
        (0x02, WeightState.OVER_CAPACITY, True),
        (0x04, WeightState.UNDER_ZERO, True),
        (0x05, WeightState.UNDER_ZERO, False),
        (0x10, WeightState.ZERO, True),
        (0x41, WeightState.IN_MOTION, False),  # bit 6 set with motion: motion wins
        (0x81, WeightState.IN_MOTION, False),  # bit 7 is parity
    ],
)
def test_toledo_status_bytes(status: int, state: WeightState, stable: bool) -> None:
    answer = toledo_parse(b"?" + bytes([status]), "kg")
    assert isinstance(answer, Status)
    reading = reading_from_status(answer, "kg")
    assert reading is not None
    assert (reading.state, reading.stable, reading.weight) == (state, stable, Decimal(0))


def test_toledo_status_without_weight_information() -> None:
    assert reading_from_status(Status.BAD_COMMAND, "kg") is None
    assert reading_from_status(Status.OUTSIDE_ZERO_RANGE, "kg") is None


@pytest.mark.parametrize("body", [b"abc", b"?", b"?ab", b"1.2.3", b""])
def test_toledo_garbage_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        toledo_parse(body, "kg")


# ---------------------------------------------------------------------------- SMA
R, S = WeightReading, WeightState


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b" 1G      1.250kg_", R(Decimal("1.250"), "kg", True, S.STABLE)),
        (b" 1GM     1.250kg_", R(Decimal("1.250"), "kg", False, S.IN_MOTION)),
        (b"Z1G      0.000kg_", R(Decimal("0.000"), "kg", True, S.ZERO)),
        (b"O1G     15.005kg_", R(Decimal("15.005"), "kg", True, S.OVER_CAPACITY)),
        (b"U1N     -0.200kg_", R(Decimal("-0.200"), "kg", True, S.UNDER_ZERO, True)),
        (b" 1N      2.75lb_", R(Decimal("2.75"), "lb", True, S.STABLE, True)),
        (b" 1G       5.025lb ", R(Decimal("5.025"), "lb", True, S.STABLE)),
    ],
)
def test_sma_standard_replies(body: bytes, expected: WeightReading) -> None:
    assert sma_parse(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"E1G ----------kg_", "could not zero"),
        (b"T1G ----------kg_", "could not tare"),
        (b"I1G ----------kg_", "could not find zero when it started"),
    ],
)
def test_sma_error_statuses_become_messages(body: bytes, expected: str) -> None:
    answer = sma_parse(body)
    assert isinstance(answer, str) and expected in answer


@pytest.mark.parametrize("body", [b"?", b"hello", b"X1G      1.250kg_", b" 1G      1,2,5kg_"])
def test_sma_garbage_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        sma_parse(body)


# ---------------------------------------------------------------------------- selling by weight
def reading(state: WeightState, weight: str = "1.250", stable: bool = True, unit: str = "kg"):
    return WeightReading(Decimal(weight), unit, stable, state)


def test_a_stable_positive_weight_sells() -> None:
    assert weight_for_sale(reading(WeightState.STABLE)) == Decimal("1.250")
    assert weight_for_sale(reading(WeightState.STABLE, unit="lb"), unit="lb") == Decimal("1.250")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (reading(WeightState.IN_MOTION, stable=False), "still moving: wait until the weight"),
        (reading(WeightState.STABLE, stable=False), "still moving"),
        (reading(WeightState.ZERO, "0"), "Nothing is on the scale"),
        (reading(WeightState.STABLE, "0.000"), "Nothing is on the scale"),
        (reading(WeightState.UNDER_ZERO, "-0.005"), "less than zero: empty the platter"),
        (reading(WeightState.OVER_CAPACITY, "0"), "over the scale's capacity"),
        (reading(WeightState.STABLE, unit="lb"), "weighs in lb but items are sold by kg"),
    ],
)
def test_unsellable_weights_are_refused_with_what_to_do(
    value: WeightReading, expected: str
) -> None:
    with pytest.raises(WeightRefused, match=expected):
        weight_for_sale(value)
