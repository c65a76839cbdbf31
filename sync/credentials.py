"""The device token, kept in the operating system's keyring (never in a file of ours).

The token is the register's whole identity towards the server, so it goes where the OS keeps
secrets: Secret Service (GNOME Keyring, KWallet) on Linux, the Keychain on macOS, Credential
Locker on Windows. When no keyring backend is available, activation is refused with a message
naming the fix rather than falling back to a plain file. Tests install a file-backed backend
in a temp folder with `keyring.set_keyring`.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

SERVICE = "tillpoint"

NO_KEYRING_HELP = (
    "no usable system keyring to keep the device token in. Install and unlock one "
    "(Linux: gnome-keyring or KWallet with the Secret Service API and a logged-in desktop "
    "session; macOS Keychain and Windows Credential Locker work out of the box), or point "
    "PYTHON_KEYRING_BACKEND at an encrypted backend such as keyrings.cryptfile's "
    "CryptFileKeyring. Tillpoint never writes the token to a plain file."
)


class CredentialsError(Exception):
    """The token cannot be stored or read; the message says what to do."""


def _backend() -> KeyringBackend:
    backend = keyring.get_keyring()
    if _unusable(backend):
        raise CredentialsError(NO_KEYRING_HELP)
    return backend


def _unusable(backend: KeyringBackend) -> bool:
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return True
    if isinstance(backend, chainer.ChainerBackend):
        return not backend.backends
    try:
        return float(backend.priority) <= 0
    except (TypeError, ValueError, RuntimeError):
        return False


def account(server_url: str, device_id: str) -> str:
    """The keyring user name: one token per server and device."""
    return f"{device_id}@{server_url}"


def save_token(server_url: str, device_id: str, token: str) -> None:
    try:
        _backend().set_password(SERVICE, account(server_url, device_id), token)
    except keyring.errors.KeyringError as exc:
        raise CredentialsError(f"the keyring refused to store the device token ({exc})") from exc


def load_token(server_url: str, device_id: str) -> str | None:
    try:
        return _backend().get_password(SERVICE, account(server_url, device_id))
    except keyring.errors.KeyringError as exc:
        raise CredentialsError(f"the keyring could not be read ({exc})") from exc


def forget_token(server_url: str, device_id: str) -> None:
    try:
        _backend().delete_password(SERVICE, account(server_url, device_id))
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise CredentialsError(f"the keyring could not be changed ({exc})") from exc
