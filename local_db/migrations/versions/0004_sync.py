"""Sync (issue #5): the register's side of the master-data download (settings, the change-log
cursor, the stale-row list of a full download, master documents kept as received, and the
secret hash headquarters last sent per operator); and the products FTS update trigger fires
only when the name or description really changed, so a price change from the sync does not
rewrite the search index.

Frozen: a migration never imports the models.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_ROWID = {"sqlite_with_rowid": False}

_FTS_UPDATE = """CREATE TRIGGER products_fts_au AFTER UPDATE OF name, description ON products
    {when}BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, description)
        VALUES ('delete', old.id, old.name, old.description);
        INSERT INTO products_fts(rowid, name, description)
        VALUES (new.id, new.name, new.description);
    END"""
_CHANGED = "WHEN old.name IS NOT new.name OR old.description IS NOT new.description\n    "


def upgrade() -> None:
    op.create_table(
        "sync_settings",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_settings")),
        **NO_ROWID,
    )
    op.create_table(
        "sync_cursor",
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("epoch", sa.Text(), server_default="", nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("full_download", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("high_water", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("applied_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_sync_cursor")),
    )
    op.create_table(
        "sync_stale",
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key", name=op.f("pk_sync_stale")),
        **NO_ROWID,
    )
    op.create_table(
        "master_documents",
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key", name=op.f("pk_master_documents")),
        **NO_ROWID,
    )
    op.create_table(
        "sync_staff_secrets",
        sa.Column("operator_id", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_sync_staff_secrets")),
        **NO_ROWID,
    )
    op.execute("DROP TRIGGER IF EXISTS products_fts_au")
    op.execute(_FTS_UPDATE.format(when=_CHANGED))


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS products_fts_au")
    op.execute(_FTS_UPDATE.format(when=""))
    op.drop_table("sync_staff_secrets")
    op.drop_table("master_documents")
    op.drop_table("sync_stale")
    op.drop_table("sync_cursor")
    op.drop_table("sync_settings")
