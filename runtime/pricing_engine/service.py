"""`EnginePricingService`: the pricing engine behind the runtime's `PricingService` port.

Prices only (no discounts yet): each line gets its trade-agreement or fallback price with the
best price adjustment. The fallback is computed by `BasePriceService` itself, so a store
without agreements prices exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from runtime.ports import LinePricing, PricingContext
from runtime.pricing import BasePriceService
from runtime.pricing_engine.model import PriceBook, PriceGroup, PriceRequest, PriceResolution
from runtime.pricing_engine.prices import resolve_price
from runtime.transaction import SaleLine


class EnginePricingService:
    """Prices a basket from a `PriceBook`; `explain` answers "why this price" for one line."""

    def __init__(self, book: PriceBook) -> None:
        self.book = book
        self._base = BasePriceService()

    def price_lines(
        self, context: PricingContext, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        groups = self.active_groups(context)
        result: dict[str, LinePricing] = {}
        for line in lines:
            if line.keyed_price is not None:
                result[line.line_id] = LinePricing(line.keyed_price, "keyed-in price")
                continue
            res = resolve_price(self.book, self.request_for(context, line, groups), explain=False)
            result[line.line_id] = LinePricing(res.unit_price, res.source)
        return result

    def explain(self, context: PricingContext, line: SaleLine) -> PriceResolution:
        """The full resolution of one line, with what else was considered and why it lost."""
        return resolve_price(
            self.book, self.request_for(context, line, self.active_groups(context))
        )

    def active_groups(self, context: PricingContext) -> tuple[PriceGroup, ...]:
        """Store groups, then the customer's (affiliations, loyalty, catalogs, own group)."""
        book = self.book
        ids = list(book.store_price_groups.get(context.store.store_id, ()))
        if context.customer_id is not None:
            ids.extend(book.customer_price_groups.get(context.customer_id, ()))
        seen: dict[str, PriceGroup] = {}
        for gid in ids:
            if gid not in seen:
                seen[gid] = book.price_groups.get(gid) or PriceGroup(gid)
        return tuple(seen.values())

    def request_for(
        self, context: PricingContext, line: SaleLine, groups: tuple[PriceGroup, ...]
    ) -> PriceRequest:
        product = line.product
        fallback = self._base.price_line(context, line)
        variant = product.variant(line.variant_id) if line.variant_id else None
        return PriceRequest(
            item_id=product.item_id,
            quantity=line.quantity,
            unit=line.unit,
            currency=context.store.currency.code,
            day=context.day,
            fallback_price=fallback.unit_price,
            fallback_source=fallback.price_source,
            item_group=self.book.item_groups.get(product.item_id),
            variant_id=line.variant_id,
            dimensions=tuple(sorted(variant.dimensions.items())) if variant else (),
            category_ids=self.book.category_path(product.category_id),
            customer_id=context.customer_id,
            price_groups=groups,
            keyed_price=line.keyed_price,
        )
