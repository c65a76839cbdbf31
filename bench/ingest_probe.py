"""The channel server's ingest figures (issue #5): sales/s with many registers pushing at once,
and how long one register's 10,000 queued sales take to upload over loopback.

The server runs in a subprocess (`python -m bench.ingest_probe serve ...`, uvicorn as
`tillpoint server run` serves it), so the load generator never shares its GIL. Registers are
activated the real way (an activation code on the server database, POST /v1/activate). Their
outbox items are built before the clock starts, exactly as a register stores them: canonical
JSON payloads of runtime transactions, a signed sha256 journal chain (the minimal copy of
tests/channel_server/cs_support.py's RegisterSim, so bench/ does not import tests/).

    python -m bench.ingest_probe ingest --db DB_OR_DSN [--registers 50 --sales 200 --batch 100]
    python -m bench.ingest_probe upload --db DB_OR_DSN [--sales 10000 --batch 500]
    python -m bench.ingest_probe client-upload [--sales 10000]   (the register's Uploader)

A plain path is an SQLite file (created fresh); a postgresql:// DSN gets a fresh schema that is
dropped afterwards. The last stdout line is the JSON result.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runtime.catalog import Product
from runtime.codec import canonical_json, sha256_hex, transaction_to_dict
from runtime.journal_chain import GENESIS_HASH, chain_hash
from runtime.transaction import SaleLine, TenderLine, Totals, Transaction, TransactionState

ROOT = Path(__file__).resolve().parent.parent
STORES = 10  # 50 registers = 10 stores of 5, so stock rows are shared within a store
ITEMS_PER_STORE = 300


class Register:
    """One register's outbox items (sales with a signed journal chain), built in memory."""

    def __init__(self, device_id: str, store: str, register: str, seed: int) -> None:
        self.device_id, self.store, self.register = device_id, store, register
        self.seq, self.head = 0, GENESIS_HASH
        self.key = Ed25519PrivateKey.generate()
        self.rand = random.Random(seed)
        self.at = dt.datetime(2025, 3, 14, 8, 0, tzinfo=dt.UTC)

    def public_key(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return raw.hex()

    def sale(self) -> dict[str, Any]:
        """A concluded sale of 1-5 lines, paid cash or card, as the next outbox row."""
        self.seq += 1
        self.at += dt.timedelta(seconds=self.rand.randint(20, 90))
        lines = []
        for i in range(1, self.rand.randint(1, 5) + 1):
            item = f"I{self.rand.randrange(ITEMS_PER_STORE):05d}"
            qty = Decimal(self.rand.randint(1, 3))
            price = Decimal(self.rand.randint(49, 4999)) / 100
            lines.append(
                SaleLine(
                    line_id=f"L{i}",
                    product=Product(item_id=item, name=f"Item {item}", base_price=price),
                    quantity=qty,
                    unit="ea",
                    unit_price=price,
                    gross_amount=qty * price,
                    net_amount=qty * price,
                    amount_incl_tax=qty * price,
                    amount_excl_tax=qty * price,
                )
            )
        total = sum((line.net_amount for line in lines), Decimal(0))
        tender = self.rand.choice(("cash", "card"))
        tx = Transaction(
            transaction_id=uuid.uuid4().hex,
            store_id=self.store,
            register_id=self.register,
            operator_id="1001",
            started_at=self.at,
            state=TransactionState.CONCLUDED,
            lines=tuple(lines),
            tenders=(TenderLine("T1", tender, tender, total),),
            totals=Totals(subtotal=total, total=total, paid=total),
            receipt_number=f"{self.store}-{self.register}-{self.seq:06d}",
            ended_at=self.at,
        )
        text = canonical_json(transaction_to_dict(tx)).decode()
        digest = sha256_hex(text.encode())
        prev, entry_hash = self.head, chain_hash(self.head, digest)
        self.head = entry_hash
        return {
            "device_seq": self.seq,
            "mutation_id": uuid.uuid4().hex,
            "kind": "sale",
            "subject_id": tx.transaction_id,
            "payload": text,
            "payload_sha256": digest,
            "created_at": self.at.isoformat().replace("+00:00", "Z"),
            "journal": {
                "entry_no": self.seq,
                "prev_hash": prev,
                "entry_hash": entry_hash,
                "signature": f"1:{self.key.sign(bytes.fromhex(entry_hash)).hex()}",
            },
        }

    def batches(self, sales: int, batch: int) -> list[bytes]:
        """The outbox as push bodies of `batch` items, serialised before the clock starts."""
        items = [self.sale() for _ in range(sales)]
        keys = [{"key_no": 1, "public_key": self.public_key()}]
        return [
            json.dumps(
                {
                    "protocol_version": 1,
                    "device_id": self.device_id,
                    "journal_keys": keys,
                    "items": items[i : i + batch],
                }
            ).encode()
            for i in range(0, len(items), batch)
        ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _database(db: str) -> Iterator[str]:
    """A fresh server database: a new SQLite file, or a new schema in the PostgreSQL DSN."""
    if "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
        yield db
        return
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in db else "?"
    try:
        yield f"{db}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextlib.contextmanager
def _server(url: str) -> Iterator[tuple[str, int]]:
    """The channel server in its own process; yields its base URL once /v1/health answers."""
    port = _free_port()
    wrap = shlex.split(os.environ.get("BENCH_SERVER_WRAP", ""))  # e.g. a profiler and "--"
    proc = subprocess.Popen(
        [*wrap, sys.executable, "-m", "bench.ingest_probe", "serve", "--db", url]
        + ["--port", str(port)],
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the channel server did not start")
            time.sleep(0.05)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGINT)  # uvicorn (and a profiler around it) end cleanly
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _serve(url: str, port: int) -> None:
    import uvicorn

    from channel_server.app import create_app
    from channel_server.db import open_database

    db = open_database(url)
    try:
        uvicorn.run(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    finally:
        db.dispose()


def _activate(url: str, base: str, registers: int) -> list[tuple[str, Register]]:
    """(token, register) per register: codes issued on the server database, exchanged over
    HTTP like a real register does."""
    from channel_server.db import open_database
    from channel_server.devices import issue_activation_code

    db = open_database(url)
    out = []
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for n in range(registers):
                store, register = f"S{n % STORES + 1:02d}", f"R{n // STORES + 1:02d}"
                code = issue_activation_code(db, store, register).code
                body = client.post("/v1/activate", json={"code": code}).raise_for_status().json()
                out.append((body["token"], Register(body["device_id"], store, register, n)))
    finally:
        db.dispose()
    return out


def _push_all(base: str, token: str, bodies: list[bytes], failures: list[str]) -> int:
    """Push a register's batches in order; returns the items the server applied."""
    applied = 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        for body in bodies:
            answer = client.post("/v1/push", content=body)
            if answer.status_code != 200:
                failures.append(f"{answer.status_code}: {answer.text[:300]}")
                return applied
            applied += sum(r["status"] == "applied" for r in answer.json()["results"])
    return applied


def _run(db: str, registers: int, sales: int, batch: int) -> dict[str, Any]:
    with _database(db) as url, _server(url) as (base, pid):
        regs = _activate(url, base, registers)
        built = time.monotonic()
        work = [(token, reg.batches(sales, batch)) for token, reg in regs]
        build_s = time.monotonic() - built
        failures: list[str] = []
        applied = [0] * len(work)

        def one(n: int) -> None:
            applied[n] = _push_all(base, work[n][0], work[n][1], failures)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(len(work))]
        cpu, started = _cpu_seconds(pid), time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        cpu = _cpu_seconds(pid) - cpu
    total = registers * sales
    if failures or sum(applied) != total:
        raise SystemExit(f"ingest failed: {sum(applied)}/{total} applied; {failures[:3]}")
    return {
        "backend": "postgresql" if "://" in db else "sqlite",
        "registers": registers,
        "sales": total,
        "batch": batch,
        "seconds": round(seconds, 3),
        "sales_per_s": round(total / seconds, 1),
        "build_s": round(build_s, 1),
        # less at the mercy of other load on the machine than sales/s
        "server_cpu_ms_per_sale": round(cpu * 1000 / total, 3),
    }


CLIENT_CACHE_VERSION = 1  # bump when the queued register below is built differently


def _queued_register(sales: int) -> Path:
    """A seeded register database with `sales` concluded 2-line cash sales in its outbox, none
    sent, rung up through the real runtime; built once under bench/.cache (it takes minutes)."""
    path = ROOT / "bench" / ".cache" / f"register-queued-{sales}-v{CLIENT_CACHE_VERSION}.db"
    if path.exists():
        return path
    from local_db import sample_barcodes, seed_store
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Conclude

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    seed_store(tmp, products=2000)
    reg = open_register(tmp, "R1", operator_id="1001", extensions=[])
    try:
        ensure_open_shift(reg.runtime)
        codes = sample_barcodes(reg.database, 40, seed=7)
        rt = reg.runtime
        for n in range(sales):
            for i in range(2):
                added = rt.add_line(AddLine(barcode=codes[(2 * n + i) % len(codes)]))
                assert added.refusal is None, added.refusal
            assert rt.add_tender(AddTender("cash")).refusal is None
            assert rt.conclude(Conclude()).value is not None
    finally:
        reg.close()
    keys = Path(str(tmp) + ".keys")  # the register's signing keys live beside its database
    if keys.exists():
        os.replace(keys, str(path) + ".keys")
    Path(str(tmp) + ".R1.lock").unlink(missing_ok=True)
    os.replace(tmp, path)
    return path


def _client_upload(sales: int) -> dict[str, Any]:
    """The register's own Uploader (sync/upload.py) pushing `sales` queued sales to a fresh
    SQLite server: reading the outbox, pushing, marking rows acknowledged."""
    import shutil

    from channel_server.db import open_database
    from channel_server.devices import issue_activation_code
    from local_db import open_database as open_register_db
    from sync.client import ChannelClient
    from sync.transport import Transport
    from sync.upload import Uploader

    template = _queued_register(sales)
    with tempfile.TemporaryDirectory() as tmp:
        register_db = Path(tmp) / "register.db"
        shutil.copy(template, register_db)
        local = open_register_db(register_db)
        with local.engine.connect() as conn:
            sale = conn.exec_driver_sql("SELECT payload FROM outbox WHERE kind = 'sale'").first()
            queued = conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()
        assert sale is not None
        store = json.loads(sale[0])["store_id"]
        url = os.path.join(tmp, "server.db")
        with _server(url) as (base, pid):
            server_db = open_database(url)
            code = issue_activation_code(server_db, store, "R1").code
            server_db.dispose()
            body = httpx.post(base + "/v1/activate", json={"code": code}).raise_for_status()
            answer = body.json()
            client = ChannelClient(Transport(base, answer["token"], timeout=120))
            uploader = Uploader(local, client, answer["device_id"], "R1")
            cpu, started = _cpu_seconds(pid), time.monotonic()
            result = uploader.upload()
            seconds = time.monotonic() - started
            cpu = _cpu_seconds(pid) - cpu
            client.close()
        local.close()
    if result.pending or result.acknowledged_through != queued:
        raise SystemExit(f"client upload incomplete: {result}")
    return {
        "backend": "sqlite",
        "registers": 1,
        "sales": sales,
        "items": queued,  # the sales and the shift opening before them
        "batch": uploader.batch_size,
        "seconds": round(seconds, 3),
        "sales_per_s": round(sales / seconds, 1),
        "server_cpu_ms_per_sale": round(cpu * 1000 / sales, 3),
        "client": "sync.upload.Uploader",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.ingest_probe")
    sub = parser.add_subparsers(dest="mode", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--db", required=True)
    serve.add_argument("--port", type=int, required=True)
    ingest = sub.add_parser("ingest", help="many registers pushing at once: sales/s")
    upload = sub.add_parser("upload", help="one register's queued sales: seconds")
    client = sub.add_parser("client-upload", help="the same through the register's Uploader")
    client.add_argument("--sales", type=int, default=10_000)
    for p, regs, sales, batch in ((ingest, 50, 200, 100), (upload, 1, 10_000, 500)):
        p.add_argument("--db", help="SQLite file or postgresql:// DSN (default: a temp file)")
        p.add_argument("--registers", type=int, default=regs)
        p.add_argument("--sales", type=int, default=sales, help="sales per register")
        p.add_argument("--batch", type=int, default=batch)
    args = parser.parse_args(argv)
    if args.mode == "serve":
        _serve(args.db, args.port)
        return 0
    if args.mode == "client-upload":
        print(json.dumps({**_client_upload(args.sales), "mode": args.mode}), flush=True)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or os.path.join(tmp, "server.db")
        result = _run(db, args.registers, args.sales, args.batch)
    result["mode"] = args.mode
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
