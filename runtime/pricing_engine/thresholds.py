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
from decimal import Decimal

from runtime.money import HUNDRED, ZERO, distribute, round_parts
from runtime.pricing_engine.concurrency import LineState, LostDiscount, _lost, round_amount
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
_MODEL_A = ConcurrencyModel.WITHIN_PRIORITY


def _can_receive(state: LineState, d: Discount, model: ConcurrencyModel) -> str | None:
    """Why a threshold discount cannot reach this line, or None."""
    if state.exclusive is not None:
        return f"exclusive discount {state.exclusive} applied"
    concurrency = d.concurrency
    if concurrency is _EXCL or (model is _MODEL_A and concurrency is _BEST):
        if state.applied:
            return f"{d.concurrency} threshold reaches only undiscounted lines"
        return None
    if model is not _MODEL_A:
        if any(a.priority == d.priority for a, _ in state.applied):
            return f"line already has a discount at priority {d.priority}"
        return None
    if state.threshold_priority is not None and state.threshold_priority != d.priority:
        return f"lower priority ignored (priority {d.priority} < {state.threshold_priority})"
    for a, _ in state.applied:
        if a.concurrency is not _COMP:
            return f"best price discount {a.discount_id} applied; nothing compounds on it"
    return None


class _ThresholdResult:
    """A threshold's part per receiving line (in `states` order) and their total."""

    __slots__ = ("discount", "parts", "receivers", "total")

    def __init__(
        self, discount: Discount, receivers: list[LineState], parts: list[Decimal]
    ) -> None:
        self.discount = discount
        self.receivers = receivers
        self.parts = parts
        self.total = sum(parts, ZERO)


Notes = list[tuple[LineState, LostDiscount]]


def _threshold(
    d: Discount,
    states: Sequence[LineState],
    amounts: dict[str, Decimal] | None,
    model: ConcurrencyModel,
    unit: Decimal,
    notes: Notes | None,
    reach: Reach | None = None,
) -> _ThresholdResult | None:
    """The threshold's parts on the lines it reaches, given the lines' current `amounts`
    (None: what is left on each line). `reach` (from the indexed evaluation in `indexed`):
    per discount id, the states (in `states` order) whose scope is not "out", with that
    scope; None means every state. Lines it cannot reach go to `notes`, with the reason."""
    receivers: list[LineState] = []
    did = d.discount_id
    pairs: Iterable[tuple[LineState, str | None]] = (
        ((s, None) for s in states) if reach is None else reach.get(did, ())
    )
    for s, known in pairs:
        line = s.line
        if not line.discountable:
            continue
        scope = known or d.scope(line.item_id, line.variant_id, line.category_ids)
        if scope == "out":
            continue
        why = "excluded" if scope == "excluded" else _can_receive(s, d, model)
        if why is None:
            receivers.append(s)
        elif notes is not None:
            notes.append((s, _lost((did, why))))
    if not receivers:
        return None
    if amounts is None:
        base = [s.amount for s in receivers]
        counted = [s.amount for s in states] if d.count_non_discountable else base
    else:
        base = [amounts[s.line.line_id] for s in receivers]
        counted = (
            [amounts[s.line.line_id] for s in states] if d.count_non_discountable else base
        )
    measure = sum(counted, ZERO)
    tier = d.tier_for(measure)
    if tier is None:
        if notes is not None:
            need = d.tiers[0].minimum if d.tiers else "?"
            reason = f"threshold not reached ({measure} < {need})"
            for s in receivers:
                notes.append((s, _lost((did, reason))))
        return None
    if tier.method is DiscountMethod.PERCENT:
        exact = [b * tier.value / HUNDRED for b in base]
        parts = round_parts(exact, round_amount(sum(exact, ZERO), unit), unit)
    else:
        total = min(tier.value, round_amount(sum(base, ZERO), unit))
        parts = distribute(total, base, unit)
    return _ThresholdResult(d, receivers, parts)


def _stack_thresholds(
    group: Sequence[Discount],
    states: Sequence[LineState],
    model: ConcurrencyModel,
    unit: Decimal,
    reach: Reach | None,
    first: Mapping[str, _ThresholdResult],
) -> list[_ThresholdResult]:
    """Compounded thresholds one after another (amounts first, then percentages). `first`
    holds each one's result on the unchanged amounts: valid until one of them applies."""
    amounts: dict[str, Decimal] | None = None
    out: list[_ThresholdResult] = []

    def order(d: Discount) -> tuple[int, str]:
        methods = {t.method for t in d.tiers}
        return (0 if DiscountMethod.AMOUNT_OFF in methods else 1, d.discount_id)

    for d in sorted(group, key=order):
        if amounts is None:
            res: _ThresholdResult | None = first[d.discount_id]
        else:
            res = _threshold(d, states, amounts, model, unit, None, reach)
        if res is not None and res.total > ZERO:
            out.append(res)
            if amounts is None:
                amounts = {s.line.line_id: s.amount for s in states}
            for s, part in zip(res.receivers, res.parts, strict=True):
                amounts[s.line.line_id] -= part
    return out


def _by_total(r: _ThresholdResult) -> tuple[Decimal, str]:
    return (-r.total, r.discount.discount_id)


def apply_thresholds(
    discounts: Sequence[Discount],
    states: Sequence[LineState],
    model: ConcurrencyModel,
    unit: Decimal,
    reach: Reach | None = None,
) -> None:
    """Apply `discounts` (thresholds) to `states`. With `reach`, a threshold looks only at
    its listed states; a threshold absent from `discounts` is one that reaches no line."""
    by_prio: dict[int, list[Discount]] = {}
    for d in discounts:
        by_prio.setdefault(d.priority, []).append(d)
    for prio in sorted(by_prio, reverse=True):
        group = sorted(by_prio[prio], key=lambda d: d.discount_id)
        notes: Notes = []
        results = [
            r
            for d in group
            if (r := _threshold(d, states, None, model, unit, notes, reach)) is not None
        ]
        winners: list[_ThresholdResult] = []
        exclusive = sorted(
            (r for r in results if r.discount.concurrency is _EXCL and r.total > ZERO),
            key=_by_total,
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
                key=_by_total,
            )  # fmt: skip
            stack: list[_ThresholdResult] = []
            if model is ConcurrencyModel.WITHIN_PRIORITY:
                comp = [r.discount for r in shared if r.discount.concurrency is _COMP]
                first = {r.discount.discount_id: r for r in shared}
                stack = _stack_thresholds(comp, states, model, unit, reach, first)
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
            for state, part in zip(r.receivers, r.parts, strict=True):
                if part > ZERO:
                    state.apply(r.discount, part)
                    state.threshold_priority = prio
        for r in results:
            reason = losers.get(r.discount.discount_id)
            if reason is not None:
                entry = _lost((r.discount.discount_id, reason))
                for state in r.receivers:
                    state.lost.append(entry)
        for state, note in notes:
            state.lost.append(note)
