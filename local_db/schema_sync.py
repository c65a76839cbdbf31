"""Sync tables (issue #5): the register's side of the master-data download.

Kept apart from `local_db.schema` for size; the models share its `Base` and conventions.
Migration 0004 creates them. `local_db.sync_state` and `local_db.master_apply` write them with
plain SQL (a page of 5,000 products must apply in milliseconds, so no ORM on that path).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.schema import FALSE, NO_ROWID, Base, UtcText


class SyncSettingRow(Base):
    """Small named settings of the sync client: server_url, device_id, store_id, register_id."""

    __tablename__ = "sync_settings"
    __table_args__ = NO_ROWID
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncCursorRow(Base):
    """Where the master-data download stands (one row: the register's store).

    Written in the same SQLite transaction as the page it follows, so the cursor never runs
    ahead of (or behind) the data. `full_download` is true from the start of a full download
    until its last page is applied; `epoch` is '' until the first page names it.
    """

    __tablename__ = "sync_cursor"
    store_id: Mapped[str] = mapped_column(Text, primary_key=True)
    epoch: Mapped[str] = mapped_column(Text, server_default="")
    cursor: Mapped[str | None] = mapped_column(Text)
    full_download: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    high_water: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    applied_version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcText)


class SyncStaleRow(Base):
    """During a full download: the (entity, key) of every master row that existed when it
    started and has not been sent again yet. What is left when the last page arrives is no
    longer at the server and is removed in that page's transaction."""

    __tablename__ = "sync_stale"
    __table_args__ = NO_ROWID
    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)


class MasterDocumentRow(Base):
    """Master data kept as received: entities this register does not know (a newer server),
    documents such as receipt profiles, and rows that could not be applied (`error` set)."""

    __tablename__ = "master_documents"
    __table_args__ = NO_ROWID
    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(UtcText)


class SyncStaffSecretRow(Base):
    """The secret hash headquarters last sent for each operator, so that a PIN the operator
    changed at the register survives later staff changes and is replaced only when
    headquarters sends a different hash (a reset)."""

    __tablename__ = "sync_staff_secrets"
    __table_args__ = NO_ROWID
    operator_id: Mapped[str] = mapped_column(Text, primary_key=True)
    secret_hash: Mapped[str | None] = mapped_column(Text)
