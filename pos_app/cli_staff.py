"""`tillpoint staff ...` and `tillpoint audit`: operators, their passwords and lockouts, and
the audit log, for the store's IT and managers.

Secrets are never taken as arguments (they would end up in shell history and process lists):
they come from a prompt, or from one line of standard input with `--secret-stdin`.
Every change made here is itself written to the audit log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import getpass
import sys
from collections.abc import Callable
from typing import Any

CLI_REGISTER = "cli"  # the register id audit records written by this command carry

Command = Callable[[argparse.Namespace], int]


def add_commands(sub: Any) -> None:
    staff = sub.add_parser("staff", help="operators: add, set a password, list, unlock")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")

    add = staff_sub.add_parser("add", help="add an operator with a password or PIN")
    _common(add, operator=True)
    add.add_argument("--name", required=True)
    add.add_argument("--group", required=True, help="permission group id (cashier, manager...)")
    add.add_argument("--badge", help="staff badge barcode (stored only as its sha256)")
    add.add_argument("--must-change", action="store_true", help="require a change at sign-in")
    add.set_defaults(func=_cmd_add)

    set_secret = staff_sub.add_parser("set-secret", help="set an operator's password or PIN")
    _common(set_secret, operator=True)
    set_secret.add_argument(
        "--must-change", action="store_true", help="require a change at the next sign-in"
    )
    set_secret.set_defaults(func=_cmd_set_secret)

    listing = staff_sub.add_parser("list", help="list operators, groups and lockouts")
    listing.add_argument("--db", required=True)
    listing.set_defaults(func=_cmd_list)

    unlock = staff_sub.add_parser("unlock", help="end an operator's lockout")
    unlock.add_argument("--db", required=True)
    unlock.add_argument("--id", required=True, dest="operator_id")
    unlock.set_defaults(func=_cmd_unlock)

    audit = sub.add_parser("audit", help="show the newest audit log records")
    audit.add_argument("--db", required=True)
    audit.add_argument("--limit", type=int, default=50)
    audit.set_defaults(func=_cmd_audit)


def _common(parser: argparse.ArgumentParser, *, operator: bool) -> None:
    parser.add_argument("--db", required=True)
    if operator:
        parser.add_argument("--id", required=True, dest="operator_id")
    parser.add_argument("--store", help="store whose password rules apply (default: the only one)")
    parser.add_argument(
        "--secret-stdin", action="store_true", help="read the password from one line of stdin"
    )


class _UserError(Exception):
    """Bad input from the user: one line on stderr, exit code 2."""


def _guarded(command: Command) -> Command:
    """Errors a user can cause end as one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from local_db import DatabaseOpenError
        from runtime.ports import StorageError

        try:
            return command(args)
        except (_UserError, DatabaseOpenError, StorageError, LookupError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            print(f"tillpoint: {message}", file=sys.stderr)
            return 2

    return run


def _read_secret(args: argparse.Namespace) -> str:
    if args.secret_stdin:
        line = sys.stdin.readline()
        if not line:
            raise _UserError("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass("New password or PIN: ")
    if getpass.getpass("Again: ") != first:
        raise _UserError("the two entries differ; nothing was changed")
    return first


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _store_id(db: Any, requested: str | None) -> str:
    with db.read("list stores") as conn:
        stores = [str(r[0]) for r in conn.execute("SELECT store_id FROM stores ORDER BY 1")]
    if requested is not None:
        if requested not in stores:
            raise _UserError(f"there is no store {requested!r} in {db.path.name}")
        return requested
    if len(stores) != 1:
        raise _UserError(f"{db.path.name} holds {len(stores)} stores; pass --store")
    return stores[0]


def _new_hash(db: Any, args: argparse.Namespace) -> tuple[str, str]:
    """(store id, argon2id hash of a new secret that meets the store's rules)."""
    from local_db.passwords import Argon2Hasher
    from local_db.staff import load_security_policy
    from runtime.security import secret_problem

    store_id = _store_id(db, args.store)
    secret = _read_secret(args)
    problem = secret_problem(load_security_policy(db, store_id), secret)
    if problem:
        raise _UserError(f"{problem} Nothing was changed.")
    return store_id, Argon2Hasher().hash(secret)


def _audit(db: Any, store_id: str, action: str, operator_id: str) -> None:
    from local_db.staff import SqlAuditLog
    from runtime.security import AuditOutcome, AuditRecord

    SqlAuditLog(db, store_id, CLI_REGISTER).append(
        AuditRecord(
            at=_now(),
            operator_id=None,
            action=action,
            outcome=AuditOutcome.ALLOWED,
            details={"operator": operator_id, "via": "tillpoint staff"},
        )
    )


@_guarded
def _cmd_add(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.staff import SqlStaffDirectory, add_operator
    from runtime.security import badge_digest

    db = open_database(args.db)
    try:
        staff = SqlStaffDirectory(db)  # checked before asking for a password, and again below
        if staff.operator(args.operator_id.strip()) is not None:
            raise _UserError(f"operator {args.operator_id.strip()} already exists")
        if staff.group(args.group) is None:
            raise _UserError(f"there is no permission group {args.group!r}")
        store_id, secret_hash = _new_hash(db, args)
        badge = badge_digest(args.badge) if args.badge and args.badge.strip() else None
        add_operator(
            db,
            args.operator_id.strip(),
            args.name,
            args.group,
            secret_hash,
            badge_digest=badge,
            must_change=args.must_change,
            now=_now(),
        )
        _audit(db, store_id, "add operator", args.operator_id.strip())
    finally:
        db.close()
    print(f"Operator {args.operator_id.strip()} ({args.name.strip()}) added to {args.group}.")
    return 0


@_guarded
def _cmd_set_secret(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.staff import SqlStaffDirectory

    db = open_database(args.db)
    try:
        staff = SqlStaffDirectory(db)
        if staff.operator(args.operator_id) is None:
            raise _UserError(f"there is no operator {args.operator_id}")
        store_id, secret_hash = _new_hash(db, args)
        staff.set_secret_hash(
            args.operator_id, secret_hash, changed_at=_now(), must_change=args.must_change
        )
        _audit(db, store_id, "set password", args.operator_id)
    finally:
        db.close()
    print(f"Password of operator {args.operator_id} set.")
    return 0


@_guarded
def _cmd_list(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.staff import list_operators

    db = open_database(args.db)
    try:
        staff = list_operators(db)
    finally:
        db.close()
    now = _now()
    for s in staff:
        notes = []
        if not s.active:
            notes.append("inactive")
        if not s.has_secret:
            notes.append("no password")
        if s.has_badge:
            notes.append("badge")
        if s.must_change_secret:
            notes.append("must change password")
        if s.locked_until is not None and s.locked_until > now:
            notes.append(f"locked out until {s.locked_until:%Y-%m-%d %H:%M} UTC")
        elif s.failed_attempts:
            notes.append(f"{s.failed_attempts} failed sign-in(s)")
        print(f"{s.operator_id:<10} {s.name:<24} {s.group_id or '-':<12} {', '.join(notes)}")
    return 0


@_guarded
def _cmd_unlock(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.staff import unlock_operator

    db = open_database(args.db)
    try:
        store_id = _store_id(db, None)
        unlock_operator(db, args.operator_id)
        _audit(db, store_id, "unlock operator", args.operator_id)
    finally:
        db.close()
    print(f"Operator {args.operator_id} unlocked.")
    return 0


@_guarded
def _cmd_audit(args: argparse.Namespace) -> int:
    from local_db import open_database
    from local_db.staff import read_audit

    if args.limit < 1:
        raise _UserError("--limit must be at least 1")
    db = open_database(args.db)
    try:
        entries = read_audit(db, args.limit)
    finally:
        db.close()
    for entry in entries:
        r = entry.record
        extras = [
            f"{label}={value}"
            for label, value in (
                ("permission", r.permission),
                ("approver", r.approver_id),
                ("tx", r.transaction_id),
                ("shift", r.shift_id),
            )
            if value
        ]
        extras += [f"{k}={v}" for k, v in sorted(r.details.items())]
        print(
            f"{entry.audit_no:>6} {r.at:%Y-%m-%d %H:%M:%S} {entry.register_id:<4} "
            f"{r.operator_id or '-':<8} {r.outcome.value:<8} {r.action}"
            + (f"  [{' '.join(extras)}]" if extras else "")
        )
    return 0
