"""`tillpoint journal ...`: the tamper-evident journal and the electronic journal."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(sub: Any) -> None:
    journal = sub.add_parser("journal", help="verify the journal chain; search past receipts")
    journal_sub = journal.add_subparsers(dest="journal_command", required=True, metavar="ACTION")
    verify = journal_sub.add_parser(
        "verify", help="check every register's signed hash chain; report the first bad entry"
    )
    verify.add_argument("--db", required=True)
    verify.set_defaults(func=_cmd_verify)


def _cmd_verify(args: argparse.Namespace) -> int:
    raise NotImplementedError  # filled in by the journal work
