"""What a pushed item means: the business checks that quarantine it, and the effects of an
applied one (the transaction row, stock, a new customer).

A business rejection never fails the push: the item is stored with its reason and answered
`quarantined`, so the register's queue never wedges on one bad row. Reasons name the problem
without quoting payload data (customer data stays out of answers and logs).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_server.devices import DeviceIdentity
from channel_server.models import TransactionRow
from channel_server.realtime import CustomerConflict, adjust_on_hand, create_customer
from runtime.codec import sha256_hex, transaction_from_dict
from runtime.transaction import Transaction, TransactionState
from sync.protocol import Category, CustomerRecord, PushItem, item_category, sale_facts

_MAX_QUANTITY = Decimal(10) ** 12
_STATE_FOR_KIND = {"sale": TransactionState.CONCLUDED, "void": TransactionState.VOIDED}


@dataclass
class Verdict:
    """The outcome of the checks; `apply` runs only for accepted items."""

    reason: str | None = None  # None: accepted
    transaction: Transaction | None = None
    customer: CustomerRecord | None = None
    sale_total: Decimal | None = None
    tenders: dict[str, Decimal] = field(default_factory=dict)


def payload_object(payload: str) -> dict[str, Any] | None:
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _short(value: object) -> str:
    return repr(value if isinstance(value, str) and len(value) <= 64 else str(value)[:64] + "…")


def foreign_owner(device: DeviceIdentity, item: PushItem) -> str | None:
    """Why the item belongs to another store or register (403), or None. Only fields the
    payload actually has are compared; unreadable payloads are left to the quarantine."""
    data = payload_object(item.payload)
    if data is None:
        return None
    store, register = data.get("store_id"), data.get("register_id")
    if store is not None and store != device.store_id:
        return (
            f"item {item.device_seq} is a store {_short(store)} record; this device is store "
            f"{device.store_id}"
        )
    if register is not None and register != device.register_id:
        return (
            f"item {item.device_seq} is register {_short(register)}'s; this device is register "
            f"{device.register_id}"
        )
    return None


def evaluate(session: Session, device: DeviceIdentity, item: PushItem) -> Verdict:
    if sha256_hex(item.payload.encode()) != item.payload_sha256:
        return Verdict("the payload does not hash to payload_sha256 (damaged on the way)")
    category = item_category(item.kind)
    if category is None:
        return Verdict(f"unknown kind {item.kind!r} for sync protocol 1")
    data = payload_object(item.payload)
    if data is None:
        return Verdict("the payload is not a JSON object")
    if category is Category.TRANSACTION:
        return _transaction(session, item, data)
    if category is Category.CUSTOMER_CREATED:
        try:
            return Verdict(customer=CustomerRecord.model_validate(data))
        except ValidationError as exc:
            where = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]
            )
            return Verdict(f"not a customer record ({where})")
    return Verdict()  # shift and drawer events: stored as sent


def _transaction(session: Session, item: PushItem, data: dict[str, Any]) -> Verdict:
    try:
        tx = transaction_from_dict(data)
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        name = type(exc).__name__
        return Verdict(f"not a readable transaction ({name}: {str(exc)[:120]})")
    too_big = _out_of_range(tx)
    if too_big:
        return Verdict(too_big)
    if tx.state is not _STATE_FOR_KIND[item.kind]:
        return Verdict(f"a {item.kind} must be {_STATE_FOR_KIND[item.kind].value}, not {tx.state}")
    if item.subject_id is not None and item.subject_id != tx.transaction_id:
        return Verdict("subject_id and the payload's transaction_id differ")
    known = session.execute(
        select(TransactionRow.register_id, TransactionRow.device_seq).where(
            TransactionRow.transaction_id == tx.transaction_id
        )
    ).first()
    if known is not None:
        return Verdict(
            f"transaction {tx.transaction_id} was already received as seq {known[1]} of "
            f"register {known[0]}"
        )
    facts = sale_facts(item.kind, item.payload)
    total, tenders = facts if facts is not None else (None, {})
    return Verdict(transaction=tx, sale_total=total, tenders=tenders)


def _out_of_range(tx: Transaction) -> str | None:
    """Values the server's columns cannot hold (refused here rather than failing the insert)."""
    if len(tx.transaction_id) > 64 or len(tx.receipt_number or "") > 64:
        return "the transaction id or receipt number is longer than 64 characters"
    if len(str(tx.totals.total)) > 40:
        return "the transaction total is out of range"
    for line in tx.lines:
        if len(line.item_id) > 200 or abs(line.quantity) >= _MAX_QUANTITY:
            return f"line {line.line_id}: item id or quantity out of range"
    return None


def apply(
    session: Session,
    device: DeviceIdentity,
    item: PushItem,
    verdict: Verdict,
    now: dt.datetime,
) -> str | None:
    """Carry out an accepted item inside its transaction; a late refusal (a customer id taken
    meanwhile) returns a quarantine reason instead."""
    tx = verdict.transaction
    if tx is not None:
        session.add(
            TransactionRow(
                transaction_id=tx.transaction_id,
                store_id=device.store_id,
                register_id=device.register_id,
                device_id=device.device_id,
                device_seq=item.device_seq,
                kind=item.kind,
                receipt_number=tx.receipt_number,
                total=tx.totals.total,
                received_at=now,
            )
        )
        if tx.state is TransactionState.CONCLUDED:
            deltas: dict[str, Decimal] = {}
            for line in tx.lines:
                if not line.voided:
                    deltas[line.item_id] = deltas.get(line.item_id, Decimal(0)) - line.quantity
            adjust_on_hand(session, device.store_id, deltas, now)
    if verdict.customer is not None:
        try:
            create_customer(session, verdict.customer, now)
        except CustomerConflict as exc:
            return str(exc)
    return None


def tenders_text(tenders: dict[str, Decimal]) -> str | None:
    return json.dumps({k: str(v) for k, v in sorted(tenders.items())}) if tenders else None
