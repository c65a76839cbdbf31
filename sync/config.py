"""Where this register syncs to: the settings kept in the local database's `sync_settings`
table (server URL, device, store, register; never the token, which lives in the keyring)."""

from __future__ import annotations

from dataclasses import dataclass

from local_db.database import Database
from local_db.sync_state import get_setting, set_setting

SERVER_URL, DEVICE_ID, STORE_ID, REGISTER_ID = "server_url", "device_id", "store_id", "register_id"
# whether a customer may be created while offline (queued with the outbox): "allow" / "refuse"
OFFLINE_CUSTOMERS = "offline_customer_create"
LAST_RECONCILIATION = "last_reconciliation"  # JSON: the last nightly comparison per day


@dataclass(frozen=True, slots=True)
class SyncConfig:
    server_url: str
    device_id: str
    store_id: str
    register_id: str


def load_config(db: Database) -> SyncConfig | None:
    """The stored configuration, or None when the register was never activated."""
    values = [get_setting(db, name) for name in (SERVER_URL, DEVICE_ID, STORE_ID, REGISTER_ID)]
    if any(not value for value in values):
        return None
    server_url, device_id, store_id, register_id = (str(v) for v in values)
    return SyncConfig(server_url, device_id, store_id, register_id)


def save_config(db: Database, config: SyncConfig) -> None:
    set_setting(db, SERVER_URL, config.server_url)
    set_setting(db, DEVICE_ID, config.device_id)
    set_setting(db, STORE_ID, config.store_id)
    set_setting(db, REGISTER_ID, config.register_id)


def offline_customers_allowed(db: Database) -> bool:
    """Default allow: a customer created offline is only a name and contact details, and the
    server accepts the same record again (the register chose its id)."""
    return (get_setting(db, OFFLINE_CUSTOMERS) or "allow").strip().lower() != "refuse"
