"""X and Z reports: the structured figures of a shift, and their printable document.

A report carries everything it prints (store name, time zone, tender names and currencies), so
a Z report stored at close and reprinted later shows exactly what was closed, whatever master
data changed since. `report_to_dict` / `report_from_dict` are its stored (JSON) form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from runtime.config import StoreConfig
from runtime.money import ZERO, Currency, format_amount
from runtime.receipt import Align, Element, ReceiptDocument, Separator, TextRow, local_time
from runtime.shift_calc import declared_amounts, expected_amounts, tender_currency
from runtime.shifts import (
    DrawerKind,
    DrawerOperation,
    SalesFigures,
    Shift,
    TaxFigure,
    TenderFigure,
)

REPORT_VERSION = 1


@dataclass(frozen=True, slots=True)
class DrawerTotal:
    """Count and total of one drawer operation kind for one tender (None: no money moved)."""

    kind: DrawerKind
    tender_type_id: str | None
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TenderBalance:
    """Expected against declared for one tender, in the tender's currency."""

    tender_type_id: str
    name: str
    currency: str
    decimals: int
    expected: Decimal
    declared: Decimal | None = None  # None: not declared

    @property
    def over_short(self) -> Decimal | None:
        """Declared - expected: positive is over, negative short."""
        return None if self.declared is None else self.declared - self.expected


@dataclass(frozen=True, slots=True)
class ShiftReport:
    kind: str  # "x" (mid-shift read) or "z" (close)
    shift_id: str
    shift_label: str
    store_name: str
    timezone: str
    currency: str
    decimals: int
    register_id: str
    operator_id: str
    opened_at: dt.datetime
    printed_at: dt.datetime
    figures: SalesFigures
    drawer: tuple[DrawerTotal, ...]
    tenders: tuple[TenderBalance, ...]
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    z_number: int | None = None

    def tender(self, tender_type_id: str) -> TenderBalance | None:
        return next((t for t in self.tenders if t.tender_type_id == tender_type_id), None)

    def drawer_total(self, kind: DrawerKind, tender_type_id: str | None = None) -> DrawerTotal:
        """Summed over tenders unless one is named (amounts of different currencies are only
        meaningful summed within one tender)."""
        rows = [
            d
            for d in self.drawer
            if d.kind is kind and (tender_type_id is None or d.tender_type_id == tender_type_id)
        ]
        return DrawerTotal(
            kind, tender_type_id, sum(d.count for d in rows), sum((d.amount for d in rows), ZERO)
        )


def build_report(
    kind: str,
    store: StoreConfig,
    shift: Shift,
    operations: Sequence[DrawerOperation],
    figures: SalesFigures,
    now: dt.datetime,
) -> ShiftReport:
    expected = expected_amounts(store, operations, figures)
    declared = declared_amounts(operations)
    balances = []
    for tender_id in sorted(set(expected) | set(declared)):
        tender = store.tender_types.get(tender_id)
        currency = tender_currency(store, tender) if tender else store.currency
        balances.append(
            TenderBalance(
                tender_id,
                tender.name if tender else tender_id,
                currency.code,
                currency.decimals,
                expected.get(tender_id, ZERO),
                declared.get(tender_id),
            )
        )
    drawer: dict[tuple[DrawerKind, str | None], list[Any]] = {}
    for op in operations:
        row = drawer.setdefault((op.kind, op.tender_type_id), [0, ZERO])
        row[0] += 1
        row[1] += op.amount
    kinds = list(DrawerKind)
    return ShiftReport(
        kind=kind,
        shift_id=shift.shift_id,
        shift_label=shift.label,
        store_name=store.name,
        timezone=store.timezone,
        currency=store.currency.code,
        decimals=store.currency.decimals,
        register_id=shift.register_id,
        operator_id=shift.operator_id,
        opened_at=shift.opened_at,
        printed_at=now,
        figures=figures,
        drawer=tuple(
            DrawerTotal(k, t, v[0], v[1])
            for (k, t), v in sorted(drawer.items(), key=lambda i: (kinds.index(i[0][0]), i[0][1]))
        ),
        tenders=tuple(balances),
        closed_at=shift.closed_at,
        closed_by=shift.closed_by,
        z_number=shift.z_number,
    )


# ---- stored form --------------------------------------------------------------------------------


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _parse_time(value: object) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(str(value))


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def report_to_dict(report: ShiftReport) -> dict[str, object]:
    """JSON-ready: Decimals and times as text, so nothing is lost on the way through JSON."""
    f = report.figures
    return {
        "version": REPORT_VERSION,
        "kind": report.kind,
        "shift_id": report.shift_id,
        "shift_label": report.shift_label,
        "store_name": report.store_name,
        "timezone": report.timezone,
        "currency": report.currency,
        "decimals": report.decimals,
        "register_id": report.register_id,
        "operator_id": report.operator_id,
        "opened_at": _time(report.opened_at),
        "printed_at": _time(report.printed_at),
        "closed_at": _time(report.closed_at),
        "closed_by": report.closed_by,
        "z_number": report.z_number,
        "figures": {
            "sales_count": f.sales_count,
            "sales_amount": str(f.sales_amount),
            "returns_count": f.returns_count,
            "returns_amount": str(f.returns_amount),
            "return_lines_count": f.return_lines_count,
            "return_lines_amount": str(f.return_lines_amount),
            "discount_total": str(f.discount_total),
            "tax_total": str(f.tax_total),
            "cash_rounding": str(f.cash_rounding),
            "voided_count": f.voided_count,
            "voided_amount": str(f.voided_amount),
            "voided_lines_count": f.voided_lines_count,
            "tenders": [
                [t.tender_type_id, t.count, str(t.amount), _str(t.foreign_amount)]
                for t in f.tenders
            ],
            "taxes": [[t.code, str(t.rate), str(t.base), str(t.amount)] for t in f.taxes],
        },
        "drawer": [[d.kind.value, d.tender_type_id, d.count, str(d.amount)] for d in report.drawer],
        "tenders": [
            [t.tender_type_id, t.name, t.currency, t.decimals, str(t.expected), _str(t.declared)]
            for t in report.tenders
        ],
    }


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def report_from_dict(data: Mapping[str, Any]) -> ShiftReport:
    f = data["figures"]
    figures = SalesFigures(
        sales_count=int(f["sales_count"]),
        sales_amount=Decimal(f["sales_amount"]),
        returns_count=int(f["returns_count"]),
        returns_amount=Decimal(f["returns_amount"]),
        return_lines_count=int(f["return_lines_count"]),
        return_lines_amount=Decimal(f["return_lines_amount"]),
        discount_total=Decimal(f["discount_total"]),
        tax_total=Decimal(f["tax_total"]),
        cash_rounding=Decimal(f["cash_rounding"]),
        voided_count=int(f["voided_count"]),
        voided_amount=Decimal(f["voided_amount"]),
        voided_lines_count=int(f["voided_lines_count"]),
        tenders=tuple(
            TenderFigure(t[0], int(t[1]), Decimal(t[2]), _dec(t[3])) for t in f["tenders"]
        ),
        taxes=tuple(
            TaxFigure(t[0], Decimal(t[1]), Decimal(t[2]), Decimal(t[3])) for t in f["taxes"]
        ),
    )
    opened = _parse_time(data["opened_at"])
    printed = _parse_time(data["printed_at"])
    assert opened is not None and printed is not None
    return ShiftReport(
        kind=str(data["kind"]),
        shift_id=str(data["shift_id"]),
        shift_label=str(data["shift_label"]),
        store_name=str(data["store_name"]),
        timezone=str(data["timezone"]),
        currency=str(data["currency"]),
        decimals=int(data["decimals"]),
        register_id=str(data["register_id"]),
        operator_id=str(data["operator_id"]),
        opened_at=opened,
        printed_at=printed,
        figures=figures,
        drawer=tuple(
            DrawerTotal(DrawerKind(d[0]), d[1], int(d[2]), Decimal(d[3])) for d in data["drawer"]
        ),
        tenders=tuple(
            TenderBalance(t[0], t[1], t[2], int(t[3]), Decimal(t[4]), _dec(t[5]))
            for t in data["tenders"]
        ),
        closed_at=_parse_time(data.get("closed_at")),
        closed_by=data.get("closed_by"),
        z_number=data.get("z_number"),
    )


# ---- the printable document ---------------------------------------------------------------------

_DRAWER_NAMES = {
    DrawerKind.START_AMOUNT: "Start amount",
    DrawerKind.FLOAT_ENTRY: "Float entries",
    DrawerKind.TENDER_REMOVAL: "Tender removals",
    DrawerKind.SAFE_DROP: "Safe drops",
    DrawerKind.BANK_DROP: "Bank drops",
    DrawerKind.PAY_IN: "Pay-ins",
    DrawerKind.PAY_OUT: "Pay-outs",
    DrawerKind.NO_SALE: "No-sale opens",
    DrawerKind.DECLARATION: "Declarations",
}


def report_document(report: ShiftReport, *, reprint: bool = False) -> ReceiptDocument:
    """The X or Z report as a receipt document; times in the store's local time."""
    cur = Currency(report.currency, report.decimals)
    names = {t.tender_type_id: t for t in report.tenders}

    def money(amount: Decimal, tender_id: str | None = None) -> str:
        bal = names.get(tender_id) if tender_id else None
        if bal is not None and bal.currency != report.currency:
            return f"{format_amount(amount, Currency(bal.currency, bal.decimals))} {bal.currency}"
        return format_amount(amount, cur)

    def when(moment: dt.datetime) -> str:
        return f"{local_time(moment, report.timezone):%Y-%m-%d %H:%M}"

    z = report.kind == "z"
    title = "Z REPORT" if z else "X REPORT"
    header: list[Element] = [
        TextRow(report.store_name, align=Align.CENTER, bold=True, double=True),
        TextRow(title, align=Align.CENTER, bold=True, double=True),
    ]
    if reprint:
        header.append(TextRow("*** REPRINT ***", align=Align.CENTER, bold=True))
    header += [
        Separator(),
        TextRow(f"Shift {report.shift_label}", f"Z {report.z_number}" if z else "mid-shift"),
        TextRow(f"Register {report.register_id}", f"Operator {report.operator_id}"),
        TextRow("Opened", when(report.opened_at)),
    ]
    if report.closed_at is not None:
        header.append(TextRow("Closed", when(report.closed_at)))
    header += [TextRow("Printed", when(report.printed_at)), Separator()]
    f = report.figures
    lines: list[Element] = [
        TextRow("SALES", bold=True),
        TextRow(f"Sales ({f.sales_count})", money(f.sales_amount)),
        TextRow(f"Returns ({f.returns_count})", money(f.returns_amount)),
        TextRow(f"  Return lines ({f.return_lines_count})", money(f.return_lines_amount)),
        TextRow("Net sales", money(f.sales_amount + f.returns_amount), bold=True),
        TextRow("Discounts", money(f.discount_total)),
        TextRow("Tax", money(f.tax_total)),
    ]
    if f.cash_rounding:
        lines.append(TextRow("Cash rounding", money(f.cash_rounding)))
    lines += [
        TextRow(f"Voided transactions ({f.voided_count})", money(f.voided_amount)),
        TextRow(f"Voided lines ({f.voided_lines_count})"),
        Separator(),
    ]
    totals: list[Element] = [TextRow("BY TENDER", bold=True)]
    for t in f.tenders:
        totals.append(TextRow(f"{_name(names, t.tender_type_id)} ({t.count})", money(t.amount)))
        if t.foreign_amount is not None:
            totals.append(TextRow("", money(t.foreign_amount, t.tender_type_id)))
    tax: list[Element] = [Separator(), TextRow("BY TAX CODE", "rate     base      tax", bold=True)]
    for x in f.taxes:
        rate = f"{x.rate.normalize():f}%"
        tax.append(TextRow(f"  {x.code}", f"{rate:>6} {money(x.base):>8} {money(x.amount):>8}"))
    tenders: list[Element] = [Separator(), TextRow("DRAWER OPERATIONS", bold=True)]
    for d in report.drawer:
        label = _DRAWER_NAMES[d.kind]
        if d.tender_type_id:
            label += f" {_name(names, d.tender_type_id)}"
        right = money(d.amount, d.tender_type_id) if d.kind is not DrawerKind.NO_SALE else ""
        tenders.append(TextRow(f"{label} ({d.count})", right))
    tenders += [Separator(), TextRow("DRAWER", f"{'expected':>10} {'declared':>10}", bold=True)]
    for b in report.tenders:
        declared = "-" if b.declared is None else money(b.declared, b.tender_type_id)
        expected = money(b.expected, b.tender_type_id)
        tenders.append(TextRow(b.name, f"{expected:>10} {declared:>10}"))
        if b.over_short is not None:
            word = "Over" if b.over_short > 0 else ("Short" if b.over_short < 0 else "Even")
            tenders.append(TextRow(f"  {word}", money(b.over_short, b.tender_type_id)))
    footer: list[Element] = [
        Separator(),
        TextRow(f"*** END OF {title} ***", align=Align.CENTER),
    ]
    return ReceiptDocument(
        kind="z_report" if z else "x_report",
        header=tuple(header),
        lines=tuple(lines),
        totals=tuple(totals),
        tax=tuple(tax),
        tenders=tuple(tenders),
        footer=tuple(footer),
        meta={
            "shift_id": report.shift_id,
            "local_time": local_time(report.printed_at, report.timezone).isoformat(),
            **({"reprint": "1"} if reprint else {}),
        },
    )


def _name(names: Mapping[str, TenderBalance], tender_id: str) -> str:
    bal = names.get(tender_id)
    return bal.name if bal else tender_id
