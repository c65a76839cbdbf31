"""`tillpoint server import` on 1,000,000 products: a measurement, not a test.

    .venv/bin/python -m bench.import_probe [--products N] [--stores K] [--db postgresql://...]

Generates the import files once under bench/.cache/import-<N>-<K>/ (products, barcodes, a
dated price for every tenth product, and the small files around them), imports them into a
fresh server database (an SQLite file by default), then imports the same set again with
10,000 changed base prices and reports what was recorded. Prints a JSON line of figures last.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from channel_server.db import open_database
from channel_server.importer import import_directory
from channel_server.importer_progress import Progress

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
VERSION = 1  # bump when the generated files change
CHANGED = 10_000


def _write(path: Path, header: list[str], rows: object) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)  # type: ignore[arg-type]


def _price(rng: random.Random) -> str:
    cents = rng.randint(29, 19999)
    return f"{cents // 100}.{cents % 100:02d}"


def generate(products: int, stores: int) -> Path:
    """The full import set (cached), and beside it `changed/` with 10,000 new base prices."""
    base = CACHE / f"import-{products}-{stores}-v{VERSION}"
    if (base / "done").exists():
        return base
    shutil.rmtree(base, ignore_errors=True)
    full = base / "full"
    full.mkdir(parents=True)
    rng = random.Random(5)
    started = time.monotonic()
    _write(full / "tax_codes.csv", ["code", "name", "rate"], [("VAT19", "VAT 19 %", "19")])
    _write(full / "tax_groups.csv", ["group_id", "name", "codes"], [("std", "Standard", "VAT19")])
    _write(full / "units.csv", ["code", "name", "decimals"], [("ea", "Each", 0), ("kg", "Kg", 3)])
    cats = [(f"C{i:03d}", f"Category {i}", "") for i in range(200)]
    _write(full / "categories.csv", ["category_id", "name", "parent_id"], cats)
    (full / "stores.json").write_text(
        json.dumps(
            [
                {
                    "store_id": f"S{s:03d}",
                    "name": f"Store {s}",
                    "currency_code": "EUR",
                    "store_tax_group": "std",
                }
                for s in range(1, stores + 1)
            ]  # fmt: skip
        )
    )
    items = [f"{10_000_000 + i}" for i in range(products)]
    prices = [_price(rng) for _ in items]
    header = ["item_id", "name", "category_id", "item_tax_group", "base_price", "sales_unit"]

    def product_rows(price_of: list[str]) -> object:
        for i, item in enumerate(items):
            weighed = i % 50 == 0
            unit = "kg" if weighed else ""
            yield (item, f"Product {item}", f"C{i % 200:03d}", "std", price_of[i], unit)

    _write(full / "products.csv", header, product_rows(prices))
    _write(
        full / "barcodes.csv",
        ["code", "item_id"],
        ((f"{400_000_000_000 + i:013d}", item) for i, item in enumerate(items)),
    )
    _write(
        full / "prices.csv",
        ["item_id", "price", "valid_from", "valid_to"],
        ((item, "0.99", "2026-01-01", "2026-12-31") for item in items[::10]),
    )
    changed = base / "changed"
    changed.mkdir()
    for path in full.iterdir():
        if path.name != "products.csv":
            os.symlink(path, changed / path.name)
    new_prices = list(prices)
    for i in rng.sample(range(products), CHANGED):
        new_prices[i] = str(int(prices[i].split(".")[0]) + 1) + "." + prices[i].split(".")[1]
    _write(changed / "products.csv", header, product_rows(new_prices))
    (base / "done").write_text("ok")
    print(f"generated {products:,} products in {time.monotonic() - started:.0f} s", flush=True)
    return base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--stores", type=int, default=1)
    parser.add_argument("--db", help="a postgresql:// URL (default: a fresh SQLite file)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    base = generate(args.products, args.stores)
    with tempfile.TemporaryDirectory(prefix="import-probe-") as tmp:
        db = open_database(args.db or str(Path(tmp) / "server.db"))
        progress = Progress(not args.quiet)
        try:
            started, cpu = time.monotonic(), time.process_time()
            first = import_directory(db, base / "full", progress=progress)
            first_s, first_cpu = time.monotonic() - started, time.process_time() - cpu
            started, cpu = time.monotonic(), time.process_time()
            again = import_directory(db, base / "changed", progress=progress)
            again_s, again_cpu = time.monotonic() - started, time.process_time() - cpu
        finally:
            db.dispose()
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    rows = sum(first.recorded().values())
    figures = {
        "products": args.products,
        "stores": args.stores,
        "backend": "postgresql" if args.db else "sqlite",
        "import_s": round(first_s, 1),
        "import_cpu_s": round(first_cpu, 1),  # this process only (the machine may be busy)
        "import_products_per_s": round(args.products / first_s),
        "change_rows_recorded": rows,
        "reimport_changed_prices": CHANGED,
        "reimport_rows_recorded": sum(again.recorded().values()),
        "reimport_s": round(again_s, 1),
        "reimport_cpu_s": round(again_cpu, 1),
        "sqlite_bytes": size if not args.db else None,
    }
    print(
        f"import of {args.products:,} products into {args.stores} store(s): {first_s:.1f} s "
        f"({args.products / first_s:,.0f} products/s, {rows:,} change-log rows); "
        f"re-import with {CHANGED:,} changed prices: {figures['reimport_rows_recorded']:,} rows "
        f"recorded in {again_s:.1f} s",
        file=sys.stderr,
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
