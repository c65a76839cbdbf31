"""Applying master data from the change log (issue #5): the register side of the initial
download of 1,000,000 products, and a delta of 10,000 price changes.

    .venv/bin/python -m bench.sync_apply_probe [PRODUCTS] [PAGE]

A fresh register database (migrations only, no rows) gets a full download in pages of PAGE
items through `local_db.master_apply.apply_page`, exactly as the sync client hands them over:
first the store, tax, units and categories, then products with one barcode and one dated
price each. The items are generated before each page is applied and not counted in the apply
time (the server and HTTP are measured elsewhere). Then 10,000 products are sent again with a
new price (a delta, the full product rows as the change log carries them). The last line of
output is the figures as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from local_db import open_database
from local_db.master_apply import MasterItem, apply_page, master_counts, start_full_download
from runtime.barcodes import with_check_digit

STORE = "S1"
EPOCH = "0" * 31 + "1"
WORDS = ("Crisp", "Golden", "Organic", "Smoked", "Wild", "Fresh", "Dark", "Sparkling", "Mild")
NOUNS = ("Apples", "Beans", "Coffee", "Cheese", "Juice", "Pasta", "Salmon", "Tea", "Yogurt")


def _master() -> list[tuple[str, str, dict[str, Any]]]:
    rows: list[tuple[str, str, dict[str, Any]]] = [
        ("tax_code", "VAT19", {"code": "VAT19", "name": "VAT 19 %", "rate": "19"}),
        ("tax_code", "VAT7", {"code": "VAT7", "name": "VAT 7 %", "rate": "7"}),
        ("tax_group", "standard", {"group_id": "standard", "name": "Std", "codes": ["VAT19"]}),
        ("tax_group", "reduced", {"group_id": "reduced", "name": "Red", "codes": ["VAT7"]}),
        ("store", STORE, {"store_id": STORE, "name": "Bench", "currency_code": "EUR",
                          "store_tax_group": "standard"}),
        ("unit", "ea", {"code": "ea", "name": "Each"}),
        ("unit", "kg", {"code": "kg", "name": "Kilogram", "decimals": 3}),
    ]  # fmt: skip
    rows += [
        ("category", f"C{i:03d}", {"category_id": f"C{i:03d}", "name": f"Category {i}"})
        for i in range(200)
    ]
    return rows


def product(n: int, price_cents: int) -> dict[str, Any]:
    item_id = str(2_000_000 + n)
    name = f"{WORDS[n % 9]} {NOUNS[n // 9 % 9]} {n % 997}g"
    return {
        "item_id": item_id,
        "name": name,
        "description": f"{name}, article {item_id}",
        "category_id": f"C{n % 200:03d}",
        "item_tax_group": "reduced" if n % 3 else "standard",
        "base_price": f"{price_cents // 100}.{price_cents % 100:02d}",
        "sales_unit": "ea",
        "barcodes": [{"code": with_check_digit(f"{400_000_000_000 + n:012d}")}],
        "prices": [{"price": f"{max(price_cents - 50, 9) / 100:.2f}",
                    "valid_from": "2026-01-01", "valid_to": "2026-12-31"}],
    }  # fmt: skip


def _pages(total: int, size: int, version: int, cents: int) -> Any:
    """(items, last version) per page; generated lazily."""
    start = 0
    while start < total:
        items = []
        for n in range(start, min(total, start + size)):
            version += 1
            items.append(MasterItem(version, "product", str(2_000_000 + n), "upsert",
                                    product(n, cents + n % 5000)))  # fmt: skip
        start += size
        yield items, version


def run(products: int, page: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "register.db", create=True)
        try:
            started = time.perf_counter()
            start_full_download(db, STORE)
            master = [MasterItem(i + 1, e, k, "upsert", d) for i, (e, k, d) in enumerate(_master())]
            version = len(master)
            apply_page(db, store_id=STORE, epoch=EPOCH, items=master,
                       next_cursor=f"{EPOCH}.{version}", has_more=True, high_water=0)  # fmt: skip
            applying = generating = cpu = 0.0
            worst = 0.0
            mark = time.perf_counter()
            for items, last in _pages(products, page, version, 199):
                t0, c0 = time.perf_counter(), time.process_time()
                generating += t0 - mark
                result = apply_page(db, store_id=STORE, epoch=EPOCH, items=items,
                                    next_cursor=f"{EPOCH}.{last}",
                                    has_more=int(items[-1].key) - 2_000_000 + 1 < products,
                                    high_water=products + len(master))  # fmt: skip
                mark = time.perf_counter()
                cpu += time.process_time() - c0
                applying += mark - t0
                worst = max(worst, mark - t0)
                assert not result.problems, result.problems[:3]
            total = time.perf_counter() - started
            counts = master_counts(db)
            assert counts["products"] == products and counts["barcodes"] == products
            delta_n = min(10_000, products)
            version = last
            t0, c0 = time.perf_counter(), time.process_time()
            for items, last in _pages(delta_n, page, version, 299):
                apply_page(db, store_id=STORE, epoch=EPOCH, items=items,
                           next_cursor=f"{EPOCH}.{last}", has_more=False,
                           high_water=last)  # fmt: skip
            delta, delta_cpu = time.perf_counter() - t0, time.process_time() - c0
            size = Path(tmp, "register.db").stat().st_size
        finally:
            db.close()
    return {
        "products": products,
        "page_items": page,
        "apply_s": round(applying, 2),
        "apply_cpu_s": round(cpu, 2),
        "products_per_s": round(products / applying),
        "ms_per_page": round(applying / max(1, -(-products // page)) * 1000, 1),
        "worst_page_ms": round(worst * 1000, 1),
        "generate_s": round(generating, 2),
        "total_s": round(total, 2),
        "delta_price_changes": delta_n,
        "delta_s": round(delta, 3),
        "delta_cpu_s": round(delta_cpu, 3),
        "load_average": round(os.getloadavg()[0], 1),
        "db_mb": round(size / 1e6),
    }


def main(argv: list[str]) -> int:
    products = int(argv[0]) if argv else 1_000_000
    page = int(argv[1]) if len(argv) > 1 else 5000
    figures = run(products, page)
    print(
        f"applied {figures['products']:,} products in {figures['apply_s']} s"
        f" ({figures['products_per_s']:,}/s, {figures['ms_per_page']} ms per page of {page},"
        f" worst {figures['worst_page_ms']} ms, CPU {figures['apply_cpu_s']} s);"
        f" total with generation {figures['total_s']} s;"
        f" delta of {figures['delta_price_changes']:,} price changes {figures['delta_s']} s",
        file=sys.stderr,
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
