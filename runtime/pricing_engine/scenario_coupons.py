"""Loading coupons and tender discounts from the scenario format (docs/pricing-scenarios.md).

Shared by `load_scenario` and the register's pricing documents (`documents`), so coupons and
tender discounts have one JSON format wherever they come from. The engine's own import rules
(`validate_coupon`, `validate_tender_discount`) run on well-typed input and their field
names are mapped to JSON paths.
"""

from __future__ import annotations

from collections.abc import Mapping

from runtime.money import ZERO
from runtime.pricing_engine.coupons import (
    Coupon,
    CouponCode,
    CouponStatus,
    validate_coupon,
)
from runtime.pricing_engine.discount_model import DiscountMethod, Tier
from runtime.pricing_engine.scenario_json import _enum_values, _ordered, _Reader
from runtime.pricing_engine.tender_discounts import TenderDiscount, validate_tender_discount

COUPON_KEYS = ("name", "codes", "status", "from", "to", "usage_limit", "no_code_needed")
CODE_KEYS = ("barcode", "from", "to")
TENDER_KEYS = ("name", "from", "to")

_COUPON_FIELDS = {
    "coupon_id": "id", "discount_id": "discount", "valid_from": "from", "valid_to": "to",
}  # fmt: skip
_TENDER_FIELDS = {
    "discount_id": "id", "tender_type_ids": "tender_types", "valid_from": "from",
    "valid_to": "to",
}  # fmt: skip


def _coupons(
    r: _Reader, top: Mapping[str, object], discount_ids: Mapping[str, object] | set[str]
) -> list[Coupon]:
    """`$.coupons[]`: each coupon unlocks one discount (`discount`, which must exist)."""
    out: list[Coupon] = []
    seen: set[str] = set()
    for path, value in r.items(top.get("coupons"), "$.coupons"):
        o = r.obj(value, path, ("id", "discount"), COUPON_KEYS)
        if o is None:
            continue
        before = len(r.errors)
        coupon_id = r.ident(o, "id", path)
        if coupon_id in seen:
            r.err(f"{path}.id", f"duplicate coupon {coupon_id!r}")
        seen.add(coupon_id)
        discount = r.ident(o, "discount", path)
        if discount and discount not in discount_ids:
            r.err(f"{path}.discount", f"unknown discount {discount!r}")
        codes: list[CouponCode] = []
        for cpath, cv in r.items(o.get("codes"), f"{path}.codes"):
            c = r.obj(cv, cpath, ("code",), CODE_KEYS)
            if c is None:
                continue
            start, end = r.date(c, "from", cpath), r.date(c, "to", cpath)
            _ordered(r, cpath, start, end)
            codes.append(
                CouponCode(r.ident(c, "code", cpath), r.opt_text(c, "barcode", cpath), start, end)
            )
        start, end = r.date(o, "from", path), r.date(o, "to", path)
        _ordered(r, path, start, end)
        limit = None if o.get("usage_limit") is None else r.integer(o, "usage_limit", path, 1)
        coupon = Coupon(
            coupon_id=coupon_id, discount_id=discount, codes=tuple(codes),
            status=r.choice(
                o, "status", path, CouponStatus, _enum_values(CouponStatus), CouponStatus.ACTIVE
            ),
            valid_from=start, valid_to=end, usage_limit=limit,
            no_code_needed=r.flag(o, "no_code_needed", path),
        )  # fmt: skip
        if len(r.errors) == before:
            for problem in validate_coupon(coupon):
                r.errors.append(_mapped(path, problem, _COUPON_FIELDS))
        out.append(coupon)
    return out


def _tender_discounts(r: _Reader, top: Mapping[str, object]) -> list[TenderDiscount]:
    """`$.tender_discounts[]`: tiered discounts for paying with given tender types."""
    out: list[TenderDiscount] = []
    seen: set[str] = set()
    methods = _enum_values(DiscountMethod)
    for path, value in r.items(top.get("tender_discounts"), "$.tender_discounts"):
        o = r.obj(value, path, ("id", "tender_types", "tiers"), TENDER_KEYS)
        if o is None:
            continue
        before = len(r.errors)
        discount_id = r.ident(o, "id", path)
        if discount_id in seen:
            r.err(f"{path}.id", f"duplicate tender discount {discount_id!r}")
        seen.add(discount_id)
        tiers: list[Tier] = []
        for tpath, tv in r.items(o.get("tiers"), f"{path}.tiers"):
            t = r.obj(tv, tpath, ("minimum", "method", "value"))
            if t is not None:
                tiers.append(
                    Tier(
                        r.decimal(t, "minimum", tpath) or ZERO,
                        r.choice(
                            t, "method", tpath, DiscountMethod, methods, DiscountMethod.PERCENT
                        ),
                        r.decimal(t, "value", tpath) or ZERO,
                    )
                )
        start, end = r.date(o, "from", path), r.date(o, "to", path)
        td = TenderDiscount(
            discount_id=discount_id, name=r.text(o, "name", path) or discount_id,
            tender_type_ids=frozenset(r.strings(o, "tender_types", path)), tiers=tuple(tiers),
            valid_from=start, valid_to=end,
        )  # fmt: skip
        if len(r.errors) == before:
            for problem in validate_tender_discount(td):
                r.errors.append(_mapped(path, problem, _TENDER_FIELDS))
        out.append(td)
    return out


def _mapped(path: str, problem: str, fields: Mapping[str, str]) -> str:
    """An engine problem ("codes[0].valid_from: ...") as a JSON path under `path`."""
    where, _, message = problem.partition(": ")
    head, dot, rest = where.partition(".")
    base, bracket, index = head.partition("[")
    base = fields.get(base, base)
    rest = fields.get(rest, rest)
    return f"{path}.{base}{bracket}{index}{dot}{rest}: {message}"
