"""The built-in pricing service: base price, variant price, or a dated sales price.

The full engine (trade agreements, adjustments, discounts) replaces this through the
`PricingService` port; this one is what a store without promotions gets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from runtime.catalog import Product, conversion_factor
from runtime.ports import LinePricing, PricingContext
from runtime.transaction import SaleLine


def unit_base_price(product: Product, variant_id: str | None) -> tuple[Decimal, str]:
    variant = product.variant(variant_id) if variant_id else None
    if variant is not None and variant.base_price is not None:
        return variant.base_price, f"variant {variant.variant_id} price"
    return product.base_price, "base price"


class BasePriceService:
    """Keyed price > active dated sales price (the lowest if several) > variant > base price."""

    def price_lines(
        self, context: PricingContext, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        return {line.line_id: self.price_line(context, line) for line in lines}

    def price_line(self, context: PricingContext, line: SaleLine) -> LinePricing:
        if line.keyed_price is not None:
            return LinePricing(line.keyed_price, "keyed-in price")
        product = line.product
        active = [p for p in product.sales_prices if p.active_on(context.day)]
        if active:
            best = min(active, key=lambda p: p.price)
            to = best.valid_to.isoformat() if best.valid_to else "open"
            price, source = best.price, f"sales price {best.valid_from.isoformat()}..{to}"
        else:
            price, source = unit_base_price(product, line.variant_id)
        if line.unit != product.sales_unit:
            factor = conversion_factor(
                product, line.unit, product.sales_unit, context.store.unit_conversions
            )
            if factor is not None:
                price = price * factor
                source = f"{source} x {factor} {product.sales_unit}/{line.unit}"
        return LinePricing(price, source)
