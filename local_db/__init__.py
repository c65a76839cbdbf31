"""The register's local SQLite database: schema, migrations and repositories for runtime ports.

Import-light on purpose: opening the database, the catalogue, cart, ledger and seed modules do
not import SQLAlchemy or Alembic (about 0.3 s), so a register can open and answer its first scan
without them. The names that need them (configuration loading, migrations) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from local_db.cart import SqlCartStore, SqlSuspendedStore
from local_db.catalog import SqlCatalogReader
from local_db.database import (
    SCHEMA_HEAD,
    Database,
    DatabaseOpenError,
    inspect_file,
    open_database,
)
from local_db.ledger import SqlSalesLedger
from local_db.seed import sample_barcodes, seed_store
from local_db.seed_master import DEMO_ITEMS, DEMO_PRODUCTS
from local_db.verify import verify_ledger

if TYPE_CHECKING:
    from local_db.migrate import upgrade
    from local_db.store import load_register_config, load_store_config, operator_name

_LAZY = {
    "upgrade": "local_db.migrate",
    "load_store_config": "local_db.store",
    "load_register_config": "local_db.store",
    "operator_name": "local_db.store",
}

__all__ = [
    "DEMO_ITEMS",
    "DEMO_PRODUCTS",
    "SCHEMA_HEAD",
    "Database",
    "DatabaseOpenError",
    "SqlCartStore",
    "SqlCatalogReader",
    "SqlSalesLedger",
    "SqlSuspendedStore",
    "inspect_file",
    "load_register_config",
    "load_store_config",
    "open_database",
    "operator_name",
    "sample_barcodes",
    "seed_store",
    "upgrade",
    "verify_ledger",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'local_db' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
