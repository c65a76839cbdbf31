"""Refund tender rules: paying out a negative balance (a return, or an exchange that leaves
money owed to the customer).

Cash goes back as cash (rounded to the cash increment like a payment); a card sale goes back
to the card it was paid with, through the terminal. A card sale refunded in cash needs the
REFUND_CARD_TO_CASH permission (checked by runtime.tender_ops). Checks and foreign currency
never pay out refunds. A refund never exceeds what is owed: there is no change on a refund.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from runtime.config import StoreConfig, TenderKind, TenderType
from runtime.line_rules import finite
from runtime.money import ZERO, RoundingMode, round_to_increment
from runtime.operations import Refusal, RefusalCode
from runtime.tendering import MAX_TENDER_DIGITS, TenderPlan, cash_increment
from runtime.transaction import TenderLine, Transaction

REFUND_KINDS = (TenderKind.CASH, TenderKind.CARD)


def card_payments(originals: Sequence[Transaction]) -> list[TenderLine]:
    """Approved card payments of the original sales, oldest first."""
    return [
        t
        for tx in originals
        for t in tx.tenders
        if t.kind == TenderKind.CARD.value and t.counts and t.amount > ZERO
    ]


def plan_refund(
    tx: Transaction, store: StoreConfig, tender: TenderType, amount: Decimal | None
) -> TenderPlan | Refusal:
    """Check a refund of `amount` (negative; None: the exact refund) against what is owed."""
    balance = tx.totals.balance_due
    currency = store.currency
    if balance >= ZERO:
        return Refusal(RefusalCode.INVALID_AMOUNT, "Nothing is owed to the customer.")
    if tender.kind not in REFUND_KINDS:
        return Refusal(
            RefusalCode.REFUND_TENDER,
            f"Refunds are paid in cash or back to the card, not as {tender.name}.",
        )
    increment = cash_increment(store, tender)
    settle = (
        round_to_increment(balance, increment, store.cash_rounding_mode) if increment else balance
    )
    if amount is None:
        if settle == ZERO:  # e.g. 0.02 owed in a 0.05 store: rounding settles it, no coins
            return TenderPlan(amount=currency.zero(), rounding=-balance)
        amount = settle
    owed = f"{-settle} {currency.code}"
    if not finite(amount) or amount >= ZERO:
        return Refusal(
            RefusalCode.INVALID_AMOUNT,
            f"The customer is owed {owed}: enter the refund as a negative amount, or leave "
            "the amount out for the exact refund.",
        )
    paid_out = -amount
    if paid_out.adjusted() >= MAX_TENDER_DIGITS:
        return Refusal(RefusalCode.INVALID_AMOUNT, f"{amount} is not a plausible amount.")
    if amount != currency.round(amount):
        return Refusal(
            RefusalCode.INVALID_AMOUNT,
            f"{currency.code} amounts have at most {currency.decimals} decimals.",
        )
    if tender.max_amount is not None and paid_out > tender.max_amount:
        return Refusal(
            RefusalCode.TENDER_LIMIT,
            f"{tender.name} refunds at most {tender.max_amount} {currency.code}.",
        )
    if increment and amount != round_to_increment(amount, increment, RoundingMode.NORMAL):
        return Refusal(
            RefusalCode.INVALID_AMOUNT, f"Cash is paid out in steps of {increment} {currency.code}."
        )
    if amount < settle:
        return Refusal(
            RefusalCode.OVERTENDER,
            f"The refund cannot exceed what is owed to the customer: {owed}.",
        )
    rounding = settle - balance if amount == settle else ZERO
    return TenderPlan(amount=currency.round(amount), rounding=rounding)
