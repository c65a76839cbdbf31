"""Session operations of the runtime (sign in, sign out, lock, unlock, change password) and
permission checks inside the runtime, with a real AccessController over in-memory fakes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeVar

from fakes import COLA_EAN, MemoryStores
from security_support import Security, memory_runtime

from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Approval,
    OpResult,
    Recall,
    Refusal,
    RefusalCode,
    Suspend,
    VoidLine,
    VoidTransaction,
)
from runtime.security_requests import ChangeSecret, Lock, SessionState, SignIn, SignOut, Unlock

T = TypeVar("T")


def ok(result: OpResult[T]) -> T:
    assert result.refusal is None, result.refusal
    assert result.value is not None
    return result.value


def refused(rt: CommerceRuntime, stores: MemoryStores, result: OpResult[object]) -> Refusal:
    """The refusal, after checking it changed nothing (same transaction, no writes)."""
    assert result.refusal is not None, result.value
    assert result.value is None and not result.changes.anything
    assert result.refusal.message
    return result.refusal


def signed_in(
    operator_id: str = "1001", secret: str = "1234"
) -> tuple[CommerceRuntime, MemoryStores, Security]:
    rt, stores, sec = memory_runtime()
    ok(rt.sign_in(SignIn(operator_id, secret)))
    return rt, stores, sec


def test_sign_in_sets_the_operator_and_reports_a_session_change() -> None:
    rt, _, sec = memory_runtime()
    result = rt.sign_in(SignIn("1001", "1234"))
    assert result.value == SessionState("1001", "Alex Cashier", None, False)
    assert result.changes.session and not result.changes.lines_added
    assert rt.operator_id == "1001"
    assert sec.audit.actions() == [("1001", "sign in", "allowed")]


def test_a_wrong_pin_is_refused_and_leaves_nobody_signed_in() -> None:
    rt, stores, sec = memory_runtime()
    refusal = refused(rt, stores, rt.sign_in(SignIn("1001", "0000")))
    assert refusal.code is RefusalCode.WRONG_SECRET
    assert rt.operator_id is None
    assert sec.staff.operators["1001"].failed_attempts == 1


def test_lockout_through_the_runtime_then_sign_in_after_the_lockout_ends() -> None:
    rt, stores, sec = memory_runtime()
    for wrong in ("1", "2", "3"):
        rt.sign_in(SignIn("1001", wrong))
    locked = refused(rt, stores, rt.sign_in(SignIn("1001", "1234")))
    assert locked.code is RefusalCode.LOCKED_OUT and "10:15" in locked.message
    sec.clock.advance(dt.timedelta(minutes=15))
    ok(rt.sign_in(SignIn("1001", "1234")))


def test_badge_sign_in() -> None:
    rt, _, _ = memory_runtime()
    state = ok(rt.sign_in(SignIn(badge="STAFF9001")))
    assert isinstance(state, SessionState) and state.operator_id == "9001"


def test_a_runtime_without_access_control_cannot_sign_in() -> None:
    rt, stores, _ = memory_runtime()
    object.__setattr__(rt.ports, "access", None)
    assert refused(rt, stores, rt.sign_in(SignIn("1001", "1234"))).code is (
        RefusalCode.PERMISSION_REQUIRED
    )


def test_switching_user_keeps_the_open_sale_and_its_operator() -> None:
    rt, _, sec = signed_in()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    tx = rt.transaction
    assert tx is not None and tx.operator_id == "1001"
    ok(rt.sign_in(SignIn("1002", "5678")))
    assert rt.transaction is tx and rt.operator_id == "1002"
    record = sec.audit.records[-1]
    assert (record.action, record.operator_id, record.transaction_id) == (
        "take over the open sale",
        "1002",
        tx.transaction_id,
    )
    assert record.details["previous_operator"] == "1001"
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))  # the new operator keeps selling
    assert rt.transaction is not None and rt.transaction.operator_id == "1001"


def test_sign_out_is_audited_and_refused_while_a_sale_is_open() -> None:
    rt, stores, sec = signed_in()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    refusal = refused(rt, stores, rt.sign_out(SignOut()))
    assert refusal.code is RefusalCode.TRANSACTION_OPEN and rt.operator_id == "1001"
    ok(rt.suspend(Suspend()))
    state = ok(rt.sign_out(SignOut()))
    assert state == SessionState(None)
    assert sec.audit.actions()[-1] == ("1001", "sign out", "allowed")
    refusal = refused(rt, stores, rt.sign_out(SignOut()))
    assert refusal.code is RefusalCode.NOT_SIGNED_IN
    refusal = refused(rt, stores, rt.add_line(AddLine(barcode=COLA_EAN)))
    assert refusal.code is RefusalCode.NO_TRANSACTION  # "sign in before selling"


def test_a_locked_register_keeps_its_sale_and_refuses_everything_else() -> None:
    rt, stores, sec = signed_in()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    tx = rt.transaction
    state = ok(rt.lock(Lock()))
    assert state.locked_by == "1001" and state.locked
    assert sec.audit.actions()[-1] == ("1001", "lock the register", "allowed")
    for call in (
        lambda: rt.add_line(AddLine(barcode=COLA_EAN)),
        lambda: rt.add_tender(AddTender("cash")),
        lambda: rt.void_line(VoidLine("L1")),
        lambda: rt.suspend(Suspend()),
        lambda: rt.sign_out(SignOut()),
        lambda: rt.lock(Lock()),
        lambda: rt.change_secret(ChangeSecret("1234", "4321")),
    ):
        assert refused(rt, stores, call()).code is RefusalCode.LOCKED
    assert rt.transaction is tx and len(stores.saved_lines) == 1


def test_unlock_by_the_same_operator() -> None:
    rt, stores, sec = signed_in()
    ok(rt.lock(Lock()))
    assert refused(rt, stores, rt.unlock(Unlock("1001", "0000"))).code is RefusalCode.WRONG_SECRET
    assert rt.locked_by == "1001"
    state = ok(rt.unlock(Unlock("1001", "1234")))
    assert isinstance(state, SessionState) and not state.locked and state.operator_id == "1001"
    assert sec.audit.actions()[-1] == ("1001", "unlock the register", "allowed")
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))


def test_unlock_by_a_manager_signs_the_manager_in_and_is_audited_as_an_override() -> None:
    rt, _, sec = signed_in()
    ok(rt.lock(Lock()))
    ok(rt.unlock(Unlock(badge="STAFF9001")))
    assert rt.operator_id == "9001" and rt.locked_by is None
    record = sec.audit.records[-1]
    assert (record.operator_id, record.approver_id, record.outcome.value) == (
        "1001",
        "9001",
        "override",
    )


def test_unlock_by_another_cashier_is_refused() -> None:
    rt, stores, _ = signed_in()
    ok(rt.lock(Lock()))
    refusal = refused(rt, stores, rt.unlock(Unlock("1002", "5678")))
    assert refusal.code is RefusalCode.PERMISSION_REQUIRED and "1001" in refusal.message
    assert rt.locked_by == "1001" and rt.operator_id == "1001"


def test_unlock_of_an_unlocked_register_and_lock_without_sign_in_are_refused() -> None:
    rt, stores, _ = signed_in()
    assert refused(rt, stores, rt.unlock(Unlock("1001", "1234"))).code is RefusalCode.WRONG_STATE
    rt2, stores2, _ = memory_runtime()
    assert refused(rt2, stores2, rt2.lock(Lock())).code is RefusalCode.NOT_SIGNED_IN


def test_another_operator_signing_in_ends_the_lock() -> None:
    rt, _, sec = signed_in()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.lock(Lock()))
    ok(rt.sign_in(SignIn("1002", "5678")))
    assert rt.locked_by is None and rt.operator_id == "1002"
    assert ("1002", "end a lock by signing in", "allowed") in sec.audit.actions()


def test_change_secret_through_the_runtime() -> None:
    rt, stores, sec = signed_in()
    refusal = refused(rt, stores, rt.change_secret(ChangeSecret("1234", "12")))
    assert refusal.code is RefusalCode.WEAK_SECRET
    ok(rt.change_secret(ChangeSecret("1234", "2468")))
    assert sec.staff.operators["1001"].secret_hash == "plain:2468"
    rt2, stores2, _ = memory_runtime()
    assert refused(rt2, stores2, rt2.change_secret(ChangeSecret("1", "2222"))).code is (
        RefusalCode.NOT_SIGNED_IN
    )


def test_an_operator_who_must_change_their_password_does_that_first() -> None:
    rt, stores, _ = memory_runtime()
    state = ok(rt.sign_in(SignIn("8001", "0000")))
    assert isinstance(state, SessionState) and state.must_change_secret
    refusal = refused(rt, stores, rt.add_line(AddLine(barcode=COLA_EAN)))
    assert refusal.code is RefusalCode.WEAK_SECRET
    ok(rt.change_secret(ChangeSecret("0000", "1357")))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))


# ---- permissions are checked inside the runtime -------------------------------------------------


def _cashier_with_sale() -> tuple[CommerceRuntime, MemoryStores, Security]:
    rt, stores, sec = signed_in()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.add_line(AddLine(barcode=COLA_EAN, quantity=Decimal(2))))
    return rt, stores, sec


def test_a_cashier_cannot_void_a_line_without_a_manager() -> None:
    rt, stores, sec = _cashier_with_sale()
    tx = rt.transaction
    refusal = refused(rt, stores, rt.void_line(VoidLine("L1")))
    assert refusal.code is RefusalCode.PERMISSION_REQUIRED and refusal.details == ("void",)
    assert rt.transaction is tx
    refusal = refused(rt, stores, rt.void_line(VoidLine("L1", Approval("1001", "1234"))))
    assert refusal.code is RefusalCode.OVERRIDE_REFUSED
    refusal = refused(rt, stores, rt.void_line(VoidLine("L1", Approval("1002", "5678"))))
    assert refusal.code is RefusalCode.OVERRIDE_REFUSED
    line = ok(rt.void_line(VoidLine("L1", Approval("9001", "9999"))))
    assert line.voided is True
    record = sec.audit.records[-1]
    assert (record.approver_id, record.transaction_id, record.details["line_id"]) == (
        "9001",
        tx.transaction_id if tx else None,
        "L1",
    )


def test_a_cashier_cannot_void_the_transaction_without_a_manager() -> None:
    rt, stores, _ = _cashier_with_sale()
    refusal = refused(rt, stores, rt.void_transaction(VoidTransaction("test")))
    assert refusal.code is RefusalCode.PERMISSION_REQUIRED
    assert not stores.finished
    ok(rt.void_transaction(VoidTransaction("test", Approval("9001", "9999"))))
    assert len(stores.finished) == 1


def test_a_manager_voids_without_an_approval() -> None:
    rt, _, sec = signed_in("9001", "9999")
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.void_line(VoidLine("L1")))
    assert sec.audit.records[-1].outcome.value == "allowed"


def test_a_cashier_may_suspend_and_recall() -> None:
    rt, stores, _ = _cashier_with_sale()
    tx = ok(rt.suspend(Suspend()))
    ok(rt.recall(Recall(tx.transaction_id)))
    assert rt.transaction is not None
