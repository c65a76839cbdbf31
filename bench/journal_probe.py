"""Journal figures for `make bench` (issue #4): receipt lookup among 1,000,000 transactions and
the signed chain's verification speed.

`build` makes the database once (cached under bench/.cache): a seeded store whose ten registers
hold 100,000 finished sales each. The first sale is rung up through the real runtime; the rest
are that sale's rows with new ids, receipt numbers and times, each with its own outbox payload,
chained and Ed25519-signed journal entry, exactly as `SqlSalesLedger` writes them (rows, not
runtime calls, so the build takes a minute instead of hours).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

from local_db import DEMO_ITEMS, open_database, seed_store
from local_db.journal_keys import JournalSigner
from local_db.ledger import GENESIS_HASH, chain_hash
from pos_app.composition import ensure_open_shift, open_register
from runtime.codec import sha256_hex
from runtime.operations import AddLine, AddTender, Conclude

BATCH = 20_000


def _template(path: Path) -> tuple[dict[str, list[object]], str]:
    """One real sale: its rows by table and its outbox payload."""
    reg = open_register(path, "R1", operator_id="1001", extensions=[])
    ensure_open_shift(reg.runtime)
    try:
        rt = reg.runtime
        for key in ("espresso", "chocolate", "tshirt"):
            assert rt.add_line(AddLine(barcode=DEMO_ITEMS[key])).ok
        assert rt.add_tender(AddTender("cash")).ok
        assert rt.conclude(Conclude()).ok
    finally:
        reg.close()
    db = open_database(path)
    try:
        with db.read("template") as conn:
            tx = conn.execute("SELECT * FROM transactions").fetchone()
            lines = conn.execute("SELECT * FROM transaction_lines").fetchall()
            taxes = conn.execute("SELECT * FROM tax_lines").fetchall()
            tenders = conn.execute("SELECT * FROM tender_lines").fetchall()
            (payload,) = conn.execute("SELECT payload FROM outbox").fetchone()
        with db.write("clear the template") as conn:
            for table in ("transactions", "outbox", "journal_entries", "counters"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    finally:
        db.close()
    return {"tx": list(tx), "lines": lines, "taxes": taxes, "tenders": tenders}, payload


def build(path: Path, per_register: int, registers: int) -> None:
    seed_store(path, products=200, seed=7)
    rows, payload = _template(path)
    tx0 = rows["tx"]
    tid0, receipt0 = str(tx0[1]), str(tx0[6])
    db = open_database(path)
    sale_no = 0
    try:
        with db.write("registers") as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO registers (register_id, store_id, name, receipt_mask)"
                " VALUES (?, 'S001', ?, '{store}-{register}-{yyyy}{mm}{dd}-{seq:06}')",
                [(f"R{r:02d}", f"Till {r}") for r in range(1, registers + 1)],
            )
        for r in range(1, registers + 1):
            reg = f"R{r:02d}"
            signer = JournalSigner.for_register(db, reg)
            prev = GENESIS_HASH
            for start in range(1, per_register + 1, BATCH):
                txs, lines, taxes, tenders, journal, outbox = [], [], [], [], [], []
                for seq in range(start, min(start + BATCH, per_register + 1)):
                    sale_no += 1
                    tid = f"{reg}-{seq:07d}"
                    receipt = f"S001-{reg}-2026{1 + seq % 12:02d}{1 + seq % 28:02d}-{seq:06d}"
                    day = f"2026-{1 + seq % 12:02d}-{1 + seq % 28:02d}"
                    ended = f"{day}T{8 + seq % 12:02d}:{seq % 60:02d}:00.000000Z"
                    text = payload.replace(tid0, tid).replace(receipt0, receipt)
                    digest = sha256_hex(text.encode())
                    entry_hash = chain_hash(prev, digest)
                    tx = list(tx0)
                    tx[0], tx[1], tx[3], tx[6], tx[7] = sale_no, tid, reg, receipt, seq
                    tx[9] = ended
                    tx[20], tx[21] = seq, seq  # device_seq, journal_entry_no
                    txs.append(tx)
                    lines += [(sale_no, *line[1:]) for line in rows["lines"]]
                    taxes += [(sale_no, *t[1:]) for t in rows["taxes"]]
                    tenders += [(sale_no, *t[1:]) for t in rows["tenders"]]
                    journal.append((reg, seq, "sale", tid, digest, prev, entry_hash, ended,
                                    signer.sign(entry_hash), seq))  # fmt: skip
                    outbox.append((reg, seq, f"m-{tid}", "sale", tid, text, digest, ended))
                    prev = entry_hash
                with db.write("bulk sales") as conn:
                    marks = ", ".join("?" * len(txs[0]))
                    conn.executemany(f"INSERT INTO transactions VALUES ({marks})", txs)  # noqa: S608
                    for table, data in (("transaction_lines", lines), ("tax_lines", taxes),
                                        ("tender_lines", tenders)):  # fmt: skip
                        if data:
                            marks = ", ".join("?" * len(data[0]))
                            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", data)  # noqa: S608
                    conn.executemany(
                        "INSERT INTO journal_entries (register_id, entry_no, kind, transaction_id,"
                        " payload_sha256, prev_hash, entry_hash, created_at, signature, device_seq)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        journal,
                    )
                    conn.executemany(
                        "INSERT INTO outbox (register_id, device_seq, mutation_id, kind,"
                        " transaction_id, payload, payload_sha256, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        outbox,
                    )
            with db.write("counters") as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO counters (register_id, name, value) VALUES (?, ?, ?)",
                    [(reg, name, per_register) for name in ("receipt", "device_seq", "journal")],
                )
        with db.write("analyze") as conn:
            conn.execute("ANALYZE")
    finally:
        db.close()


def lookup(path: Path, samples: int = 2000) -> dict[str, object]:
    """Receipt number -> the whole transaction, through the electronic journal's reader."""
    from local_db.journal_search import SqlJournalReader

    db = open_database(path)
    try:
        reader = SqlJournalReader(db)
        with db.read("receipts") as conn:
            total = conn.execute("SELECT max(sale_no) FROM transactions").fetchone()[0]
            rng = random.Random(3)
            picks = [rng.randint(1, total) for _ in range(samples)]
            numbers = [
                conn.execute(
                    "SELECT receipt_number FROM transactions WHERE sale_no = ?", (n,)
                ).fetchone()[0]
                for n in picks
            ]
        times = []
        for number in numbers:
            started = time.perf_counter()
            found = reader.find_receipt("S001", number)
            times.append((time.perf_counter() - started) * 1000)
            assert found
        times.sort()
        return {
            "transactions": total,
            "lookups": samples,
            "lookup_p50_ms": statistics.median(times),
            "lookup_p99_ms": times[int(len(times) * 0.99) - 1],
        }
    finally:
        db.close()


def verify(path: Path) -> dict[str, object]:
    from local_db.journal_verify import verify_journal

    db = open_database(path)
    try:
        started = time.perf_counter()
        report = verify_journal(db)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    entries = sum(report.entries.values())
    return {
        "entries": entries,
        "seconds": seconds,
        "entries_per_second": entries / seconds,
        "intact": report.intact,
    }


def main(argv: list[str]) -> int:
    command, path = argv[0], Path(argv[1])
    if command == "build":
        build(path, int(argv[2]), int(argv[3]))
        print(json.dumps({"built": str(path)}))
    elif command == "lookup":
        print(json.dumps(lookup(path)))
    elif command == "verify":
        print(json.dumps(verify(path)))
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
