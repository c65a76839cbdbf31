"""Activation: exchange a one-time code for the device token (POST /v1/activate), keep the
token in the keyring and the rest (server URL, device, store, register) in `sync_settings`.

The keyring is checked *before* the code is spent: a code works once, so a register that
could not keep the token must not use it up.
"""

from __future__ import annotations

import httpx

from local_db.database import Database
from sync.client import ChannelClient
from sync.config import SyncConfig, save_config
from sync.credentials import CredentialsError, load_token, save_token
from sync.protocol import ActivationRequest
from sync.transport import RetryPolicy, Transport, normalise_url


class ActivationFailed(Exception):
    """Activation did not happen; the message says why and what to do. Nothing was stored."""


def activate_register(
    db: Database,
    server_url: str,
    code: str,
    *,
    register_id: str | None = None,
    retry: RetryPolicy | None = None,
    http_transport: httpx.BaseTransport | None = None,
) -> SyncConfig:
    """Activate this register database against a server. Raises ActivationFailed,
    CredentialsError (no usable keyring), or the transport's errors (ServerUnavailable,
    ServerRefused with e.g. 403 activation_invalid)."""
    try:
        url = normalise_url(server_url)
    except ValueError as exc:
        raise ActivationFailed(str(exc)) from exc
    try:
        ActivationRequest(code=code)
    except ValueError as exc:
        raise ActivationFailed(
            f"{code!r} is not an activation code (letters, digits, spaces and dashes, as "
            "`tillpoint server register-device` printed it)"
        ) from exc
    load_token(url, "probe")  # raises CredentialsError now if there is no usable keyring
    client = ChannelClient(Transport(url, retry=retry, transport=http_transport))
    try:
        answer = client.activate(code)
    finally:
        client.close()
    if register_id is not None and answer.register_id != register_id:
        raise ActivationFailed(
            f"the code is for register {answer.register_id} of store {answer.store_id}, not "
            f"{register_id}; the code is used up, ask for a new one for {register_id}"
        )
    try:
        save_token(url, answer.device_id, answer.token)
    except CredentialsError as exc:
        raise ActivationFailed(f"{exc}; ask for a new activation code afterwards") from exc
    config = SyncConfig(url, answer.device_id, answer.store_id, answer.register_id)
    save_config(db, config)
    return config
