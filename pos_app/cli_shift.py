"""`tillpoint shift report`: print the X report of a register's open shift, or a stored Z report.

A read-only look for the back office: it builds the report from the database without signing
in at the register and writes nothing (printing an X report at the till goes through the
runtime, with its permission check).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_commands(sub: Any) -> None:
    shift = sub.add_parser("shift", help="shift reports (X report of the open shift, stored Z)")
    shift_sub = shift.add_subparsers(dest="shift_command", required=True, metavar="ACTION")
    report = shift_sub.add_parser(
        "report", help="print the X report of the register's open shift, or a stored Z report"
    )
    report.add_argument("--db", required=True)
    report.add_argument("--register", required=True)
    report.add_argument("--z", metavar="SHIFT_ID", help="reprint this closed shift's Z report")
    report.add_argument("--width", type=int, default=42, help="report width in characters")
    report.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from local_db import SqlSalesLedger, load_register_config, load_store_config, open_database
    from local_db.shifts import SqlShiftStore
    from runtime.receipt_text import render_text
    from runtime.shift_report import build_report, report_document, report_from_dict
    from runtime.shifts import ShiftStatus
    from runtime.system import SystemClock

    with open_database(args.db, background_checkpoints=False) as db:
        register = load_register_config(db, args.register)
        store_config = load_store_config(db, register.store_id)
        shifts = SqlShiftStore(db, SqlSalesLedger(db))
        if args.z:
            shift = shifts.shift(args.z)
            data = shifts.z_report(args.z) if shift is not None else None
            if shift is None or shift.status is not ShiftStatus.CLOSED or data is None:
                print(f"tillpoint: shift {args.z} is not a closed shift", file=sys.stderr)
                return 1
            document = report_document(report_from_dict(data), reprint=True)
        else:
            shift = shifts.open_shift(register.register_id)
            if shift is None:
                print(f"tillpoint: no shift is open on register {args.register}", file=sys.stderr)
                return 1
            report = build_report(
                "x",
                store_config,
                shift,
                shifts.operations(shift.shift_id),
                shifts.sales_figures(shift.shift_id),
                SystemClock().now(),
            )
            document = report_document(report)
    sys.stdout.write(render_text(document, args.width))
    return 0
