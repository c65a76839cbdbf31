"""Password/PIN hashing with argon2id, and the access controller the composition root wires.

argon2-cffi's `PasswordHasher` defaults (argon2id, 64 MiB, t=3, p=4) take about 0.1 s here:
deliberately slow, so a stolen database does not give up four-digit PINs cheaply.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from local_db.database import Database
from local_db.staff import SqlAuditLog, SqlStaffDirectory, load_security_policy
from runtime.ports import Clock
from runtime.security import AccessController


class Argon2Hasher:
    """`runtime.security.SecretHasher` with argon2id."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def verify(self, secret_hash: str, secret: str) -> bool:
        try:
            return self._hasher.verify(secret_hash, secret)
        except (VerificationError, InvalidHashError):  # a mismatch, or a hash we cannot read
            return False

    def needs_rehash(self, secret_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(secret_hash)
        except (InvalidHashError, ValueError):
            return False


def store_timezone(db: Database, store_id: str) -> str:
    with db.read("read the store's timezone") as conn:
        row = conn.execute("SELECT timezone FROM stores WHERE store_id = ?", (store_id,)).fetchone()
    if row is None:
        raise LookupError(f"store {store_id!r} is not in {db.path.name}")
    return str(row[0] or "UTC")


def build_access_controller(
    db: Database,
    store_id: str,
    register_id: str,
    clock: Clock,
    *,
    hasher: Argon2Hasher | None = None,
) -> AccessController:
    """The production `AccessControl` of a register: staff and audit log in its database,
    argon2id hashes, the store's lockout policy and timezone."""
    return AccessController(
        SqlStaffDirectory(db),
        hasher or Argon2Hasher(),
        SqlAuditLog(db, store_id, register_id),
        clock,
        load_security_policy(db, store_id),
        store_id,
        register_id,
        timezone=store_timezone(db, store_id),
    )
