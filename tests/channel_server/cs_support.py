"""Test support for the channel server: a live uvicorn server in a thread, per-test PostgreSQL
schemas, and a register simulator that builds outbox items exactly as local_db does (canonical
JSON payloads from runtime dataclasses, a signed sha256 journal chain)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from channel_server.app import create_app
from channel_server.db import Database, open_database
from channel_server.devices import issue_activation_code
from runtime.catalog import Product
from runtime.codec import canonical_json, sha256_hex, transaction_to_dict
from runtime.journal_chain import GENESIS_HASH, chain_hash
from runtime.transaction import SaleLine, TenderLine, Totals, Transaction, TransactionState

NOW = dt.datetime(2025, 3, 14, 10, 0, tzinfo=dt.UTC)


@contextlib.contextmanager
def pg_schema_url(dsn: str, schema: str) -> Iterator[str]:
    """A fresh schema in the test database, as a URL whose search_path points at it."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in dsn else "?"
    try:
        yield f"{dsn}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


class LiveServer:
    """The real app served by uvicorn on 127.0.0.1 with an ephemeral port."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.db: Database = open_database(db_url)
        self.app = create_app(self.db)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._clients: list[httpx.Client] = []

    def client(self, token: str | None = None, **headers: str) -> httpx.Client:
        all_headers = dict(headers)
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        client = httpx.Client(base_url=self.base_url, headers=all_headers, timeout=30)
        self._clients.append(client)
        return client

    def activate(self, store: str = "S1", register: str = "R1") -> tuple[str, str]:
        """(token, device_id) of a freshly activated register."""
        code = issue_activation_code(self.db, store, register).code
        answer = self.client().post("/v1/activate", json={"code": code})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return body["token"], body["device_id"]

    def stop(self) -> None:
        for client in self._clients:
            client.close()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "uvicorn did not stop"
        self.db.dispose()


def make_sale(
    store: str,
    register: str,
    *,
    receipt: str,
    lines: list[tuple[str, Decimal, Decimal]],
    tender: str = "cash",
    voided: bool = False,
    at: dt.datetime = NOW,
) -> Transaction:
    """A concluded (or voided) sale of (item, quantity, unit price) lines, paid in one tender."""
    sale_lines = tuple(
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
        for i, (item, qty, price) in enumerate(lines, 1)
    )
    total = sum((line.net_amount for line in sale_lines), Decimal(0))
    tenders = () if voided else (TenderLine("T1", tender, tender, total),)
    return Transaction(
        transaction_id=uuid.uuid4().hex,
        store_id=store,
        register_id=register,
        operator_id="1001",
        started_at=at,
        state=TransactionState.VOIDED if voided else TransactionState.CONCLUDED,
        lines=sale_lines,
        tenders=tenders,
        totals=Totals(subtotal=total, total=total, paid=total if not voided else Decimal(0)),
        receipt_number=None if voided else receipt,
        ended_at=at,
    )


class RegisterSim:
    """A register's outbox and signed journal chain, without a database."""

    def __init__(self, device_id: str, store: str = "S1", register: str = "R1") -> None:
        self.device_id = device_id
        self.store = store
        self.register = register
        self.seq = 0
        self.entry_no = 0
        self.head = GENESIS_HASH
        self.key = Ed25519PrivateKey.generate()
        self.receipts = 0

    def public_key(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return raw.hex()

    def item(
        self,
        kind: str,
        payload: dict[str, Any] | str,
        *,
        subject: str | None = None,
        at: dt.datetime = NOW,
        journal: bool = True,
    ) -> dict[str, Any]:
        """The next outbox row as a push item (a journal entry too, unless `journal` False)."""
        text = payload if isinstance(payload, str) else canonical_json(payload).decode()
        digest = sha256_hex(text.encode())
        self.seq += 1
        item: dict[str, Any] = {
            "device_seq": self.seq,
            "mutation_id": uuid.uuid4().hex,
            "kind": kind,
            "subject_id": subject,
            "payload": text,
            "payload_sha256": digest,
            "created_at": at.isoformat().replace("+00:00", "Z"),
        }
        if journal:
            self.entry_no += 1
            entry_hash = chain_hash(self.head, digest)
            signature = f"1:{self.key.sign(bytes.fromhex(entry_hash)).hex()}"
            item["journal"] = {
                "entry_no": self.entry_no,
                "prev_hash": self.head,
                "entry_hash": entry_hash,
                "signature": signature,
            }
            self.head = entry_hash
        return item

    def sale(
        self,
        lines: list[tuple[str, Decimal, Decimal]] | None = None,
        *,
        tender: str = "cash",
        voided: bool = False,
        at: dt.datetime = NOW,
    ) -> dict[str, Any]:
        self.receipts += 0 if voided else 1
        tx = make_sale(
            self.store,
            self.register,
            receipt=f"{self.store}-{self.register}-{self.receipts:06d}",
            lines=lines or [("A1", Decimal("1"), Decimal("2.50"))],
            tender=tender,
            voided=voided,
            at=at,
        )
        return self.item(
            "void" if voided else "sale", transaction_to_dict(tx), subject=tx.transaction_id, at=at
        )

    def shift_open(self, at: dt.datetime = NOW) -> dict[str, Any]:
        shift_id = uuid.uuid4().hex
        payload = {"kind": "shift_open", "register_id": self.register, "shift_id": shift_id}
        return self.item("shift_open", payload, subject=shift_id, at=at)

    def batch(self, items: list[dict[str, Any]], keys: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {"protocol_version": 1, "device_id": self.device_id, "items": items}
        if keys:
            body["journal_keys"] = [{"key_no": 1, "public_key": self.public_key()}]
        return body
