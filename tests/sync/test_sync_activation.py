"""Activation: the token goes to the keyring (a file-backed test backend here), the rest to
sync_settings; bad input changes nothing; no keyring means the code is not spent."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from cs_support import LiveServer
from keyring.backends import fail
from sync_support import FAST_RETRY, REGISTER, STORE, FileKeyring

from channel_server.devices import issue_activation_code
from local_db import open_database
from sync.activation import ActivationFailed, activate_register
from sync.config import load_config
from sync.credentials import CredentialsError, load_token
from sync.protocol import ErrorCode
from sync.transport import ServerRefused


def _files_of_ours(db_path: Path) -> list[Path]:
    """Every file the register writes beside its database (db, WAL, journal keys...)."""
    return [p for p in db_path.parent.rglob("*") if p.is_file()]


def test_activation_keeps_the_token_in_the_keyring_only(
    server: LiveServer, register_db: Path, file_keyring: FileKeyring
) -> None:
    code = issue_activation_code(server.db, STORE, REGISTER).code
    db = open_database(register_db)
    try:
        config = activate_register(db, server.base_url + "/", code, register_id=REGISTER,
                                   retry=FAST_RETRY)  # fmt: skip
        assert (config.store_id, config.register_id) == (STORE, REGISTER)
        assert config.server_url == server.base_url  # normalised
        assert load_config(db) == config
        token = load_token(config.server_url, config.device_id)
    finally:
        db.close()
    assert token and file_keyring.path.exists()
    assert token.encode() in file_keyring.path.read_bytes()
    for path in _files_of_ours(register_db):
        assert token.encode() not in path.read_bytes(), f"the token leaked into {path}"
    # the token works: the server knows this register by it
    answer = server.client(token).get("/v1/device")
    assert answer.status_code == 200 and answer.json()["register_id"] == REGISTER


def test_without_a_keyring_the_code_is_not_spent(
    server: LiveServer, register_db: Path, file_keyring: FileKeyring
) -> None:
    code = issue_activation_code(server.db, STORE, REGISTER).code
    db = open_database(register_db)
    try:
        keyring.set_keyring(fail.Keyring())
        with pytest.raises(CredentialsError, match="keyring"):
            activate_register(db, server.base_url, code, retry=FAST_RETRY)
        assert load_config(db) is None
        keyring.set_keyring(file_keyring)
        assert activate_register(db, server.base_url, code, retry=FAST_RETRY).store_id == STORE
    finally:
        db.close()


@pytest.mark.parametrize(
    ("url", "code", "problem"),
    [
        ("ftp://example.org", "ABCD-EFGH-JKMN", "not a server URL"),
        ("http://127.0.0.1:1", "not a code!", "not an activation code"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    register_db: Path, file_keyring: FileKeyring, url: str, code: str, problem: str
) -> None:
    db = open_database(register_db)
    try:
        with pytest.raises(ActivationFailed, match=problem):
            activate_register(db, url, code, retry=FAST_RETRY)
        assert load_config(db) is None
    finally:
        db.close()
    assert not file_keyring.path.exists()


def test_an_unknown_or_used_code_is_refused_by_the_server(
    server: LiveServer, register_db: Path, file_keyring: FileKeyring
) -> None:
    db = open_database(register_db)
    try:
        with pytest.raises(ServerRefused) as refused:
            activate_register(db, server.base_url, "ABCD-EFGH-JKMN", retry=FAST_RETRY)
        assert refused.value.code is ErrorCode.ACTIVATION_INVALID
        assert load_config(db) is None
        code = issue_activation_code(server.db, STORE, "R2").code
        with pytest.raises(ActivationFailed, match="for register R2"):
            activate_register(db, server.base_url, code, register_id=REGISTER, retry=FAST_RETRY)
        assert load_config(db) is None
    finally:
        db.close()
