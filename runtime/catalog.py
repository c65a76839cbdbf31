"""Catalog value objects: products, variants, barcodes, units of measure and categories.

The runtime never loads the catalogue itself; a `CatalogReader` port (see `ports`) hands it
the few products a sale touches, already resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runtime.money import ONE


@dataclass(frozen=True, slots=True)
class UnitOfMeasure:
    """A unit such as `ea`, `kg` or `pk6`; `decimals` is the quantity precision it allows."""

    code: str
    name: str
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class UnitConversion:
    """`1 from_unit = factor to_unit`; item-specific when `item_id` is set."""

    from_unit: str
    to_unit: str
    factor: Decimal
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    category_id: str
    name: str
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class SalesPrice:
    """A dated price in the item's sales unit; `valid_to` is inclusive, None is open-ended."""

    price: Decimal
    valid_from: dt.date
    valid_to: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class ProductFlags:
    """What the register must check before and while selling an item."""

    weighed: bool = False
    keyed_in_price: bool = False
    min_age: int = 0
    blocked_at_self_checkout: bool = False
    not_returnable: bool = False
    serial_required: bool = False
    blocked_for_sale: bool = False
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class Variant:
    """A sellable variant of a product master, named by its dimension values."""

    variant_id: str
    dimensions: Mapping[str, str]  # e.g. {"size": "M", "colour": "Red", "style": "Slim"}
    base_price: Decimal | None = None  # None: the master's price

    def label(self) -> str:
        return " / ".join(self.dimensions[k] for k in sorted(self.dimensions))


@dataclass(frozen=True, slots=True)
class Product:
    """A product master with everything a sale line needs to price, tax and check it."""

    item_id: str
    name: str
    base_price: Decimal
    sales_unit: str = "ea"
    description: str = ""
    category_id: str | None = None
    item_tax_group: str | None = None
    flags: ProductFlags = field(default_factory=ProductFlags)
    variants: tuple[Variant, ...] = ()
    sales_prices: tuple[SalesPrice, ...] = ()
    conversions: tuple[UnitConversion, ...] = ()

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.variants if v.variant_id == variant_id), None)

    @property
    def has_variants(self) -> bool:
        return bool(self.variants)


@dataclass(frozen=True, slots=True)
class BarcodeHit:
    """What a scanned code resolved to: the product, maybe a variant, a unit and a quantity."""

    barcode: str
    product: Product
    variant_id: str | None = None
    unit: str | None = None
    quantity: Decimal = ONE
    embedded_price: Decimal | None = None
    embedded_weight: Decimal | None = None


def conversion_factor(
    product: Product,
    from_unit: str,
    to_unit: str,
    global_conversions: tuple[UnitConversion, ...] = (),
) -> Decimal | None:
    """Factor f such that 1 `from_unit` = f `to_unit`; item conversions win over global ones."""
    if from_unit == to_unit:
        return ONE
    for table in (product.conversions, global_conversions):
        for c in table:
            if c.item_id not in (None, product.item_id):
                continue
            if c.from_unit == from_unit and c.to_unit == to_unit:
                return c.factor
            if c.from_unit == to_unit and c.to_unit == from_unit and c.factor != 0:
                return ONE / c.factor
    return None
