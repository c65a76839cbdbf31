"""What a pushed item means: the business checks that quarantine it, and the effects of an
applied one (the transaction row, stock, a new customer).

The checks run per item without the database; the one database question (was this
transaction received before?) is asked once per batch. A business rejection never fails the
push: the item is stored with its reason and answered `quarantined`, so the register's queue
never wedges on one bad row. Reasons name the problem without quoting payload data (customer
data stays out of answers and logs).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pydantic_core
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_server.devices import DeviceIdentity
from channel_server.models import TransactionRow
from runtime.codec import sha256_hex, transaction_from_dict
from runtime.transaction import Transaction, TransactionState
from sync.protocol import Category, CustomerRecord, PushItem, item_category, sale_facts

_MAX_QUANTITY = Decimal(10) ** 12
_STATE_FOR_KIND = {"sale": TransactionState.CONCLUDED, "void": TransactionState.VOIDED}


@dataclass
class Verdict:
    """The outcome of the checks; only accepted items have effects."""

    reason: str | None = None  # None: accepted
    transaction: Transaction | None = None
    customer: CustomerRecord | None = None
    sale_total: Decimal | None = None
    tenders: dict[str, Decimal] = field(default_factory=dict)


def payload_object(payload: str) -> dict[str, Any] | None:
    """The payload as a JSON object, or None. pydantic-core's parser is the fast path; what it
    refuses goes to the standard library's, whose reading of odd input (lone surrogates) is
    the one the server has always applied."""
    try:
        data = pydantic_core.from_json(payload)
    except ValueError:
        try:
            data = json.loads(payload)
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def _short(value: object) -> str:
    return repr(value if isinstance(value, str) and len(value) <= 64 else str(value)[:64] + "…")


def foreign_owner(
    device: DeviceIdentity, item: PushItem, data: dict[str, Any] | None
) -> str | None:
    """Why the item belongs to another store or register (403), or None. Only fields the
    payload (`data`, parsed once by the caller) actually has are compared; unreadable payloads
    are left to the quarantine."""
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


def evaluate(item: PushItem, data: dict[str, Any] | None) -> Verdict:
    """The checks that need no database (`data` is the payload parsed once). A transaction
    that passes them still needs `already_received` against the server's rows."""
    if sha256_hex(item.payload.encode()) != item.payload_sha256:
        return Verdict("the payload does not hash to payload_sha256 (damaged on the way)")
    category = item_category(item.kind)
    if category is None:
        return Verdict(f"unknown kind {item.kind!r} for sync protocol 1")
    if data is None:
        return Verdict("the payload is not a JSON object")
    if category is Category.TRANSACTION:
        return _transaction(item, data)
    if category is Category.CUSTOMER_CREATED:
        try:
            return Verdict(customer=CustomerRecord.model_validate(data))
        except ValidationError as exc:
            where = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]
            )
            return Verdict(f"not a customer record ({where})")
    return Verdict()  # shift and drawer events: stored as sent


def _transaction(item: PushItem, data: dict[str, Any]) -> Verdict:
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
    facts = sale_facts(item.kind, item.payload)
    total, tenders = facts if facts is not None else (None, {})
    return Verdict(transaction=tx, sale_total=total, tenders=tenders)


def received_transactions(session: Session, ids: Collection[str]) -> dict[str, tuple[str, int]]:
    """transaction_id -> (register, seq) of those ids the server already holds: one query for
    a whole batch instead of one per item."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            TransactionRow.transaction_id, TransactionRow.register_id, TransactionRow.device_seq
        ).where(TransactionRow.transaction_id.in_(sorted(ids)))
    )
    return {tx_id: (register, seq) for tx_id, register, seq in rows}


def already_received(transaction_id: str, register: str, seq: int) -> str:
    return f"transaction {transaction_id} was already received as seq {seq} of register {register}"


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


def stock_deltas(tx: Transaction, into: dict[str, Decimal]) -> None:
    """Add a concluded sale's stock movement (minus each non-voided line) to `into`."""
    if tx.state is TransactionState.CONCLUDED:
        for line in tx.lines:
            if not line.voided:
                into[line.item_id] = into.get(line.item_id, Decimal(0)) - line.quantity


def tenders_text(tenders: dict[str, Decimal]) -> str | None:
    return json.dumps({k: str(v) for k, v in sorted(tenders.items())}) if tenders else None
