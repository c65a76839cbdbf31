"""Composition root: wires the runtime to the local database (and, later, devices and sync).

Nothing here imports Qt, so the command line, the demo, tests and benchmarks share it with the
register UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from local_db import (
    Database,
    SqlCartStore,
    SqlCatalogReader,
    SqlSalesLedger,
    SqlSuspendedStore,
    load_register_config,
    load_store_config,
    open_database,
)
from local_db.customers import SqlCustomerDirectory
from local_db.journal_search import SqlJournalReader
from local_db.passwords import build_access_controller
from local_db.pricing_store import build_pricing_service, freeze_heap
from local_db.register_lock import RegisterLock
from local_db.shifts import SqlShiftStore
from peripherals.events import EventSink, discard
from pos_app.register_devices import RegisterDevices, open_register_devices
from runtime.core import Ports
from runtime.devices import HardwareProfile
from runtime.extensions import RuntimeExtension, load_extensions
from runtime.facade import CommerceRuntime
from runtime.ports import Clock, IdGenerator, PaymentTerminal, PricingService
from runtime.shift_requests import OpenShift
from runtime.system import SystemClock, UuidIds

if TYPE_CHECKING:
    from sync.service import SyncService


@dataclass
class Register:
    """One register's runtime over its open database, and its devices when opened with them."""

    database: Database
    runtime: CommerceRuntime
    lock: RegisterLock
    devices: RegisterDevices | None = None
    sync: SyncService | None = None  # the sync client when opened with sync=True (activated)

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        if self.devices is not None:
            self.devices.close()
        self.database.close()
        self.lock.release()


def open_register(
    db_path: str | Path,
    register_id: str,
    *,
    operator_id: str | None = None,
    payment: PaymentTerminal | None = None,
    pricing: PricingService | None = None,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    extensions: Sequence[RuntimeExtension] | None = None,
    freeze: bool = False,
    devices: bool = False,
    hardware: HardwareProfile | None = None,
    device_events: EventSink = discard,
    sync: bool = False,
) -> Register:
    """Open the database (refusing a corrupt or foreign file), claim the register for this
    process, and resume its cart.

    devices: also open the register's devices (its hardware profile from the database, or
    `hardware`); the payment terminal becomes the payment port unless `payment` is given.
    Each device that fails to open is a null device that says why: the register still opens.

    sync: also start the sync client when the register was activated (`tillpoint activate`);
    without activation the register opens all the same, offline."""
    lock = RegisterLock(db_path, register_id).acquire()
    try:
        database = open_database(db_path)
    except Exception:
        lock.release()
        raise
    opened: RegisterDevices | None = None
    try:
        opened = (
            open_register_devices(database, register_id, profile=hardware, sink=device_events)
            if devices or hardware is not None
            else None
        )
        if payment is None and opened is not None:
            payment = opened.payment_port()
        register = load_register_config(database, register_id)
        store = load_store_config(database, register.store_id)
        clock = clock or SystemClock()
        ledger = SqlSalesLedger(database)  # one instance: it remembers the journal chain head
        ports = Ports(
            catalog=SqlCatalogReader(database),
            pricing=pricing or build_pricing_service(database, store),
            clock=clock,
            ids=ids or UuidIds(),
            cart=SqlCartStore(database),
            suspended=SqlSuspendedStore(database),
            ledger=ledger,
            payment=payment,
            access=build_access_controller(database, register.store_id, register_id, clock),
            shifts=SqlShiftStore(database, ledger),
            journal=SqlJournalReader(database),
            customers=SqlCustomerDirectory(database),
        )
        runtime = CommerceRuntime(
            store,
            register,
            ports,
            operator_id=operator_id,
            extensions=load_extensions() if extensions is None else extensions,
        )
    except Exception:
        if opened is not None:
            opened.close()
        database.close()
        lock.release()
        raise
    opened_register = Register(database, runtime, lock, opened)
    if sync:
        from pos_app.sync_wiring import open_sync

        open_sync(opened_register)
    if freeze:  # the app's start-up: keep the engine's objects out of full GC pauses
        freeze_heap()
    return opened_register


def ensure_open_shift(runtime: CommerceRuntime) -> None:
    """For tools, demos and tests that sell at once: open a shift (no declared start amount)
    when the register has none, because cash needs an open shift and drawer."""
    if runtime.current_shift is not None:
        return
    result = runtime.open_shift(OpenShift({}))
    if result.refusal is not None:
        raise LookupError(f"could not open a shift: {result.refusal.message}")
