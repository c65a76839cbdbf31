"""Staff security rules: sign-in with lockout, permission checks, manager overrides, discount
limits and the audit trail (issue #4; PRODUCT.md "Security").

`AccessController` implements `runtime.ports.AccessControl` over three ports (staff directory,
secret hasher, audit log), so the rules are tested with in-memory fakes and run in production
over SQLite and argon2id. The values and ports live in `runtime.security_model` and are
re-exported here.

Rules in one place:
- A group holding `Permission.MANAGER` holds every permission flag.
- A manager override is an `Approval` by a *different*, active, not locked-out operator whose
  secret (or badge) verifies and whose group holds the permission. A wrong approver secret
  counts towards the *approver's* lockout.
- A manual discount must be within the operator's group limits (percent and amount), or within
  an approver's.
- Every grant, override, refusal, sign-in, failed attempt and lockout is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from runtime.operations import Approval, Permission, Refusal, RefusalCode
from runtime.ports import SignedIn
from runtime.security_audit import AuditContext, AuditingAccess
from runtime.security_model import (
    MAX_SECRET_LENGTH,
    AuditLog,
    AuditOutcome,
    AuditRecord,
    OperatorRecord,
    PermissionGroup,
    SecretHasher,
    SecurityPolicy,
    StaffDirectory,
    badge_approval,
    badge_digest,
    describe_discount,
    discount_problem,
    secret_problem,
)

__all__ = [
    "AccessController",
    "AuditLog",
    "AuditOutcome",
    "AuditRecord",
    "OperatorRecord",
    "PermissionGroup",
    "SecretHasher",
    "SecurityPolicy",
    "StaffDirectory",
    "badge_approval",
    "badge_digest",
    "secret_problem",
]


class AccessController(AuditingAccess):
    """`runtime.ports.AccessControl` over the staff ports. `timezone` is the store's, used only
    to say until when (local time) an operator is locked out."""

    # ---- AccessControl: permissions ------------------------------------------------------------

    def authorize(
        self,
        operator_id: str | None,
        permission: Permission,
        approval: Approval | None,
        *,
        action: str,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Refusal | None:
        ctx = AuditContext(action, permission, transaction_id, details)
        operator = self._acting(operator_id, ctx)
        if isinstance(operator, Refusal):
            return operator
        if self._holds(operator, permission):
            self._write(operator.operator_id, ctx, AuditOutcome.ALLOWED)
            return None
        if approval is None:
            return self._refuse(
                operator.operator_id,
                ctx,
                RefusalCode.PERMISSION_REQUIRED,
                f"Operator {operator.label} may not {action}: that needs the "
                f"'{permission.value}' permission. A manager can approve it.",
            )
        approver = self._approver(operator, approval, ctx)
        if isinstance(approver, Refusal):
            return approver
        if not self._holds(approver, permission):
            return self._refuse(
                operator.operator_id,
                ctx,
                RefusalCode.OVERRIDE_REFUSED,
                f"Operator {approver.label} does not hold the '{permission.value}' permission "
                f"either, so cannot approve: {action}.",
                approver_id=approver.operator_id,
            )
        self._write(
            operator.operator_id, ctx, AuditOutcome.OVERRIDE, approver_id=approver.operator_id
        )
        return None

    def authorize_discount(
        self,
        operator_id: str | None,
        scope: str,
        percent: Decimal | None,
        amount: Decimal,
        approval: Approval | None,
        *,
        transaction_id: str | None = None,
    ) -> Refusal | None:
        what = describe_discount(scope, percent, amount)
        details = {"scope": scope, "amount": str(amount)}
        if percent is not None:
            details["percent"] = str(percent)
        ctx = AuditContext(f"give {what}", Permission.MANUAL_DISCOUNT, transaction_id, details)
        problem = discount_problem(scope, percent, amount)
        if problem:
            return self._refuse(operator_id, ctx, RefusalCode.INVALID_AMOUNT, problem)
        operator = self._acting(operator_id, ctx)
        if isinstance(operator, Refusal):
            return operator
        group = self._group(operator)
        if group is not None and group.allows_discount(scope, percent, amount):
            self._write(operator.operator_id, ctx, AuditOutcome.ALLOWED)
            return None
        limits = "no manual discounts" if group is None else group.describe_limits(scope)
        if approval is None:
            return self._refuse(
                operator.operator_id,
                ctx,
                RefusalCode.DISCOUNT_LIMIT,
                f"{what[0].upper()}{what[1:]} is over the limit of operator {operator.label} "
                f"({limits}). A manager can approve it.",
                extra=(scope,),
            )
        approver = self._approver(operator, approval, ctx)
        if isinstance(approver, Refusal):
            return approver
        approver_group = self._group(approver)
        if approver_group is None or not approver_group.allows_discount(scope, percent, amount):
            approver_limits = (
                "no manual discounts"
                if approver_group is None
                else approver_group.describe_limits(scope)
            )
            return self._refuse(
                operator.operator_id,
                ctx,
                RefusalCode.OVERRIDE_REFUSED,
                f"The limit of operator {approver.label} ({approver_limits}) does not cover "
                f"{what} either.",
                approver_id=approver.operator_id,
                extra=(scope,),
            )
        self._write(
            operator.operator_id, ctx, AuditOutcome.OVERRIDE, approver_id=approver.operator_id
        )
        return None

    def audit(
        self,
        operator_id: str | None,
        action: str,
        *,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        self._write(
            operator_id, AuditContext(action, None, transaction_id, details), AuditOutcome.ALLOWED
        )

    # ---- AccessControl: sign-in ----------------------------------------------------------------

    def verify_sign_in(
        self, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        ctx = AuditContext("sign in")
        who = self._identify(operator_id, secret, badge, ctx)
        if isinstance(who, Refusal):
            return who
        self._write(who.operator_id, ctx, AuditOutcome.ALLOWED, extra={"by": _by(badge)})
        return SignedIn(who.operator_id, who.name, who.must_change_secret)

    def verify_unlock(
        self, locked_by: str, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        ctx = AuditContext("unlock the register", details={"locked_by": locked_by})
        who = self._identify(operator_id, secret, badge, ctx)
        if isinstance(who, Refusal):
            return who
        signed_in = SignedIn(who.operator_id, who.name, who.must_change_secret)
        if who.operator_id == locked_by:
            self._write(who.operator_id, ctx, AuditOutcome.ALLOWED, extra={"by": _by(badge)})
            return signed_in
        if not self._holds(who, Permission.MANAGER):
            manager_ctx = AuditContext(ctx.action, Permission.MANAGER, details=ctx.details)
            return self._refuse(
                who.operator_id,
                manager_ctx,
                RefusalCode.PERMISSION_REQUIRED,
                f"Only operator {locked_by} or a manager can unlock this register.",
            )
        self._write(locked_by, ctx, AuditOutcome.OVERRIDE, approver_id=who.operator_id)
        return signed_in

    def change_secret(self, operator_id: str, old_secret: str, new_secret: str) -> Refusal | None:
        ctx = AuditContext("change password")
        record = self.staff.operator(operator_id)
        if record is None or not record.active:
            return self._refuse(
                operator_id,
                ctx,
                RefusalCode.UNKNOWN_OPERATOR,
                f"No active operator has the id {operator_id}.",
            )
        locked = self._locked_refusal(record, ctx)
        if locked:
            return locked
        problem = secret_problem(self.policy, new_secret, old_secret)
        if problem:  # checked before the old secret: a weak choice costs no attempt
            return self._refuse(operator_id, ctx, RefusalCode.WEAK_SECRET, problem)
        wrong = self._check_secret(record, old_secret, ctx, "current password")
        if wrong:
            return wrong
        self.staff.set_secret_hash(
            operator_id, self.hasher.hash(new_secret), changed_at=self.clock.now()
        )
        self._write(operator_id, ctx, AuditOutcome.ALLOWED)
        return None

    # ---- identification and secrets -------------------------------------------------------------

    def _identify(
        self, operator_id: str | None, secret: str, badge: str | None, ctx: AuditContext
    ) -> OperatorRecord | Refusal:
        """The operator behind an id + secret or a badge, with failures counted and audited."""
        badge = badge.strip() if badge else ""
        typed_id = operator_id.strip() if operator_id else ""
        if badge and typed_id:
            return self._fail(
                None, ctx, RefusalCode.UNKNOWN_OPERATOR, "Enter an operator id or scan a badge."
            )
        if badge:
            record = self.staff.operator_by_badge(badge_digest(badge))
            if record is None or not record.active:
                return self._fail(
                    None,
                    ctx,
                    RefusalCode.UNKNOWN_OPERATOR,
                    "This badge does not belong to an active operator.",
                )
            return self._locked_refusal(record, ctx) or self._signed_in(record)
        if not typed_id:
            return self._fail(
                None,
                ctx,
                RefusalCode.UNKNOWN_OPERATOR,
                "Enter your operator id and password, or scan your badge.",
            )
        record = self.staff.operator(typed_id)
        if record is None or not record.active:
            return self._fail(
                typed_id,
                ctx,
                RefusalCode.UNKNOWN_OPERATOR,
                f"No active operator has the id {typed_id}.",
            )
        locked = self._locked_refusal(record, ctx)
        if locked:
            return locked
        return self._check_secret(record, secret, ctx, "password") or self._signed_in(record)

    def _approver(
        self, operator: OperatorRecord, approval: Approval, ctx: AuditContext
    ) -> OperatorRecord | Refusal:
        """The verified approver of an override: different, active, not locked out, right
        secret (or badge). A wrong secret counts towards the approver's lockout."""
        approver_id = approval.approver_id.strip()
        if approver_id == operator.operator_id:
            return self._same_operator(operator, ctx)
        if not approver_id:  # a scanned badge (see badge_approval)
            record = (
                self.staff.operator_by_badge(badge_digest(approval.secret))
                if approval.secret.strip()
                else None
            )
            what = "This badge does not belong to an active operator."
        else:
            record = self.staff.operator(approver_id)
            what = f"No active operator has the id {approver_id}."
        if record is None or not record.active:
            return self._fail(
                operator.operator_id, ctx, RefusalCode.UNKNOWN_OPERATOR, f"{what} No override."
            )
        if record.operator_id == operator.operator_id:
            return self._same_operator(operator, ctx)
        locked = self._locked_refusal(record, ctx, acting=operator.operator_id)
        if locked:
            return locked
        if approver_id:
            wrong = self._check_secret(
                record, approval.secret, ctx, "approver password", acting=operator
            )
            if wrong:
                return wrong
        return self._signed_in(record)

    def _same_operator(self, operator: OperatorRecord, ctx: AuditContext) -> Refusal:
        needed = f" with the '{ctx.permission.value}' permission" if ctx.permission else ""
        return self._refuse(
            operator.operator_id,
            ctx,
            RefusalCode.OVERRIDE_REFUSED,
            f"An override must come from a different operator{needed}, not from "
            f"{operator.label} who asked for it.",
            approver_id=operator.operator_id,
        )

    def _check_secret(
        self,
        record: OperatorRecord,
        secret: str,
        ctx: AuditContext,
        what: str,
        *,
        acting: OperatorRecord | None = None,
    ) -> Refusal | None:
        """None when `secret` verifies; otherwise count the failure (locking out at the
        store's limit) and say so."""
        if record.secret_hash is None:
            return self._refuse(
                record.operator_id,
                ctx,
                RefusalCode.WRONG_SECRET,
                f"Operator {record.label} has no password yet; a manager must set one.",
            )
        if len(secret) <= MAX_SECRET_LENGTH and self.hasher.verify(record.secret_hash, secret):
            # a hash made with weaker parameters than today's is refreshed while we can
            if self.hasher.needs_rehash(record.secret_hash):
                self.staff.set_secret_hash(
                    record.operator_id,
                    self.hasher.hash(secret),
                    changed_at=None,
                    must_change=record.must_change_secret,
                )
            return None
        count = self.staff.record_failed_attempt(record.operator_id)
        limit = self.policy.max_failed_signins
        self._write(
            record.operator_id if acting is None else acting.operator_id,
            ctx,
            AuditOutcome.FAILED,
            approver_id=None if acting is None else record.operator_id,
            extra={"refusal": "wrong_secret", "attempt": str(count), "max": str(limit)},
        )
        if count >= limit:
            until = self.clock.now() + dt.timedelta(minutes=self.policy.lockout_minutes)
            self.staff.lock_until(record.operator_id, until)
            self._write(
                record.operator_id,
                AuditContext("lockout", ctx.permission, ctx.transaction_id),
                AuditOutcome.REFUSED,
                extra={"until": until.isoformat(), "after_attempts": str(count)},
            )
            return Refusal(
                RefusalCode.LOCKED_OUT,
                f"Wrong {what} for operator {record.label}, {count} times: the operator is "
                f"locked out until {self._local(until)}.",
                ctx.refusal_details,
            )
        left = limit - count
        return Refusal(
            RefusalCode.WRONG_SECRET,
            f"Wrong {what} for operator {record.label}. {left} more wrong "
            f"attempt{'s' if left != 1 else ''} and the operator is locked out.",
            ctx.refusal_details,
        )


def _by(badge: str | None) -> str:
    return "badge" if badge and badge.strip() else "secret"
