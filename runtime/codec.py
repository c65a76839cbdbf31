"""Transactions to and from plain JSON-able dicts, and canonical JSON with its sha256.

Canonical JSON (sorted keys, no spaces, Decimals as strings, UTC times with 'Z') makes the
same transaction hash the same everywhere: the outbox, the journal chain and the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from runtime.catalog import Product, ProductFlags, SalesPrice, UnitConversion, Variant
from runtime.transaction import (
    LineDiscount,
    LineTax,
    ManualDiscount,
    ReturnOf,
    SaleLine,
    TaxSummary,
    TenderDiscountShare,
    TenderLine,
    TenderStatus,
    Totals,
    Transaction,
    TransactionState,
)

Json = dict[str, Any]


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: times inside Tillpoint are timezone-aware UTC")
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _untime(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


_PRODUCT_DEFAULTS: Json = {
    "description": "",
    "category_id": None,
    "item_tax_group": None,
    "flags": {},
    "variants": [],
    "sales_prices": [],
    "conversions": [],
}
_FLAG_DEFAULTS: Json = {
    "weighed": False,
    "keyed_in_price": False,
    "min_age": 0,
    "blocked_at_self_checkout": False,
    "not_returnable": False,
    "serial_required": False,
    "blocked_for_sale": False,
    "inactive": False,
}
_LINE_DEFAULTS: Json = {
    "variant_id": None,
    "barcode": None,
    "keyed_price": None,
    "serial_number": None,
    "comment": "",
    "weighed": False,
    "voided": False,
    "discounts": [],
    "price_override": None,
    "manual_discount": None,
    "return_of": None,
    "reason_code": None,
}
# header fields added after the first release: left out while they hold their default
_HEADER_DEFAULTS: Json = {
    "shift_id": None,
    "manual_total_discount": None,
    "automatic_discounts_off": False,
    "customer_id": None,
    "coupons": [],
    "tender_discounts": [],
}


def _manual_to_dict(m: ManualDiscount | None) -> Json | None:
    if m is None:
        return None
    return {"percent": _dec(m.percent), "amount": _dec(m.amount), "operator_id": m.operator_id}


def _manual_from_dict(d: Json | None) -> ManualDiscount | None:
    if d is None:
        return None
    return ManualDiscount(_undec(d["percent"]), _undec(d["amount"]), d["operator_id"])


def _taxes_to_list(taxes: tuple[LineTax, ...]) -> list[Json]:
    return [{"code": t.code, "rate": str(t.rate), "amount": str(t.amount)} for t in taxes]


def _taxes_from_list(items: list[Json]) -> tuple[LineTax, ...]:
    return tuple(LineTax(t["code"], Decimal(t["rate"]), Decimal(t["amount"])) for t in items)


def _return_to_dict(r: ReturnOf | None) -> Json | None:
    if r is None:
        return None
    return {
        "transaction_id": r.transaction_id,
        "line_id": r.line_id,
        "receipt_number": r.receipt_number,
        "register_id": r.register_id,
        "original_quantity": str(r.original_quantity),
        "original_net_amount": str(r.original_net_amount),
        "original_amount_incl_tax": str(r.original_amount_incl_tax),
        "original_taxes": _taxes_to_list(r.original_taxes),
    }


def _return_from_dict(d: Json | None) -> ReturnOf | None:
    if d is None:
        return None
    return ReturnOf(
        transaction_id=d["transaction_id"],
        line_id=d["line_id"],
        receipt_number=d["receipt_number"],
        register_id=d["register_id"],
        original_quantity=Decimal(d["original_quantity"]),
        original_net_amount=Decimal(d["original_net_amount"]),
        original_amount_incl_tax=Decimal(d["original_amount_incl_tax"]),
        original_taxes=_taxes_from_list(d["original_taxes"]),
    )


def _compact(data: Json, defaults: Json) -> Json:
    """Leave out fields holding their default: the canonical form is compact and still unique
    (a field is present exactly when it differs from its default)."""
    return {k: v for k, v in data.items() if k not in defaults or v != defaults[k]}


def _expand(data: Json, defaults: Json) -> Json:
    return {**defaults, **data}


def product_to_dict(p: Product) -> Json:
    return _compact(_product_dict(p), _PRODUCT_DEFAULTS)


def _product_dict(p: Product) -> Json:
    f = p.flags
    return {
        "item_id": p.item_id,
        "name": p.name,
        "base_price": str(p.base_price),
        "sales_unit": p.sales_unit,
        "description": p.description,
        "category_id": p.category_id,
        "item_tax_group": p.item_tax_group,
        "flags": _compact(
            {
                "weighed": f.weighed,
                "keyed_in_price": f.keyed_in_price,
                "min_age": f.min_age,
                "blocked_at_self_checkout": f.blocked_at_self_checkout,
                "not_returnable": f.not_returnable,
                "serial_required": f.serial_required,
                "blocked_for_sale": f.blocked_for_sale,
                "inactive": f.inactive,
            },
            _FLAG_DEFAULTS,
        ),
        "variants": [
            {
                "variant_id": v.variant_id,
                "dimensions": dict(v.dimensions),
                "base_price": _dec(v.base_price),
            }
            for v in p.variants
        ],
        "sales_prices": [
            {
                "price": str(s.price),
                "valid_from": s.valid_from.isoformat(),
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
            }
            for s in p.sales_prices
        ],
        "conversions": [
            {
                "from_unit": c.from_unit,
                "to_unit": c.to_unit,
                "factor": str(c.factor),
                "item_id": c.item_id,
            }
            for c in p.conversions
        ],
    }


def product_from_dict(data: Json) -> Product:
    d = _expand(data, _PRODUCT_DEFAULTS)
    return Product(
        item_id=d["item_id"],
        name=d["name"],
        base_price=Decimal(d["base_price"]),
        sales_unit=d["sales_unit"],
        description=d["description"],
        category_id=d["category_id"],
        item_tax_group=d["item_tax_group"],
        flags=ProductFlags(**_expand(d["flags"], _FLAG_DEFAULTS)),
        variants=tuple(
            Variant(v["variant_id"], v["dimensions"], _undec(v["base_price"]))
            for v in d["variants"]
        ),
        sales_prices=tuple(
            SalesPrice(
                Decimal(s["price"]),
                dt.date.fromisoformat(s["valid_from"]),
                dt.date.fromisoformat(s["valid_to"]) if s["valid_to"] else None,
            )
            for s in d["sales_prices"]
        ),
        conversions=tuple(
            UnitConversion(c["from_unit"], c["to_unit"], Decimal(c["factor"]), c["item_id"])
            for c in d["conversions"]
        ),
    )


def line_to_dict(line: SaleLine) -> Json:
    return _compact(_line_dict(line), _LINE_DEFAULTS)


def _line_dict(line: SaleLine) -> Json:
    return {
        "line_id": line.line_id,
        "product": product_to_dict(line.product),
        "quantity": str(line.quantity),
        "unit": line.unit,
        "variant_id": line.variant_id,
        "barcode": line.barcode,
        "keyed_price": _dec(line.keyed_price),
        "serial_number": line.serial_number,
        "comment": line.comment,
        "weighed": line.weighed,
        "voided": line.voided,
        "unit_price": str(line.unit_price),
        "price_source": line.price_source,
        "discounts": [
            {"discount_id": d.discount_id, "name": d.name, "kind": d.kind, "amount": str(d.amount)}
            for d in line.discounts
        ],
        "gross_amount": str(line.gross_amount),
        "discount_amount": str(line.discount_amount),
        "net_amount": str(line.net_amount),
        "taxes": _taxes_to_list(line.taxes),
        "amount_excl_tax": str(line.amount_excl_tax),
        "amount_incl_tax": str(line.amount_incl_tax),
        "price_override": _dec(line.price_override),
        "manual_discount": _manual_to_dict(line.manual_discount),
        "return_of": _return_to_dict(line.return_of),
        "reason_code": line.reason_code,
    }


def line_from_dict(data: Json) -> SaleLine:
    d = _expand(data, _LINE_DEFAULTS)
    return SaleLine(
        line_id=d["line_id"],
        product=product_from_dict(d["product"]),
        quantity=Decimal(d["quantity"]),
        unit=d["unit"],
        variant_id=d["variant_id"],
        barcode=d["barcode"],
        keyed_price=_undec(d["keyed_price"]),
        serial_number=d["serial_number"],
        comment=d["comment"],
        weighed=d["weighed"],
        voided=d["voided"],
        unit_price=Decimal(d["unit_price"]),
        price_source=d["price_source"],
        discounts=tuple(
            LineDiscount(x["discount_id"], x["name"], x["kind"], Decimal(x["amount"]))
            for x in d["discounts"]
        ),
        gross_amount=Decimal(d["gross_amount"]),
        discount_amount=Decimal(d["discount_amount"]),
        net_amount=Decimal(d["net_amount"]),
        taxes=_taxes_from_list(d["taxes"]),
        amount_excl_tax=Decimal(d["amount_excl_tax"]),
        amount_incl_tax=Decimal(d["amount_incl_tax"]),
        price_override=_undec(d["price_override"]),
        manual_discount=_manual_from_dict(d["manual_discount"]),
        return_of=_return_from_dict(d["return_of"]),
        reason_code=d["reason_code"],
    )


def tender_to_dict(t: TenderLine) -> Json:
    return {
        "tender_line_id": t.tender_line_id,
        "tender_type_id": t.tender_type_id,
        "kind": t.kind,
        "amount": str(t.amount),
        "status": t.status.value,
        "foreign_currency": t.foreign_currency,
        "foreign_amount": _dec(t.foreign_amount),
        "exchange_rate": _dec(t.exchange_rate),
        "request_id": t.request_id,
        "terminal_reference": t.terminal_reference,
        "card_brand": t.card_brand,
        "is_change": t.is_change,
        "rounding": str(t.rounding),
        "message": t.message,
    }


def tender_from_dict(d: Json) -> TenderLine:
    return TenderLine(
        tender_line_id=d["tender_line_id"],
        tender_type_id=d["tender_type_id"],
        kind=d["kind"],
        amount=Decimal(d["amount"]),
        status=TenderStatus(d["status"]),
        foreign_currency=d["foreign_currency"],
        foreign_amount=_undec(d["foreign_amount"]),
        exchange_rate=_undec(d["exchange_rate"]),
        request_id=d["request_id"],
        terminal_reference=d["terminal_reference"],
        card_brand=d["card_brand"],
        is_change=d["is_change"],
        rounding=Decimal(d["rounding"]),
        message=d["message"],
    )


def totals_to_dict(t: Totals) -> Json:
    return {
        "subtotal": str(t.subtotal),
        "discount_total": str(t.discount_total),
        "tax_total": str(t.tax_total),
        "total": str(t.total),
        "cash_rounding": str(t.cash_rounding),
        "paid": str(t.paid),
        "tax_summary": [
            {"code": s.code, "rate": str(s.rate), "base": str(s.base), "amount": str(s.amount)}
            for s in t.tax_summary
        ],
    }


def totals_from_dict(d: Json) -> Totals:
    return Totals(
        subtotal=Decimal(d["subtotal"]),
        discount_total=Decimal(d["discount_total"]),
        tax_total=Decimal(d["tax_total"]),
        total=Decimal(d["total"]),
        cash_rounding=Decimal(d["cash_rounding"]),
        paid=Decimal(d["paid"]),
        tax_summary=tuple(
            TaxSummary(s["code"], Decimal(s["rate"]), Decimal(s["base"]), Decimal(s["amount"]))
            for s in d["tax_summary"]
        ),
    )


def header_to_dict(tx: Transaction) -> Json:
    """Everything but the lines: what changes on every operation."""
    later = {
        "shift_id": tx.shift_id,
        "manual_total_discount": _manual_to_dict(tx.manual_total_discount),
        "automatic_discounts_off": tx.automatic_discounts_off,
        "customer_id": tx.customer_id,
        "coupons": list(tx.coupons),
        "tender_discounts": [
            {
                "tender_line_id": t.tender_line_id,
                "line_id": t.line_id,
                "discount_id": t.discount.discount_id,
                "name": t.discount.name,
                "kind": t.discount.kind,
                "amount": str(t.discount.amount),
            }
            for t in tx.tender_discounts
        ],
    }
    return _compact(later, _HEADER_DEFAULTS) | {
        "transaction_id": tx.transaction_id,
        "store_id": tx.store_id,
        "register_id": tx.register_id,
        "operator_id": tx.operator_id,
        "started_at": _time(tx.started_at),
        "state": tx.state.value,
        "tenders": [tender_to_dict(t) for t in tx.tenders],
        "totals": totals_to_dict(tx.totals),
        "tax_exempt": tx.tax_exempt,
        "tax_exempt_reason": tx.tax_exempt_reason,
        "next_line_no": tx.next_line_no,
        "next_tender_no": tx.next_tender_no,
        "receipt_number": tx.receipt_number,
        "ended_at": _time(tx.ended_at),
        "void_reason": tx.void_reason,
    }


def transaction_to_dict(tx: Transaction) -> Json:
    data = header_to_dict(tx)
    data["lines"] = [line_to_dict(line) for line in tx.lines]
    return data


def transaction_from_parts(header: Json, lines: list[SaleLine]) -> Transaction:
    started = _untime(header["started_at"])
    assert started is not None
    return Transaction(
        transaction_id=header["transaction_id"],
        store_id=header["store_id"],
        register_id=header["register_id"],
        operator_id=header["operator_id"],
        started_at=started,
        state=TransactionState(header["state"]),
        lines=tuple(lines),
        tenders=tuple(tender_from_dict(t) for t in header["tenders"]),
        totals=totals_from_dict(header["totals"]),
        tax_exempt=header["tax_exempt"],
        tax_exempt_reason=header["tax_exempt_reason"],
        next_line_no=header["next_line_no"],
        next_tender_no=header["next_tender_no"],
        receipt_number=header["receipt_number"],
        ended_at=_untime(header["ended_at"]),
        void_reason=header["void_reason"],
        shift_id=header.get("shift_id"),
        manual_total_discount=_manual_from_dict(header.get("manual_total_discount")),
        automatic_discounts_off=header.get("automatic_discounts_off", False),
        customer_id=header.get("customer_id"),
        coupons=tuple(header.get("coupons", ())),
        tender_discounts=tuple(
            TenderDiscountShare(
                t["tender_line_id"],
                t["line_id"],
                LineDiscount(t["discount_id"], t["name"], t["kind"], Decimal(t["amount"])),
            )
            for t in header.get("tender_discounts", ())
        ),
    )


def transaction_from_dict(d: Json) -> Transaction:
    return transaction_from_parts(d, [line_from_dict(x) for x in d["lines"]])


def canonical_json(data: Json) -> bytes:
    """Sorted keys, no whitespace, UTF-8: one byte string per value, everywhere."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
