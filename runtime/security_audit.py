"""The audit trail and the shared lookups behind `runtime.security.AccessController`: who is
asking, which group they are in, whether they are locked out, and one audit record for every
grant, override, refusal and failed identification (issue #4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from runtime.operations import Permission, Refusal, RefusalCode
from runtime.ports import Clock
from runtime.security_model import (
    AuditLog,
    AuditOutcome,
    AuditRecord,
    OperatorRecord,
    PermissionGroup,
    SecretHasher,
    SecurityPolicy,
    StaffDirectory,
)


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What is being asked, for the audit records and the refusal details."""

    action: str
    permission: Permission | None = None
    transaction_id: str | None = None
    details: Mapping[str, str] | None = None

    @property
    def refusal_details(self) -> tuple[str, ...]:
        return () if self.permission is None else (self.permission.value,)


class AuditingAccess:
    """State and audited helpers shared by the access controller's checks."""

    def __init__(
        self,
        staff: StaffDirectory,
        hasher: SecretHasher,
        audit: AuditLog,
        clock: Clock,
        policy: SecurityPolicy,
        store_id: str,
        register_id: str,
        *,
        timezone: str = "UTC",
    ) -> None:
        self.staff = staff
        self.hasher = hasher
        self.audit_log = audit
        self.clock = clock
        self.policy = policy
        self.store_id = store_id
        self.register_id = register_id
        self.zone = ZoneInfo(timezone)

    # ---- lookups and audited refusals -------------------------------------------------------

    def _signed_in(self, record: OperatorRecord) -> OperatorRecord:
        """A verified operator: a success clears the failure count (and an expired lockout)."""
        if record.failed_attempts or record.locked_until is not None:
            self.staff.reset_failed_attempts(record.operator_id)
        return record

    def _locked_refusal(
        self, record: OperatorRecord, ctx: AuditContext, *, acting: str | None = None
    ) -> Refusal | None:
        if record.locked_until is None or not record.locked_at(self.clock.now()):
            return None
        return self._refuse(
            acting or record.operator_id,
            ctx,
            RefusalCode.LOCKED_OUT,
            f"Operator {record.label} is locked out after too many wrong passwords, until "
            f"{self._local(record.locked_until)}.",
            approver_id=record.operator_id if acting else None,
        )

    def _acting(self, operator_id: str | None, ctx: AuditContext) -> OperatorRecord | Refusal:
        if operator_id is None:
            return self._refuse(None, ctx, RefusalCode.NOT_SIGNED_IN, "Sign in first.")
        record = self.staff.operator(operator_id)
        if record is None or not record.active:
            return self._refuse(
                operator_id,
                ctx,
                RefusalCode.UNKNOWN_OPERATOR,
                f"Operator {operator_id} is not an active operator here; sign in again.",
            )
        return record

    def _group(self, record: OperatorRecord) -> PermissionGroup | None:
        return self.staff.group(record.group_id) if record.group_id else None

    def _holds(self, record: OperatorRecord, permission: Permission) -> bool:
        group = self._group(record)
        return group is not None and group.holds(permission)

    def _local(self, at: dt.datetime) -> str:
        local = at.astimezone(self.zone)
        today = self.clock.now().astimezone(self.zone).date()
        shown = (
            local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
        )
        return f"{shown} ({self.zone.key})"

    def _fail(
        self, operator_id: str | None, ctx: AuditContext, code: RefusalCode, message: str
    ) -> Refusal:
        """An identification that failed (unknown id or badge): audited as failed."""
        self._write(operator_id, ctx, AuditOutcome.FAILED, extra={"refusal": code.value})
        return Refusal(code, message, ctx.refusal_details)

    def _refuse(
        self,
        operator_id: str | None,
        ctx: AuditContext,
        code: RefusalCode,
        message: str,
        *,
        approver_id: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> Refusal:
        """A refusal, audited with its code under "refusal" (beside the caller's details)."""
        audit_extra = {"refusal": code.value}
        self._write(
            operator_id, ctx, AuditOutcome.REFUSED, approver_id=approver_id, extra=audit_extra
        )
        return Refusal(code, message, (*ctx.refusal_details, *extra))

    def _write(
        self,
        operator_id: str | None,
        ctx: AuditContext,
        outcome: AuditOutcome,
        *,
        approver_id: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.audit_log.append(
            AuditRecord(
                at=self.clock.now(),
                operator_id=operator_id,
                action=ctx.action,
                outcome=outcome,
                permission=None if ctx.permission is None else ctx.permission.value,
                approver_id=approver_id,
                transaction_id=ctx.transaction_id,
                details={**(ctx.details or {}), **(extra or {})},
            )
        )
