"""Typed requests of the session operations (sign in, sign out, lock, unlock, change password)
and the session state they return."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SignIn:
    """Operator id + password/PIN, or a scanned staff badge (then no id and no secret)."""

    operator_id: str | None = None
    secret: str = field(default="", repr=False)
    badge: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class SignOut:
    pass


@dataclass(frozen=True, slots=True)
class Lock:
    pass


@dataclass(frozen=True, slots=True)
class Unlock:
    """The operator who locked the register, or a manager: id + secret, or a badge."""

    operator_id: str | None = None
    secret: str = field(default="", repr=False)
    badge: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ChangeSecret:
    """The signed-in operator changes their own password/PIN."""

    old_secret: str = field(repr=False)
    new_secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SessionState:
    """Who is signed in and whether the register is locked: what a status bar shows."""

    operator_id: str | None
    operator_name: str = ""
    locked_by: str | None = None
    must_change_secret: bool = False

    @property
    def signed_in(self) -> bool:
        return self.operator_id is not None

    @property
    def locked(self) -> bool:
        return self.locked_by is not None
