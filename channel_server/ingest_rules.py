"""What a pushed item means: the business checks that quarantine it, and the effects of an
applied one (the transaction row, return-index rows, stock, a new customer).

The checks run per item without the database; the one database question (was this
transaction received before?) is asked once per batch. A business rejection never fails the
push: the item is stored with its reason and answered `quarantined`, so the register's queue
never wedges on one bad row. Reasons name the problem without quoting payload data (customer
data stays out of answers and logs).
"""

from __future__ import annotations

import datetime as dt
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
_MAX_ID = 64  # transaction ids (the server's columns and the protocol's `Id`)
_MAX_KEY = 200  # line and item ids (the protocol's `Key`)
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
    too_big = _out_of_range(tx) or _repeated_line(tx)
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
    if len(tx.transaction_id) > _MAX_ID or len(tx.receipt_number or "") > 64:
        return "the transaction id or receipt number is longer than 64 characters"
    if len(str(tx.totals.total)) > 40:
        return "the transaction total is out of range"
    for line in tx.lines:
        if len(line.line_id) > _MAX_KEY:
            return f"a line id is longer than {_MAX_KEY} characters"
        quantity = line.quantity
        if (
            len(line.item_id) > _MAX_KEY
            or not quantity.is_finite()
            or abs(quantity) >= _MAX_QUANTITY
        ):
            return f"line {line.line_id}: item id or quantity out of range"
    return None


def _repeated_line(tx: Transaction) -> str | None:
    """Line ids name lines (a return's `return_of`, the return index's key): one id, one line."""
    seen: set[str] = set()
    for line in tx.lines:
        if line.line_id in seen:
            return f"line id {_short(line.line_id)} is used by more than one line"
        seen.add(line.line_id)
    return None


def _answerable(line_id: str) -> bool:
    """A line id `GET /v1/returns` can answer (a protocol `Key`); others name no real line."""
    return 0 < len(line_id) <= _MAX_KEY and not any(ord(c) < 0x20 for c in line_id)


def returned_rows(
    tx: Transaction, store_id: str, register_id: str, received_at: dt.datetime
) -> list[dict[str, Any]]:
    """The return-index rows (models.ReturnedLineRow) of a received concluded sale: one per
    active return line (negative quantity, `return_of` naming another transaction), with the
    quantity taken back as a positive number. Voided lines count nothing; a reference no
    query can name (an id too long for a transaction id, or no valid line id) is left out.
    A repeated line id (refused at ingest, possible only in sales received before) keeps its
    first line, so the key stays unique. Ingest and migration cs0002 both build rows here."""
    if tx.state is not TransactionState.CONCLUDED:
        return []
    rows: dict[str, dict[str, Any]] = {}
    for line in tx.active_lines:
        ref = line.return_of
        if (
            ref is None
            or line.quantity >= 0
            or ref.transaction_id == tx.transaction_id
            or len(ref.transaction_id) > _MAX_ID
            or not _answerable(ref.line_id)
            or line.line_id in rows
        ):
            continue
        rows[line.line_id] = {
            "return_transaction_id": tx.transaction_id,
            "return_line_id": line.line_id,
            "original_transaction_id": ref.transaction_id,
            "original_line_id": ref.line_id,
            "quantity": -line.quantity,
            "store_id": store_id,
            "register_id": register_id,
            "received_at": received_at,
        }
    return list(rows.values())


def stock_deltas(tx: Transaction, into: dict[str, Decimal]) -> None:
    """Add a concluded sale's stock movement (minus each non-voided line) to `into`."""
    if tx.state is TransactionState.CONCLUDED:
        for line in tx.lines:
            if not line.voided:
                into[line.item_id] = into.get(line.item_id, Decimal(0)) - line.quantity


def tenders_text(tenders: dict[str, Decimal]) -> str | None:
    return json.dumps({k: str(v) for k, v in sorted(tenders.items())}) if tenders else None
