"""`tillpoint journal ...`: verify the tamper-evident journal chain of every register."""

from __future__ import annotations

import argparse
import time
from typing import Any


def add_commands(sub: Any) -> None:
    journal = sub.add_parser("journal", help="verify the signed journal chain")
    journal_sub = journal.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    verify = journal_sub.add_parser(
        "verify", help="check every register's signed hash chain; report the first bad entry"
    )
    verify.add_argument("--db", required=True)
    verify.add_argument(
        "--deep",
        action="store_true",
        help="also check each entry's signature (default: checkpoints and the head, which vouch "
        "for every entry before them) and each sale row against its payload",
    )
    verify.set_defaults(func=_cmd_verify)


def _cmd_verify(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.journal_verify import verify_journal

    db = open_database(args.db)
    try:
        started = time.perf_counter()
        report = verify_journal(db, deep=args.deep)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    total = sum(report.entries.values())
    for register_id, count in sorted(report.entries.items()):
        first = report.first_problem(register_id)
        if first is None:
            head = report.heads.get(register_id)
            tip = f", head {head[0]} {head[1][:12]}" if head else ""
            print(f"register {register_id}: {count:,} entries, chain intact{tip}")
        else:
            more = sum(1 for p in report.problems if p.register_id == register_id) - 1
            extra = f" ({more} more problem{'s' if more != 1 else ''} after it)" if more else ""
            print(
                f"register {register_id}: first bad entry {first.entry_no} "
                f"({first.kind}): {first.message}{extra}"
            )
    rate = total / seconds if seconds > 0 else 0.0
    print(f"checked {total:,} entries in {seconds:.2f} s ({rate:,.0f} entries/s)")
    return 0 if report.intact else 1
