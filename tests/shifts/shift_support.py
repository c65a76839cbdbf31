"""Test support for shifts: an in-memory ShiftStore, runtimes over it and over real SQLite."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from runtime.config import RegisterConfig
from runtime.core import Ports
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    OpResult,
    Refusal,
    RefusalCode,
    TenderCard,
)
from runtime.pricing import BasePriceService
from runtime.shift_calc import figures_from_transactions
from runtime.shifts import (
    Denomination,
    DrawerOperation,
    ReasonCode,
    SalesFigures,
    Shift,
    ShiftChange,
    ShiftModel,
    ShiftSettings,
    ShiftStatus,
)
from runtime.system import FixedClock, SequentialIds
from tests.runtime.fakes import (
    NOW,
    MemoryCatalog,
    MemoryStores,
    ScriptedTerminal,
    SelectiveAccess,
    TrustingAccess,
    ok,
    store_config,
)

D = Decimal
EUR_NOTES = ("500", "200", "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10",
             "0.05", "0.02", "0.01")  # fmt: skip
USD_NOTES = ("100", "50", "20", "10", "5", "1", "0.25", "0.10", "0.05", "0.01")
REASONS = {
    "PAYIN-CHG": ReasonCode("PAYIN-CHG", "pay_in", "Change fund top-up", "1000"),
    "PAYOUT-SUP": ReasonCode("PAYOUT-SUP", "pay_out", "Supplies bought with cash", "4930"),
    "RET-DEF": ReasonCode("RET-DEF", "return", "Defective item"),
    "NOSALE-CHG": ReasonCode("NOSALE-CHG", "no_sale", "Give change for a note"),
}


@dataclass
class MemoryShiftStore:
    """`ShiftStore` in memory; sales figures come from the fake ledger's finished sales."""

    sales: MemoryStores
    models: dict[str, ShiftModel] = field(default_factory=lambda: {"R1": ShiftModel.FLOATING})
    require: bool = False
    shifts_by_id: dict[str, Shift] = field(default_factory=dict)
    ops: list[DrawerOperation] = field(default_factory=list)
    events: list[ShiftChange] = field(default_factory=list)
    z_reports: dict[str, Mapping[str, object]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)

    def settings(self, store_id: str, register_id: str) -> ShiftSettings:
        return ShiftSettings(self.models.get(register_id, ShiftModel.FIXED), self.require)

    def open_shift(self, register_id: str) -> Shift | None:
        return next(
            (
                s
                for s in self.shifts_by_id.values()
                if s.register_id == register_id and s.status is ShiftStatus.OPEN
            ),
            None,
        )

    def shift(self, shift_id: str) -> Shift | None:
        return self.shifts_by_id.get(shift_id)

    def shifts(self, store_id: str, status: ShiftStatus) -> Sequence[Shift]:
        return [
            s for s in self.shifts_by_id.values() if s.store_id == store_id and s.status is status
        ]

    def last_closed(self, register_id: str) -> Shift | None:
        closed = [
            s
            for s in self.shifts_by_id.values()
            if s.register_id == register_id and s.status is ShiftStatus.CLOSED
        ]
        return closed[-1] if closed else None

    def operations(self, shift_id: str) -> Sequence[DrawerOperation]:
        return [op for op in self.ops if op.shift_id == shift_id]

    def reason_code(self, store_id: str, code: str) -> ReasonCode | None:
        return REASONS.get(code)

    def denominations(self, currency: str) -> Sequence[Denomination]:
        notes = {"EUR": EUR_NOTES, "USD": USD_NOTES}.get(currency, ())
        return [Denomination(currency, D(v), "note") for v in notes]

    def sales_figures(self, shift_id: str) -> SalesFigures:
        return figures_from_transactions(t for t in self.sales.finished if t.shift_id == shift_id)

    def z_report(self, shift_id: str) -> Mapping[str, object] | None:
        return self.z_reports.get(shift_id)

    def record(self, change: ShiftChange) -> Shift:
        self.sales._maybe_fail("record")  # the fake's "disk full" switch
        shift = change.shift
        if change.new_shift:
            number = self.numbers.get(shift.opened_register_id, 0) + 1
            self.numbers[shift.opened_register_id] = number
            shift = replace(shift, number=number)
        elif self.shifts_by_id[shift.shift_id].status is ShiftStatus.CLOSED:
            raise AssertionError("a closed shift was written again")
        self.shifts_by_id = {**self.shifts_by_id, shift.shift_id: shift}
        self.ops = [*self.ops, *change.operations]
        self.events = [*self.events, change]
        if change.z_report is not None:
            self.z_reports[shift.shift_id] = change.z_report
        return shift


DenyingAccess = SelectiveAccess  # the shared fake (tests/runtime/fakes.py)


@dataclass
class Rig:
    """A runtime over in-memory stores with a shift store; `again()` is a second register."""

    rt: CommerceRuntime
    sales: MemoryStores
    shifts: MemoryShiftStore
    clock: FixedClock
    access: TrustingAccess

    def runtime(self, register_id: str) -> CommerceRuntime:
        return _runtime(self.sales, self.shifts, self.clock, self.access, register_id)


def _runtime(
    sales: MemoryStores,
    shifts: MemoryShiftStore,
    clock: FixedClock,
    access: TrustingAccess,
    register_id: str,
) -> CommerceRuntime:
    ports = Ports(
        catalog=MemoryCatalog(),
        pricing=BasePriceService(),
        clock=clock,
        ids=SequentialIds(f"{register_id.lower()}id"),
        cart=sales,
        suspended=sales,
        ledger=sales,
        payment=ScriptedTerminal(),
        access=access,
        shifts=shifts,
    )
    register = RegisterConfig(register_id, "S1", receipt_mask="{store}-{register}-{seq:04}")
    return CommerceRuntime(store_config(), register, ports, operator_id="1001")


def rig(
    *, access: TrustingAccess | None = None, require: bool = False, **models: ShiftModel
) -> Rig:
    sales = MemoryStores()
    shifts = MemoryShiftStore(sales, require=require)
    shifts.models.update(models)
    clock = FixedClock(NOW)
    access = access or TrustingAccess()
    return Rig(_runtime(sales, shifts, clock, access, "R1"), sales, shifts, clock, access)


def sell_cash(rt: CommerceRuntime, given: str, *items: str) -> None:
    """Sell `items` (fake catalogue ids) paid with `given` cash; change goes back."""
    for item in items:
        ok(rt.add_line(AddLine(item_id=item)))
    ok(rt.add_tender(AddTender("cash", D(given))))
    ok(rt.conclude(Conclude()))


def sell_card(rt: CommerceRuntime, *items: str) -> None:
    for item in items:
        ok(rt.add_line(AddLine(item_id=item)))
    ok(rt.tender_card(TenderCard("card")))
    ok(rt.conclude(Conclude()))


def refused_with(result: OpResult[object], code: RefusalCode) -> Refusal:
    assert result.refusal is not None, f"expected a refusal, got {result.value!r}"
    assert result.refusal.code is code, result.refusal
    assert result.value is None and not result.changes.anything
    assert result.refusal.message
    return result.refusal


# ---- over real SQLite ---------------------------------------------------------------------------


@dataclass
class SqlRig:
    path: Path
    db: object
    rt: CommerceRuntime
    clock: FixedClock

    def close(self) -> None:
        self.db.close()  # type: ignore[attr-defined]


def sql_runtime(
    path: Path, register_id: str = "R1", clock: FixedClock | None = None, db: object = None
) -> SqlRig:
    """The runtime as pos_app.composition builds it, plus a SqlShiftStore and trusting access."""
    from local_db import (
        SqlCartStore,
        SqlCatalogReader,
        SqlSalesLedger,
        SqlSuspendedStore,
        load_register_config,
        load_store_config,
        open_database,
    )
    from local_db.shifts import SqlShiftStore

    database = db or open_database(path, background_checkpoints=False)
    clock = clock or FixedClock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC))
    ids = SequentialIds(f"{register_id.lower()}x")
    ledger = SqlSalesLedger(database, clock, ids)  # type: ignore[arg-type]
    register = load_register_config(database, register_id)
    store = load_store_config(database, register.store_id)
    ports = Ports(
        catalog=SqlCatalogReader(database),  # type: ignore[arg-type]
        pricing=BasePriceService(),
        clock=clock,
        ids=ids,
        cart=SqlCartStore(database),  # type: ignore[arg-type]
        suspended=SqlSuspendedStore(database),  # type: ignore[arg-type]
        ledger=ledger,
        payment=ScriptedTerminal(),
        access=TrustingAccess(),
        shifts=SqlShiftStore(database, ledger),  # type: ignore[arg-type]
    )
    rt = CommerceRuntime(store, register, ports, operator_id="1001")
    return SqlRig(path, database, rt, clock)


def copy_store(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    shutil.copy(template, path)
    return path
