"""Threshold discounts, evaluated after every line discount, priority by priority.

Thresholds are basket-wide: the tier is reached on the sum of the receiving lines' amounts
after the non-threshold discounts ("count non-discountable items": on every line's amount),
and the discount is spread over the receiving lines so the parts add up to the cent.
Ties: the larger total wins, then the lower discount id.
Which lines a threshold reaches follows the concurrency rules in `concurrency`: exclusive and
(under model A) best-price thresholds reach only undiscounted lines; a compounded threshold
compounds on lines that carry only compounded discounts (model A) or on lines with no
discount at its own priority (model B). Under model A a line takes thresholds from one
priority only. Within a priority thresholds compete basket-wide by their total: the best
exclusive first; then (A) the compounded thresholds stacked against the best best-price one,
or (B) the single best.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from runtime.money import HUNDRED, ZERO, distribute, round_parts
from runtime.pricing_engine.concurrency import LineState, LostDiscount, round_amount
from runtime.pricing_engine.discount_model import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountMethod,
)

Reach = Mapping[str, Sequence[tuple[LineState, str]]]  # discount id -> (state, its scope)

_EXCL = Concurrency.EXCLUSIVE
_BEST = Concurrency.BEST_PRICE
_COMP = Concurrency.COMPOUNDED


def _can_receive(state: LineState, d: Discount, model: ConcurrencyModel) -> str | None:
    """Why a threshold discount cannot reach this line, or None."""
    if state.exclusive is not None:
        return f"exclusive discount {state.exclusive} applied"
    if d.concurrency is _EXCL or (
        model is ConcurrencyModel.WITHIN_PRIORITY and d.concurrency is _BEST
    ):
        if state.applied:
            return f"{d.concurrency} threshold reaches only undiscounted lines"
        return None
    if model is ConcurrencyModel.ACROSS_PRIORITIES:
        if d.priority in state.priorities:
            return f"line already has a discount at priority {d.priority}"
        return None
    if state.threshold_priority is not None and state.threshold_priority != d.priority:
        return f"lower priority ignored (priority {d.priority} < {state.threshold_priority})"
    best = next((a.discount_id for a, _ in state.applied if a.concurrency is not _COMP), None)
    if best is not None:
        return f"best price discount {best} applied; nothing compounds on it"
    return None


@dataclass(frozen=True, slots=True)
class _ThresholdResult:
    discount: Discount
    parts: tuple[tuple[str, Decimal], ...]  # (line id, amount) per receiving line

    @property
    def total(self) -> Decimal:
        return sum((a for _, a in self.parts), ZERO)


def _threshold(
    d: Discount,
    states: Sequence[LineState],
    amounts: dict[str, Decimal],
    model: ConcurrencyModel,
    unit: Decimal,
    notes: dict[str, list[LostDiscount]] | None,
    reach: Reach | None = None,
) -> _ThresholdResult | None:
    """The threshold's parts on the lines it reaches, given the lines' current `amounts`.
    `reach` (from the indexed evaluation in `discounts`): per discount id, the states (in
    `states` order) whose scope is not "out", with that scope; None means every state."""
    receivers: list[LineState] = []
    pairs: Iterable[tuple[LineState, str | None]] = (
        ((s, None) for s in states) if reach is None else reach.get(d.discount_id, ())
    )
    for s, known in pairs:
        if not s.line.discountable:
            continue
        scope = known or d.scope(s.line.item_id, s.line.variant_id, s.line.category_ids)
        if scope == "out":
            continue
        why = "excluded" if scope == "excluded" else _can_receive(s, d, model)
        if why is None:
            receivers.append(s)
        elif notes is not None:
            notes.setdefault(s.line.line_id, []).append(LostDiscount(d.discount_id, why))
    if not receivers:
        return None
    if d.count_non_discountable:
        measure = sum((amounts[s.line.line_id] for s in states), ZERO)
    else:
        measure = sum((amounts[s.line.line_id] for s in receivers), ZERO)
    tier = d.tier_for(measure)
    if tier is None:
        if notes is not None:
            need = d.tiers[0].minimum if d.tiers else "?"
            for s in receivers:
                notes.setdefault(s.line.line_id, []).append(
                    LostDiscount(d.discount_id, f"threshold not reached ({measure} < {need})")
                )
        return None
    base = [amounts[s.line.line_id] for s in receivers]
    base_total = sum(base, ZERO)
    if tier.method is DiscountMethod.PERCENT:
        exact = [b * tier.value / HUNDRED for b in base]
        parts = round_parts(exact, round_amount(sum(exact, ZERO), unit), unit)
    else:
        total = min(tier.value, round_amount(base_total, unit))
        parts = distribute(total, base, unit)
    return _ThresholdResult(
        d, tuple((s.line.line_id, p) for s, p in zip(receivers, parts, strict=True))
    )


def _stack_thresholds(
    group: Sequence[Discount],
    states: Sequence[LineState],
    model: ConcurrencyModel,
    unit: Decimal,
    reach: Reach | None = None,
) -> list[_ThresholdResult]:
    """Compounded thresholds one after another (amounts first, then percentages)."""
    amounts = {s.line.line_id: s.amount for s in states}
    out: list[_ThresholdResult] = []

    def order(d: Discount) -> tuple[int, str]:
        methods = {t.method for t in d.tiers}
        return (0 if DiscountMethod.AMOUNT_OFF in methods else 1, d.discount_id)

    for d in sorted(group, key=order):
        res = _threshold(d, states, amounts, model, unit, None, reach)
        if res is not None and res.total > ZERO:
            out.append(res)
            for line_id, part in res.parts:
                amounts[line_id] -= part
    return out


def apply_thresholds(
    discounts: Sequence[Discount],
    states: Sequence[LineState],
    model: ConcurrencyModel,
    unit: Decimal,
    reach: Reach | None = None,
) -> None:
    """Apply `discounts` (thresholds) to `states`. With `reach`, a threshold looks only at
    its listed states; a threshold absent from `discounts` is one that reaches no line."""
    by_id = {s.line.line_id: s for s in states}
    by_prio: dict[int, list[Discount]] = {}
    for d in discounts:
        by_prio.setdefault(d.priority, []).append(d)
    for prio in sorted(by_prio, reverse=True):
        group = sorted(by_prio[prio], key=lambda d: d.discount_id)
        notes: dict[str, list[LostDiscount]] = {}
        amounts = {s.line.line_id: s.amount for s in states}
        results = [
            r
            for d in group
            if (r := _threshold(d, states, amounts, model, unit, notes, reach)) is not None
        ]
        winners: list[_ThresholdResult] = []
        exclusive = sorted(
            (r for r in results if r.discount.concurrency is _EXCL and r.total > ZERO),
            key=lambda r: (-r.total, r.discount.discount_id),
        )
        if exclusive:
            winners.append(exclusive[0])
        losers: dict[str, str] = {
            r.discount.discount_id: f"exclusive threshold {exclusive[0].discount.discount_id} "
            "gave more"
            for r in exclusive[1:]
        }
        shared = [r for r in results if r.discount.concurrency is not _EXCL and r.total > ZERO]
        if shared and not exclusive:
            singles = sorted(
                (r for r in shared if model is ConcurrencyModel.ACROSS_PRIORITIES
                 or r.discount.concurrency is _BEST),
                key=lambda r: (-r.total, r.discount.discount_id),
            )  # fmt: skip
            stack: list[_ThresholdResult] = []
            if model is ConcurrencyModel.WITHIN_PRIORITY:
                comp = [r.discount for r in shared if r.discount.concurrency is _COMP]
                stack = _stack_thresholds(comp, states, model, unit, reach)
            stack_total = sum((r.total for r in stack), ZERO)
            if singles and singles[0].total >= stack_total:
                winners.append(singles[0])
                wid = singles[0].discount.discount_id
                for r in shared:
                    if r is not singles[0]:
                        losers[r.discount.discount_id] = f"best price: threshold {wid} gave more"
            else:
                winners.extend(stack)
                for r in singles:
                    losers[r.discount.discount_id] = "best price: compounded stack gave more"
        elif exclusive:
            for r in shared:
                losers[r.discount.discount_id] = (
                    f"exclusive threshold {exclusive[0].discount.discount_id} applied"
                )
        for r in winners:
            for line_id, part in r.parts:
                if part > ZERO:
                    state = by_id[line_id]
                    state.apply(r.discount, part)
                    state.threshold_priority = prio
        for r in results:
            reason = losers.get(r.discount.discount_id)
            if reason is not None:
                for line_id, _ in r.parts:
                    by_id[line_id].lose(r.discount, reason)
        for line_id, lost in notes.items():
            by_id[line_id].lost.extend(lost)
