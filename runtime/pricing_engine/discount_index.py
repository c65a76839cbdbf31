"""`DiscountIndex`: the discount set indexed once, so a line only looks at its candidates.

Built once at start-up (`DiscountIndex.build`). For every line the index returns the
positions (in evaluation order: priority desc, then discount id) of the discounts that could
possibly say anything about the line: those whose inclusions name the line's item, variant
or one of its categories (the line's `category_ids` already hold the whole category path,
nearest first, so a discount on an ancestor category is found through that ancestor's id),
those that apply to all products, and those whose exclusions name the line (an exclusion is
reported as a lost discount). A mix-and-match discount with no inclusion of its own is
indexed by its line groups' inclusions. The index also knows which candidates' exclusions
name the line (`scan`): any other candidate that is not mix-and-match was found through one
of its own inclusions (or has none), so its scope is exactly "in"; a mix-and-match candidate
still gets the exact `scope` check. So the result is the unindexed result.

Per position it also holds what evaluation reads for every candidate of every line (kind,
priority, and the offers of a simple or quantity discount, immutable and shared).

The index also caches, per (day, active price groups), which discounts are active and why
the others are not, and (for incremental reprices) the line passes (see `indexed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from runtime.pricing_engine.discount_model import Discount, DiscountKind
from runtime.pricing_engine.line_pass import offer_entry

if TYPE_CHECKING:
    from runtime.pricing_engine.concurrency import DiscountLine
    from runtime.pricing_engine.line_pass import Entry

T = TypeVar("T")

_CACHE_LIMIT = 200_000  # entries per cache before it is cleared (a register sells far fewer)
_ACTIVATION_LIMIT = 16
_ALLOCATION_LIMIT = 256

# `DiscountIndex.kinds`: what evaluation branches on, as small ints
KIND_SIMPLE, KIND_QUANTITY, KIND_THRESHOLD, KIND_MIX = range(4)
_KINDS = {DiscountKind.SIMPLE: KIND_SIMPLE, DiscountKind.QUANTITY: KIND_QUANTITY,
          DiscountKind.THRESHOLD: KIND_THRESHOLD, DiscountKind.MIX_MATCH: KIND_MIX}  # fmt: skip
_NONE: frozenset[int] = frozenset()


def _exclusions(discounts: Iterable[Discount]) -> tuple[dict[str, set[int]], ...]:
    """Item, variant and category id -> positions whose exclusions name it."""
    items: dict[str, set[int]] = {}
    variants: dict[str, set[int]] = {}
    categories: dict[str, set[int]] = {}
    for pos, d in enumerate(discounts):
        _add(items, d.exclude_item_ids, pos)
        _add(variants, d.exclude_variant_ids, pos)
        _add(categories, d.exclude_category_ids, pos)
    return items, variants, categories


def _add(table: dict[str, set[int]], keys: Iterable[str], pos: int) -> None:
    for key in keys:
        table.setdefault(key, set()).add(pos)


class Activation:
    """Per position in the index: None if the discount is active, else why it is not; the
    number of active mix-and-match discounts per priority; the active fragile ones."""

    __slots__ = ("fragile_mixes", "key", "mix_per_priority", "reasons")

    def __init__(
        self,
        reasons: tuple[str | None, ...],
        key: tuple[object, ...],
        mix_per_priority: dict[int, int],
        fragile_mixes: tuple[int, ...],
    ) -> None:
        self.reasons = reasons
        self.key = key
        self.mix_per_priority = mix_per_priority
        self.fragile_mixes = fragile_mixes


class DiscountIndex:
    """Candidate discounts per item id, variant id and category id, plus "all products"."""

    __slots__ = (
        "_activation",
        "about",
        "_candidates",
        "_plans",
        "allocations",
        "by_category",
        "by_item",
        "by_variant",
        "discounts",
        "entries",
        "everywhere",
        "excluding",
        "kinds",
        "priorities",
        "line_pass",
        "mix_fragile",
        "source",
    )

    def __init__(
        self,
        discounts: tuple[Discount, ...],
        by_item: dict[str, tuple[int, ...]],
        by_variant: dict[str, tuple[int, ...]],
        by_category: dict[str, tuple[int, ...]],
        everywhere: tuple[int, ...],
        mix_fragile: frozenset[str],
    ) -> None:
        self.discounts = discounts  # in evaluation order: (-priority, discount id)
        self.by_item = by_item
        self.by_variant = by_variant
        self.by_category = by_category
        self.everywhere = everywhere
        # mix-and-match discounts that must always take part in set forming (malformed line
        # groups: a group asking for no units, or no group at all)
        self.mix_fragile = mix_fragile
        self._candidates: dict[tuple[str, str | None, tuple[str, ...]], object] = {}
        self._activation: dict[tuple[object, ...], Activation] = {}
        # line-pass results of lines no mix-and-match reaches; see `discounts`
        self.line_pass: dict[Any, Any] = {}
        self._plans: dict[Any, Any] = {}
        self.allocations: dict[Any, Any] = {}  # mix-and-match sets, see `discounts`
        self.source: object = None  # what the owner built it from (see `service`)
        # per position, built once: the kind (KIND_*), the priority, and the offers of a
        # simple or quantity discount (immutable, shared by every line; None for the others)
        self.kinds = tuple(_KINDS[d.kind] for d in discounts)
        self.priorities = tuple(d.priority for d in discounts)
        self.entries: tuple[Entry | None, ...] = tuple(
            offer_entry(d) if k <= KIND_QUANTITY else None
            for d, k in zip(discounts, self.kinds, strict=True)
        )
        # the three of them together, read per candidate of every line
        self.about = tuple(zip(self.kinds, self.priorities, self.entries, strict=True))
        # item / variant / category id -> positions whose exclusions name it
        self.excluding: tuple[dict[str, frozenset[int]], ...] = tuple(
            {k: frozenset(v) for k, v in table.items()}
            for table in _exclusions(discounts)
        )

    @staticmethod
    def build(discounts: Iterable[Discount]) -> DiscountIndex:
        ordered = tuple(sorted(discounts, key=lambda d: (-d.priority, d.discount_id)))
        by_item: dict[str, set[int]] = {}
        by_variant: dict[str, set[int]] = {}
        by_category: dict[str, set[int]] = {}
        everywhere: list[int] = []
        fragile: set[str] = set()
        for pos, d in enumerate(ordered):
            _add(by_item, d.exclude_item_ids, pos)
            _add(by_variant, d.exclude_variant_ids, pos)
            _add(by_category, d.exclude_category_ids, pos)
            items, variants, categories = d.item_ids, d.variant_ids, d.category_ids
            if d.kind is DiscountKind.MIX_MATCH:
                groups = d.line_groups
                if not groups or any(g.quantity <= 0 for g in groups):
                    fragile.add(d.discount_id)
                if not (items or variants or categories):
                    if groups and all(g.item_ids or g.variant_ids or g.category_ids
                                      for g in groups):  # fmt: skip
                        items = frozenset().union(*(g.item_ids for g in groups))
                        variants = frozenset().union(*(g.variant_ids for g in groups))
                        categories = frozenset().union(*(g.category_ids for g in groups))
                    elif not groups:
                        continue  # reaches no line ("out" everywhere) unless excluded
            if not (items or variants or categories):
                everywhere.append(pos)
                continue
            _add(by_item, items, pos)
            _add(by_variant, variants, pos)
            _add(by_category, categories, pos)

        def freeze(table: dict[str, set[int]]) -> dict[str, tuple[int, ...]]:
            return {k: tuple(sorted(v)) for k, v in table.items()}

        return DiscountIndex(
            ordered,
            freeze(by_item),
            freeze(by_variant),
            freeze(by_category),
            tuple(everywhere),
            frozenset(fragile),
        )

    def __len__(self) -> int:
        return len(self.discounts)

    def candidates(
        self, item_id: str, variant_id: str | None, categories: tuple[str, ...]
    ) -> tuple[int, ...]:
        """Positions in `discounts` (ascending = evaluation order) that may reach the line."""
        return self.scan(item_id, variant_id, categories)[0]

    def scan(
        self, item_id: str, variant_id: str | None, categories: tuple[str, ...]
    ) -> tuple[tuple[int, ...], frozenset[int]]:
        """`candidates`, and the positions among them whose exclusions name the line.

        A candidate that is not mix-and-match and not excluded has the scope "in": the
        index finds it through one of its own inclusions, or it has none (all products)."""
        key = (item_id, variant_id, categories)
        hit = self._candidates.get(key)
        if hit is not None:
            return cast(tuple[tuple[int, ...], frozenset[int]], hit)
        found: set[int] = set(self.everywhere)
        found.update(self.by_item.get(item_id, ()))
        if variant_id is not None:
            found.update(self.by_variant.get(variant_id, ()))
        for c in categories:
            found.update(self.by_category.get(c, ()))
        by_item, by_variant, by_category = self.excluding
        excluded = by_item.get(item_id, _NONE)
        if variant_id is not None and variant_id in by_variant:
            excluded = excluded | by_variant[variant_id]
        for c in categories:
            if c in by_category:
                excluded = excluded | by_category[c]
        out = (tuple(sorted(found)), excluded)
        if len(self._candidates) >= _CACHE_LIMIT:
            self._candidates.clear()
        self._candidates[key] = out
        return out

    def activation(
        self,
        day: dt.date,
        price_groups: Collection[str],
        locked: Mapping[str, str] | None = None,
    ) -> Activation:
        """Which discounts are active on `day` for `price_groups` (cached per pair). `locked`
        (discount id -> reason) holds discounts kept inactive anyway (coupons not entered);
        they are part of the cache key."""
        groups = frozenset(price_groups)
        key: tuple[object, ...] = (day, groups)
        if locked:
            key = (day, groups, frozenset(locked.items()))
        hit = self._activation.get(key)
        if hit is not None:
            return hit
        reasons: list[str | None] = []
        mixes: dict[int, int] = {}
        fragile: list[int] = []
        for pos, d in enumerate(self.discounts):
            if groups.isdisjoint(d.price_group_ids):
                reasons.append("price group not active here")
            elif not d.active_on(day):
                reasons.append("outside dates")
            elif locked and d.discount_id in locked:
                reasons.append(locked[d.discount_id])
            else:
                reasons.append(None)
                if d.kind is DiscountKind.MIX_MATCH:
                    mixes[d.priority] = mixes.get(d.priority, 0) + 1
                    if d.discount_id in self.mix_fragile:
                        fragile.append(pos)
        if len(self._activation) >= _ACTIVATION_LIMIT:
            self._activation.clear()
            self.line_pass.clear()
            self._plans.clear()
        result = Activation(tuple(reasons), key, mixes, tuple(fragile))
        self._activation[key] = result
        return result

    def plan(self, line: DiscountLine, act: Activation, make: Callable[..., T]) -> T:
        """`make(self, line, act.reasons)`, cached per line scope and activation."""
        key = (line.item_id, line.variant_id, line.category_ids, act.key)
        hit = self._plans.get(key)
        if hit is None:
            if len(self._plans) >= _CACHE_LIMIT:
                self._plans.clear()
            hit = self._plans[key] = make(self, line, act.reasons)
        return cast(T, hit)

    def remember_allocation(self, key: object, value: object) -> None:
        if len(self.allocations) >= _ALLOCATION_LIMIT:
            self.allocations.clear()
        self.allocations[key] = value

    def remember_line(self, key: object, value: object) -> None:
        if len(self.line_pass) >= _CACHE_LIMIT:
            self.line_pass.clear()
        self.line_pass[key] = value
