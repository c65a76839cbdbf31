"""The channel server's tables (SQLAlchemy 2 typed models; schema changes via its migrations).

Times are timezone-aware UTC (stored as such on PostgreSQL, as ISO text on SQLite via
`UtcDateTime`). Money and quantities are never floats: money is Decimal text, on-hand stock an
integer count of thousandths so concurrent sales can add to it in one atomic UPDATE.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC in, aware UTC out, on both backends (ISO text on SQLite sorts correctly)."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import TIMESTAMP

            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the server stores aware UTC times")
        value = value.astimezone(dt.UTC)
        return value if dialect.name == "postgresql" else value.isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        assert isinstance(value, dt.datetime)
        return value.astimezone(dt.UTC)


class DecimalText(TypeDecorator[Decimal]):
    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class LongDecimalText(DecimalText):
    """Decimal text of any length: a quantity as the register wrote it (not range-checked to
    40 characters at ingest, unlike money totals)."""

    impl = Text()
    cache_ok = True


class Base(DeclarativeBase):
    pass


class StoreRow(Base):
    """A store and its change-log counter: `version` is bumped in the same transaction as the
    change rows it numbers, which serialises the store's writers (see master_data)."""

    __tablename__ = "stores"
    store_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(BigInteger)
    purged_through: Mapped[int] = mapped_column(BigInteger)  # tombstones up to here are gone
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ChangeRow(Base):
    """The latest change of each (store, entity, key): a newer change moves the row to a new
    version, so the log is also the store's current master data (tombstones included)."""

    __tablename__ = "change_log"
    __table_args__ = (UniqueConstraint("store_id", "version", name="uq_change_log_version"),)
    store_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("stores.store_id"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    op: Mapped[str] = mapped_column(String(8))
    data: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class DeviceRow(Base):
    """A register as the server knows it: its outbox position and journal-chain head."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("store_id", "register_id", name="uq_devices_register"),)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64), ForeignKey("stores.store_id"))
    register_id: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(BigInteger)
    journal_entry_no: Mapped[int] = mapped_column(BigInteger)
    journal_hash: Mapped[str] = mapped_column(String(64))
    journal_signed: Mapped[bool] = mapped_column(Boolean)  # a signed entry was seen
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class DeviceKeyRow(Base):
    __tablename__ = "device_keys"
    device_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("devices.device_id"), primary_key=True
    )
    key_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class CredentialRow(Base):
    """A device token, kept only as its sha256."""

    __tablename__ = "credentials"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), ForeignKey("devices.device_id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class ActivationCodeRow(Base):
    __tablename__ = "activation_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), ForeignKey("devices.device_id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class ReceivedItemRow(Base):
    """Every pushed outbox item, applied or quarantined, with the answer it got."""

    __tablename__ = "received_items"
    __table_args__ = (
        Index("ix_received_items_day", "device_id", "created_at"),
        Index("ix_received_items_status", "status"),
    )
    device_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("devices.device_id"), primary_key=True
    )
    device_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(48))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the register's time
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))  # applied / quarantined
    reason: Mapped[str | None] = mapped_column(Text)
    sale_total: Mapped[Decimal | None] = mapped_column(DecimalText)
    tenders: Mapped[str | None] = mapped_column(Text)  # JSON {tender_type_id: "amount"}


class TransactionRow(Base):
    """A received sale or void, findable by receipt number from any store (returns)."""

    __tablename__ = "transactions"
    transaction_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(64))
    register_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(48))
    receipt_number: Mapped[str | None] = mapped_column(String(64), index=True)
    total: Mapped[Decimal] = mapped_column(DecimalText)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ReturnedLineRow(Base):
    """One active return line of a received return sale, by the original sale line it takes
    back: the index `GET /v1/returns` reads. Written at ingest in the same database
    transaction as the return's transaction row (migration cs0002 filled it from the sales
    received before it existed)."""

    __tablename__ = "returned_lines"
    __table_args__ = (Index("ix_returned_lines_original", "original_transaction_id"),)
    return_transaction_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    return_line_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    original_transaction_id: Mapped[str] = mapped_column(String(64))
    original_line_id: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(LongDecimalText)  # positive: what went back
    store_id: Mapped[str] = mapped_column(String(64))  # the return's store and register
    register_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # the return's


class CustomerRow(Base):
    __tablename__ = "customers"
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)  # canonical JSON of the CustomerRecord
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OnHandRow(Base):
    __tablename__ = "on_hand"
    store_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    milli: Mapped[int] = mapped_column(BigInteger)  # quantity * 1000
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AlertRow(Base):
    """Something an operator must look at: a payload conflict, a journal-chain break."""

    __tablename__ = "alerts"
    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(String(64))
    device_seq: Mapped[int | None] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(Text)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
