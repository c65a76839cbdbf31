"""The pricing engine: trade agreements, price adjustments, priorities, and discounts.

Pure: no I/O, frozen value objects, Decimal money. See `prices` for the price rules and
`concurrency` for the discount rules, with their sources.
"""

from runtime.pricing_engine.concurrency import DiscountLine, LineDiscounts, LostDiscount
from runtime.pricing_engine.coupons import (
    Coupon,
    CouponBook,
    CouponCode,
    CouponLocks,
    CouponStatus,
    CouponUsage,
    InMemoryCouponUsage,
    validate_coupon,
)
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
from runtime.pricing_engine.tender_discounts import (
    TenderDiscount,
    TenderDiscountResult,
    TenderLine,
    tender_discount,
    validate_tender_discount,
)

__all__ = [
    "AccountCode",
    "AdjustmentKind",
    "Concurrency",
    "ConcurrencyModel",
    "Considered",
    "Coupon",
    "CouponBook",
    "CouponCode",
    "CouponLocks",
    "CouponStatus",
    "CouponUsage",
    "Discount",
    "DiscountKind",
    "DiscountLine",
    "DiscountMethod",
    "EnginePricingService",
    "InMemoryCouponUsage",
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
    "TenderDiscount",
    "TenderDiscountResult",
    "TenderLine",
    "Tier",
    "TradeAgreement",
    "describe_agreement",
    "evaluate_discounts",
    "resolve_price",
    "tender_discount",
    "validate_coupon",
    "validate_discount",
    "validate_tender_discount",
]
