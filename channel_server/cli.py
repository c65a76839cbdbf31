"""`tillpoint server ...`: run the channel server and look after its devices and quarantine.

`add_server_commands(sub)` (alias `add_commands`, the shape of pos_app's command modules) adds
the `server` command to the `tillpoint` parser. Every subcommand takes `--db` (a file path or a
postgresql:// URL; default $TILLPOINT_SERVER_DB or ./tillpoint-server.db) and migrates the
database first, so nothing needs setting up. Mistakes end with one line and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

from channel_server.app import DEFAULT_HOST, DEFAULT_PORT

_DB_HELP = (
    "SQLite file or postgresql://user:pass@host/db URL "
    "(default: $TILLPOINT_SERVER_DB or ./tillpoint-server.db)"
)


def add_server_commands(sub: Any) -> None:
    server = sub.add_parser("server", help="run the channel server; manage its devices")
    server_sub = server.add_subparsers(dest="server_command", required=True, metavar="ACTION")

    run = server_sub.add_parser("run", help="serve the sync API (migrates the database first)")
    run.add_argument("--db", help=_DB_HELP)
    run.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind ({DEFAULT_HOST})")
    run.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT})")
    run.set_defaults(func=_guard(_cmd_run))

    reg = server_sub.add_parser(
        "register-device", help="print a one-time activation code for a store's register"
    )
    reg.add_argument("--db", help=_DB_HELP)
    reg.add_argument("--store", required=True, help="store id")
    reg.add_argument("--register", required=True, help="register id within the store")
    reg.add_argument("--valid-hours", type=float, default=24.0, help="code lifetime (24)")
    reg.set_defaults(func=_guard(_cmd_register))

    off = server_sub.add_parser(
        "deactivate-device", help="revoke a register's tokens (they answer 401 at once)"
    )
    off.add_argument("--db", help=_DB_HELP)
    off.add_argument("--store", required=True)
    off.add_argument("--register", required=True)
    off.set_defaults(func=_guard(_cmd_deactivate))

    quarantine = server_sub.add_parser("quarantine", help="list items the server quarantined")
    quarantine.add_argument("--db", help=_DB_HELP)
    quarantine.add_argument("--limit", type=int, default=200)
    quarantine.set_defaults(func=_guard(_cmd_quarantine))

    alerts = server_sub.add_parser(
        "alerts", help="list alerts (payload conflicts, journal-chain breaks)"
    )
    alerts.add_argument("--db", help=_DB_HELP)
    alerts.add_argument("--limit", type=int, default=200)
    alerts.set_defaults(func=_guard(_cmd_alerts))

    imp = server_sub.add_parser(
        "import", help="load master data from CSV/JSON files (docs/import-format.md)"
    )
    imp.add_argument("directory", metavar="DIR", help="directory of import files")
    imp.add_argument("--db", help=_DB_HELP)
    imp.add_argument(
        "--partial",
        action="store_true",
        help="only add and change: rows missing from a file are kept, not deleted",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress bars")
    imp.set_defaults(func=_guard(_cmd_import))


add_commands = add_server_commands


def _guard(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the mistakes a user can make into one line on stderr and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        from channel_server.db import DatabaseUrlError

        try:
            return command(args)
        except (DatabaseUrlError, LookupError, ValueError) as exc:
            print(f"tillpoint server: {exc}", file=sys.stderr)
        except SQLAlchemyError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(f"tillpoint server: database error: {first}", file=sys.stderr)
        except OSError as exc:
            print(f"tillpoint server: {exc}", file=sys.stderr)
        return 2

    return run


def _cmd_run(args: argparse.Namespace) -> int:
    from channel_server.app import serve

    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port {args.port} is not a TCP port")
    serve(args.db, args.host, args.port)
    return 0


def _cmd_register(args: argparse.Namespace) -> int:
    from channel_server.db import open_database
    from channel_server.devices import issue_activation_code

    if not 0 < args.valid_hours <= 24 * 30:
        raise ValueError("--valid-hours must be more than 0 and at most 720")
    _check_id("--store", args.store)
    _check_id("--register", args.register)
    db = open_database(args.db)
    try:
        issued = issue_activation_code(
            db, args.store, args.register, valid_for=dt.timedelta(hours=args.valid_hours)
        )
    finally:
        db.dispose()
    until = issued.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    print(f"Activation code for store {args.store} register {args.register}: {issued.code}")
    print(f"Single use, valid until {until}. On the register run:")
    print(f"  tillpoint activate --server URL --code {issued.code}")
    return 0


def _check_id(option: str, value: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from sync.protocol import Id

    try:
        TypeAdapter(Id).validate_python(value)
    except ValidationError as exc:
        raise ValueError(
            f"{option} {value!r}: use 1-64 letters, digits and . _ : @ # - (starting with a "
            "letter or digit)"
        ) from exc


def _cmd_deactivate(args: argparse.Namespace) -> int:
    from channel_server.db import open_database
    from channel_server.devices import deactivate

    db = open_database(args.db)
    try:
        revoked = deactivate(db, args.store, args.register)
    finally:
        db.dispose()
    print(
        f"Store {args.store} register {args.register}: {revoked} token(s) revoked; "
        "it must be activated again with a new code."
    )
    return 0


def _cmd_quarantine(args: argparse.Namespace) -> int:
    from channel_server.db import open_database
    from channel_server.reports import quarantined

    db = open_database(args.db)
    try:
        with db.read() as session:
            items = quarantined(session, args.limit)
    finally:
        db.dispose()
    if not items:
        print("No quarantined items.")
        return 0
    print(f"{len(items)} quarantined item(s), newest first:")
    for q in items:
        print(
            f"  {q.store_id}/{q.register_id} seq {q.device_seq} {q.kind} "
            f"(made {q.created_at:%Y-%m-%d %H:%M:%S}Z, received "
            f"{q.received_at:%Y-%m-%d %H:%M:%S}Z): {q.reason}"
        )
    return 0


def _cmd_alerts(args: argparse.Namespace) -> int:
    from channel_server.db import open_database
    from channel_server.reports import alerts

    db = open_database(args.db)
    try:
        with db.read() as session:
            rows = [
                (a.created_at, a.kind, a.device_id, a.device_seq, a.message)
                for a in alerts(session, args.limit)
            ]
    finally:
        db.dispose()
    if not rows:
        print("No alerts.")
        return 0
    for at, kind, device, seq, message in rows:
        where = f"device {device} seq {seq}" if seq is not None else f"device {device}"
        print(f"  {at:%Y-%m-%d %H:%M:%S}Z {kind} {where}: {message}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from channel_server.db import open_database
    from channel_server.importer import import_directory
    from channel_server.importer_progress import Progress

    started = time.monotonic()
    db = open_database(args.db)
    try:
        report = import_directory(
            db, Path(args.directory), partial=args.partial, progress=Progress(not args.quiet)
        )
    finally:
        db.dispose()
    print(f"Imported {args.directory} ({report.mode}) in {time.monotonic() - started:.1f} s.")
    for entity in [*report.rows, *sorted(set(report.deleted) - set(report.rows))]:
        rows = report.rows.get(entity, 0)
        changed, deleted = report.changes_of(entity)
        print(f"  {entity:<18} {rows:>9,} in files {changed:>9,} changed {deleted:>7,} deleted")
    if report.stores_created:
        print(f"  new stores: {', '.join(report.stores_created)}")
    if report.stock_rows:
        print(f"  on-hand stock: {report.stock_rows:,} rows set")
    recorded = report.recorded()
    summary = ", ".join(f"{store} {n:,}" for store, n in sorted(recorded.items())) or "none"
    print(f"Change-log rows recorded per store: {summary}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m channel_server.cli server ...` works before pos_app wires the command in."""
    parser = argparse.ArgumentParser(prog="tillpoint")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_server_commands(sub)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
