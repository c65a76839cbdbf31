"""Store operations (issue #4): staff security and audit, shifts and drawer operations,
reason codes and denominations, returns, and Ed25519 signatures on the journal chain.

Frozen: a migration never imports the models.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FALSE = sa.text("0")
NO_ROWID = {"sqlite_with_rowid": False}


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), server_default=FALSE, nullable=False)


def upgrade() -> None:
    op.create_table(
        "permission_groups",
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        *(
            _flag(name)
            for name in (
                "manager",
                "void",
                "suspend",
                "price_override",
                "no_sale",
                "xz_reports",
                "declarations",
                "drawer_operations",
                "blind_close",
                "return_with_receipt",
                "return_without_receipt",
                "refund_card_to_cash",
                "tax_exempt",
            )
        ),
        sa.Column("max_line_discount_percent", sa.Text(), nullable=True),
        sa.Column("max_line_discount_amount", sa.Text(), nullable=True),
        sa.Column("max_total_discount_percent", sa.Text(), nullable=True),
        sa.Column("max_total_discount_amount", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_permission_groups")),
    )
    op.create_table(
        "operator_security",
        sa.Column("operator_id", sa.Text(), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=True),
        sa.Column("badge_digest", sa.Text(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", sa.Text(), nullable=True),
        sa.Column("secret_changed_at", sa.Text(), nullable=True),
        _flag("must_change_secret"),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.operator_id"],
            name=op.f("fk_operator_security_operator_id_operators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["permission_groups.group_id"],
            name=op.f("fk_operator_security_group_id_permission_groups"),
        ),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operator_security")),
        sa.UniqueConstraint("badge_digest", name=op.f("uq_operator_security_badge_digest")),
    )
    op.create_table(
        "store_operation_settings",
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("max_failed_signins", sa.Integer(), server_default=sa.text("5"), nullable=False),
        sa.Column("lockout_minutes", sa.Integer(), server_default=sa.text("15"), nullable=False),
        sa.Column("min_secret_length", sa.Integer(), server_default=sa.text("4"), nullable=False),
        _flag("require_start_amount_and_declaration"),
        sa.Column("return_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.store_id"],
            name=op.f("fk_store_operation_settings_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_store_operation_settings")),
    )
    op.create_table(
        "audit_log",
        sa.Column("audit_no", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("permission", sa.Text(), nullable=True),
        sa.Column("approver_id", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.Text(), nullable=True),
        sa.Column("shift_id", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("audit_no", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "shifts",
        sa.Column("shift_id", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("opened_register_id", sa.Text(), nullable=False),
        sa.Column("shift_no", sa.Integer(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.Text(), nullable=False),
        sa.Column("status_changed_at", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("z_number", sa.Integer(), nullable=True),
        sa.Column("z_report", sa.JSON(), nullable=True),
        sa.Column("details", sa.JSON(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("shift_id", name=op.f("pk_shifts")),
    )
    op.create_index("ix_shifts_register_status", "shifts", ["register_id", "status"])
    op.create_table(
        "drawer_operations",
        sa.Column("op_no", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Text(), nullable=False),
        sa.Column("shift_id", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("tender_type_id", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("amount", sa.Text(), nullable=False),
        sa.Column("bag_number", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.Text(), nullable=True),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("operator_id", sa.Text(), nullable=False),
        sa.Column("approver_id", sa.Text(), nullable=True),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("denominations", sa.JSON(), nullable=True),
        sa.Column("device_seq", sa.Integer(), nullable=True),
        sa.Column("journal_entry_no", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shifts.shift_id"], name=op.f("fk_drawer_operations_shift_id_shifts")
        ),
        sa.PrimaryKeyConstraint("op_no", name=op.f("pk_drawer_operations")),
        sa.UniqueConstraint("operation_id", name=op.f("uq_drawer_operations_operation_id")),
    )
    op.create_index(op.f("ix_drawer_operations_shift_id"), "drawer_operations", ["shift_id"])
    op.create_table(
        "reason_codes",
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.store_id"],
            name=op.f("fk_reason_codes_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", "code", name=op.f("pk_reason_codes")),
        **NO_ROWID,
    )
    op.create_table(
        "denominations",
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("currency", "value", name=op.f("pk_denominations")),
        **NO_ROWID,
    )
    op.create_table(
        "register_shift_settings",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), server_default="fixed", nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id"],
            ["registers.register_id"],
            name=op.f("fk_register_shift_settings_register_id_registers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("register_id", name=op.f("pk_register_shift_settings")),
    )
    op.create_table(
        "returned_quantities",
        sa.Column("transaction_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("transaction_id", "line_id", name=op.f("pk_returned_quantities")),
        **NO_ROWID,
    )
    op.create_table(
        "register_keys",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("key_no", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", "key_no", name=op.f("pk_register_keys")),
        **NO_ROWID,
    )
    op.create_table(
        "pricing_documents",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "document_id", name=op.f("pk_pricing_documents")),
        **NO_ROWID,
    )
    op.create_table(
        "coupon_usage",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_coupon_usage")),
        **NO_ROWID,
    )
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("price_groups", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("loyalty_tier", sa.Text(), nullable=True),
        _flag("tax_exempt"),
        _flag("blocked"),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customers")),
    )
    op.add_column("transactions", sa.Column("shift_id", sa.Text(), nullable=True))
    op.create_index("ix_transactions_shift_id", "transactions", ["shift_id"])
    op.create_index("ix_transactions_ended_at", "transactions", ["ended_at"])
    for name in ("return_of_transaction_id", "return_of_line_id", "reason_code"):
        op.add_column("transaction_lines", sa.Column(name, sa.Text(), nullable=True))
    op.create_index("ix_transaction_lines_item_id", "transaction_lines", ["item_id"])
    op.add_column("journal_entries", sa.Column("signature", sa.Text(), nullable=True))
    op.add_column("journal_entries", sa.Column("device_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journal_entries") as batch:
        batch.drop_column("device_seq")
        batch.drop_column("signature")
    op.drop_index("ix_transaction_lines_item_id", "transaction_lines")
    with op.batch_alter_table("transaction_lines") as batch:
        for name in ("return_of_transaction_id", "return_of_line_id", "reason_code"):
            batch.drop_column(name)
    op.drop_index("ix_transactions_ended_at", "transactions")
    op.drop_index("ix_transactions_shift_id", "transactions")
    with op.batch_alter_table("transactions") as batch:
        batch.drop_column("shift_id")
    for table in (
        "customers",
        "coupon_usage",
        "pricing_documents",
        "register_keys",
        "returned_quantities",
        "register_shift_settings",
        "denominations",
        "reason_codes",
        "drawer_operations",
        "shifts",
        "audit_log",
        "store_operation_settings",
        "operator_security",
        "permission_groups",
    ):
        op.drop_table(table)
