"""Nightly reconciliation: the register's digest of a day against the server's."""

from __future__ import annotations

import json

from sqlalchemy import text
from sync_support import Rig

from local_db.sync_state import get_setting
from sync.config import LAST_RECONCILIATION


def test_a_day_that_matches_and_one_that_does_not(rig: Rig) -> None:
    rig.sell()
    rig.sell(lines=3)
    assert rig.service.upload() is not None
    today = rig.service.local_today()

    same = rig.service.reconcile(today)
    assert same is not None and same.matches and same.unsent == 0

    with rig.server.db.write() as session:  # the server loses one sale
        session.execute(text("DELETE FROM transactions WHERE device_seq = 3"))
        session.execute(text("DELETE FROM received_items WHERE device_seq = 3"))
    differs = rig.service.reconcile(today)
    assert differs is not None and not differs.matches
    assert "sale: 2 on the register, 1 on the server" in differs.problems
    assert any(p.startswith("sales total:") for p in differs.problems)
    assert any(p.startswith("tender cash:") for p in differs.problems)
    stored = json.loads(get_setting(rig.register.database, LAST_RECONCILIATION) or "{}")
    assert stored["matches"] is False and stored["day"] == today.isoformat()
    assert rig.service.state.last_reconciliation == differs.summary()

    report = rig.service.run_cycle(days=[today])
    assert not report.ok and any("differs from the server" in p for p in report.problems)


def test_items_not_yet_uploaded_are_named(rig: Rig) -> None:
    rig.sell()
    result = rig.service.reconcile(rig.service.local_today())
    assert result is not None and not result.matches and result.unsent == 2
    assert "not uploaded yet" in result.summary()
