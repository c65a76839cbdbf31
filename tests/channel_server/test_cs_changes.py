"""The per-store change log: versions, paging by cursor, tombstones, epochs and 410s, unchanged
rows skipped, and no skipped row however concurrent writers interleave."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from cs_support import LiveServer
from sqlalchemy import event
from sqlalchemy.orm import Session

from channel_server.devices import ensure_store
from channel_server.master_data import (
    MasterChange,
    apply_changes,
    purge_tombstones,
    read_changes,
    reset_epoch,
)
from sync.protocol import ChangesPage


def _product(item: str, price: str) -> MasterChange:
    return MasterChange("product", item, {"item_id": item, "name": f"P {item}", "price": price})


def _download(client, since: str | None = None, limit: int = 2) -> tuple[list, str]:
    """Every page after `since`; returns (items, last cursor)."""
    items = []
    while True:
        params = {"limit": limit} if since is None else {"limit": limit, "since": since}
        answer = client.get("/v1/changes", params=params)
        assert answer.status_code == 200, answer.text
        page = ChangesPage.model_validate(answer.json())
        items += page.items
        since = page.next_cursor
        if not page.has_more:
            return items, since


def test_pages_cursors_tombstones_and_unchanged_rows(live: LiveServer) -> None:
    token, _ = live.activate("S1", "R1")
    with live.db.write() as session:
        ensure_store(session, "S2")
        done = apply_changes(
            session, [_product("A", "1.00"), _product("B", "2.00"), _product("C", "3.00")]
        )
        assert done == {"S1": 3, "S2": 3}
        only_s2 = apply_changes(session, [_product("Z", "9.00")], stores=["S2"])
        assert only_s2 == {"S2": 1}
    client = live.client(token)
    items, cursor = _download(client)
    assert [(c.version, c.key, c.op) for c in items] == [
        (1, "A", "upsert"), (2, "B", "upsert"), (3, "C", "upsert"),
    ]  # fmt: skip
    assert items[1].data == {"item_id": "B", "name": "P B", "price": "2.00"}

    with live.db.write() as session:  # B changes, C is deleted, A is re-sent unchanged
        done = apply_changes(
            session,
            [_product("A", "1.00"), _product("B", "2.50"), MasterChange("product", "C", None)],
            stores=["S1"],
        )
        assert done == {"S1": 2}
        assert apply_changes(session, [MasterChange("product", "nope", None)]) == {
            "S1": 0,
            "S2": 0,
        }
    delta, cursor = _download(client, cursor)
    assert [(c.version, c.key, c.op, c.data) for c in delta] == [
        (4, "B", "upsert", {"item_id": "B", "name": "P B", "price": "2.50"}),
        (5, "C", "delete", None),
    ]
    assert _download(client, cursor)[0] == []
    full, _ = _download(client)  # a full download: only the latest row of each key
    assert [(c.key, c.op) for c in full] == [("A", "upsert"), ("B", "upsert"), ("C", "delete")]


def test_stale_epoch_compacted_future_and_garbage_cursors(live: LiveServer) -> None:
    token, _ = live.activate()
    client = live.client(token)
    with live.db.write() as session:
        apply_changes(session, [_product(str(i), "1") for i in range(5)])
        apply_changes(session, [MasterChange("product", "0", None)])  # version 6: tombstone
    items, cursor = _download(client, limit=100)
    epoch = cursor.split(".")[0]
    early = f"{epoch}.2"
    assert client.get("/v1/changes", params={"since": early}).status_code == 200
    with live.db.write() as session:
        assert purge_tombstones(session, "S1", 6) == 1
    gone = client.get("/v1/changes", params={"since": early})
    assert gone.status_code == 410 and gone.json()["code"] == "cursor_expired"
    assert client.get("/v1/changes", params={"since": cursor}).status_code == 200
    assert client.get("/v1/changes", params={"since": f"{epoch}.999"}).status_code == 410
    with live.db.write() as session:
        reset_epoch(session, "S1")
    stale = client.get("/v1/changes", params={"since": cursor})
    assert stale.status_code == 410 and "epoch" in stale.json()["message"]
    bad = client.get("/v1/changes", params={"since": "not-a-cursor"})
    assert bad.status_code == 400 and "cursor" in bad.json()["message"]
    fresh, _ = _download(client, limit=100)
    assert sorted(c.key for c in fresh) == ["1", "2", "3", "4"]


def test_another_stores_log_is_forbidden(live: LiveServer) -> None:
    token, _ = live.activate("S1", "R1")
    live.activate("S2", "R1")
    answer = live.client(token).get("/v1/changes", params={"store_id": "S2"})
    assert answer.status_code == 403 and "store S1" in answer.json()["message"]


@pytest.mark.timeout(120)
def test_concurrent_writers_never_make_a_reader_skip_a_row(live: LiveServer) -> None:
    """Writers hold their transaction open a random while after allocating versions (so
    commits would finish out of order if allocation allowed it) while readers page through
    the log over HTTP. Every reader must end up with every row, in strictly increasing
    versions, never missing one that committed behind its cursor."""
    token, _ = live.activate()
    writers, per_writer = 6, 12
    rng = random.Random(7)
    writer_thread = threading.local()

    def slow_commit(session: Session) -> None:
        if getattr(writer_thread, "active", False) and not session.info.get("no_delay"):
            time.sleep(rng.uniform(0, 0.02))

    event.listen(Session, "before_commit", slow_commit)
    stop = threading.Event()

    def write(worker: int) -> None:
        writer_thread.active = True
        for n in range(per_writer):
            with live.db.write() as session:
                changes = [_product(f"w{worker}-{n}-{k}", str(Decimal(k))) for k in range(3)]
                apply_changes(session, changes, stores=["S1"])

    def read(over_http: bool) -> tuple[list[int], set[str]]:
        """Page through the log until the writers are done, over HTTP or (polling faster)
        straight through the service function."""
        client = live.client(token)
        versions: list[int] = []
        keys: set[str] = set()
        cursor: str | None = None
        while True:
            finished = stop.is_set()
            if over_http:
                params = {"limit": 7} if cursor is None else {"limit": 7, "since": cursor}
                answer = client.get("/v1/changes", params=params).json()
                page = ChangesPage.model_validate(answer)
            else:
                with live.db.read() as session:
                    page = read_changes(session, "S1", cursor, 7)
            versions += [c.version for c in page.items]
            keys |= {c.key for c in page.items}
            cursor = page.next_cursor
            if finished and not page.has_more:
                return versions, keys

    try:
        with ThreadPoolExecutor(writers + 4) as pool:
            readers = [pool.submit(read, http) for http in (True, True, False, False)]
            for future in [pool.submit(write, w) for w in range(writers)]:
                future.result(timeout=90)
            stop.set()
            results = [r.result(timeout=90) for r in readers]
    finally:
        event.remove(Session, "before_commit", slow_commit)
    expected = {
        f"w{w}-{n}-{k}" for w in range(writers) for n in range(per_writer) for k in range(3)
    }
    total = len(expected)
    for versions, keys in results:
        assert versions == sorted(set(versions)), "versions came back out of order or twice"
        assert keys == expected
        assert versions == list(range(1, total + 1))  # gap-free: no version ever skipped
