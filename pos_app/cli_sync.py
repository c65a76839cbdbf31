"""`tillpoint activate` and `tillpoint sync`: connect a register database to a channel server,
and run one sync cycle (health, upload, download, reconciliation) with progress on stderr."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any


def add_commands(sub: Any) -> None:
    activate = sub.add_parser(
        "activate", help="connect this register to a channel server with a one-time code"
    )
    activate.add_argument("--server", required=True, help="the server's URL (http(s)://host:port)")
    activate.add_argument("--code", required=True, help="the code `tillpoint server "
                          "register-device` printed")  # fmt: skip
    activate.add_argument("--db", required=True, help="the register's database")
    activate.add_argument("--register", help="refuse a code that is for another register")
    activate.set_defaults(func=_cmd_activate)

    sync = sub.add_parser("sync", help="run one sync cycle: upload, download, reconciliation")
    sync.add_argument("--db", required=True, help="the register's database")
    sync.add_argument("--register", help="the register id (checked against the activation)")
    sync.add_argument(
        "--day", action="append", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
        help="business day(s) to reconcile (default: yesterday and today)",
    )  # fmt: skip
    sync.set_defaults(func=_cmd_sync)


def _cmd_activate(args: argparse.Namespace) -> int:
    from local_db import open_database
    from sync.activation import ActivationFailed, activate_register
    from sync.credentials import CredentialsError
    from sync.transport import ServerRefused, ServerUnavailable

    db = open_database(args.db)
    try:
        config = activate_register(db, args.server, args.code, register_id=args.register)
    except (ActivationFailed, CredentialsError) as exc:
        print(f"tillpoint: activation failed: {exc}", file=sys.stderr)
        return 2
    except ServerRefused as exc:
        print(f"tillpoint: the server refused the activation: {exc.error.message}",
              file=sys.stderr)  # fmt: skip
        return 1
    except ServerUnavailable as exc:
        print(f"tillpoint: the server is not reachable ({exc}); nothing was changed",
              file=sys.stderr)  # fmt: skip
        return 1
    finally:
        db.close()
    print(
        f"Activated register {config.register_id} of store {config.store_id} at "
        f"{config.server_url} (device {config.device_id}); the token is in the system keyring."
    )
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from local_db import open_database
    from pos_app.cli import Progress
    from sync.credentials import CredentialsError
    from sync.service import NotActivated, SyncService

    db = open_database(args.db)
    try:
        try:
            service = SyncService.from_database(db)
        except (NotActivated, CredentialsError) as exc:
            print(f"tillpoint: {exc}", file=sys.stderr)
            return 2
        if args.register and args.register != service.config.register_id:
            print(f"tillpoint: {args.db} is activated as register {service.config.register_id},"
                  f" not {args.register}", file=sys.stderr)  # fmt: skip
            service.stop()
            return 2
        try:
            report = service.run_cycle(Progress("sync"), days=args.day)
        finally:
            service.stop()
        return _print_report(report, service)
    finally:
        db.close()


def _print_report(report: Any, service: Any) -> int:
    unsent = service.unsent()
    oldest = (
        ""
        if unsent.oldest_at is None
        else f", the oldest from {unsent.oldest_at:%Y-%m-%d %H:%M} UTC"
    )
    if not report.online:
        print(f"Offline: {report.reason}. {unsent.count} records wait to be sent{oldest}.",
              file=sys.stderr)  # fmt: skip
        for problem in report.problems:
            print(f"  needs attention: {problem}", file=sys.stderr)
        return 1
    if report.upload is not None:
        print(f"upload: {report.upload.sent} sent, acknowledged through seq "
              f"{report.upload.acknowledged_through}, {report.upload.pending} waiting")  # fmt: skip
    if report.download is not None:
        kind = "full download" if report.download.full else "changes"
        print(f"download ({kind}): {report.download.items} items in {report.download.pages} "
              f"pages, server version {report.download.high_water}")  # fmt: skip
    for result in report.reconciliations:
        print(f"reconciliation {result.summary()}")
    for problem in report.problems:
        print(f"needs attention: {problem}", file=sys.stderr)
    if report.ok:
        print(f"Sync done: {unsent.count} records waiting.")
        return 0
    return 1
