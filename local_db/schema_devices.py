"""Device tables (issue #6): hardware profiles and their devices, the reprint queue and the
payment terminal's request log. Migration 0003 creates them; they share `local_db.schema.Base`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.schema import NO_ROWID, Base, DecimalText, UtcText


class HardwareProfileRow(Base):
    __tablename__ = "hardware_profiles"
    __table_args__ = NO_ROWID
    profile_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text, server_default="")
    barcode_layouts: Mapped[list[Any]] = mapped_column(JSON, server_default="[]")


class HardwareDeviceRow(Base):
    __tablename__ = "hardware_devices"
    __table_args__ = NO_ROWID
    profile_id: Mapped[str] = mapped_column(
        ForeignKey("hardware_profiles.profile_id", ondelete="CASCADE"), primary_key=True
    )
    device_id: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, server_default="0")
    category: Mapped[str] = mapped_column(Text)
    driver: Mapped[str] = mapped_column(Text)
    transport: Mapped[str] = mapped_column(Text, server_default="none")
    address: Mapped[str] = mapped_column(Text, server_default="")
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    baudrate: Mapped[int] = mapped_column(Integer, server_default="9600")
    bytesize: Mapped[int] = mapped_column(Integer, server_default="8")
    parity: Mapped[str] = mapped_column(Text, server_default="N")
    stopbits: Mapped[int] = mapped_column(Integer, server_default="1")
    code_page: Mapped[str] = mapped_column(Text, server_default="CP858")
    paper_width_mm: Mapped[int] = mapped_column(Integer, server_default="80")
    drawer_pin: Mapped[int] = mapped_column(Integer, server_default="2")
    scanner_suffix: Mapped[str] = mapped_column(Text, server_default="\r")
    timeout_s: Mapped[str] = mapped_column(Text, server_default="5")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, server_default="{}")


class PrintQueueRow(Base):
    __tablename__ = "print_queue"
    job_id: Mapped[str] = mapped_column(Text, primary_key=True)
    register_id: Mapped[str] = mapped_column(Text, index=True)
    queued_at: Mapped[dt.datetime] = mapped_column(UtcText)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, server_default="")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    printer_id: Mapped[str] = mapped_column(Text, server_default="")


class PaymentRequestRow(Base):
    """One request to the payment terminal, written before it is sent (no card data)."""

    __tablename__ = "payment_requests"
    request_id: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    register_id: Mapped[str] = mapped_column(Text)
    service_id: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcText)
    amount: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    currency: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    approved_amount: Mapped[Decimal | None] = mapped_column(DecimalText, nullable=True)
    reference: Mapped[str | None] = mapped_column(Text, nullable=True)
    card_brand: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str] = mapped_column(Text, server_default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcText, nullable=True)
