"""Discount evaluation for a basket: line discounts by concurrency model, then thresholds.

The result does not depend on the order of the lines or of the discounts: lines are
evaluated in line-id order and discounts by (priority desc, discount id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from runtime.money import ZERO, Currency
from runtime.pricing_engine.concurrency import (
    DiscountLine,
    LineDiscounts,
    LineState,
    apply_model_a,
    apply_model_b,
    offers_for,
)
from runtime.pricing_engine.discount_model import ConcurrencyModel, Discount, DiscountKind
from runtime.pricing_engine.thresholds import apply_thresholds
from runtime.transaction import LineDiscount


def _reason_inactive(d: Discount, day: dt.date, groups: Collection[str]) -> str | None:
    if not any(g in groups for g in d.price_group_ids):
        return "price group not active here"
    if not d.active_on(day):
        return "outside dates"
    return None


def evaluate_discounts(
    discounts: Sequence[Discount],
    lines: Sequence[DiscountLine],
    *,
    day: dt.date,
    price_groups: Collection[str],
    currency: Currency,
    model: ConcurrencyModel = ConcurrencyModel.WITHIN_PRIORITY,
) -> dict[str, LineDiscounts]:
    """Discounts for every line of a basket; the result does not depend on the line order."""
    unit = currency.unit
    active: list[Discount] = []
    inactive: list[tuple[Discount, str]] = []
    for d in sorted(discounts, key=lambda d: (-d.priority, d.discount_id)):
        why = _reason_inactive(d, day, price_groups)
        if why is None:
            active.append(d)
        else:
            inactive.append((d, why))
    ordered = sorted(lines, key=lambda ln: ln.line_id)
    states = [LineState(ln, ln.unit_price * ln.quantity) for ln in ordered]
    plain = [d for d in active if d.kind is not DiscountKind.THRESHOLD]
    for state in states:
        ln = state.line
        reach: list[Discount] = []
        for d in plain:
            scope = d.scope(ln.item_id, ln.variant_id, ln.category_ids)
            if scope == "excluded":
                state.lose(d, "excluded (exclusions beat inclusions)")
            elif scope == "in":
                reach.append(d)
        for d, why in inactive:
            if d.scope(ln.item_id, ln.variant_id, ln.category_ids) == "in":
                state.lose(d, why)
        if not ln.discountable or ln.quantity <= ZERO:
            for d in reach:
                state.lose(d, "line not discountable")
            continue
        by_prio = offers_for(state, reach)
        if model is ConcurrencyModel.WITHIN_PRIORITY:
            apply_model_a(state, by_prio, unit)
        else:
            apply_model_b(state, by_prio, unit)
    thresholds = [d for d in active if d.kind is DiscountKind.THRESHOLD]
    if thresholds:
        apply_thresholds(
            thresholds, [s for s in states if s.line.quantity > ZERO], model, unit
        )
    return {
        s.line.line_id: LineDiscounts(
            s.line.line_id,
            tuple(LineDiscount(d.discount_id, d.name, d.kind.value, a) for d, a in s.applied),
            tuple(s.lost),
        )
        for s in states
    }
