"""The body of a crash-test child: rings up sales until SQLite's trace callback kills it.

Kill modes (the parent picks one per child):
- ``mid_tx``: SIGKILL at a random statement inside a write transaction, before COMMIT;
- ``at_commit``: SIGKILL just as COMMIT is issued;
- ``during_commit``: a thread fires SIGKILL a few microseconds after COMMIT starts, while
  SQLite (with the GIL released) is writing and fsyncing the WAL;
- ``after_commit``: SIGKILL at the first statement after a COMMIT returned.
Only commits that write a finished sale (they insert into the outbox) count as targets, unless
``any_commit`` is set, which also aims at cart saves.
A log file gets one fsync'd line per sale the runtime reported concluded, so the parent can check
that every acknowledged sale survived.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from decimal import Decimal
from pathlib import Path

MODES = ("mid_tx", "at_commit", "during_commit", "after_commit")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class Killer:
    """Counts write transactions through the trace callback and kills at the chosen point."""

    def __init__(self, mode: str, target: int, any_commit: bool, rng: random.Random) -> None:
        self.mode, self.target, self.any_commit, self.rng = mode, target, any_commit, rng
        self.counted = 0
        self.in_sale_tx = False
        self.statements_in_tx = 0
        self.kill_next = False

    def __call__(self, sql: str) -> None:
        head = sql.lstrip()[:16].upper()
        if self.kill_next:
            _die()
        if head.startswith("BEGIN"):
            self.in_sale_tx = False
            self.statements_in_tx = 0
            return
        if "OUTBOX" in sql.upper() and head.startswith("INSERT"):
            self.in_sale_tx = True
        self.statements_in_tx += 1
        if self.mode == "mid_tx" and self.in_sale_tx and self.counted + 1 == self.target:
            if self.rng.random() < 0.5:
                _die()
        if not head.startswith("COMMIT"):
            return
        if not (self.in_sale_tx or self.any_commit):
            return
        self.counted += 1
        if self.counted < self.target:
            return
        if self.mode in ("mid_tx", "at_commit"):
            _die()
        elif self.mode == "during_commit":
            delay = self.rng.uniform(0, 0.0008)
            threading.Thread(target=lambda: (time.sleep(delay), _die()), daemon=True).start()
        elif self.mode == "after_commit":
            self.kill_next = True


def run_child(
    db: Path, log: Path, barcodes: list[str], mode: str, target: int, any_commit: bool, seed: int
) -> None:
    """Never returns normally: it sells until killed (or exits 3 if it never was)."""
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Conclude

    rng = random.Random(seed)
    register = open_register(db, "R1", operator_id="1001", extensions=[])
    ensure_open_shift(register.runtime)
    register.database.connection.set_trace_callback(Killer(mode, target, any_commit, rng))
    rt = register.runtime
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    for _ in range(200):
        tx = rt.transaction
        have = len(tx.active_lines) if tx else 0
        for _ in range(max(0, rng.randint(2, 5) - have)):
            rt.add_line(AddLine(barcode=rng.choice(barcodes), quantity=Decimal(rng.randint(1, 3))))
        rt.add_tender(AddTender("cash"))
        result = rt.conclude(Conclude())
        if result.value is not None:
            t = result.value.transaction
            os.write(fd, f"{t.transaction_id} {t.receipt_number}\n".encode())
            os.fsync(fd)
    os._exit(3)
