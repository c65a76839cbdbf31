"""Discount evaluation for a basket: line discounts by concurrency model, then thresholds.

Mix-and-match discounts (see `mixmatch`) form their sets over the whole basket first; each
set's share of a line then takes part in that line's priority / exclusive / best-price /
compounded rules like any other discount. A share that loses on a line takes the line out of
that discount's sets, and the sets are formed again without it.

The result does not depend on the order of the lines or of the discounts: lines are
evaluated in line-id order and discounts by (priority desc, discount id). One line's rules
are in `line_pass`; with a `DiscountIndex`, `indexed` evaluates (same result, cached).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

from runtime.money import ZERO, Currency
from runtime.pricing_engine import mixmatch
from runtime.pricing_engine.concurrency import (
    DiscountLine,
    Interned,
    LineDiscounts,
    LineState,
    LostDiscount,
)
from runtime.pricing_engine.discount_index import DiscountIndex
from runtime.pricing_engine.discount_model import ConcurrencyModel, Discount, DiscountKind
from runtime.pricing_engine.indexed import evaluate_indexed
from runtime.pricing_engine.line_pass import (
    EXCLUDED_REASON,
    Entry,
    LinePlan,
    lost_shares,
    offer_entry,
    plan_groups,
    result,
    run_plan,
)
from runtime.pricing_engine.thresholds import apply_thresholds


def _reason_inactive(
    d: Discount, day: dt.date, groups: Collection[str], locked: Mapping[str, str] | None = None
) -> str | None:
    if not any(g in groups for g in d.price_group_ids):
        return "price group not active here"
    if not d.active_on(day):
        return "outside dates"
    if locked:
        return locked.get(d.discount_id)
    return None


def _scope(d: Discount, ln: DiscountLine) -> str:
    if d.kind is DiscountKind.MIX_MATCH:
        return mixmatch.scope(d, ln)
    return d.scope(ln.item_id, ln.variant_id, ln.category_ids)


def _plan(
    ln: DiscountLine,
    plain: Sequence[tuple[Discount, Entry | None]],
    inactive: Sequence[tuple[Discount, str]],
) -> LinePlan:
    """The line's plan from every active non-threshold discount (with its offers) and every
    inactive discount: each one's scope is checked here."""
    excluded: list[LostDiscount] = []
    reach: list[Discount] = []
    entries: list[tuple[int, Entry]] = []
    mixes: list[Discount] = []
    for d, entry in plain:
        scope = _scope(d, ln)
        if scope == "excluded":
            excluded.append(LostDiscount(d.discount_id, EXCLUDED_REASON))
        elif scope == "in":
            reach.append(d)
            if entry is None:
                mixes.append(d)
            else:
                entries.append((d.priority, entry))
    reached = [LostDiscount(d.discount_id, why) for d, why in inactive if _scope(d, ln) == "in"]
    lost0 = tuple(excluded + reached)
    return LinePlan(reach.copy, lost0, plan_groups(entries), mixes, [], [])


def _line_pass(
    ordered: Sequence[DiscountLine],
    plans: Sequence[LinePlan],
    model: ConcurrencyModel,
    unit: Decimal,
    alloc: mixmatch.MixAllocation | None,
    blocked: dict[tuple[str, str], str],
) -> list[LineState]:
    """Every line's non-threshold discounts, with mix-and-match shares from `alloc`."""
    pairs = zip(ordered, plans, strict=True)
    memo: Interned = {}
    return [run_plan(p, ln, model, unit, alloc, blocked, memo) for ln, p in pairs]


def evaluate_discounts(
    discounts: Sequence[Discount],
    lines: Sequence[DiscountLine],
    *,
    day: dt.date,
    price_groups: Collection[str],
    currency: Currency,
    model: ConcurrencyModel = ConcurrencyModel.WITHIN_PRIORITY,
    index: DiscountIndex | None = None,
    locked: Mapping[str, str] | None = None,
) -> dict[str, LineDiscounts]:
    """Discounts for every line of a basket; the result does not depend on the line order.

    With `index` (built by `DiscountIndex.build` from exactly `discounts`), each line only
    looks at its candidate discounts; the result is the same as without it. `locked`
    (discount id -> reason, see `coupons`) keeps discounts inactive for that reason, like
    one outside its dates: coupon discounts whose code was not entered."""
    unit = currency.unit
    if index is not None:
        return evaluate_indexed(index, lines, day, price_groups, unit, model, locked)
    active: list[Discount] = []
    inactive: list[tuple[Discount, str]] = []
    for d in sorted(discounts, key=lambda d: (-d.priority, d.discount_id)):
        why = _reason_inactive(d, day, price_groups, locked)
        if why is None:
            active.append(d)
        else:
            inactive.append((d, why))
    ordered = sorted(lines, key=lambda ln: ln.line_id)
    plain = [
        (d, None if d.kind is DiscountKind.MIX_MATCH else offer_entry(d))
        for d in active
        if d.kind is not DiscountKind.THRESHOLD
    ]
    plans = [_plan(ln, plain, inactive) for ln in ordered]
    mixes = [d for d, _ in plain if d.kind is DiscountKind.MIX_MATCH]
    if not mixes:
        states = _line_pass(ordered, plans, model, unit, None, {})
    else:
        # Mix-and-match sets are formed first; each line's share then competes with the
        # line's other discounts by the usual rules. Where a share loses on a line, the line
        # leaves that discount's search and the sets are formed again (the blocked pairs only
        # grow, so this ends); the last pass has every offered share applied.
        blocked: dict[tuple[str, str], str] = {}
        while True:
            alloc = mixmatch.allocate(mixes, ordered, unit, set(blocked))
            states = _line_pass(ordered, plans, model, unit, alloc, blocked)
            lost = lost_shares(states, alloc)
            if not lost:
                break
            blocked.update(lost)
    thresholds = [d for d in active if d.kind is DiscountKind.THRESHOLD]
    if thresholds:
        apply_thresholds(thresholds, [s for s in states if s.line.quantity > ZERO], model, unit)
    return result(states)
