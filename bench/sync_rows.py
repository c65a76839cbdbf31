"""The channel server's ingest figures for `make bench` (issue #5): 50 registers pushing at
once on SQLite and on PostgreSQL, and one register's 10,000 queued sales uploaded over loopback.

The upload is measured twice: raw pushes of prebuilt batches (the wire and the server alone)
and the register's own Uploader over a register database with the sales in its outbox. Each
figure comes from `python -m bench.ingest_probe` in a fresh process (it starts the server
in a process of its own). PostgreSQL is measured when a DSN is at hand: $TILLPOINT_TEST_PG_DSN,
else what `bash .ci/postgres.sh` prints (it starts or installs a local server); without one
the row says why it is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ENV = "TILLPOINT_TEST_PG_DSN"


def _probe(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.ingest_probe", *args],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _pg_dsn() -> str | None:
    dsn = os.environ.get(PG_ENV)
    if dsn:
        return dsn
    try:
        done = subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh")],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.strip().splitlines()
    return lines[-1] if done.returncode == 0 and lines else None


def _download(products: int) -> dict[str, object]:
    """The register's initial master-data download and a 10,000-price delta, end to end
    (bench/download_probe.py: its server database is built once under bench/.cache)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.download_probe", "--products", str(products)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def sync_figures(products: int = 1_000_000) -> dict[str, object]:
    """Measure (this takes a few minutes); the result goes into latest.json as `sync`."""
    figures: dict[str, object] = {"download": _download(products)}
    figures["ingest_sqlite"] = _probe("ingest")
    dsn = _pg_dsn()
    figures["ingest_postgresql"] = _probe("ingest", "--db", dsn) if dsn else None
    figures["upload_10k"] = _probe("upload", "--sales", "10000", "--batch", "500")
    # the register's own Uploader (sync/upload.py) over a register database with 10,000 sales
    # in its outbox (rung up once through the runtime and cached under bench/.cache)
    figures["client_upload_10k"] = _probe("client-upload", "--sales", "10000")
    return figures


def _ingest_row(name: str, result: object) -> tuple[str, str, str]:
    if not isinstance(result, dict):
        return (name, "no PostgreSQL", ">= 1000 sales/s")
    return (
        f"{name}, {result['registers']} registers x {result['sales'] // result['registers']:,}"
        f" sales, batches of {result['batch']}",
        f"{float(result['sales_per_s']):,.0f} sales/s",
        ">= 1000 sales/s",
    )


def sync_rows(f: dict[str, object]) -> list[tuple[str, str, str]]:
    sync = f.get("sync")
    if not isinstance(sync, dict):
        return []
    rows = _download_rows(sync.get("download"))
    rows += [
        _ingest_row("server ingest, SQLite", sync.get("ingest_sqlite")),
        _ingest_row("server ingest, PostgreSQL", sync.get("ingest_postgresql")),
    ]
    for key in ("ingest_sqlite", "ingest_postgresql"):
        result = sync.get(key)
        if isinstance(result, dict):
            rows.append(
                (
                    f"  server CPU per sale ({result['backend']})",
                    f"{float(result['server_cpu_ms_per_sale']):.3f} ms",
                    "",
                )
            )
    upload, client = sync.get("upload_10k"), sync.get("client_upload_10k")
    if isinstance(upload, dict):
        rows.append(
            (
                f"{int(upload['sales']):,} queued sales pushed (one register, batches of "
                f"{upload['batch']}, SQLite server, loopback)",
                f"{float(upload['seconds']):.1f} s",
                "<= 10 s",
            )
        )
    if isinstance(client, dict):
        rows.append(
            (
                f"{int(client['sales']):,} queued sales uploaded by the register's Uploader "
                "(outbox read, pushed, acknowledged)",
                f"{float(client['seconds']):.1f} s",
                "<= 10 s",
            )
        )
    return rows


def _download_rows(result: object) -> list[tuple[str, str, str]]:
    if not isinstance(result, dict):
        return []
    return [
        (
            f"initial master-data download of {int(result['products']):,} products (server,"
            " loopback, sync client, apply)",
            f"{float(result['seconds']):.1f} s ({int(result['products_per_s']):,}/s)",
            "<= 60 s",
        ),
        (
            f"  client / server CPU (load average {result['load_average']})",
            f"{float(result['client_cpu_s']):.1f} / {float(result['server_cpu_s']):.1f} s",
            "",
        ),
        (
            f"delta of {int(result['delta_price_changes']):,} price changes downloaded and"
            f" applied (pages of {result['delta_page_items']})",
            f"{float(result['delta_s']):.2f} s",
            "<= 2 s",
        ),
    ]
