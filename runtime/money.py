"""Money and quantities: Decimal only, rounded at explicit points by the currency's rules.

Rounding differences are never dropped: `distribute` spreads a total over parts so that the
parts always add up to the total to the smallest unit.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")


class RoundingMode(enum.StrEnum):
    """How an amount is brought to the currency's precision or a cash increment."""

    NORMAL = "normal"  # half away from zero
    UP = "up"  # towards +infinity: the store never under-charges
    DOWN = "down"  # towards -infinity: the customer never over-pays

    @property
    def decimal_rounding(self) -> str:
        return {
            RoundingMode.NORMAL: ROUND_HALF_UP,
            RoundingMode.UP: ROUND_CEILING,
            RoundingMode.DOWN: ROUND_FLOOR,
        }[self]


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert int/str/Decimal to Decimal; floats are refused because they are inexact."""
    if isinstance(value, float):
        raise TypeError("money and quantities must not be float; use Decimal or str")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_to_increment(amount: Decimal, increment: Decimal, mode: RoundingMode) -> Decimal:
    """Round to a multiple of `increment` (e.g. 0.05 for cash) with the given mode."""
    if increment <= ZERO:
        raise ValueError("rounding increment must be positive")
    units = (amount / increment).quantize(ONE, rounding=mode.decimal_rounding)
    exponent = increment.normalize().as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return (units * increment).quantize(places)


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency with its precision and rounding rule."""

    code: str
    decimals: int = 2
    rounding: RoundingMode = RoundingMode.NORMAL
    symbol: str = ""

    @property
    def unit(self) -> Decimal:
        """The smallest amount, e.g. 0.01."""
        return Decimal(1).scaleb(-self.decimals)

    def round(self, amount: Decimal, mode: RoundingMode | None = None) -> Decimal:
        """Quantise `amount` to this currency's precision."""
        rounding = (mode or self.rounding).decimal_rounding
        return amount.quantize(self.unit, rounding=rounding)

    def zero(self) -> Decimal:
        return ZERO.quantize(self.unit)


def distribute(total: Decimal, weights: Sequence[Decimal], unit: Decimal) -> list[Decimal]:
    """Split `total` over parts proportional to `weights` so the parts sum to `total` exactly.

    Largest-remainder method; ties go to the earliest part so the result is deterministic.
    `total` must already be a multiple of `unit`.
    """
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
    if weight_sum == ZERO:
        shares = [ZERO for _ in weights]
        shares[0] = total
        return shares
    sign = -1 if total < ZERO else 1
    magnitude = abs(total)
    raw = [magnitude * w / weight_sum for w in weights]
    floored = [r.quantize(unit, rounding=ROUND_FLOOR) for r in raw]
    leftover_units = int(((magnitude - sum(floored, ZERO)) / unit).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floored[i]), i))
    for i in order[:leftover_units]:
        floored[i] += unit
    return [part * sign for part in floored]


def round_parts(values: Sequence[Decimal], total: Decimal, unit: Decimal) -> list[Decimal]:
    """Round each exact value to `unit` so that the rounded parts sum to `total` exactly.

    Each part moves by at most one unit from its nearest rounding; the parts whose rounding
    error was largest absorb the difference first (ties: earliest part). Works for mixed signs.
    """
    rounded = [v.quantize(unit, rounding=ROUND_HALF_UP) for v in values]
    diff_units = int(((total - sum(rounded, ZERO)) / unit).to_integral_value())
    if diff_units == 0 or not values:
        return rounded
    step = unit if diff_units > 0 else -unit
    # error > 0 means the part was rounded down and can take an extra unit most naturally
    order = sorted(
        range(len(values)),
        key=lambda i: (-((values[i] - rounded[i]) * (1 if diff_units > 0 else -1)), i),
    )
    for k in range(abs(diff_units)):
        rounded[order[k % len(order)]] += step
    return rounded


def format_amount(amount: Decimal, currency: Currency) -> str:
    """Plain text money for receipts: fixed decimals, no thousands separator."""
    return f"{currency.round(amount):.{currency.decimals}f}"
