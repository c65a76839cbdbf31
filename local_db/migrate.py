"""Running the Alembic migrations programmatically (no alembic.ini at runtime).

`open_database` calls `run_upgrade` only for a new file or an older schema, so the normal open
path never loads Alembic's script directory.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, pool
from sqlalchemy.engine import Connection

from local_db.database import DEFAULT_BUSY_TIMEOUT_MS, connect, inspect_file

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic Config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_head() -> str:
    """The head revision of the migration scripts (must equal database.SCHEMA_HEAD)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found")
    return head


def script_revisions() -> list[str]:
    """All revisions, oldest first (must equal database.KNOWN_REVISIONS)."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def run_upgrade(
    path: str | Path, revision: str = "head", *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> None:
    """Apply migrations up to `revision` in one SQLite transaction (DDL there is transactional),
    on a connection with the usual pragmas. The caller has already inspected the file."""
    path = Path(path)
    engine = create_engine(
        f"sqlite:///{path}",
        creator=lambda: connect(path, busy_timeout_ms),
        poolclass=pool.NullPool,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    cfg = alembic_config()
    try:
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def upgrade(path: str | Path, revision: str = "head") -> None:
    """Check the file (refusing corrupt, foreign or newer ones untouched), then migrate it."""
    inspect_file(path)
    run_upgrade(path, revision)
