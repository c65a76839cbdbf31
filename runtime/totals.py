"""Repricing: line amounts, taxes and totals from the pricing service's answer.

Tax codes = store tax group ∩ item tax group; several codes on one line add up (each on the
same base). Prices may include tax or not; tax is rounded per line or per code total. Every
total is the sum of rounded line figures, so the receipt always adds up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from runtime.config import StoreConfig, TaxCode, TaxRounding
from runtime.money import HUNDRED, ZERO, Currency, round_parts
from runtime.ports import LinePricing
from runtime.returns import RefundPricing
from runtime.transaction import LineTax, SaleLine, TaxSummary, Totals, Transaction


def _exact_taxes(
    net: Decimal, codes: tuple[TaxCode, ...], prices_include_tax: bool
) -> list[Decimal]:
    """Unrounded tax per code on a line whose net amount is `net` in the store's price basis."""
    if not codes:
        return []
    if prices_include_tax:
        total_rate = sum((c.rate for c in codes), ZERO)
        base = net * HUNDRED / (HUNDRED + total_rate)
    else:
        base = net
    return [base * c.rate / HUNDRED for c in codes]


def _line_amounts(
    line: SaleLine, pricing: LinePricing, currency: Currency
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    unit_price = currency.round(pricing.unit_price)  # as shown on the receipt
    # from the exact price: 250 g of a 24.90/kg item is 6.23, not 250 x 0.02
    gross = currency.round(pricing.unit_price * line.quantity)
    discount = currency.round(sum((d.amount for d in pricing.discounts), ZERO))
    return unit_price, gross, discount, gross - discount


def reprice(
    transaction: Transaction,
    store: StoreConfig,
    pricing: Mapping[str, LinePricing],
    dirty: frozenset[str] | None = None,
) -> Transaction:
    """A new transaction with every active line priced and taxed and the totals recomputed.

    `dirty` names the lines whose inputs changed (None: all of them, e.g. after a tax
    exemption). A clean line whose pricing answer gives the same figures keeps its line object:
    a scan into a 100-line basket then costs a few Decimal operations per line, not a rebuild.
    """
    currency = store.currency
    unit = currency.unit
    per_line = store.tax_rounding is TaxRounding.PER_LINE
    priced: list[SaleLine] = []
    exact: list[tuple[SaleLine, tuple[TaxCode, ...], list[Decimal]]] = []
    fresh: set[str] = set()  # lines whose amounts were (re)computed here
    for line in transaction.lines:
        if line.voided:
            priced.append(line)
            continue
        line_pricing = pricing[line.line_id]
        if isinstance(line_pricing, RefundPricing):
            # a return line with a receipt refunds what was paid: its amounts and taxes are
            # fixed shares of the original's, untouched by discounts, exemption or tax rounding
            priced.append(_refund_line(line, line_pricing))
            continue
        unit_price, gross, discount, net = _line_amounts(line, line_pricing, currency)
        codes = (
            ()
            if transaction.tax_exempt
            else store.tax.applicable(store.store_tax_group, line.product.item_tax_group)
        )
        clean = (
            dirty is not None
            and line.line_id not in dirty
            and line.price_source == line_pricing.price_source
            and line.unit_price == unit_price
            and line.gross_amount == gross
            and line.discount_amount == discount
            and line.discounts == line_pricing.discounts
        )
        if clean:
            priced.append(line)
            if not per_line:
                exact.append(
                    (line, codes, _exact_taxes(line.net_amount, codes, store.prices_include_tax))
                )
            continue
        if transaction.tax_exempt and store.prices_include_tax:
            # an exempt customer pays the price without the tax it contained
            all_codes = store.tax.applicable(store.store_tax_group, line.product.item_tax_group)
            contained = currency.round(sum(_exact_taxes(net, all_codes, True), ZERO))
            net -= contained
        line = replace(
            line,
            unit_price=unit_price,
            price_source=line_pricing.price_source,
            discounts=line_pricing.discounts,
            gross_amount=gross,
            discount_amount=discount,
            net_amount=net,
        )
        fresh.add(line.line_id)
        exact.append((line, codes, _exact_taxes(net, codes, store.prices_include_tax)))
        priced.append(line)

    rounded = _round_taxes(exact, store.tax_rounding, unit)
    final: list[SaleLine] = []
    summary: dict[str, list[Decimal]] = {}
    rates: dict[str, Decimal] = {}
    for line in priced:
        if line.voided:
            final.append(line)
            continue
        taxes = rounded.get(line.line_id, line.taxes)
        if line.line_id in fresh or taxes != line.taxes:
            tax_total = sum((t.amount for t in taxes), ZERO)
            if store.prices_include_tax:
                excl, incl = line.net_amount - tax_total, line.net_amount
            else:
                excl, incl = line.net_amount, line.net_amount + tax_total
            line = replace(line, taxes=taxes, amount_excl_tax=excl, amount_incl_tax=incl)
        final.append(line)
        for t in line.taxes:
            acc = summary.setdefault(t.code, [ZERO, ZERO])
            acc[0] += line.amount_excl_tax
            acc[1] += t.amount
            rates[t.code] = t.rate
    active = [line for line in final if not line.voided]
    totals = Totals(
        subtotal=sum((line.gross_amount for line in active), ZERO),
        discount_total=sum((line.discount_amount for line in active), ZERO),
        tax_total=sum((line.tax_amount for line in active), ZERO),
        total=sum((line.amount_incl_tax for line in active), ZERO),
        cash_rounding=sum((t.rounding for t in transaction.tenders if t.counts), ZERO),
        paid=sum((t.amount for t in transaction.tenders if t.counts), ZERO),
        tax_summary=tuple(
            TaxSummary(code, rates[code], base, amount)
            for code, (base, amount) in sorted(summary.items())
        ),
    )
    return replace(transaction, lines=tuple(final), totals=totals)


def _refund_line(line: SaleLine, refund: RefundPricing) -> SaleLine:
    """The return line with its refund amounts; the same line object when nothing changed."""
    fixed = replace(
        line,
        unit_price=refund.unit_price,
        price_source=refund.price_source,
        discounts=(),
        gross_amount=refund.net_amount,
        discount_amount=ZERO,
        net_amount=refund.net_amount,
        taxes=refund.taxes,
        amount_excl_tax=refund.amount_excl_tax,
        amount_incl_tax=refund.amount_incl_tax,
    )
    return line if fixed == line else fixed


def _round_taxes(
    exact: list[tuple[SaleLine, tuple[TaxCode, ...], list[Decimal]]],
    mode: TaxRounding,
    unit: Decimal,
) -> dict[str, tuple[LineTax, ...]]:
    if mode is TaxRounding.PER_LINE:
        return {
            line.line_id: tuple(
                LineTax(c.code, c.rate, _round_half_up(amount, unit))
                for c, amount in zip(codes, amounts, strict=True)
            )
            for line, codes, amounts in exact
        }
    # per total: each code's exact total is rounded once and spread back over its lines
    by_code: dict[str, list[tuple[int, Decimal]]] = {}
    for index, (_line, codes, amounts) in enumerate(exact):
        for c, amount in zip(codes, amounts, strict=True):
            by_code.setdefault(c.code, []).append((index, amount))
    per_line: list[dict[str, Decimal]] = [{} for _ in exact]
    for code, entries in by_code.items():
        values = [amount for _, amount in entries]
        code_total = _round_half_up(sum(values, ZERO), unit)
        for (index, _), part in zip(entries, round_parts(values, code_total, unit), strict=True):
            per_line[index][code] = part
    return {
        line.line_id: tuple(LineTax(c.code, c.rate, per_line[i][c.code]) for c in codes)
        for i, (line, codes, _amounts) in enumerate(exact)
    }


def _round_half_up(amount: Decimal, unit: Decimal) -> Decimal:
    """Tax is rounded commercially (half away from zero) whatever the currency's price rule."""
    return amount.quantize(unit, rounding=ROUND_HALF_UP)
