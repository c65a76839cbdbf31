"""Opening the register database safely, and the shared connection the repositories use.

A file is inspected read-only before it is opened for writing: a corrupt, foreign or
newer-schema file is refused with a clear message and left byte-for-byte untouched.
The normal open path imports neither SQLAlchemy nor Alembic and runs no integrity check, so a
register with a million products is ready in milliseconds; `Database.engine` is built on demand.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from local_db.payloads import LinePayloads
from runtime.ports import StorageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

APPLICATION_ID = 0x54504F53  # "TPOS", written by migration 0001 into the SQLite header
SCHEMA_HEAD = "0004"  # the newest Alembic revision this code knows (a test checks it)
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")  # oldest first (a test checks it)
DEFAULT_BUSY_TIMEOUT_MS = 2000
CHECKPOINT_POLL_S = 0.25  # how often the background checkpointer looks at the WAL
CHECKPOINT_IDLE_S = 0.5  # ... and checkpoints once it has been quiet this long
WAL_AUTOCHECKPOINT_PAGES = 4000  # backstop during long rushes (16 MB of WAL)
JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024  # the WAL file is truncated back to this after a reset
SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseOpenError(Exception):
    """The database file cannot be used as it is. Nothing was written to it."""


@dataclass(frozen=True, slots=True)
class FileState:
    """What a read-only look at a database file found."""

    empty: bool  # a blank SQLite file (or zero bytes): nothing to protect, may be initialised
    revision: str | None  # the Alembic revision stored in it, None when empty


def connect(path: str | Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A read-write connection with the durability pragmas of ARCHITECTURE.md.

    Autocommit mode (isolation_level=None): every transaction is begun explicitly, so
    `BEGIN IMMEDIATE` takes the write lock up front and no statement runs in a hidden one.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseOpenError(f"{path}: could not switch to WAL journal mode (got {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}").fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def _refuse(path: Path, reason: str) -> DatabaseOpenError:
    return DatabaseOpenError(f"{path}: {reason}; it was left untouched")


def _check_header(path: Path) -> bool:
    """Read the 100-byte SQLite header with plain open(); True when the file is zero bytes."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise DatabaseOpenError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        return True
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise _refuse(path, "is not a SQLite database (corrupt or wrong file)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _refuse(path, "is not a SQLite database (corrupt header: bad page size)")
    pages = int.from_bytes(header[28:32], "big")
    size_valid = header[24:28] == header[92:96]
    # A crash in the middle of a checkpoint can leave page 1 (with the new page count) copied
    # while the file is still short; the WAL still holds every frame and SQLite recovers it.
    # So the size check only applies when there is no WAL to finish the job.
    wal = Path(f"{path}-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    short = size_valid and pages and size < pages * page_size
    if size % page_size or (short and not wal_pending):
        raise _refuse(path, "is a truncated SQLite database (corrupt: the file is cut short)")
    return False


def inspect_file(path: str | Path) -> FileState:
    """Look at an existing file without modifying it (header read, then SQLite `mode=ro`).

    Raises DatabaseOpenError for anything that is not an intact Tillpoint database that
    this version can open or upgrade.
    """
    path = Path(path)
    if not path.exists():
        raise DatabaseOpenError(f"{path}: no such database file")
    if path.is_dir():
        raise DatabaseOpenError(f"{path}: is a directory, not a database file")
    if _check_header(path):
        return FileState(empty=True, revision=None)
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        ro = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"{path}: cannot be opened ({exc})") from exc
    try:
        app_id = ro.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in ro.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APPLICATION_ID:
            if tables:
                raise _refuse(path, "belongs to another application (not a Tillpoint database)")
            return FileState(empty=True, revision=None)
        if "alembic_version" not in tables:
            raise _refuse(path, "is a damaged Tillpoint database (no schema revision recorded)")
        rows = ro.execute("SELECT version_num FROM alembic_version").fetchall()
        if len(rows) == 1 and rows[0][0] in KNOWN_REVISIONS:  # touch a data page too
            ro.execute("SELECT 1 FROM products LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DatabaseOpenError(f"{path}: is locked by another program ({exc})") from exc
        raise _refuse(path, f"is not a readable SQLite database (corrupt: {exc})") from exc
    except sqlite3.DatabaseError as exc:
        raise _refuse(path, f"is not a SQLite database or is corrupt ({exc})") from exc
    finally:
        ro.close()
    if not rows and tables <= {"alembic_version"}:  # migrated down to base: nothing in it
        return FileState(empty=True, revision=None)
    if len(rows) != 1:
        raise _refuse(path, "is a damaged Tillpoint database (schema revision unreadable)")
    revision = str(rows[0][0])
    if revision not in KNOWN_REVISIONS:
        raise _refuse(
            path,
            f"was written by a newer Tillpoint (schema {revision}, "
            f"this version knows up to {SCHEMA_HEAD})",
        )
    return FileState(empty=False, revision=revision)


def open_database(
    path: str | Path,
    *,
    create: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    background_checkpoints: bool = True,
) -> Database:
    """Open (and with `create`, make) the register database, upgrading an older schema.

    Refuses, with DatabaseOpenError and without touching the file, a file that is not SQLite,
    is corrupt, belongs to another application or comes from a newer Tillpoint.
    With `background_checkpoints`, WAL checkpoints run on a helper thread when the register is
    idle instead of inside whichever commit crosses SQLite's threshold.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise DatabaseOpenError(
                f"{path}: no such database file (create it with `tillpoint seed --db {path}`)"
            )
        if not path.parent.is_dir():
            raise DatabaseOpenError(f"{path}: the folder {path.parent} does not exist")
        state = FileState(empty=True, revision=None)
    else:
        state = inspect_file(path)
    if state.empty and not create:
        raise DatabaseOpenError(f"{path}: is an empty file, not an initialised Tillpoint database")
    if state.empty or state.revision != SCHEMA_HEAD:
        from local_db.migrate import run_upgrade

        try:  # a migration is one SQLite transaction: on failure nothing of it remains
            run_upgrade(path, busy_timeout_ms=busy_timeout_ms)
        except Exception as exc:
            raise DatabaseOpenError(
                f"{path}: the schema could not be brought up to {SCHEMA_HEAD} ({exc})"
            ) from exc
    try:
        conn = connect(path, busy_timeout_ms)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"{path}: cannot be opened for writing ({exc})") from exc
    if background_checkpoints:
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}").fetchall()
    database = Database(path, conn, busy_timeout_ms)
    if background_checkpoints:
        database.start_checkpointer()
    return database


def storage_error(exc: sqlite3.Error, what: str, path: Path) -> StorageError:
    """Turn an SQLite error into the runtime's StorageError with a sentence a person can act on."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        reason = "the database is locked by another program"
    elif "full" in lowered:
        reason = "the disk holding the database is full"
    elif "i/o" in lowered:
        reason = "a disk I/O error occurred"
    elif "readonly" in lowered or "read-only" in lowered:
        reason = "the database is read-only"
    elif isinstance(exc, sqlite3.IntegrityError):
        reason = f"the data conflicts with what is stored ({text})"
    else:
        reason = text
    return StorageError(f"could not {what}: {reason} ({path.name}: {text})")


# Held while a checkpointer thread is inside SQLite and across every fork(): a child forked in
# the middle of a checkpoint would inherit SQLite's internal mutexes locked and hang.
_FORK_GUARD = threading.Lock()
os.register_at_fork(
    before=_FORK_GUARD.acquire,
    after_in_parent=_FORK_GUARD.release,
    after_in_child=_FORK_GUARD.release,
)


class _Checkpointer:
    """Runs PASSIVE WAL checkpoints on its own connection once the register is idle.

    A checkpoint copies WAL frames into the database file and fsyncs it; done inside a sale's
    commit (SQLite's default) it turns that commit into a multi-millisecond outlier, and done
    while sales are being written it competes for the disk. So it waits until the WAL has not
    changed for `idle` seconds (between customers). During a long rush the writer's own
    autocheckpoint (WAL_AUTOCHECKPOINT_PAGES) remains the backstop.
    """

    def __init__(self, path: Path, busy_timeout_ms: int, interval: float, idle: float) -> None:
        self._path, self._timeout = path, busy_timeout_ms
        self._interval, self._idle = interval, idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tillpoint-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        wal = Path(f"{self._path}-wal")
        conn: sqlite3.Connection | None = None
        checkpointed = 0.0
        try:
            conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout)}")
            conn.execute("PRAGMA synchronous = FULL")
            while not self._stop.wait(self._interval):
                try:
                    changed = wal.stat().st_mtime
                except OSError:
                    continue
                if changed == checkpointed or time.time() - changed < self._idle:
                    continue
                with _FORK_GUARD:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                checkpointed = changed
        except sqlite3.Error:
            pass  # the writer's autocheckpoint backstop takes over
        finally:
            if conn is not None:
                with _FORK_GUARD:
                    conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class Database:
    """An open register database: one shared SQLite connection for the hot paths (guarded by
    a lock, so one writer at a time) and a lazily built SQLAlchemy engine for everything else."""

    def __init__(self, path: Path, conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.lock = threading.RLock()
        self._conn: sqlite3.Connection | None = conn
        self._engine: Engine | None = None
        self.line_payloads = LinePayloads()  # shared by the cart store and the ledger
        self._checkpointer: _Checkpointer | None = None

    def start_checkpointer(
        self, interval: float = CHECKPOINT_POLL_S, idle: float = CHECKPOINT_IDLE_S
    ) -> None:
        if self._checkpointer is None:
            self._checkpointer = _Checkpointer(self.path, self.busy_timeout_ms, interval, idle)

    @property
    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(f"{self.path.name}: the database is closed")
        return self._conn

    @contextmanager
    def write(self, what: str) -> Iterator[sqlite3.Connection]:
        """One durable write transaction (BEGIN IMMEDIATE … COMMIT), rolled back on any error.

        SQLite errors leave as StorageError naming `what` could not be done.
        """
        with self.lock:
            conn = self.connection
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise storage_error(exc, what, self.path) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                if isinstance(exc, sqlite3.Error):
                    raise storage_error(exc, what, self.path) from exc
                raise

    @contextmanager
    def read(self, what: str) -> Iterator[sqlite3.Connection]:
        """The shared connection for reads; SQLite errors leave as StorageError."""
        with self.lock:
            try:
                yield self.connection
            except sqlite3.Error as exc:
                raise storage_error(exc, what, self.path) from exc

    @property
    def engine(self) -> Engine:
        """SQLAlchemy engine on the same file and pragmas, created on first use."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            path, timeout = self.path, self.busy_timeout_ms
            engine = create_engine(f"sqlite:///{path}", creator=lambda: connect(path, timeout))

            @event.listens_for(engine, "begin")
            def _begin(conn: object) -> None:  # the pysqlite recipe: we begin, not the driver
                conn.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]

            self._engine = engine
        return self._engine

    def session(self) -> Session:
        from sqlalchemy.orm import Session

        return Session(self.engine)

    def schema_revision(self) -> str:
        with self.read("read the schema revision") as conn:
            return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])

    def pragma(self, name: str) -> object:
        with self.read(f"read PRAGMA {name}") as conn:
            return conn.execute(f"PRAGMA {name}").fetchone()[0]

    def integrity_check(self, max_errors: int = 100) -> list[str]:
        """Full `PRAGMA integrity_check` (slow on big files: not run on open). [] means intact."""
        with self.read("check the database") as conn:
            rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(max_errors)})")]
        return [] if rows == ["ok"] else rows

    def checkpoint(self, mode: str = "PASSIVE") -> None:
        """Copy the WAL into the main file; call when idle to keep checkpoints off hot paths."""
        if mode.upper() not in {"PASSIVE", "FULL", "RESTART", "TRUNCATE"}:
            raise ValueError(f"unknown checkpoint mode {mode}")
        with self.read("checkpoint the database") as conn:
            conn.execute(f"PRAGMA wal_checkpoint({mode.upper()})").fetchall()

    def close(self) -> None:
        with self.lock:
            if self._checkpointer is not None:
                self._checkpointer.stop()
                self._checkpointer = None
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
