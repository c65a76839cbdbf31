"""Loading the pricing part of a scenario: trade agreements, price adjustments and discounts.

The engine's own validation (`validate_discount`) runs on well-typed input, and its field names
are turned into JSON paths so the error points at the scenario file.
"""

from __future__ import annotations

from collections.abc import Mapping

from runtime.config import StoreConfig
from runtime.money import ZERO
from runtime.pricing_engine.discount_model import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountKind,
    DiscountMethod,
    LineGroup,
    MixMatchDeal,
    Tier,
    validate_discount,
)
from runtime.pricing_engine.model import (
    AccountCode,
    AdjustmentKind,
    ItemCode,
    PriceAdjustment,
    PriceGroup,
    TradeAgreement,
)
from runtime.pricing_engine.scenario_json import (
    _dimensions,
    _enum_values,
    _ordered,
    _Reader,
)

MODELS = {"A": ConcurrencyModel.WITHIN_PRIORITY, "B": ConcurrencyModel.ACROSS_PRIORITIES}
SUPPORTED_KINDS = ("simple", "quantity", "threshold", "mix_and_match")
_EXCL = Concurrency.EXCLUSIVE


TA_KEYS = (
    "name", "item_code", "item", "account_code", "account", "price", "currency", "unit", "from",
    "to", "from_quantity", "to_quantity", "variant", "dimensions", "find_next",
)  # fmt: skip


def _agreements(
    r: _Reader, top: Mapping[str, object], store: StoreConfig, groups: Mapping[str, PriceGroup],
    items: set[str], item_groups: set[str], customers: Mapping[str, object],
) -> list[TradeAgreement]:  # fmt: skip
    out: list[TradeAgreement] = []
    seen: set[str] = set()
    for path, value in r.items(top.get("trade_agreements"), "$.trade_agreements"):
        o = r.obj(value, path, ("id", "item_code", "account_code", "price"), TA_KEYS)
        if o is None:
            continue
        ta_id = r.ident(o, "id", path)
        if ta_id in seen:
            r.err(f"{path}.id", f"duplicate trade agreement {ta_id!r}")
        seen.add(ta_id)
        item_code = r.choice(o, "item_code", path, ItemCode, _enum_values(ItemCode), ItemCode.ITEM)
        account_code = r.choice(
            o, "account_code", path, AccountCode, _enum_values(AccountCode), AccountCode.CUSTOMER
        )
        item = _relation(
            r, o, "item", path, item_code is not ItemCode.ALL_ITEMS,
            items if item_code is ItemCode.ITEM else item_groups,
            "item" if item_code is ItemCode.ITEM else "item group",
        )  # fmt: skip
        account = _relation(
            r, o, "account", path, account_code is not AccountCode.ALL_CUSTOMERS,
            customers if account_code is AccountCode.CUSTOMER else groups,
            "customer" if account_code is AccountCode.CUSTOMER else "price group",
        )  # fmt: skip
        start, end = r.date(o, "from", path), r.date(o, "to", path)
        _ordered(r, path, start, end)
        low = r.decimal(o, "from_quantity", path) or ZERO
        high = r.decimal(o, "to_quantity", path)
        if high and high <= low:
            r.err(f"{path}.to_quantity", f"must be above from_quantity {low} (got {high})")
        out.append(
            TradeAgreement(
                agreement_id=ta_id, item_code=item_code, item_relation=item,
                account_code=account_code, account_relation=account,
                price=r.decimal(o, "price", path) or ZERO,
                currency=r.text(o, "currency", path, store.currency.code),
                unit=r.text(o, "unit", path, "ea"), valid_from=start, valid_to=end,
                from_quantity=low, to_quantity=high, variant_id=r.opt_text(o, "variant", path),
                dimensions=_dimensions(r, o, path), find_next=r.flag(o, "find_next", path),
                name=r.text(o, "name", path),
            )
        )  # fmt: skip
    return out


def _relation(
    r: _Reader, o: Mapping[str, object], key: str, path: str, needed: bool,
    known: Mapping[str, object] | set[str], what: str,
) -> str | None:  # fmt: skip
    value = r.opt_text(o, key, path)
    if needed and value is None:
        r.err(f"{path}.{key}", f"missing: the {what} this agreement is for")
    elif not needed and value is not None:
        r.err(f"{path}.{key}", "must be absent for all_items / all_customers")
    elif value is not None and value not in known:
        r.err(f"{path}.{key}", f"unknown {what} {value!r}")
    return value


ADJ_KEYS = (
    "name", "price_groups", "kind", "value", "items", "variants", "categories", "from", "to",
    "priority", "currency", "unit",
)  # fmt: skip


def _adjustments(
    r: _Reader, top: Mapping[str, object], groups: Mapping[str, PriceGroup], items: set[str],
    variants: set[str], categories: Mapping[str, object],
) -> list[PriceAdjustment]:  # fmt: skip
    out: list[PriceAdjustment] = []
    for path, value in r.items(top.get("price_adjustments"), "$.price_adjustments"):
        o = r.obj(value, path, ("id", "price_groups", "kind", "value"), ADJ_KEYS)
        if o is None:
            continue
        kind = r.choice(
            o,
            "kind",
            path,
            AdjustmentKind,
            _enum_values(AdjustmentKind),
            AdjustmentKind.PERCENT_OFF,
        )
        amount = r.decimal(o, "value", path, positive=True) or ZERO
        if kind is AdjustmentKind.PERCENT_OFF and amount > 100:
            r.err(f"{path}.value", f"percent must be > 0 and <= 100 (got {amount})")
        pgs = r.refs(o, "price_groups", path, groups, "price group")
        if "price_groups" in o and not pgs:
            r.err(f"{path}.price_groups", "at least one price group is required")
        start, end = r.date(o, "from", path), r.date(o, "to", path)
        _ordered(r, path, start, end)
        out.append(
            PriceAdjustment(
                adjustment_id=r.ident(o, "id", path), name=r.text(o, "name", path),
                price_group_ids=pgs, kind=kind, value=amount,
                item_ids=r.refs(o, "items", path, items, "item"),
                variant_ids=r.refs(o, "variants", path, variants, "variant"),
                category_ids=r.refs(o, "categories", path, categories, "category"),
                valid_from=start, valid_to=end, pricing_priority=r.integer(o, "priority", path, 0),
                currency=r.opt_text(o, "currency", path), unit=r.opt_text(o, "unit", path),
            )
        )  # fmt: skip
    return out


DISCOUNT_KEYS = (
    "name", "priority", "method", "value", "tiers", "from", "to", "items", "variants",
    "categories", "exclude_items", "exclude_variants", "exclude_categories",
    "count_non_discountable", "line_groups", "deal", "least_expensive_count", "favour_retailer",
)  # fmt: skip
MIX_KEYS = ("line_groups", "deal", "least_expensive_count", "favour_retailer")
NOT_MIX_KEYS = ("method", "count_non_discountable")
SCOPE_KEYS = (
    "items", "variants", "categories", "exclude_items", "exclude_variants", "exclude_categories",
)  # fmt: skip


def _discounts(
    r: _Reader, top: Mapping[str, object], groups: Mapping[str, PriceGroup], items: set[str],
    variants: set[str], categories: Mapping[str, object],
) -> list[Discount]:  # fmt: skip
    out: list[Discount] = []
    seen: set[str] = set()
    methods = _enum_values(DiscountMethod)
    for path, value in r.items(top.get("discounts"), "$.discounts"):
        o = r.obj(value, path, ("id", "kind", "concurrency", "price_groups"), DISCOUNT_KEYS)
        if o is None:
            continue
        before = len(r.errors)
        kind = r.choice(o, "kind", path, DiscountKind, SUPPORTED_KINDS, DiscountKind.SIMPLE)
        mix = kind is DiscountKind.MIX_MATCH
        for key in NOT_MIX_KEYS if mix else MIX_KEYS:
            if key in o:
                r.err(
                    f"{path}.{key}",
                    "not used by a mix_and_match discount"
                    if mix
                    else "only for mix_and_match discounts",
                )
        deal = MixMatchDeal.DEAL_PRICE
        if mix:
            if "deal" not in o:
                r.err(f"{path}.deal", "missing (required for mix_and_match)")
            deal = r.choice(
                o, "deal", path, MixMatchDeal, _enum_values(MixMatchDeal), MixMatchDeal.DEAL_PRICE
            )
            if "least_expensive_count" in o and deal is not MixMatchDeal.LEAST_EXPENSIVE:
                r.err(f"{path}.least_expensive_count", "only for the least_expensive deal")
        line_groups = tuple(
            _line_group(r, gpath, gv, items, variants, categories)
            for gpath, gv in r.items(o.get("line_groups"), f"{path}.line_groups")
        )
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
        d = Discount(
            discount_id=r.text(o, "id", path), name=r.text(o, "name", path), kind=kind,
            concurrency=r.choice(
                o, "concurrency", path, Concurrency, _enum_values(Concurrency), _EXCL
            ),
            price_group_ids=r.refs(o, "price_groups", path, groups, "price group"),
            priority=r.integer(o, "priority", path, 0),
            method=r.choice(o, "method", path, DiscountMethod, methods, DiscountMethod.PERCENT),
            value=r.decimal(o, "value", path) or ZERO, tiers=tuple(tiers),
            valid_from=r.date(o, "from", path), valid_to=r.date(o, "to", path),
            item_ids=r.refs(o, "items", path, items, "item"),
            variant_ids=r.refs(o, "variants", path, variants, "variant"),
            category_ids=r.refs(o, "categories", path, categories, "category"),
            exclude_item_ids=r.refs(o, "exclude_items", path, items, "item"),
            exclude_variant_ids=r.refs(o, "exclude_variants", path, variants, "variant"),
            exclude_category_ids=r.refs(o, "exclude_categories", path, categories, "category"),
            count_non_discountable=r.flag(o, "count_non_discountable", path),
            line_groups=tuple(g for g in line_groups if g is not None), deal=deal,
            least_expensive_count=r.integer(o, "least_expensive_count", path, 1),
            favour_retailer=r.flag(o, "favour_retailer", path),
        )  # fmt: skip
        if d.discount_id in seen:
            r.err(f"{path}.id", f"duplicate discount {d.discount_id!r}")
        seen.add(d.discount_id)
        if len(r.errors) == before:  # the engine's import rules, on well-typed input only
            for problem in validate_discount(d):
                r.errors.append(_engine_path(path, problem))
        out.append(d)
    return out


def _line_group(
    r: _Reader, path: str, value: object, items: set[str], variants: set[str],
    categories: Mapping[str, object],
) -> LineGroup | None:  # fmt: skip
    """One mix-and-match line group: `quantity` whole units from its own scope."""
    g = r.obj(value, path, ("id", "quantity"), SCOPE_KEYS)
    if g is None:
        return None
    quantity = r.decimal(g, "quantity", path)
    if quantity is not None and quantity != quantity.to_integral_value():
        r.err(f"{path}.quantity", f"must be a whole number of units (got {quantity})")
    return LineGroup(
        group_id=r.ident(g, "id", path), quantity=int(quantity or 0),
        item_ids=r.refs(g, "items", path, items, "item"),
        variant_ids=r.refs(g, "variants", path, variants, "variant"),
        category_ids=r.refs(g, "categories", path, categories, "category"),
        exclude_item_ids=r.refs(g, "exclude_items", path, items, "item"),
        exclude_variant_ids=r.refs(g, "exclude_variants", path, variants, "variant"),
        exclude_category_ids=r.refs(g, "exclude_categories", path, categories, "category"),
    )  # fmt: skip


_FIELD_PATHS = {
    "discount_id": "id", "price_group_ids": "price_groups", "valid_from": "from",
    "valid_to": "to", "group_id": "id",
}  # fmt: skip


def _engine_path(path: str, problem: str) -> str:
    """`validate_discount` names model fields ("tiers[1].minimum: ...",
    "line_groups[0].group_id: ..."); map them to JSON."""
    where, _, message = problem.partition(": ")
    head, dot, rest = where.partition(".")
    base, bracket, index = head.partition("[")
    base = _FIELD_PATHS.get(base, base)
    rest = _FIELD_PATHS.get(rest, rest)
    return f"{path}.{base}{bracket}{index}{dot}{rest}: {message}"
