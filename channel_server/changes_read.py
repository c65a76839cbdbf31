"""A page of the change log as JSON, assembled from the stored rows' data texts.

`master_data.read_changes` parses every row's `data` (json.loads), builds a pydantic `Change`
per row and serialises the page again: for a page of 5,000 products that was most of the
server's time in a register's full download (200 pages for a million products). The `data`
column already holds canonical JSON (`master_data.canonical_text`), so this reader splices it
into the page as it is and writes only the small envelope of each item by hand. The result is
the same `ChangesPage` (same fields, same order, same values); a row the fast path cannot
vouch for (a data text holding NaN/Infinity, which `json.dumps` writes and JSON lacks; a
data text that is not an object; an entity, key, op or version the models would refuse) goes
through `Change` exactly as before, so it is served, or refused, as it always was.
"""

from __future__ import annotations

import json
import re

from sqlalchemy.orm import Session

from channel_server.master_data import changes_start
from channel_server.models import ChangeRow
from sync.protocol import DEFAULT_PAGE_ITEMS, Change, ChangeOp, ChangesPage, make_cursor

_ENTITY = re.compile(r"[a-z][a-z0-9_]{0,39}").fullmatch
_KEY = re.compile(r'[^\x00-\x1f"\\]{1,200}').fullmatch  # nothing a JSON string must escape
_MAX_SEQ = 2**62


def _slow(version: int, entity: str, key: str, op: str, data: str | None) -> str:
    """The item as `read_changes` serves it (raises as it does on a row the models refuse)."""
    change = Change(
        version=version,
        entity=entity,
        key=key,
        op=ChangeOp(op),
        data=None if data is None else json.loads(data),
    )
    return change.model_dump_json()


def _item(version: int, entity: str, key: str, op: str, data: str | None) -> str:
    if type(version) is int and 1 <= version <= _MAX_SEQ and _ENTITY(entity) and _KEY(key):
        if op == "upsert":
            if (
                data is not None
                and data[:1] == "{"
                and data[-1:] == "}"
                and "NaN" not in data
                and "Infinity" not in data
            ):
                return (
                    f'{{"version":{version},"entity":"{entity}","key":"{key}",'
                    f'"op":"upsert","data":{data}}}'
                )
        elif op == "delete" and data is None:
            return (
                f'{{"version":{version},"entity":"{entity}","key":"{key}",'
                '"op":"delete","data":null}'
            )
    return _slow(version, entity, key, op, data)


def read_changes_json(
    session: Session, store_id: str, since: str | None, limit: int = DEFAULT_PAGE_ITEMS
) -> bytes:
    """`master_data.read_changes(...)` as the JSON body of the answer."""
    store, after = changes_start(session, store_id, since)
    table = ChangeRow.__table__
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    rows = conn.exec_driver_sql(
        f"SELECT version, entity, key, op, data FROM {table.name}"  # type: ignore[attr-defined]
        f" WHERE store_id = {mark} AND version > {mark} ORDER BY version LIMIT {mark}",
        (store_id, after, limit + 1),
    ).fetchall()
    page = rows[:limit]
    last = page[-1][0] if page else after
    envelope = ChangesPage(  # validated like read_changes' page, items spliced in below
        store_id=store_id,
        epoch=store.epoch,
        items=[],
        next_cursor=make_cursor(store.epoch, last),
        has_more=len(rows) > limit,
        high_water=store.version,
    ).model_dump_json()
    head, _, tail = envelope.partition('"items":[]')
    items = ",".join([_item(*row) for row in page])
    return f'{head}"items":[{items}]{tail}'.encode()
