"""Discount evaluation for a basket: line discounts by concurrency model, then thresholds.

Mix-and-match discounts (see `mixmatch`) form their sets over the whole basket first; each
set's share of a line then takes part in that line's priority / exclusive / best-price /
compounded rules like any other discount. A share that loses on a line takes the line out of
that discount's sets, and the sets are formed again without it.

The result does not depend on the order of the lines or of the discounts: lines are
evaluated in line-id order and discounts by (priority desc, discount id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

from runtime.money import ZERO, Currency, distribute
from runtime.pricing_engine import mixmatch
from runtime.pricing_engine.concurrency import (
    DiscountLine,
    LineDiscounts,
    LineState,
    LostDiscount,
    _Offer,
    apply_model_a,
    apply_model_b,
    mix_offer,
    offers_for,
)
from runtime.pricing_engine.discount_index import DiscountIndex, fast_scope
from runtime.pricing_engine.discount_model import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountKind,
)
from runtime.pricing_engine.thresholds import apply_thresholds
from runtime.transaction import LineDiscount


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


def _line_pass(
    ordered: Sequence[DiscountLine],
    plain: Sequence[Discount],
    inactive: Sequence[tuple[Discount, str]],
    model: ConcurrencyModel,
    unit: Decimal,
    alloc: mixmatch.MixAllocation | None,
    blocked: dict[tuple[str, str], str],
) -> list[LineState]:
    """Every line's non-threshold discounts, with mix-and-match shares from `alloc`."""
    states = [LineState(ln, ln.unit_price * ln.quantity) for ln in ordered]
    for state in states:
        _pass_line(state, plain, inactive, model, unit, alloc, blocked)
    return states


def _pass_line(
    state: LineState,
    plain: Sequence[Discount],
    inactive: Sequence[tuple[Discount, str]],
    model: ConcurrencyModel,
    unit: Decimal,
    alloc: mixmatch.MixAllocation | None,
    blocked: dict[tuple[str, str], str],
) -> None:
    """One line's non-threshold discounts (`plain` / `inactive` may hold discounts that do
    not reach the line: each one's scope is checked here)."""
    ln = state.line
    scoped = [(d, _scope(d, ln)) for d in plain]
    reached = [(d, why) for d, why in inactive if _scope(d, ln) == "in"]
    _pass_scoped(state, scoped, reached, model, unit, alloc, blocked)


def _scope(d: Discount, ln: DiscountLine) -> str:
    if d.kind is DiscountKind.MIX_MATCH:
        return mixmatch.scope(d, ln)
    return d.scope(ln.item_id, ln.variant_id, ln.category_ids)


def _pass_scoped(
    state: LineState,
    scoped: Sequence[tuple[Discount, str]],
    reached: Sequence[tuple[Discount, str]],
    model: ConcurrencyModel,
    unit: Decimal,
    alloc: mixmatch.MixAllocation | None,
    blocked: dict[tuple[str, str], str],
) -> None:
    """`_pass_line` with the scopes known: `scoped` holds active non-threshold discounts
    with their scope (in evaluation order; "out" ones may be left out), `reached` the
    inactive discounts whose scope is "in", with the reason they are inactive."""
    ln = state.line
    reach: list[Discount] = []
    for d, scope in scoped:
        if scope == "excluded":
            state.lose(d, "excluded (exclusions beat inclusions)")
        elif scope == "in":
            reach.append(d)
    for d, why in reached:
        state.lose(d, why)
    if not ln.discountable or ln.quantity <= ZERO:
        for d in reach:
            state.lose(d, "line not discountable")
        return
    by_prio = offers_for(state, [d for d in reach if d.kind is not DiscountKind.MIX_MATCH])
    proxies: dict[str, list[tuple[Discount, Decimal]]] = {}
    if alloc is not None:
        proxies = _mix_offers(state, reach, alloc, blocked, by_prio)
    if model is ConcurrencyModel.WITHIN_PRIORITY:
        apply_model_a(state, by_prio, unit)
    else:
        apply_model_b(state, by_prio, unit)
    if proxies:
        _expand_proxies(state, proxies, unit)


_PAID_UNIT = "paid unit of a set (the deal's discount is on the set's other units)"


def _mix_offers(
    state: LineState,
    reach: Sequence[Discount],
    alloc: mixmatch.MixAllocation,
    blocked: dict[tuple[str, str], str],
    by_prio: dict[int, list[_Offer]],
) -> dict[str, list[tuple[Discount, Decimal]]]:
    """Offer the line's mix-and-match shares. Shares of different deals on one line come from
    different units, so they do not compete with each other: those of one priority and
    concurrency mode travel as one offer (under the first deal's id), split back afterwards."""
    line_id = state.line.line_id
    pools: dict[tuple[int, Concurrency], list[tuple[Discount, Decimal]]] = {}
    for d in reach:
        if d.kind is not DiscountKind.MIX_MATCH:
            continue
        key = (d.discount_id, line_id)
        share = alloc.shares.get(key)
        if share is None:
            state.lose(d, blocked.get(key) or alloc.reason(d, line_id))
        else:
            pools.setdefault((d.priority, d.concurrency), []).append((d, share))
    proxies: dict[str, list[tuple[Discount, Decimal]]] = {}
    for members in pools.values():
        head = members[0][0]
        offer = mix_offer(head, sum((s for _, s in members), ZERO))
        by_prio.setdefault(head.priority, []).append(offer)
        proxies[head.discount_id] = members
    return proxies


def _expand_proxies(
    state: LineState, proxies: dict[str, list[tuple[Discount, Decimal]]], unit: Decimal
) -> None:
    applied: list[tuple[Discount, Decimal]] = []
    for d, amount in state.applied:
        members = proxies.get(d.discount_id) if d.kind is DiscountKind.MIX_MATCH else None
        if members is None:
            applied.append((d, amount))
            continue
        shares = [s for _, s in members]
        parts = shares if amount == sum(shares, ZERO) else distribute(amount, shares, unit)
        for (m, _), part in zip(members, parts, strict=True):
            if part > ZERO:
                applied.append((m, part))
    state.applied = applied
    lost: list[LostDiscount] = []
    for entry in state.lost:
        members = proxies.get(entry.discount_id)
        if members is None:
            lost.append(entry)
            continue
        for m, share in members:
            if share == ZERO and entry.reason == "no reduction on this line":
                lost.append(LostDiscount(m.discount_id, _PAID_UNIT))
            else:
                lost.append(LostDiscount(m.discount_id, entry.reason))
    state.lost = lost


def _lost_shares(
    states: Sequence[LineState], alloc: mixmatch.MixAllocation
) -> dict[tuple[str, str], str]:
    """(discount id, line id) -> reason, for mix-and-match shares that lost on their line."""
    out: dict[tuple[str, str], str] = {}
    for s in states:
        applied = {d.discount_id for d, _ in s.applied}
        for lost in s.lost:
            key = (lost.discount_id, s.line.line_id)
            if key in alloc.shares and key[0] not in applied and lost.reason != _PAID_UNIT:
                out[key] = lost.reason
    return out


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
        return _result(_evaluate_indexed(index, lines, day, price_groups, unit, model, locked))
    active: list[Discount] = []
    inactive: list[tuple[Discount, str]] = []
    for d in sorted(discounts, key=lambda d: (-d.priority, d.discount_id)):
        why = _reason_inactive(d, day, price_groups, locked)
        if why is None:
            active.append(d)
        else:
            inactive.append((d, why))
    ordered = sorted(lines, key=lambda ln: ln.line_id)
    plain = [d for d in active if d.kind is not DiscountKind.THRESHOLD]
    mixes = [d for d in plain if d.kind is DiscountKind.MIX_MATCH]
    if not mixes:
        states = _line_pass(ordered, plain, inactive, model, unit, None, {})
    else:
        # Mix-and-match sets are formed first; each line's share then competes with the
        # line's other discounts by the usual rules. Where a share loses on a line, the line
        # leaves that discount's search and the sets are formed again (the blocked pairs only
        # grow, so this ends); the last pass has every offered share applied.
        blocked: dict[tuple[str, str], str] = {}
        while True:
            alloc = mixmatch.allocate(mixes, ordered, unit, set(blocked))
            states = _line_pass(ordered, plain, inactive, model, unit, alloc, blocked)
            lost = _lost_shares(states, alloc)
            if not lost:
                break
            blocked.update(lost)
    thresholds = [d for d in active if d.kind is DiscountKind.THRESHOLD]
    if thresholds:
        apply_thresholds(thresholds, [s for s in states if s.line.quantity > ZERO], model, unit)
    return _result(states)


def _result(states: Sequence[LineState]) -> dict[str, LineDiscounts]:
    return {
        s.line.line_id: LineDiscounts(
            s.line.line_id,
            tuple(LineDiscount(d.discount_id, d.name, d.kind.value, a) for d, a in s.applied),
            tuple(s.lost),
        )
        for s in states
    }


# --- the indexed path -------------------------------------------------------------------

_Snapshot = tuple[
    Decimal, tuple[tuple[Discount, Decimal], ...], frozenset[int], str | None,
    tuple[LostDiscount, ...],
]  # fmt: skip


def _snapshot(s: LineState) -> _Snapshot:
    return (s.amount, tuple(s.applied), frozenset(s.priorities), s.exclusive, tuple(s.lost))


def _restore(line: DiscountLine, snap: _Snapshot) -> LineState:
    amount, applied, priorities, exclusive, lost = snap
    return LineState(line, amount, list(applied), set(priorities), exclusive, None, list(lost))


class _Plan:
    """A line's candidates split for one activation: active non-threshold discounts,
    inactive ones with the reason, active thresholds (positions), and the mix-and-match
    discounts whose scope is "in" (with their positions)."""

    __slots__ = ("mix_positions", "mixes", "reached", "scoped", "thresholds")

    def __init__(self, index: DiscountIndex, line: DiscountLine, reasons: Sequence[str | None]):
        everything = index.discounts
        self.scoped: list[tuple[Discount, str]] = []  # active non-threshold, not "out"
        self.reached: list[tuple[Discount, str]] = []  # inactive, scope "in"
        self.thresholds: list[tuple[int, str]] = []  # active thresholds not "out"
        self.mixes: list[Discount] = []
        self.mix_positions: list[int] = []
        item, variant, categories = line.item_id, line.variant_id, line.category_ids
        for pos in index.candidates(item, variant, categories):
            d = everything[pos]
            why = reasons[pos]
            if d.kind is DiscountKind.MIX_MATCH:
                scope = mixmatch.scope(d, line)
            else:
                scope = fast_scope(d, item, variant, categories)
            if why is None and d.kind is DiscountKind.THRESHOLD:
                if scope != "out":
                    self.thresholds.append((pos, scope))
                continue
            if why is not None:
                if scope == "in":
                    self.reached.append((d, why))
            elif scope != "out":
                self.scoped.append((d, scope))
                if scope == "in" and d.kind is DiscountKind.MIX_MATCH:
                    self.mixes.append(d)
                    self.mix_positions.append(pos)


def _evaluate_indexed(
    index: DiscountIndex,
    lines: Sequence[DiscountLine],
    day: dt.date,
    price_groups: Collection[str],
    unit: Decimal,
    model: ConcurrencyModel,
    locked: Mapping[str, str] | None = None,
) -> list[LineState]:
    """`evaluate_discounts` over each line's candidates only.

    Caches (in the index; every key holds everything the cached value is a function of):
    - a line no mix-and-match discount reaches has a line pass that depends only on the
      line, the activation, the model and the unit;
    - a line some mix-and-match discount reaches depends in addition only on what the sets
      give it: per such discount its share, or the reason it has none;
    - the sets themselves depend only on the lines in some mix-and-match scope, the blocked
      pairs and the discounts taking part.
    Thresholds, which depend on the whole basket, are always recomputed."""
    act = index.activation(day, price_groups, locked)
    everything = index.discounts
    ordered = sorted(lines, key=lambda ln: ln.line_id)
    states: list[LineState | None] = []
    todo: list[tuple[int, _Plan]] = []
    relevant: set[int] = set(act.fragile_mixes)
    in_scope: set[tuple[str, str]] = set()  # (mix id, line id) whose scope is "in"
    threshold_lines: dict[int, list[tuple[int, str]]] = {}  # position -> (state, scope)
    cache = index.line_pass
    for i, ln in enumerate(ordered):
        key = (ln, act.key, model, unit)
        hit = cache.get(key)
        if hit is not None:
            snap, tpos = hit
            for pos, scope in tpos:
                threshold_lines.setdefault(pos, []).append((i, scope))
            states.append(_restore(ln, snap))
            continue
        plan = index.plan(ln, act, _Plan)
        for pos, scope in plan.thresholds:
            threshold_lines.setdefault(pos, []).append((i, scope))
        if plan.mixes:
            relevant.update(plan.mix_positions)
            in_scope.update((d.discount_id, ln.line_id) for d in plan.mixes)
            states.append(None)
            todo.append((i, plan))
            continue
        state = LineState(ln, ln.unit_price * ln.quantity)
        _pass_scoped(state, plan.scoped, plan.reached, model, unit, None, {})
        states.append(state)
        index.remember_line(key, (_snapshot(state), tuple(plan.thresholds)))
    if todo:  # (a line in a mix's scope makes that mix relevant)
        mixes = [everything[pos] for pos in sorted(relevant)]
        idle = dict(act.mix_per_priority)
        for d in mixes:
            idle[d.priority] -= 1
        # only lines in some mix's scope can join a set; the others would be filtered out
        joining = tuple(ordered[i] for i, _ in todo)
        blocked: dict[tuple[str, str], str] = {}
        while True:
            alloc_key = (
                joining, frozenset(blocked), tuple(d.discount_id for d in mixes),
                tuple(sorted(idle.items())), frozenset(in_scope), unit,
            )  # fmt: skip
            alloc = index.allocations.get(alloc_key)
            if alloc is None:
                alloc = mixmatch.allocate(mixes, joining, unit, set(blocked), idle, in_scope)
                index.remember_allocation(alloc_key, alloc)
            for i, plan in todo:
                ln = ordered[i]
                sig = tuple(_mix_input(d, ln.line_id, alloc, blocked) for d in plan.mixes)
                key5 = (ln, act.key, model, unit, sig)
                hit = cache.get(key5)
                if hit is not None:
                    states[i] = _restore(ln, hit)
                    continue
                state = LineState(ln, ln.unit_price * ln.quantity)
                _pass_scoped(state, plan.scoped, plan.reached, model, unit, alloc, blocked)
                states[i] = state
                index.remember_line(key5, _snapshot(state))
            # shares exist only on joining lines, so only their states can lose one
            lost = _lost_shares([s for i, _ in todo if (s := states[i]) is not None], alloc)
            if not lost:
                break
            blocked.update(lost)
    done = [s for s in states if s is not None]
    assert len(done) == len(ordered)
    if threshold_lines:
        receiving = [s for s in done if s.line.quantity > ZERO]
        reach = {
            everything[pos].discount_id: [
                (done[i], scope) for i, scope in found if done[i].line.quantity > ZERO
            ]
            for pos, found in threshold_lines.items()
        }
        thresholds = [everything[pos] for pos in sorted(threshold_lines)]
        apply_thresholds(thresholds, receiving, model, unit, reach)
    return done


def _mix_input(
    d: Discount, line_id: str, alloc: mixmatch.MixAllocation, blocked: dict[tuple[str, str], str]
) -> tuple[str, Decimal | None, str | None]:
    """Everything `_mix_offers` reads about `d` on a line: its share, or why it has none."""
    key = (d.discount_id, line_id)
    share = alloc.shares.get(key)
    if share is not None:
        return (d.discount_id, share, None)
    return (d.discount_id, None, blocked.get(key) or alloc.reason(d, line_id))
