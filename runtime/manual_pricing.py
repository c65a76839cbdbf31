"""Applying the cashier's pricing inputs (and tender discounts earned at payment) on top of the
pricing engine's answer.

Order, as a register shows it: a price override replaces the engine's price (and its automatic
discounts, which were computed for the old price); removed automatic discounts drop; the manual
line discount comes off what is left of the line; the manual total discount comes last, off
what is left of every sale line, spread over them by weight so that the parts add up to the
cent (`runtime.money.distribute`). Return lines keep what was paid and are never discounted.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from runtime.money import ZERO, Currency, distribute, format_amount
from runtime.ports import LinePricing
from runtime.transaction import LineDiscount, SaleLine, Transaction

HUNDRED = Decimal(100)
MANUAL_LINE = "manual"
MANUAL_TOTAL = "manual_total"


def line_base(line: SaleLine) -> Decimal:
    """What a new manual line discount comes off: the line after its other discounts."""
    other = sum((d.amount for d in line.discounts if d.kind != MANUAL_LINE), ZERO)
    return line.gross_amount - other


def total_base(tx: Transaction) -> Decimal:
    """What a new manual total discount comes off: the sale lines after their discounts."""
    return sum(
        (
            line.gross_amount
            - sum((d.amount for d in line.discounts if d.kind != MANUAL_TOTAL), ZERO)
            for line in tx.active_lines
            if line.quantity > 0
        ),
        ZERO,
    )


def _manual_off(
    base: Decimal, percent: Decimal | None, amount: Decimal | None, cur: Currency
) -> Decimal:
    if base <= 0:
        return ZERO
    money = cur.round(base * percent / HUNDRED) if percent is not None else (amount or ZERO)
    return min(money, base)


def _label(percent: Decimal | None, amount: Decimal | None, what: str, cur: Currency) -> str:
    if percent is not None:
        return f"{what} {percent.normalize():f}%"
    return f"{what} {format_amount(amount or ZERO, cur)}"


def apply(
    tx: Transaction, pricing: Mapping[str, LinePricing], currency: Currency
) -> Mapping[str, LinePricing]:
    manual_lines = any(
        line.price_override is not None or line.manual_discount is not None
        for line in tx.lines
        if not line.voided
    )
    if not (
        manual_lines
        or tx.manual_total_discount
        or tx.automatic_discounts_off
        or tx.tender_discounts
    ):
        return pricing  # the common case: nothing to do
    out = dict(pricing)
    earned: dict[str, list[LineDiscount]] = {}
    for piece in tx.tender_discounts:
        earned.setdefault(piece.line_id, []).append(piece.discount)
    for line in tx.active_lines:
        given = pricing.get(line.line_id)
        if given is None or line.quantity <= 0:
            continue
        price, source, discounts = given.unit_price, given.price_source, given.discounts
        if line.price_override is not None:
            price = line.price_override
            source = f"price override (was {format_amount(given.unit_price, currency)})"
            discounts = ()
        elif tx.automatic_discounts_off:
            discounts = ()
        manual = line.manual_discount
        if manual is not None:
            base = currency.round(price * line.quantity) - sum((d.amount for d in discounts), ZERO)
            off = _manual_off(base, manual.percent, manual.amount, currency)
            if off > 0:
                name = _label(manual.percent, manual.amount, "Manual discount", currency)
                discounts = (*discounts, LineDiscount("manual-line", name, MANUAL_LINE, off))
        discounts = (*discounts, *earned.get(line.line_id, ()))  # tender discounts: at payment
        out[line.line_id] = LinePricing(price, source, discounts)
    total = tx.manual_total_discount
    if total is not None:
        sale = [line for line in tx.active_lines if line.quantity > 0 and line.line_id in out]
        bases = [
            currency.round(out[x.line_id].unit_price * x.quantity)
            - sum((d.amount for d in out[x.line_id].discounts), ZERO)
            for x in sale
        ]
        positive = [max(b, ZERO) for b in bases]
        off = _manual_off(sum(positive, ZERO), total.percent, total.amount, currency)
        if off > 0:
            name = _label(total.percent, total.amount, "Total discount", currency)
            for line, share in zip(sale, distribute(off, positive, currency.unit), strict=True):
                if share > 0:
                    p = out[line.line_id]
                    discount = LineDiscount("manual-total", name, MANUAL_TOTAL, share)
                    out[line.line_id] = LinePricing(
                        p.unit_price, p.price_source, (*p.discounts, discount)
                    )
    return out
