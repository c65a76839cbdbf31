"""`tillpoint devices`: list a register's devices with a health check, print a test receipt,
reprint the receipts queued when a print failed, and run the virtual devices for a demo.

`devices list` opens each device of the register's hardware profile (as the register does),
runs its health check and prints one row per device; a device that failed to open shows why.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def add_commands(sub: Any) -> None:
    devices = sub.add_parser("devices", help="a register's devices: health, test print, reprint")
    dsub = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    for name, helptext, func in (
        ("list", "open each device of the register's profile and health-check it", _cmd_list),
        ("test-print", "print a test receipt on the register's printer", _cmd_test_print),
        ("reprint", "print the receipts queued when printing failed", _cmd_reprint),
    ):
        cmd = dsub.add_parser(name, help=helptext)
        cmd.add_argument("--db", required=True)
        cmd.add_argument("--register", required=True)
        cmd.set_defaults(func=func)
    virtual = dsub.add_parser(
        "virtual", help="run a full set of virtual devices and store their profile for a register"
    )
    virtual.add_argument("--db", required=True)
    virtual.add_argument("--register", required=True)
    virtual.add_argument("--seconds", type=float, default=0, help="stop after (0: until Ctrl+C)")
    virtual.set_defaults(func=_cmd_virtual)


def _open(args: argparse.Namespace) -> Any:
    from local_db import open_database
    from pos_app.register_devices import open_register_devices

    db = open_database(args.db, background_checkpoints=False)
    try:
        return db, open_register_devices(db, args.register)
    except Exception:
        db.close()
        raise


def _cmd_list(args: argparse.Namespace) -> int:
    db, devices = _open(args)
    try:
        profile = devices.manager.profile
        if profile is None:
            print(f"register {args.register} has no hardware profile: no devices")
            return 0
        print(f"hardware profile {profile.profile_id} ({profile.name})")
        print(f"{'device':<12} {'category':<17} {'driver':<12} {'state':<8} health")
        bad = 0
        for report in devices.manager.health():
            bad += not report.ok
            verdict = "ok" if report.ok else "FAIL"
            print(
                f"{report.device_id:<12} {report.category.value:<17} {report.driver:<12} "
                f"{report.state.value:<8} {verdict}: {report.detail}"
            )
        return 1 if bad else 0
    finally:
        devices.close()
        db.close()


def _cmd_test_print(args: argparse.Namespace) -> int:
    from runtime.receipt import Align, BarcodeBlock, ReceiptDocument, Separator, TextRow

    db, devices = _open(args)
    try:
        document = ReceiptDocument(
            "test",
            header=(TextRow("Tillpoint test print", align=Align.CENTER, bold=True),),
            lines=(TextRow("Euro and accents: € äöü ß é", "1.00"), Separator()),
            footer=(BarcodeBlock("TEST-0001"),),
            receipt_number="TEST-0001",
        )
        printer = devices.printer
        if printer is None:
            print("tillpoint: this register has no receipt printer", file=sys.stderr)
            return 1
        try:
            printer.print_document(document, f"test-{time.time_ns()}").result(30)
        except Exception as exc:  # noqa: BLE001 - the message is the point
            print(f"tillpoint: the test print failed: {exc}", file=sys.stderr)
            return 1
        print(f"printed a test receipt on {printer.device_id}")
        return 0
    finally:
        devices.close()
        db.close()


def _cmd_reprint(args: argparse.Namespace) -> int:
    db, devices = _open(args)
    try:
        pending = devices.printing.pending()
        if not pending:
            print("no receipts are waiting to be printed")
            return 0
        outcomes = devices.reprint_pending().result(120)
        for outcome in outcomes:
            verdict = "printed" if outcome.printed else f"still queued: {outcome.reason}"
            print(f"{outcome.job_id}: {verdict}")
        left = len(devices.printing.pending())
        print(f"{left} receipt(s) still waiting")
        return 1 if left else 0
    finally:
        devices.close()
        db.close()


def _cmd_virtual(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.hardware import store_profile
    from pos_app.virtual_devices import start_virtual_devices

    virtual = start_virtual_devices()
    try:
        with open_database(args.db, background_checkpoints=False) as db:
            store_profile(db, virtual.profile(), [args.register])
        profile = virtual.profile()
        print(f"virtual devices for register {args.register} (profile {profile.profile_id}):")
        for d in profile.devices:
            where = f"{d.address}:{d.port}" if d.port else d.address or "(through the printer)"
            print(f"  {d.device_id:<10} {d.category.value:<17} {d.driver:<12} {where}")
        print("Ctrl+C stops them.", flush=True)
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        virtual.stop()
    return 0
