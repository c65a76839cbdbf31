"""The app's own path under faults: a register wired to its started SyncService (scheduler jobs;
each concluded sale triggers an upload on the scheduler's thread) keeps selling while a third of
the pushes and health checks fail in every way; once the network heals, the queue drains by
itself and every sale is on the server once."""

from __future__ import annotations

import random
import time
from pathlib import Path

from fault_proxy import EVERY_FAULT, Fault, FaultProxy, Kind, Request
from sf_support import (
    SAMPLE_STORE,
    ServerHandle,
    ServiceSync,
    Till,
    assert_digests_match,
    assert_exactly_once,
    unacked_count,
)

from channel_server.importer import import_directory
from local_db import sample_barcodes
from pos_app.sync_wiring import attach_sync
from sync.service import SyncIntervals, SyncService


def test_selling_while_the_scheduler_uploads_through_faults(
    server: ServerHandle, proxy: FaultProxy, till: Till, tmp_path: Path
) -> None:
    rng = random.Random(11)
    quick = tuple(f for f in EVERY_FAULT if f.kind is not Kind.DELAY) + (Fault.delay(0.6),)

    def flaky(request: Request) -> Fault | None:
        if request.path in ("/v1/push", "/v1/health") and rng.random() < 0.35:
            return rng.choice(quick)
        return None

    import_directory(server.live.db, SAMPLE_STORE)
    activation = ServiceSync(till, proxy.url, server.code("R1"), tmp_path / "keyring.json")
    assert activation.cycle().ok  # the first start: the store's master data
    till.barcodes = sample_barcodes(till.open().database, 30, seed=5)
    activation.service.stop()  # the test's own service below is the app's: scheduled
    try:
        register = till.open()
        service = SyncService.from_database(
            register.database,
            retry=activation.retry,
            timeout=0.5,
            batch_size=5,
            intervals=SyncIntervals(upload=0.5, download=3600, health=0.2),
        )
        attach_sync(register, service, start=True)
        proxy.rule = flaky
        try:
            for _ in range(25):
                till.sell()
                time.sleep(rng.uniform(0, 0.05))
            assert len(proxy.faults_applied()) > 0
            proxy.rule = None
            deadline = time.monotonic() + 60
            # a faulted health check still in flight may switch it offline once more: wait
            # for the jobs to bring it back online with nothing left to send
            while time.monotonic() < deadline and (service.unsent().count or not service.online()):
                time.sleep(0.1)
            assert service.unsent().count == 0, service.state
            assert service.online(), service.state
        finally:
            service.stop()
    finally:
        activation.close()
    assert unacked_count(till.db_file) == 0
    assert_exactly_once(server, till.db_file)
    assert_digests_match(server, till.db_file)
