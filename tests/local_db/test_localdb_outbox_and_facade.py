"""The outbox cursor for sync, and the runtime facade selling on the SQLite repositories:
a sale concluded through the facade lands whole, and a reopened register resumes its cart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from localdb_support import NOW, SaleBuilder, numbering

from local_db import (
    DEMO_ITEMS,
    Database,
    SqlCartStore,
    SqlCatalogReader,
    SqlSalesLedger,
    SqlSuspendedStore,
    load_register_config,
    load_store_config,
    open_database,
    verify_ledger,
)
from local_db.outbox import acked_through, acknowledge, pending, pending_summary
from runtime.core import Ports
from runtime.facade import CommerceRuntime
from runtime.operations import AddLine, AddTender, Conclude
from runtime.pricing import BasePriceService
from runtime.system import FixedClock, SequentialIds


def test_pending_and_acknowledge(db: Database, builder: SaleBuilder) -> None:
    ledger = SqlSalesLedger(db)
    for code in (DEMO_ITEMS["espresso"], DEMO_ITEMS["cola"], DEMO_ITEMS["milk"]):
        ledger.finish(builder.concluded([code]), numbering("S001", "R1"))
    assert [i.device_seq for i in pending(db, "R1")] == [1, 2, 3]
    assert pending_summary(db, "R1")[0] == 3
    at = dt.datetime(2025, 6, 15, 11, tzinfo=dt.UTC)
    assert acknowledge(db, "R1", 2, at) == 2
    assert acknowledge(db, "R1", 1, at) == 2  # never backwards
    assert acknowledge(db, "R1", 99, at) == 3  # never past what exists
    assert pending(db, "R1") == [] and acked_through(db, "R1") == 3
    assert db.connection.execute("SELECT count(*) FROM outbox WHERE acked_at IS NOT NULL"
                                 ).fetchone()[0] == 3
    assert verify_ledger(db) == []


def _runtime(db: Database) -> CommerceRuntime:
    register = load_register_config(db, "R1")
    ports = Ports(
        catalog=SqlCatalogReader(db), pricing=BasePriceService(), clock=FixedClock(NOW),
        ids=SequentialIds("f"), cart=SqlCartStore(db), suspended=SqlSuspendedStore(db),
        ledger=SqlSalesLedger(db, clock=FixedClock(NOW)),
    )
    return CommerceRuntime(load_store_config(db, register.store_id), register, ports,
                           operator_id="1001", extensions=[])


def test_facade_sale_and_crash_resume(db_path: Path, db: Database) -> None:
    rt = _runtime(db)
    assert rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])).ok
    assert rt.add_line(AddLine(barcode=DEMO_ITEMS["cola_pack"], quantity=Decimal("2"))).ok
    db.close()  # the register "crashes" with a cart open
    with open_database(db_path) as again:
        resumed = _runtime(again)
        assert resumed.transaction is not None and len(resumed.transaction.lines) == 2
        assert resumed.add_tender(AddTender("cash")).ok
        done = resumed.conclude(Conclude())
        assert done.ok, done.refusal
        assert done.value is not None
        assert done.value.transaction.receipt_number == "S001-R1-20250615-000001"
        assert SqlCartStore(again).load("R1") is None
        assert verify_ledger(again) == []
