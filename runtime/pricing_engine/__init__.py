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
    applied_codes,
    coupon_marker,
    validate_coupon,
)
from runtime.pricing_engine.customers import Customer, CustomerDirectory, InMemoryCustomers
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
from runtime.pricing_engine.documents import (
    DocumentProblem,
    PricingData,
    PricingDocument,
    load_documents,
)
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
    "Customer",
    "CustomerDirectory",
    "Discount",
    "DiscountKind",
    "DiscountLine",
    "DiscountMethod",
    "DocumentProblem",
    "EnginePricingService",
    "InMemoryCouponUsage",
    "InMemoryCustomers",
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
    "PricingData",
    "PricingDocument",
    "TenderDiscount",
    "TenderDiscountResult",
    "TenderLine",
    "Tier",
    "TradeAgreement",
    "applied_codes",
    "coupon_marker",
    "describe_agreement",
    "evaluate_discounts",
    "load_documents",
    "resolve_price",
    "tender_discount",
    "validate_coupon",
    "validate_discount",
    "validate_tender_discount",
]
