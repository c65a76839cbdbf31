"""Price resolution: trade agreement (or fallback) price, then the best price adjustment.

Rules, from the Dynamics 365 Commerce article "Retail sales price management" unless noted:
- Pricing priority: "A larger pricing priority number is evaluated before a lower pricing
  priority number"; once a price is found at a priority, lower ones are ignored. An agreement
  attached to a price group has that group's priority; customer and ALL agreements have 0.
- Search order of the nine item x account combinations, from the AX 2012 "Activate
  price/discount" form: customer x (item, item group, all items), then price group x (...),
  then all customers x (...). Within one combination the most specific variant comes first
  ("from the most-specific variant price to the least-specific variant price to the product
  master price"), then the higher quantity break, then the agreement id.
- Find next: "if the Find next option is set to Yes, the lowest price that is found ... is
  used"; "if set to No, the first trade agreement price that is found is used". We walk the
  matches in search order and stop after the first one whose find next is off; the lowest
  price among those visited wins (ties: the one found first).
- No agreement: the trade-agreement price equals the base price; here that is exactly what
  `BasePriceService` charges (dated sales price > variant price > base price), so nothing
  regresses.
- Adjustments: "the active price is calculated by taking the trade agreement price and
  applying the largest price adjustment"; a unit-price adjustment "is applied only if the
  adjusted price is less"; the active price is never above the trade-agreement price.
  Adjustments carry their own pricing priority (prices and adjustments are prioritised
  independently of discounts); the highest priority with an applicable adjustment wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import chain

from runtime.pricing_engine.model import (
    AccountCode,
    Considered,
    ItemCode,
    PriceAdjustment,
    PriceBook,
    PriceRequest,
    PriceResolution,
    TradeAgreement,
)

_TA = "trade agreement"
_ADJ = "price adjustment"


def _mismatch(ta: TradeAgreement, req: PriceRequest, quantity: Decimal) -> str | None:
    """Why an agreement on the right item and account still does not apply, or None."""
    if ta.variant_id is not None and ta.variant_id != req.variant_id:
        return "other variant"
    if ta.dimensions and not all((k, v) in req.dimensions for k, v in ta.dimensions.items()):
        return "other variant dimensions"
    if ta.currency != req.currency:
        return f"wrong currency ({ta.currency})"
    if ta.unit != req.unit:
        return f"wrong unit ({ta.unit})"
    if not ta.active_on(req.day):
        return "outside dates"
    if not ta.quantity_fits(quantity):
        if quantity < ta.from_quantity:
            return f"quantity break not reached (qty >= {ta.from_quantity})"
        return f"quantity above break (qty < {ta.to_quantity})"
    return None


def describe_agreement(ta: TradeAgreement, group_names: dict[str, str]) -> str:
    """A short sentence naming the agreement, its relations and its limits."""
    if ta.item_code is ItemCode.ITEM:
        parts = [f"item {ta.item_relation}"]
    elif ta.item_code is ItemCode.ITEM_GROUP:
        parts = [f"item group {ta.item_relation}"]
    else:
        parts = ["all items"]
    if ta.variant_id is not None:
        parts.append(f"variant {ta.variant_id}")
    elif ta.dimensions:
        parts.append(" ".join(f"{k}={ta.dimensions[k]}" for k in sorted(ta.dimensions)))
    if ta.account_code is AccountCode.CUSTOMER:
        parts.append(f"customer {ta.account_relation}")
    elif ta.account_code is AccountCode.PRICE_GROUP:
        rel = ta.account_relation or ""
        parts.append(f"price group {group_names.get(rel) or rel}")
    else:
        parts.append("all customers")
    if ta.from_quantity:
        parts.append(f"qty >= {ta.from_quantity}")
    if ta.to_quantity:
        parts.append(f"qty < {ta.to_quantity}")
    return f"{_TA} {ta.agreement_id} ({', '.join(parts)})"


def _applies(ta: TradeAgreement, req: PriceRequest, quantity: Decimal) -> bool:
    """The fast yes/no form of `_mismatch` (the hot path of a basket reprice)."""
    if ta.currency != req.currency or ta.unit != req.unit:
        return False
    vf, vt, day = ta.valid_from, ta.valid_to, req.day
    if (vf is not None and day < vf) or (vt is not None and vt < day):
        return False
    upper = ta.to_quantity
    if quantity < ta.from_quantity or (upper and quantity >= upper):
        return False
    if ta.variant_id is not None and ta.variant_id != req.variant_id:
        return False
    return not ta.dimensions or all((k, v) in req.dimensions for k, v in ta.dimensions.items())


def _item_levels(req: PriceRequest, book: PriceBook) -> list[tuple[ItemCode, str]]:
    """Item, item group, all items: those some agreement of the book names."""
    item_levels: list[tuple[ItemCode, str]] = [(ItemCode.ITEM, req.item_id)]
    if req.item_group:
        item_levels.append((ItemCode.ITEM_GROUP, req.item_group))
    item_levels.append((ItemCode.ALL_ITEMS, ""))
    known = book.item_relations
    return [level for level in item_levels if level in known]


def _levels(
    req: PriceRequest, groups: list[str], prio: int, item_levels: list[tuple[ItemCode, str]]
) -> Iterator[list[tuple[ItemCode, str, AccountCode, str]]]:
    """The nine combinations in search order, restricted to accounts of one priority (and
    to `item_levels`: a level no agreement names finds nothing)."""
    if prio == 0 and req.customer_id:
        for ic, ir in item_levels:
            yield [(ic, ir, AccountCode.CUSTOMER, req.customer_id)]
    if groups:
        for ic, ir in item_levels:
            yield [(ic, ir, AccountCode.PRICE_GROUP, g) for g in groups]
    if prio == 0:
        for ic, ir in item_levels:
            yield [(ic, ir, AccountCode.ALL_CUSTOMERS, "")]


def _matches_at(
    book: PriceBook,
    req: PriceRequest,
    groups: list[str],
    prio: int,
    notes: list[Considered] | None,
    item_levels: list[tuple[ItemCode, str]],
) -> Iterator[TradeAgreement]:
    """Applicable agreements of one priority, lazily, in search order; misfits go to notes."""
    quantity = abs(req.quantity)
    get = book.agreements.get
    for level in _levels(req, groups, prio, item_levels):
        lists = [found for key in level if (found := get(key))]
        if not lists:
            continue
        candidates = lists[0] if len(lists) == 1 else sorted(chain(*lists), key=_order)
        for ta in candidates:
            if _applies(ta, req, quantity):
                yield ta
            elif notes is not None:
                reason = _mismatch(ta, req, quantity) or "not applicable"
                notes.append(Considered(_TA, ta.agreement_id, reason, ta.price))


def _order(ta: TradeAgreement) -> tuple[int, Decimal, str]:
    return (-ta.specificity, -ta.from_quantity, ta.agreement_id)


def _find_agreement(
    book: PriceBook,
    req: PriceRequest,
    priorities: dict[str, int],
    notes: list[Considered] | None,
) -> TradeAgreement | None:
    """The winning agreement, or None; with `notes`, every loser and why it lost.

    Priorities are visited from the highest; the first priority with a match decides, and
    within it the walk stops after the first match without find next.
    """
    item_levels = _item_levels(req, book)
    if not item_levels:
        return None  # no agreement names the item, its group or all items
    best: TradeAgreement | None = None
    top = 0
    by_prio: dict[int, list[str]] = {0: []}
    for group_id, group_prio in priorities.items():
        by_prio.setdefault(group_prio, []).append(group_id)
    for prio in sorted(by_prio, reverse=True):
        groups = by_prio[prio]
        if best is not None:
            if notes is None:
                break
            for ta in _matches_at(book, req, groups, prio, notes, item_levels):
                why = f"lower priority ignored (priority {prio} < {top})"
                notes.append(Considered(_TA, ta.agreement_id, why, ta.price))
            continue
        visited: list[TradeAgreement] = []
        stopper: str | None = None
        for ta in _matches_at(book, req, groups, prio, notes, item_levels):
            if stopper is not None:
                assert notes is not None
                why = f"not searched: {stopper} was found first without find next"
                notes.append(Considered(_TA, ta.agreement_id, why, ta.price))
                continue
            visited.append(ta)
            if best is None or ta.price < best.price:
                best = ta
            if not ta.find_next:
                stopper = ta.agreement_id
                if notes is None:
                    break
        if best is not None:
            top = prio
            if notes is not None:
                for ta in visited:
                    if ta is not best:
                        why = "higher price" if ta.price > best.price else "same price, found later"
                        notes.append(Considered(_TA, ta.agreement_id, why, ta.price))
    return best


def _adjustment_mismatch(
    adj: PriceAdjustment, req: PriceRequest, priorities: dict[str, int]
) -> str | None:
    if not any(g in priorities for g in adj.price_group_ids):
        return "price group not active here"
    if not adj.active_on(req.day):
        return "outside dates"
    if adj.currency is not None and adj.currency != req.currency:
        return f"wrong currency ({adj.currency})"
    if adj.unit is not None and adj.unit != req.unit:
        return f"wrong unit ({adj.unit})"
    return None


def _find_adjustment(
    book: PriceBook,
    req: PriceRequest,
    price: Decimal,
    priorities: dict[str, int],
    notes: list[Considered] | None,
) -> tuple[PriceAdjustment, Decimal] | None:
    """The adjustment giving the largest reduction at the top adjustment priority."""
    if not book.adjustments:
        return None
    keys = [("item", req.item_id)]
    if req.variant_id:
        keys.append(("variant", req.variant_id))
    keys.extend(("category", c) for c in req.category_ids)
    found: dict[str, PriceAdjustment] = {}
    for key in keys:
        for adj in book.adjustments.get(key, ()):
            found.setdefault(adj.adjustment_id, adj)
    if not found:
        return None
    applicable: list[PriceAdjustment] = []
    for adj in sorted(found.values(), key=lambda a: a.adjustment_id):
        reason = _adjustment_mismatch(adj, req, priorities)
        if reason is None:
            applicable.append(adj)
        elif notes is not None:
            notes.append(Considered(_ADJ, adj.adjustment_id, reason))
    if not applicable:
        return None
    top = max(a.pricing_priority for a in applicable)
    best: tuple[PriceAdjustment, Decimal] | None = None
    losers: list[tuple[PriceAdjustment, Decimal]] = []
    for adj in applicable:
        new = adj.adjusted(price)
        if adj.pricing_priority != top:
            if notes is not None:
                notes.append(
                    Considered(
                        _ADJ,
                        adj.adjustment_id,
                        f"lower priority ignored (priority {adj.pricing_priority} < {top})",
                        new,
                    )
                )
            continue
        if new >= price:
            if notes is not None:
                notes.append(Considered(_ADJ, adj.adjustment_id, "not below the price", new))
            continue
        if best is None or new < best[1]:
            if best is not None:
                losers.append(best)
            best = (adj, new)
        else:
            losers.append((adj, new))
    if notes is not None:
        for adj, new in losers:
            notes.append(Considered(_ADJ, adj.adjustment_id, "smaller reduction", new))
    return best


def resolve_price(
    book: PriceBook, request: PriceRequest, *, explain: bool = True
) -> PriceResolution:
    """The active unit price of one line; `explain=False` skips collecting the losers."""
    if request.keyed_price is not None:
        return PriceResolution(request.keyed_price, "keyed-in price")
    notes: list[Considered] | None = [] if explain else None
    priorities = {g.group_id: g.pricing_priority for g in request.price_groups}
    if request.customer_price_group and request.customer_price_group not in priorities:
        group = book.price_groups.get(request.customer_price_group)
        priorities[request.customer_price_group] = group.pricing_priority if group else 0
    ta = _find_agreement(book, request, priorities, notes)
    agreement_id: str | None = None
    if ta is None:
        price, source = request.fallback_price, request.fallback_source
    else:
        names = {g.group_id: g.name for g in request.price_groups}
        price, source, agreement_id = ta.price, describe_agreement(ta, names), ta.agreement_id
    trade_price = price
    adjustment = _find_adjustment(book, request, price, priorities, notes)
    adjustment_id: str | None = None
    if adjustment is not None:
        adj, price = adjustment
        adjustment_id = adj.adjustment_id
        source = f"{source} with {_ADJ} {adj.adjustment_id} ({adj.describe()})"
    return PriceResolution(
        unit_price=price,
        source=source,
        considered=tuple(notes) if notes else (),
        agreement_id=agreement_id,
        adjustment_id=adjustment_id,
        trade_agreement_price=trade_price,
    )
