"""Store-operations tables (issue #4): staff security, audit, shifts, drawer operations,
reason codes, denominations, returned quantities and the register's journal signing key.

Kept apart from `local_db.schema` only for size; the models share its `Base` and conventions
(money TEXT via `DecimalText`, times TEXT UTC via `UtcText`). Migration 0002 creates them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.schema import FALSE, NO_ROWID, Base, DecimalText, UtcText

# ---- staff and security ------------------------------------------------------------------------


class PermissionGroupRow(Base):
    """A permission group (D365 "permission group"). A NULL limit means "no manual discount"."""

    __tablename__ = "permission_groups"
    group_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    manager: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    void: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    suspend: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    price_override: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    no_sale: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    xz_reports: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    declarations: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    drawer_operations: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    blind_close: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    return_with_receipt: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    return_without_receipt: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    refund_card_to_cash: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    tax_exempt: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    max_line_discount_percent: Mapped[Decimal | None] = mapped_column(DecimalText)
    max_line_discount_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    max_total_discount_percent: Mapped[Decimal | None] = mapped_column(DecimalText)
    max_total_discount_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, server_default="{}")


class OperatorSecurityRow(Base):
    """Credentials and lockout state of an operator (argon2id hashes only, never a secret).

    `badge_digest` is sha256 of the staff badge's barcode, so a scanned badge finds its
    operator by index without the badge being stored in the clear.
    """

    __tablename__ = "operator_security"
    operator_id: Mapped[str] = mapped_column(
        ForeignKey("operators.operator_id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[str] = mapped_column(ForeignKey("permission_groups.group_id"))
    secret_hash: Mapped[str | None] = mapped_column(Text)
    badge_digest: Mapped[str | None] = mapped_column(Text, unique=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcText)
    secret_changed_at: Mapped[dt.datetime | None] = mapped_column(UtcText)
    must_change_secret: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)


class SecuritySettingsRow(Base):
    """Per-store security and shift options."""

    __tablename__ = "store_operation_settings"
    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.store_id", ondelete="CASCADE"), primary_key=True
    )
    max_failed_signins: Mapped[int] = mapped_column(Integer, server_default=text("5"))
    lockout_minutes: Mapped[int] = mapped_column(Integer, server_default=text("15"))
    min_secret_length: Mapped[int] = mapped_column(Integer, server_default=text("4"))
    require_start_amount_and_declaration: Mapped[bool] = mapped_column(
        Boolean, server_default=FALSE
    )
    return_days: Mapped[int | None] = mapped_column(Integer)


class AuditRow(Base):
    """Every sensitive operation, refusal of one, and manager override."""

    __tablename__ = "audit_log"
    audit_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[str] = mapped_column(Text)
    register_id: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcText)
    operator_id: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)  # allowed / override / refused / failed
    permission: Mapped[str | None] = mapped_column(Text)
    approver_id: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(Text)
    shift_id: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, server_default="{}")


# ---- shifts and the drawer ---------------------------------------------------------------------


class ShiftRow(Base):
    """A shift. `register_id` is where it is (or was last) active; a floating-till shift moves."""

    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_register_status", "register_id", "status"),)
    shift_id: Mapped[str] = mapped_column(Text, primary_key=True)
    store_id: Mapped[str] = mapped_column(Text)
    register_id: Mapped[str] = mapped_column(Text)
    opened_register_id: Mapped[str] = mapped_column(Text)
    shift_no: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(Text)  # fixed / floating / shared
    status: Mapped[str] = mapped_column(Text)  # open / suspended / blind_closed / closed
    operator_id: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[dt.datetime] = mapped_column(UtcText)
    status_changed_at: Mapped[dt.datetime] = mapped_column(UtcText)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcText)
    closed_by: Mapped[str | None] = mapped_column(Text)
    z_number: Mapped[int | None] = mapped_column(Integer)
    z_report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, server_default="{}")


class DrawerOperationRow(Base):
    """Start amount, float entry, tender removal, safe/bank drop, pay-in/out, no-sale and
    tender declarations (one row per tender, denomination counts in `denominations`)."""

    __tablename__ = "drawer_operations"
    op_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[str] = mapped_column(Text, unique=True)
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.shift_id"), index=True)
    store_id: Mapped[str] = mapped_column(Text)
    register_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    tender_type_id: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    bag_number: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(Text)
    account: Mapped[str | None] = mapped_column(Text)
    operator_id: Mapped[str] = mapped_column(Text)
    approver_id: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcText)
    comment: Mapped[str] = mapped_column(Text, server_default="")
    denominations: Mapped[list[Any] | None] = mapped_column(JSON)
    device_seq: Mapped[int | None] = mapped_column(Integer)  # its outbox row, when it has one
    journal_entry_no: Mapped[int | None] = mapped_column(Integer)


class ReasonCodeRow(Base):
    """Reason codes: pay-in / pay-out (income and expense accounts), return, no-sale, void."""

    __tablename__ = "reason_codes"
    __table_args__ = NO_ROWID
    store_id: Mapped[str] = mapped_column(
        ForeignKey("stores.store_id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)  # pay_in / pay_out / return / no_sale / void
    name: Mapped[str] = mapped_column(Text)
    account: Mapped[str | None] = mapped_column(Text)


class DenominationRow(Base):
    """Notes and coins counted at a tender declaration, per currency."""

    __tablename__ = "denominations"
    __table_args__ = NO_ROWID
    currency: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[Decimal] = mapped_column(DecimalText, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)  # note / coin / roll
    name: Mapped[str] = mapped_column(Text, server_default="")


class RegisterShiftSettingsRow(Base):
    __tablename__ = "register_shift_settings"
    register_id: Mapped[str] = mapped_column(
        ForeignKey("registers.register_id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(Text, server_default="fixed")


# ---- returns and the journal -------------------------------------------------------------------


class ReturnedQuantityRow(Base):
    """How much of an original sale line has been returned, across all partial returns.

    Written in the same database transaction as the return that used it (`SqlSalesLedger`).
    """

    __tablename__ = "returned_quantities"
    __table_args__ = NO_ROWID
    transaction_id: Mapped[str] = mapped_column(Text, primary_key=True)
    line_id: Mapped[str] = mapped_column(Text, primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(DecimalText)


class RegisterKeyRow(Base):
    """The public halves of a register's Ed25519 journal signing keys (hex, raw 32 bytes).

    `key_no` grows when a key is replaced (a lost key file): signatures name their key, so
    entries signed before stay verifiable.
    """

    __tablename__ = "register_keys"
    __table_args__ = NO_ROWID
    register_id: Mapped[str] = mapped_column(Text, primary_key=True)
    key_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcText)


# ---- pricing master data and customers (issue #3 wiring) ---------------------------------------


class PricingDocumentRow(Base):
    """Pricing master data as documents in the scenario format (docs/pricing-scenarios.md):
    price groups, trade agreements, adjustments, discounts, coupons, tender discounts. The sync
    delivers and replaces them whole; the register builds its pricing engine from them."""

    __tablename__ = "pricing_documents"
    __table_args__ = NO_ROWID
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    document_id: Mapped[str] = mapped_column(Text, primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class CouponUsageRow(Base):
    """Local uses of each coupon code, counted in the sale's own database transaction."""

    __tablename__ = "coupon_usage"
    __table_args__ = NO_ROWID
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    used: Mapped[int] = mapped_column(Integer)


class CustomerRow(Base):
    """Customers known offline (added to a sale; their price groups and tax exemption)."""

    __tablename__ = "customers"
    customer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    price_groups: Mapped[list[str]] = mapped_column(JSON, server_default="[]")
    loyalty_tier: Mapped[str | None] = mapped_column(Text)
    tax_exempt: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
    blocked: Mapped[bool] = mapped_column(Boolean, server_default=FALSE)
