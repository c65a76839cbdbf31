"""The register with every device, over the real wire protocols: our virtual printer + drawer
(TCP ESC/POS), customer display (TCP), Toledo scale and serial scanner (pseudo-terminals) and
the nexo terminal simulator (HTTP), opened from a hardware profile stored in the database."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import DEMO_ITEMS
from local_db.hardware import store_profile
from peripherals.events import DeviceCategory, EventRecorder
from peripherals.null_device import NullDevice
from pos_app.composition import Register, ensure_open_shift, open_register
from pos_app.register_devices import RegisterDevices
from pos_app.virtual_devices import VirtualDevices, start_virtual_devices
from runtime.operations import AddTender, Conclude, OpResult, TenderCard
from runtime.security_requests import SignIn
from runtime.transaction import SaleLine

WAIT = 10.0


@dataclass
class Till:
    register: Register
    devices: RegisterDevices
    virtual: VirtualDevices
    events: EventRecorder
    db: Path
    scans: list[OpResult[SaleLine]]
    scanned: threading.Semaphore


def _open(db: Path, virtual: VirtualDevices) -> Till:
    events = EventRecorder()
    scans: list[OpResult[SaleLine]] = []
    scanned = threading.Semaphore(0)
    register = open_register(db, "R1", extensions=[], devices=True, device_events=events)
    assert register.devices is not None
    rt = register.runtime
    assert rt.sign_in(SignIn("1001", "1234")).refusal is None
    ensure_open_shift(rt)

    def on_scan(result: OpResult[SaleLine]) -> None:
        scans.append(result)
        scanned.release()

    listen = register.devices.scan_listener(rt, on_scan)
    events_sink = events

    def tee(event: object) -> None:  # scanner events go to the sale as well
        events_sink(event)  # type: ignore[arg-type]
        listen(event)  # type: ignore[arg-type]

    scanner = register.devices.manager.first(DeviceCategory.SCANNER)
    assert scanner is not None
    scanner._sink = tee  # the Qt layer does this with its own sink
    return Till(register, register.devices, virtual, events, db, scans, scanned)


@pytest.fixture
def till(tmp_path: Path, seeded_store: Path) -> Iterator[Till]:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    virtual = start_virtual_devices(payment_timeout_s=3.0)
    from local_db import open_database

    database = open_database(db)
    store_profile(database, virtual.profile(), ["R1"])
    database.close()
    t = _open(db, virtual)
    try:
        yield t
    finally:
        t.register.close()
        virtual.stop()


def _until(check: Callable[[], bool]) -> bool:
    """Device output is asynchronous: wait (bounded) until `check` holds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()


def scan(till: Till, code: str) -> OpResult[SaleLine]:
    till.virtual.scan(code)
    assert till.scanned.acquire(timeout=WAIT), "the scan never reached the register"
    return till.scans[-1]


def test_every_device_of_the_stored_profile_opens(till: Till) -> None:
    devices = {d.device_id: d for d in till.devices.manager.devices}
    assert set(devices) == {"printer", "drawer", "display", "scale", "scanner", "terminal"}
    assert not any(isinstance(d, NullDevice) for d in devices.values())
    assert all(r.ok for r in till.devices.manager.health()), till.devices.manager.health()


def test_scanned_and_weighed_sale_paid_cash_prints_kicks_and_shows_change(till: Till) -> None:
    rt = till.register.runtime
    assert scan(till, DEMO_ITEMS["espresso"]).refusal is None
    bananas = scan(till, DEMO_ITEMS["bananas"])  # weighed: the scale gives 1.234 kg
    assert bananas.refusal is None and bananas.value is not None
    assert bananas.value.quantity == Decimal("1.234")
    assert _until(lambda: "BANANA" in till.virtual.display.lines[0].upper())
    assert rt.add_tender(AddTender("cash", Decimal("50.00"))).refusal is None
    done = rt.conclude(Conclude())
    assert done.value is not None
    outcome = till.devices.after_conclude(done.value, lambda t: t == "cash").result(WAIT)
    assert outcome.printed, outcome.reason
    (job,) = till.virtual.printer.wait_for_jobs(1, WAIT)
    text = "\n".join(job.lines)
    assert "Espresso" in text and "Banana" in text
    assert done.value.transaction.receipt_number in job.barcodes
    assert till.virtual.printer.wait_for_kicks(1, WAIT)[0].pin == 2
    print("display after the sale:", till.virtual.display.lines)
    change = -sum(t.amount for t in done.value.transaction.tenders if t.is_change)
    assert change > 0
    assert _until(lambda: "CHANGE" in "".join(till.virtual.display.lines).upper())
    assert f"{change:.2f}" in "".join(till.virtual.display.lines)


def test_card_sale_prints_the_terminals_slip(till: Till) -> None:
    rt = till.register.runtime
    assert scan(till, DEMO_ITEMS["espresso"]).refusal is None
    paid = rt.tender_card(TenderCard("card", None))
    assert paid.refusal is None, paid.refusal
    done = rt.conclude(Conclude())
    assert done.value is not None
    outcome = till.devices.after_conclude(done.value, lambda t: t == "cash").result(WAIT)
    assert outcome.printed
    (job,) = till.virtual.printer.wait_for_jobs(1, WAIT)
    assert till.virtual.printer.kicks == []  # a card sale opens no drawer
    print("\n".join(job.lines))
    slip = [line for line in job.lines if "APPROVED" in line.upper()]
    assert slip, job.lines


def test_paper_out_queues_the_receipt_durably_and_reprint_prints_it(till: Till) -> None:
    rt = till.register.runtime
    assert scan(till, DEMO_ITEMS["espresso"]).refusal is None
    assert rt.add_tender(AddTender("cash", Decimal("20.00"))).refusal is None
    till.virtual.printer.set_panel(paper_out=True)
    done = rt.conclude(Conclude())
    assert done.value is not None  # the sale is durable whatever the printer does
    outcome = till.devices.after_conclude(done.value, lambda t: t == "cash").result(WAIT)
    assert not outcome.printed and outcome.queued and "paper" in outcome.reason.lower()
    conn = sqlite3.connect(till.db)
    try:
        queued = conn.execute("SELECT job_id FROM print_queue").fetchall()
    finally:
        conn.close()
    assert queued == [(done.value.transaction.receipt_number,)]
    till.virtual.printer.set_panel(paper_out=False)
    (again,) = till.devices.reprint_pending().result(WAIT)
    assert again.printed
    assert till.devices.printing.pending() == []


def test_a_missing_printer_leaves_the_register_selling(tmp_path: Path, seeded_store: Path) -> None:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    virtual = start_virtual_devices()
    virtual.printer.stop()  # nothing listens on its port any more
    register = open_register(db, "R1", extensions=[], hardware=virtual.profile())
    try:
        assert register.devices is not None
        printer = register.devices.printer
        assert isinstance(printer, NullDevice) and "printer" == printer.device_id
        drawer = register.devices.manager.get("drawer")
        assert isinstance(drawer, NullDevice) and "kicked through is not available" in drawer.reason
        rt = register.runtime
        assert rt.sign_in(SignIn("1001", "1234")).refusal is None
        ensure_open_shift(rt)
        from runtime.operations import AddLine

        assert rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])).refusal is None
        assert rt.add_tender(AddTender("cash", Decimal("20.00"))).refusal is None
        done = rt.conclude(Conclude())
        assert done.value is not None
        outcome = register.devices.after_conclude(done.value, lambda t: t == "cash").result(WAIT)
        assert outcome.queued and "not available" in outcome.reason
    finally:
        register.close()
        virtual.stop()
