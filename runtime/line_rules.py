"""What must hold before an item becomes a line: flags, quantities, units, weights, prices.

Each check returns a `Refusal` (with a sentence a cashier can act on) or the accepted value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from runtime.catalog import Product, conversion_factor
from runtime.config import StoreConfig
from runtime.money import ZERO
from runtime.operations import Refusal, RefusalCode

MAX_KEYED_PRICE = Decimal("99999.99")
MAX_COMMENT = 200


@dataclass(frozen=True, slots=True)
class Sellable:
    """The outcome of checking an add-line request: a quantity, unit and price input to use."""

    quantity: Decimal
    unit: str
    keyed_price: Decimal | None
    weighed: bool


def _refuse(code: RefusalCode, message: str, *details: str) -> Refusal:
    return Refusal(code, message, tuple(details))


def check_product(
    product: Product, variant_id: str | None, self_checkout: bool, age_verified: bool
) -> Refusal | None:
    flags = product.flags
    if flags.inactive or flags.blocked_for_sale:
        return _refuse(RefusalCode.NOT_FOR_SALE, f"{product.name} is blocked for sale.")
    if self_checkout and flags.blocked_at_self_checkout:
        return _refuse(
            RefusalCode.BLOCKED_AT_SELF_CHECKOUT,
            f"{product.name} cannot be sold at self-checkout; please call for assistance.",
        )
    if product.has_variants and variant_id is None:
        return _refuse(
            RefusalCode.VARIANT_REQUIRED,
            f"Choose a variant of {product.name}.",
            *(f"{v.variant_id}: {v.label()}" for v in product.variants),
        )
    if variant_id is not None and product.variant(variant_id) is None:
        return _refuse(RefusalCode.UNKNOWN_ITEM, f"{product.name} has no variant {variant_id}.")
    if flags.min_age and not age_verified:
        return _refuse(
            RefusalCode.AGE_CHECK_REQUIRED,
            f"Check that the customer is at least {flags.min_age} before selling {product.name}.",
        )
    return None


def finite(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def check_quantity(
    quantity: Decimal, unit_decimals: int, store: StoreConfig, what: str = "Quantity"
) -> Refusal | None:
    if not finite(quantity):
        return _refuse(RefusalCode.INVALID_QUANTITY, f"{what} must be a number.")
    if quantity <= ZERO:
        return _refuse(RefusalCode.INVALID_QUANTITY, f"{what} must be more than zero.")
    if quantity > store.max_line_quantity:
        return _refuse(
            RefusalCode.INVALID_QUANTITY,
            f"{what} {quantity} is more than the allowed {store.max_line_quantity}.",
        )
    try:
        exact = quantity == quantity.quantize(Decimal(1).scaleb(-unit_decimals))
    except InvalidOperation:
        exact = False
    if not exact:
        places = "whole units" if unit_decimals == 0 else f"{unit_decimals} decimals"
        return _refuse(RefusalCode.INVALID_QUANTITY, f"{what} {quantity} must be in {places}.")
    return None


def unit_decimals(store: StoreConfig, unit: str, default: int = 0) -> int:
    uom = store.units.get(unit)
    return uom.decimals if uom is not None else default


def normalised(quantity: Decimal, decimals: int) -> Decimal:
    """One written form per value (2 and 2.000 ea are both "2"), so equal lines serialise and
    hash the same. Only called on quantities already checked to fit `decimals`."""
    return quantity.quantize(Decimal(1).scaleb(-decimals))


def check_unit(product: Product, unit: str, store: StoreConfig) -> Refusal | None:
    if store.units and unit not in store.units:
        return _refuse(RefusalCode.UNKNOWN_UNIT, f"Unit {unit} is not known.")
    if conversion_factor(product, unit, product.sales_unit, store.unit_conversions) is None:
        return _refuse(
            RefusalCode.UNKNOWN_UNIT,
            f"{product.name} cannot be sold in {unit}: no conversion to {product.sales_unit}.",
        )
    return None


def check_weight(weight: Decimal | None, product: Product, store: StoreConfig) -> Refusal | None:
    if weight is None or not finite(weight) or weight <= ZERO:
        return _refuse(
            RefusalCode.WEIGHT_REQUIRED,
            f"{product.name} is sold by weight: place it on the scale and wait for a stable "
            "reading.",
        )
    if weight > store.max_weight:
        return _refuse(
            RefusalCode.INVALID_QUANTITY,
            f"Weight {weight} is more than the allowed {store.max_weight}.",
        )
    decimals = unit_decimals(store, product.sales_unit, default=3)
    if weight != weight.quantize(Decimal(1).scaleb(-decimals)):
        return _refuse(
            RefusalCode.INVALID_QUANTITY,
            f"Weight {weight} has more than {decimals} decimals for {product.sales_unit}.",
        )
    return None


def check_keyed_price(
    price: Decimal | None, product: Product, store: StoreConfig
) -> Refusal | None:
    if price is None:
        return _refuse(RefusalCode.PRICE_REQUIRED, f"Key in the price of {product.name}.")
    if not finite(price) or price <= ZERO or price > MAX_KEYED_PRICE:
        return _refuse(
            RefusalCode.PRICE_REQUIRED,
            f"A keyed-in price must be more than zero and at most {MAX_KEYED_PRICE}.",
        )
    if price != store.currency.round(price):
        return _refuse(
            RefusalCode.PRICE_REQUIRED,
            f"A price has at most {store.currency.decimals} decimals.",
        )
    return None


def clean_comment(text: str) -> str | Refusal:
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(cleaned) > MAX_COMMENT:
        return _refuse(
            RefusalCode.INVALID_TEXT, f"A line comment has at most {MAX_COMMENT} characters."
        )
    return cleaned
