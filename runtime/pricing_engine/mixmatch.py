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
from decimal import Decimal

from runtime.money import ZERO, distribute
from runtime.pricing_engine.concurrency import DiscountLine
from runtime.pricing_engine.discount_model import Discount
from runtime.pricing_engine.mixmatch_search import (  # the search (see there)
    EXACT_NODE_BUDGET as EXACT_NODE_BUDGET,
)
from runtime.pricing_engine.mixmatch_search import (
    _BudgetExceeded,
    _exact,
    _expand,
    _greedy,
    _Problem,
    _weights,
    set_discount,
)
from runtime.pricing_engine.mixmatch_search import _value as _value  # (tests read it here)

EXACT_UNIT_LIMIT = 12  # candidate units of one priority searched exactly


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
    reach: dict[str, list[int]] = {}
    for d in discounts:
        reach[d.discount_id] = [
            i
            for i, ln in enumerate(lines)
            if (d.discount_id, ln.line_id) not in blocked and inside(d, ln)
        ]
    return _problem_from(discounts, lines, reach, unit)


def _problem_from(
    discounts: Sequence[Discount],
    lines: Sequence[DiscountLine],
    reach: Mapping[str, Sequence[int]],
    unit: Decimal,
) -> _Problem:
    """The problem, given per discount the (ascending) indexes of the lines it may use."""
    groups: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {}
    for d in discounts:
        usable = reach.get(d.discount_id, ())
        groups[d.discount_id] = tuple(
            (
                g.quantity,
                tuple(
                    i
                    for i in usable
                    if g.admits(lines[i].item_id, lines[i].variant_id, lines[i].category_ids)
                ),
            )
            for g in d.line_groups
        )
    return _Problem(
        tuple(ln.line_id for ln in lines), tuple(ln.unit_price for ln in lines), unit, groups
    )


def _paired(
    discounts: Sequence[Discount],
    lines: Sequence[DiscountLine],
    blocked: set[tuple[str, str]],
    unit: Decimal,
    pairs: Collection[tuple[str, str]],
) -> tuple[list[DiscountLine], _Problem]:
    """`_candidates` (in line-id order) and `_problem` when the (discount id, line id) pairs
    whose scope is "in" are known: straight from the pairs, no scope checks."""
    ids = {d.discount_id for d in discounts}
    by_line: dict[str, list[str]] = {}
    for pair in pairs:
        if pair[0] in ids and pair not in blocked:
            by_line.setdefault(pair[1], []).append(pair[0])
    ordered = sorted(
        (
            line
            for line in lines
            if line.line_id in by_line
            and line.discountable
            and line.quantity > ZERO
            and line.quantity == line.quantity.to_integral_value()
        ),
        key=lambda ln: ln.line_id,
    )
    reach: dict[str, list[int]] = {}
    for i, line in enumerate(ordered):
        for did in by_line[line.line_id]:
            reach.setdefault(did, []).append(i)
    return ordered, _problem_from(discounts, ordered, reach, unit)


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
    if in_scope is None:
        candidates = _candidates(lines, blocked, discounts)
        ordered = sorted(candidates, key=lambda ln: ln.line_id)
        p = _problem(discounts, ordered, blocked, unit)
    else:
        ordered, p = _paired(discounts, lines, blocked, unit, in_scope)
    counts = [int(ln.quantity) for ln in ordered]
    alloc = MixAllocation(priority_of={d.discount_id: d.priority for d in discounts})
    by_prio: dict[int, list[Discount]] = {}
    for d in discounts:
        by_prio.setdefault(d.priority, []).append(d)
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
