"""Shared builders for the discount-engine tests: one basket line, one evaluation, readouts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from runtime.money import Currency
from runtime.pricing_engine import (
    ConcurrencyModel,
    Discount,
    DiscountLine,
    LineDiscounts,
    evaluate_discounts,
)

D = Decimal
DAY = dt.date(2026, 11, 23)
USD = Currency("USD", 2)
G = frozenset({"RETAIL"})
A = ConcurrencyModel.WITHIN_PRIORITY
B = ConcurrencyModel.ACROSS_PRIORITIES


def ln(line_id: str, item: str, price: str, qty: str = "1", **kw: object) -> DiscountLine:
    return DiscountLine(line_id, item, D(qty), D(price), **kw)  # type: ignore[arg-type]


def run(
    discounts: list[Discount], lines: list[DiscountLine], model: ConcurrencyModel = A
) -> dict[str, LineDiscounts]:
    return evaluate_discounts(
        discounts, lines, day=DAY, price_groups={"RETAIL"}, currency=USD, model=model
    )


def amounts(result: LineDiscounts) -> list[tuple[str, Decimal]]:
    return [(d.discount_id, d.amount) for d in result.applied]


def reasons(result: LineDiscounts) -> dict[str, str]:
    return {lost.discount_id: lost.reason for lost in result.lost}
