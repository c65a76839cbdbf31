"""The status strip's figures: the outbox before sync is set up, the sync service's state after,
devices and who is signed in."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from pytestqt.qtbot import QtBot

from local_db import DEMO_ITEMS
from pos_app.composition import ensure_open_shift, open_register
from pos_app.ui.common import TaskRunner
from pos_app.ui.status_bar import StatusStrip
from pos_app.viewmodels.status import StatusViewModel
from runtime.operations import AddLine, AddTender, Conclude
from runtime.security_requests import SignIn
from sync.state import SyncState


@dataclass
class FixedSync:
    """Stands in for the running SyncService, which needs a server: only its `state` is read."""

    state: SyncState


def test_status_from_outbox_then_from_sync_state(qtbot: QtBot, tmp_path: Path,
                                                 seeded_store: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(seeded_store, db)
    register = open_register(db, "R1", extensions=[])
    try:
        rt = register.runtime
        assert rt.sign_in(SignIn("1001", "1234")).ok
        ensure_open_shift(rt)
        vm = StatusViewModel(register)
        before = vm.snapshot().unsent  # the shift's opening is queued too
        rt.add_line(AddLine(barcode=DEMO_ITEMS["cola"]))
        rt.add_tender(AddTender("cash"))
        assert rt.conclude(Conclude()).ok
        snap = vm.snapshot()
        assert (snap.sync_text, snap.unsent) == ("Sync not configured", before + 1)
        assert snap.operator.endswith("(1001)") and snap.shift
        now = dt.datetime.now(dt.UTC)
        vm.sync = FixedSync(SyncState(online=False, reason="server unreachable", unsent=3,
                                      oldest_unsent_at=now - dt.timedelta(minutes=12)))
        snap = vm.snapshot(now)
        assert snap.sync_text == "Offline: server unreachable" and snap.sync_state == "error"
        assert (snap.unsent, snap.oldest_age) == (3, "12 min")
        runner = TaskRunner("status")
        strip = StatusStrip(runner)
        qtbot.addWidget(strip)
        strip.attach(vm)
        assert runner.wait_idle()
        assert "3 unsent" in strip.unsent.text() and "12 min" in strip.unsent.text()
        assert strip.sync.property("state") == "error"
        strip.stop()
        runner.shutdown()
    finally:
        register.close()
