"""Tender rules: amounts, limits, change, cash rounding and foreign currency.

Only tenders configured to give change may exceed the balance. Cash rounding (e.g. to 0.05)
is settled by the cash tender that completes the payment and recorded on that tender line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from runtime.config import StoreConfig, TenderKind, TenderType
from runtime.line_rules import finite
from runtime.money import ZERO, Currency, RoundingMode, round_to_increment
from runtime.operations import Refusal, RefusalCode
from runtime.transaction import TenderLine, Transaction


@dataclass(frozen=True, slots=True)
class TenderPlan:
    """An accepted tender before it gets its line id."""

    amount: Decimal  # store currency
    rounding: Decimal
    foreign_currency: str | None = None
    foreign_amount: Decimal | None = None
    exchange_rate: Decimal | None = None


def with_tender_totals(tx: Transaction) -> Transaction:
    """Recompute paid and cash rounding after a tender change (lines untouched)."""
    counted = [t for t in tx.tenders if t.counts]
    totals = replace(
        tx.totals,
        paid=sum((t.amount for t in counted), ZERO),
        cash_rounding=sum((t.rounding for t in counted), ZERO),
    )
    return replace(tx, totals=totals)


def cash_increment(store: StoreConfig, tender: TenderType) -> Decimal | None:
    if tender.kind is not TenderKind.CASH:
        return None
    return tender.cash_rounding or store.cash_rounding


def _limits(tender: TenderType, amount: Decimal, currency: Currency) -> Refusal | None:
    if tender.min_amount is not None and amount < tender.min_amount:
        return Refusal(
            RefusalCode.TENDER_LIMIT,
            f"{tender.name} takes at least {tender.min_amount} {currency.code}.",
        )
    if tender.max_amount is not None and amount > tender.max_amount:
        return Refusal(
            RefusalCode.TENDER_LIMIT,
            f"{tender.name} takes at most {tender.max_amount} {currency.code}.",
        )
    return None


MAX_TENDER_DIGITS = 9  # 999,999,999.99: far above any tender limit, far below Decimal overflow


def _valid_amount(amount: Decimal, currency: Currency) -> Refusal | None:
    if not finite(amount) or amount <= ZERO:
        return Refusal(RefusalCode.INVALID_AMOUNT, "A tender amount must be more than zero.")
    if amount.adjusted() >= MAX_TENDER_DIGITS:
        return Refusal(RefusalCode.INVALID_AMOUNT, f"{amount} is not a plausible amount.")
    if amount != currency.round(amount):
        return Refusal(
            RefusalCode.INVALID_AMOUNT,
            f"{currency.code} amounts have at most {currency.decimals} decimals.",
        )
    return None


def plan_tender(
    tx: Transaction, store: StoreConfig, tender: TenderType, amount: Decimal | None
) -> TenderPlan | Refusal:
    """Check a cash / check / card / foreign-currency tender against the balance and limits."""
    balance = tx.totals.balance_due
    if balance <= ZERO:
        return Refusal(RefusalCode.INVALID_AMOUNT, "Nothing is left to pay.")
    currency = store.currency
    if tender.kind is TenderKind.FOREIGN_CURRENCY:
        return _plan_foreign(store, tender, amount, balance)
    increment = cash_increment(store, tender)
    settle = (
        round_to_increment(balance, increment, store.cash_rounding_mode) if increment else balance
    )
    if amount is None:
        if settle == ZERO:  # e.g. 0.02 left in a 0.05 store: rounding settles it, no coins
            return TenderPlan(amount=currency.zero(), rounding=-balance)
        amount = settle
    refusal = _valid_amount(amount, currency) or _limits(tender, amount, currency)
    if refusal:
        return refusal
    if increment and amount != round_to_increment(amount, increment, RoundingMode.NORMAL):
        return Refusal(
            RefusalCode.INVALID_AMOUNT, f"Cash is taken in steps of {increment} {currency.code}."
        )
    if amount > settle and not tender.gives_change:
        return Refusal(
            RefusalCode.OVERTENDER,
            f"{tender.name} cannot exceed the balance of {settle} {currency.code}; "
            "it gives no change.",
        )
    rounding = settle - balance if amount >= settle else ZERO
    return TenderPlan(amount=currency.round(amount), rounding=rounding)


def _plan_foreign(
    store: StoreConfig, tender: TenderType, amount: Decimal | None, balance: Decimal
) -> TenderPlan | Refusal:
    rate = store.exchange_rates.get(tender.currency or "")
    if rate is None or rate.rate <= ZERO:
        return Refusal(
            RefusalCode.UNKNOWN_TENDER, f"No exchange rate is set for {tender.currency}."
        )
    foreign = rate.currency
    if amount is None:  # exact: enough foreign currency to cover the balance
        amount = foreign.round(balance / rate.rate, RoundingMode.UP)
    refusal = _valid_amount(amount, foreign) or _limits(tender, amount, foreign)
    if refusal:
        return refusal
    in_store = store.currency.round(amount * rate.rate)
    if in_store > balance and not tender.gives_change:
        return Refusal(
            RefusalCode.OVERTENDER,
            f"{tender.name} cannot exceed the balance of {balance} {store.currency.code}.",
        )
    return TenderPlan(
        amount=in_store,
        rounding=ZERO,
        foreign_currency=foreign.code,
        foreign_amount=amount,
        exchange_rate=rate.rate,
    )


def change_line(tx: Transaction, store: StoreConfig, line_id: str) -> TenderLine | None:
    """The negative cash line that hands back the overpayment, in store-currency cash.

    It books to the last cash tender used, else to the store's first change-giving cash tender.
    Change is paid in coins, so in a cash-rounding store it is rounded to the increment too
    (e.g. 7.98 owed back after foreign currency -> 8.00), the difference kept as rounding.
    """
    change = tx.totals.change_due
    if change <= ZERO:
        return None
    cash_used = [t for t in tx.tenders if t.counts and t.kind == TenderKind.CASH.value]
    if cash_used:
        tender_type = cash_used[-1].tender_type_id
    else:
        cash_types = [
            t.tender_type_id
            for t in store.tender_types.values()
            if t.kind is TenderKind.CASH and t.gives_change
        ]
        tender_type = cash_types[0] if cash_types else "cash"
    configured = store.tender_types.get(tender_type)
    increment = cash_increment(store, configured) if configured else store.cash_rounding
    rounding = ZERO
    if increment:
        paid_out = -round_to_increment(-change, increment, store.cash_rounding_mode)
        rounding, change = change - paid_out, paid_out
    return TenderLine(
        tender_line_id=line_id,
        tender_type_id=tender_type,
        kind=TenderKind.CASH.value,
        amount=ZERO - change,  # never -0.00
        is_change=True,
        rounding=rounding,
    )
