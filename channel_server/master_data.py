"""Master data and the per-store change log the registers download (`GET /v1/changes`).

Why a reader never skips a row: a store's versions come from its `stores.version` counter,
bumped by the same database transaction that writes the change rows, after that transaction
has locked the counter row (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite).
So a second writer of the same store waits until the first commits or rolls back, and the
versions of a store become visible strictly in order and without holes: whenever a reader sees
version v, every version below v is already committed (or was superseded, see below). Paging
by `version > cursor` therefore never passes over a row that commits later.

The log keeps only the newest change of each (store, entity, key): a newer change moves the
row to its new version. A reader behind the move finds it at the new version; a reader ahead
of it already has the older value and will see the new one. Tombstones (deletes) stay until
`purge_tombstones`; a cursor older than the purge, from an old epoch, or from the future
(a restored server) answers 410 and the register downloads everything again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from channel_server.devices import utcnow
from channel_server.models import ChangeRow, StoreRow, UtcDateTime
from sync.protocol import (
    DEFAULT_PAGE_ITEMS,
    Change,
    ChangeOp,
    ChangesPage,
    make_cursor,
    parse_cursor,
)

_CHUNK = 500  # keys per SELECT ... IN
_WRITE_CHUNK = 5000  # rows per executemany
_ENTITY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
_CONTROL = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True, slots=True)
class MasterChange:
    """One row to upsert (`data` is the whole row, JSON types; Decimals become strings) or to
    delete (`data` None). Known entities: product, barcode, price, trade_agreement, discount,
    coupon, customer, tax, tender_type, staff, permission_group, store, register,
    receipt_profile, hardware_profile."""

    entity: str
    key: str
    data: Mapping[str, Any] | None


class CursorExpired(Exception):
    """The reader must start over with a full download (HTTP 410)."""


class BadCursor(ValueError):
    """Text that is not a cursor this server handed out."""


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON type")


def canonical_text(data: Mapping[str, Any]) -> str:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _validate(change: MasterChange, entities: set[str]) -> None:
    entity, key = change.entity, change.key
    if entity not in entities:  # checked once per entity name, not once per row
        if (
            not entity
            or len(entity) > 40
            or not set(entity) <= _ENTITY_CHARS
            or entity[0].isdigit()
        ):
            raise ValueError(f"entity {entity!r}: use lowercase letters, digits and _ (max 40)")
        entities.add(entity)
    if not key or len(key) > 200 or _CONTROL.search(key):
        raise ValueError(f"{entity} key {key!r}: 1-200 printable characters")


def _lock_store(session: Session, store_id: str) -> StoreRow:
    store = session.scalars(
        select(StoreRow).where(StoreRow.store_id == store_id).with_for_update()
    ).first()
    if store is None:
        raise LookupError(f"there is no store {store_id} on this server")
    return store


def _current(
    session: Session, store_id: str, entity: str, keys: Sequence[str]
) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = session.execute(
            select(ChangeRow.key, ChangeRow.op, ChangeRow.data).where(
                ChangeRow.store_id == store_id,
                ChangeRow.entity == entity,
                ChangeRow.key.in_(keys[start : start + _CHUNK]),
            )
        )
        for key, op, data in rows:
            found[key] = (op, data)
    return found


def apply_changes(
    session: Session,
    changes: Iterable[MasterChange],
    stores: Sequence[str] | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Record master-data changes in the change log of each of `stores` (all when None),
    inside the caller's transaction (`Database.write()`), skipping changes that change
    nothing. Returns the number of rows recorded per store. The import tool calls this."""
    now = now or utcnow()
    latest: dict[tuple[str, str], str | None] = {}  # (entity, key) -> text; last one wins
    entities: set[str] = set()
    for change in changes:
        _validate(change, entities)
        text = None if change.data is None else canonical_text(change.data)
        latest[(change.entity, change.key)] = text
    if stores is None:
        stores = list(session.scalars(select(StoreRow.store_id)))
    by_entity: dict[str, list[str]] = {}
    for entity, key in latest:
        by_entity.setdefault(entity, []).append(key)
    recorded: dict[str, int] = {}
    for store_id in sorted(set(stores)):  # one lock order: writers of many stores never deadlock
        store = _lock_store(session, store_id)
        rows: list[tuple[str, str, str | None]] = []
        for entity, keys in by_entity.items():
            current = _current(session, store_id, entity, keys)
            for key in keys:
                text = latest[(entity, key)]
                was = current.get(key)
                if text is None and (was is None or was[0] == ChangeOp.DELETE):
                    continue  # deleting what is not there
                if text is not None and was is not None and was == (ChangeOp.UPSERT, text):
                    continue  # the same row again
                rows.append((entity, key, text))
        recorded[store_id] = len(rows)
        if not rows:
            continue
        top = session.execute(
            update(StoreRow)
            .where(StoreRow.store_id == store_id)
            .values(version=StoreRow.version + len(rows))
            .returning(StoreRow.version)
        ).scalar_one()
        first = top - len(rows) + 1
        _write_rows(session, store.store_id, first, rows, now)
    return recorded


def _write_rows(
    session: Session,
    store_id: str,
    first: int,
    rows: list[tuple[str, str, str | None]],
    now: dt.datetime,
) -> None:
    """Upsert the rows with one plain DBAPI executemany per chunk: an import writes millions,
    and SQLAlchemy's per-row parameter processing would cost more than the inserts. The time
    goes through the column's own type once, so it is stored exactly as the ORM stores it."""
    conn = session.connection()
    dialect = conn.dialect
    stamp = UtcDateTime().process_bind_param(now, dialect)  # the type of changed_at
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {ChangeRow.__tablename__}"
        " (store_id, entity, key, version, op, data, changed_at)"
        f" VALUES ({', '.join([mark] * 7)}) ON CONFLICT (store_id, entity, key) DO UPDATE SET"
        " version = excluded.version, op = excluded.op, data = excluded.data,"
        " changed_at = excluded.changed_at"
    )
    delete, upsert = ChangeOp.DELETE.value, ChangeOp.UPSERT.value
    values = [
        (store_id, entity, key, first + i, delete if text is None else upsert, text, stamp)
        for i, (entity, key, text) in enumerate(rows)
    ]
    for start in range(0, len(values), _WRITE_CHUNK):
        conn.exec_driver_sql(sql, values[start : start + _WRITE_CHUNK])


def changes_start(session: Session, store_id: str, since: str | None) -> tuple[StoreRow, int]:
    """The store and the version a page after `since` starts behind (0: from the start);
    raises LookupError, BadCursor or CursorExpired (410)."""
    store = session.get(StoreRow, store_id)
    if store is None:
        raise LookupError(f"there is no store {store_id} on this server")
    after = 0
    if since:
        parsed = parse_cursor(since)
        if parsed is None:
            raise BadCursor("`since` is not a cursor from this server; omit it to start over")
        epoch, after = parsed
        if epoch != store.epoch:
            raise CursorExpired("the change log was reset (new epoch): download everything again")
        if 0 < after < store.purged_through:
            raise CursorExpired("the change log was compacted past this cursor: download again")
        if after > store.version:
            raise CursorExpired("this cursor is ahead of the server's log: download again")
    return store, after


def read_changes(
    session: Session, store_id: str, since: str | None, limit: int = DEFAULT_PAGE_ITEMS
) -> ChangesPage:
    """One page of the store's log after `since` (None or empty: from the start). The route
    serves pages with `channel_server.changes_read.read_changes_json` (the same page as JSON,
    without parsing the stored rows)."""
    store, after = changes_start(session, store_id, since)
    rows = session.execute(
        select(ChangeRow.version, ChangeRow.entity, ChangeRow.key, ChangeRow.op, ChangeRow.data)
        .where(ChangeRow.store_id == store_id, ChangeRow.version > after)
        .order_by(ChangeRow.version)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    items = [
        Change(
            version=version,
            entity=entity,
            key=key,
            op=ChangeOp(op),
            data=None if data is None else json.loads(data),
        )
        for version, entity, key, op, data in page
    ]
    last = page[-1][0] if page else after
    return ChangesPage(
        store_id=store_id,
        epoch=store.epoch,
        items=items,
        next_cursor=make_cursor(store.epoch, last),
        has_more=len(rows) > limit,
        high_water=store.version,
    )


def purge_tombstones(session: Session, store_id: str, through_version: int) -> int:
    """Forget deletes up to a version (registers behind it must download everything)."""
    store = _lock_store(session, store_id)
    through = min(through_version, store.version)
    result = session.execute(
        delete(ChangeRow).where(
            ChangeRow.store_id == store_id,
            ChangeRow.op == ChangeOp.DELETE.value,
            ChangeRow.version <= through,
        )
    )
    store.purged_through = max(store.purged_through, through)
    return int(getattr(result, "rowcount", 0))


def reset_epoch(session: Session, store_id: str) -> str:
    """A new epoch: every register of the store downloads its master data again."""
    store = _lock_store(session, store_id)
    store.epoch = uuid.uuid4().hex
    return store.epoch
