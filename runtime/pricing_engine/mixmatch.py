"""Mix-and-match discounts: which units of the basket form which sets, and for how much.

Semantics, from the Dynamics 365 Commerce retail discount design notes ("Retail discount
design - mix and match discount I / II", blogs.msdn.microsoft.com/retaillife, 2017) and the
AX 2012 `RetailMixAndMatchDiscountType` enumeration (deal price, discount %, discount
amount, least expensive):

- A discount has one or more line groups, each requiring a fixed number of units from its
  own product set; a set is one unit assignment filling every group. A basket can form
  several sets of one discount; a unit (not a line) belongs to at most one set.
- Deals: DEAL_PRICE (the set costs `value`), PERCENT off the set, AMOUNT_OFF the set (at
  most what the set costs), LEAST_EXPENSIVE (the `least_expensive_count` cheapest units of
  the set `value`% off; 100 = free). The set's discount is rounded half-up to the currency
  unit and spread over its units by price (`money.distribute`; least expensive: over the
  discounted units only), then summed per line, so the lines add up to the set exactly.
- Best deal for the customer: discounts of one priority that compete for the same units are
  resolved by an exact search for the largest total discount while the candidate units are
  at most `EXACT_UNIT_LIMIT` (12) and the search evaluates at most `EXACT_NODE_BUDGET`
  (2,000) candidate sets; otherwise (the whole priority) by a greedy on marginal value: the
  set with the largest discount per unit consumed first, each set built from the dearest
  eligible units. Higher priorities take their units first; a unit joins one set at most.
- Favour retailer (least expensive pairing in the design notes: with $20, $30, $70, $80 and
  "buy one, get the least expensive 50% off" the retailer pairs $80+$20 and $70+$30, the
  customer-best pairing is $80+$70 and $30+$20): such a discount does not take part in the
  best-deal search. It is allocated first within its priority, by id, forming as many sets
  as it can, each from the units that give the smaller discount.

Ties are broken by discount id, then line id, so the same basket always prices the same.
How the resulting per-line amounts then compete with other discounts: see `discounts`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from runtime.money import HUNDRED, ZERO, distribute
from runtime.pricing_engine.concurrency import DiscountLine
from runtime.pricing_engine.discount_model import Discount, MixMatchDeal

EXACT_UNIT_LIMIT = 12  # candidate units of one priority searched exactly
EXACT_NODE_BUDGET = 2_000  # candidate sets the exact search may evaluate before the greedy


def scope(d: Discount, line: DiscountLine) -> str:
    """ "excluded", "out" or "in": the discount's own scope, then at least one line group."""
    own = d.scope(line.item_id, line.variant_id, line.category_ids)
    if own != "in":
        return own
    if any(g.admits(line.item_id, line.variant_id, line.category_ids) for g in d.line_groups):
        return "in"
    return "out"


def _in_scope(d: Discount, line: DiscountLine) -> bool:
    return scope(d, line) == "in"


@dataclass(frozen=True, slots=True)
class MixSet:
    """One formed set: the discount, the units taken per line (line id, count), the set's
    discount and its parts per line."""

    discount_id: str
    units: tuple[tuple[str, int], ...]
    amount: Decimal
    parts: tuple[tuple[str, Decimal], ...]


@dataclass(slots=True)
class MixAllocation:
    """All formed sets; `shares[(discount id, line id)]` is what the line gets from them."""

    sets: list[MixSet] = field(default_factory=list)
    shares: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    used_by: dict[str, list[str]] = field(default_factory=dict)  # line id -> discount ids
    searches: dict[int, str] = field(default_factory=dict)  # priority -> "exact" / "greedy"
    priority_of: dict[str, int] = field(default_factory=dict)

    def reason(self, d: Discount, line_id: str) -> str:
        """Why `d` gives nothing on a line it reaches."""
        others = [o for o in self.used_by.get(line_id, []) if o != d.discount_id]
        if others:
            other = others[0]
            if self.priority_of.get(other, d.priority) > d.priority:
                return f"units used by higher-priority deal {other}"
            return f"units used by a better deal {other}"
        return "not enough units to complete a set"


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
    units = [(i, p.prices[i]) for i, n in enumerate(used) for _ in range(n)]
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
    ties by discount id, then the set's first line. Retailer mode takes one discount."""
    out: list[tuple[str, tuple[int, ...]]] = []
    while True:
        best: tuple[tuple[Decimal, str, int], Discount, tuple[int, ...]] | None = None
        for d in discounts:
            used = _greedy_set(d, p, counts, retailer)
            if used is None:
                continue
            amount = _value(d, used, p)
            if amount <= ZERO:
                continue
            first = next(i for i, n in enumerate(used) if n > 0)
            key = (-amount / sum(used), d.discount_id, first)
            if best is None or key < best[0]:
                best = (key, d, used)
        if best is None:
            return out
        _, d, used = best
        out.append((d.discount_id, used))
        for i, n in enumerate(used):
            counts[i] -= n


# --- entry point ------------------------------------------------------------------------


def _candidates(
    lines: Sequence[DiscountLine],
    blocked: set[tuple[str, str]],
    discounts: Sequence[Discount],
    inside: Callable[[Discount, DiscountLine], bool] | None = None,
) -> list[DiscountLine]:
    inside = inside or _in_scope
    out = []
    for line in lines:
        if not line.discountable or line.quantity <= ZERO:
            continue
        if line.quantity != line.quantity.to_integral_value():
            continue  # weighed / fractional quantities do not form sets
        if any((d.discount_id, line.line_id) not in blocked and inside(d, line) for d in discounts):
            out.append(line)
    return out


def _problem(
    discounts: Sequence[Discount],
    lines: Sequence[DiscountLine],
    blocked: set[tuple[str, str]],
    unit: Decimal,
    inside: Callable[[Discount, DiscountLine], bool] | None = None,
) -> _Problem:
    inside = inside or _in_scope
    groups: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {}
    for d in discounts:
        reach = [(d.discount_id, ln.line_id) not in blocked and inside(d, ln) for ln in lines]
        groups[d.discount_id] = tuple(
            (
                g.quantity,
                tuple(
                    i
                    for i, ln in enumerate(lines)
                    if reach[i] and g.admits(ln.item_id, ln.variant_id, ln.category_ids)
                ),
            )
            for g in d.line_groups
        )
    return _Problem(
        tuple(ln.line_id for ln in lines), tuple(ln.unit_price for ln in lines), unit, groups
    )


def _record(alloc: MixAllocation, d: Discount, used: tuple[int, ...], p: _Problem) -> None:
    units = _expand(used, p)
    amount = set_discount(d, [price for _, price in units], p.unit)
    per_unit = distribute(amount, _weights(d, units), p.unit)
    per_line: dict[int, Decimal] = {}
    for (i, _), part in zip(units, per_unit, strict=True):
        per_line[i] = per_line.get(i, ZERO) + part
    parts = tuple((p.line_ids[i], per_line[i]) for i in sorted(per_line))
    alloc.sets.append(
        MixSet(
            d.discount_id,
            tuple((p.line_ids[i], n) for i, n in enumerate(used) if n > 0),
            amount,
            parts,
        )
    )
    for i, n in enumerate(used):
        if n > 0:
            ids = alloc.used_by.setdefault(p.line_ids[i], [])
            if d.discount_id not in ids:
                ids.append(d.discount_id)
    for line_id, part in parts:
        key = (d.discount_id, line_id)
        alloc.shares[key] = alloc.shares.get(key, ZERO) + part


def allocate(
    discounts: Sequence[Discount],
    lines: Sequence[DiscountLine],
    unit: Decimal,
    blocked: set[tuple[str, str]] | None = None,
    idle: Mapping[int, int] | None = None,
    in_scope: Collection[tuple[str, str]] | None = None,
) -> MixAllocation:
    """Form the mix-and-match sets of a basket. `discounts` are the active mix-and-match
    discounts; `blocked` holds (discount id, line id) pairs whose line may not take part
    (the discount lost on that line to another discount). Independent of the line order.
    `idle[priority]` counts discounts of that priority the caller left out because no line
    of the basket is in their scope (see `discount_index`); they only count as search work.
    `in_scope`, if given, holds exactly the (discount id, line id) pairs whose `scope` is
    "in" (the caller computed them already)."""
    blocked = blocked or set()
    inside: Callable[[Discount, DiscountLine], bool]
    if in_scope is None:
        inside = _in_scope
    else:
        pairs = in_scope

        def inside(d: Discount, line: DiscountLine) -> bool:
            return (d.discount_id, line.line_id) in pairs

    candidates = _candidates(lines, blocked, discounts, inside)
    ordered = sorted(candidates, key=lambda ln: ln.line_id)
    counts = [int(ln.quantity) for ln in ordered]
    alloc = MixAllocation(priority_of={d.discount_id: d.priority for d in discounts})
    by_prio: dict[int, list[Discount]] = {}
    for d in discounts:
        by_prio.setdefault(d.priority, []).append(d)
    p = _problem(discounts, ordered, blocked, unit, inside)
    for prio in sorted(by_prio, reverse=True):
        group = sorted(by_prio[prio], key=lambda d: d.discount_id)
        for d in (d for d in group if d.favour_retailer):
            for _, used in _greedy([d], p, counts, retailer=True):
                _record(alloc, d, used, p)
        customer = [d for d in group if not d.favour_retailer]
        if not customer:
            continue
        reach = {i for d in customer for _, el in p.groups[d.discount_id] for i in el}
        local = tuple(counts[i] if i in reach else 0 for i in range(len(counts)))
        chosen: list[tuple[str, tuple[int, ...]]] | None = None
        if sum(local) <= EXACT_UNIT_LIMIT:
            try:
                extra = idle.get(prio, 0) if idle else 0
                chosen = list(_exact(customer, p, local, extra)[1])
                alloc.searches[prio] = "exact"
            except _BudgetExceeded:
                chosen = None
        if chosen is None:
            chosen = _greedy(customer, p, list(local), retailer=False)
            alloc.searches[prio] = "greedy"
        by_id = {d.discount_id: d for d in customer}
        for did, used in sorted(chosen, key=lambda c: (c[0], [-n for n in c[1]])):
            _record(alloc, by_id[did], used, p)
            for i, n in enumerate(used):
                counts[i] -= n
    return alloc
