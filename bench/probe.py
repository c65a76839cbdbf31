"""One benchmark measurement per fresh process; prints one JSON line (see bench/run.py)."""

from __future__ import annotations

import json
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

PROCESS_START = time.perf_counter()


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cold_open(db: str, code: str) -> dict[str, object]:
    """Open a 1M-product store and look up one barcode, in a process that has done nothing."""
    imports_start = time.perf_counter()
    from local_db import SqlCatalogReader, open_database

    imported = time.perf_counter()
    t0 = time.perf_counter()
    database = open_database(db)
    hit = SqlCatalogReader(database).find_barcode(code)
    t1 = time.perf_counter()
    assert hit is not None
    database.close()
    return {
        "open_to_first_lookup_ms": (t1 - t0) * 1e3,
        "imports_ms": (imported - imports_start) * 1e3,
        "process_to_first_lookup_ms": (t1 - PROCESS_START) * 1e3 - (t0 - imported) * 1e3,
    }


def any_barcode(db: str) -> str:
    from local_db import open_database, sample_barcodes

    database = open_database(db)
    try:
        return sample_barcodes(database, 1, seed=3)[0]
    finally:
        database.close()


def _plain_barcodes(db: str, n: int, rng: random.Random) -> list[str]:
    """Barcodes of items a plain scan sells (no scale, price, age, serial or variant prompt)."""
    from local_db import open_database, sample_barcodes

    database = open_database(db)
    try:
        return sample_barcodes(database, n, seed=rng.randrange(1 << 30), sellable=True)
    finally:
        database.close()


def _words(db: str, rng: random.Random, n: int) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (top,) = conn.execute("SELECT max(rowid) FROM products").fetchone()
    prefixes: list[str] = []
    while len(prefixes) < n:
        row = conn.execute(
            "SELECT name FROM products WHERE rowid >= ? LIMIT 1", (rng.randint(1, top),)
        ).fetchone()
        words = [w for w in row[0].split() if w.isalpha() and len(w) >= 3]
        if words:
            word = rng.choice(words)
            prefixes.append(word[: rng.randint(2, min(4, len(word)))].lower())
    conn.close()
    return prefixes


def register(db_template: str) -> dict[str, object]:
    """Scan-to-line, search and conclude on a copy of the store; peak RSS of this process."""
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Approval, Conclude, VoidTransaction

    manager = Approval("9001", "9999")  # the cashier may not void; the demo manager approves
    rng = random.Random(5)
    work = Path(tempfile.mkdtemp(prefix="tp-bench-"))
    db = work / "register.db"
    shutil.copy(db_template, db)
    codes = _plain_barcodes(str(db), 400, rng)
    prefixes = _words(str(db), rng, 600)
    reg = open_register(db, "R1", operator_id="1001", extensions=[])
    ensure_open_shift(reg.runtime)
    rt = reg.runtime

    scan: list[float] = []
    for _basket in range(6):
        for i in range(100):
            code = codes[(i * 7 + _basket) % len(codes)]
            t0 = time.perf_counter()
            result = rt.add_line(AddLine(barcode=code))
            scan.append(time.perf_counter() - t0)
            assert result.ok, result.refusal
        voided = rt.void_transaction(VoidTransaction("bench", approval=manager))
        assert voided.ok, voided.refusal  # else the next basket would grow past 100 lines

    search: list[float] = []
    for prefix in prefixes:
        t0 = time.perf_counter()
        rt.search(prefix, 50)
        search.append(time.perf_counter() - t0)

    bare_conn = sqlite3.connect(db, isolation_level=None)
    bare_conn.execute("PRAGMA journal_mode=WAL")
    bare_conn.execute("PRAGMA synchronous=FULL")
    bare_conn.execute("CREATE TABLE IF NOT EXISTS bench_bare_commit (x INTEGER)")
    conclude: list[float] = []
    bare: list[float] = []
    for n in range(300):
        for i in range(20):
            rt.add_line(AddLine(barcode=codes[(n * 13 + i) % len(codes)]))
        paid = rt.add_tender(AddTender("cash"))
        assert paid.ok, paid.refusal
        t0 = time.perf_counter()
        done = rt.conclude(Conclude())
        conclude.append(time.perf_counter() - t0)
        assert done.ok, done.refusal
        t0 = time.perf_counter()
        bare_conn.execute("BEGIN IMMEDIATE")
        bare_conn.execute("INSERT INTO bench_bare_commit VALUES (?)", (n,))
        bare_conn.execute("COMMIT")
        bare.append(time.perf_counter() - t0)
    bare_conn.close()
    reg.close()
    shutil.rmtree(work, ignore_errors=True)
    ms = 1e3
    return {
        "scan_samples": len(scan),
        "scan_p50_ms": pct(scan, 50) * ms,
        "scan_p99_ms": pct(scan, 99) * ms,
        "search_samples": len(search),
        "search_p50_ms": pct(search, 50) * ms,
        "search_p99_ms": pct(search, 99) * ms,
        "conclude_samples": len(conclude),
        "conclude_p50_ms": pct(conclude, 50) * ms,
        "conclude_p99_ms": pct(conclude, 99) * ms,
        "bare_commit_p50_ms": pct(bare, 50) * ms,
        "bare_commit_p99_ms": pct(bare, 99) * ms,
        "conclude_ratio_p50": pct(conclude, 50) / pct(bare, 50),
        "conclude_ratio_p99": pct(conclude, 99) / pct(bare, 99),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bytes_per_sales(db_template: str, sales: int) -> dict[str, object]:
    """File growth (after a truncating checkpoint) for `sales` 6-line cash sales."""
    from local_db import open_database
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Conclude

    rng = random.Random(9)
    work = Path(tempfile.mkdtemp(prefix="tp-bytes-"))
    db = work / "register.db"
    shutil.copy(db_template, db)
    codes = _plain_barcodes(str(db), 200, rng)
    before = db.stat().st_size
    reg = open_register(db, "R1", operator_id="1001", extensions=[])
    ensure_open_shift(reg.runtime)
    rt = reg.runtime
    for n in range(sales):
        for i in range(6):
            rt.add_line(AddLine(barcode=codes[(n * 6 + i) % len(codes)]))
        rt.add_tender(AddTender("cash"))
        assert rt.conclude(Conclude()).ok
    reg.close()
    database = open_database(db)
    database.checkpoint("TRUNCATE")
    database.close()
    grown = db.stat().st_size - before
    shutil.rmtree(work, ignore_errors=True)
    return {"sales": sales, "lines_per_sale": 6, "bytes": grown}


def crash(kills: int) -> dict[str, object]:
    from local_db import DEMO_ITEMS, seed_store
    from tests.crash.harness import run_kills

    work = Path(tempfile.mkdtemp(prefix="tp-crash-"))
    db = work / "register.db"
    seed_store(db, products=500)
    barcodes = [DEMO_ITEMS[name] for name in ("espresso", "cola_pack", "tshirt")]
    t0 = time.perf_counter()
    report = run_kills(db, work / "ack.log", barcodes, kills=kills, seed=99)
    elapsed = time.perf_counter() - t0
    shutil.rmtree(work, ignore_errors=True)
    return {
        "kills": sum(report.kills.values()),
        "by_mode": dict(report.kills),
        "problems": len(report.problems),
        "first_problems": report.problems[:5],
        "sales_on_record": report.sales,
        "seconds": elapsed,
    }


def main() -> None:
    what, *args = sys.argv[1:]
    if what == "cold-open":
        result = cold_open(args[0], args[1])
    elif what == "register":
        result = register(args[0])
    elif what == "bytes":
        result = bytes_per_sales(args[0], int(args[1]))
    elif what == "crash":
        result = crash(int(args[0]))
    else:
        raise SystemExit(f"unknown probe {what}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
