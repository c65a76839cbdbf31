"""Pricing-engine benchmark (issue 3): 10,000 active discounts over a 1,000,000-product id
space, a 200-line basket. Prints one JSON line (see bench/run.py).

Everything is built deterministically in memory: the engine needs no database. Item ids are
the seed's (`local_db.seed`: str(1_000_000 + rowid)); categories follow the seed's tree shape
(department C01 > group C01-01 > leaf C01-01-1). Only the basket's products are materialised.

Measures
- startup: build the 10,000 `Discount` objects from plain rows, validate them, and build the
  service (which indexes them);
- first reprice of the 200-line basket after start-up (also pays the per-day activation);
- full reprice: `price_lines` over the 200 lines with every per-line cache emptied first;
- incremental reprice: the 200-line basket priced (warm), then one more scan (201 lines),
  a different product each run; what the runtime does on a scan (it reprices all lines).

Usage: python -m bench.pricing_probe [runs] [--no-freeze]   (--no-freeze: skip gc.freeze())
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import sys
import time
from decimal import Decimal
from typing import Any

PRODUCTS = 1_000_000
DISCOUNTS = 10_000
MIX = 500
QUANTITY = 2_500
THRESHOLD = 1_500
SIMPLE = DISCOUNTS - MIX - QUANTITY - THRESHOLD
BASKET = 200
DAY = dt.date(2026, 3, 10)
DEPARTMENTS, GROUPS, QUALIFIERS = 12, 8, 4


def item_id(rowid: int) -> str:
    return str(1_000_000 + rowid)


def category_of(rowid: int) -> str:
    h = (rowid * 2_654_435_761) % (DEPARTMENTS * GROUPS * QUALIFIERS)
    d, rest = divmod(h, GROUPS * QUALIFIERS)
    g, q = divmod(rest, QUALIFIERS)
    return f"C{d + 1:02d}-{g + 1:02d}-{q + 1}"


def price_of(rowid: int) -> Decimal:
    return Decimal((rowid * 7919) % 4_000 + 99) / 100


def category_parents() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for d in range(1, DEPARTMENTS + 1):
        dept = f"C{d:02d}"
        out[dept] = None
        for g in range(1, GROUPS + 1):
            group = f"{dept}-{g:02d}"
            out[group] = dept
            for q in range(1, QUALIFIERS + 1):
                out[f"{group}-{q}"] = group
    return out


def discount_rows(rng: random.Random) -> tuple[list[dict[str, Any]], list[int], list[int]]:
    """Plain rows (as an import would read them), the rowids named by simple/quantity
    discounts, and those named by mix-and-match line groups."""
    rows: list[dict[str, Any]] = []
    named: list[int] = []
    mixed: list[int] = []
    leaves = [c for c, p in category_parents().items() if p is not None and p.count("-") == 1]
    groups = [c for c, p in category_parents().items() if p is not None and p.count("-") == 0]
    concurrency = ["exclusive", "best_price", "compounded", "compounded", "best_price"]

    def common(n: int, kind: str) -> dict[str, Any]:
        row: dict[str, Any] = {
            "discount_id": f"D{n:05d}",
            "name": f"{kind} {n}",
            "kind": kind,
            "concurrency": rng.choice(concurrency),
            "price_group_ids": ["STORE"] if rng.random() < 0.9 else ["STORE", "LOYAL"],
            "priority": rng.choice((0, 0, 0, 5, 10)),
        }
        return row

    def scope(row: dict[str, Any], n_items: int, pool: list[int]) -> None:
        r = rng.random()
        if r < 0.002:
            row["exclude_category_ids"] = [rng.choice(groups)]  # all products but a group
        elif r < 0.06:
            row["category_ids"] = [rng.choice(leaves if rng.random() < 0.7 else groups)]
        else:
            ids = [rng.randrange(1, PRODUCTS + 1) for _ in range(n_items)]
            pool.extend(ids)
            row["item_ids"] = [item_id(i) for i in ids]

    n = 0
    for _ in range(SIMPLE):
        row = common(n, "simple")
        row["method"] = rng.choice(["percent", "percent", "amount_off", "unit_price"])
        row["value"] = (
            str(rng.choice((5, 10, 15, 20, 25)))
            if row["method"] == "percent"
            else "0.50" if row["method"] == "amount_off" else "0.99"
        )
        scope(row, rng.randint(1, 20), named)
        rows.append(row)
        n += 1
    for _ in range(QUANTITY):
        row = common(n, "quantity")
        row["tiers"] = [("2", "percent", "10"), ("3", "percent", "20")]
        scope(row, rng.randint(1, 10), named)
        rows.append(row)
        n += 1
    for _ in range(THRESHOLD):
        row = common(n, "threshold")
        row["tiers"] = [("25", "amount_off", "2"), ("100", "percent", "5")]
        if rng.random() < 0.5:
            row["tiers"] = [("50", "percent", "10")]
        scope(row, rng.randint(1, 10), [])
        rows.append(row)
        n += 1
    deals = ["deal_price", "percent", "amount_off", "least_expensive"]
    for _ in range(MIX):
        row = common(n, "mix_and_match")
        row["deal"] = rng.choice(deals)
        row["value"] = {"deal_price": "5", "amount_off": "2"}.get(row["deal"], "50")
        line_groups = []
        for g in range(rng.choice((1, 2))):
            ids = [rng.randrange(1, PRODUCTS + 1) for _ in range(rng.randint(2, 6))]
            mixed.extend(ids)
            line_groups.append((f"G{g}", rng.choice((1, 2)), [item_id(i) for i in ids]))
        row["line_groups"] = line_groups
        rows.append(row)
        n += 1
    return rows, named, mixed


def load_discounts(rows: list[dict[str, Any]]) -> list[Any]:
    from runtime.pricing_engine import (
        Concurrency,
        Discount,
        DiscountKind,
        DiscountMethod,
        LineGroup,
        MixMatchDeal,
        Tier,
        validate_discount,
    )

    out = []
    for row in rows:
        d = Discount(
            discount_id=row["discount_id"],
            name=row["name"],
            kind=DiscountKind(row["kind"]),
            concurrency=Concurrency(row["concurrency"]),
            price_group_ids=frozenset(row["price_group_ids"]),
            priority=row["priority"],
            method=DiscountMethod(row.get("method", "percent")),
            value=Decimal(row.get("value", "0")),
            tiers=tuple(
                Tier(Decimal(m), DiscountMethod(k), Decimal(v)) for m, k, v in row.get("tiers", ())
            ),
            item_ids=frozenset(row.get("item_ids", ())),
            category_ids=frozenset(row.get("category_ids", ())),
            exclude_category_ids=frozenset(row.get("exclude_category_ids", ())),
            line_groups=tuple(
                LineGroup(g, q, item_ids=frozenset(ids)) for g, q, ids in row.get("line_groups", ())
            ),
            deal=MixMatchDeal(row.get("deal", "deal_price")),
        )
        problems = validate_discount(d)
        assert not problems, (d.discount_id, problems)
        out.append(d)
    return out


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(runs: int = 50, freeze: bool = True) -> dict[str, object]:
    from runtime.catalog import Product
    from runtime.config import StoreConfig, TaxSetup
    from runtime.money import Currency
    from runtime.ports import PricingContext
    from runtime.pricing_engine import EnginePricingService, PriceBook
    from runtime.transaction import SaleLine

    rng = random.Random(20260310)
    rows, named, mixed = discount_rows(rng)
    store = StoreConfig("S1", "Bench store", Currency("EUR", 2), TaxSetup({}, {}), {})
    store_id = store.store_id
    book = PriceBook.build(
        category_parents=category_parents(), store_price_groups={store_id: ["STORE"]}
    )

    t0 = time.perf_counter()
    discounts = load_discounts(rows)
    service = EnginePricingService(book, discounts)
    startup_ms = (time.perf_counter() - t0) * 1e3
    if freeze:
        # what a register does after loading its master data at start-up: move the
        # long-lived objects (10,000 discounts and their sets) out of the collector's way,
        # so a full collection does not walk them in the middle of a scan
        gc.freeze()

    def product(rowid: int) -> Product:
        return Product(item_id(rowid), f"product {rowid}", price_of(rowid),
                       category_id=category_of(rowid))  # fmt: skip

    def sale_line(n: int, rowid: int, qty: int) -> SaleLine:
        return SaleLine(f"L{n:04d}", product(rowid), Decimal(qty), "ea")

    # the basket: 40 % products with item discounts, 15 % mix-and-match products (in pairs,
    # so sets form), the rest anywhere in the catalogue
    picks: list[int] = []
    while len(picks) < BASKET:
        r = rng.random()
        if r < 0.40:
            picks.append(rng.choice(named))
        elif r < 0.55:
            picks.extend([rng.choice(mixed)] * 2)
        else:
            picks.append(rng.randrange(1, PRODUCTS + 1))
    picks = picks[:BASKET]
    basket = [sale_line(i, rowid, rng.choice((1, 1, 1, 2, 3))) for i, rowid in enumerate(picks)]
    context = PricingContext(store, DAY)

    t0 = time.perf_counter()
    first = service.price_lines(context, basket)
    first_ms = (time.perf_counter() - t0) * 1e3
    discounted = sum(1 for p in first.values() if p.discounts)

    def clear() -> None:
        # every cache the engine fills while pricing (the per-line passes, the mix-and-match
        # phases and sets live in `line_pass` and `allocations`); what stays is built at
        # start-up: the index with each simple or quantity discount's offers, the price
        # book's table of agreed item relations, and the per-day activation
        service._prices.clear()
        service._paths.clear()
        service.index._candidates.clear()
        service.index._plans.clear()
        service.index.line_pass.clear()
        service.index.allocations.clear()

    full: list[float] = []
    for _ in range(runs):
        clear()
        t0 = time.perf_counter()
        service.price_lines(context, basket)
        full.append((time.perf_counter() - t0) * 1e3)

    incremental: list[float] = []
    service.price_lines(context, basket)  # warm
    for k in range(runs):
        rowid = rng.choice(named) if k % 2 else rng.randrange(1, PRODUCTS + 1)
        scanned = [*basket, sale_line(BASKET, rowid, 1)]
        t0 = time.perf_counter()
        service.price_lines(context, scanned)
        incremental.append((time.perf_counter() - t0) * 1e3)

    # the same basket through the unindexed path once, as a check and for comparison
    from runtime.pricing_engine.discounts import evaluate_discounts

    priced = service.price_lines(context, basket)
    lines_in = service.discount_lines(context, basket, priced)
    t0 = time.perf_counter()
    inputs = _discount_inputs(service, context, basket, priced)
    brute = evaluate_discounts(
        service.discounts, inputs, day=DAY, price_groups={"STORE"}, currency=store.currency
    )
    brute_ms = (time.perf_counter() - t0) * 1e3
    assert brute == lines_in, "indexed and unindexed results differ"

    return {
        "products": PRODUCTS,
        "discounts": len(discounts),
        "mix_and_match": MIX,
        "basket_lines": BASKET,
        "discounted_lines": discounted,
        "runs": runs,
        "gc_frozen_after_startup": freeze,
        "startup_ms": startup_ms,
        "first_reprice_ms": first_ms,
        "full_p50_ms": pct(full, 50),
        "full_p99_ms": pct(full, 99),
        "incremental_p50_ms": pct(incremental, 50),
        "incremental_p99_ms": pct(incremental, 99),
        "unindexed_once_ms": brute_ms,
    }


def _discount_inputs(service: Any, context: Any, basket: Any, priced: Any) -> Any:
    from runtime.pricing_engine.concurrency import DiscountLine

    return [
        DiscountLine(ln.line_id, ln.product.item_id, ln.quantity,
                     priced[ln.line_id].unit_price, ln.variant_id,
                     service.book.category_path(ln.product.category_id))  # fmt: skip
        for ln in basket
    ]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(json.dumps(main(int(args[0]) if args else 50, "--no-freeze" not in sys.argv)))
