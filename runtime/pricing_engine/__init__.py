"""The pricing engine (prices part): trade agreements, price adjustments, priorities.

Pure: no I/O, frozen value objects, Decimal money. See `prices` for the rules and sources.
"""

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
from runtime.pricing_engine.service import EnginePricingService

__all__ = [
    "AccountCode",
    "AdjustmentKind",
    "Considered",
    "EnginePricingService",
    "ItemCode",
    "PriceAdjustment",
    "PriceBook",
    "PriceGroup",
    "PriceRequest",
    "PriceResolution",
    "TradeAgreement",
    "describe_agreement",
    "resolve_price",
]
