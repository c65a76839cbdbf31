"""The set search of `mixmatch`: the best combination of sets for the customer, exactly
while the problem is small (`_exact`), else by marginal value (`_greedy`); see `mixmatch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from runtime.money import HUNDRED, ZERO
from runtime.pricing_engine.discount_model import Discount, MixMatchDeal

EXACT_NODE_BUDGET = 2_000  # candidate sets the exact search may evaluate before the greedy


# --- the search problem: lines with counts, discounts with eligible lines per group ------


@dataclass(frozen=True, slots=True)
class _Problem:
    line_ids: tuple[str, ...]
    prices: tuple[Decimal, ...]
    unit: Decimal
    # per discount: per group (quantity, eligible line indexes)
    groups: dict[str, tuple[tuple[int, tuple[int, ...]], ...]]


def _round(amount: Decimal, unit: Decimal) -> Decimal:
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


def _expand(used: Sequence[int], p: _Problem) -> list[tuple[int, Decimal]]:
    """The set's units as (line index, price), cheapest first, ties by line order."""
    prices = p.prices
    units = [(i, prices[i]) for i, n in enumerate(used) if n for _ in range(n)]
    return sorted(units, key=lambda u: (u[1], u[0]))


def _weights(d: Discount, units: list[tuple[int, Decimal]]) -> list[Decimal]:
    if d.deal is MixMatchDeal.LEAST_EXPENSIVE:
        n = d.least_expensive_count
        return [price if k < n else ZERO for k, (_, price) in enumerate(units)]
    return [price for _, price in units]


def set_discount(d: Discount, prices: Sequence[Decimal], unit: Decimal) -> Decimal:
    """The rounded discount of one set whose units cost `prices`."""
    total = sum(prices, ZERO)
    if d.deal is MixMatchDeal.DEAL_PRICE:
        raw = total - d.value
    elif d.deal is MixMatchDeal.PERCENT:
        raw = total * d.value / HUNDRED
    elif d.deal is MixMatchDeal.AMOUNT_OFF:
        raw = min(d.value, total)
    else:
        cheapest = sorted(prices)[: d.least_expensive_count]
        raw = sum(cheapest, ZERO) * d.value / HUNDRED
    return _round(raw, unit) if raw > ZERO else ZERO


def _value(d: Discount, used: Sequence[int], p: _Problem) -> Decimal:
    return set_discount(d, [price for _, price in _expand(used, p)], p.unit)


def _sets_with(
    d: Discount, p: _Problem, counts: tuple[int, ...], first: int
) -> list[tuple[int, ...]]:
    """Every distinct unit multiset (counts per line) forming a set of `d` from `counts`
    that uses at least one unit of line `first`; sorted, so the search is deterministic."""
    groups = p.groups[d.discount_id]
    found: set[tuple[int, ...]] = set()

    def fill(g: int, left: list[int], used: list[int]) -> None:
        if g == len(groups):
            if used[first] > 0:
                found.add(tuple(used))
            return
        need, eligible = groups[g]

        def place(k: int, need: int) -> None:
            if need == 0:
                fill(g + 1, left, used)
                return
            if k == len(eligible):
                return
            i = eligible[k]
            for take in range(min(left[i], need), -1, -1):
                left[i] -= take
                used[i] += take
                place(k + 1, need - take)
                left[i] += take
                used[i] -= take

        place(0, need)

    fill(0, list(counts), [0] * len(counts))
    return sorted(found, reverse=True)


class _BudgetExceeded(Exception):
    pass


_Best = tuple[Decimal, tuple[tuple[str, tuple[int, ...]], ...]]


def _exact(
    discounts: Sequence[Discount], p: _Problem, counts: tuple[int, ...], idle: int = 0
) -> _Best:
    """The largest total customer discount from `counts`: for the first remaining unit,
    either it forms no set, or it is in some set of some discount (units of one line are
    interchangeable, so this covers every assignment). Ties keep the earlier option (no set
    before sets; discounts by id; sets in `_sets_with` order). `idle` counts discounts of
    the priority left out because no line can join them: each would cost one unit of work
    per node, as it does when it is passed in."""
    memo: dict[tuple[int, ...], _Best] = {}
    work = [0]

    def best(c: tuple[int, ...]) -> _Best:
        hit = memo.get(c)
        if hit is not None:
            return hit
        first = next((i for i, n in enumerate(c) if n > 0), None)
        if first is None:
            return (ZERO, ())
        skipped = list(c)
        skipped[first] -= 1
        result = best(tuple(skipped))
        work[0] += idle
        if work[0] > EXACT_NODE_BUDGET:
            raise _BudgetExceeded
        for d in discounts:
            options = _sets_with(d, p, c, first)
            work[0] += len(options) + 1
            if work[0] > EXACT_NODE_BUDGET:
                raise _BudgetExceeded
            for used in options:
                amount = _value(d, used, p)
                if amount <= ZERO:
                    continue
                rest = best(tuple(a - b for a, b in zip(c, used, strict=True)))
                if amount + rest[0] > result[0]:
                    result = (amount + rest[0], ((d.discount_id, used), *rest[1]))
        memo[c] = result
        return result

    return best(counts)


def _greedy_set(
    d: Discount, p: _Problem, counts: Sequence[int], retailer: bool
) -> tuple[int, ...] | None:
    """One set of `d` from `counts`, or None. Customer: each group takes the dearest units
    (groups with the fewest candidates first). Retailer: the cheapest units; for least
    expensive, the dearest units with the discounted slots swapped for the cheapest ones."""
    groups = p.groups[d.discount_id]
    left = list(counts)
    slots: list[tuple[int, int]] = []  # (group, line index)
    order = sorted(range(len(groups)), key=lambda g: (sum(left[i] for i in groups[g][1]), g))
    cheap_first = retailer and d.deal is not MixMatchDeal.LEAST_EXPENSIVE
    for g in order:
        need, eligible = groups[g]
        ranked = sorted(eligible, key=lambda i: (p.prices[i] if cheap_first else -p.prices[i], i))
        for i in ranked:
            take = min(left[i], need)
            left[i] -= take
            need -= take
            slots.extend([(g, i)] * take)
        if need:
            return None
    if retailer and d.deal is MixMatchDeal.LEAST_EXPENSIVE:
        slots.sort(key=lambda s: (p.prices[s[1]], s[1]))
        for k in range(min(d.least_expensive_count, len(slots))):
            g, i = slots[k]
            cheaper = [j for j in groups[g][1] if left[j] > 0 and p.prices[j] < p.prices[i]]
            if cheaper:
                j = min(cheaper, key=lambda j: (p.prices[j], j))
                left[j] -= 1
                left[i] += 1
                slots[k] = (g, j)
    used = [a - b for a, b in zip(counts, left, strict=True)]
    return tuple(used)


def _greedy(
    discounts: Sequence[Discount], p: _Problem, counts: list[int], retailer: bool
) -> list[tuple[str, tuple[int, ...]]]:
    """Repeatedly form the set with the best marginal value (discount per unit consumed);
    ties by discount id, then the set's first line. Retailer mode takes one discount.

    A discount's candidate set depends only on the counts of the lines its groups admit,
    so it is kept from round to round until a formed set takes units from one of them."""
    out: list[tuple[str, tuple[int, ...]]] = []
    lines_of = {d.discount_id: {i for _, el in p.groups[d.discount_id] for i in el}
                for d in discounts}  # fmt: skip
    # discount id -> (key, set) of its candidate set, or None when it forms no set
    known: dict[str, tuple[tuple[Decimal, str, int], tuple[int, ...]] | None] = {}
    while True:
        best: tuple[tuple[Decimal, str, int], Discount, tuple[int, ...]] | None = None
        for d in discounts:
            did = d.discount_id
            if did in known:
                found = known[did]
            else:
                found = None
                used = _greedy_set(d, p, counts, retailer)
                if used is not None:
                    amount = _value(d, used, p)
                    if amount > ZERO:
                        first = next(i for i, n in enumerate(used) if n > 0)
                        found = ((-amount / sum(used), did, first), used)
                known[did] = found
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], d, found[1])
        if best is None:
            return out
        _, d, used = best
        out.append((d.discount_id, used))
        taken = set()
        for i, n in enumerate(used):
            if n:
                counts[i] -= n
                taken.add(i)
        for did in [did for did in known if not lines_of[did].isdisjoint(taken)]:
            del known[did]
