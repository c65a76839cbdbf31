"""The server's database: URL handling, engines and migrations, for SQLite and PostgreSQL.

SQLite is the no-set-up default: a file, WAL with synchronous=FULL (an acknowledged push is on
disk), and every write transaction started with BEGIN IMMEDIATE so concurrent writers queue
instead of failing when a reader tries to become a writer. Within the server process writers
queue on a lock before they take a connection: SQLite has one writer anyway, and its busy
handler (sleep and poll) wastes the lock's idle time and can starve a waiter past the timeout
under load; other processes (the command line tools) still meet the busy timeout. Reads use
a second engine with plain (deferred) transactions, so they run beside a writer. PostgreSQL
goes through psycopg 3; row locks order the writers.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
DEFAULT_DB_FILE = "tillpoint-server.db"
DB_ENV = "TILLPOINT_SERVER_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# as many kept connections as the worker threads that serve sync routes (anyio's 40), so a busy
# server neither waits on the pool nor opens and closes overflow connections per request
_POOL = 40


class DatabaseUrlError(ValueError):
    """A --db value that names no database we can use."""


def resolve_url(value: str | None) -> URL:
    """--db value (or $TILLPOINT_SERVER_DB, or ./tillpoint-server.db) as an SQLAlchemy URL.

    A plain path is an SQLite file; postgresql:// URLs use psycopg 3."""
    text = value or os.environ.get(DB_ENV) or DEFAULT_DB_FILE
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return URL.create("sqlite+pysqlite", database=str(path))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"--db {text!r} is not a database URL or file path") from exc
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        if not url.database or url.database == ":memory:":
            raise DatabaseUrlError("the server needs an SQLite file, not an in-memory database")
        return url.set(drivername="sqlite+pysqlite")
    raise DatabaseUrlError(
        f"unsupported database {url.drivername!r}: use an SQLite file path or postgresql://..."
    )


def describe(url: URL) -> str:
    """The URL without its password, for messages and logs."""
    return url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL, immediate: bool) -> Engine:
    engine = create_engine(
        url,
        connect_args={"timeout": 30, "check_same_thread": False},
        pool_size=_POOL,
        max_overflow=10,
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engines and session factories of one server database."""

    def __init__(self, url: URL | str) -> None:
        self.url = url if isinstance(url, URL) else resolve_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            Path(str(self.url.database)).parent.mkdir(parents=True, exist_ok=True)
            self.write_engine = _sqlite_engine(self.url, immediate=True)
            self.read_engine = _sqlite_engine(self.url, immediate=False)
        else:
            self.write_engine = create_engine(
                self.url, pool_size=_POOL, max_overflow=10, pool_pre_ping=True
            )
            self.read_engine = self.write_engine
        # SQLite: one writer at a time in this process (see the module docstring)
        self._write_lock = threading.RLock() if self.is_sqlite else contextlib.nullcontext()
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One database transaction: committed when the block ends, rolled back on error."""
        with self._write_lock, self._writer() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


_RACE_STATES = {"40001", "40P01"}  # PostgreSQL serialization failure, deadlock


def lost_race(exc: BaseException) -> bool:
    """A write that failed only because a concurrent transaction got there first (a unique
    key taken meanwhile, a deadlock victim): doing it again will see the winner's rows."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    if isinstance(exc, IntegrityError):
        return True
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DBAPIError) and state in _RACE_STATES


def retry_races(work: Callable[[], T], attempts: int = 3) -> T:
    """Run `work` (one whole database transaction) again when it lost a race."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if attempt == attempts or not lost_race(exc):
                raise
    raise AssertionError("unreachable")


def insert_for(session: Session) -> Any:
    """The dialect's INSERT (with on_conflict_do_update) for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def upgrade(db: Database) -> None:
    """Apply the server's Alembic migrations (idempotent: at head it does nothing)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.write_engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def open_database(value: str | None) -> Database:
    """Resolve the URL, connect and migrate: what every server command starts with."""
    db = Database(resolve_url(value))
    try:
        upgrade(db)
    except Exception:
        db.dispose()
        raise
    return db
