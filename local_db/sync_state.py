"""The sync client's local state: named settings and the master-data download cursor.

The cursor row is written in the same SQLite transaction as the page it follows
(`local_db.master_apply.apply_page`), so after a crash the register asks again exactly where
its data stands. A full download (first start, or the server's 410) is *resumable*: its
cursor advances page by page, and starting it again while one is in progress carries on
from there unless forced. Until its last page, the register keeps selling on the rows it has.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from local_db.database import Database
from local_db.timefmt import format_utc, parse_utc


@dataclass(frozen=True, slots=True)
class SyncCursor:
    store_id: str
    epoch: str  # '' until the first page of a download names it
    cursor: str | None  # the `since` of the next request; None: from the start
    full_download: bool  # a full download is in progress (not finished)
    high_water: int  # the store's latest version when the last page was read
    applied_version: int  # the highest version applied so far
    updated_at: dt.datetime


_CURSOR_COLUMNS = (
    "store_id, epoch, cursor, full_download, high_water, applied_version, updated_at"
)


def get_setting(db: Database, name: str) -> str | None:
    with db.read("read a sync setting") as conn:
        row = conn.execute("SELECT value FROM sync_settings WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def set_setting(db: Database, name: str, value: str | None) -> None:
    """Store (or with None, remove) a setting: server_url, device_id, store_id, register_id."""
    if not name:
        raise ValueError("a sync setting needs a name")
    with db.write(f"store the sync setting {name}") as conn:
        if value is None:
            conn.execute("DELETE FROM sync_settings WHERE name = ?", (name,))
        else:
            conn.execute(
                "INSERT INTO sync_settings (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )


def cursor_in(conn: sqlite3.Connection) -> SyncCursor | None:
    """The cursor row inside the caller's transaction (there is at most one)."""
    row = conn.execute(f"SELECT {_CURSOR_COLUMNS} FROM sync_cursor").fetchone()
    if row is None:
        return None
    store_id, epoch, cursor, full, high_water, applied, updated = row
    return SyncCursor(
        str(store_id), str(epoch), cursor, bool(full), int(high_water), int(applied),
        parse_utc(updated),
    )  # fmt: skip


def write_cursor(conn: sqlite3.Connection, cursor: SyncCursor) -> None:
    """Replace the cursor row inside the caller's transaction."""
    conn.execute("DELETE FROM sync_cursor WHERE store_id <> ?", (cursor.store_id,))
    conn.execute(
        f"INSERT INTO sync_cursor ({_CURSOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (store_id) DO UPDATE SET epoch = excluded.epoch,"
        " cursor = excluded.cursor, full_download = excluded.full_download,"
        " high_water = excluded.high_water, applied_version = excluded.applied_version,"
        " updated_at = excluded.updated_at",
        (
            cursor.store_id, cursor.epoch, cursor.cursor, int(cursor.full_download),
            cursor.high_water, cursor.applied_version, format_utc(cursor.updated_at),
        ),
    )  # fmt: skip


def read_cursor(db: Database) -> SyncCursor | None:
    """Where the master-data download stands; None before the first one was started."""
    with db.read("read the sync cursor") as conn:
        return cursor_in(conn)


def start_full_download(
    db: Database,
    store_id: str,
    epoch: str | None = None,
    *,
    force: bool = False,
    now: dt.datetime | None = None,
) -> SyncCursor:
    """Begin a full download for `store_id` (first start, or after a 410).

    If one for this store is already in progress (same epoch, or no epoch given) it is
    resumed: its cursor is kept and nothing changes, unless `force`. Otherwise the cursor
    restarts from the beginning and every master row present now is listed as stale; the
    rows the download does not send again are removed with its last page. Returns the cursor.
    """
    from local_db.master_apply import list_stale_rows  # it imports this module

    if not store_id:
        raise ValueError("a full download needs the store id")
    with db.write("start a full master-data download") as conn:
        current = cursor_in(conn)
        if (
            not force
            and current is not None
            and current.full_download
            and current.store_id == store_id
            and (epoch is None or not current.epoch or current.epoch == epoch)
        ):
            return current
        list_stale_rows(conn)
        cursor = SyncCursor(
            store_id, epoch or "", None, True, 0, 0, now or dt.datetime.now(dt.UTC)
        )
        write_cursor(conn, cursor)
    return cursor


_COUNTED = (
    "products", "variants", "barcodes", "sales_prices", "unit_conversions", "categories",
    "units", "tax_codes", "tax_groups", "stores", "registers", "tender_types", "operators",
    "permission_groups", "customers", "hardware_profiles", "pricing_documents",
    "master_documents", "sync_stale",
)  # fmt: skip


def master_counts(db: Database) -> dict[str, int]:
    """Rows per master table (and `master_errors`: rows kept because they could not be
    applied), for progress and diagnostics."""
    with db.read("count the master data") as conn:
        counts = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in _COUNTED}
        counts["master_errors"] = int(
            conn.execute(
                "SELECT count(*) FROM master_documents WHERE error IS NOT NULL"
            ).fetchone()[0]
        )
    return counts
