"""The discount index and the incremental caches give exactly the unindexed result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.money import Currency
from runtime.pricing_engine import (
    Concurrency,
    ConcurrencyModel,
    Discount,
    DiscountKind,
    DiscountLine,
    DiscountMethod,
    LineGroup,
    MixMatchDeal,
    Tier,
    evaluate_discounts,
)
from runtime.pricing_engine.discount_index import DiscountIndex

USD = Currency("USD", 2)
DAY = dt.date(2026, 3, 10)
ITEMS = ("i1", "i2", "i3", "i4", "i5")
VARIANTS = ("i1-01", "i1-02", "i2-01")
CATEGORIES = ("leaf1", "leaf2", "dept")  # leaf1 and leaf2 sit under dept
PATHS = ((), ("leaf1", "dept"), ("leaf2", "dept"), ("dept",))

ids = st.frozensets(st.sampled_from(ITEMS), max_size=2)
vids = st.frozensets(st.sampled_from(VARIANTS), max_size=1)
cats = st.frozensets(st.sampled_from(CATEGORIES), max_size=1)
sparse = st.one_of(st.just(frozenset[str]()), ids)
sparse_v = st.one_of(st.just(frozenset[str]()), st.just(frozenset[str]()), vids)
sparse_c = st.one_of(st.just(frozenset[str]()), st.just(frozenset[str]()), cats)
percent = st.sampled_from([Decimal("5"), Decimal("10"), Decimal("25"), Decimal("50")])
amount = st.sampled_from([Decimal("0.50"), Decimal("1"), Decimal("3")])


@st.composite
def scopes(draw: st.DrawFn) -> dict[str, frozenset[str]]:
    return {
        "item_ids": draw(sparse),
        "variant_ids": draw(sparse_v),
        "category_ids": draw(sparse_c),
        "exclude_item_ids": draw(st.one_of(st.just(frozenset[str]()), ids)),
        "exclude_variant_ids": draw(sparse_v),
        "exclude_category_ids": draw(sparse_c),
    }


@st.composite
def discounts(draw: st.DrawFn, n: int) -> Discount:
    kind = draw(st.sampled_from(list(DiscountKind)))
    common = {
        "discount_id": f"D{n:02d}",
        "name": f"discount {n}",
        "kind": kind,
        "concurrency": draw(st.sampled_from(list(Concurrency))),
        "price_group_ids": draw(st.sampled_from([frozenset({"g1"}), frozenset({"g2"}),
                                                 frozenset({"g1", "g2"})])),  # fmt: skip
        "priority": draw(st.integers(0, 2)),
        "valid_from": draw(st.sampled_from([None, None, None, DAY + dt.timedelta(days=1)])),
        **draw(scopes()),
    }
    if kind is DiscountKind.SIMPLE:
        method = draw(st.sampled_from(list(DiscountMethod)))
        value = draw(percent) if method is DiscountMethod.PERCENT else draw(amount)
        return Discount(**common, method=method, value=value)
    if kind is DiscountKind.QUANTITY:
        return Discount(
            **common,
            tiers=(
                Tier(Decimal(2), DiscountMethod.PERCENT, draw(percent)),
                Tier(Decimal(4), DiscountMethod.PERCENT, Decimal(60)),
            )[: draw(st.integers(1, 2))],
        )
    if kind is DiscountKind.THRESHOLD:
        method = draw(st.sampled_from([DiscountMethod.PERCENT, DiscountMethod.AMOUNT_OFF]))
        value = draw(percent) if method is DiscountMethod.PERCENT else draw(amount)
        return Discount(
            **common,
            tiers=(Tier(draw(st.sampled_from([Decimal(0), Decimal(10), Decimal(40)])),
                        method, value),),  # fmt: skip
            count_non_discountable=draw(st.booleans()),
        )
    groups = tuple(
        LineGroup(
            f"G{g}",
            draw(st.integers(1, 2)),
            item_ids=draw(sparse),
            variant_ids=draw(sparse_v),
            category_ids=draw(sparse_c),
            exclude_item_ids=draw(st.one_of(st.just(frozenset[str]()), ids)),
        )
        for g in range(draw(st.integers(1, 2)))
    )
    deal = draw(st.sampled_from(list(MixMatchDeal)))
    value = {
        MixMatchDeal.DEAL_PRICE: Decimal("5"),
        MixMatchDeal.AMOUNT_OFF: Decimal("2"),
    }.get(deal, draw(percent))
    return Discount(
        **{**common, "item_ids": frozenset(), "variant_ids": frozenset(),
           "category_ids": draw(st.sampled_from([frozenset(), frozenset({"dept"})]))},
        line_groups=groups,
        deal=deal,
        value=value,
        favour_retailer=draw(st.booleans()),
    )  # fmt: skip


@st.composite
def discount_sets(draw: st.DrawFn) -> list[Discount]:
    n = draw(st.integers(0, 8))
    return [draw(discounts(i)) for i in range(n)]


@st.composite
def lines(draw: st.DrawFn, n: int) -> DiscountLine:
    item = draw(st.sampled_from(ITEMS))
    variant = draw(st.sampled_from([None, *[v for v in VARIANTS if v.startswith(item)]]))
    return DiscountLine(
        line_id=f"L{n:03d}",
        item_id=item,
        quantity=draw(st.sampled_from([Decimal(1), Decimal(1), Decimal(2), Decimal(3),
                                       Decimal("0.5"), Decimal(0), Decimal(-1)])),  # fmt: skip
        unit_price=draw(st.sampled_from([Decimal("2.99"), Decimal("5"), Decimal("12.50"),
                                         Decimal("0.10")])),  # fmt: skip
        variant_id=variant,
        category_ids=draw(st.sampled_from(PATHS)),
        discountable=draw(st.sampled_from([True, True, True, False])),
    )


@st.composite
def baskets(draw: st.DrawFn) -> list[DiscountLine]:
    n = draw(st.integers(0, 7))
    return [draw(lines(i)) for i in range(n)]


def _eval(
    ds: list[Discount],
    basket: list[DiscountLine],
    groups: frozenset[str],
    model: ConcurrencyModel,
    index: DiscountIndex | None = None,
) -> object:
    return evaluate_discounts(
        ds, basket, day=DAY, price_groups=groups, currency=USD, model=model, index=index
    )


GROUPS = st.sampled_from([frozenset({"g1"}), frozenset({"g1", "g2"}), frozenset({"g2"})])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(discount_sets(), baskets(), GROUPS, st.sampled_from(list(ConcurrencyModel)), lines(99))
def test_indexed_evaluation_matches_brute_force(
    ds: list[Discount],
    basket: list[DiscountLine],
    groups: frozenset[str],
    model: ConcurrencyModel,
    scanned: DiscountLine,
) -> None:
    index = DiscountIndex.build(ds)
    assert _eval(ds, basket, groups, model, index) == _eval(ds, basket, groups, model)
    # warm caches: the same basket again, then one more scan, then the basket reversed
    assert _eval(ds, basket, groups, model, index) == _eval(ds, basket, groups, model)
    bigger = [*basket, scanned]
    assert _eval(ds, bigger, groups, model, index) == _eval(ds, bigger, groups, model)
    backwards = list(reversed(bigger))
    assert _eval(ds, backwards, groups, model, index) == _eval(ds, bigger, groups, model)


def test_candidates_use_the_category_path_and_exclusions() -> None:
    on_dept = Discount("D1", "dept", DiscountKind.SIMPLE, Concurrency.BEST_PRICE,
                       frozenset({"g1"}), value=Decimal(10), category_ids=frozenset({"dept"}))
    not_i2 = Discount("D2", "all but i2", DiscountKind.SIMPLE, Concurrency.BEST_PRICE,
                      frozenset({"g1"}), value=Decimal(5), exclude_item_ids=frozenset({"i2"}))
    on_i3 = Discount("D3", "i3", DiscountKind.SIMPLE, Concurrency.BEST_PRICE,
                     frozenset({"g1"}), value=Decimal(5), item_ids=frozenset({"i3"}))
    mix = Discount("M1", "mix", DiscountKind.MIX_MATCH, Concurrency.BEST_PRICE,
                   frozenset({"g1"}), value=Decimal(5), deal=MixMatchDeal.DEAL_PRICE,
                   line_groups=(LineGroup("A", 2, item_ids=frozenset({"i4"})),))  # fmt: skip
    index = DiscountIndex.build([on_i3, not_i2, on_dept, mix])
    found = {index.discounts[p].discount_id for p in index.candidates("i1", None, PATHS[1])}
    assert found == {"D1", "D2"}
    assert {index.discounts[p].discount_id for p in index.candidates("i4", None, ())} == {
        "D2",
        "M1",
    }
    positions = index.candidates("i3", None, PATHS[2])
    assert list(positions) == sorted(positions)
    assert {index.discounts[p].discount_id for p in positions} == {"D1", "D2", "D3"}


def test_left_out_mix_and_match_discounts_still_count_as_search_work() -> None:
    from runtime.pricing_engine.mixmatch import allocate

    def mix(n: int, item: str) -> Discount:
        return Discount(f"M{n:03d}", "mix", DiscountKind.MIX_MATCH, Concurrency.BEST_PRICE,
                        frozenset({"g1"}), value=Decimal(5), deal=MixMatchDeal.DEAL_PRICE,
                        line_groups=(LineGroup("A", 2, item_ids=frozenset({item})),))  # fmt: skip

    basket = [
        DiscountLine(f"L{i}", item, Decimal(1), Decimal(4))
        for i, item in enumerate(["i1", "i2", "i1", "i2", "i1", "i2", "i1", "i2"])
    ]
    used = [mix(1, "i1"), mix(2, "i2")]
    unused = [mix(n, "nowhere") for n in range(3, 400)]
    everything = allocate(used + unused, basket, USD.unit)
    assert everything.searches == {0: "greedy"}  # the idle ones exhaust the exact budget
    alone = allocate(used, basket, USD.unit, idle={0: len(unused)})
    assert alone.searches == everything.searches
    assert alone.sets == everything.sets and alone.shares == everything.shares
    assert allocate(used, basket, USD.unit).searches == {0: "exact"}


def test_service_caches_give_the_uncached_prices_and_see_new_master_data() -> None:
    from dataclasses import replace

    from runtime.ports import PricingContext
    from runtime.pricing_engine import EnginePricingService, PriceBook
    from runtime.transaction import SaleLine
    from tests.runtime.fakes import PRODUCTS, store_config

    store = store_config()
    everything = Discount("D1", "all 10%", DiscountKind.SIMPLE, Concurrency.COMPOUNDED,
                          frozenset({"g1"}), value=Decimal(10))  # fmt: skip
    book = PriceBook.build(store_price_groups={store.store_id: ["g1"]})
    products = list(PRODUCTS.values())[:3]
    basket = [SaleLine(f"L{i}", p, Decimal(2), p.sales_unit) for i, p in enumerate(products)]
    context = PricingContext(store, DAY)
    service = EnginePricingService(book, [everything])
    first = service.price_lines(context, basket)
    assert service.price_lines(context, basket) == first
    assert first == EnginePricingService(book, [everything]).price_lines(context, basket)
    assert all(p.discounts for p in first.values())
    dearer = replace(products[0], base_price=products[0].base_price + 1, sales_prices=())
    changed = [replace(basket[0], product=dearer), *basket[1:]]
    again = service.price_lines(context, changed)
    assert again == EnginePricingService(book, [everything]).price_lines(context, changed)
    assert again["L0"].unit_price == dearer.base_price
