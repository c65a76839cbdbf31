"""AccessController rules over in-memory fakes: sign-in and lockout, badges, password changes,
permission checks, manager overrides and discount limits — each audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from security_support import MANAGER, Security, memory_security

from runtime.operations import Approval, Permission, Refusal, RefusalCode
from runtime.ports import SignedIn
from runtime.security import (
    AuditOutcome,
    PermissionGroup,
    SecurityPolicy,
    badge_approval,
    secret_problem,
)

D = Decimal


@pytest.fixture
def sec() -> Security:
    return memory_security()


def refusal(value: object, code: RefusalCode) -> Refusal:
    assert isinstance(value, Refusal), value
    assert value.code is code, value
    assert value.message
    return value


# ---- sign-in, lockout ---------------------------------------------------------------------------


def test_a_right_pin_signs_in_and_is_audited(sec: Security) -> None:
    who = sec.access.verify_sign_in("1001", "1234", None)
    assert who == SignedIn("1001", "Alex Cashier", False)
    assert sec.audit.actions() == [("1001", "sign in", "allowed")]
    assert sec.audit.records[0].details["by"] == "secret"


def test_wrong_pins_are_counted_then_lock_the_operator_out(sec: Security) -> None:
    first = refusal(sec.access.verify_sign_in("1001", "0000", None), RefusalCode.WRONG_SECRET)
    assert "2 more wrong attempts" in first.message
    assert sec.staff.operators["1001"].failed_attempts == 1
    refusal(sec.access.verify_sign_in("1001", "1111", None), RefusalCode.WRONG_SECRET)
    third = refusal(sec.access.verify_sign_in("1001", "2222", None), RefusalCode.LOCKED_OUT)
    assert "10:15 (Europe/Berlin)" in third.message  # 09:00 UTC + 15 minutes, local time
    assert sec.staff.operators["1001"].locked_until == sec.clock.now() + dt.timedelta(minutes=15)
    assert [a for a in sec.audit.actions()] == [
        ("1001", "sign in", "failed"),
        ("1001", "sign in", "failed"),
        ("1001", "sign in", "failed"),
        ("1001", "lockout", "refused"),
    ]
    assert sec.audit.records[2].details["attempt"] == "3"


def test_a_locked_out_operator_is_refused_even_with_the_right_pin_until_it_ends(
    sec: Security,
) -> None:
    for wrong in ("0000", "1111", "2222"):
        sec.access.verify_sign_in("1001", wrong, None)
    verified = sec.hasher.verifications
    sec.clock.advance(dt.timedelta(minutes=14, seconds=59))
    locked = refusal(sec.access.verify_sign_in("1001", "1234", None), RefusalCode.LOCKED_OUT)
    assert "until 10:15" in locked.message
    assert sec.hasher.verifications == verified  # not even checked while locked out
    assert refusal(sec.access.verify_sign_in(None, "", "STAFF1001"), RefusalCode.LOCKED_OUT)
    sec.clock.advance(dt.timedelta(seconds=1))
    assert isinstance(sec.access.verify_sign_in("1001", "1234", None), SignedIn)
    assert sec.staff.operators["1001"].locked_until is None


def test_a_successful_sign_in_resets_the_count(sec: Security) -> None:
    sec.access.verify_sign_in("1001", "0000", None)
    sec.access.verify_sign_in("1001", "0001", None)
    assert isinstance(sec.access.verify_sign_in("1001", "1234", None), SignedIn)
    assert sec.staff.operators["1001"].failed_attempts == 0
    refusal(sec.access.verify_sign_in("1001", "0002", None), RefusalCode.WRONG_SECRET)


def test_after_a_lockout_ends_the_operator_gets_the_full_count_again(sec: Security) -> None:
    for wrong in ("0000", "1111", "2222"):
        sec.access.verify_sign_in("1001", wrong, None)
    sec.clock.advance(dt.timedelta(minutes=16))
    refusal(sec.access.verify_sign_in("1001", "3333", None), RefusalCode.WRONG_SECRET)
    assert sec.staff.operators["1001"].failed_attempts == 1


@pytest.mark.parametrize(
    ("operator_id", "secret", "badge", "code"),
    [
        ("4242", "1234", None, RefusalCode.UNKNOWN_OPERATOR),
        ("7001", "7777", None, RefusalCode.UNKNOWN_OPERATOR),  # inactive
        ("", "1234", None, RefusalCode.UNKNOWN_OPERATOR),
        (None, "", None, RefusalCode.UNKNOWN_OPERATOR),
        (None, "", "NOT-A-BADGE", RefusalCode.UNKNOWN_OPERATOR),
        (None, "", "STAFF7001", RefusalCode.UNKNOWN_OPERATOR),  # inactive operator's badge
        ("1001", "1234", "STAFF1001", RefusalCode.UNKNOWN_OPERATOR),  # both: ambiguous
        ("1001", "", None, RefusalCode.WRONG_SECRET),
        ("1001", "1" * 10_000, None, RefusalCode.WRONG_SECRET),  # never hashed
    ],
)
def test_bad_sign_ins_are_refused_and_audited_as_failed(
    sec: Security, operator_id: str | None, secret: str, badge: str | None, code: RefusalCode
) -> None:
    refusal(sec.access.verify_sign_in(operator_id, secret, badge), code)
    assert sec.audit.records[-1].outcome is AuditOutcome.FAILED
    assert sec.audit.records[-1].action == "sign in"


def test_an_over_long_secret_is_not_hashed(sec: Security) -> None:
    sec.access.verify_sign_in("1001", "1" * 10_000, None)
    assert sec.hasher.verifications == 0


def test_a_scanned_badge_signs_in_without_a_pin(sec: Security) -> None:
    who = sec.access.verify_sign_in(None, "", " STAFF9001\n")
    assert isinstance(who, SignedIn) and who.operator_id == "9001"
    assert sec.audit.records[-1].details["by"] == "badge"
    assert sec.hasher.verifications == 0


def test_a_hash_with_old_parameters_is_refreshed_at_sign_in(sec: Security) -> None:
    sec.staff.set_secret_hash("1002", "old:5678", changed_at=None)
    assert isinstance(sec.access.verify_sign_in("1002", "5678", None), SignedIn)
    assert sec.staff.operators["1002"].secret_hash == "plain:5678"


def test_the_must_change_flag_travels_with_the_sign_in(sec: Security) -> None:
    who = sec.access.verify_sign_in("8001", "0000", None)
    assert isinstance(who, SignedIn) and who.must_change_secret


# ---- password change ----------------------------------------------------------------------------


def test_a_password_change_needs_the_old_one_and_then_the_new_one_works(sec: Security) -> None:
    assert sec.access.change_secret("1001", "1234", "correct horse") is None
    assert sec.audit.actions()[-1] == ("1001", "change password", "allowed")
    refusal(sec.access.verify_sign_in("1001", "1234", None), RefusalCode.WRONG_SECRET)
    assert isinstance(sec.access.verify_sign_in("1001", "correct horse", None), SignedIn)


def test_a_password_change_clears_the_must_change_flag(sec: Security) -> None:
    assert sec.access.change_secret("8001", "0000", "8765") is None
    assert not sec.staff.operators["8001"].must_change_secret


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("1234", "123", RefusalCode.WEAK_SECRET, "at least 4"),
        ("1234", "1234", RefusalCode.WEAK_SECRET, "differ"),
        ("1234", "      ", RefusalCode.WEAK_SECRET, "spaces"),
        ("1234", "12\x0034", RefusalCode.WEAK_SECRET, "control"),
        ("1234", "9" * 129, RefusalCode.WEAK_SECRET, "at most 128"),
        ("9999", "4321", RefusalCode.WRONG_SECRET, "Wrong current password"),
    ],
)
def test_bad_password_changes_are_refused_and_change_nothing(
    sec: Security, old: str, new: str, code: RefusalCode, words: str
) -> None:
    before = sec.staff.operators["1001"].secret_hash
    assert words in refusal(sec.access.change_secret("1001", old, new), code).message
    assert sec.staff.operators["1001"].secret_hash == before
    assert sec.audit.records[-1].outcome in (AuditOutcome.REFUSED, AuditOutcome.FAILED)


def test_a_weak_new_password_costs_no_attempt(sec: Security) -> None:
    sec.access.change_secret("1001", "0000", "1")
    assert sec.staff.operators["1001"].failed_attempts == 0
    assert sec.hasher.verifications == 0


def test_a_wrong_old_password_counts_towards_the_lockout(sec: Security) -> None:
    for old in ("0000", "1111"):
        refusal(sec.access.change_secret("1001", old, "abcd"), RefusalCode.WRONG_SECRET)
    refusal(sec.access.change_secret("1001", "2222", "abcd"), RefusalCode.LOCKED_OUT)
    refusal(sec.access.change_secret("1001", "1234", "abcd"), RefusalCode.LOCKED_OUT)


def test_secret_rules_follow_the_store_policy() -> None:
    policy = SecurityPolicy(min_secret_length=8)
    assert secret_problem(policy, "1234567") is not None
    assert secret_problem(policy, "12345678") is None
    assert secret_problem(policy, "pässwörd ✓") is None  # any text
    with pytest.raises(ValueError):
        SecurityPolicy(max_failed_signins=0)


# ---- permissions and manager overrides ----------------------------------------------------------


def test_an_operator_holding_the_permission_is_allowed_and_audited(sec: Security) -> None:
    assert sec.access.authorize("1001", Permission.SUSPEND, None, action="suspend") is None
    record = sec.audit.records[-1]
    assert (record.operator_id, record.outcome, record.permission) == (
        "1001",
        AuditOutcome.ALLOWED,
        "suspend",
    )


def test_a_manager_group_holds_every_permission(sec: Security) -> None:
    for permission in Permission:
        assert sec.access.authorize("9001", permission, None, action="anything") is None
    assert MANAGER.holds(Permission.BLIND_CLOSE)


def test_without_the_permission_the_refusal_names_it_for_an_override_dialog(
    sec: Security,
) -> None:
    refused = refusal(
        sec.access.authorize(
            "1001", Permission.VOID, None, action="void a line", transaction_id="tx-1"
        ),
        RefusalCode.PERMISSION_REQUIRED,
    )
    assert refused.details == ("void",) and "'void'" in refused.message
    record = sec.audit.records[-1]
    assert (record.outcome, record.transaction_id) == (AuditOutcome.REFUSED, "tx-1")


def test_an_override_by_the_same_operator_is_refused(sec: Security) -> None:
    refused = refusal(
        sec.access.authorize("1001", Permission.VOID, Approval("1001", "1234"), action="void"),
        RefusalCode.OVERRIDE_REFUSED,
    )
    assert "different operator" in refused.message and "'void'" in refused.message
    assert refused.details == ("void",)
    assert sec.hasher.verifications == 0


def test_an_override_by_the_same_operators_badge_is_refused(sec: Security) -> None:
    refusal(
        sec.access.authorize("1001", Permission.VOID, badge_approval("STAFF1001"), action="void"),
        RefusalCode.OVERRIDE_REFUSED,
    )


def test_an_override_by_an_operator_without_the_permission_is_refused(sec: Security) -> None:
    refused = refusal(
        sec.access.authorize("1001", Permission.VOID, Approval("1002", "5678"), action="void"),
        RefusalCode.OVERRIDE_REFUSED,
    )
    assert "'void'" in refused.message and refused.details == ("void",)
    assert sec.audit.records[-1].approver_id == "1002"


def test_an_override_with_a_wrong_manager_secret_is_refused_and_counted_for_the_manager(
    sec: Security,
) -> None:
    refusal(
        sec.access.authorize("1001", Permission.VOID, Approval("9001", "0000"), action="void"),
        RefusalCode.WRONG_SECRET,
    )
    assert sec.staff.operators["9001"].failed_attempts == 1
    assert sec.staff.operators["1001"].failed_attempts == 0
    (failed,) = sec.audit.records  # the refused override, with whose secret failed
    assert (failed.operator_id, failed.approver_id, failed.outcome) == (
        "1001",
        "9001",
        AuditOutcome.FAILED,
    )


def test_wrong_manager_secrets_lock_the_manager_out_and_further_overrides_fail(
    sec: Security,
) -> None:
    for wrong in ("0000", "1111"):
        sec.access.authorize("1001", Permission.VOID, Approval("9001", wrong), action="void")
    refusal(
        sec.access.authorize("1001", Permission.VOID, Approval("9001", "2222"), action="void"),
        RefusalCode.LOCKED_OUT,
    )
    refusal(
        sec.access.authorize("1001", Permission.VOID, Approval("9001", "9999"), action="void"),
        RefusalCode.LOCKED_OUT,
    )
    assert (
        sec.access.authorize("1001", Permission.VOID, Approval("9002", "8888"), action="void")
        is None
    )  # another manager can still approve


def test_a_manager_override_is_accepted_and_audited_with_the_approver(sec: Security) -> None:
    assert (
        sec.access.authorize(
            "1001",
            Permission.VOID,
            Approval(" 9001 ", "9999"),
            action="void a line",
            transaction_id="tx-7",
            details={"line_id": "L2"},
        )
        is None
    )
    record = sec.audit.records[-1]
    assert (record.operator_id, record.outcome, record.approver_id, record.permission) == (
        "1001",
        AuditOutcome.OVERRIDE,
        "9001",
        "void",
    )
    assert (record.transaction_id, record.details["line_id"]) == ("tx-7", "L2")


def test_a_supervisor_holding_the_permission_may_approve_it(sec: Security) -> None:
    approval = Approval("5001", "5555")
    assert sec.access.authorize("1001", Permission.VOID, approval, action="void") is None
    refusal(
        sec.access.authorize("1001", Permission.NO_SALE, approval, action="open the drawer"),
        RefusalCode.OVERRIDE_REFUSED,
    )


def test_a_manager_badge_approves(sec: Security) -> None:
    assert (
        sec.access.authorize("1001", Permission.VOID, badge_approval("STAFF9001"), action="void")
        is None
    )
    assert sec.audit.records[-1].approver_id == "9001"


@pytest.mark.parametrize(
    ("approval", "code"),
    [
        (Approval("4242", "1"), RefusalCode.UNKNOWN_OPERATOR),
        (Approval("7001", "7777"), RefusalCode.UNKNOWN_OPERATOR),  # inactive manager
        (Approval("", ""), RefusalCode.UNKNOWN_OPERATOR),
        (badge_approval("NOBODY"), RefusalCode.UNKNOWN_OPERATOR),
    ],
)
def test_overrides_by_unknown_approvers_are_refused(
    sec: Security, approval: Approval, code: RefusalCode
) -> None:
    refused = refusal(sec.access.authorize("1001", Permission.VOID, approval, action="void"), code)
    assert refused.details == ("void",)


def test_nobody_signed_in_or_an_inactive_operator_is_refused(sec: Security) -> None:
    refusal(
        sec.access.authorize(None, Permission.VOID, None, action="void"),
        RefusalCode.NOT_SIGNED_IN,
    )
    refusal(
        sec.access.authorize("7001", Permission.VOID, None, action="void"),
        RefusalCode.UNKNOWN_OPERATOR,
    )


def test_audit_without_a_permission_check(sec: Security) -> None:
    sec.access.audit("1001", "sign out", details={"why": "break"})
    assert sec.audit.actions() == [("1001", "sign out", "allowed")]


# ---- discount limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "percent", "amount", "allowed"),
    [
        ("line", D("10"), D("5.00"), True),  # exactly at both limits
        ("line", D("10.01"), D("1.00"), False),  # percent over
        ("line", D("5"), D("5.01"), False),  # amount over
        ("line", None, D("5.00"), True),
        ("line", None, D("5.01"), False),
        ("total", D("5"), D("10.00"), True),
        ("total", D("6"), D("1.00"), False),
        ("total", None, D("10.01"), False),
    ],
)
def test_a_cashier_discount_within_both_limits_is_allowed(
    sec: Security, scope: str, percent: Decimal | None, amount: Decimal, allowed: bool
) -> None:
    result = sec.access.authorize_discount("1001", scope, percent, amount, None)
    if allowed:
        assert result is None
        assert sec.audit.records[-1].outcome is AuditOutcome.ALLOWED
    else:
        refused = refusal(result, RefusalCode.DISCOUNT_LIMIT)
        assert refused.details == ("manual_discount", scope)
        assert "at most" in refused.message


def test_a_discount_over_the_limit_is_approved_by_a_manager_whose_limit_covers_it(
    sec: Security,
) -> None:
    approval = Approval("9001", "9999")
    assert sec.access.authorize_discount("1001", "line", D("40"), D("20"), approval) is None
    record = sec.audit.records[-1]
    assert (record.outcome, record.approver_id, record.details["percent"]) == (
        AuditOutcome.OVERRIDE,
        "9001",
        "40",
    )
    refused = refusal(
        sec.access.authorize_discount("1001", "total", D("30"), D("20"), approval),
        RefusalCode.OVERRIDE_REFUSED,
    )
    assert "at most 20%" in refused.message


def test_a_group_without_limits_gives_no_discount_and_cannot_approve_one(sec: Security) -> None:
    refusal(
        sec.access.authorize_discount("5001", "line", None, D("0.10"), None),
        RefusalCode.DISCOUNT_LIMIT,
    )
    refusal(
        sec.access.authorize_discount("1001", "line", None, D("6"), Approval("5001", "5555")),
        RefusalCode.OVERRIDE_REFUSED,
    )
    assert not PermissionGroup("x", "X").holds(Permission.MANUAL_DISCOUNT)


@pytest.mark.parametrize(
    ("scope", "percent", "amount"),
    [
        ("line", D("-5"), D("1")),
        ("line", D("0"), D("0")),
        ("line", D("101"), D("1")),
        ("line", D("NaN"), D("1")),
        ("line", None, D("-1")),
        ("line", None, D("0")),
        ("line", None, D("sNaN")),
        ("basket", None, D("1")),
    ],
)
def test_malformed_discounts_are_refused(
    sec: Security, scope: str, percent: Decimal | None, amount: Decimal
) -> None:
    refusal(
        sec.access.authorize_discount("9001", scope, percent, amount, None),
        RefusalCode.INVALID_AMOUNT,
    )
