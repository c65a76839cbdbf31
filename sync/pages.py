"""A fast, equally strict reader of `GET /v1/changes` pages (a million products is 200 pages).

`ChangesPage.model_validate_json` builds a pydantic model per change and runs per-field
validators in Python: about 100 ms for a page of 5,000 products, a third of the download
budget. This reader parses with the C json module and checks every rule of `ChangesPage` and
`Change` by hand, accepting only a *subset* of what the models accept and producing the same
values. Anything it does not accept goes to `ChangesPage.model_validate_json`, which either
accepts it (an unusual but valid spelling) or raises its ValidationError with the usual
message: so the result is always exactly what the models say.
"""

from __future__ import annotations

import gc
import json
import re
from dataclasses import dataclass
from typing import Any

from local_db.master_apply import MasterItem
from sync.protocol import ChangesPage

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@#-]{0,63}")
_EPOCH = re.compile(r"[0-9a-f]{32}")
_ENTITY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_KEY = re.compile(r"[^\x00-\x1f]{1,200}")
_PAGE_KEYS = frozenset({"store_id", "epoch", "items", "next_cursor", "has_more", "high_water"})
_ITEM_KEYS = frozenset({"version", "entity", "key", "op", "data"})
_MAX_SEQ = 2**62
_CONTROL_ESCAPES = (b"\\u000", b"\\u001", b"\\b", b"\\f", b"\\n", b"\\r", b"\\t")


class _Slow(Exception):
    """Not for the fast path: let the models decide."""


@dataclass(frozen=True, slots=True)
class Page:
    """A validated page: the envelope and its changes as the applier takes them."""

    store_id: str
    epoch: str
    items: list[MasterItem]
    next_cursor: str
    has_more: bool
    high_water: int


def _constant(name: str) -> Any:
    raise _Slow(name)  # NaN / Infinity: the models refuse them


def _text(value: object) -> str:
    if type(value) is not str or "\x00" in value:
        raise _Slow
    try:
        value.encode("utf-8")  # a lone surrogate from a \ud800 escape
    except UnicodeEncodeError:
        raise _Slow from None
    return value


def _fast(body: bytes) -> Page:
    if b"\\ud" in body or b"\\uD" in body:  # surrogate escapes: the models judge them
        raise _Slow
    try:
        raw = json.loads(body.decode("utf-8"), parse_constant=_constant)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _Slow from None
    if type(raw) is not dict or raw.keys() != _PAGE_KEYS:
        raise _Slow
    store_id, epoch, cursor = _text(raw["store_id"]), _text(raw["epoch"]), _text(raw["next_cursor"])
    has_more, high_water, rows = raw["has_more"], raw["high_water"], raw["items"]
    if not (_ID.fullmatch(store_id) and _EPOCH.fullmatch(epoch)):
        raise _Slow
    if type(has_more) is not bool or type(high_water) is not int or type(rows) is not list:
        raise _Slow
    # No lone surrogate can be in a text here (no \\ud escape, valid UTF-8), and a control
    # character only where the body escapes one: without such escapes a key's check is its length.
    controls = any(escape in body for escape in _CONTROL_ESCAPES)
    entities: set[str] = set()  # entity names already checked (a page has a handful)
    items: list[MasterItem] = []
    append = items.append
    for row in rows:
        if type(row) is not dict or row.keys() != _ITEM_KEYS:
            raise _Slow
        version, entity, key, op, data = (
            row["version"], row["entity"], row["key"], row["op"], row["data"]
        )  # fmt: skip
        if type(version) is not int or not 1 <= version <= _MAX_SEQ:
            raise _Slow
        if type(entity) is not str:
            raise _Slow
        if entity not in entities:
            if not _ENTITY.fullmatch(entity):
                raise _Slow
            entities.add(entity)
        if type(key) is not str or not 0 < len(key) <= 200 or controls and not _KEY.fullmatch(key):
            raise _Slow
        if op == "upsert":
            if type(data) is not dict:
                raise _Slow
        elif op != "delete" or data is not None:
            raise _Slow
        append(MasterItem(version, entity, key, op, data))
    return Page(store_id, epoch, items, cursor, has_more, high_water)


def parse_changes_page(body: bytes) -> Page:
    """The page in `body`; raises pydantic's ValidationError when it is not a ChangesPage.

    The cyclic garbage collector is paused while the page is read: json builds a few hundred
    thousand dicts, lists and strings per page and no cycles, and the collections they set off
    (the oldest generation walking the register's whole heap) took almost half the parse time
    (200,000 products downloaded: 3.8 s of parsing instead of 2.1 s). It is only switched back
    on by the caller that switched it off, so two threads parsing at once leave it as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(body)
    finally:
        if enabled:
            gc.enable()


def _parse(body: bytes) -> Page:
    try:
        return _fast(body)
    except _Slow:
        pass
    page = ChangesPage.model_validate_json(body)
    return Page(
        page.store_id,
        page.epoch,
        [MasterItem(c.version, c.entity, c.key, c.op.value, c.data) for c in page.items],
        page.next_cursor,
        page.has_more,
        page.high_water,
    )
