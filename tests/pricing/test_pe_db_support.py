"""Shared builders for the pricing-over-SQLite tests: a seeded store with the demo pricing
documents, and a register runtime wired like pos_app.composition but with the engine built
from the database (`build_pricing_service`) and a permissive access controller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from local_db import (
    Database,
    SqlCartStore,
    SqlCatalogReader,
    SqlSalesLedger,
    SqlSuspendedStore,
    load_register_config,
    load_store_config,
    open_database,
    seed_store,
)
from local_db.pricing_store import build_pricing_service, replace_documents
from local_db.seed_pricing import seed_pricing
from runtime.core import Ports
from runtime.facade import CommerceRuntime
from runtime.operations import OpResult
from runtime.pricing_engine.documents import DocumentProblem
from runtime.pricing_engine.service import EnginePricingService
from runtime.system import FixedClock, UuidIds
from runtime.transaction import Transaction
from tests.runtime.fakes import TrustingAccess

T = TypeVar("T")
TODAY = dt.date(2026, 11, 23)
NOON = dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)  # 12:00 in Berlin, the demo store


def seeded(tmp_path: Path, extra: Iterable[tuple[str, object]] = ()) -> Path:
    """A 50-product store with the demo pricing documents (and `extra` documents)."""
    path = tmp_path / "s.db"
    seed_store(path, products=50, today=TODAY)
    db = open_database(path)
    try:
        with db.write("seed pricing") as conn:
            seed_pricing(conn, TODAY)
            replace_documents(conn, extra)  # type: ignore[arg-type]
    finally:
        db.close()
    return path


@dataclass
class Till:
    database: Database
    runtime: CommerceRuntime
    pricing: EnginePricingService
    problems: list[DocumentProblem] = field(default_factory=list)

    def close(self) -> None:
        self.database.close()


def open_till(path: Path, register_id: str = "R1") -> Till:
    database = open_database(path)
    register = load_register_config(database, register_id)
    store = load_store_config(database, register.store_id)
    problems: list[DocumentProblem] = []
    pricing = build_pricing_service(database, store, on_problem=problems.append)
    clock = FixedClock(NOON)
    ports = Ports(
        catalog=SqlCatalogReader(database),
        pricing=pricing,
        clock=clock,
        ids=UuidIds(),
        cart=SqlCartStore(database),
        suspended=SqlSuspendedStore(database),
        ledger=SqlSalesLedger(database, clock, sign=False),  # it counts coupon uses
        access=TrustingAccess(),
    )
    runtime = CommerceRuntime(store, register, ports, operator_id="1001", extensions=[])
    return Till(database, runtime, pricing, problems)


def ok(result: OpResult[T]) -> T:
    assert result.refusal is None, result.refusal
    assert result.value is not None
    return result.value


def discounts_by_id(tx: Transaction) -> Mapping[str, list[str]]:
    """discount id -> the amounts it took, line by line, as strings."""
    out: dict[str, list[str]] = {}
    for line in tx.active_lines:
        for d in line.discounts:
            out.setdefault(d.discount_id, []).append(str(d.amount))
    return out
