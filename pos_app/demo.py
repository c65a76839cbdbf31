"""The headless demo: seed a demo store, start virtual devices, ring up a scripted sale.

Until the register UI exists this is what `make demo` shows: every step goes through the same
runtime facade, database and device drivers the register will use — the bananas are weighed
on a virtual Mettler Toledo scale, the card is paid at our nexo terminal simulator, and the
receipt is printed on a virtual ESC/POS printer whose drawer is kicked for the cash — and every
refusal is printed as the cashier would see it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TextIO, TypeVar

from local_db import DEMO_ITEMS, open_database, seed_store
from local_db.hardware import store_profile
from peripherals.scan_parse import parse_scan
from pos_app.composition import open_register
from pos_app.virtual_devices import VirtualDevices, start_virtual_devices
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Approval,
    CommentLine,
    Conclude,
    OpResult,
    SetQuantity,
    TenderCard,
    VoidLine,
)
from runtime.security_requests import SignIn
from runtime.shift_requests import OpenShift

DEMO_PRODUCTS = 20_000
T = TypeVar("T")


def ensure_demo_store(path: Path, out: TextIO) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    out.write(f"Seeding a demo store with {DEMO_PRODUCTS:,} products into {path} ...\n")
    seed_store(path, products=DEMO_PRODUCTS)


def run_demo(path: Path, out: TextIO) -> int:
    """Ring up the scripted sale; returns a process exit code."""
    ensure_demo_store(path, out)
    virtual = start_virtual_devices(weight_kg=Decimal("1.234"))
    try:
        with open_database(path, background_checkpoints=False) as db:
            store_profile(db, virtual.profile(), ["R1"])
        register = open_register(path, "R1", devices=True, extensions=[])
    except Exception:
        virtual.stop()
        raise
    out.write(
        "Virtual devices on 127.0.0.1 (ESC/POS printer + drawer, customer display,\n"
        "Toledo scale, serial scanner, nexo terminal):\n"
    )
    assert register.devices is not None
    for report in register.devices.manager.health():
        verdict = "ok" if report.ok else "FAILED"
        out.write(f"  {report.device_id:<9} {verdict}: {report.detail}\n")
    rt = register.runtime
    items = DEMO_ITEMS

    def step(label: str, call: Callable[[], OpResult[T]]) -> OpResult[T]:
        result = call()
        verdict = "ok" if result.refusal is None else f"refused: {result.refusal.message}"
        out.write(f"  {label:<38} {verdict}\n")
        return result

    try:
        if rt.transaction is not None:
            out.write("Resuming the cart left open by an earlier run.\n")
        out.write("Scripted sale on register R1, operator 1001:\n")
        step("sign in as 1001 (PIN 1234)", lambda: rt.sign_in(SignIn("1001", "1234")))
        if rt.current_shift is None:
            step(
                "open a shift with a 150.00 float",
                lambda: rt.open_shift(OpenShift({"cash": Decimal("150.00")})),
            )
        first = step("scan espresso beans", lambda: rt.add_line(AddLine(barcode=items["espresso"])))
        line_id = first.value.line_id if first.value else "L1"
        step("quantity 2", lambda: rt.set_quantity(SetQuantity(line_id, Decimal(2))))
        step("scan bananas (no weight yet)", lambda: rt.add_line(AddLine(barcode=items["bananas"])))
        devices = register.devices
        step(
            "scan bananas on the scale",
            lambda: devices.add_scanned(rt, parse_scan(items["bananas"])),
        )
        step("scan red wine", lambda: rt.add_line(AddLine(barcode=items["wine"])))
        wine = step(
            "scan red wine, age checked",
            lambda: rt.add_line(AddLine(barcode=items["wine"], age_verified=True)),
        )
        step("scan T-shirt M red", lambda: rt.add_line(AddLine(barcode=items["tshirt"])))
        step("scan cola 6-pack", lambda: rt.add_line(AddLine(barcode=items["cola_pack"])))
        step("scan an unknown code", lambda: rt.add_line(AddLine(barcode="4006381333931")))
        step("scan a misread code", lambda: rt.add_line(AddLine(barcode="4006381333932")))
        step(
            "gift wrap, keyed price 2.50",
            lambda: rt.add_line(AddLine(barcode=items["gift_wrap"], keyed_price=Decimal("2.50"))),
        )
        if wine.value is not None:
            wine_id = wine.value.line_id
            step(
                "comment on the wine",
                lambda: rt.comment_line(CommentLine(wine_id, "gift for Sam")),
            )
        step("void the cola 6-pack", lambda: rt.void_line(VoidLine(_last_line(rt, "cola"))))
        step(
            "void it with manager 9001's approval",
            lambda: rt.void_line(
                VoidLine(_last_line(rt, "cola"), approval=Approval("9001", "9999"))
            ),
        )
        step("conclude too early", lambda: rt.conclude(Conclude()))
        step("card 20.00", lambda: rt.tender_card(TenderCard("card", Decimal("20.00"))))
        step("cash 50.00", lambda: rt.add_tender(AddTender("cash", Decimal("50.00"))))
        done = step("conclude", lambda: rt.conclude(Conclude()))
        sale = done.value
        if sale is None:
            return 1
        out.write(f"Written durably: outbox device_seq {sale.device_seq}.\n")
        printed = devices.after_conclude(sale, lambda t: t == "cash").result(30)
        verdict = "printed" if printed.printed else f"queued for reprint: {printed.reason}"
        out.write(f"Receipt {verdict}; the virtual printer received:\n\n")
        for job in virtual.printer.wait_for_jobs(1, 10):
            out.write("\n".join("    " + line for line in job.lines) + "\n")
        kicks = virtual.printer.wait_for_kicks(1, 5)
        out.write(f"\nDrawer kicked on pin {kicks[0].pin if kicks else '-'}; ")
        top, bottom = _settled_display(virtual)
        out.write(f"customer display: [{top}] [{bottom}]\n")
        return 0
    finally:
        register.close()
        virtual.stop()


def _settled_display(virtual: VirtualDevices) -> tuple[str, str]:
    """The display once it shows the change (its update is asynchronous)."""
    for _ in range(200):
        if "CHANGE" in "".join(virtual.display.lines).upper():
            break
        time.sleep(0.01)
    return virtual.display.lines


def _last_line(rt: CommerceRuntime, word: str) -> str:
    assert rt.transaction is not None
    for line in reversed(rt.transaction.active_lines):
        if word in line.description.lower():
            return line.line_id
    return "L0"
