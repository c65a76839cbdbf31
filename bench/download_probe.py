"""The register's initial master-data download end to end (issue #5): a channel server with
1,000,000 products, the real sync client (`sync.download.Downloader`) and a fresh register
database; then a delta of 10,000 price changes.

    .venv/bin/python -m bench.download_probe [--products N] [--page 5000]

The server database (SQLite) is built once with `channel_server.master_data.apply_changes`
(the import tool's writer; products shaped like docs/master-data.md, with a barcode and a dated
price each) and cached under bench/.cache; every run copies it, starts the server in its own
process with uvicorn (bench.ingest_probe's `serve`), activates a register over HTTP, opens a
fresh register database (migrations only) and downloads everything through the Downloader:
HTTP on loopback, the server's page reads, the client's page parse and the local apply. Then
10,000 products get a new price on the server and the register downloads the delta. The last
line of output is the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.ingest_probe import _cpu_seconds, _server
from bench.sync_apply_probe import STORE, _master, product

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
VERSION = 1  # bump when the generated server database changes
DELTA = 10_000
CHUNK = 100_000  # products per server transaction while building


def _server_db(products: int) -> Path:
    """The server database with `products` products in store S1's change log (cached)."""
    from channel_server.db import open_database
    from channel_server.devices import ensure_store
    from channel_server.master_data import MasterChange, apply_changes

    path = CACHE / f"download-server-{products}-v{VERSION}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    db = open_database(str(tmp))
    try:
        with db.write() as session:
            ensure_store(session, STORE)
            apply_changes(session, [MasterChange(e, k, d) for e, k, d in _master()], [STORE])
        for start in range(0, products, CHUNK):
            changes = [
                MasterChange("product", str(2_000_000 + n), product(n, 199 + n % 5000))
                for n in range(start, min(products, start + CHUNK))
            ]
            with db.write() as session:
                apply_changes(session, changes, [STORE])
    finally:
        db.dispose()
    with open(tmp, "rb+") as handle:  # the WAL was checkpointed by dispose; make it durable
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    print(f"built a server with {products:,} products in {time.monotonic() - started:.0f} s",
          file=sys.stderr, flush=True)  # fmt: skip
    return path


def _publish_prices(url: str, products: int, cents: int) -> None:
    """New prices for the first DELTA products (spread over the catalogue)."""
    from channel_server.db import open_database
    from channel_server.master_data import MasterChange, apply_changes

    step = max(1, products // DELTA)
    db = open_database(url)
    try:
        with db.write() as session:
            apply_changes(session, [
                MasterChange("product", str(2_000_000 + n), product(n, cents + n % 5000))
                for n in range(0, products, step)[:DELTA]
            ], [STORE])  # fmt: skip
    finally:
        db.dispose()


def run(products: int, page: int) -> dict[str, object]:
    from channel_server.db import open_database as open_server
    from channel_server.devices import issue_activation_code
    from local_db import open_database
    from local_db.sync_state import master_counts
    from sync.client import ChannelClient
    from sync.download import Downloader
    from sync.transport import Transport

    cached = _server_db(products)
    with tempfile.TemporaryDirectory(prefix="download-probe-") as tmp:
        url = os.path.join(tmp, "server.db")
        shutil.copy(cached, url)
        with _server(url) as (base, pid):
            server = open_server(url)
            code = issue_activation_code(server, STORE, "R1").code
            server.dispose()
            answer = httpx.post(base + "/v1/activate", json={"code": code}).raise_for_status()
            client = ChannelClient(Transport(base, answer.json()["token"], timeout=120))
            db = open_database(Path(tmp) / "register.db", create=True)
            try:
                downloader = Downloader(db, client, STORE, register_id="R1", page_limit=page)
                cpu, server_cpu = time.process_time(), _cpu_seconds(pid)
                started = time.perf_counter()
                full = downloader.download()
                seconds = time.perf_counter() - started
                cpu, server_cpu = time.process_time() - cpu, _cpu_seconds(pid) - server_cpu
                counts = master_counts(db)
                if counts["products"] != products or full.problems:
                    raise SystemExit(f"incomplete download: {counts} {full.problems[:3]}")
                _publish_prices(url, products, 399)
                started, delta_cpu = time.perf_counter(), time.process_time()
                delta = downloader.download()
                delta_s = time.perf_counter() - started
                delta_cpu = time.process_time() - delta_cpu
                step = max(1, products // DELTA)
                wanted = {str(2_000_000 + n): product(n, 399 + n % 5000)["base_price"]
                          for n in range(0, products, step)[:DELTA]}  # fmt: skip
                with db.read("check the delta") as conn:
                    moved = sum(
                        conn.execute(
                            "SELECT base_price FROM products WHERE item_id = ?", (k,)
                        ).fetchone()[0]
                        == price
                        for k, price in wanted.items()
                    )
                if delta.items != len(wanted) or moved != len(wanted) or delta.full:
                    raise SystemExit(f"unexpected delta: {delta}")
            finally:
                db.close()
                client.close()
            size = Path(tmp, "register.db").stat().st_size
    return {
        "products": products,
        "page_items": downloader.page_limit,
        "pages": full.pages,
        "seconds": round(seconds, 2),
        "products_per_s": round(products / seconds),
        "client_cpu_s": round(cpu, 2),
        "server_cpu_s": round(server_cpu, 2),
        "delta_price_changes": delta.items,
        "delta_pages": delta.pages,
        "delta_page_items": downloader.delta_limit,
        "delta_s": round(delta_s, 3),
        "delta_client_cpu_s": round(delta_cpu, 3),
        "delta_prices_checked": moved,
        "load_average": round(os.getloadavg()[0], 1),
        "register_db_mb": round(size / 1e6),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.download_probe")
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--page", type=int, default=5000, help="items per page requested")
    args = parser.parse_args(argv)
    figures = run(args.products, args.page)
    print(
        f"full download of {figures['products']:,} products: {figures['seconds']} s"
        f" ({figures['products_per_s']:,}/s, {figures['pages']} pages; CPU client"
        f" {figures['client_cpu_s']} s, server {figures['server_cpu_s']} s); delta of"
        f" {figures['delta_price_changes']:,} price changes: {figures['delta_s']} s"
        f" ({figures['delta_pages']} pages, CPU {figures['delta_client_cpu_s']} s)"
        f" (load average {figures['load_average']})",
        file=sys.stderr,
    )
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
