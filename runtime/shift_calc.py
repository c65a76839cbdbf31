"""Shift arithmetic: parsing what the cashier counted, and what the drawer should hold.

Expected per tender = start amount + float entries + sales tendered (change included, as the
negative cash lines the ledger stores) - removals - safe drops - bank drops + pay-ins - pay-outs.
Safe-dropped money left the drawer, so it is never part of what must be counted. Re-declaring
a start amount or a tender count replaces the earlier one for that tender (the last counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from runtime.config import StoreConfig, TenderKind, TenderType
from runtime.money import ZERO, Currency
from runtime.operations import Refusal, RefusalCode
from runtime.shifts import (
    DRAWER_SIGN,
    Denomination,
    DenominationCount,
    DrawerKind,
    DrawerOperation,
    SalesFigures,
    TaxFigure,
    TenderFigure,
)
from runtime.transaction import Transaction, TransactionState

# one tender's count: {denomination value: how many} or one amount (tenders without notes)
TenderCount = Mapping[str, object] | Mapping[Decimal, object] | Decimal | int | str
DRAWER_TENDER_KINDS = (TenderKind.CASH, TenderKind.FOREIGN_CURRENCY)


def tender_currency(store: StoreConfig, tender: TenderType) -> Currency:
    """The currency a tender is counted in: its own for foreign currency, else the store's."""
    if tender.kind is TenderKind.FOREIGN_CURRENCY and tender.currency:
        rate = store.exchange_rates.get(tender.currency)
        return rate.currency if rate else Currency(tender.currency, 2)
    return store.currency


def _number(raw: object) -> Decimal | None:
    """A finite Decimal from Decimal/int/str input; None for anything else (floats are
    inexact, booleans are not numbers)."""
    if isinstance(raw, bool) or isinstance(raw, float):
        return None
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return value if value.is_finite() else None


def parse_amount(
    raw: object, currency: Currency, what: str, *, allow_zero: bool = False
) -> Decimal | Refusal:
    """A money amount the cashier keyed: a number, not negative (zero only if allowed),
    within the currency's precision."""
    value = _number(raw)
    if value is None:
        return Refusal(RefusalCode.INVALID_AMOUNT, f"{what}: {raw!r} is not an amount.")
    if value < 0 or (value == 0 and not allow_zero):
        need = "zero or more" if allow_zero else "more than zero"
        return Refusal(RefusalCode.INVALID_AMOUNT, f"{what} must be {need}, not {value}.")
    if value != currency.round(value):
        return Refusal(
            RefusalCode.INVALID_AMOUNT,
            f"{what}: {value} has more than {currency.decimals} decimals.",
        )
    if value.adjusted() > 12:
        return Refusal(RefusalCode.INVALID_AMOUNT, f"{what}: {value} is not a believable amount.")
    return currency.round(value)


def parse_count(raw: object, label: str) -> int | Refusal:
    """How many notes or coins: a whole number, zero or more."""
    value = _number(raw)
    if value is None:
        return Refusal(RefusalCode.INVALID_COUNT, f"{label}: {raw!r} is not a count.")
    if value < 0:
        return Refusal(RefusalCode.INVALID_COUNT, f"{label}: a count cannot be negative ({value}).")
    if value != value.to_integral_value() or value.adjusted() > 9:
        return Refusal(RefusalCode.INVALID_COUNT, f"{label}: {value} is not a whole count.")
    return int(value)


def count_tender(
    tender: TenderType,
    currency: Currency,
    raw: object,
    denominations: Sequence[Denomination],
) -> tuple[Decimal, tuple[DenominationCount, ...]] | Refusal:
    """The declared amount of one tender: denomination value x count summed, or one amount for
    a tender whose currency has no denominations (cards, checks)."""
    counted_by_note = tender.kind in DRAWER_TENDER_KINDS and bool(denominations)
    if not isinstance(raw, Mapping):
        if counted_by_note:
            return Refusal(
                RefusalCode.INVALID_COUNT,
                f"Count {tender.name} by denomination (notes and coins of {currency.code}).",
            )
        amount = parse_amount(raw, currency, f"Declared {tender.name}", allow_zero=True)
        if isinstance(amount, Refusal):  # a declaration is a count, whatever went wrong
            return Refusal(RefusalCode.INVALID_COUNT, amount.message)
        return amount, ()
    if not denominations:
        return Refusal(
            RefusalCode.INVALID_COUNT,
            f"{tender.name} has no denominations; declare it as one amount.",
        )
    known = {d.value: d for d in denominations}
    counts: dict[Decimal, int] = {}
    for key, raw_count in raw.items():
        value = _number(key)
        label = f"{tender.name} {key}"
        if value is None or value not in known:
            return Refusal(
                RefusalCode.INVALID_COUNT,
                f"{key!r} is not a {currency.code} denomination.",
            )
        count = parse_count(raw_count, label)
        if isinstance(count, Refusal):
            return count
        if value in counts:
            return Refusal(RefusalCode.INVALID_COUNT, f"{label} is counted twice.")
        counts[value] = count
    lines = tuple(
        DenominationCount(known[v].value, counts[v]) for v in sorted(counts, reverse=True)
    )
    return currency.round(sum((c.amount for c in lines), ZERO)), lines


def _latest(operations: Iterable[DrawerOperation], kind: DrawerKind) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for op in operations:
        if op.kind is kind and op.tender_type_id is not None:
            found[op.tender_type_id] = op.amount
    return found


def start_amounts(operations: Iterable[DrawerOperation]) -> dict[str, Decimal]:
    return _latest(operations, DrawerKind.START_AMOUNT)


def declared_amounts(operations: Iterable[DrawerOperation]) -> dict[str, Decimal]:
    return _latest(operations, DrawerKind.DECLARATION)


def sales_by_tender(store: StoreConfig, figures: SalesFigures) -> dict[str, Decimal]:
    """What sales put in the drawer per tender, in the tender's currency."""
    result: dict[str, Decimal] = {}
    for figure in figures.tenders:
        tender = store.tender_types.get(figure.tender_type_id)
        foreign = tender is not None and tender.kind is TenderKind.FOREIGN_CURRENCY
        if foreign and figure.foreign_amount is not None:
            result[figure.tender_type_id] = figure.foreign_amount
        else:
            result[figure.tender_type_id] = figure.amount
    return result


def expected_amounts(
    store: StoreConfig, operations: Sequence[DrawerOperation], figures: SalesFigures
) -> dict[str, Decimal]:
    """What the drawer should hold per tender, sorted by tender id."""
    expected: dict[str, Decimal] = dict(start_amounts(operations))
    for op in operations:
        sign = DRAWER_SIGN[op.kind]
        if op.kind is DrawerKind.START_AMOUNT or not sign or op.tender_type_id is None:
            continue
        expected[op.tender_type_id] = expected.get(op.tender_type_id, ZERO) + sign * op.amount
    for tender_id, amount in sales_by_tender(store, figures).items():
        expected[tender_id] = expected.get(tender_id, ZERO) + amount
    return {k: expected[k] for k in sorted(expected)}


def missing_declarations(
    store: StoreConfig, operations: Sequence[DrawerOperation], expected: Mapping[str, Decimal]
) -> list[str]:
    """What "require start amount and tender declaration" still asks for, as sentences."""
    missing: list[str] = []
    if not any(op.kind is DrawerKind.START_AMOUNT for op in operations):
        missing.append("declare the start amount")
    declared = declared_amounts(operations)
    drawer = [
        tid
        for tid, amount in expected.items()
        if amount
        and tid not in declared
        and (tender := store.tender_types.get(tid)) is not None
        and tender.kind in DRAWER_TENDER_KINDS
    ]
    if not declared and not drawer:
        missing.append("make a tender declaration")
    missing += [f"declare {store.tender_types[tid].name}" for tid in drawer]
    return missing


def figures_from_transactions(transactions: Iterable[Transaction]) -> SalesFigures:
    """The same figures the store's SQL adds up, from transaction objects (in-memory stores
    and cross-checks)."""
    sales = returns = voided = voided_lines = return_lines = 0
    sales_amt = returns_amt = voided_amt = return_lines_amt = ZERO
    discounts = tax_total = rounding = ZERO
    tenders: dict[str, list[Decimal | int | None]] = {}
    taxes: dict[tuple[str, Decimal], list[Decimal]] = {}
    for tx in transactions:
        if tx.state is TransactionState.VOIDED:
            voided += 1
            voided_amt += tx.totals.total
            continue
        if tx.state is not TransactionState.CONCLUDED:
            continue
        t = tx.totals
        if t.total >= 0:
            sales, sales_amt = sales + 1, sales_amt + t.total
        else:
            returns, returns_amt = returns + 1, returns_amt + t.total
        discounts, tax_total, rounding = (
            discounts + t.discount_total,
            tax_total + t.tax_total,
            (rounding + t.cash_rounding),
        )
        for line in tx.lines:
            if line.voided:
                voided_lines += 1
                continue
            if line.quantity < 0:
                return_lines += 1
                return_lines_amt += line.amount_incl_tax
            for tax in line.taxes:
                entry = taxes.setdefault((tax.code, tax.rate), [ZERO, ZERO])
                entry[0] += line.amount_excl_tax
                entry[1] += tax.amount
        for tender in tx.tenders:
            if not tender.counts:
                continue
            row = tenders.setdefault(tender.tender_type_id, [0, ZERO, None])
            row[0] = int(row[0] or 0) + (0 if tender.is_change else 1)
            row[1] = Decimal(row[1] or 0) + tender.amount
            if tender.foreign_amount is not None:
                row[2] = Decimal(row[2] or 0) + tender.foreign_amount
    return SalesFigures(
        sales_count=sales,
        sales_amount=sales_amt,
        returns_count=returns,
        returns_amount=returns_amt,
        return_lines_count=return_lines,
        return_lines_amount=return_lines_amt,
        discount_total=discounts,
        tax_total=tax_total,
        cash_rounding=rounding,
        voided_count=voided,
        voided_amount=voided_amt,
        voided_lines_count=voided_lines,
        tenders=tuple(
            TenderFigure(
                k,
                int(v[0] or 0),
                Decimal(v[1] or 0),
                None if v[2] is None else Decimal(v[2]),
            )
            for k, v in sorted(tenders.items())
        ),
        taxes=tuple(TaxFigure(c, r, v[0], v[1]) for (c, r), v in sorted(taxes.items())),
    )
