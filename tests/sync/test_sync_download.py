"""Download: master data published on a live server (change log) into a fresh register
database: full download with progress, deltas by cursor, 410, resume, a failing page."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cs_support import LiveServer
from sync_support import FAST_RETRY, REGISTER, STORE

from channel_server.devices import ensure_store
from channel_server.master_data import MasterChange, apply_changes, reset_epoch
from local_db import open_database
from local_db.database import Database
from local_db.sync_state import read_cursor
from sync.config import SyncConfig
from sync.service import SyncService

sys.path.insert(0, str(Path(__file__).parents[1] / "sync_faults"))

from fault_proxy import Fault, FaultProxy, Kind, Request  # noqa: E402


def product(item_id: str, price: str = "1.00") -> dict[str, Any]:
    return {
        "item_id": item_id, "name": f"Product {item_id}", "category_id": "C1",
        "base_price": price, "variants": [], "barcodes": [{"code": f"20000000{item_id}"}],
        "prices": [],
    }  # fmt: skip


def publish(server: LiveServer, changes: list[MasterChange]) -> None:
    with server.db.write() as session:
        ensure_store(session, STORE)
        apply_changes(session, changes, stores=[STORE])


def base_changes(products: int) -> list[MasterChange]:
    return [
        MasterChange("tax_code", "STD", {"code": "STD", "name": "Standard", "rate": "19"}),
        MasterChange("unit", "ea", {"code": "ea", "name": "each"}),
        MasterChange("category", "C1", {"category_id": "C1", "name": "Groceries"}),
        *(MasterChange("product", f"P{i:03d}", product(f"P{i:03d}")) for i in range(products)),
    ]


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "fresh.db", create=True)
    try:
        yield db
    finally:
        db.close()


def service_for(server: LiveServer, db: Database, url: str | None = None, **kw: Any) -> SyncService:
    token, device_id = server.activate(STORE, REGISTER)
    config = SyncConfig(url or server.base_url, device_id, STORE, REGISTER)
    return SyncService(db, config, token, timezone="UTC", retry=FAST_RETRY,
                       sleep=lambda s: None, **kw)  # fmt: skip


def prices(db: Database) -> dict[str, str]:
    with db.read("test") as conn:
        return dict(conn.execute("SELECT item_id, base_price FROM products ORDER BY item_id"))


def test_full_download_with_progress_then_deltas_then_410(
    server: LiveServer, fresh_db: Database
) -> None:
    publish(server, base_changes(7))
    service = service_for(server, fresh_db, page_limit=3)
    seen: list[tuple[str, int, int]] = []
    try:
        first = service.download(lambda stage, done, total: seen.append((stage, done, total)))
        assert first is not None and first.full and first.items == 10 and first.pages == 4
        assert first.problems == ()
        assert seen == [("download", 3, 10), ("download", 6, 10), ("download", 9, 10),
                        ("download", 10, 10)]  # fmt: skip
        assert len(prices(fresh_db)) == 7

        publish(server, [MasterChange("product", "P001", product("P001", "2.50")),
                         MasterChange("product", "P002", None)])  # fmt: skip
        delta = service.download()
        assert delta is not None and not delta.full and delta.items == 2
        assert prices(fresh_db)["P001"] == "2.50" and "P002" not in prices(fresh_db)

        with server.db.write() as session:
            reset_epoch(session, STORE)
        again = service.download()
        assert again is not None and again.full  # 410 -> everything again, from the start
        assert prices(fresh_db)["P001"] == "2.50" and len(prices(fresh_db)) == 6
        cursor = read_cursor(fresh_db)
        assert cursor is not None and not cursor.full_download
    finally:
        service.stop()


def test_an_interrupted_full_download_resumes_where_it_stopped(
    server: LiveServer, fresh_db: Database
) -> None:
    publish(server, base_changes(9))  # 12 changes, pages of 4
    with FaultProxy.to(server.base_url) as proxy:
        calls: list[str] = []

        def third_page_fails(request: Request) -> Fault | None:
            if request.path.startswith("/v1/changes"):
                calls.append(request.path)
                if len(calls) >= 3:
                    return Fault(Kind.DROP_REQUEST)
            return None

        proxy.rule = third_page_fails
        service = service_for(server, fresh_db, url=proxy.url, page_limit=4)
        try:
            assert service.download() is None  # offline after two pages
            assert service.state.online is False
            assert len(prices(fresh_db)) == 5  # two pages of 4 (3 + 5 products): kept
            cursor = read_cursor(fresh_db)
            assert cursor is not None and cursor.full_download and cursor.applied_version == 8
            proxy.rule = None
            assert service.check_health()
            resumed = service.download()
            assert resumed is not None and resumed.full and resumed.pages == 1
            assert resumed.items == 4 and len(prices(fresh_db)) == 9
        finally:
            service.stop()


def test_a_page_that_cannot_be_applied_stops_with_the_cursor_unchanged(
    server: LiveServer, fresh_db: Database
) -> None:
    publish(server, base_changes(3))
    service = service_for(server, fresh_db)
    try:
        assert service.download() is not None
        before = read_cursor(fresh_db)
        publish(server, [MasterChange("product", "P009", product("P009"))])
        fresh_db.connection.execute(  # the disk refuses (a real SQLite failure mid-page)
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON products"
            " BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
        assert service.download() is None
        assert service.state.alert is not None and "could not be applied" in service.state.alert
        assert read_cursor(fresh_db) == before
        fresh_db.connection.execute("DROP TRIGGER refuse")
        assert service.download() is not None and "P009" in prices(fresh_db)
        assert service.state.alert is None  # a later success clears the alert
    finally:
        service.stop()


def test_an_empty_server_never_sweeps_the_register_catalogue(
    server: LiveServer, register_db: Path
) -> None:
    db = open_database(register_db)
    service = service_for(server, db)
    try:
        before = len(prices(db))
        result = service.download()
        assert result is not None and result.pages == 0
        assert "no master data for store S001 yet" in result.problems[0]
        assert len(prices(db)) == before > 0
    finally:
        service.stop()
        db.close()


def test_a_full_download_without_the_registers_own_rows_is_held_open(
    server: LiveServer, register_db: Path
) -> None:
    """Headquarters published products but not yet the store, register, staff or tenders:
    finishing the full download would sweep what the register needs to open and sell."""
    db = open_database(register_db)
    service = service_for(server, db)
    try:
        with db.read("test") as conn:
            before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("stores", "registers", "operators", "tender_types")}  # fmt: skip
        publish(server, base_changes(2))
        result = service.download()
        assert result is not None and result.incomplete is not None
        for what in ("store row S001", "register row R1", "staff", "tender types"):
            assert what in result.incomplete
        assert service.state.alert == result.incomplete
        with db.read("test") as conn:
            after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        assert after == before
        assert {"P000", "P001"} <= set(prices(db))
        cursor = read_cursor(db)
        assert cursor is not None and cursor.full_download  # finishes when the rest arrives
    finally:
        service.stop()
        db.close()


def test_a_garbled_page_read_ahead_is_asked_for_again(
    server: LiveServer, fresh_db: Database
) -> None:
    publish(server, base_changes(9))  # 12 changes, pages of 4: pages 2 and 3 are read ahead
    with FaultProxy.to(server.base_url) as proxy:
        calls: list[str] = []

        def second_page_garbled_once(request: Request) -> Fault | None:
            if request.path.startswith("/v1/changes"):
                calls.append(request.path)
                if len(calls) == 2:
                    return Fault(Kind.GARBAGE)
            return None

        proxy.rule = second_page_garbled_once
        service = service_for(server, fresh_db, url=proxy.url, page_limit=4)
        try:
            done = service.download()
            assert done is not None and done.full and done.pages == 3 and done.items == 12
            assert done.problems == () and len(prices(fresh_db)) == 9
            assert len(calls) == 4 and calls[1] == calls[2]  # the garbled page, asked again
            cursor = read_cursor(fresh_db)
            assert cursor is not None and not cursor.full_download
            assert cursor.applied_version == 12
        finally:
            service.stop()


def test_deltas_come_in_smaller_pages_than_the_full_download(
    server: LiveServer, fresh_db: Database
) -> None:
    publish(server, base_changes(1200))
    service = service_for(server, fresh_db)  # pages of 5,000 for the full download
    try:
        first = service.download()
        assert first is not None and first.full and first.pages == 1 and first.items == 1203
        publish(server, [MasterChange("product", f"P{i:03d}", product(f"P{i:03d}", "3.10"))
                         for i in range(1200)])  # fmt: skip
        delta = service.download()  # a page holds the database lock a sale waits for
        assert delta is not None and not delta.full
        assert delta.pages == 2 and delta.items == 1200  # pages of DELTA_PAGE_ITEMS (1,000)
        assert set(prices(fresh_db).values()) == {"3.10"}
    finally:
        service.stop()
