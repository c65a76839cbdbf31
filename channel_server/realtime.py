"""The real-time side (REMOTE_FIRST operations): customers, a transaction for a return from any
register of the chain with what every register has returned of it, and on-hand stock per store.

Customer creation is idempotent by the client's customer_id: the same record again answers the
stored one (a replayed request), a different record under that id is a conflict. New customers
go into every store's change log, so registers that were offline learn them by download.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import groupby

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from channel_server.db import insert_for
from channel_server.devices import utcnow
from channel_server.master_data import MasterChange, apply_changes, canonical_text
from channel_server.models import (
    CustomerRow,
    OnHandRow,
    ReceivedItemRow,
    ReturnedLineRow,
    TransactionRow,
)
from sync.protocol import CustomerRecord, OnHand, ReturnedLine, TransactionRecord

_MILLI = Decimal("0.001")
MAX_RETURN_LINES = 10_000  # return lines read per original sale (a sale has few)


class CustomerConflict(Exception):
    """The customer id exists with different data."""


def _customer_text(record: CustomerRecord) -> str:
    return canonical_text(record.model_dump(mode="json"))


def create_customer(
    session: Session, record: CustomerRecord, now: dt.datetime | None = None
) -> tuple[CustomerRecord, bool]:
    """(the stored record, whether it was created now). Raises CustomerConflict."""
    text = _customer_text(record)
    existing = session.get(CustomerRow, record.customer_id)
    if existing is not None:
        if existing.data != text:
            raise CustomerConflict(
                f"customer {record.customer_id} already exists with other data; "
                "search for it instead of creating it again"
            )
        return CustomerRecord.model_validate_json(existing.data), False
    session.add(
        CustomerRow(
            customer_id=record.customer_id,
            name=record.name,
            email=record.email,
            phone=record.phone,
            data=text,
            created_at=now or utcnow(),
        )
    )
    session.flush()
    apply_changes(
        session, [MasterChange("customer", record.customer_id, json.loads(text))], now=now
    )
    return record, True


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_customers(session: Session, text: str, limit: int) -> list[CustomerRecord]:
    """By exact id, or name / phone / e-mail prefix (case-insensitive), ordered by name."""
    text = text.strip()
    if not text:
        return []
    like = _escape_like(text) + "%"
    rows = session.scalars(
        select(CustomerRow.data)
        .where(
            or_(
                CustomerRow.customer_id == text,
                CustomerRow.name.ilike(like, escape="\\"),
                CustomerRow.phone.like(like, escape="\\"),
                CustomerRow.email.ilike(like, escape="\\"),
            )
        )
        .order_by(CustomerRow.name, CustomerRow.customer_id)
        .limit(limit)
    )
    return [CustomerRecord.model_validate_json(data) for data in rows]


def find_transactions(session: Session, receipt_number: str) -> list[TransactionRecord]:
    """Every received sale or void with that receipt number, from any store (receipt masks
    need not be unique across the chain, so this is a list)."""
    rows = session.execute(
        select(TransactionRow, ReceivedItemRow.payload, ReceivedItemRow.payload_sha256)
        .join(
            ReceivedItemRow,
            (ReceivedItemRow.device_id == TransactionRow.device_id)
            & (ReceivedItemRow.device_seq == TransactionRow.device_seq),
        )
        .where(TransactionRow.receipt_number == receipt_number)
        .order_by(TransactionRow.store_id, TransactionRow.register_id)
        .limit(20)
    ).all()
    return [
        TransactionRecord(
            transaction_id=tx.transaction_id,
            store_id=tx.store_id,
            register_id=tx.register_id,
            receipt_number=tx.receipt_number,
            kind=tx.kind,
            device_seq=tx.device_seq,
            payload=payload,
            payload_sha256=digest,
            received_at=tx.received_at,
        )
        for tx, payload, digest in rows
    ]


def returned_lines(session: Session, transaction_id: str) -> list[ReturnedLine]:
    """What received returns (concluded sales with return lines, from any register) took back
    of each line of the original sale `transaction_id`, one row per return and original line,
    oldest return first.

    A lookup in the return index (`returned_lines`, one row per active return line, written
    at ingest with the return and backfilled by migration cs0002): the cost follows the
    returns of this sale, not the sales received since it.
    """
    rows = session.execute(
        select(
            ReturnedLineRow.return_transaction_id,
            ReturnedLineRow.store_id,
            ReturnedLineRow.register_id,
            ReturnedLineRow.received_at,
            ReturnedLineRow.original_line_id,
            ReturnedLineRow.quantity,
        )
        .where(ReturnedLineRow.original_transaction_id == transaction_id)
        .order_by(ReturnedLineRow.received_at, ReturnedLineRow.return_transaction_id)
        .limit(MAX_RETURN_LINES)
    ).all()
    found: list[ReturnedLine] = []
    for (return_id, store_id, register_id, received_at), group in groupby(
        rows, key=lambda row: tuple(row[:4])
    ):
        taken: dict[str, Decimal] = {}
        for *_, line_id, quantity in group:
            taken[line_id] = taken.get(line_id, Decimal(0)) + quantity
        found.extend(
            ReturnedLine(
                line_id=line_id,
                quantity=quantity,
                return_transaction_id=return_id,
                store_id=store_id,
                register_id=register_id,
                received_at=received_at,
            )
            for line_id, quantity in sorted(taken.items())
        )
    return found


def to_milli(quantity: Decimal) -> int:
    return int((quantity / _MILLI).to_integral_value(ROUND_HALF_EVEN))


def set_on_hand(
    session: Session,
    store_id: str,
    quantities: Mapping[str, Decimal],
    now: dt.datetime | None = None,
) -> None:
    """Set absolute on-hand quantities (the import tool's stock count), kept to 0.001."""
    _upsert_on_hand(session, store_id, quantities, now, absolute=True)


def adjust_on_hand(
    session: Session,
    store_id: str,
    deltas: Mapping[str, Decimal],
    now: dt.datetime | None = None,
) -> None:
    """Add to on-hand quantities (negative for sales) in one atomic statement per item, so
    concurrent ingests of the same item never lose an update."""
    _upsert_on_hand(session, store_id, deltas, now, absolute=False)


def _upsert_on_hand(
    session: Session,
    store_id: str,
    quantities: Mapping[str, Decimal],
    now: dt.datetime | None,
    *,
    absolute: bool,
) -> None:
    if not quantities:
        return
    insert = insert_for(session)
    stamp = now or utcnow()
    stmt = insert(OnHandRow)
    new_value = stmt.excluded.milli if absolute else OnHandRow.milli + stmt.excluded.milli
    stmt = stmt.on_conflict_do_update(
        index_elements=["store_id", "item_id"],
        set_={"milli": new_value, "updated_at": stmt.excluded.updated_at},
    )
    values = [
        {"store_id": store_id, "item_id": item, "milli": to_milli(q), "updated_at": stamp}
        for item, q in sorted(quantities.items())  # one lock order across concurrent ingests
    ]
    session.execute(stmt, values)


def on_hand(session: Session, item_id: str, store_id: str | None = None) -> list[OnHand]:
    query = select(OnHandRow).where(OnHandRow.item_id == item_id).order_by(OnHandRow.store_id)
    if store_id is not None:
        query = query.where(OnHandRow.store_id == store_id)
    return [
        OnHand(
            store_id=row.store_id,
            item_id=row.item_id,
            quantity=Decimal(row.milli) * _MILLI,
            updated_at=row.updated_at,
        )
        for row in session.scalars(query)
    ]
