"""Fixtures for local_db tests: real SQLite files in temp dirs, never :memory:.

`seeded_store` (tests/conftest.py) is a session-wide 2,000-product store used as a read-only
template; tests that write get their own copy.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from localdb_support import SaleBuilder  # noqa: E402

from local_db import Database, SqlCatalogReader, load_store_config, open_database  # noqa: E402


def copy_db(source: Path, target: Path) -> Path:
    """Copy a closed database file (its WAL was checkpointed away when it was closed)."""
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{source}{suffix}").exists(), f"{source} is still open"
    shutil.copy(source, target)
    return target


@pytest.fixture(scope="module")
def catalog_db(seeded_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A module-wide open copy of the seeded store, for read-only tests."""
    path = copy_db(seeded_store, tmp_path_factory.mktemp("catalog") / "store.db")
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture
def db_path(seeded_store: Path, tmp_path: Path) -> Path:
    return copy_db(seeded_store, tmp_path / "register.db")


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path, busy_timeout_ms=100)
    yield database
    database.close()


@pytest.fixture
def builder(db: Database) -> SaleBuilder:
    return SaleBuilder(load_store_config(db, "S001"), SqlCatalogReader(db))
