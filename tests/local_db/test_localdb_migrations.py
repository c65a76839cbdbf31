"""Migrations: the code's idea of the schema head matches Alembic's, the models match what the
migrations build, and a database kept from every schema head upgrades with its data intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from localdb_support import SaleBuilder, numbering

from local_db import (
    DEMO_ITEMS,
    SCHEMA_HEAD,
    SqlCartStore,
    SqlCatalogReader,
    SqlSalesLedger,
    SqlSuspendedStore,
    load_store_config,
    open_database,
    upgrade,
    verify_ledger,
)
from local_db.database import KNOWN_REVISIONS
from local_db.migrate import alembic_config, script_head, script_revisions
from local_db.schema import Base
from runtime.system import SequentialIds

FIXTURES = Path(__file__).parent / "fixtures"


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    assert SCHEMA_HEAD == script_head()
    assert list(KNOWN_REVISIONS) == script_revisions()


def test_there_is_a_fixture_for_every_schema_head() -> None:
    for revision in KNOWN_REVISIONS:
        assert (FIXTURES / f"schema_{revision}.sqlite").exists(), revision


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with open_database(tmp_path / "m.db", create=True) as db, db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    fts = [d for d in diffs if d[0] == "remove_table" and d[1].name.startswith("products_fts")]
    assert [d for d in diffs if d not in fts] == []


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "d.db"
    open_database(path, create=True).close()
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    command.downgrade(cfg, "base")
    conn = sqlite3.connect(path)
    left = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert left <= {"alembic_version"}
    upgrade(path)
    with open_database(path) as db:
        assert db.schema_revision() == SCHEMA_HEAD


@pytest.mark.parametrize("revision", KNOWN_REVISIONS)
def test_fixture_of_each_head_upgrades_with_its_data(revision: str, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / f"schema_{revision}.sqlite", path)
    upgrade(path)
    with open_database(path) as db:
        assert db.schema_revision() == SCHEMA_HEAD
        assert db.integrity_check() == []
        assert verify_ledger(db) == []
        reader = SqlCatalogReader(db)
        assert reader.find_barcode(DEMO_ITEMS["tshirt"]) is not None
        assert reader.search("espr")
        cart = SqlCartStore(db).load("R1")
        assert cart is not None and len(cart.lines) == 2
        assert len(SqlSuspendedStore(db).list_suspended("R1")) == 1
        builder = SaleBuilder(load_store_config(db, "S001"), SqlCatalogReader(db),
                              ids=SequentialIds("after-upgrade"))
        receipt = SqlSalesLedger(db).finish(builder.concluded([DEMO_ITEMS["chocolate"]]),
                                            numbering("S001", "R1"))
        assert receipt.device_seq == 3  # two sales were already in the fixture
        assert verify_ledger(db) == []


def test_opening_a_fixture_directly_upgrades_it(tmp_path: Path) -> None:
    path = tmp_path / "direct.db"
    shutil.copy(FIXTURES / f"schema_{KNOWN_REVISIONS[0]}.sqlite", path)
    with open_database(path) as db:
        assert db.schema_revision() == SCHEMA_HEAD
