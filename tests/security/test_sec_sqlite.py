"""Staff security over a real seeded SQLite store and real argon2id hashes: lockouts that
survive a restart, badges, password changes, overrides, and a cashier's runtime refused
voids and suspends until a manager approves — every decision in `audit_log`.

argon2id verification costs about 0.13 s, so each test keeps its sign-ins to a handful.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from security_support import (
    START,
    SqlRegister,
    audit_rows,
    seeded_copy,
    sql_register,
)

from local_db import DEMO_ITEMS, open_database
from local_db.passwords import Argon2Hasher, build_access_controller
from local_db.staff import (
    SqlAuditLog,
    SqlStaffDirectory,
    load_security_policy,
    read_audit,
)
from runtime.operations import (
    AddLine,
    Approval,
    Permission,
    Refusal,
    RefusalCode,
    Suspend,
    VoidLine,
    VoidTransaction,
)
from runtime.ports import SignedIn
from runtime.security import AuditOutcome, AuditRecord, SecurityPolicy
from runtime.security_requests import ChangeSecret, Lock, SignIn, Unlock
from runtime.system import FixedClock

ESPRESSO = DEMO_ITEMS["espresso"]


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_copy(tmp_path, tmp_path_factory)


@pytest.fixture
def reg(db_path: Path) -> Iterator[SqlRegister]:
    register = sql_register(db_path)
    yield register
    register.close()


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def _code(value: object) -> RefusalCode:
    assert isinstance(value, Refusal), value
    return value.code


def test_the_store_policy_and_groups_come_from_the_database(reg: SqlRegister) -> None:
    assert load_security_policy(reg.db, "S001") == SecurityPolicy(5, 15, 4)
    assert load_security_policy(reg.db, "nowhere") == SecurityPolicy()
    staff = SqlStaffDirectory(reg.db)
    cashier = staff.group("cashier")
    assert cashier is not None and Permission.SUSPEND in cashier.permissions
    assert not cashier.holds(Permission.VOID) and cashier.holds(Permission.MANUAL_DISCOUNT)
    assert cashier.max_line_discount_amount == Decimal("5.00")
    assert staff.group("nope") is None and staff.operator("nope") is None
    record = staff.operator("9001")
    assert record is not None and record.group_id == "manager" and record.active


def test_wrong_pins_lock_the_operator_out_across_a_restart_until_time_passes(
    db_path: Path, reg: SqlRegister
) -> None:
    access = reg.access
    for attempt in range(1, 5):
        assert _code(access.verify_sign_in("1001", "0000", None)) is RefusalCode.WRONG_SECRET
        assert _rows(
            db_path, "SELECT failed_attempts FROM operator_security WHERE operator_id = '1001'"
        ) == [(attempt,)]
    refusal = access.verify_sign_in("1001", "0000", None)
    assert isinstance(refusal, Refusal) and refusal.code is RefusalCode.LOCKED_OUT
    assert "10:15 (Europe/Berlin)" in refusal.message
    reg.close()

    later = FixedClock(START + dt.timedelta(minutes=10))
    again = sql_register(db_path, clock=later)  # a restart does not lift the lockout
    try:
        assert _code(again.access.verify_sign_in("1001", "1234", None)) is RefusalCode.LOCKED_OUT
        later.advance(dt.timedelta(minutes=5))
        assert isinstance(again.access.verify_sign_in("1001", "1234", None), SignedIn)
        outcomes = [(r[1], r[2]) for r in audit_rows(again.db)]
    finally:
        again.close()
    assert outcomes == [("sign in", "failed")] * 5 + [
        ("lockout", "refused"),
        ("sign in", "refused"),
        ("sign in", "allowed"),
    ]
    assert _rows(
        db_path,
        "SELECT failed_attempts, locked_until FROM operator_security WHERE operator_id = '1001'",
    ) == [(0, None)]


def test_badge_sign_in_and_password_change(db_path: Path, reg: SqlRegister) -> None:
    who = reg.access.verify_sign_in(None, "", "STAFF1002")
    assert isinstance(who, SignedIn) and who.operator_id == "1002"
    assert reg.access.change_secret("1002", "5678", "5678") is not None  # unchanged: refused
    assert reg.access.change_secret("1002", "5678", "tulip-42") is None
    assert _code(reg.access.verify_sign_in("1002", "5678", None)) is RefusalCode.WRONG_SECRET
    assert isinstance(reg.access.verify_sign_in("1002", "tulip-42", None), SignedIn)
    (stored,) = _rows(
        db_path,
        "SELECT secret_hash, secret_changed_at FROM operator_security WHERE operator_id = '1002'",
    )
    assert str(stored[0]).startswith("$argon2id$") and "tulip" not in str(stored[0])
    assert stored[1] is not None


def test_overrides_over_sqlite(db_path: Path, reg: SqlRegister) -> None:
    access = reg.access

    def void(approval: Approval | None) -> Refusal | None:
        return access.authorize("1001", Permission.VOID, approval, action="void a line")

    assert _code(void(None)) is RefusalCode.PERMISSION_REQUIRED
    assert _code(void(Approval("1001", "1234"))) is RefusalCode.OVERRIDE_REFUSED
    assert _code(void(Approval("1002", "5678"))) is RefusalCode.OVERRIDE_REFUSED
    assert _code(void(Approval("9001", "0000"))) is RefusalCode.WRONG_SECRET
    assert _rows(
        db_path, "SELECT failed_attempts FROM operator_security WHERE operator_id = '9001'"
    ) == [(1,)]
    assert void(Approval("9001", "9999")) is None
    assert audit_rows(reg.db) == [
        ("1001", "void a line", "refused", "void", None),
        ("1001", "void a line", "refused", "void", "1001"),
        ("1001", "void a line", "refused", "void", "1002"),
        ("1001", "void a line", "failed", "void", "9001"),
        ("1001", "void a line", "override", "void", "9001"),
    ]
    assert _rows(
        db_path, "SELECT failed_attempts FROM operator_security WHERE operator_id = '9001'"
    ) == [(0,)]


def test_discount_limits_over_sqlite(reg: SqlRegister) -> None:
    access = reg.access
    assert access.authorize_discount("1001", "line", Decimal("10"), Decimal("5.00"), None) is None
    over = access.authorize_discount("1001", "line", Decimal("11"), Decimal("2.00"), None)
    assert _code(over) is RefusalCode.DISCOUNT_LIMIT
    assert _code(access.authorize_discount("1001", "total", None, Decimal("10.01"), None)) is (
        RefusalCode.DISCOUNT_LIMIT
    )
    approved = access.authorize_discount(
        "1001", "line", Decimal("11"), Decimal("2.00"), Approval("9001", "9999")
    )
    assert approved is None
    last = read_audit(reg.db, 1)[0].record
    assert (last.outcome, last.approver_id, last.details["percent"]) == (
        AuditOutcome.OVERRIDE,
        "9001",
        "11",
    )


def test_a_cashier_runtime_is_refused_void_and_suspend_until_a_manager_approves(
    db_path: Path, reg: SqlRegister
) -> None:
    reg.db.connection.execute("UPDATE permission_groups SET suspend = 0 WHERE group_id = 'cashier'")
    rt = reg.runtime
    assert rt.sign_in(SignIn("1001", "1234")).ok
    assert rt.add_line(AddLine(barcode=ESPRESSO)).ok
    assert rt.add_line(AddLine(barcode=ESPRESSO, quantity=Decimal(2))).ok
    tx = rt.transaction
    cart = _rows(db_path, "SELECT line_id, payload FROM cart_lines ORDER BY line_id")
    for call in (
        lambda: rt.void_line(VoidLine("L1")),
        lambda: rt.void_transaction(VoidTransaction("customer left")),
        lambda: rt.suspend(Suspend()),
    ):
        result = call()
        assert result.refusal is not None and result.refusal.code is RefusalCode.PERMISSION_REQUIRED
        assert not result.changes.anything
    assert rt.transaction is tx
    assert _rows(db_path, "SELECT line_id, payload FROM cart_lines ORDER BY line_id") == cart
    assert _rows(db_path, "SELECT count(*) FROM transactions") == [(0,)]
    assert _rows(db_path, "SELECT count(*) FROM suspended_transactions") == [(0,)]

    manager = Approval("9001", "9999")
    voided = rt.void_line(VoidLine("L1", manager))
    assert voided.value is not None and voided.value.voided
    assert rt.suspend(Suspend(manager)).ok
    assert _rows(db_path, "SELECT count(*) FROM suspended_transactions") == [(1,)]
    assert rt.add_line(AddLine(barcode=ESPRESSO)).ok
    assert rt.void_transaction(VoidTransaction("customer left", manager)).ok
    assert _rows(db_path, "SELECT state FROM transactions") == [("voided",)]

    rows = audit_rows(reg.db)
    assert rows[0] == ("1001", "sign in", "allowed", None, None)
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        ("void a line", "refused", None),
        ("void the transaction", "refused", None),
        ("suspend the sale", "refused", None),
        ("void a line", "override", "9001"),
        ("suspend the sale", "override", "9001"),
        ("void the transaction", "override", "9001"),
    ]
    refused_void = read_audit(reg.db, 5)[-1].record  # the caller's reason is kept
    assert refused_void.details == {"reason": "customer left", "refusal": "permission_required"}
    tids = {r.record.transaction_id for r in read_audit(reg.db, 3)}
    assert None not in tids and len(tids) == 2  # the suspended sale, then the voided one


def test_lock_and_unlock_over_sqlite_are_audited(reg: SqlRegister) -> None:
    rt = reg.runtime
    assert rt.sign_in(SignIn(badge="STAFF1001")).ok
    assert rt.add_line(AddLine(barcode=ESPRESSO)).ok
    assert rt.lock(Lock()).ok
    refused = rt.add_line(AddLine(barcode=ESPRESSO))
    assert refused.refusal is not None and refused.refusal.code is RefusalCode.LOCKED
    wrong = rt.unlock(Unlock("1001", "4321"))
    assert wrong.refusal is not None and wrong.refusal.code is RefusalCode.WRONG_SECRET
    assert rt.unlock(Unlock("1001", "1234")).ok
    assert rt.change_secret(ChangeSecret("1234", "12")).refusal is not None  # weak: no hashing
    assert [(r[1], r[2]) for r in audit_rows(reg.db)] == [
        ("sign in", "allowed"),
        ("lock the register", "allowed"),
        ("unlock the register", "failed"),
        ("unlock the register", "allowed"),
        ("change password", "refused"),
    ]


def test_audit_records_carry_the_open_shift_and_read_back(db_path: Path, reg: SqlRegister) -> None:
    at = "2026-03-02T08:00:00.000000Z"
    reg.db.connection.execute(
        "INSERT INTO shifts (shift_id, store_id, register_id, opened_register_id, shift_no,"
        " model, status, operator_id, opened_at, status_changed_at)"
        " VALUES ('SH1', 'S001', 'R1', 'R1', 1, 'floating', 'open', '1001', ?, ?)",
        (at, at),
    )
    log = SqlAuditLog(reg.db, "S001", "R1")
    log.append(
        AuditRecord(
            START,
            "1001",
            "open the drawer",
            AuditOutcome.ALLOWED,
            details={"reason": "NOSALE-CHG", "note": "ünïcode"},
        )
    )
    log.append(AuditRecord(START, "1001", "x report", AuditOutcome.ALLOWED, shift_id="SH0"))
    newest, older = read_audit(reg.db, 2)
    assert (older.record.shift_id, newest.record.shift_id) == ("SH1", "SH0")
    assert older.record.details == {"reason": "NOSALE-CHG", "note": "ünïcode"}
    assert (older.store_id, older.register_id, older.record.at) == ("S001", "R1", START)


def test_the_composition_helper_reads_the_store_timezone(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        access = build_access_controller(db, "S001", "R1", FixedClock(START))
        assert access.zone.key == "Europe/Berlin"
        with pytest.raises(LookupError):
            build_access_controller(db, "S404", "R1", FixedClock(START))
    finally:
        db.close()


def test_argon2_hasher_rejects_garbage_hashes_without_raising() -> None:
    hasher = Argon2Hasher()
    assert not hasher.verify("not a hash", "1234")
    assert not hasher.needs_rehash("not a hash")
