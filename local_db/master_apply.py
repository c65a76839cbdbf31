"""Applying a page of the channel server's change log to the register's own tables.

`apply_page` is one SQLite transaction: every item of the page and the cursor after it
commit together or not at all, with foreign keys deferred to the commit (a page may name a
child before its parent). Within the page, upserts run parents first, then deletes children
first, one `executemany` per entity and table.

A single malformed row (wrong types, a missing field, a category or unit this register does
not have) does not stop the page: it is skipped, reported in `ApplyResult.problems` with its
entity, key and reason, kept in `master_documents` with `error` set, and the register's
previous version of that row (if any) stays. One bad row from headquarters must never wedge a
register's downloads. A delete of a row that other rows still use (a category with products)
is skipped and reported the same way. What cannot be applied at all (a storage error, a
violated constraint found at commit) rolls the whole page back, leaves the cursor where it
was and raises `MasterApplyError` naming the entity and keys.

Full download: `start_full_download` lists every master row as stale (`sync_stale`); each
item applied takes its key off the list; the last page (`has_more` false) removes what is
still listed, in its own transaction. Until then the register sells on the data it has.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from local_db.database import Database, storage_error
from local_db.master_entities import (
    DOCUMENT_UPSERT,
    PRICING_KINDS,
    DocumentEntity,
    Entity,
    PricingEntity,
    Refs,
    StaffEntity,
    conversion_entity,
    table_entities,
)
from local_db.master_fields import MissingParent, RowError
from local_db.master_product import ProductEntity
from local_db.sync_state import (
    SyncCursor,
    cursor_in,
    get_setting,
    master_counts,
    read_cursor,
    set_setting,
    start_full_download,
    write_cursor,
)
from local_db.timefmt import format_utc

UPSERT, DELETE = "upsert", "delete"
WAITING = "waiting for "  # master_documents.error of a row set aside until its parent arrives
MAX_PROBLEMS = 200  # a page of 5,000 broken rows reports the first ones and a count


class MasterItem(NamedTuple):
    """One change of the log (sync.protocol.Change as plain values). A NamedTuple: built a
    million times per full download, at less than half the cost of a frozen dataclass."""

    version: int
    entity: str
    key: str
    op: str  # 'upsert' | 'delete'
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ApplyResult:
    counts: dict[str, int]  # items applied per entity (upserts and deletes)
    applied: int  # upserts written
    deleted: int  # deletes done
    ignored: int  # items skipped (malformed, or a delete of a row still in use)
    problems: tuple[str, ...]  # "entity key: reason", one per skipped item (and sweep notes)
    swept: int = 0  # rows removed at the end of a full download (not sent again)
    full_download_finished: bool = False
    cursor: SyncCursor | None = None  # the cursor stored with the page
    waiting: int = 0  # rows set aside until their parent arrives (see docs/master-data.md)


class MasterApplyError(Exception):
    """A page could not be applied; nothing of it was written and the cursor did not move."""


def _ordered_entities() -> list[Entity]:
    """Every known entity, parents before children."""
    tables = table_entities()
    at = next(i for i, e in enumerate(tables) if e.name == "tender_type")
    return [
        *tables[:at], StaffEntity(), *tables[at:], ProductEntity(), conversion_entity(),
        *(PricingEntity(kind) for kind in PRICING_KINDS),
    ]  # fmt: skip


ENTITIES: tuple[Entity, ...] = tuple(_ordered_entities())
BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}


# ---- foreign keys ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    child: str
    column: str
    parent: str
    parent_column: str
    cascades: bool


def _references(conn: sqlite3.Connection) -> list[_Ref]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    refs = []
    for table in tables:
        for row in conn.execute(f"PRAGMA foreign_key_list({table})"):
            if row[4] is not None:
                cascades = str(row[6]).upper() in ("CASCADE", "SET NULL", "SET DEFAULT")
                refs.append(_Ref(table, row[3], row[2], row[4], cascades))
    return refs


def _guard(entity: Entity, refs: Sequence[_Ref]) -> str:
    """SQL keeping rows of `entity` that other rows still point at (deletes would fail)."""
    parts = [
        f" AND NOT EXISTS (SELECT 1 FROM {r.child} AS r_ WHERE r_.{r.column}"
        f" = {entity.table}.{r.parent_column})"
        for r in refs
        if r.parent == entity.table and not r.cascades
    ]
    return "".join(parts)


def _users(conn: sqlite3.Connection, entity: Entity, key: str, refs: Sequence[_Ref]) -> str:
    for r in refs:
        if r.parent != entity.table or r.cascades:
            continue
        sql = f"SELECT 1 FROM {r.child} WHERE {r.column} = ? LIMIT 1"
        if conn.execute(sql, (key,)).fetchone():
            return f"{r.child}.{r.column}"
    return "other rows"


def _orphans(conn: sqlite3.Connection, refs: Sequence[_Ref]) -> list[str]:
    """What violates a foreign key now (the page's commit failed): 'child.column value'."""
    found = []
    for r in refs:
        rows = conn.execute(
            f"SELECT DISTINCT {r.column} FROM {r.child} WHERE {r.column} IS NOT NULL AND"
            f" {r.column} NOT IN (SELECT {r.parent_column} FROM {r.parent}) LIMIT 3"
        ).fetchall()
        found += [f"{r.child}.{r.column} {v[0]!r} has no {r.parent} row" for v in rows]
    return found


# ---- the page transaction ----------------------------------------------------------------------


PAGE_CACHE_KIB = 32 * 1024


def _enough_cache(conn: sqlite3.Connection) -> None:
    """At least 32 MiB of page cache on the connection that applies pages (SQLite's default
    is 2 MiB): a page of 5,000 products touches thousands of index pages, and re-reading
    them from the OS on every page made barcode inserts a quarter slower on a million."""
    size = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    if size >= 0:
        size = -size * int(conn.execute("PRAGMA page_size").fetchone()[0]) // 1024
    if -size < PAGE_CACHE_KIB:
        conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")


@contextmanager
def _page_transaction(db: Database, what: str) -> Iterator[sqlite3.Connection]:
    """Like `Database.write`, with foreign keys deferred to the commit; a commit refused by
    a foreign key names the rows at fault before everything is rolled back."""
    with db.lock:
        conn = db.connection
        try:
            _enough_cache(conn)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise storage_error(exc, what, db.path) from exc
        try:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            yield conn
            try:
                conn.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                found = _orphans(conn, _references(conn)) if conn.in_transaction else []
                detail = "; ".join(found[:10]) or str(exc)
                raise MasterApplyError(f"could not {what}: {detail}") from exc
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                raise storage_error(exc, what, db.path) from exc
            raise


# ---- applying a page ---------------------------------------------------------------------------


@dataclass
class _Page:
    conn: sqlite3.Connection
    now: str
    refs: Refs
    fk: list[_Ref]
    counts: dict[str, int] = field(default_factory=dict)
    applied: int = 0
    deleted: int = 0
    ignored: int = 0
    problems: list[str] = field(default_factory=list)
    good: list[tuple[str, str]] = field(default_factory=list)  # known (entity, key) written
    deferred: int = 0  # rows set aside this page to wait for their parent

    def problem(self, text: str) -> None:
        self.ignored += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)

    def bad_row(self, item: MasterItem, error: RowError) -> None:
        """Keep the row aside in master_documents: waiting for its parent (retried when that
        arrives, see `_retry_waiting`), or broken (reported now)."""
        if isinstance(error, MissingParent):
            target = json.dumps([error.table, error.column, error.value], ensure_ascii=False)
            reason = f"{WAITING}{target}: {error}"
            self.deferred += 1
        else:
            reason = str(error)
            self.problem(f"{item.entity} {item.key}: {reason}")
        data = json.dumps(dict(item.data or {}), ensure_ascii=False, default=str, sort_keys=True)
        self.conn.execute(
            DOCUMENT_UPSERT, (item.entity, item.key, data, reason, item.version, self.now)
        )

    @contextmanager
    def writing(self, entity: Entity, action: str, keys: Sequence[str]) -> Iterator[None]:
        """A constraint refusing the rows fails the page, naming the entity and keys."""
        try:
            yield
        except sqlite3.IntegrityError as exc:
            shown = ", ".join(keys[:3]) + (" …" if len(keys) > 3 else "")
            raise MasterApplyError(
                f"could not {action} {entity.name} ({shown}): {exc}; the page was not applied"
            ) from exc

    def upserts(self, entity: Entity, items: Sequence[MasterItem]) -> None:
        rows = entity.parse_many(
            [(i.key, i.data) for i in items], self.refs, lambda n, why: self.bad_row(items[n], why)
        )
        if rows:
            with self.writing(entity, "write", [p.key for p in rows]):
                entity.upsert(self.conn, rows)
            self.applied += len(rows)
            self.counts[entity.name] = self.counts.get(entity.name, 0) + len(rows)
            if not isinstance(entity, DocumentEntity):
                self.good += [(entity.name, p.key) for p in rows]
        self.refs.forget(entity.table)

    def deletes(self, entity: Entity, keys: Sequence[str]) -> None:
        guard = _guard(entity, self.fk)
        left = list(keys)
        while left:  # again while it helps: a parent goes once its child in the page went
            with self.writing(entity, "delete", left):
                entity.delete(self.conn, left, guard)
            if not guard:
                left = []
                break
            exists = entity.exists_sql()
            still = [k for k in left if self.conn.execute(exists, (k,)).fetchone()]
            if len(still) == len(left):
                break
            left = still
        for key in left:
            users = _users(self.conn, entity, key, self.fk)
            self.problem(f"{entity.name} {key}: not deleted, still used by {users}")
        done = len(keys) - len(left)
        self.deleted += done
        if done:
            self.counts[entity.name] = self.counts.get(entity.name, 0) + done
        if not isinstance(entity, DocumentEntity):
            kept = set(left)
            self.good += [(entity.name, k) for k in keys if k not in kept]
        self.refs.forget(entity.table)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a page is parsed and written: the page allocates
    hundreds of thousands of small tuples and no cycles, and the collector's passes over
    them (and over the rest of the register's heap) took half the parsing time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _valid(item: MasterItem) -> str | None:
    if type(item.version) is not int or item.version < 0:
        return "the version is not a whole number"
    if not isinstance(item.entity, str) or not item.entity or len(item.entity) > 40:
        return "the entity name is not valid"
    if not isinstance(item.key, str) or not item.key or len(item.key) > 200:
        return "the key is not valid"
    if item.op != UPSERT and item.op != DELETE:  # a str or sync.protocol's ChangeOp
        return f"unknown op {str(item.op)[:20]!r}"
    return None


def apply_page(
    db: Database,
    *,
    store_id: str,
    epoch: str,
    items: Sequence[MasterItem],
    next_cursor: str,
    has_more: bool,
    high_water: int,
    now: dt.datetime | None = None,
) -> ApplyResult:
    """Apply one page and store `next_cursor` in one transaction (see the module doc).

    Raises MasterApplyError (nothing written) when no download was started, the page is for
    another store or epoch than the download in progress, or the page cannot be applied.
    """
    when = now or dt.datetime.now(dt.UTC)
    with _gc_paused(), _page_transaction(db, "apply a master-data page") as conn:
        current = cursor_in(conn)
        if current is None:
            raise MasterApplyError("no master-data download was started (start_full_download)")
        if current.store_id != store_id:
            raise MasterApplyError(
                f"the page is for store {store_id}, the download for {current.store_id}"
            )
        if current.epoch and current.epoch != epoch:
            raise MasterApplyError(
                f"the page is from epoch {epoch}, the cursor from {current.epoch}:"
                " start a full download"
            )
        page = _Page(conn, format_utc(when), Refs(conn), _references(conn))
        latest: dict[tuple[str, str], MasterItem] = {}
        for item in items:
            reason = _valid(item)
            if reason is not None:
                page.problem(f"{item.entity!s:.40} {item.key!s:.60}: {reason}")
            else:
                latest.pop((item.entity, item.key), None)  # the newest change wins
                latest[(item.entity, item.key)] = item
        _apply(page, list(latest.values()))
        waiting = _retry_waiting(page)
        _forget_errors(page)
        if waiting and not has_more:  # the end of this run: what still waits is a problem
            _report_waiting(page)
        seen = list(latest)
        finished = current.full_download and not has_more
        swept = 0
        if current.full_download and seen:
            if conn.execute("SELECT 1 FROM sync_stale LIMIT 1").fetchone():
                conn.executemany("DELETE FROM sync_stale WHERE entity = ? AND key = ?", seen)
        if finished:
            swept = _sweep(page)
        versions = [i.version for i in latest.values()]
        cursor = SyncCursor(
            store_id, epoch, next_cursor, current.full_download and has_more, int(high_water),
            max([current.applied_version, *versions]), when,
        )  # fmt: skip
        write_cursor(conn, cursor)
    return ApplyResult(
        page.counts, page.applied, page.deleted, page.ignored, tuple(page.problems),
        swept, finished, cursor, waiting,
    )  # fmt: skip


def _apply(page: _Page, items: Sequence[MasterItem]) -> None:
    by_entity: dict[str, list[MasterItem]] = {}
    for item in items:
        by_entity.setdefault(item.entity, []).append(item)
    versions = {(i.entity, i.key): i.version for i in items}
    entities = [e for e in ENTITIES if e.name in by_entity]
    entities += [
        DocumentEntity(name, functools.partial(_version, versions, name), page.now)
        for name in by_entity
        if name not in BY_NAME
    ]
    for entity in entities:  # parents first
        ups = [i for i in by_entity[entity.name] if i.op == UPSERT]
        if ups:
            page.upserts(entity, ups)
    for entity in reversed(entities):  # children first
        gone = [i.key for i in by_entity[entity.name] if i.op == DELETE]
        if gone:
            page.deletes(entity, gone)
            if not isinstance(entity, DocumentEntity):  # a raw copy goes with the row
                page.conn.executemany(
                    "DELETE FROM master_documents WHERE entity = ? AND key = ?",
                    [(entity.name, k) for k in gone],
                )


def _waiting_for(error: str) -> tuple[str, str, str] | None:
    if not error.startswith(WAITING):
        return None
    text = error[len(WAITING) :]
    try:
        table, column, value = json.loads(text[: text.index("]: ") + 1])
    except ValueError:
        return None
    return str(table), str(column), str(value)


def _retry_waiting(page: _Page) -> int:
    """Apply again the rows set aside for a parent that has arrived since (this page or an
    earlier one), in rounds, since a parent may itself have been waiting. Returns how many
    rows still wait."""
    conn = page.conn
    listed = "SELECT entity, key, error FROM master_documents WHERE error LIKE 'waiting for %'"
    for _ in range(10):
        refs, ready = Refs(conn), dict[str, list[tuple[str, str]]]()
        waiting = conn.execute(listed).fetchall()
        for entity, key, error in waiting:
            target = _waiting_for(error)
            if target is None or entity not in BY_NAME:
                continue
            try:
                refs.require(*target, "")
            except MissingParent:
                continue
            ready.setdefault(entity, []).append((key, error))
        if not ready:
            return len(waiting)
        page.refs = refs
        for entity in ENTITIES:
            keys = ready.get(entity.name, [])
            if not keys:
                continue
            again = []
            for key, _ in keys:
                data, version = conn.execute(
                    "SELECT data, version FROM master_documents WHERE entity = ? AND key = ?",
                    (entity.name, key),
                ).fetchone()
                again.append(MasterItem(version, entity.name, key, UPSERT, json.loads(data)))
            page.upserts(entity, again)
            # applied now: its waiting copy goes (a row that failed again has a new error)
            conn.executemany(
                "DELETE FROM master_documents WHERE entity = ? AND key = ? AND error = ?",
                [(entity.name, key, error) for key, error in keys],
            )
    return int(conn.execute(listed.replace("entity, key, error", "count(*)")).fetchone()[0])


def _report_waiting(page: _Page) -> None:
    for entity, key, error in page.conn.execute(
        "SELECT entity, key, error FROM master_documents WHERE error LIKE 'waiting for %'"
        " ORDER BY entity, key LIMIT 50"
    ):
        reason = error.split("]: ", 1)[-1]
        page.problems.append(f"{entity} {key}: {reason} (not sent by the server so far)")


def _version(versions: Mapping[tuple[str, str], int], entity: str, key: str) -> int:
    return versions[(entity, key)]


def _forget_errors(page: _Page) -> None:
    """A row written now replaces the broken copy an earlier page left in master_documents."""
    conn = page.conn
    if page.good and conn.execute(
        "SELECT 1 FROM master_documents WHERE error IS NOT NULL LIMIT 1"
    ).fetchone():
        conn.executemany(
            "DELETE FROM master_documents WHERE entity = ? AND key = ? AND error IS NOT NULL",
            page.good,
        )


# ---- full download: the stale list and the sweep -----------------------------------------------

_CUSTOMER_PENDING = (
    " AND customers.customer_id NOT IN (SELECT json_extract(payload, '$.customer_id')"
    " FROM outbox WHERE kind = 'customer_created' AND acked_at IS NULL)"
)


def list_stale_rows(conn: sqlite3.Connection) -> int:
    """List every master row present now in `sync_stale` (inside the caller's transaction)."""
    conn.execute("DELETE FROM sync_stale")
    for entity in ENTITIES:
        conn.execute(
            "INSERT OR IGNORE INTO sync_stale (entity, key) SELECT ?, key_ FROM"
            f" ({entity.keys_sql().replace(' FROM ', ' AS key_ FROM ', 1)})",
            (entity.name,),
        )
    conn.execute(
        "INSERT OR IGNORE INTO sync_stale (entity, key) SELECT entity, key FROM master_documents"
    )
    return int(conn.execute("SELECT count(*) FROM sync_stale").fetchone()[0])


def _sweep(page: _Page) -> int:
    """Remove what the finished full download did not send again; rows still used by rows
    it did send are kept and reported."""
    conn, removed = page.conn, 0
    for entity in reversed(ENTITIES):
        guard = _guard(entity, page.fk) + (_CUSTOMER_PENDING if entity.name == "customer" else "")
        sql = (
            f"DELETE FROM {entity.table} WHERE {entity.key_sql} IN"
            f" (SELECT key FROM sync_stale WHERE entity = ?){entity.where()}{guard}"
        )
        while True:
            count = conn.execute(sql, (entity.name,)).rowcount
            removed += max(count, 0)
            if count <= 0 or not guard:
                break
        if guard:
            kept = conn.execute(
                f"SELECT key FROM sync_stale WHERE entity = ? AND key IN"
                f" (SELECT {entity.key_sql} FROM {entity.table}"
                f"{' WHERE ' + entity.scope if entity.scope else ''}) LIMIT 20",
                (entity.name,),
            ).fetchall()
            for (key,) in kept:
                page.problems.append(
                    f"{entity.name} {key}: no longer sent by the server but kept, still used by"
                    f" {_users(conn, entity, key, page.fk)}"
                )
    removed += conn.execute(
        "DELETE FROM master_documents WHERE (entity, key) IN (SELECT entity, key FROM sync_stale)"
    ).rowcount
    conn.execute("DELETE FROM sync_stale")
    return removed


__all__ = [
    "ApplyResult",
    "MasterApplyError",
    "MasterItem",
    "SyncCursor",
    "apply_page",
    "get_setting",
    "list_stale_rows",
    "master_counts",
    "read_cursor",
    "set_setting",
    "start_full_download",
]
