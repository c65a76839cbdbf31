"""Stores, registers (devices), one-time activation codes and device tokens.

`register-device` creates a short single-use code that expires; the register exchanges it for a
random 32-byte token. Only sha256 of codes and tokens is stored, so a copy of the database lets
no one act as a register. Deactivation revokes the device's tokens (they answer 401 at once)
and its unused codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from channel_server.db import Database
from channel_server.errors import ApiError
from channel_server.models import ActivationCodeRow, CredentialRow, DeviceRow, StoreRow
from sync.protocol import GENESIS_HASH, PROTOCOL_VERSION, ActivationResponse, ErrorCode

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud safely
CODE_GROUPS = 3
DEFAULT_CODE_HOURS = 24


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who is calling: established from the bearer token on every request."""

    device_id: str
    store_id: str
    register_id: str


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    device_id: str
    expires_at: dt.datetime


def ensure_store(
    session: Session, store_id: str, name: str | None = None, now: dt.datetime | None = None
) -> StoreRow:
    """The store's row, created with a fresh change-log epoch when it is new."""
    store = session.get(StoreRow, store_id)
    if store is None:
        store = StoreRow(
            store_id=store_id,
            name=name or store_id,
            epoch=uuid.uuid4().hex,
            version=0,
            purged_through=0,
            created_at=now or utcnow(),
        )
        session.add(store)
        session.flush()
    elif name and store.name != name:
        store.name = name
    return store


def _device(session: Session, store_id: str, register_id: str) -> DeviceRow | None:
    return session.scalars(
        select(DeviceRow).where(
            DeviceRow.store_id == store_id, DeviceRow.register_id == register_id
        )
    ).first()


def ensure_device(
    session: Session, store_id: str, register_id: str, now: dt.datetime | None = None
) -> DeviceRow:
    ensure_store(session, store_id, now=now)
    device = _device(session, store_id, register_id)
    if device is None:
        device = DeviceRow(
            device_id=uuid.uuid4().hex,
            store_id=store_id,
            register_id=register_id,
            last_seq=0,
            journal_entry_no=0,
            journal_hash=GENESIS_HASH,
            journal_signed=False,
            created_at=now or utcnow(),
        )
        session.add(device)
        session.flush()
    return device


def issue_activation_code(
    db: Database,
    store_id: str,
    register_id: str,
    *,
    valid_for: dt.timedelta = dt.timedelta(hours=DEFAULT_CODE_HOURS),
    now: dt.datetime | None = None,
) -> IssuedCode:
    """A new single-use code for the register (the device is created on first use)."""
    now = now or utcnow()
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4 * CODE_GROUPS))
    code = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    with db.write() as session:
        device = ensure_device(session, store_id, register_id, now)
        session.add(
            ActivationCodeRow(
                code_hash=sha256_text(raw),
                device_id=device.device_id,
                created_at=now,
                expires_at=now + valid_for,
                used_at=None,
            )
        )
        return IssuedCode(code, device.device_id, now + valid_for)


def activate(db: Database, code: str, now: dt.datetime | None = None) -> ActivationResponse:
    """Exchange a code for a token. The code is marked used by a conditional UPDATE, so two
    registers racing with one code cannot both win."""
    now = now or utcnow()
    code_hash = sha256_text(normalise_code(code))
    token = secrets.token_urlsafe(32)
    with db.write() as session:
        row = session.get(ActivationCodeRow, code_hash)
        if row is None:
            raise ApiError(
                403,
                ErrorCode.ACTIVATION_INVALID,
                "unknown activation code: check it, or create a new one with "
                "`tillpoint server register-device`",
            )
        if row.used_at is not None:
            raise ApiError(
                403,
                ErrorCode.ACTIVATION_INVALID,
                "this activation code was already used; create a new one for the register",
            )
        if row.expires_at <= now:
            raise ApiError(
                403,
                ErrorCode.ACTIVATION_INVALID,
                "this activation code has expired; create a new one for the register",
            )
        claimed = session.execute(
            update(ActivationCodeRow)
            .where(ActivationCodeRow.code_hash == code_hash, ActivationCodeRow.used_at.is_(None))
            .values(used_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            raise ApiError(
                403,
                ErrorCode.ACTIVATION_INVALID,
                "this activation code was already used; create a new one for the register",
            )
        device = session.get(DeviceRow, row.device_id)
        assert device is not None
        session.add(
            CredentialRow(
                token_hash=sha256_text(token),
                device_id=device.device_id,
                created_at=now,
                revoked_at=None,
            )
        )
        return ActivationResponse(
            device_id=device.device_id,
            store_id=device.store_id,
            register_id=device.register_id,
            token=token,
            protocol_version=PROTOCOL_VERSION,
            server_time=now,
        )


_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def authenticate(db: Database, token: str | None) -> DeviceIdentity:
    """The device behind a bearer token; 401 for a missing, unknown or revoked one."""
    if not token:
        raise ApiError(
            401,
            ErrorCode.UNAUTHORIZED,
            "no device token: send 'Authorization: Bearer <token>' (activate the register first)",
            headers=_UNAUTHORIZED,
        )
    with db.read() as session:
        found = session.execute(
            select(CredentialRow.revoked_at, DeviceRow.device_id, DeviceRow.store_id,
                   DeviceRow.register_id)
            .join(DeviceRow, DeviceRow.device_id == CredentialRow.device_id)
            .where(CredentialRow.token_hash == sha256_text(token))
        ).first()  # fmt: skip
    if found is None or found[0] is not None:
        raise ApiError(
            401,
            ErrorCode.UNAUTHORIZED,
            "this device token is unknown or was deactivated: activate the register again",
            headers=_UNAUTHORIZED,
        )
    return DeviceIdentity(found[1], found[2], found[3])


def deactivate(
    db: Database, store_id: str, register_id: str, now: dt.datetime | None = None
) -> int:
    """Revoke the register's tokens and unused codes; returns how many tokens were revoked.
    Raises LookupError when the server knows no such register."""
    now = now or utcnow()
    with db.write() as session:
        device = _device(session, store_id, register_id)
        if device is None:
            raise LookupError(f"no register {register_id} in store {store_id} on this server")
        revoked = session.execute(
            update(CredentialRow)
            .where(CredentialRow.device_id == device.device_id, CredentialRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        session.execute(
            update(ActivationCodeRow)
            .where(
                ActivationCodeRow.device_id == device.device_id,
                ActivationCodeRow.used_at.is_(None),
            )
            .values(expires_at=now)
        )
        return int(getattr(revoked, "rowcount", 0))
