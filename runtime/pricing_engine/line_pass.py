"""One line's non-threshold discounts: the line's plan, then the concurrency rules.

A `LinePlan` holds everything about a line's discounts that does not depend on the line's
quantity or price: the discounts lost whatever happens (excluded, inactive), the offers of
simple discounts grouped by priority, the quantity discounts (whose tier depends on the
quantity) and the mix-and-match discounts that reach the line. `run_plan` then applies the
concurrency model to one line. Both the indexed and the unindexed evaluation (see
`discounts`) build plans, so they share this one implementation of the rules.

Mix-and-match shares (see `mixmatch`) of different deals on one line come from different
units, so they do not compete with each other: those of one priority and concurrency mode
travel as one offer (under the first deal's id), split back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from runtime.money import ZERO, distribute
from runtime.pricing_engine import mixmatch
from runtime.pricing_engine.concurrency import (
    DiscountLine,
    Interned,
    LineDiscounts,
    LineState,
    LostDiscount,
    _Offer,
    apply_model_a,
    apply_model_b,
    lose_as,
    mix_offer,
)
from runtime.pricing_engine.discount_model import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountKind,
)
from runtime.transaction import LineDiscount

EXCLUDED_REASON = "excluded (exclusions beat inclusions)"
_PAID_UNIT = "paid unit of a set (the deal's discount is on the set's other units)"


class QuantityEntry:
    """A quantity discount's offers per tier: (minimum, offer), tiers strictly increasing."""

    __slots__ = ("discount", "discount_id", "need", "tiers")

    def __init__(self, discount: Discount, tiers: tuple[tuple[Decimal, _Offer], ...]) -> None:
        self.discount = discount
        self.discount_id = discount.discount_id
        self.tiers = tiers
        # the end of the reason "quantity tier not reached (qty 1 < 2)" (see `run_plan`)
        self.need = f" < {discount.tiers[0].minimum if discount.tiers else '?'})"

    def pick(self, quantity: Decimal) -> _Offer | None:
        """`Discount.tier_for(quantity)` as an offer: the highest tier reached."""
        found: _Offer | None = None
        for minimum, offer in self.tiers:
            if quantity >= minimum:
                found = offer
        return found


Entry = _Offer | QuantityEntry
# (priority, entries in evaluation order, whether some entry is a quantity discount)
PlanGroup = tuple[int, tuple[Entry, ...], bool]


class LinePlan:
    """What a line's discounts are, independent of its quantity and price (see module)."""

    __slots__ = ("_reach", "groups", "lost0", "mix_positions", "mixes", "thresholds")

    def __init__(
        self,
        reach: Callable[[], list[Discount]],
        lost0: tuple[LostDiscount, ...],
        groups: tuple[PlanGroup, ...],
        mixes: Sequence[Discount],
        mix_positions: Sequence[int],
        thresholds: Sequence[tuple[int, str]],
    ) -> None:
        # lost whatever the line: excluded first, then inactive ones that reach the line
        self._reach = reach  # see `reach`
        self.lost0 = lost0
        self.groups = groups  # simple and quantity discounts, highest priority first
        self.mixes = mixes  # mix-and-match discounts whose scope is "in"
        self.mix_positions = mix_positions  # their positions in the index (indexed path)
        self.thresholds = thresholds  # active thresholds not "out": (position, scope)

    def reach(self) -> list[Discount]:
        """The active non-threshold discounts whose scope is "in", in evaluation order
        (worked out again when asked: only a line that takes no discount needs it)."""
        return self._reach()


def plan_groups(entries: Sequence[tuple[int, Entry]]) -> tuple[PlanGroup, ...]:
    """(priority, entry) pairs in evaluation order (priority descending) as plan groups."""
    out: list[PlanGroup] = []
    start = 0
    for i in range(1, len(entries) + 1):
        if i == len(entries) or entries[i][0] != entries[start][0]:
            found = tuple(e for _, e in entries[start:i])
            out.append((entries[start][0], found,
                        any(type(e) is QuantityEntry for e in found)))  # fmt: skip
            start = i
    return tuple(out)


def offer_entry(d: Discount) -> Entry:
    """A simple or quantity discount's offers (immutable, so built once per discount)."""
    if d.kind is DiscountKind.SIMPLE:
        return _Offer(d, d.method, d.value)
    return QuantityEntry(d, tuple((t.minimum, _Offer(d, t.method, t.value)) for t in d.tiers))


def run_plan(
    plan: LinePlan,
    line: DiscountLine,
    model: ConcurrencyModel,
    unit: Decimal,
    alloc: mixmatch.MixAllocation | None,
    blocked: dict[tuple[str, str], str],
    memo: Interned | None = None,
) -> LineState:
    """The line's state after its non-threshold discounts, with mix-and-match shares from
    `alloc` (None: the line is in no mix-and-match scope). `memo`: see `Interned`."""
    memo = {} if memo is None else memo
    qty = line.quantity
    lost = list(plan.lost0)
    state = LineState(line, line.unit_price * qty, [], None, None, lost)
    if not line.discountable or qty <= ZERO:
        lost.extend(LostDiscount(d.discount_id, "line not discountable") for d in plan.reach())
        return state
    groups: list[tuple[int, Sequence[_Offer]]] = []
    qty_text: str | None = None
    for prio, entries, has_quantity in plan.groups:
        if not has_quantity:
            groups.append((prio, entries))  # type: ignore[arg-type]  # offers only
            continue
        offers: list[_Offer] = []
        for e in entries:
            if type(e) is _Offer:
                offers.append(e)
                continue
            assert isinstance(e, QuantityEntry)
            offer = e.pick(qty)  # (qty > 0 here: its abs)
            if offer is None:
                if qty_text is None:
                    qty_text = f"quantity tier not reached (qty {qty}"
                lose_as(lost, (e.discount_id,), qty_text + e.need, memo)
            else:
                offers.append(offer)
        if offers:
            groups.append((prio, offers))
    proxies: dict[str, list[tuple[Discount, Decimal]]] = {}
    if alloc is not None and plan.mixes:
        groups, proxies = _mix_offers(state, plan.mixes, alloc, blocked, groups)
    if model is ConcurrencyModel.WITHIN_PRIORITY:
        apply_model_a(state, groups, unit, memo)
    else:
        apply_model_b(state, groups, unit, memo)
    if proxies:
        _expand_proxies(state, proxies, unit)
    return state


def _mix_offers(
    state: LineState,
    mixes: Sequence[Discount],
    alloc: mixmatch.MixAllocation,
    blocked: dict[tuple[str, str], str],
    groups: list[tuple[int, Sequence[_Offer]]],
) -> tuple[list[tuple[int, Sequence[_Offer]]], dict[str, list[tuple[Discount, Decimal]]]]:
    """The line's mix-and-match shares added to `groups` (after the offers of their
    priority), one offer per priority and concurrency mode; the pooled members by offer."""
    line_id = state.line.line_id
    pools: dict[tuple[int, Concurrency], list[tuple[Discount, Decimal]]] = {}
    for d in mixes:
        key = (d.discount_id, line_id)
        share = alloc.shares.get(key)
        if share is None:
            state.lose(d, blocked.get(key) or alloc.reason(d, line_id))
        else:
            pools.setdefault((d.priority, d.concurrency), []).append((d, share))
    proxies: dict[str, list[tuple[Discount, Decimal]]] = {}
    if not pools:
        return groups, proxies
    by_prio: dict[int, list[_Offer]] = {prio: list(offers) for prio, offers in groups}
    for members in pools.values():
        head = members[0][0]
        offer = mix_offer(head, sum((s for _, s in members), ZERO))
        by_prio.setdefault(head.priority, []).append(offer)
        proxies[head.discount_id] = members
    return sorted(by_prio.items(), key=lambda kv: -kv[0]), proxies


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


def lost_shares(
    states: Sequence[LineState], alloc: mixmatch.MixAllocation
) -> dict[tuple[str, str], str]:
    """(discount id, line id) -> reason, for mix-and-match shares that lost on their line."""
    out: dict[tuple[str, str], str] = {}
    shares = alloc.shares
    for s in states:
        applied: set[str] | None = None
        line_id = s.line.line_id
        for lost in s.lost:
            key = (lost.discount_id, line_id)
            if key in shares and lost.reason != _PAID_UNIT:
                if applied is None:
                    applied = {d.discount_id for d, _ in s.applied}
                if key[0] not in applied:
                    out[key] = lost.reason
    return out


def line_result(s: LineState) -> LineDiscounts:
    """One line's result; reuses what its snapshot (`s.done`) already holds of it: the
    applied discounts as shown, and the last result if the thresholds added exactly the
    same this time (amounts compared with their exponents: the output shows them)."""
    snap = s.done
    if snap is None:
        return LineDiscounts(
            s.line.line_id,
            tuple(LineDiscount(d.discount_id, d.name, d.kind._value_, a) for d, a in s.applied),
            tuple(s.lost),
        )
    n_applied, n_lost = len(snap.applied), len(snap.lost)
    if len(s.applied) == n_applied and len(s.lost) == n_lost:
        done = snap.result
        if done is None:
            done = snap.result = LineDiscounts(s.line.line_id, snap.shown, snap.lost)
        return done
    more_applied, more_lost = s.applied[n_applied:], s.lost[n_lost:]
    last = snap.last
    if last is not None and last[1] == more_lost and _same(last[0], more_applied):
        return last[2]
    done = LineDiscounts(
        s.line.line_id,
        snap.shown + tuple(LineDiscount(d.discount_id, d.name, d.kind._value_, a)
                           for d, a in more_applied),  # fmt: skip
        snap.lost + tuple(more_lost),
    )
    snap.last = (more_applied, more_lost, done)
    return done


def _same(
    before: Sequence[tuple[Discount, Decimal]], now: Sequence[tuple[Discount, Decimal]]
) -> bool:
    """The same discounts with the same amounts, exponents included."""
    return len(before) == len(now) and all(
        d is e and a.compare_total(b) == ZERO for (d, a), (e, b) in zip(before, now, strict=True)
    )


def result(states: Sequence[LineState]) -> dict[str, LineDiscounts]:
    return {s.line.line_id: line_result(s) for s in states}
