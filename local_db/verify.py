"""Checking the ledger's invariants after the fact (crash tests, diagnostics, support).

Every finished transaction must be entirely present (row, lines, tenders, journal entry,
outbox row, matching payload) and every per-register sequence gap-free.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from local_db.database import Database
from local_db.ledger import DEVICE_SEQ_COUNTER, GENESIS_HASH, JOURNAL_COUNTER, RECEIPT_COUNTER
from local_db.ledger import chain_hash as _chain_hash
from runtime.codec import sha256_hex


def _gaps(name: str, register_id: str, values: list[int], counter: int | None) -> list[str]:
    problems = []
    for prev, cur in zip(values, values[1:], strict=False):
        if cur != prev + 1:
            problems.append(f"register {register_id}: {name} jumps from {prev} to {cur}")
    if values and values[0] != 1:
        problems.append(f"register {register_id}: {name} starts at {values[0]}, not 1")
    last = values[-1] if values else 0
    if (counter or 0) != last:
        problems.append(f"register {register_id}: {name} counter is {counter}, last used {last}")
    return problems


def verify_ledger(db: Database) -> list[str]:
    """Problems found, as sentences; [] when the ledger is whole."""
    problems: list[str] = []
    with db.read("verify the ledger") as conn:
        counters = {(r, n): v for r, n, v in conn.execute("SELECT * FROM counters")}
        txs = conn.execute(
            "SELECT sale_no, transaction_id, register_id, receipt_number, receipt_seq,"
            " line_count, device_seq, journal_entry_no FROM transactions ORDER BY sale_no"
        ).fetchall()
        line_counts = dict(
            conn.execute(
                "SELECT sale_no, count(*) FROM transaction_lines GROUP BY sale_no"
            ).fetchall()
        )
        tender_rows: dict[int, Decimal] = defaultdict(Decimal)
        for sale_no, amount in conn.execute("SELECT sale_no, amount FROM tender_lines"):
            tender_rows[sale_no] += Decimal(amount)
        outbox = {
            (row[0], row[1]): row[2:]
            for row in conn.execute(
                "SELECT register_id, device_seq, transaction_id, kind, payload, payload_sha256"
                " FROM outbox ORDER BY register_id, device_seq"
            )
        }
        journal = conn.execute(
            "SELECT register_id, entry_no, transaction_id, payload_sha256, prev_hash, entry_hash"
            " FROM journal_entries ORDER BY register_id, entry_no"
        ).fetchall()

    entries = {(row[0], row[1]): row for row in journal}
    known: set[str] = set()
    receipt_seqs: dict[str, list[int]] = defaultdict(list)
    for sale_no, tid, reg, number, receipt_seq, line_count, device_seq, entry_no in txs:
        known.add(tid)
        if receipt_seq is not None:
            receipt_seqs[reg].append(receipt_seq)
        box = outbox.get((reg, device_seq))
        if box is None or box[0] != tid:
            problems.append(f"transaction {tid}: no outbox row")
            continue
        _, _, payload, digest = box
        entry = entries.get((reg, entry_no))
        if entry is None or entry[2] != tid:
            problems.append(f"transaction {tid}: no journal entry")
        elif entry[3] != digest:
            problems.append(f"transaction {tid}: journal hash differs from the outbox payload")
        if sha256_hex(payload.encode()) != digest:
            problems.append(f"transaction {tid}: outbox payload does not match its sha256")
        data = json.loads(payload)
        if data.get("transaction_id") != tid or data.get("receipt_number") != number:
            problems.append(f"transaction {tid}: payload names another transaction or receipt")
        rows = line_counts.get(sale_no, 0)
        if not line_count == rows == len(data["lines"]):
            problems.append(
                f"transaction {tid}: {rows} line rows, line_count {line_count}, "
                f"payload {len(data['lines'])}"
            )
        paid = sum((Decimal(t["amount"]) for t in data["tenders"]), Decimal(0))
        if tender_rows.get(sale_no, Decimal(0)) != paid:
            problems.append(f"transaction {tid}: tender rows do not sum to the payload's tenders")
    for (reg, seq), (tid, kind, _, _) in outbox.items():
        if kind in ("sale", "void") and tid not in known:
            problems.append(f"register {reg}: outbox row {seq} for missing transaction {tid}")

    seqs: dict[str, list[int]] = defaultdict(list)
    for reg, seq in outbox:
        seqs[reg].append(seq)
    for reg, values in seqs.items():
        problems += _gaps("device_seq", reg, values, counters.get((reg, DEVICE_SEQ_COUNTER)))
    for reg, values in receipt_seqs.items():
        problems += _gaps("receipt seq", reg, sorted(values), counters.get((reg, RECEIPT_COUNTER)))

    chains: dict[str, list[tuple[str, int, str | None, str, str, str]]] = defaultdict(list)
    for row in journal:
        chains[row[0]].append(row)
    for reg, chain in chains.items():
        problems += _gaps(
            "journal entry_no", reg, [r[1] for r in chain], counters.get((reg, JOURNAL_COUNTER))
        )
        prev_hash = GENESIS_HASH
        for _, entry_no, _, digest, prev, entry_hash in chain:
            if prev != prev_hash or entry_hash != _chain_hash(prev, digest):
                problems.append(f"register {reg}: journal chain broken at entry {entry_no}")
            prev_hash = entry_hash
    return problems
