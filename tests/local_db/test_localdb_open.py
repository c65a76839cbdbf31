"""Opening: pragmas in effect, and corrupt, foreign, newer or missing files refused untouched."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from localdb_support import sha256_file

from local_db import SCHEMA_HEAD, DatabaseOpenError, open_database
from local_db.database import APPLICATION_ID, inspect_file


def test_new_database_has_schema_application_id_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with open_database(path, create=True) as db:
        assert db.schema_revision() == SCHEMA_HEAD
        assert db.pragma("application_id") == APPLICATION_ID
        assert db.pragma("journal_mode") == "wal"
        assert db.pragma("synchronous") == 2  # FULL
        assert db.pragma("foreign_keys") == 1
        assert db.pragma("busy_timeout") == 2000
        assert db.integrity_check() == []
    with open_database(path) as again:  # reopening takes the fast path
        assert again.schema_revision() == SCHEMA_HEAD


def test_sqlalchemy_engine_connections_get_the_same_pragmas(tmp_path: Path) -> None:
    with open_database(tmp_path / "e.db", create=True) as db, db.engine.connect() as conn:
        raw = conn.exec_driver_sql
        assert raw("PRAGMA journal_mode").scalar() == "wal"
        assert raw("PRAGMA synchronous").scalar() == 2
        assert raw("PRAGMA foreign_keys").scalar() == 1


def test_missing_file_is_not_created_without_create(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(DatabaseOpenError, match="no such database file"):
        open_database(path)
    assert not path.exists()


def test_empty_file_is_refused_unless_create(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(DatabaseOpenError, match="empty"):
        open_database(path)
    assert path.stat().st_size == 0
    with open_database(path, create=True) as db:
        assert db.schema_revision() == SCHEMA_HEAD


def test_opening_does_not_import_sqlalchemy(seeded_store: Path, tmp_path: Path) -> None:
    """The register's first scan must not pay for importing SQLAlchemy or Alembic."""
    path = tmp_path / "copy.db"
    path.write_bytes(seeded_store.read_bytes())
    code = (
        "import sys\n"
        "from local_db import open_database, SqlCatalogReader, DEMO_ITEMS\n"
        f"db = open_database({str(path)!r})\n"
        "assert SqlCatalogReader(db).find_barcode(DEMO_ITEMS['espresso']) is not None\n"
        "db.close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- refusals: each leaves the file byte-for-byte as it was -------------------------------------


def _random_bytes(path: Path, template: Path) -> str:
    path.write_bytes(os.urandom(64 * 1024))
    return "not a SQLite database"


def _text_file(path: Path, template: Path) -> str:
    path.write_text("item_id;name;price\n1;Milk;0.99\n" * 200)
    return "not a SQLite database"


def _short_file(path: Path, template: Path) -> str:
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    return "not a SQLite database"


def _truncated(path: Path, template: Path) -> str:
    data = template.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return "truncated"


def _foreign_app(path: Path, template: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    return "belongs to another application"


def _other_application_id(path: Path, template: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 12345")
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    return "belongs to another application"


def _newer_schema(path: Path, template: Path) -> str:
    path.write_bytes(template.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0042'")
    conn.commit()
    conn.close()
    return f"written by a newer Tillpoint (schema 0042, this version knows up to {SCHEMA_HEAD})"


def _no_revision(path: Path, template: Path) -> str:
    path.write_bytes(template.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE alembic_version")
    conn.commit()
    conn.close()
    return "damaged Tillpoint database"


def _corrupt_schema_page(path: Path, template: Path) -> str:
    data = bytearray(template.read_bytes())
    data[100:400] = os.urandom(300)  # page 1's b-tree header and cell pointers
    path.write_bytes(bytes(data))
    return "corrupt"


CASES: dict[str, Callable[[Path, Path], str]] = {
    "random bytes": _random_bytes,
    "text file": _text_file,
    "short file": _short_file,
    "truncated": _truncated,
    "foreign app": _foreign_app,
    "other application id": _other_application_id,
    "newer schema": _newer_schema,
    "no revision": _no_revision,
    "corrupt page": _corrupt_schema_page,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small, closed (fully checkpointed) Tillpoint database with some rows."""
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    with open_database(path, create=True) as db, db.write("fill") as conn:
        conn.execute("INSERT INTO units (code, name, decimals) VALUES ('ea', 'Each', 0)")
        conn.executemany(
            "INSERT INTO products (item_id, name, description, base_price) VALUES (?, ?, ?, ?)",
            [(str(i), f"Product {i}", "x" * 300, "1.00") for i in range(300)],
        )
    return path


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("create", [False, True])
def test_bad_files_are_refused_and_left_untouched(
    case: str, create: bool, template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.db"
    expected = CASES[case](path, template)
    before = sha256_file(path)
    with pytest.raises(DatabaseOpenError) as caught:
        open_database(path, create=create)
    message = str(caught.value)
    assert expected in message
    assert str(path) in message
    assert "left untouched" in message
    assert sha256_file(path) == before
    assert not Path(f"{path}-journal").exists()


def test_inspect_file_reports_the_revision_of_a_good_file(template: Path) -> None:
    before = sha256_file(template)
    state = inspect_file(template)
    assert (state.empty, state.revision) == (False, SCHEMA_HEAD)
    assert sha256_file(template) == before


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="directory"):
        open_database(tmp_path)


def test_a_locked_new_file_reports_why_it_cannot_be_initialised(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # an empty file someone else is writing
    try:
        with pytest.raises(DatabaseOpenError, match="locked"):
            open_database(path, create=True, busy_timeout_ms=50)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
