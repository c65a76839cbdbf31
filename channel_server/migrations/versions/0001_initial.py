"""Channel server schema 1: stores and change log, devices and credentials, received items,
transactions, customers, on-hand stock, alerts.

Revision ID: cs0001
Revises:
Create Date: 2026-05-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "cs0001"
down_revision = None
branch_labels = None
depends_on = None

# aware UTC: timestamptz on PostgreSQL, ISO text on SQLite (see models.UtcDateTime)
UTC = sa.String(40).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")
ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("store_id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("purged_through", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_table(
        "change_log",
        sa.Column("store_id", ID, sa.ForeignKey("stores.store_id"), primary_key=True),
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("op", sa.String(8), nullable=False),
        sa.Column("data", sa.Text),
        sa.Column("changed_at", UTC, nullable=False),
        sa.UniqueConstraint("store_id", "version", name="uq_change_log_version"),
    )
    op.create_table(
        "devices",
        sa.Column("device_id", ID, primary_key=True),
        sa.Column("store_id", ID, sa.ForeignKey("stores.store_id"), nullable=False),
        sa.Column("register_id", ID, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("journal_entry_no", sa.BigInteger, nullable=False),
        sa.Column("journal_hash", sa.String(64), nullable=False),
        sa.Column("journal_signed", sa.Boolean, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.UniqueConstraint("store_id", "register_id", name="uq_devices_register"),
    )
    op.create_table(
        "device_keys",
        sa.Column("device_id", ID, sa.ForeignKey("devices.device_id"), primary_key=True),
        sa.Column("key_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_table(
        "credentials",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", ID, sa.ForeignKey("devices.device_id"), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC),
    )
    op.create_index("ix_credentials_device_id", "credentials", ["device_id"])
    op.create_table(
        "activation_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", ID, sa.ForeignKey("devices.device_id"), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("used_at", UTC),
    )
    op.create_index("ix_activation_codes_device_id", "activation_codes", ["device_id"])
    op.create_table(
        "received_items",
        sa.Column("device_id", ID, sa.ForeignKey("devices.device_id"), primary_key=True),
        sa.Column("device_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("mutation_id", ID, nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("subject_id", ID),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("sale_total", sa.String(40)),
        sa.Column("tenders", sa.Text),
    )
    op.create_index("ix_received_items_day", "received_items", ["device_id", "created_at"])
    op.create_index("ix_received_items_status", "received_items", ["status"])
    op.create_table(
        "transactions",
        sa.Column("transaction_id", ID, primary_key=True),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("register_id", ID, nullable=False),
        sa.Column("device_id", ID, nullable=False),
        sa.Column("device_seq", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("receipt_number", ID),
        sa.Column("total", sa.String(40), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
    )
    op.create_index("ix_transactions_receipt_number", "transactions", ["receipt_number"])
    op.create_table(
        "customers",
        sa.Column("customer_id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(40)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    )
    op.create_index("ix_customers_name", "customers", ["name"])
    op.create_table(
        "on_hand",
        sa.Column("store_id", ID, primary_key=True),
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("milli", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("device_id", ID),
        sa.Column("device_seq", sa.BigInteger),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("correlation_id", ID),
    )


def downgrade() -> None:
    for table in (
        "alerts",
        "on_hand",
        "customers",
        "transactions",
        "received_items",
        "activation_codes",
        "credentials",
        "device_keys",
        "devices",
        "change_log",
        "stores",
    ):
        op.drop_table(table)
