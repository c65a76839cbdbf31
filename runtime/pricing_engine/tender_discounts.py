"""Tender-based discounts: money off the basket when it is paid with a given tender type.

Semantics follow the Dynamics 365 Commerce article "Tender-based discount"
(learn.microsoft.com/dynamics365/commerce/tender-based-discounts): a discount percentage is
applied to a transaction when the transaction total exceeds a given amount and the customer
pays with the preferred payment type; it is tier-based (different percentages for different
amount thresholds); the customer may pay partly or fully with that tender and the pricing
engine determines the discount amount; the discount is always given on the pretax amount of
the sales lines.

It depends on the tender, so it is computed at tender time, not while lines are scanned:
`tender_discount` is a pure function that the runtime must call when a tender of a type
named by some tender discount is added (the runtime does not do this yet), then add the
result to the lines (`TenderDiscountResult.line_discounts`) and reprice the due amount.

Choices made here (and not from the article):
- A tier applies when the transaction's pretax amount reaches its minimum (>=, as for
  threshold discounts); the highest tier reached applies.
- An AMOUNT_OFF tier is allowed besides PERCENT (an amount off the basket, never more than
  the discountable amount).
- Partial payment: the discount is taken on the part of the discountable amount the payment
  covers, min(paid, discountable). `paid` is in the same (pretax) terms as the lines; the
  runtime converts a tax-inclusive tender amount before calling.
- Several tender discounts for one tender type: the largest amount wins (ties: lowest id).
- Non-discountable lines count towards the tier but receive no share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from runtime.money import HUNDRED, ZERO, Currency, distribute
from runtime.pricing_engine.concurrency import round_amount
from runtime.pricing_engine.discount_model import DiscountMethod, Tier, validate_tiers
from runtime.transaction import LineDiscount

TENDER_KIND = "tender"


@dataclass(frozen=True, slots=True)
class TenderDiscount:
    """A tiered discount for paying with one of `tender_type_ids`. Tiers: minimum pretax
    transaction amount, PERCENT or AMOUNT_OFF. Dates inclusive, None open."""

    discount_id: str
    name: str
    tender_type_ids: frozenset[str]
    tiers: tuple[Tier, ...]
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        vf, vt = self.valid_from, self.valid_to
        return (vf is None or vf <= day) and (vt is None or day <= vt)

    def tier_for(self, amount: Decimal) -> Tier | None:
        found: Tier | None = None
        for tier in self.tiers:
            if amount >= tier.minimum:
                found = tier
        return found


@dataclass(frozen=True, slots=True)
class TenderLine:
    """One basket line as the tender discount sees it: its pretax net amount (after the
    line's other discounts)."""

    line_id: str
    amount: Decimal
    discountable: bool = True


@dataclass(frozen=True, slots=True)
class TenderDiscountResult:
    """The winning tender discount, its total, and its spread over the lines (line id,
    amount), in line-id order; the parts add up to `amount` exactly."""

    discount_id: str
    name: str
    amount: Decimal
    spread: tuple[tuple[str, Decimal], ...]

    def line_discounts(self) -> dict[str, LineDiscount]:
        return {
            line_id: LineDiscount(self.discount_id, self.name, TENDER_KIND, part)
            for line_id, part in self.spread
            if part != ZERO
        }


def validate_tender_discount(d: TenderDiscount) -> list[str]:
    """Import validation; every message starts with the offending field. Empty: valid."""
    errors: list[str] = []
    if not d.discount_id.strip():
        errors.append("discount_id: must not be empty")
    if not d.tender_type_ids:
        errors.append("tender_type_ids: at least one tender type is required")
    if d.valid_from is not None and d.valid_to is not None and d.valid_from > d.valid_to:
        errors.append(f"valid_from: {d.valid_from} is after valid_to {d.valid_to}")
    return errors + validate_tiers(
        d.tiers, (DiscountMethod.PERCENT, DiscountMethod.AMOUNT_OFF), "tender discount",
        minimum_above_zero=False,
    )  # fmt: skip


def tender_discount(
    discounts: Iterable[TenderDiscount],
    tender_type_id: str,
    basket_lines: Sequence[TenderLine],
    *,
    day: dt.date,
    currency: Currency,
    paid: Decimal | None = None,
) -> TenderDiscountResult | None:
    """The tender discount earned by paying `paid` (None: the whole basket) with
    `tender_type_id`, spread over the discountable lines in proportion to their amounts;
    None when no tender discount applies."""
    unit = currency.unit
    lines = sorted(basket_lines, key=lambda ln: ln.line_id)
    total = sum((ln.amount for ln in lines), ZERO)
    receiving = [ln for ln in lines if ln.discountable and ln.amount > ZERO]
    base = sum((ln.amount for ln in receiving), ZERO)
    if paid is not None:
        base = min(base, max(paid, ZERO))
    if base <= ZERO:
        return None
    best: tuple[Decimal, TenderDiscount] | None = None
    for d in sorted(discounts, key=lambda d: d.discount_id):
        if tender_type_id not in d.tender_type_ids or not d.active_on(day):
            continue
        tier = d.tier_for(total)
        if tier is None:
            continue
        if tier.method is DiscountMethod.PERCENT:
            amount = round_amount(base * tier.value / HUNDRED, unit)
        else:
            amount = min(round_amount(tier.value, unit), base.quantize(unit, ROUND_FLOOR))
        if amount > ZERO and (best is None or amount > best[0]):
            best = (amount, d)
    if best is None:
        return None
    amount, winner = best
    parts = distribute(amount, [ln.amount for ln in receiving], unit)
    spread = tuple((ln.line_id, part) for ln, part in zip(receiving, parts, strict=True))
    return TenderDiscountResult(winner.discount_id, winner.name, amount, spread)
