"""Staff security over SQLite: the `StaffDirectory` and `AuditLog` ports of runtime.security,
the store's security policy, and the staff administration the command line uses.

Tables (local_db.schema_ops): `operators` + `operator_security`, `permission_groups`,
`store_operation_settings`, `audit_log`. Every write is its own durable transaction, so a
failed attempt or a lockout survives a crash the moment it is reported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from local_db.database import Database
from local_db.timefmt import format_utc, parse_utc
from runtime.operations import Permission
from runtime.security_model import (
    AuditOutcome,
    AuditRecord,
    OperatorRecord,
    PermissionGroup,
    SecurityPolicy,
)

# permission_groups flag columns; each is named like its Permission value
GROUP_FLAGS: tuple[Permission, ...] = (
    Permission.MANAGER,
    Permission.VOID,
    Permission.SUSPEND,
    Permission.PRICE_OVERRIDE,
    Permission.NO_SALE,
    Permission.XZ_REPORTS,
    Permission.DECLARATIONS,
    Permission.DRAWER_OPERATIONS,
    Permission.BLIND_CLOSE,
    Permission.RETURN_WITH_RECEIPT,
    Permission.RETURN_WITHOUT_RECEIPT,
    Permission.REFUND_CARD_TO_CASH,
    Permission.TAX_EXEMPT,
)
_LIMITS = (
    "max_line_discount_percent",
    "max_line_discount_amount",
    "max_total_discount_percent",
    "max_total_discount_amount",
)
_OPERATOR = (
    "SELECT o.operator_id, o.name, o.active, s.group_id, s.secret_hash, s.badge_digest,"
    " s.failed_attempts, s.locked_until, s.must_change_secret"
    " FROM operators o LEFT JOIN operator_security s ON s.operator_id = o.operator_id"
)


def _operator(row: Sequence[Any] | None) -> OperatorRecord | None:
    if row is None:
        return None
    oid, name, active, group, secret_hash, digest, failed, locked, must_change = row
    return OperatorRecord(
        operator_id=str(oid),
        name=str(name),
        group_id=None if group is None else str(group),
        secret_hash=None if secret_hash is None else str(secret_hash),
        badge_digest=None if digest is None else str(digest),
        failed_attempts=int(failed or 0),
        locked_until=None if locked is None else parse_utc(str(locked)),
        must_change_secret=bool(must_change),
        active=bool(active),
    )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class SqlStaffDirectory:
    """`runtime.security.StaffDirectory` over `operators`, `operator_security` and
    `permission_groups`. An operator without an `operator_security` row has no group and no
    password: they cannot sign in until a manager sets one."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def operator(self, operator_id: str) -> OperatorRecord | None:
        with self.db.read("look up an operator") as conn:
            row = conn.execute(f"{_OPERATOR} WHERE o.operator_id = ?", (operator_id,)).fetchone()
        return _operator(row)

    def operator_by_badge(self, digest: str) -> OperatorRecord | None:
        with self.db.read("look up a staff badge") as conn:
            row = conn.execute(f"{_OPERATOR} WHERE s.badge_digest = ?", (digest,)).fetchone()
        return _operator(row)

    def group(self, group_id: str) -> PermissionGroup | None:
        columns = ", ".join((*(p.value for p in GROUP_FLAGS), *_LIMITS))
        with self.db.read("read a permission group") as conn:
            row = conn.execute(
                f"SELECT group_id, name, {columns} FROM permission_groups WHERE group_id = ?",
                (group_id,),
            ).fetchone()
        if row is None:
            return None
        flags = row[2 : 2 + len(GROUP_FLAGS)]
        limits = [_decimal(v) for v in row[2 + len(GROUP_FLAGS) :]]
        return PermissionGroup(
            group_id=str(row[0]),
            name=str(row[1]),
            permissions=frozenset(p for p, on in zip(GROUP_FLAGS, flags, strict=True) if on),
            max_line_discount_percent=limits[0],
            max_line_discount_amount=limits[1],
            max_total_discount_percent=limits[2],
            max_total_discount_amount=limits[3],
        )

    def record_failed_attempt(self, operator_id: str) -> int:
        with self.db.write("count a failed sign-in") as conn:
            conn.execute(
                "UPDATE operator_security SET failed_attempts = failed_attempts + 1"
                " WHERE operator_id = ?",
                (operator_id,),
            )
            row = conn.execute(
                "SELECT failed_attempts FROM operator_security WHERE operator_id = ?",
                (operator_id,),
            ).fetchone()
        return 0 if row is None else int(row[0])

    def reset_failed_attempts(self, operator_id: str) -> None:
        with self.db.write("reset failed sign-ins") as conn:
            conn.execute(
                "UPDATE operator_security SET failed_attempts = 0, locked_until = NULL"
                " WHERE operator_id = ?",
                (operator_id,),
            )

    def lock_until(self, operator_id: str, until: dt.datetime) -> None:
        with self.db.write("lock an operator out") as conn:
            conn.execute(
                "UPDATE operator_security SET failed_attempts = 0, locked_until = ?"
                " WHERE operator_id = ?",
                (format_utc(until), operator_id),
            )

    def set_secret_hash(
        self,
        operator_id: str,
        secret_hash: str,
        *,
        changed_at: dt.datetime | None,
        must_change: bool = False,
    ) -> None:
        with self.db.write("store a password hash") as conn:
            if changed_at is None:  # a rehash of the same secret
                conn.execute(
                    "UPDATE operator_security SET secret_hash = ? WHERE operator_id = ?",
                    (secret_hash, operator_id),
                )
                return
            updated = conn.execute(
                "UPDATE operator_security SET secret_hash = ?, secret_changed_at = ?,"
                " must_change_secret = ?, failed_attempts = 0, locked_until = NULL"
                " WHERE operator_id = ?",
                (secret_hash, format_utc(changed_at), int(must_change), operator_id),
            ).rowcount
            if not updated:
                raise LookupError(f"operator {operator_id} has no security record")


class SqlAuditLog:
    """`runtime.security.AuditLog` over `audit_log`. A record without a shift gets the
    register's open shift, if any, so the log can be read per shift."""

    def __init__(self, db: Database, store_id: str, register_id: str) -> None:
        self.db = db
        self.store_id = store_id
        self.register_id = register_id

    def append(self, record: AuditRecord) -> None:
        with self.db.write("write the audit log") as conn:
            shift_id = record.shift_id
            if shift_id is None:
                row = conn.execute(
                    "SELECT shift_id FROM shifts WHERE register_id = ? AND status = 'open'"
                    " ORDER BY opened_at DESC LIMIT 1",
                    (self.register_id,),
                ).fetchone()
                shift_id = None if row is None else str(row[0])
            conn.execute(
                "INSERT INTO audit_log (store_id, register_id, at, operator_id, action, outcome,"
                " permission, approver_id, transaction_id, shift_id, details)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.store_id,
                    self.register_id,
                    format_utc(record.at),
                    record.operator_id,
                    record.action,
                    record.outcome.value,
                    record.permission,
                    record.approver_id,
                    record.transaction_id,
                    shift_id,
                    json.dumps(dict(record.details), sort_keys=True, ensure_ascii=False),
                ),
            )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A stored audit record with where it was written."""

    audit_no: int
    store_id: str
    register_id: str
    record: AuditRecord


def read_audit(db: Database, limit: int = 50) -> list[AuditEntry]:
    """The newest `limit` audit records, newest first."""
    with db.read("read the audit log") as conn:
        rows = conn.execute(
            "SELECT audit_no, store_id, register_id, at, operator_id, action, outcome,"
            " permission, approver_id, transaction_id, shift_id, details"
            " FROM audit_log ORDER BY audit_no DESC LIMIT ?",
            (limit,),
        ).fetchall()
    return [
        AuditEntry(
            int(no),
            str(store),
            str(register),
            AuditRecord(
                at=parse_utc(at),
                operator_id=operator,
                action=action,
                outcome=AuditOutcome(outcome),
                permission=permission,
                approver_id=approver,
                transaction_id=tid,
                shift_id=shift,
                details={str(k): str(v) for k, v in json.loads(details or "{}").items()},
            ),
        )
        for (
            no,
            store,
            register,
            at,
            operator,
            action,
            outcome,
            permission,
            approver,
            tid,
            shift,
            details,
        ) in rows
    ]


def load_security_policy(db: Database, store_id: str) -> SecurityPolicy:
    """The store's sign-in rules; the defaults when the store has no settings row."""
    with db.read("read the store's security settings") as conn:
        row = conn.execute(
            "SELECT max_failed_signins, lockout_minutes, min_secret_length"
            " FROM store_operation_settings WHERE store_id = ?",
            (store_id,),
        ).fetchone()
    if row is None:
        return SecurityPolicy()
    try:
        return SecurityPolicy(int(row[0]), int(row[1]), int(row[2]))
    except ValueError as exc:
        raise LookupError(f"store {store_id}: security settings are not usable: {exc}") from exc


# ---- administration (the command line; later the back office) ---------------------------------


@dataclass(frozen=True, slots=True)
class StaffSummary:
    operator_id: str
    name: str
    group_id: str | None
    active: bool
    has_secret: bool
    has_badge: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    must_change_secret: bool


def add_operator(
    db: Database,
    operator_id: str,
    name: str,
    group_id: str,
    secret_hash: str,
    *,
    badge_digest: str | None = None,
    must_change: bool = False,
    now: dt.datetime,
) -> None:
    """Create an operator with credentials. LookupError for an unknown group or a taken id
    or badge (nothing is written then)."""
    if not operator_id.strip() or not name.strip():
        raise LookupError("an operator needs an id and a name")
    with db.write("add an operator") as conn:
        if (
            conn.execute(
                "SELECT 1 FROM permission_groups WHERE group_id = ?", (group_id,)
            ).fetchone()
            is None
        ):
            raise LookupError(f"there is no permission group {group_id!r}")
        if conn.execute("SELECT 1 FROM operators WHERE operator_id = ?", (operator_id,)).fetchone():
            raise LookupError(f"operator {operator_id} already exists")
        if (
            badge_digest is not None
            and conn.execute(
                "SELECT 1 FROM operator_security WHERE badge_digest = ?", (badge_digest,)
            ).fetchone()
        ):
            raise LookupError("that badge already belongs to another operator")
        conn.execute(
            "INSERT INTO operators (operator_id, name, active) VALUES (?, ?, 1)",
            (operator_id, name.strip()),
        )
        conn.execute(
            "INSERT INTO operator_security (operator_id, group_id, secret_hash, badge_digest,"
            " secret_changed_at, must_change_secret) VALUES (?, ?, ?, ?, ?, ?)",
            (operator_id, group_id, secret_hash, badge_digest, format_utc(now), int(must_change)),
        )


def list_operators(db: Database) -> Sequence[StaffSummary]:
    with db.read("list operators") as conn:
        rows = conn.execute(f"{_OPERATOR} ORDER BY o.operator_id").fetchall()
    summaries = []
    for row in rows:
        record = _operator(row)
        assert record is not None
        summaries.append(
            StaffSummary(
                record.operator_id,
                record.name,
                record.group_id,
                record.active,
                record.secret_hash is not None,
                record.badge_digest is not None,
                record.failed_attempts,
                record.locked_until,
                record.must_change_secret,
            )
        )
    return summaries


def unlock_operator(db: Database, operator_id: str) -> None:
    """End an operator's lockout and clear their failed attempts (a manager's decision)."""
    with db.write("unlock an operator") as conn:
        updated = conn.execute(
            "UPDATE operator_security SET failed_attempts = 0, locked_until = NULL"
            " WHERE operator_id = ?",
            (operator_id,),
        ).rowcount
    if not updated:
        raise LookupError(f"there is no operator {operator_id} with credentials")
