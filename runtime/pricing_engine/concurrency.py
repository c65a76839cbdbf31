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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from runtime.money import HUNDRED, ZERO
from runtime.pricing_engine.discount_model import (
    Concurrency,
    Discount,
    DiscountKind,
    DiscountMethod,
)
from runtime.transaction import LineDiscount

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


@dataclass(frozen=True, slots=True)
class LostDiscount:
    """A discount that was considered for a line and did not apply, with the reason."""

    discount_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.discount_id}: {self.reason}"


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
    priorities: set[int] = field(default_factory=set)
    exclusive: str | None = None  # id of the exclusive discount that locked the line
    threshold_priority: int | None = None
    lost: list[LostDiscount] = field(default_factory=list)

    def apply(self, d: Discount, amount: Decimal) -> None:
        self.applied.append((d, amount))
        self.amount -= amount
        self.priorities.add(d.priority)
        if d.concurrency is _EXCL:
            self.exclusive = d.discount_id

    def lose(self, d: Discount, reason: str) -> None:
        self.lost.append(LostDiscount(d.discount_id, reason))


@dataclass(frozen=True, slots=True)
class _Offer:
    discount: Discount
    method: DiscountMethod
    value: Decimal
    fixed: Decimal | None = None  # a precomputed line amount (a mix-and-match share)

    @property
    def key(self) -> tuple[int, str]:
        return (self.method.order, self.discount.discount_id)


def round_amount(amount: Decimal, unit: Decimal) -> Decimal:
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


def _offer_amount(offer: _Offer, line: DiscountLine, base: Decimal, unit: Decimal) -> Decimal:
    """The rounded amount `offer` takes off a line whose remaining amount is `base`."""
    qty = line.quantity
    if offer.fixed is not None:
        return min(offer.fixed, base) if base > ZERO else ZERO
    if offer.method is DiscountMethod.PERCENT:
        raw = base * offer.value / HUNDRED
    elif offer.method is DiscountMethod.AMOUNT_OFF:
        raw = offer.value * qty
    else:
        raw = base - offer.value * qty
    raw = min(raw, base)
    return round_amount(raw, unit) if raw > ZERO else ZERO


def _best(scored: Iterable[tuple[Decimal, _Offer]]) -> list[tuple[Decimal, _Offer]]:
    return sorted(scored, key=lambda s: (-s[0], s[1].discount.discount_id))


def _stack(
    offers: Sequence[_Offer], line: DiscountLine, base: Decimal, unit: Decimal
) -> list[tuple[_Offer, Decimal]]:
    """Compound `offers` in method order on `base`; each amount rounded as it applies."""
    out: list[tuple[_Offer, Decimal]] = []
    for offer in sorted(offers, key=lambda o: o.key):
        amount = _offer_amount(offer, line, base, unit)
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


_OFFERS: dict[tuple[str, DiscountMethod, Decimal], _Offer] = {}


def _offer(d: Discount, method: DiscountMethod, value: Decimal) -> _Offer:
    """`_Offer(d, method, value)`; offers are immutable, so one instance is shared (a hit
    must hold the very same discount object)."""
    key = (d.discount_id, method, value)
    hit = _OFFERS.get(key)
    if hit is not None and hit.discount is d:
        return hit
    if len(_OFFERS) >= 100_000:
        _OFFERS.clear()
    offer = _OFFERS[key] = _Offer(d, method, value)
    return offer


def offers_for(state: LineState, discounts: Sequence[Discount]) -> dict[int, list[_Offer]]:
    """Non-threshold discounts that reach this line, by priority; misses go to `lost`."""
    line = state.line
    by_prio: dict[int, list[_Offer]] = {}
    for d in discounts:
        if d.kind is DiscountKind.SIMPLE:
            by_prio.setdefault(d.priority, []).append(_offer(d, d.method, d.value))
            continue
        tier = d.tier_for(abs(line.quantity))
        if tier is None:
            need = d.tiers[0].minimum if d.tiers else "?"
            state.lose(d, f"quantity tier not reached (qty {line.quantity} < {need})")
        else:
            by_prio.setdefault(d.priority, []).append(_offer(d, tier.method, tier.value))
    return by_prio


def _apply_exclusive(
    state: LineState, offers: list[_Offer], exclusive: list[_Offer], unit: Decimal
) -> bool:
    scored = _best((_offer_amount(o, state.line, state.amount, unit), o) for o in exclusive)
    amount, winner = scored[0]
    if amount <= ZERO:
        for o in exclusive:
            state.lose(o.discount, "no reduction on this line")
        return False
    state.apply(winner.discount, amount)
    wid = winner.discount.discount_id
    for other_amount, other in scored[1:]:
        state.lose(other.discount, f"exclusive discount {wid} gave more ({amount} >= "
                   f"{other_amount})")  # fmt: skip
    for o in offers:
        if o.discount.concurrency is not _EXCL:
            state.lose(o.discount, f"exclusive discount {wid} applied")
    return True


def apply_model_a(state: LineState, by_prio: dict[int, list[_Offer]], unit: Decimal) -> None:
    top: int | None = None
    for prio in sorted(by_prio, reverse=True):
        offers = by_prio[prio]
        if top is not None:
            for o in offers:
                state.lose(o.discount, f"lower priority ignored (priority {prio} < {top})")
            continue
        exclusive = [o for o in offers if o.discount.concurrency is _EXCL]
        if exclusive and _apply_exclusive(state, offers, exclusive, unit):
            top = prio
            continue
        line, base = state.line, state.amount
        singles = _best(
            (_offer_amount(o, line, base, unit), o)
            for o in offers
            if o.discount.concurrency is _BEST
        )
        stack = _stack([o for o in offers if o.discount.concurrency is _COMP], line, base, unit)
        stack_total = sum((a for _, a in stack), ZERO)
        single_total = singles[0][0] if singles else ZERO
        if stack_total <= ZERO and single_total <= ZERO:
            for o in offers:
                state.lose(o.discount, "no reduction on this line")
            continue
        top = prio
        if stack_total > single_total:
            for o, amount in stack:
                if amount > ZERO:
                    state.apply(o.discount, amount)
                else:
                    state.lose(o.discount, "no reduction on this line")
            for amount, o in singles:
                state.lose(o.discount, f"best price: compounded stack gave more "
                           f"({stack_total} > {amount})")  # fmt: skip
        else:
            amount, winner = singles[0]
            state.apply(winner.discount, amount)
            wid = winner.discount.discount_id
            for other_amount, o in singles[1:]:
                state.lose(o.discount, f"best price: {wid} gave more ({amount} >= "
                           f"{other_amount})")  # fmt: skip
            for o, _ in stack:
                state.lose(o.discount, f"best price: {wid} gave more than the compounded "
                           f"stack ({amount} >= {stack_total})")  # fmt: skip


def apply_model_b(state: LineState, by_prio: dict[int, list[_Offer]], unit: Decimal) -> None:
    for prio in sorted(by_prio, reverse=True):
        offers = by_prio[prio]
        if state.exclusive is not None:
            for o in offers:
                state.lose(o.discount, f"exclusive discount {state.exclusive} applied")
            continue
        exclusive = [o for o in offers if o.discount.concurrency is _EXCL]
        if exclusive:
            if state.applied:
                for o in exclusive:
                    state.lose(o.discount, "exclusive cannot join discounts applied at a "
                               "higher priority")  # fmt: skip
            elif _apply_exclusive(state, offers, exclusive, unit):
                continue
        others = [o for o in offers if o.discount.concurrency is not _EXCL]
        if not others:
            continue
        scored = _best((_offer_amount(o, state.line, state.amount, unit), o) for o in others)
        amount, winner = scored[0]
        if amount <= ZERO:
            for o in others:
                state.lose(o.discount, "no reduction on this line")
            continue
        state.apply(winner.discount, amount)
        wid = winner.discount.discount_id
        for other_amount, o in scored[1:]:
            state.lose(o.discount, f"one discount per priority {prio}: {wid} gave more "
                       f"({amount} >= {other_amount})")  # fmt: skip
