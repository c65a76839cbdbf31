"""A real register database (local_db, the runtime) pushes its outbox and journal entries as
they are stored: the server applies them and finds the chain intact; the same chain with one
payload rewritten (and its hash recomputed, as a forger without the key would) is flagged.

The register writes its chain with `runtime.journal_chain`, the rule the server checks."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_support import LiveServer
from sqlalchemy import select

from channel_server.models import AlertRow
from local_db import DEMO_ITEMS
from pos_app.composition import ensure_open_shift, open_register
from runtime.codec import canonical_json, sha256_hex
from runtime.operations import AddLine, AddTender, Conclude


def _ring_up(db: Path, sales: int) -> None:
    items = dict(DEMO_ITEMS)
    register = open_register(db, "R1", operator_id="1001", extensions=[])
    try:
        ensure_open_shift(register.runtime)
        rt = register.runtime
        for n in range(sales):
            assert rt.add_line(AddLine(barcode=items["espresso"], quantity=Decimal(n + 1))).ok
            assert rt.add_tender(AddTender("cash", Decimal("100"))).ok
            assert rt.conclude(Conclude()).value is not None
    finally:
        register.close()


def _outbox(db: Path) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """(store id, push items, journal keys) read straight from the register's tables."""
    conn = sqlite3.connect(db)
    try:
        (store,) = conn.execute(
            "SELECT store_id FROM registers WHERE register_id = 'R1'"
        ).fetchone()
        rows = conn.execute(
            "SELECT o.device_seq, o.mutation_id, o.kind, o.transaction_id, o.payload,"
            " o.payload_sha256, o.created_at, j.entry_no, j.prev_hash, j.entry_hash, j.signature"
            " FROM outbox AS o JOIN journal_entries AS j"
            " ON j.register_id = o.register_id AND j.device_seq = o.device_seq"
            " WHERE o.register_id = 'R1' ORDER BY o.device_seq"
        ).fetchall()
        keys = conn.execute(
            "SELECT key_no, public_key FROM register_keys WHERE register_id = 'R1'"
        ).fetchall()
    finally:
        conn.close()
    items = [
        {
            "device_seq": seq,
            "mutation_id": mutation,
            "kind": kind,
            "subject_id": subject,
            "payload": payload,
            "payload_sha256": digest,
            "created_at": created,
            "journal": {
                "entry_no": no,
                "prev_hash": prev,
                "entry_hash": entry_hash,
                "signature": signature,
            },
        }
        for (seq, mutation, kind, subject, payload, digest, created, no, prev, entry_hash,
             signature) in rows
    ]  # fmt: skip
    return store, items, [{"key_no": k, "public_key": pk} for k, pk in keys]


def _alerts(live: LiveServer) -> list[tuple[str, int | None]]:
    with live.db.read() as session:
        return [(a.kind, a.device_seq) for a in session.scalars(select(AlertRow))]


def test_a_real_registers_outbox_is_applied_and_its_chain_verified(
    live: LiveServer, seeded_store: Path, tmp_path: Path
) -> None:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    _ring_up(db, 3)
    store, items, keys = _outbox(db)
    assert [i["kind"] for i in items] == ["shift_open", "sale", "sale", "sale"]
    token, device = live.activate(store, "R1")
    client = live.client(token)
    body = {"protocol_version": 1, "device_id": device, "items": items, "journal_keys": keys}
    answer = client.post("/v1/push", json=body)
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 4
    assert _alerts(live) == []
    status = client.get("/v1/device").json()
    assert (status["journal_entry_no"], status["journal_hash"]) == (
        items[-1]["journal"]["entry_no"],
        items[-1]["journal"]["entry_hash"],
    )
    # the sales are findable for a return, with the register's exact bytes
    receipt = json.loads(items[2]["payload"])["receipt_number"]
    found = client.get("/v1/transactions", params={"receipt_number": receipt}).json()["items"]
    assert [f["payload"] for f in found] == [items[2]["payload"]]


def test_a_rewritten_entry_is_flagged_but_still_stored(
    live: LiveServer, seeded_store: Path, tmp_path: Path
) -> None:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    _ring_up(db, 2)
    store, items, keys = _outbox(db)
    token, device = live.activate(store, "R1")
    forged = json.loads(items[1]["payload"])
    forged["totals"]["total"] = "0.01"  # someone lowers the first sale's total
    text = canonical_json(forged).decode()
    items[1] = {**items[1], "payload": text, "payload_sha256": sha256_hex(text.encode())}
    body = {"protocol_version": 1, "device_id": device, "items": items, "journal_keys": keys}
    answer = live.client(token).post("/v1/push", json=body)
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 3
    assert ("journal_break", 2) in _alerts(live)
