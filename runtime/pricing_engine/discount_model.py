"""Discounts as data: kinds, concurrency modes, tiers, scope, and import validation.

Semantics follow the Dynamics 365 Commerce articles "Retail discounts" and "Apply multiple
Retail discounts to a product" (learn.microsoft.com/dynamics365/commerce/
apply-multiple-retail-discounts). A discount is linked to price groups (activated exactly as
the price part activates them: store, customer, affiliations, ...), has a pricing priority
(higher first), a concurrency mode, dates, and a scope of included and excluded products,
variants and categories; an exclusion always beats an inclusion. A discount with no inclusion
at all applies to every product (the "All products" rows of the D365 examples).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from runtime.money import HUNDRED, ZERO


class DiscountKind(enum.StrEnum):
    SIMPLE = "simple"
    QUANTITY = "quantity"
    THRESHOLD = "threshold"
    MIX_MATCH = "mix_and_match"


class Concurrency(enum.StrEnum):
    EXCLUSIVE = "exclusive"
    BEST_PRICE = "best_price"
    COMPOUNDED = "compounded"


class DiscountMethod(enum.StrEnum):
    """How a discount (or one tier) takes money off. Compounding order: unit price, amount,
    percent ("deal/unit price, then amount off, then percentage")."""

    UNIT_PRICE = "unit_price"  # a fixed price per unit
    AMOUNT_OFF = "amount_off"  # per unit for simple discounts; per transaction for thresholds
    PERCENT = "percent"

    @property
    def order(self) -> int:
        return {"unit_price": 0, "amount_off": 1, "percent": 2}[self.value]


class ConcurrencyModel(enum.StrEnum):
    """The company-wide "Best price and compound concurrency control model"."""

    # A (default): best price and compound within priority, never compound across priorities
    WITHIN_PRIORITY = "best_price_and_compound_within_priority"
    # B: best price only within priority, always compound across priorities
    ACROSS_PRIORITIES = "best_price_within_priority_compound_across"


@dataclass(frozen=True, slots=True)
class Tier:
    """A quantity tier (minimum line quantity) or a threshold tier (minimum amount)."""

    minimum: Decimal
    method: DiscountMethod
    value: Decimal


class MixMatchDeal(enum.StrEnum):
    """How a mix-and-match set takes money off (`Discount.value` holds the figure)."""

    DEAL_PRICE = "deal_price"  # the whole set costs `value`
    PERCENT = "percent"  # `value`% off the set
    AMOUNT_OFF = "amount_off"  # `value` off the set (never more than the set costs)
    LEAST_EXPENSIVE = "least_expensive"  # the N cheapest units of the set `value`% off


@dataclass(frozen=True, slots=True)
class LineGroup:
    """One line group of a mix-and-match discount: `quantity` units, each from the group's
    scope (same include / exclude rules as a discount: exclusions win, no inclusion = all)."""

    group_id: str
    quantity: int
    item_ids: frozenset[str] = frozenset()
    variant_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    exclude_item_ids: frozenset[str] = frozenset()
    exclude_variant_ids: frozenset[str] = frozenset()
    exclude_category_ids: frozenset[str] = frozenset()

    def admits(self, item_id: str, variant_id: str | None, categories: tuple[str, ...]) -> bool:
        if (
            item_id in self.exclude_item_ids
            or (variant_id is not None and variant_id in self.exclude_variant_ids)
            or not self.exclude_category_ids.isdisjoint(categories)
        ):
            return False
        if not (self.item_ids or self.variant_ids or self.category_ids):
            return True
        return (
            item_id in self.item_ids
            or (variant_id is not None and variant_id in self.variant_ids)
            or not self.category_ids.isdisjoint(categories)
        )


@dataclass(frozen=True, slots=True)
class Discount:
    """One periodic discount. SIMPLE uses `method` / `value`; QUANTITY and THRESHOLD use
    `tiers` (the highest tier reached applies). Dates are inclusive; None is open."""

    discount_id: str
    name: str
    kind: DiscountKind
    concurrency: Concurrency
    price_group_ids: frozenset[str]
    priority: int = 0
    method: DiscountMethod = DiscountMethod.PERCENT
    value: Decimal = ZERO
    tiers: tuple[Tier, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    item_ids: frozenset[str] = frozenset()
    variant_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    exclude_item_ids: frozenset[str] = frozenset()
    exclude_variant_ids: frozenset[str] = frozenset()
    exclude_category_ids: frozenset[str] = frozenset()
    count_non_discountable: bool = False  # thresholds: every line's amount counts
    # mix-and-match only (see `mixmatch`): the sets' line groups, the deal, how many units
    # the least-expensive deal discounts, and whether set building favours the retailer
    line_groups: tuple[LineGroup, ...] = ()
    deal: MixMatchDeal = MixMatchDeal.DEAL_PRICE
    least_expensive_count: int = 1
    favour_retailer: bool = False

    def active_on(self, day: dt.date) -> bool:
        vf, vt = self.valid_from, self.valid_to
        return (vf is None or vf <= day) and (vt is None or day <= vt)

    def scope(self, item_id: str, variant_id: str | None, categories: tuple[str, ...]) -> str:
        """ "excluded", "out" (not included) or "in"; exclusions always win."""
        if (
            item_id in self.exclude_item_ids
            or (variant_id is not None and variant_id in self.exclude_variant_ids)
            or not self.exclude_category_ids.isdisjoint(categories)
        ):
            return "excluded"
        if not (self.item_ids or self.variant_ids or self.category_ids):
            return "in"
        if (
            item_id in self.item_ids
            or (variant_id is not None and variant_id in self.variant_ids)
            or not self.category_ids.isdisjoint(categories)
        ):
            return "in"
        return "out"

    def tier_for(self, measure: Decimal) -> Tier | None:
        """The highest tier whose minimum `measure` reaches (tiers are strictly increasing)."""
        found: Tier | None = None
        for tier in self.tiers:
            if measure >= tier.minimum:
                found = tier
        return found

    def describe(self) -> str:
        if self.kind is DiscountKind.SIMPLE:
            return _describe(self.method, self.value)
        if self.kind is DiscountKind.MIX_MATCH:
            return _describe_mix(self)
        unit = "qty" if self.kind is DiscountKind.QUANTITY else "amount"
        return "; ".join(
            f"{unit} >= {t.minimum}: {_describe(t.method, t.value)}" for t in self.tiers
        )


def _describe(method: DiscountMethod, value: Decimal) -> str:
    if method is DiscountMethod.PERCENT:
        return f"{value}% off"
    if method is DiscountMethod.AMOUNT_OFF:
        return f"{value} off"
    return f"unit price {value}"


def _describe_mix(d: Discount) -> str:
    groups = " + ".join(f"{g.quantity} x {g.group_id}" for g in d.line_groups)
    if d.deal is MixMatchDeal.DEAL_PRICE:
        deal = f"for {d.value}"
    elif d.deal is MixMatchDeal.PERCENT:
        deal = f"{d.value}% off"
    elif d.deal is MixMatchDeal.AMOUNT_OFF:
        deal = f"{d.value} off"
    else:
        deal = f"{d.least_expensive_count} least expensive {d.value}% off"
    return f"{groups}: {deal}" + (" (favours retailer)" if d.favour_retailer else "")


def _validate_mix(d: Discount) -> list[str]:
    errors: list[str] = []
    if d.tiers:
        errors.append("tiers: a mix-and-match discount has no tiers")
    if not d.line_groups:
        errors.append("line_groups: at least one line group is required")
    seen: set[str] = set()
    for i, g in enumerate(d.line_groups):
        if not g.group_id.strip():
            errors.append(f"line_groups[{i}].group_id: must not be empty")
        elif g.group_id in seen:
            errors.append(f"line_groups[{i}].group_id: duplicate group {g.group_id}")
        seen.add(g.group_id)
        if g.quantity <= 0:
            errors.append(f"line_groups[{i}].quantity: must be > 0 (got {g.quantity})")
    size = sum((g.quantity for g in d.line_groups if g.quantity > 0), 0)
    if d.deal in (MixMatchDeal.PERCENT, MixMatchDeal.LEAST_EXPENSIVE):
        errors.extend(_check_value("value", DiscountMethod.PERCENT, d.value))
    else:
        errors.extend(_check_value("value", DiscountMethod.AMOUNT_OFF, d.value))
    if d.deal is MixMatchDeal.LEAST_EXPENSIVE and not 0 < d.least_expensive_count <= size:
        errors.append(
            f"least_expensive_count: must be > 0 and <= the set size {size} "
            f"(got {d.least_expensive_count})"
        )
    return errors


_ALLOWED = {
    DiscountKind.SIMPLE: set(DiscountMethod),
    DiscountKind.QUANTITY: {DiscountMethod.PERCENT, DiscountMethod.UNIT_PRICE},
    DiscountKind.THRESHOLD: {DiscountMethod.PERCENT, DiscountMethod.AMOUNT_OFF},
}


def _check_value(field_name: str, method: DiscountMethod, value: Decimal) -> list[str]:
    if method is DiscountMethod.PERCENT:
        if not ZERO < value <= HUNDRED:
            return [f"{field_name}: percent must be > 0 and <= 100 (got {value})"]
        return []
    if value <= ZERO:
        return [f"{field_name}: amount must be > 0 (got {value})"]
    return []


def validate_discount(d: Discount) -> list[str]:
    """Import validation; every message starts with the offending field. Empty: valid."""
    errors: list[str] = []
    if not d.discount_id.strip():
        errors.append("discount_id: must not be empty")
    if not d.price_group_ids:
        errors.append("price_group_ids: at least one price group is required")
    if d.valid_from is not None and d.valid_to is not None and d.valid_from > d.valid_to:
        errors.append(f"valid_from: {d.valid_from} is after valid_to {d.valid_to}")
    if d.kind is DiscountKind.MIX_MATCH:
        return errors + _validate_mix(d)
    if d.kind is DiscountKind.SIMPLE:
        errors.extend(_check_value("value", d.method, d.value))
        if d.tiers:
            errors.append("tiers: a simple discount has no tiers")
        return errors
    return errors + validate_tiers(
        d.tiers, _ALLOWED[d.kind], f"{d.kind} discount",
        minimum_above_zero=d.kind is DiscountKind.QUANTITY,
    )  # fmt: skip


def validate_tiers(
    tiers: tuple[Tier, ...],
    allowed: Iterable[DiscountMethod],
    what: str,
    *,
    minimum_above_zero: bool,
) -> list[str]:
    """Tiers: at least one, strictly increasing minimums, allowed methods, sensible values."""
    errors: list[str] = []
    if not tiers:
        errors.append("tiers: at least one tier is required")
    allowed = tuple(allowed)
    previous: Decimal | None = None
    for i, tier in enumerate(tiers):
        name = f"tiers[{i}]"
        if tier.method not in allowed:
            errors.append(f"{name}.method: {tier.method} is not allowed for a {what}")
        if tier.minimum < ZERO or (minimum_above_zero and tier.minimum <= ZERO):
            floor = "> 0" if minimum_above_zero else ">= 0"
            errors.append(f"{name}.minimum: must be {floor} (got {tier.minimum})")
        if previous is not None and tier.minimum <= previous:
            errors.append(
                f"{name}.minimum: tiers must be strictly increasing ({tier.minimum} after "
                f"{previous})"
            )
        previous = tier.minimum
        errors.extend(_check_value(f"{name}.value", tier.method, tier.value))
    return errors
