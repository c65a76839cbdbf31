"""SIGKILL a selling register hundreds of times; no sale is ever half-written, lost or doubled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.crash.child import MODES
from tests.crash.harness import EXTERNAL, run_kills


def _prepare(tmp_path: Path, seeded_store: Path) -> tuple[Path, Path, list[str]]:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    from local_db import DEMO_ITEMS

    barcodes = [DEMO_ITEMS[name] for name in ("espresso", "cola_pack", "tshirt")]
    return db, tmp_path / "acknowledged.log", barcodes


def _assert_clean(report, kills: int) -> None:  # type: ignore[no-untyped-def]
    assert report.problems == []
    assert sum(report.kills.values()) >= kills * 0.95, report
    for mode in (*MODES, EXTERNAL):
        assert report.kills[mode] > 0 or mode == EXTERNAL, report
    assert report.sales > 0
    assert report.resumed_carts > 0  # some kills left a cart that the next child resumed


def test_two_hundred_kills_leave_every_sale_whole(tmp_path: Path, seeded_store: Path) -> None:
    db, log, barcodes = _prepare(tmp_path, seeded_store)
    report = run_kills(db, log, barcodes, kills=210, seed=11)
    _assert_clean(report, 210)


@pytest.mark.slow
def test_thousand_kills_long_run(tmp_path: Path, seeded_store: Path) -> None:
    db, log, barcodes = _prepare(tmp_path, seeded_store)
    report = run_kills(db, log, barcodes, kills=1000, seed=12)
    _assert_clean(report, 1000)
