"""Devices (issue #6): hardware profiles (which devices a register drives, on which transport,
with which barcode layouts), the reprint queue and the payment terminal's request log.

Frozen: a migration never imports the models.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    op.create_table(
        "hardware_profiles",
        sa.Column("profile_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.Column("barcode_layouts", sa.JSON(), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_hardware_profiles")),
        **NO_ROWID,
    )
    op.create_table(
        "hardware_devices",
        sa.Column("profile_id", sa.Text(), nullable=False),
        sa.Column("device_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("driver", sa.Text(), nullable=False),
        sa.Column("transport", sa.Text(), server_default="none", nullable=False),
        sa.Column("address", sa.Text(), server_default="", nullable=False),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("baudrate", sa.Integer(), server_default="9600", nullable=False),
        sa.Column("bytesize", sa.Integer(), server_default="8", nullable=False),
        sa.Column("parity", sa.Text(), server_default="N", nullable=False),
        sa.Column("stopbits", sa.Integer(), server_default="1", nullable=False),
        sa.Column("code_page", sa.Text(), server_default="CP858", nullable=False),
        sa.Column("paper_width_mm", sa.Integer(), server_default="80", nullable=False),
        sa.Column("drawer_pin", sa.Integer(), server_default="2", nullable=False),
        sa.Column("scanner_suffix", sa.Text(), server_default="\r", nullable=False),
        sa.Column("timeout_s", sa.Text(), server_default="5", nullable=False),
        sa.Column("options", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["hardware_profiles.profile_id"],
            name=op.f("fk_hardware_devices_profile_id_hardware_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "device_id", name=op.f("pk_hardware_devices")),
        **NO_ROWID,
    )
    op.add_column("registers", sa.Column("hardware_profile_id", sa.Text(), nullable=True))
    op.create_table(
        "print_queue",
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("queued_at", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("printer_id", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_print_queue")),
    )
    op.create_index("ix_print_queue_register_id", "print_queue", ["register_id"])
    op.create_table(
        "payment_requests",
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("service_id", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.Text(), nullable=False),
        sa.Column("amount", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("approved_amount", sa.Text(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("card_brand", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("resolved_at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", "kind", name=op.f("pk_payment_requests")),
    )
    op.create_index("ix_payment_requests_status", "payment_requests", ["status"])


def downgrade() -> None:
    op.drop_index("ix_payment_requests_status", table_name="payment_requests")
    op.drop_table("payment_requests")
    op.drop_index("ix_print_queue_register_id", table_name="print_queue")
    op.drop_table("print_queue")
    with op.batch_alter_table("registers") as batch:
        batch.drop_column("hardware_profile_id")
    op.drop_table("hardware_devices")
    op.drop_table("hardware_profiles")
