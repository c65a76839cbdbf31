"""Receipt documents: what to print, independent of any printer.

A document is a list of sections of simple elements (text rows with left/right parts,
separators, barcodes, QR codes). Printers render it as ESC/POS, the text renderer as plain
text. Times are shown in the store's local time; amounts in the store currency's precision.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from runtime.config import RegisterConfig, StoreConfig
from runtime.money import ZERO, format_amount
from runtime.transaction import SaleLine, Transaction, TransactionState


class Align(enum.StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class TextRow:
    """One printed row: `left` text and an optional right-aligned `right` part (an amount)."""

    left: str
    right: str = ""
    align: Align = Align.LEFT
    bold: bool = False
    double: bool = False


@dataclass(frozen=True, slots=True)
class Separator:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class BarcodeBlock:
    data: str
    symbology: str = "CODE128"


@dataclass(frozen=True, slots=True)
class QrBlock:
    data: str


Element = TextRow | Separator | BarcodeBlock | QrBlock


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    """A receipt in sections; `kind` says what it is (sale, void, copy, gift, ...)."""

    kind: str
    header: tuple[Element, ...] = ()
    lines: tuple[Element, ...] = ()
    totals: tuple[Element, ...] = ()
    tax: tuple[Element, ...] = ()
    tenders: tuple[Element, ...] = ()
    footer: tuple[Element, ...] = ()
    receipt_number: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def elements(self) -> tuple[Element, ...]:
        return self.header + self.lines + self.totals + self.tax + self.tenders + self.footer

    def with_footer(self, *rows: Element) -> ReceiptDocument:
        return replace(self, footer=self.footer + rows)


def local_time(moment: dt.datetime, timezone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(timezone))


def _qty(quantity: Decimal) -> str:
    text = f"{quantity:f}"  # plain notation: 1E+1 prints as 10
    return text.rstrip("0").rstrip(".") if "." in text else text


def build_receipt(
    tx: Transaction, store: StoreConfig, register: RegisterConfig, *, copy: bool = False
) -> ReceiptDocument:
    """The customer receipt of a concluded (or voided) transaction."""
    cur = store.currency

    def money(amount: Decimal) -> str:
        return format_amount(amount, cur)

    when = local_time(tx.ended_at or tx.started_at, store.timezone)
    header: list[Element] = [TextRow(store.name, align=Align.CENTER, bold=True, double=True)]
    header += [TextRow(line, align=Align.CENTER) for line in store.address_lines]
    if copy:
        header.append(TextRow("*** COPY ***", align=Align.CENTER, bold=True))
    if tx.state is TransactionState.VOIDED:
        header.append(TextRow("*** VOIDED ***", align=Align.CENTER, bold=True))
    elif tx.is_return:
        header.append(TextRow("*** RETURN ***", align=Align.CENTER, bold=True))
    header += [
        Separator(),
        TextRow(f"Receipt {tx.receipt_number or '-'}"),
        TextRow(f"{when:%Y-%m-%d %H:%M}", f"Reg {register.register_id} Op {tx.operator_id}"),
        Separator(),
    ]
    lines: list[Element] = []
    for line in tx.active_lines:
        lines.append(TextRow(line.description, money(line.gross_amount)))
        if line.quantity != 1 or line.unit != line.product.sales_unit or line.weighed:
            lines.append(TextRow(f"  {_qty(line.quantity)} {line.unit} x {money(line.unit_price)}"))
        for discount in line.discounts:
            lines.append(TextRow(f"  {discount.name}", money(-discount.amount)))
        if line.serial_number:
            lines.append(TextRow(f"  S/N {line.serial_number}"))
        if line.comment:
            lines.append(TextRow(f"  {line.comment}"))
        lines += _return_rows(line)
    t = tx.totals
    totals: list[Element] = [Separator()]
    # a tax-exempt customer in a store whose prices include tax does not pay the contained tax
    exemption = t.subtotal - t.discount_total - t.total
    if not store.prices_include_tax:
        exemption += t.tax_total
    if t.discount_total or exemption:
        totals.append(TextRow("Subtotal", money(t.subtotal)))
    if t.discount_total:
        totals.append(TextRow("Discounts", money(-t.discount_total)))
    if exemption:
        totals.append(TextRow("Tax exemption", money(-exemption)))
    if not store.prices_include_tax:
        totals.append(TextRow("Tax", money(t.tax_total)))
    refund = t.total < ZERO
    totals.append(TextRow("REFUND" if refund else "TOTAL", money(t.total), bold=True, double=True))
    if t.cash_rounding:
        totals.append(TextRow("Cash rounding", money(t.cash_rounding)))
        totals.append(TextRow("To refund" if refund else "To pay", money(t.payable), bold=True))
    tax: list[Element] = []
    if t.tax_summary:
        tax.append(TextRow("Tax", "rate    net     tax"))
        for s in t.tax_summary:
            rate = f"{s.rate.normalize():f}%"
            tax.append(TextRow(f"  {s.code}", f"{rate:>6} {money(s.base):>7} {money(s.amount):>7}"))
    elif tx.tax_exempt:
        tax.append(TextRow(f"Tax exempt {tx.tax_exempt_reason}".strip()))
    tenders: list[Element] = [Separator()]
    for tender in tx.tenders:
        if not tender.counts or tender.is_change:
            continue
        name = (
            store.tender_types[tender.tender_type_id].name
            if (tender.tender_type_id in store.tender_types)
            else tender.tender_type_id
        )
        tenders.append(
            TextRow(f"{name} refund" if tender.amount < ZERO else name, money(tender.amount))
        )
        if tender.foreign_amount is not None:
            tenders.append(
                TextRow(
                    f"  {tender.foreign_amount} {tender.foreign_currency} @ {tender.exchange_rate}"
                )
            )
        if tender.terminal_reference:
            brand = f"{tender.card_brand} " if tender.card_brand else ""
            tenders.append(TextRow(f"  {brand}ref {tender.terminal_reference}"))
    change = -sum((tl.amount for tl in tx.tenders if tl.is_change and tl.counts), ZERO)
    if change:
        tenders.append(TextRow("Change", money(change), bold=True))
    footer: list[Element] = [Separator()]
    footer += [TextRow(line, align=Align.CENTER) for line in store.receipt_footer]
    if tx.receipt_number:
        footer.append(BarcodeBlock(tx.receipt_number))
    if copy:
        kind = "copy"
    elif tx.state is TransactionState.VOIDED:
        kind = "void"
    else:
        kind = "return" if tx.is_return else "sale"
    return ReceiptDocument(
        kind=kind,
        header=tuple(header),
        lines=tuple(lines),
        totals=tuple(totals),
        tax=tuple(tax),
        tenders=tuple(tenders),
        footer=tuple(footer),
        receipt_number=tx.receipt_number,
        meta={"transaction_id": tx.transaction_id, "local_time": when.isoformat()},
    )


def _return_rows(line: SaleLine) -> list[Element]:
    """Where a return line comes from: the original receipt and line, or the reason code."""
    ref = line.return_of
    if ref is not None:
        number = ref.receipt_number or ref.transaction_id
        return [TextRow(f"  Return of {number} {ref.line_id}")]
    if line.quantity < ZERO:
        reason = f" ({line.reason_code})" if line.reason_code else ""
        return [TextRow(f"  Return without receipt{reason}")]
    return []


def build_gift_receipt(
    tx: Transaction, store: StoreConfig, register: RegisterConfig
) -> ReceiptDocument:
    """A gift receipt: what was bought and how many, with no price, total or payment, and
    the receipt's barcode so the gift can be returned (the refund then comes from the
    journal, never from this paper)."""
    when = local_time(tx.ended_at or tx.started_at, store.timezone)
    header: list[Element] = [TextRow(store.name, align=Align.CENTER, bold=True, double=True)]
    header += [TextRow(line, align=Align.CENTER) for line in store.address_lines]
    header += [
        TextRow("GIFT RECEIPT", align=Align.CENTER, bold=True),
        Separator(),
        TextRow(f"Receipt {tx.receipt_number or '-'}"),
        TextRow(f"{when:%Y-%m-%d}", f"Reg {register.register_id}"),
        Separator(),
    ]
    lines: list[Element] = []
    for line in tx.active_lines:
        if line.quantity <= ZERO:  # returned items are not part of the gift
            continue
        lines.append(TextRow(line.description, f"{_qty(line.quantity)} {line.unit}"))
        if line.serial_number:
            lines.append(TextRow(f"  S/N {line.serial_number}"))
    footer: list[Element] = [Separator(), TextRow("Present this receipt to exchange or return.")]
    footer += [TextRow(text, align=Align.CENTER) for text in store.receipt_footer]
    if tx.receipt_number:
        footer.append(BarcodeBlock(tx.receipt_number))
    return ReceiptDocument(
        kind="gift",
        header=tuple(header),
        lines=tuple(lines),
        footer=tuple(footer),
        receipt_number=tx.receipt_number,
        meta={"transaction_id": tx.transaction_id, "local_time": when.isoformat()},
    )
