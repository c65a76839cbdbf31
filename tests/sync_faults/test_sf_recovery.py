"""Recovery beyond a lost packet: the server restored from an older backup (it asks for sales
the register has already had acknowledged), and a server that finds the batches too large."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fault_proxy import Fault, FaultProxy
from sf_support import (
    ClientUploader,
    ServerHandle,
    Till,
    acked_sales,
    assert_digests_match,
    assert_exactly_once,
    unacked_count,
)


def _backup(db_file: Path, to: Path) -> None:
    """A consistent copy of the live server's SQLite database (the backup API, WAL included)."""
    source = sqlite3.connect(db_file)
    target = sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def test_a_server_restored_from_backup_gets_the_lost_sales_again(
    server: ServerHandle, proxy: FaultProxy, till: Till, tmp_path: Path
) -> None:
    uploader = ClientUploader(proxy.url, server.code("R1"), batch=4)
    register = till.open()
    for _ in range(5):
        till.sell()
    uploader.sync(register)
    backup = tmp_path / "server-backup.db"
    _backup(server.db_file, backup)
    for _ in range(6):
        till.sell()
    uploader.sync(register)
    assert len(acked_sales(till.db_file)) == 11

    # the server's disk dies; it comes back from last night's backup
    server.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{server.db_file}{suffix}").unlink(missing_ok=True)
    backup.rename(server.db_file)
    server.live = type(server.live)(str(server.db_file))
    proxy.point_to(server.base_url)
    assert len(server.sale_counts()) == 5  # six acknowledged sales are gone from the server

    till.sell()
    uploader.sync(register)  # seq_gap -> resend from the server's expected seq
    assert unacked_count(till.db_file) == 0
    assert_exactly_once(server, till.db_file)
    assert_digests_match(server, till.db_file)
    uploader.close()


def test_a_body_too_large_answer_halves_the_batch(
    server: ServerHandle, proxy: FaultProxy, till: Till
) -> None:
    uploader = ClientUploader(proxy.url, server.code("R1"), batch=8)
    for _ in range(9):
        till.sell(1)
    proxy.enqueue(
        Fault.status_answer(413, code="body_too_large"),
        Fault.status_answer(413, code="body_too_large"),
        path="/v1/push",
    )
    uploader.sync(till.open())
    accepted = [s for s in proxy.seen if s.path == "/v1/push" and s.upstream_status == 200]
    assert len(accepted) == 5, proxy.seen  # 10 items in batches of 8 -> 4 -> 2
    assert unacked_count(till.db_file) == 0
    assert_exactly_once(server, till.db_file)
    uploader.close()
