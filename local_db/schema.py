"""SQLAlchemy 2 typed models of the register database.

The models describe the schema that the Alembic migrations create (a test compares the two).
Hot paths (barcode lookup, cart saves, finishing a sale) use plain SQL on the raw connection;
the models serve configuration loading, tools and tests.

Storage conventions, because SQLite has no exact decimal or time type:
- money, rates and quantities are TEXT decimal strings (`DecimalText`), never REAL;
- times are TEXT ISO 8601 UTC with microseconds and a `Z` (`UtcText`), so they sort as text;
- dates are TEXT `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from local_db.timefmt import format_utc, parse_utc

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DecimalText(TypeDecorator[Decimal]):
    """Decimal stored as its exact string form (`str(Decimal)`), round-tripping every digit."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("DecimalText refuses float: it is inexact")
        return str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcText(TypeDecorator[dt.datetime]):
    """Timezone-aware datetime stored as fixed-width ISO UTC text (sorts chronologically)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else format_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else parse_utc(value)


class DateText(TypeDecorator[dt.date]):
    """A calendar date as `YYYY-MM-DD`."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dt.date | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


FALSE = text("0")
NO_ROWID = {"sqlite_with_rowid": False}

# ---- store, registers, tax, tenders ------------------------------------------------------------


class TaxCodeRow(Base):
    __tablename__ = "tax_codes"
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    rate: Mapped[Decimal] = mapped_column(DecimalText)


class TaxGroupRow(Base):
    __tablename__ = "tax_groups"
    group_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class TaxGroupCodeRow(Base):
    __tablename__ = "tax_group_codes"
    __table_args__ = NO_ROWID
    group_id: Mapped[str] = mapped_column(
        ForeignKey("tax_groups.group_id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(ForeignKey("tax_codes.code"), primary_key=True)


class StoreRow(Base):
    __tablename__ = "stores"
    store_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    currency_code: Mapped[str] = mapped_column(Text)
    currency_decimals: Mapped[int] = mapped_column(Integer, server_default=text("2"))
    currency_rounding: Mapped[str] = mapped_column(Text, server_default="normal")
    currency_symbol: Mapped[str] = mapped_column(Text, server_default="")
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, server_default=text("1"))
    tax_rounding: Mapped[str] = mapped_column(Text, server_default="per_line")
    store_tax_group: Mapped[str | None] = mapped_column(ForeignKey("tax_groups.group_id"))
    cash_rounding: Mapped[Decimal | None] = mapped_column(DecimalText)
    cash_rounding_mode: Mapped[str] = mapped_column(Text, server_default="normal")
    timezone: Mapped[str] = mapped_column(Text, server_default="UTC")
    address_lines: Mapped[list[str]] = mapped_column(JSON, server_default="[]")
    receipt_footer: Mapped[list[str]] = mapped_column(JSON, server_default="[]")
    max_line_quantity: Mapped[Decimal] = mapped_column(DecimalText, server_default="9999")
    max_weight: Mapped[Decimal] = mapped_column(DecimalText, server_default="999.999")


class RegisterRow(Base):
    __tablename__ = "registers"
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.store_id"), index=True)
    name: Mapped[str] = mapped_column(Text, server_default="")
    receipt_mask: Mapped[str] = mapped_column(Text)
    self_checkout: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    hardware_profile_id: Mapped[str | None] = mapped_column(Text, nullable=True)


class TenderTypeRow(Base):
    __tablename__ = "tender_types"
    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.store_id", ondelete="CASCADE"), primary_key=True
    )
    tender_type_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    gives_change: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    min_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    max_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    cash_rounding: Mapped[Decimal | None] = mapped_column(DecimalText)
    currency: Mapped[str | None] = mapped_column(Text)
    opens_drawer: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    position: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class ExchangeRateRow(Base):
    """1 unit of `currency_code` = `rate` units of the store currency."""

    __tablename__ = "exchange_rates"
    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.store_id", ondelete="CASCADE"), primary_key=True
    )
    currency_code: Mapped[str] = mapped_column(Text, primary_key=True)
    decimals: Mapped[int] = mapped_column(Integer, server_default=text("2"))
    rounding: Mapped[str] = mapped_column(Text, server_default="normal")
    symbol: Mapped[str] = mapped_column(Text, server_default="")
    rate: Mapped[Decimal] = mapped_column(DecimalText)


class OperatorRow(Base):
    __tablename__ = "operators"
    operator_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("1"))


# ---- catalogue ---------------------------------------------------------------------------------


class UnitRow(Base):
    __tablename__ = "units"
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    decimals: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class CategoryRow(Base):
    __tablename__ = "categories"
    category_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("categories.category_id"), index=True)


class ProductRow(Base):
    """A product master. `id` is the stable integer rowid the FTS5 index points at
    (a text primary key would leave SQLite's implicit rowid free to change on VACUUM)."""

    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    category_id: Mapped[str | None] = mapped_column(
        ForeignKey("categories.category_id"), index=True
    )
    item_tax_group: Mapped[str | None] = mapped_column(ForeignKey("tax_groups.group_id"))
    base_price: Mapped[Decimal] = mapped_column(DecimalText)
    sales_unit: Mapped[str] = mapped_column(ForeignKey("units.code"), server_default="ea")
    weighed: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    keyed_in_price: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    min_age: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    blocked_at_self_checkout: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    not_returnable: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    serial_required: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    blocked_for_sale: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    inactive: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)


class VariantRow(Base):
    __tablename__ = "variants"
    __table_args__ = NO_ROWID
    variant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("products.item_id", ondelete="CASCADE"), index=True
    )
    dimensions: Mapped[dict[str, str]] = mapped_column(JSON)
    base_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    position: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class BarcodeRow(Base):
    __tablename__ = "barcodes"
    __table_args__ = NO_ROWID
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("products.item_id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[str | None] = mapped_column(
        ForeignKey("variants.variant_id", ondelete="CASCADE"), index=True
    )
    unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    quantity: Mapped[Decimal] = mapped_column(DecimalText, server_default="1")


class UnitConversionRow(Base):
    """`1 from_unit = factor to_unit`; item-specific when `item_id` is set."""

    __tablename__ = "unit_conversions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_unit: Mapped[str] = mapped_column(ForeignKey("units.code"))
    to_unit: Mapped[str] = mapped_column(ForeignKey("units.code"))
    factor: Mapped[Decimal] = mapped_column(DecimalText)
    item_id: Mapped[str | None] = mapped_column(
        ForeignKey("products.item_id", ondelete="CASCADE"), index=True
    )


class SalesPriceRow(Base):
    __tablename__ = "sales_prices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("products.item_id", ondelete="CASCADE"), index=True
    )
    price: Mapped[Decimal] = mapped_column(DecimalText)
    valid_from: Mapped[dt.date] = mapped_column(DateText)
    valid_to: Mapped[dt.date | None] = mapped_column(DateText)


# ---- finished transactions ---------------------------------------------------------------------
# No foreign keys to master data: history must survive a product or register being deleted.


class TransactionRow(Base):
    """A finished (concluded or voided) transaction.

    `sale_no` is an increasing integer key the detail rows hang off, so a sale's rows are
    appended at the end of their b-trees (few pages per commit) instead of being scattered by
    a random transaction id.
    """

    __tablename__ = "transactions"
    __table_args__ = (
        UniqueConstraint("receipt_number", "register_id"),
        Index("ix_transactions_shift_id", "shift_id"),
        Index("ix_transactions_ended_at", "ended_at"),
    )
    sale_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[str] = mapped_column(Text, unique=True)
    store_id: Mapped[str] = mapped_column(Text)
    register_id: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    receipt_number: Mapped[str | None] = mapped_column(Text)
    receipt_seq: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UtcText)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcText)
    tax_exempt: Mapped[bool] = mapped_column(Boolean)
    tax_exempt_reason: Mapped[str] = mapped_column(Text)
    void_reason: Mapped[str] = mapped_column(Text)
    subtotal: Mapped[Decimal] = mapped_column(DecimalText)
    discount_total: Mapped[Decimal] = mapped_column(DecimalText)
    tax_total: Mapped[Decimal] = mapped_column(DecimalText)
    total: Mapped[Decimal] = mapped_column(DecimalText)
    cash_rounding: Mapped[Decimal] = mapped_column(DecimalText)
    paid: Mapped[Decimal] = mapped_column(DecimalText)
    line_count: Mapped[int] = mapped_column(Integer)
    device_seq: Mapped[int] = mapped_column(Integer)  # its outbox row: (register_id, device_seq)
    journal_entry_no: Mapped[int] = mapped_column(Integer)  # (register_id, entry_no)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcText)
    shift_id: Mapped[str | None] = mapped_column(Text)  # migration 0002


class TransactionLineRow(Base):
    __tablename__ = "transaction_lines"
    __table_args__ = (Index("ix_transaction_lines_item_id", "item_id"), NO_ROWID)
    sale_no: Mapped[int] = mapped_column(
        ForeignKey("transactions.sale_no", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[str] = mapped_column(Text)
    item_id: Mapped[str] = mapped_column(Text)
    variant_id: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    barcode: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str] = mapped_column(Text)
    keyed_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    serial_number: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text)
    weighed: Mapped[bool] = mapped_column(Boolean)
    voided: Mapped[bool] = mapped_column(Boolean)
    unit_price: Mapped[Decimal] = mapped_column(DecimalText)
    price_source: Mapped[str] = mapped_column(Text)
    gross_amount: Mapped[Decimal] = mapped_column(DecimalText)
    discount_amount: Mapped[Decimal] = mapped_column(DecimalText)
    net_amount: Mapped[Decimal] = mapped_column(DecimalText)
    tax_amount: Mapped[Decimal] = mapped_column(DecimalText)
    amount_excl_tax: Mapped[Decimal] = mapped_column(DecimalText)
    amount_incl_tax: Mapped[Decimal] = mapped_column(DecimalText)
    # migration 0002: a return line names the sale line it returns
    return_of_transaction_id: Mapped[str | None] = mapped_column(Text)
    return_of_line_id: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(Text)


class TaxLineRow(Base):
    """Tax per line and code; `position` is the line's position in its transaction."""

    __tablename__ = "tax_lines"
    __table_args__ = NO_ROWID
    sale_no: Mapped[int] = mapped_column(
        ForeignKey("transactions.sale_no", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(DecimalText)
    amount: Mapped[Decimal] = mapped_column(DecimalText)


class TenderLineRow(Base):
    __tablename__ = "tender_lines"
    __table_args__ = NO_ROWID
    sale_no: Mapped[int] = mapped_column(
        ForeignKey("transactions.sale_no", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tender_line_id: Mapped[str] = mapped_column(Text)
    tender_type_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    rounding: Mapped[Decimal] = mapped_column(DecimalText)
    status: Mapped[str] = mapped_column(Text)
    foreign_currency: Mapped[str | None] = mapped_column(Text)
    foreign_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    exchange_rate: Mapped[Decimal | None] = mapped_column(DecimalText)
    request_id: Mapped[str | None] = mapped_column(Text)
    terminal_reference: Mapped[str | None] = mapped_column(Text)
    card_brand: Mapped[str | None] = mapped_column(Text)
    is_change: Mapped[bool] = mapped_column(Boolean)


class JournalEntryRow(Base):
    """Hash-chained journal: entry_hash = sha256(prev_hash + payload_sha256)."""

    __tablename__ = "journal_entries"
    __table_args__ = NO_ROWID
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(Text)
    entry_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcText)
    # migration 0002: "key_no:hex" Ed25519 signature of entry_hash, and the entry's outbox row
    signature: Mapped[str | None] = mapped_column(Text)
    device_seq: Mapped[int | None] = mapped_column(Integer)


class OutboxRow(Base):
    """What goes up to the channel server, in gap-free `device_seq` order per register.

    Rows are acknowledged in order, so the pending ones are a suffix of each register's
    sequence after its 'acked' counter (see local_db.outbox); no extra index is kept, which
    saves a page write on every sale.
    """

    __tablename__ = "outbox"
    __table_args__ = NO_ROWID
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    mutation_id: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcText)
    acked_at: Mapped[dt.datetime | None] = mapped_column(UtcText)


class CounterRow(Base):
    """Gap-free sequences per register ('receipt', 'device_seq', 'journal'), bumped in the
    same database transaction as the row that uses the number."""

    __tablename__ = "counters"
    __table_args__ = NO_ROWID
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


# ---- in-progress and suspended transactions ----------------------------------------------------


class CartHeaderRow(Base):
    __tablename__ = "cart_header"
    __table_args__ = NO_ROWID
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    transaction_id: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcText)


class CartLineRow(Base):
    """No foreign key to cart_header: finishing a sale deletes only the header, and the next
    cart save deletes the old lines (so the sale's commit does not rewrite their pages)."""

    __tablename__ = "cart_lines"
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    line_id: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)


class SuspendedTransactionRow(Base):
    __tablename__ = "suspended_transactions"
    transaction_id: Mapped[str] = mapped_column(Text, primary_key=True)
    register_id: Mapped[str] = mapped_column(Text, index=True)
    payload: Mapped[str] = mapped_column(Text)
    suspended_at: Mapped[dt.datetime] = mapped_column(UtcText)


# The store-operations models share this Base; importing them here keeps `Base.metadata` whole.
from local_db import schema_devices as _schema_devices  # noqa: E402, F401
from local_db import schema_ops as _schema_ops  # noqa: E402, F401
from local_db import schema_sync as _schema_sync  # noqa: E402, F401
