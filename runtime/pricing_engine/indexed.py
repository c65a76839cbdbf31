"""`evaluate_discounts` with a `DiscountIndex`: each line only looks at its candidates.

The result is the unindexed result (see `discounts`); the caches kept in the index make an
incremental reprice (one more scan) cost little more than the new line and the thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from runtime.money import ZERO
from runtime.pricing_engine import mixmatch
from runtime.pricing_engine.concurrency import (
    DiscountLine,
    Interned,
    LineDiscounts,
    LineSnapshot,
    LineState,
    LostDiscount,
    _lost,
)
from runtime.pricing_engine.discount_index import (
    KIND_MIX,
    KIND_QUANTITY,
    KIND_THRESHOLD,
    Activation,
    DiscountIndex,
)
from runtime.pricing_engine.discount_model import ConcurrencyModel, Discount
from runtime.pricing_engine.line_pass import (
    EXCLUDED_REASON,
    Entry,
    LinePlan,
    PlanGroup,
    lost_shares,
    result,
    run_plan,
)
from runtime.pricing_engine.thresholds import apply_thresholds


def _snapshot(s: LineState) -> LineSnapshot:
    s.done = snap = LineSnapshot(s)
    return snap


def make_plan(index: DiscountIndex, line: DiscountLine, reasons: Sequence[str | None]) -> LinePlan:
    """A line's plan from its candidates for one activation (`reasons`: per position, None
    if the discount is active, else why not): active non-threshold discounts, inactive ones
    whose scope is "in" (lost with the reason), active thresholds that are not "out"
    (positions, with the scope), and the mix-and-match discounts whose scope is "in"."""
    everything, about = index.discounts, index.about
    excluded: list[LostDiscount] = []
    reached: list[LostDiscount] = []
    groups: list[PlanGroup] = []
    group: list[Entry] = []
    group_prio = 0
    has_quantity = False
    mixes: list[Discount] = []
    mix_positions: list[int] = []
    thresholds: list[tuple[int, str]] = []
    candidates, excluding = index.scan(line.item_id, line.variant_id, line.category_ids)
    for pos in candidates:
        kind, prio, entry = about[pos]
        why = reasons[pos]
        if kind == KIND_MIX:
            scope = mixmatch.scope(everything[pos], line)
        elif pos in excluding:
            scope = "excluded"
        elif why is None and kind != KIND_THRESHOLD:  # the common case: in, active
            if prio != group_prio or not group:  # positions go by priority, highest first
                if group:
                    groups.append((group_prio, tuple(group), has_quantity))
                group, group_prio, has_quantity = [], prio, False
            group.append(entry)  # type: ignore[arg-type]  # set for these kinds
            if kind == KIND_QUANTITY:
                has_quantity = True
            continue
        else:
            scope = "in"  # see `DiscountIndex.scan`
        if why is not None:
            if scope == "in":
                reached.append(_lost((everything[pos].discount_id, why)))
        elif kind == KIND_THRESHOLD:
            if scope != "out":
                thresholds.append((pos, scope))
        elif scope == "in":  # (a mix-and-match discount)
            mixes.append(everything[pos])
            mix_positions.append(pos)
        elif scope == "excluded":
            excluded.append(_lost((everything[pos].discount_id, EXCLUDED_REASON)))
    if group:
        groups.append((group_prio, tuple(group), has_quantity))
    lost0 = tuple(excluded + reached) if reached else tuple(excluded)
    reach = partial(_reach, index, line, reasons)
    return LinePlan(reach, lost0, tuple(groups), tuple(mixes), tuple(mix_positions),
                    tuple(thresholds))  # fmt: skip


def _reach(
    index: DiscountIndex, line: DiscountLine, reasons: Sequence[str | None]
) -> list[Discount]:
    """`LinePlan.reach` of `make_plan`'s plan, worked out again from the candidates."""
    candidates, excluding = index.scan(line.item_id, line.variant_id, line.category_ids)
    found = []
    for pos in candidates:
        kind = index.kinds[pos]
        if reasons[pos] is not None or kind == KIND_THRESHOLD:
            continue
        d = index.discounts[pos]
        if kind == KIND_MIX:
            if mixmatch.scope(d, line) == "in":
                found.append(d)
        elif pos not in excluding:
            found.append(d)
    return found


def _line_key(ln: DiscountLine) -> tuple[object, ...]:
    """The line's fields: equal exactly when the lines are equal, cheaper to hash."""
    return (ln.line_id, ln.item_id, ln.quantity, ln.unit_price, ln.variant_id, ln.category_ids,
            ln.discountable)  # fmt: skip


def evaluate_indexed(
    index: DiscountIndex,
    lines: Sequence[DiscountLine],
    day: dt.date,
    price_groups: Collection[str],
    unit: Decimal,
    model: ConcurrencyModel,
    locked: Mapping[str, str] | None = None,
) -> dict[str, LineDiscounts]:
    """`evaluate_discounts` over each line's candidates only.

    Caches (in the index; every key holds everything the cached value is a function of):
    - a line no mix-and-match discount reaches has a line pass that depends only on the
      line, the activation, the model and the unit;
    - a line some mix-and-match discount reaches depends in addition only on what the sets
      give it: per such discount its share, or the reason it has none;
    - the sets themselves depend only on the lines in some mix-and-match scope, the blocked
      pairs and the discounts taking part; and all of these line passes together only on
      the lines in some mix-and-match scope (with the activation, model and unit).
    Thresholds, which depend on the whole basket, are always recomputed."""
    act = index.activation(day, price_groups, locked)
    everything = index.discounts
    ordered = sorted(lines, key=lambda ln: ln.line_id)
    states: list[LineState | None] = []
    todo: list[tuple[int, LinePlan]] = []
    threshold_lines: dict[int, list[tuple[int, str]]] = {}  # position -> (state, scope)
    cache = index.line_pass
    context = (act.key, model._value_, unit)
    memo: Interned = {}
    for i, ln in enumerate(ordered):
        key = (_line_key(ln), context)
        hit: tuple[Any, Any] | None = cache.get(key)
        # live: the line's fresh state, its cached snapshot, or None for a mix line (whose
        # plan is then in `more`); more: else the line's thresholds (position, scope)
        live: Any
        more: Any
        if hit is None:
            plan = index.plan(ln, act, make_plan)
            if plan.mixes:  # a mix line: its pass comes later
                index.remember_line(key, (None, plan))
                live, more = None, plan
            else:
                live = run_plan(plan, ln, model, unit, None, {}, memo)
                more = tuple(plan.thresholds)
                index.remember_line(key, (_snapshot(live), more))
        else:
            live, more = hit
        tpos: Sequence[tuple[int, str]]
        if live is None:
            todo.append((i, more))
            tpos = more.thresholds
            states.append(None)
        elif isinstance(live, LineState):
            tpos = more
            states.append(live)
        else:
            states.append(live.restore(ln))
            tpos = more
        for pos, scope in tpos:
            threshold_lines.setdefault(pos, []).append((i, scope))
    if todo:
        _mix_phase(index, act, ordered, states, todo, model, unit, memo)
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
    return result(done)


def _mix_phase(
    index: DiscountIndex,
    act: Activation,
    ordered: Sequence[DiscountLine],
    states: list[LineState | None],
    todo: Sequence[tuple[int, LinePlan]],
    model: ConcurrencyModel,
    unit: Decimal,
    memo: Interned,
) -> None:
    """The states of the lines some mix-and-match discount reaches (`todo`): cached as a
    whole on those lines, else from `_mix_lines`."""
    key = ("mix phase", tuple(_line_key(ordered[i]) for i, _ in todo),
           (act.key, model._value_, unit))  # fmt: skip
    snaps = index.line_pass.get(key)
    if snaps is None:
        _mix_lines(index, act, ordered, states, todo, model, unit, memo)
        # each state is as its line pass left it, so its snapshot is up to date
        found = [states[i] for i, _ in todo]
        snaps = tuple(s.done or _snapshot(s) for s in found if s is not None)
        index.remember_line(key, snaps)
        return
    for (i, _), snap in zip(todo, snaps, strict=True):
        states[i] = snap.restore(ordered[i])


def _mix_lines(
    index: DiscountIndex,
    act: Activation,
    ordered: Sequence[DiscountLine],
    states: list[LineState | None],
    todo: Sequence[tuple[int, LinePlan]],
    model: ConcurrencyModel,
    unit: Decimal,
    memo: Interned,
) -> None:
    """The states of the lines some mix-and-match discount reaches (`todo`), sets formed."""
    cache = index.line_pass
    relevant: set[int] = set(act.fragile_mixes)
    in_scope: set[tuple[str, str]] = set()  # (mix id, line id) whose scope is "in"
    for i, plan in todo:  # (a line in a mix's scope makes that mix relevant)
        relevant.update(plan.mix_positions)
        in_scope.update((d.discount_id, ordered[i].line_id) for d in plan.mixes)
    mixes = [index.discounts[pos] for pos in sorted(relevant)]
    idle = dict(act.mix_per_priority)
    for d in mixes:
        idle[d.priority] -= 1
    # only lines in some mix's scope can join a set; the others would be filtered out
    joining = tuple(ordered[i] for i, _ in todo)
    joining_key = tuple(_line_key(ln) for ln in joining)
    context = (act.key, model._value_, unit)
    blocked: dict[tuple[str, str], str] = {}
    while True:
        alloc_key = (
            joining_key, frozenset(blocked), tuple(d.discount_id for d in mixes),
            tuple(sorted(idle.items())), frozenset(in_scope), unit,
        )  # fmt: skip
        alloc = index.allocations.get(alloc_key)
        if alloc is None:
            alloc = mixmatch.allocate(mixes, joining, unit, set(blocked), idle, in_scope)
            index.remember_allocation(alloc_key, alloc)
        for i, plan in todo:
            ln = ordered[i]
            sig = tuple(_mix_input(d, ln.line_id, alloc, blocked) for d in plan.mixes)
            key5 = (_line_key(ln), context, sig)
            hit = cache.get(key5)
            if hit is not None:
                states[i] = hit.restore(ln)
                continue
            state = run_plan(plan, ln, model, unit, alloc, blocked, memo)
            states[i] = state
            index.remember_line(key5, _snapshot(state))
        # shares exist only on joining lines, so only their states can lose one
        lost = lost_shares([s for i, _ in todo if (s := states[i]) is not None], alloc)
        if not lost:
            break
        blocked.update(lost)


def _mix_input(
    d: Discount, line_id: str, alloc: mixmatch.MixAllocation, blocked: dict[tuple[str, str], str]
) -> tuple[str, Decimal | None, str | None]:
    """Everything `_mix_offers` reads about `d` on a line: its share, or why it has none."""
    key = (d.discount_id, line_id)
    share = alloc.shares.get(key)
    if share is not None:
        return (d.discount_id, share, None)
    return (d.discount_id, None, blocked.get(key) or alloc.reason(d, line_id))
