"""Loading a pricing scenario: strict JSON validation into runtime and engine value objects.

A scenario is one self-contained JSON document (format: docs/pricing-scenarios.md). Every
problem is reported with the JSON path at fault, all of them at once, in one `ScenarioError`;
unknown keys are rejected so a typo never passes silently; money and quantities are JSON
strings ("10.00") because JSON numbers with a fraction are binary floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runtime.catalog import (
    Product,
    ProductFlags,
    SalesPrice,
    UnitConversion,
    UnitOfMeasure,
    Variant,
)
from runtime.config import StoreConfig, TaxCode, TaxRounding, TaxSetup
from runtime.money import ZERO, Currency, RoundingMode
from runtime.pricing_engine.coupons import Coupon
from runtime.pricing_engine.discount_model import (
    ConcurrencyModel,
    Discount,
)
from runtime.pricing_engine.model import (
    PriceBook,
    PriceGroup,
)
from runtime.pricing_engine.scenario_coupons import _coupons, _tender_discounts
from runtime.pricing_engine.scenario_json import (
    JsonFloat,
    ScenarioError,
    _dimensions,
    _enum_values,
    _ordered,
    _Reader,
    parse_json,
)
from runtime.pricing_engine.scenario_manual import (
    CashierInputs,
    ManualInput,
    cashier_inputs,
    manual_input,
)
from runtime.pricing_engine.scenario_pricing import (
    MODELS,
    _adjustments,
    _agreements,
    _discounts,
)
from runtime.pricing_engine.tender_discounts import TenderDiscount


@dataclass(frozen=True, slots=True)
class BasketLine:
    item: str  # an item id or a variant id
    quantity: Decimal
    unit: str | None = None
    keyed_price: Decimal | None = None
    price_override: Decimal | None = None  # the cashier's new unit price
    manual_discount: ManualInput | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A loaded scenario: the store, its catalogue, the engine's data and the basket."""

    store: StoreConfig
    products: Mapping[str, Product]
    book: PriceBook
    discounts: tuple[Discount, ...]
    model: ConcurrencyModel
    day: dt.date
    customer_id: str | None
    lines: tuple[BasketLine, ...]
    expected: Mapping[str, object] | None = None
    description: str = ""
    variant_owner: Mapping[str, str] = field(default_factory=dict)
    coupons: tuple[Coupon, ...] = ()
    tender_discounts: tuple[TenderDiscount, ...] = ()
    entered_coupons: tuple[str, ...] = ()  # the codes entered on the basket
    cashier: CashierInputs = field(default_factory=CashierInputs)


@dataclass(slots=True)
class GroupLinks:
    """Links declared on price groups themselves: store id -> groups, loyalty tier -> groups."""

    stores: dict[str, list[str]] = field(default_factory=dict)
    tiers: dict[str, list[str]] = field(default_factory=dict)


_BasketParts = tuple[
    dt.date | None, str | None, list[BasketLine], tuple[str, ...], CashierInputs
]
BASKET_KEYS = (
    "customer", "coupons", "manual_total_discount", "automatic_discounts", "operator",
)  # fmt: skip
LINE_KEYS = ("unit", "keyed_price", "price_override", "manual_discount")

TOP_KEYS = (
    "description", "store", "price_groups", "categories", "products", "customers",
    "trade_agreements", "price_adjustments", "discounts", "concurrency_model", "basket",
    "coupons", "tender_discounts", "expected",
)  # fmt: skip


def load_scenario(text: str) -> Scenario:
    """Parse and validate a scenario document; raises `ScenarioError` listing every problem."""
    doc = parse_json(text)
    r = _Reader()
    top = r.obj(doc, "$", ("store", "products", "basket"), TOP_KEYS)
    if top is None:
        raise ScenarioError(r.errors)
    links = GroupLinks()
    groups = _price_groups(r, top, links)
    store, store_groups = _store(r, top.get("store"), groups)
    store_groups = tuple(dict.fromkeys((*store_groups, *links.stores.get(store.store_id, ()))))
    categories = _categories(r, top)
    products, variant_owner, item_groups = _products(r, top, store, categories)
    customers = _customers(r, top, groups, links)
    items = set(products)
    variants = set(variant_owner)
    agreements = _agreements(r, top, store, groups, items, set(item_groups.values()), customers)
    adjustments = _adjustments(r, top, groups, items, variants, categories)
    discounts = _discounts(r, top, groups, items, variants, categories)
    coupons = _coupons(r, top, {d.discount_id for d in discounts})
    tender_discounts = _tender_discounts(r, top)
    model = r.choice(top, "concurrency_model", "$", MODELS.__getitem__, ("A", "B"), MODELS["A"])
    day, customer, lines, entered, cashier = _basket(
        r, top.get("basket"), products, variant_owner, customers
    )
    expected = top.get("expected")
    if expected is not None:
        if r.obj(expected, "$.expected", (), tuple(expected) if isinstance(expected, dict) else ()):
            _no_floats(r, expected, "$.expected")
    description = r.text(top, "description", "$")
    if r.errors:
        raise ScenarioError(r.errors)
    book = PriceBook.build(
        agreements,
        adjustments,
        price_groups=groups.values(),
        item_groups=item_groups,
        store_price_groups={store.store_id: store_groups},
        customer_price_groups=customers,
        category_parents=categories,
    )
    return Scenario(
        store=store,
        products=products,
        book=book,
        discounts=tuple(discounts),
        model=model,
        day=day or dt.date(2000, 1, 1),
        customer_id=customer,
        lines=tuple(lines),
        expected=expected if isinstance(expected, dict) else None,
        description=description,
        variant_owner=variant_owner,
        coupons=tuple(coupons),
        tender_discounts=tuple(tender_discounts),
        entered_coupons=entered,
        cashier=cashier,
    )


def _no_floats(r: _Reader, value: object, path: str) -> None:
    if isinstance(value, JsonFloat):
        r.err(path, f'write numbers as strings ("{value.text}"), not the JSON number {value.text}')
    elif isinstance(value, dict):
        for key, v in value.items():
            _no_floats(r, v, f"{path}.{key}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_floats(r, v, f"{path}[{i}]")


def _price_groups(
    r: _Reader, top: Mapping[str, object], links: GroupLinks | None = None
) -> dict[str, PriceGroup]:
    """`$.price_groups[]`; a group may name the `stores` and `loyalty_tiers` it is linked to
    (recorded in `links`)."""
    groups: dict[str, PriceGroup] = {}
    for path, value in r.items(top.get("price_groups"), "$.price_groups"):
        o = r.obj(value, path, ("id",), ("name", "priority", "stores", "loyalty_tiers"))
        if o is None:
            continue
        gid = r.ident(o, "id", path)
        if gid in groups:
            r.err(f"{path}.id", f"duplicate price group {gid!r}")
        groups[gid] = PriceGroup(gid, r.text(o, "name", path), r.integer(o, "priority", path, 0))
        for key, target in (("stores", "stores"), ("loyalty_tiers", "tiers")):
            for owner in r.strings(o, key, path):
                if links is not None:
                    getattr(links, target).setdefault(owner, []).append(gid)
    return groups


STORE_KEYS = (
    "id", "name", "prices_include_tax", "tax_rounding", "tax_group", "tax_codes", "tax_groups",
    "units", "unit_conversions", "price_groups",
)  # fmt: skip


def _store(
    r: _Reader, value: object, groups: Mapping[str, PriceGroup]
) -> tuple[StoreConfig, tuple[str, ...]]:
    path = "$.store"
    o = r.obj(value, path, ("currency",), STORE_KEYS) or {}
    cur = r.obj(o.get("currency", {}), f"{path}.currency", ("code",), ("decimals", "rounding"))
    cur = cur or {}
    cpath = f"{path}.currency"
    decimals = r.integer(cur, "decimals", cpath, 2)
    if not 0 <= decimals <= 4:
        r.err(f"{cpath}.decimals", f"must be 0..4 (got {decimals})")
        decimals = 2
    rounding = r.choice(
        cur, "rounding", cpath, RoundingMode, _enum_values(RoundingMode), RoundingMode.NORMAL
    )
    currency = Currency(r.ident(cur, "code", cpath) or "XXX", decimals, rounding)
    codes: dict[str, TaxCode] = {}
    for tpath, tv in r.items(o.get("tax_codes"), f"{path}.tax_codes"):
        t = r.obj(tv, tpath, ("code", "rate"), ("name",))
        if t is not None:
            code = r.ident(t, "code", tpath)
            codes[code] = TaxCode(
                code, r.text(t, "name", tpath), r.decimal(t, "rate", tpath) or ZERO
            )
    tax_groups: dict[str, frozenset[str]] = {}
    tg = o.get("tax_groups")
    if tg is not None:
        tgo = r.obj(tg, f"{path}.tax_groups", (), tuple(tg) if isinstance(tg, dict) else ())
        for gid in tgo or {}:
            tax_groups[gid] = r.refs(tgo or {}, gid, f"{path}.tax_groups", codes, "tax code")
    store_tax_group = r.opt_text(o, "tax_group", path)
    if store_tax_group is not None and store_tax_group not in tax_groups:
        r.err(f"{path}.tax_group", f"unknown tax group {store_tax_group!r}")
    units: dict[str, UnitOfMeasure] = {}
    for upath, uv in r.items(o.get("units"), f"{path}.units"):
        u = r.obj(uv, upath, ("code",), ("name", "decimals"))
        if u is not None:
            code = r.ident(u, "code", upath)
            units[code] = UnitOfMeasure(
                code, r.text(u, "name", upath), r.integer(u, "decimals", upath, 0)
            )
    conversions = tuple(
        _conversion(r, cp, cv)
        for cp, cv in r.items(o.get("unit_conversions"), f"{path}.unit_conversions")
    )
    store = StoreConfig(
        store_id=r.text(o, "id", path, "S1") or "S1",
        name=r.text(o, "name", path, "Scenario store"),
        currency=currency,
        tax=TaxSetup(codes, tax_groups),
        tender_types={},
        store_tax_group=store_tax_group,
        prices_include_tax=r.flag(o, "prices_include_tax", path, False),
        tax_rounding=r.choice(
            o, "tax_rounding", path, TaxRounding, _enum_values(TaxRounding), TaxRounding.PER_LINE
        ),
        units=units,
        unit_conversions=tuple(c for c in conversions if c is not None),
    )
    store_groups = tuple(sorted(r.refs(o, "price_groups", path, groups, "price group")))
    return store, store_groups


def _conversion(r: _Reader, path: str, value: object) -> UnitConversion | None:
    c = r.obj(value, path, ("from", "to", "factor"), ("item",))
    if c is None:
        return None
    return UnitConversion(
        r.ident(c, "from", path), r.ident(c, "to", path),
        r.decimal(c, "factor", path, positive=True) or Decimal(1), r.opt_text(c, "item", path),
    )  # fmt: skip


def _categories(r: _Reader, top: Mapping[str, object]) -> dict[str, str | None]:
    parents: dict[str, str | None] = {}
    entries = r.items(top.get("categories"), "$.categories")
    for path, value in entries:
        o = r.obj(value, path, ("id",), ("parent",))
        if o is not None:
            parents[r.ident(o, "id", path)] = r.opt_text(o, "parent", path)
    for path, value in entries:
        parent = value.get("parent") if isinstance(value, dict) else None
        if isinstance(parent, str) and parent not in parents:
            r.err(f"{path}.parent", f"unknown category {parent!r}")
    return parents


PRODUCT_KEYS = (
    "name", "unit", "tax_group", "category", "item_group", "keyed_price", "variants",
    "sales_prices", "conversions",
)  # fmt: skip


def _products(
    r: _Reader, top: Mapping[str, object], store: StoreConfig, categories: Mapping[str, object]
) -> tuple[dict[str, Product], dict[str, str], dict[str, str]]:
    products: dict[str, Product] = {}
    owner: dict[str, str] = {}
    item_groups: dict[str, str] = {}
    for path, value in r.items(top.get("products"), "$.products"):
        o = r.obj(value, path, ("item_id", "base_price"), PRODUCT_KEYS)
        if o is None:
            continue
        item_id = r.ident(o, "item_id", path)
        if item_id in products:
            r.err(f"{path}.item_id", f"duplicate item {item_id!r}")
        tax_group = r.opt_text(o, "tax_group", path)
        if tax_group is not None and tax_group not in store.tax.groups:
            r.err(f"{path}.tax_group", f"unknown tax group {tax_group!r}")
        category = r.opt_text(o, "category", path)
        if category is not None and categories and category not in categories:
            r.err(f"{path}.category", f"unknown category {category!r}")
        group = r.opt_text(o, "item_group", path)
        if group is not None:
            item_groups[item_id] = group
        variants: list[Variant] = []
        for vpath, vv in r.items(o.get("variants"), f"{path}.variants"):
            v = r.obj(vv, vpath, ("id",), ("dimensions", "base_price"))
            if v is None:
                continue
            vid = r.ident(v, "id", vpath)
            if vid in owner or vid in products:
                r.err(f"{vpath}.id", f"duplicate item or variant id {vid!r}")
            owner[vid] = item_id
            variants.append(
                Variant(vid, _dimensions(r, v, vpath), r.decimal(v, "base_price", vpath))
            )
        sales: list[SalesPrice] = []
        for spath, sv in r.items(o.get("sales_prices"), f"{path}.sales_prices"):
            s = r.obj(sv, spath, ("price", "from"), ("to",))
            if s is None:
                continue
            start, end = r.date(s, "from", spath), r.date(s, "to", spath)
            _ordered(r, spath, start, end)
            sales.append(
                SalesPrice(r.decimal(s, "price", spath) or ZERO, start or dt.date.min, end)
            )
        conversions = tuple(
            c for cp, cv in r.items(o.get("conversions"), f"{path}.conversions")
            if (c := _conversion(r, cp, cv)) is not None
        )  # fmt: skip
        products[item_id] = Product(
            item_id=item_id,
            name=r.text(o, "name", path, item_id) or item_id,
            base_price=r.decimal(o, "base_price", path) or ZERO,
            sales_unit=r.text(o, "unit", path, "ea") or "ea",
            category_id=category,
            item_tax_group=tax_group,
            flags=ProductFlags(keyed_in_price=r.flag(o, "keyed_price", path)),
            variants=tuple(variants),
            sales_prices=tuple(sales),
            conversions=conversions,
        )
    for vid in owner:
        if vid in products:
            r.err("$.products", f"{vid!r} is both an item id and a variant id")
    return products, owner, item_groups


def _customers(
    r: _Reader, top: Mapping[str, object], groups: Mapping[str, PriceGroup], links: GroupLinks
) -> dict[str, tuple[str, ...]]:
    customers: dict[str, tuple[str, ...]] = {}
    for path, value in r.items(top.get("customers"), "$.customers"):
        o = r.obj(value, path, ("id",), ("price_group", "groups", "loyalty_tier"))
        if o is None:
            continue
        cid = r.ident(o, "id", path)
        if cid in customers:
            r.err(f"{path}.id", f"duplicate customer {cid!r}")
        own = r.opt_text(o, "price_group", path)
        if own is not None and own not in groups:
            r.err(f"{path}.price_group", f"unknown price group {own!r}")
        others = r.strings(o, "groups", path)
        for i, g in enumerate(others):
            if g not in groups:
                r.err(f"{path}.groups[{i}]", f"unknown price group {g!r}")
        tier = r.opt_text(o, "loyalty_tier", path)
        by_tier = links.tiers.get(tier, []) if tier else []
        customers[cid] = tuple(dict.fromkeys((*((own,) if own else ()), *others, *by_tier)))
    return customers


def _basket(
    r: _Reader, value: object, products: Mapping[str, Product], owner: Mapping[str, str],
    customers: Mapping[str, object],
) -> _BasketParts:  # fmt: skip
    path = "$.basket"
    o = r.obj(value, path, ("date", "lines"), BASKET_KEYS)
    if o is None:
        return None, None, [], (), CashierInputs()
    day = r.date(o, "date", path)
    customer = r.opt_text(o, "customer", path)
    if customer is not None and customer not in customers:
        r.err(f"{path}.customer", f"unknown customer {customer!r}")
    lines: list[BasketLine] = []
    entries = r.items(o.get("lines"), f"{path}.lines")
    if "lines" in o and not entries:
        r.err(f"{path}.lines", "at least one line is required")
    for lpath, lv in entries:
        ln = r.obj(lv, lpath, ("item", "quantity"), LINE_KEYS)
        if ln is None:
            continue
        item = r.ident(ln, "item", lpath)
        if item and item not in products and item not in owner:
            r.err(f"{lpath}.item", f"unknown item or variant {item!r}")
        quantity = r.decimal(ln, "quantity", lpath, positive=True)
        lines.append(
            BasketLine(
                item, quantity or Decimal(1), r.opt_text(ln, "unit", lpath),
                r.decimal(ln, "keyed_price", lpath, positive=True),
                r.decimal(ln, "price_override", lpath),
                manual_input(r, ln["manual_discount"], f"{lpath}.manual_discount")
                if "manual_discount" in ln else None,
            )
        )  # fmt: skip
    cashier = cashier_inputs(r, o, path)
    return day, customer, lines, r.strings(o, "coupons", path), cashier
