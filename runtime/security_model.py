"""Staff security values and the ports the access controller needs (issue #4).

Kept apart from `runtime.security` (the rules) so storage adapters and tests can import the
values without the controller. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from runtime.operations import Approval, Permission

MAX_SECRET_LENGTH = 128  # longer input is refused (and never hashed): no hashing-cost abuse
DISCOUNT_SCOPES = ("line", "total")


def badge_digest(badge: str) -> str:
    """How a staff badge's barcode is stored and looked up: sha256 hex of its stripped text
    (the same rule as `local_db.seed_ops.badge_digest`)."""
    return hashlib.sha256(badge.strip().encode()).hexdigest()


def badge_approval(badge: str) -> Approval:
    """A manager override given by scanning the approver's badge: an empty approver id means
    the secret is the scanned badge text."""
    return Approval(approver_id="", secret=badge)


@dataclass(frozen=True, slots=True)
class PermissionGroup:
    """A D365-style permission group. A `None` discount limit means no manual discount of that
    kind is allowed; a group with `Permission.MANAGER` holds every *flag* (its discount limits
    are still its own numbers)."""

    group_id: str
    name: str
    permissions: frozenset[Permission] = frozenset()
    max_line_discount_percent: Decimal | None = None
    max_line_discount_amount: Decimal | None = None
    max_total_discount_percent: Decimal | None = None
    max_total_discount_amount: Decimal | None = None

    def holds(self, permission: Permission) -> bool:
        if Permission.MANAGER in self.permissions or permission in self.permissions:
            return True
        if permission is Permission.MANUAL_DISCOUNT:  # no flag column: any limit grants it
            return any(limit is not None for limit in self._all_limits())
        return False

    def _all_limits(self) -> tuple[Decimal | None, ...]:
        return (
            self.max_line_discount_percent,
            self.max_line_discount_amount,
            self.max_total_discount_percent,
            self.max_total_discount_amount,
        )

    def discount_limits(self, scope: str) -> tuple[Decimal | None, Decimal | None]:
        """(max percent, max amount) for a "line" or "total" discount."""
        if scope == "line":
            return self.max_line_discount_percent, self.max_line_discount_amount
        if scope == "total":
            return self.max_total_discount_percent, self.max_total_discount_amount
        raise ValueError(f"unknown discount scope {scope!r}")

    def allows_discount(self, scope: str, percent: Decimal | None, amount: Decimal) -> bool:
        """Both limits are checked: a percentage discount must stay within the percent limit
        *and* its money value within the amount limit; an amount discount within the amount."""
        max_percent, max_amount = self.discount_limits(scope)
        if max_amount is None or amount > max_amount:
            return False
        return percent is None or (max_percent is not None and percent <= max_percent)

    def describe_limits(self, scope: str) -> str:
        max_percent, max_amount = self.discount_limits(scope)
        if max_percent is None and max_amount is None:
            return "no manual discounts"
        parts = []
        parts.append("no percentage" if max_percent is None else f"at most {max_percent}%")
        parts.append("no amount" if max_amount is None else f"at most {max_amount}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class OperatorRecord:
    """An operator's credentials and lockout state (a hash, never a secret)."""

    operator_id: str
    name: str
    group_id: str | None
    secret_hash: str | None = field(default=None, repr=False)
    badge_digest: str | None = field(default=None, repr=False)
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    must_change_secret: bool = False
    active: bool = True

    def locked_at(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def label(self) -> str:
        return f"{self.name} ({self.operator_id})" if self.name else self.operator_id


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    """A store's sign-in rules: lockout after `max_failed_signins` wrong secrets in a row, for
    `lockout_minutes`; new secrets at least `min_secret_length` characters."""

    max_failed_signins: int = 5
    lockout_minutes: int = 15
    min_secret_length: int = 4

    def __post_init__(self) -> None:
        if self.max_failed_signins < 1:
            raise ValueError("max_failed_signins must be at least 1")
        if self.lockout_minutes < 1:
            raise ValueError("lockout_minutes must be at least 1")
        if not 1 <= self.min_secret_length <= MAX_SECRET_LENGTH:
            raise ValueError(f"min_secret_length must be between 1 and {MAX_SECRET_LENGTH}")


def secret_problem(policy: SecurityPolicy, new: str, old: str | None = None) -> str | None:
    """Why `new` may not become a password/PIN (digits or any text), or None when it may."""
    if len(new) < policy.min_secret_length:
        return f"The new password must have at least {policy.min_secret_length} characters."
    if len(new) > MAX_SECRET_LENGTH:
        return f"The new password may have at most {MAX_SECRET_LENGTH} characters."
    if not new.strip():
        return "The new password cannot be only spaces."
    if any(unicodedata.category(ch) == "Cc" for ch in new):
        return "The new password cannot contain control characters."
    if old is not None and new == old:
        return "The new password must differ from the current one."
    return None


def describe_discount(scope: str, percent: Decimal | None, amount: Decimal) -> str:
    """A manual discount in words, for refusal messages and the audit trail."""
    if percent is None:
        return f"a {scope} discount of {amount}"
    return f"a {percent}% {scope} discount ({amount})"


def discount_problem(scope: str, percent: Decimal | None, amount: Decimal) -> str | None:
    """Why a requested manual discount is malformed (checked before any limit), or None."""
    if scope not in DISCOUNT_SCOPES:
        return f"A manual discount applies to a line or to the total, not to {scope!r}."
    if not amount.is_finite() or amount < 0:
        return "A discount amount must be a number of zero or more."
    if percent is None:
        return None if amount > 0 else "A discount must be more than zero."
    if not percent.is_finite() or not 0 < percent <= 100:
        return "A discount percentage must be more than 0 and at most 100."
    return None


class AuditOutcome(enum.StrEnum):
    ALLOWED = "allowed"  # the operator holds the permission (or needed none)
    OVERRIDE = "override"  # a different operator approved it
    REFUSED = "refused"
    FAILED = "failed"  # a wrong secret, an unknown operator or badge


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One line of the audit log: who, what, the outcome, and for which sale or shift."""

    at: dt.datetime
    operator_id: str | None
    action: str
    outcome: AuditOutcome
    permission: str | None = None
    approver_id: str | None = None
    transaction_id: str | None = None
    shift_id: str | None = None  # None: the audit log fills in the register's open shift
    details: Mapping[str, str] = field(default_factory=dict)


# ---- ports ------------------------------------------------------------------------------------


class StaffDirectory(Protocol):
    """Operators, permission groups and lockout state. Every write is durable on return."""

    def operator(self, operator_id: str) -> OperatorRecord | None: ...

    def operator_by_badge(self, digest: str) -> OperatorRecord | None: ...

    def group(self, group_id: str) -> PermissionGroup | None: ...

    def record_failed_attempt(self, operator_id: str) -> int:
        """Add one to the operator's failed attempts; return the new count."""
        ...

    def reset_failed_attempts(self, operator_id: str) -> None:
        """Clear the count and any lockout (after a successful sign-in, or a manager's unlock)."""
        ...

    def lock_until(self, operator_id: str, until: dt.datetime) -> None:
        """Lock the operator out until `until` and start the count again from zero."""
        ...

    def set_secret_hash(
        self,
        operator_id: str,
        secret_hash: str,
        *,
        changed_at: dt.datetime | None,
        must_change: bool = False,
    ) -> None:
        """Store a new hash. `changed_at` None: a rehash of the same secret, not a change."""
        ...


class SecretHasher(Protocol):
    def hash(self, secret: str) -> str: ...

    def verify(self, secret_hash: str, secret: str) -> bool:
        """True when `secret` matches; False for a mismatch or an unreadable hash."""
        ...

    def needs_rehash(self, secret_hash: str) -> bool: ...


class AuditLog(Protocol):
    def append(self, record: AuditRecord) -> None:
        """Write one record durably (a StorageError refuses the operation that asked)."""
        ...
