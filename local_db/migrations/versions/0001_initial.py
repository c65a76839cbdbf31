"""Initial schema: master data, catalogue with FTS5 search, finished transactions, journal,
outbox, gap-free counters, the persisted cart and suspended transactions.

Frozen: a migration never imports the models (they move on; this revision must not).
Money, quantities and times are TEXT (see local_db.schema for the formats).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TILLPOINT_APPLICATION_ID = 0x54504F53  # "TPOS"; also local_db.database.APPLICATION_ID

# External-content FTS5 over products(name, description). prefix='1 2 3 4' keeps the prefixes a
# cashier types on precomputed index entries: FTS5 materialises the whole doclist of a prefix it
# has no index for, which on a million products took 30-100 ms for common 1- or 4-letter
# prefixes; with these indexes every measured top-50 prefix query stays under 5 ms.
# detail='column' (no positions): phrase/NEAR queries are not needed, and the index is smaller.
FTS_SQL = (
    """CREATE VIRTUAL TABLE products_fts USING fts5(
        name, description,
        content='products', content_rowid='id',
        prefix='1 2 3 4', tokenize='unicode61 remove_diacritics 2', detail='column'
    )""",
    """CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
        INSERT INTO products_fts(rowid, name, description)
        VALUES (new.id, new.name, new.description);
    END""",
    """CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, description)
        VALUES ('delete', old.id, old.name, old.description);
    END""",
    """CREATE TRIGGER products_fts_au AFTER UPDATE OF name, description ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, name, description)
        VALUES ('delete', old.id, old.name, old.description);
        INSERT INTO products_fts(rowid, name, description)
        VALUES (new.id, new.name, new.description);
    END""",
)


def upgrade() -> None:
    op.execute(f"PRAGMA application_id = {TILLPOINT_APPLICATION_ID}")
    op.create_table(
        "cart_header",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("transaction_id", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", name=op.f("pk_cart_header")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "cart_lines",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", "line_id", name=op.f("pk_cart_lines")),
    )
    op.create_table(
        "categories",
        sa.Column("category_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["categories.category_id"],
            name=op.f("fk_categories_parent_id_categories"),
        ),
        sa.PrimaryKeyConstraint("category_id", name=op.f("pk_categories")),
    )
    op.create_index("ix_categories_parent_id", "categories", ["parent_id"], unique=False)

    op.create_table(
        "counters",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", "name", name=op.f("pk_counters")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "journal_entries",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("transaction_id", sa.Text(), nullable=True),
        sa.Column("payload_sha256", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("entry_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", "entry_no", name=op.f("pk_journal_entries")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "operators",
        sa.Column("operator_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operators")),
    )
    op.create_table(
        "outbox",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("mutation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("transaction_id", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_sha256", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("acked_at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("register_id", "device_seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("mutation_id", name=op.f("uq_outbox_mutation_id")),
        sqlite_with_rowid=False,
    )

    op.create_table(
        "suspended_transactions",
        sa.Column("transaction_id", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("suspended_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("transaction_id", name=op.f("pk_suspended_transactions")),
    )
    op.create_index(
        "ix_suspended_transactions_register_id",
        "suspended_transactions",
        ["register_id"],
        unique=False,
    )

    op.create_table(
        "tax_codes",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("rate", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_tax_codes")),
    )
    op.create_table(
        "tax_groups",
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_tax_groups")),
    )
    op.create_table(
        "transactions",
        sa.Column("sale_no", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=True),
        sa.Column("receipt_seq", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.Text(), nullable=False),
        sa.Column("ended_at", sa.Text(), nullable=True),
        sa.Column("tax_exempt", sa.Boolean(), nullable=False),
        sa.Column("tax_exempt_reason", sa.Text(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.Column("subtotal", sa.Text(), nullable=False),
        sa.Column("discount_total", sa.Text(), nullable=False),
        sa.Column("tax_total", sa.Text(), nullable=False),
        sa.Column("total", sa.Text(), nullable=False),
        sa.Column("cash_rounding", sa.Text(), nullable=False),
        sa.Column("paid", sa.Text(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("journal_entry_no", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("sale_no", name=op.f("pk_transactions")),
        sa.UniqueConstraint(
            "receipt_number", "register_id", name=op.f("uq_transactions_receipt_number_register_id")
        ),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_transactions_transaction_id")),
    )
    op.create_table(
        "units",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("decimals", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("category_id", sa.Text(), nullable=True),
        sa.Column("item_tax_group", sa.Text(), nullable=True),
        sa.Column("base_price", sa.Text(), nullable=False),
        sa.Column("sales_unit", sa.Text(), server_default="ea", nullable=False),
        sa.Column("weighed", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("keyed_in_price", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("min_age", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "blocked_at_self_checkout", sa.Boolean(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("not_returnable", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("serial_required", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("blocked_for_sale", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("inactive", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.category_id"],
            name=op.f("fk_products_category_id_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["item_tax_group"],
            ["tax_groups.group_id"],
            name=op.f("fk_products_item_tax_group_tax_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["sales_unit"], ["units.code"], name=op.f("fk_products_sales_unit_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("item_id", name=op.f("uq_products_item_id")),
    )
    op.create_index("ix_products_category_id", "products", ["category_id"], unique=False)

    op.create_table(
        "stores",
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("currency_code", sa.Text(), nullable=False),
        sa.Column("currency_decimals", sa.Integer(), server_default=sa.text("2"), nullable=False),
        sa.Column("currency_rounding", sa.Text(), server_default="normal", nullable=False),
        sa.Column("currency_symbol", sa.Text(), server_default="", nullable=False),
        sa.Column("prices_include_tax", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("tax_rounding", sa.Text(), server_default="per_line", nullable=False),
        sa.Column("store_tax_group", sa.Text(), nullable=True),
        sa.Column("cash_rounding", sa.Text(), nullable=True),
        sa.Column("cash_rounding_mode", sa.Text(), server_default="normal", nullable=False),
        sa.Column("timezone", sa.Text(), server_default="UTC", nullable=False),
        sa.Column("address_lines", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("receipt_footer", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("max_line_quantity", sa.Text(), server_default="9999", nullable=False),
        sa.Column("max_weight", sa.Text(), server_default="999.999", nullable=False),
        sa.ForeignKeyConstraint(
            ["store_tax_group"],
            ["tax_groups.group_id"],
            name=op.f("fk_stores_store_tax_group_tax_groups"),
        ),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_stores")),
    )
    op.create_table(
        "tax_group_codes",
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"], ["tax_codes.code"], name=op.f("fk_tax_group_codes_code_tax_codes")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["tax_groups.group_id"],
            name=op.f("fk_tax_group_codes_group_id_tax_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "code", name=op.f("pk_tax_group_codes")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "tax_lines",
        sa.Column("sale_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("rate", sa.Text(), nullable=False),
        sa.Column("amount", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sale_no"],
            ["transactions.sale_no"],
            name=op.f("fk_tax_lines_sale_no_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sale_no", "position", "code", name=op.f("pk_tax_lines")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "tender_lines",
        sa.Column("sale_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tender_line_id", sa.Text(), nullable=False),
        sa.Column("tender_type_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("amount", sa.Text(), nullable=False),
        sa.Column("rounding", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("foreign_currency", sa.Text(), nullable=True),
        sa.Column("foreign_amount", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Text(), nullable=True),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("terminal_reference", sa.Text(), nullable=True),
        sa.Column("card_brand", sa.Text(), nullable=True),
        sa.Column("is_change", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sale_no"],
            ["transactions.sale_no"],
            name=op.f("fk_tender_lines_sale_no_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sale_no", "position", name=op.f("pk_tender_lines")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "transaction_lines",
        sa.Column("sale_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("variant_id", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("barcode", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("keyed_price", sa.Text(), nullable=True),
        sa.Column("serial_number", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("weighed", sa.Boolean(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("unit_price", sa.Text(), nullable=False),
        sa.Column("price_source", sa.Text(), nullable=False),
        sa.Column("gross_amount", sa.Text(), nullable=False),
        sa.Column("discount_amount", sa.Text(), nullable=False),
        sa.Column("net_amount", sa.Text(), nullable=False),
        sa.Column("tax_amount", sa.Text(), nullable=False),
        sa.Column("amount_excl_tax", sa.Text(), nullable=False),
        sa.Column("amount_incl_tax", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sale_no"],
            ["transactions.sale_no"],
            name=op.f("fk_transaction_lines_sale_no_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sale_no", "position", name=op.f("pk_transaction_lines")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "exchange_rates",
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("currency_code", sa.Text(), nullable=False),
        sa.Column("decimals", sa.Integer(), server_default=sa.text("2"), nullable=False),
        sa.Column("rounding", sa.Text(), server_default="normal", nullable=False),
        sa.Column("symbol", sa.Text(), server_default="", nullable=False),
        sa.Column("rate", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.store_id"],
            name=op.f("fk_exchange_rates_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", "currency_code", name=op.f("pk_exchange_rates")),
    )
    op.create_table(
        "registers",
        sa.Column("register_id", sa.Text(), nullable=False),
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default="", nullable=False),
        sa.Column("receipt_mask", sa.Text(), nullable=False),
        sa.Column("self_checkout", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.store_id"], name=op.f("fk_registers_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("register_id", name=op.f("pk_registers")),
    )
    op.create_index("ix_registers_store_id", "registers", ["store_id"], unique=False)

    op.create_table(
        "sales_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("price", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Text(), nullable=False),
        sa.Column("valid_to", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["products.item_id"],
            name=op.f("fk_sales_prices_item_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_prices")),
    )
    op.create_index("ix_sales_prices_item_id", "sales_prices", ["item_id"], unique=False)

    op.create_table(
        "tender_types",
        sa.Column("store_id", sa.Text(), nullable=False),
        sa.Column("tender_type_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("gives_change", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("min_amount", sa.Text(), nullable=True),
        sa.Column("max_amount", sa.Text(), nullable=True),
        sa.Column("cash_rounding", sa.Text(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("opens_drawer", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.store_id"],
            name=op.f("fk_tender_types_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", "tender_type_id", name=op.f("pk_tender_types")),
    )
    op.create_table(
        "unit_conversions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_unit", sa.Text(), nullable=False),
        sa.Column("to_unit", sa.Text(), nullable=False),
        sa.Column("factor", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_unit"], ["units.code"], name=op.f("fk_unit_conversions_from_unit_units")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["products.item_id"],
            name=op.f("fk_unit_conversions_item_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_unit"], ["units.code"], name=op.f("fk_unit_conversions_to_unit_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_conversions")),
    )
    op.create_index("ix_unit_conversions_item_id", "unit_conversions", ["item_id"], unique=False)

    op.create_table(
        "variants",
        sa.Column("variant_id", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("base_price", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["products.item_id"],
            name=op.f("fk_variants_item_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("variant_id", name=op.f("pk_variants")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_variants_item_id", "variants", ["item_id"], unique=False)

    op.create_table(
        "barcodes",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("variant_id", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Text(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["products.item_id"],
            name=op.f("fk_barcodes_item_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit"], ["units.code"], name=op.f("fk_barcodes_unit_units")),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variants.variant_id"],
            name=op.f("fk_barcodes_variant_id_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_barcodes")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_barcodes_item_id", "barcodes", ["item_id"], unique=False)
    op.create_index("ix_barcodes_variant_id", "barcodes", ["variant_id"], unique=False)

    for statement in FTS_SQL:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("products_fts_ai", "products_fts_ad", "products_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS products_fts")
    op.drop_table("barcodes")
    op.drop_table("variants")
    op.drop_table("unit_conversions")
    op.drop_table("tender_types")
    op.drop_table("sales_prices")
    op.drop_table("registers")
    op.drop_table("exchange_rates")
    op.drop_table("transaction_lines")
    op.drop_table("tender_lines")
    op.drop_table("tax_lines")
    op.drop_table("tax_group_codes")
    op.drop_table("stores")
    op.drop_table("products")
    op.drop_table("units")
    op.drop_table("transactions")
    op.drop_table("tax_groups")
    op.drop_table("tax_codes")
    op.drop_table("suspended_transactions")
    op.drop_table("outbox")
    op.drop_table("operators")
    op.drop_table("journal_entries")
    op.drop_table("counters")
    op.drop_table("categories")
    op.drop_table("cart_lines")
    op.drop_table("cart_header")
