"""Discount evaluation: which discounts apply to which line, in what order, for how much.

Rules, from the Dynamics 365 Commerce article "Apply multiple Retail discounts to a product"
(learn.microsoft.com/dynamics365/commerce/apply-multiple-retail-discounts) and the pricing
settings article (learn.microsoft.com/dynamics365/commerce/price-settings):

- Non-threshold discounts (simple, quantity) first, priority by priority from the highest;
  threshold discounts last, again from the highest priority.
- Within a priority, exclusive discounts first: the best exclusive applies and "no other
  discounts can be applied to this product at any priority".
- On one line a compound stack applies unit price first, then amounts, then percentages
  (retail blog "effective discount method for compound ordering"); ties by discount id.
- Model A, `WITHIN_PRIORITY` (default): the compounded discounts of one priority compound and
  the stack competes with the best single best-price discount of that priority; once a
  discount applies to a line, lower priorities are ignored for that line. A compound
  threshold compounds on a line whose discounts are all compounded; a best-price or
  exclusive threshold only reaches undiscounted lines; a best-price line gets no threshold.
- Model B, `ACROSS_PRIORITIES`: compounded discounts are treated as best price, so one
  discount wins per priority, and the winners compound across priorities. An exclusive
  discount cannot join discounts applied at a higher priority. A threshold discount only
  reaches lines with no discount at its own priority.
- Every discount amount is rounded half-up to the currency unit when it is applied, and the
  next discount compounds on what is left. This is what the D365 worked example does:

  Prod1 at $10; priority 10: C1 $1 off compounded, C2 10% compounded, BP1 15% best price;
  priority 5: C3 25% compounded, BP2 20% best price, C4 10% compounded threshold.
  Model A: stack C1 then C2 = 1.00 + 0.90 = 1.90 beats BP1 1.50 -> 8.10; priority 5 is
  ignored; threshold C4 compounds: 8.10 x 10% = 0.81 -> **7.29**.
  Model B: priority 10 has one winner, BP1 1.50 (C1 1.00, C2 1.00) -> 8.50; priority 5:
  C3 8.50 x 25% = 2.125 -> 2.13 beats BP2 1.70 -> **6.37**; threshold C4 (priority 5) is
  ignored because the line already has a discount at priority 5.

Thresholds: see `thresholds`; the entry point is `discounts.evaluate_discounts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import NamedTuple

from runtime.money import HUNDRED, ZERO
from runtime.pricing_engine.discount_model import Concurrency, Discount, DiscountMethod
from runtime.transaction import LineDiscount

_NO_REDUCTION = "no reduction on this line"
_CANNOT_JOIN = "exclusive cannot join discounts applied at a higher priority"
_EXCL = Concurrency.EXCLUSIVE
_BEST = Concurrency.BEST_PRICE
_COMP = Concurrency.COMPOUNDED


@dataclass(frozen=True, slots=True)
class DiscountLine:
    """What evaluation needs about one line: its product scope, quantity and exact price."""

    line_id: str
    item_id: str
    quantity: Decimal
    unit_price: Decimal
    variant_id: str | None = None
    category_ids: tuple[str, ...] = ()
    discountable: bool = True


class LostDiscount(NamedTuple):
    """A discount that was considered for a line and did not apply, with the reason. A
    named tuple: a line collects a dozen of these per reprice, so they must be cheap."""

    discount_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.discount_id}: {self.reason}"


# `_lost((discount id, reason))` is `LostDiscount(discount id, reason)` without the named
# tuple's Python-level `__new__`: the form the hot loops use
_lost: Callable[[tuple[str, str]], LostDiscount] = partial(tuple.__new__, LostDiscount)

# reason -> discount id -> the one `LostDiscount` an evaluation uses for that pair: most
# reasons ("lower priority ignored (priority 0 < 10)") recur on line after line, so one
# immutable entry serves them all (fewer objects to build, and for the collector to walk)
Interned = dict[str, dict[str, LostDiscount]]


def lose_as(lost: list[LostDiscount], ids: Iterable[str], reason: str, memo: Interned) -> None:
    """Append `LostDiscount(id, reason)` for each of `ids`, interned in `memo`."""
    known = memo.get(reason)
    if known is None:
        known = memo[reason] = {}
    for did in ids:
        entry = known.get(did)
        if entry is None:
            entry = known[did] = _lost((did, reason))
        lost.append(entry)


@dataclass(frozen=True, slots=True)
class LineDiscounts:
    """The discounts applied to one line (in application order) and those that lost."""

    line_id: str
    applied: tuple[LineDiscount, ...] = ()
    lost: tuple[LostDiscount, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((d.amount for d in self.applied), ZERO)


@dataclass(slots=True)
class LineState:
    line: DiscountLine
    amount: Decimal  # what is left to discount, exact until the first rounded discount
    applied: list[tuple[Discount, Decimal]] = field(default_factory=list)
    exclusive: str | None = None  # id of the exclusive discount that locked the line
    threshold_priority: int | None = None
    lost: list[LostDiscount] = field(default_factory=list)
    # the line pass this state was cached as or restored from (see `indexed`); the
    # threshold pass only appends to `applied` and `lost`, so it stays a valid prefix
    done: LineSnapshot | None = None

    def apply(self, d: Discount, amount: Decimal) -> None:
        self.applied.append((d, amount))
        self.amount -= amount
        if d.concurrency is _EXCL:
            self.exclusive = d.discount_id

    def lose(self, d: Discount, reason: str) -> None:
        self.lost.append(LostDiscount(d.discount_id, reason))


class LineSnapshot:
    """A line's state after its non-threshold discounts, kept for the next reprice: what
    `LineState` holds, the applied discounts as a result shows them, and the line's last
    whole results (see `line_pass.line_result`)."""

    __slots__ = ("amount", "applied", "exclusive", "last", "lost", "result", "shown")

    def __init__(self, state: LineState) -> None:
        self.amount = state.amount
        self.applied = tuple(state.applied)
        self.exclusive = state.exclusive
        self.lost = tuple(state.lost)
        self.shown = tuple(LineDiscount(d.discount_id, d.name, d.kind._value_, a)
                           for d, a in state.applied)  # fmt: skip
        self.result: LineDiscounts | None = None
        # the last result with more (thresholds) on top: (applied added, lost added, result)
        self.last: tuple[list[tuple[Discount, Decimal]], list[LostDiscount], LineDiscounts] | None
        self.last = None

    def restore(self, line: DiscountLine) -> LineState:
        return LineState(line, self.amount, list(self.applied), self.exclusive, None,
                         list(self.lost), self)  # fmt: skip


_FIXED, _PERCENT, _AMOUNT, _UNIT_PRICE = range(4)
_HOW = {DiscountMethod.PERCENT: _PERCENT, DiscountMethod.AMOUNT_OFF: _AMOUNT,
        DiscountMethod.UNIT_PRICE: _UNIT_PRICE}  # fmt: skip


class _Offer:
    """One discount's claim on a line: a method and value, or a precomputed amount (a
    mix-and-match share). Immutable; what the hot loops read is precomputed here."""

    __slots__ = ("concurrency", "discount", "discount_id", "fixed", "how", "key", "method",
                 "value")  # fmt: skip

    def __init__(
        self, discount: Discount, method: DiscountMethod, value: Decimal,
        fixed: Decimal | None = None,
    ) -> None:  # fmt: skip
        self.discount = discount
        self.method = method
        self.value = value
        self.fixed = fixed
        self.discount_id = discount.discount_id
        self.concurrency = discount.concurrency
        self.how = _HOW[method] if fixed is None else _FIXED
        self.key = (method.order, discount.discount_id)  # compounding order


def round_amount(amount: Decimal, unit: Decimal) -> Decimal:
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


def _offer_amount(offer: _Offer, qty: Decimal, base: Decimal, unit: Decimal) -> Decimal:
    """The rounded amount `offer` takes off a line of quantity `qty` whose remaining amount
    is `base`."""
    how = offer.how
    if how == _FIXED:
        fixed = offer.fixed
        assert fixed is not None
        return min(fixed, base) if base > ZERO else ZERO
    if how == _PERCENT:
        raw = base * offer.value / HUNDRED
    elif how == _AMOUNT:
        raw = offer.value * qty
    else:
        raw = base - offer.value * qty
    raw = min(raw, base)
    return raw.quantize(unit, rounding=ROUND_HALF_UP) if raw > ZERO else ZERO


def _score(s: tuple[Decimal, _Offer]) -> tuple[Decimal, str]:
    return (-s[0], s[1].discount_id)


def _best(scored: Iterable[tuple[Decimal, _Offer]]) -> list[tuple[Decimal, _Offer]]:
    return sorted(scored, key=_score)


def _stack_key(o: _Offer) -> tuple[int, str]:
    return o.key


def _stack(
    offers: Sequence[_Offer], qty: Decimal, base: Decimal, unit: Decimal
) -> list[tuple[_Offer, Decimal]]:
    """Compound `offers` in method order on `base`; each amount rounded as it applies."""
    out: list[tuple[_Offer, Decimal]] = []
    for offer in sorted(offers, key=_stack_key) if len(offers) > 1 else offers:
        amount = _offer_amount(offer, qty, base, unit)
        out.append((offer, amount))
        base -= amount
    return out


def mix_offer(d: Discount, share: Decimal) -> _Offer:
    """A mix-and-match discount's precomputed share of one line, as an offer. It compounds
    in its deal's place: deal price with unit prices, amount off with amounts, percent and
    least expensive with percentages; the share itself is fixed (capped at what is left)."""
    deal = d.deal.value
    method = {"deal_price": DiscountMethod.UNIT_PRICE, "amount_off": DiscountMethod.AMOUNT_OFF}
    return _Offer(d, method.get(deal, DiscountMethod.PERCENT), d.value, share)


Groups = Sequence[tuple[int, Sequence[_Offer]]]  # (priority, offers), highest priority first


def _ids(offers: Iterable[_Offer]) -> list[str]:
    return [o.discount_id for o in offers]


def _apply_exclusive(
    state: LineState,
    offers: Sequence[_Offer],
    exclusive: list[_Offer],
    unit: Decimal,
    memo: Interned,
) -> bool:
    qty, base, lost = state.line.quantity, state.amount, state.lost
    scored = _best([(_offer_amount(o, qty, base, unit), o) for o in exclusive])
    amount, winner = scored[0]
    if amount <= ZERO:
        lose_as(lost, _ids(exclusive), _NO_REDUCTION, memo)
        return False
    state.apply(winner.discount, amount)
    wid = winner.discount_id
    for other_amount, other in scored[1:]:
        lost.append(LostDiscount(other.discount_id, f"exclusive discount {wid} gave more "
                                 f"({amount} >= {other_amount})"))  # fmt: skip
    others = [o.discount_id for o in offers if o.concurrency is not _EXCL]
    lose_as(lost, others, f"exclusive discount {wid} applied", memo)
    return True


def apply_model_a(
    state: LineState, groups: Groups, unit: Decimal, memo: Interned | None = None
) -> None:
    """Model A on one line; `groups` hold the offers by priority, highest first; `memo`
    (see `Interned`) may be shared by the lines of one evaluation."""
    memo = {} if memo is None else memo
    lost = state.lost
    qty = state.line.quantity
    top: int | None = None
    for prio, offers in groups:
        if top is not None:
            reason = f"lower priority ignored (priority {prio} < {top})"
            lose_as(lost, _ids(offers), reason, memo)
            continue
        exclusive = [o for o in offers if o.concurrency is _EXCL]
        if exclusive and _apply_exclusive(state, offers, exclusive, unit, memo):
            top = prio
            continue
        base = state.amount
        singles = [(_offer_amount(o, qty, base, unit), o) for o in offers if o.concurrency is _BEST]
        if len(singles) > 1:
            singles.sort(key=_score)
        stack = _stack([o for o in offers if o.concurrency is _COMP], qty, base, unit)
        stack_total = sum([a for _, a in stack], ZERO)
        single_total = singles[0][0] if singles else ZERO
        if stack_total <= ZERO and single_total <= ZERO:
            lose_as(lost, _ids(offers), _NO_REDUCTION, memo)
            continue
        top = prio
        if stack_total > single_total:
            for o, amount in stack:
                if amount > ZERO:
                    state.apply(o.discount, amount)
                else:
                    lose_as(lost, (o.discount_id,), _NO_REDUCTION, memo)
            for amount, o in singles:
                lost.append(_lost((o.discount_id, f"best price: compounded stack gave more "
                                   f"({stack_total} > {amount})")))  # fmt: skip
        else:
            amount, winner = singles[0]
            state.apply(winner.discount, amount)
            wid = winner.discount_id
            for other_amount, o in singles[1:]:
                lost.append(_lost((o.discount_id, f"best price: {wid} gave more ({amount} >= "
                                   f"{other_amount})")))  # fmt: skip
            if stack:
                reason = (f"best price: {wid} gave more than the compounded stack ({amount} "
                          f">= {stack_total})")  # fmt: skip
                for o, _ in stack:
                    lost.append(_lost((o.discount_id, reason)))


def apply_model_b(
    state: LineState, groups: Groups, unit: Decimal, memo: Interned | None = None
) -> None:
    """Model B on one line; `groups` hold the offers by priority, highest first; `memo`
    (see `Interned`) may be shared by the lines of one evaluation."""
    memo = {} if memo is None else memo
    lost = state.lost
    for prio, offers in groups:
        if state.exclusive is not None:
            reason = f"exclusive discount {state.exclusive} applied"
            lose_as(lost, _ids(offers), reason, memo)
            continue
        exclusive = [o for o in offers if o.concurrency is _EXCL]
        if exclusive:
            if state.applied:
                lose_as(lost, _ids(exclusive), _CANNOT_JOIN, memo)
            elif _apply_exclusive(state, offers, exclusive, unit, memo):
                continue
        others = [o for o in offers if o.concurrency is not _EXCL]
        if not others:
            continue
        qty, base = state.line.quantity, state.amount
        scored = _best([(_offer_amount(o, qty, base, unit), o) for o in others])
        amount, winner = scored[0]
        if amount <= ZERO:
            lose_as(lost, _ids(others), _NO_REDUCTION, memo)
            continue
        state.apply(winner.discount, amount)
        wid = winner.discount_id
        for other_amount, o in scored[1:]:
            lost.append(LostDiscount(o.discount_id, f"one discount per priority {prio}: {wid} "
                                     f"gave more ({amount} >= {other_amount})"))  # fmt: skip
