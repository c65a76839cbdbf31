"""The pricing engine: trade agreements, price adjustments, priorities, and discounts.

Pure: no I/O, frozen value objects, Decimal money. See `prices` for the price rules and
`concurrency` for the discount rules, with their sources.
"""

from runtime.pricing_engine.concurrency import DiscountLine, LineDiscounts, LostDiscount
from runtime.pricing_engine.discount_model import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountKind,
    DiscountMethod,
    LineGroup,
    MixMatchDeal,
    Tier,
    validate_discount,
)
from runtime.pricing_engine.discounts import evaluate_discounts
from runtime.pricing_engine.model import (
    AccountCode,
    AdjustmentKind,
    Considered,
    ItemCode,
    PriceAdjustment,
    PriceBook,
    PriceGroup,
    PriceRequest,
    PriceResolution,
    TradeAgreement,
)
from runtime.pricing_engine.prices import describe_agreement, resolve_price
from runtime.pricing_engine.service import EnginePricingService, LineExplanation

__all__ = [
    "AccountCode",
    "AdjustmentKind",
    "Concurrency",
    "ConcurrencyModel",
    "Considered",
    "Discount",
    "DiscountKind",
    "DiscountLine",
    "DiscountMethod",
    "EnginePricingService",
    "ItemCode",
    "LineDiscounts",
    "LineExplanation",
    "LineGroup",
    "LostDiscount",
    "MixMatchDeal",
    "PriceAdjustment",
    "PriceBook",
    "PriceGroup",
    "PriceRequest",
    "PriceResolution",
    "Tier",
    "TradeAgreement",
    "describe_agreement",
    "evaluate_discounts",
    "resolve_price",
    "validate_discount",
]
