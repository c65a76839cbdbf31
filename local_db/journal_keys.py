"""Each register's Ed25519 journal signing key (issue #4, tamper-evident journal).

The private key lives in a file beside the database (`<db>.keys/<register>.ed25519`, mode 0600,
PKCS#8 PEM), not in the database: someone who edits the database file cannot re-sign the chain
without it. The public key is recorded in `register_keys` and travels to the channel server,
which verifies uploads against it. A lost key file gets a new key with the next `key_no`;
signatures name their key (`"key_no:hex"`), so older entries stay verifiable.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from local_db.database import Database
from local_db.timefmt import format_utc
from runtime.system import SystemClock


def key_dir_for(db: Database) -> Path:
    return Path(str(db.path) + ".keys")


def _raw_public(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class JournalSigner:
    """Signs journal entry hashes for one register."""

    def __init__(self, key: Ed25519PrivateKey, key_no: int) -> None:
        self._key = key
        self.key_no = key_no

    def sign(self, entry_hash: str) -> str:
        return f"{self.key_no}:{self._key.sign(bytes.fromhex(entry_hash)).hex()}"

    @classmethod
    def for_register(
        cls,
        db: Database,
        register_id: str,
        key_dir: Path | None = None,
        conn: sqlite3.Connection | None = None,
    ) -> JournalSigner:
        """Load the register's key, creating (and recording) one when there is none.

        Inside an open write transaction pass its `conn`: the key row joins that transaction.
        """
        path = (key_dir or key_dir_for(db)) / f"{register_id}.ed25519"
        key: Ed25519PrivateKey | None = None
        if path.exists():
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(loaded, Ed25519PrivateKey):
                raise ValueError(f"{path}: not an Ed25519 private key")
            key = loaded
        else:
            key = Ed25519PrivateKey.generate()
            _write_private(path, key)
        public = _raw_public(key.public_key())
        if conn is not None:
            return cls(key, _record_public(conn, register_id, public))
        with db.write("record the journal signing key") as own:
            return cls(key, _record_public(own, register_id, public))


def _record_public(conn: sqlite3.Connection, register_id: str, public: str) -> int:
    rows = conn.execute(
        "SELECT key_no, public_key FROM register_keys WHERE register_id = ?",
        (register_id,),
    ).fetchall()
    known = {str(pk): int(no) for no, pk in rows}
    if public in known:
        return known[public]
    key_no = max(known.values(), default=0) + 1
    conn.execute(
        "INSERT INTO register_keys (register_id, key_no, public_key, created_at)"
        " VALUES (?, ?, ?, ?)",
        (register_id, key_no, public, format_utc(SystemClock().now())),
    )
    return key_no


def public_keys(db: Database, register_id: str) -> dict[int, Ed25519PublicKey]:
    with db.read("read journal keys") as conn:
        rows = conn.execute(
            "SELECT key_no, public_key FROM register_keys WHERE register_id = ?", (register_id,)
        ).fetchall()
    return {int(no): Ed25519PublicKey.from_public_bytes(bytes.fromhex(pk)) for no, pk in rows}


def signature_valid(keys: dict[int, Ed25519PublicKey], entry_hash: str, signature: str) -> bool:
    key_no, _, sig = signature.partition(":")
    try:
        key = keys.get(int(key_no))
        if key is None:
            return False
        key.verify(bytes.fromhex(sig), bytes.fromhex(entry_hash))
    except (ValueError, InvalidSignature):
        return False
    return True
