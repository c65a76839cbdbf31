"""A crash in the middle of a WAL checkpoint must not make a healthy database look corrupt.

Checkpoints copy pages in ascending order: page 1 (with the new page count) can be on disk
while the file is still short. The WAL still holds every frame, so SQLite recovers; the open
checks must not refuse the file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from local_db import DatabaseOpenError, open_database, verify_ledger

GROW = """
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("BEGIN")
for i in range(3000):
    c.execute("INSERT INTO counters (register_id, name, value) VALUES (?, 'n', ?)",
              ("X" * 200 + str(i), i))
c.execute("COMMIT")
os._exit(0)  # killed before any checkpoint
"""


def _last_page_one(wal: bytes) -> bytes:
    page_size = struct.unpack(">I", wal[8:12])[0]
    offset, last = 32, b""
    while offset + 24 + page_size <= len(wal):
        if struct.unpack(">I", wal[offset : offset + 4])[0] == 1:
            last = wal[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    return last


def test_open_after_a_checkpoint_cut_short(tmp_path: Path, seeded_store: Path) -> None:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    subprocess.run([sys.executable, "-c", GROW, str(db)], check=True)
    page_one = _last_page_one(Path(f"{db}-wal").read_bytes())
    assert page_one, "the WAL should hold a new page 1"
    header_pages = struct.unpack(">I", page_one[28:32])[0]
    assert header_pages * len(page_one) > os.path.getsize(db)  # the file is "short"
    with open(db, "r+b") as handle:  # the checkpoint wrote page 1, then the power went
        handle.write(page_one)

    database = open_database(db)
    try:
        assert database.integrity_check() == []
        assert verify_ledger(database) == []
        (rows,) = database.connection.execute(
            "SELECT count(*) FROM counters WHERE name = 'n'"
        ).fetchone()
        assert rows == 3000  # every committed row is there
    finally:
        database.close()


def test_a_short_file_without_a_wal_is_still_refused(tmp_path: Path, seeded_store: Path) -> None:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    conn = sqlite3.connect(db)
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) - 4 * page_size])  # cut off the last pages
    with pytest.raises(DatabaseOpenError, match="truncated"):
        open_database(db)
