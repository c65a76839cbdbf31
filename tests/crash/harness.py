"""Kill a selling child with SIGKILL again and again; after each kill, check the database.

Used by the test suite (a fast run of a few hundred kills) and by `make bench` (a long run).
After every kill: the ledger verifies (every sale complete with its lines, tax, tenders,
journal entry and outbox row; gap-free device_seq, receipt and journal sequences), every sale
the child saw concluded is present, and a cart left behind never belongs to a written sale
(which would sell it twice on restart).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.crash.child import MODES, run_child

EXTERNAL = "external"  # the parent kills at a random moment


@dataclass
class CrashReport:
    kills: Counter[str] = field(default_factory=Counter)
    not_killed: int = 0
    problems: list[str] = field(default_factory=list)
    sales: int = 0
    resumed_carts: int = 0


def _fork_child(
    db: Path, log: Path, barcodes: list[str], mode: str, target: int, any_commit: bool, seed: int
) -> int:
    pid = os.fork()
    if pid == 0:  # child
        try:
            run_child(
                db, log, barcodes, mode if mode != EXTERNAL else "none", target, any_commit, seed
            )
        except BaseException:  # noqa: BLE001 - report any crash as exit 4
            os._exit(4)
        os._exit(3)
    return pid


def check_database(db: Path, log: Path) -> tuple[list[str], int, bool]:
    """Problems found, sales on record, and whether a cart was left to resume."""
    from local_db import open_database, verify_ledger

    problems: list[str] = []
    database = open_database(db)
    try:
        problems += verify_ledger(database)
    finally:
        database.close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        written = {row[0] for row in conn.execute("SELECT transaction_id FROM transactions")}
        carts = [row[0] for row in conn.execute("SELECT payload FROM cart_header")]
    finally:
        conn.close()
    for line in log.read_text().splitlines():
        tx_id = line.split()[0]
        if tx_id not in written:
            problems.append(f"sale {line} was reported concluded but is missing")
    import json

    for payload in carts:
        tx_id = json.loads(payload)["transaction_id"]
        if tx_id in written:
            problems.append(f"cart of written sale {tx_id} survived: it would be sold twice")
    return problems, len(written), bool(carts)


def run_kills(db: Path, log: Path, barcodes: list[str], kills: int, seed: int = 7) -> CrashReport:
    rng = random.Random(seed)
    report = CrashReport()
    modes = [*MODES, EXTERNAL]
    for i in range(kills):
        mode = modes[i % len(modes)]
        any_commit = rng.random() < 0.3
        target = rng.randint(1, 3)
        pid = _fork_child(db, log, barcodes, mode, target, any_commit, rng.randrange(1 << 30))
        if mode == EXTERNAL:
            time.sleep(rng.uniform(0.0, 0.05))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            report.kills[mode] += 1
        else:
            report.not_killed += 1
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            if code == 4:
                report.problems.append(f"child {i} ({mode}) crashed with an exception")
        problems, sales, cart_left = check_database(db, log)
        report.problems += [f"after kill {i} ({mode}): {p}" for p in problems]
        report.sales = sales
        report.resumed_carts += int(cart_left)
        if report.problems:
            break
    return report
