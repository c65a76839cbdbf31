"""The scheduled service: a concluded sale is uploaded by the scheduler's thread, the health
check brings an offline register back and uploads at once, state changes are observable."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cs_support import LiveServer
from sync_support import REGISTER, FileKeyring, Rig

from pos_app.composition import open_register
from pos_app.sync_wiring import attach_sync
from sync.state import SyncState

sys.path.insert(0, str(Path(__file__).parents[1] / "sync_faults"))

from fault_proxy import Fault, FaultProxy, Kind  # noqa: E402


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_a_concluded_sale_is_uploaded_on_the_scheduler_thread(rig: Rig) -> None:
    uploads: list[str] = []

    def listener(state: SyncState) -> None:
        if state.last_upload_at is not None and len(uploads) < 5:
            uploads.append(threading.current_thread().name)

    rig.service.subscribe(listener)
    attach_sync(rig.register, rig.service)  # starts the jobs: health runs at once
    wait_for(lambda: rig.service.online(), "the first health check")
    rig.sell()
    wait_for(lambda: len(rig.server_rows()) == 2, "the sale on the server")
    wait_for(lambda: rig.service.state.unsent == 0, "the unsent count")
    assert uploads and threading.main_thread().name not in uploads
    for _ in range(6):  # a rush: triggers while an upload runs are never lost
        rig.sell(lines=1)
    wait_for(lambda: len(rig.server_rows()) == 8, "every sale of the rush on the server")


def test_a_slow_server_counts_as_offline(
    server: LiveServer, register_db: Path, file_keyring: FileKeyring
) -> None:
    with (
        FaultProxy.to(server.base_url) as proxy,
        Rig.activated(server, register_db, url=proxy.url, realtime_timeout=0.3) as rig,
    ):
        proxy.enqueue(Fault.delay(1.5), path="/v1/health")
        assert not rig.service.check_health()
        assert rig.service.state.online is False
        assert "did not answer in time" in rig.service.state.reason
        assert rig.service.check_health()  # the next (prompt) answer brings it back


def test_offline_then_health_check_brings_it_back_and_uploads(
    server: LiveServer, register_db: Path, file_keyring: FileKeyring
) -> None:
    with (
        FaultProxy.to(server.base_url) as proxy,
        Rig.activated(server, register_db, url=proxy.url) as rig,
    ):
        proxy.rule = lambda request: Fault(Kind.DROP_REQUEST)
        changes: list[bool | None] = []
        rig.service.subscribe(lambda state: changes.append(state.online))
        attach_sync(rig.register, rig.service)
        wait_for(lambda: rig.service.state.online is False, "offline")
        rig.sell()
        wait_for(lambda: rig.service.state.unsent == 2, "the unsent count after the sale")
        assert rig.server_rows() == []

        proxy.rule = None
        rig.service._run_soon("health")
        wait_for(lambda: len(rig.server_rows()) == 2, "the upload after coming back")
        assert False in changes and rig.service.online()  # observed going offline and back


def test_a_register_without_sync_is_offline_with_nothing_known(register_db: Path) -> None:
    register = open_register(
        register_db, REGISTER, operator_id="1001", extensions=[], sync=True
    )  # fmt: skip  (never activated: opens without sync)
    try:
        assert register.sync is None
        view = register.runtime.sync_view()
        assert view.online is False and view.unsent.known is False
        assert register.runtime.remote_refusal("lookup_stock") is not None
    finally:
        register.close()
