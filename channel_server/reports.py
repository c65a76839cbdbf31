"""Read-only views: the reconciliation digest, the quarantine and the alerts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_server.models import AlertRow, DeviceRow, ReceivedItemRow
from sync.protocol import RegisterDayDigest, build_digest, business_day_bounds


def register_digest(
    session: Session, store_id: str, register_id: str, day: dt.date, timezone: str
) -> RegisterDayDigest:
    """What the server received from a register for a business day (the same fold the
    register uses: `sync.protocol.build_digest`). Raises LookupError / ValueError."""
    device_id = session.scalars(
        select(DeviceRow.device_id).where(
            DeviceRow.store_id == store_id, DeviceRow.register_id == register_id
        )
    ).first()
    if device_id is None:
        raise LookupError(f"no register {register_id} in store {store_id} on this server")
    start, end = business_day_bounds(day, timezone)
    rows = session.execute(
        select(
            ReceivedItemRow.device_seq,
            ReceivedItemRow.kind,
            ReceivedItemRow.sale_total,
            ReceivedItemRow.tenders,
        )
        .where(
            ReceivedItemRow.device_id == device_id,
            ReceivedItemRow.created_at >= start,
            ReceivedItemRow.created_at < end,
        )
        .order_by(ReceivedItemRow.device_seq)
    ).all()
    items = [
        (
            seq,
            kind,
            total,
            None if tenders is None else {k: Decimal(v) for k, v in json.loads(tenders).items()},
        )
        for seq, kind, total, tenders in rows
    ]
    return build_digest(store_id, register_id, day, timezone, items)


@dataclass(frozen=True, slots=True)
class QuarantinedItem:
    store_id: str
    register_id: str
    device_seq: int
    kind: str
    created_at: dt.datetime
    received_at: dt.datetime
    reason: str


def quarantined(session: Session, limit: int = 200) -> list[QuarantinedItem]:
    rows = session.execute(
        select(ReceivedItemRow, DeviceRow.store_id, DeviceRow.register_id)
        .join(DeviceRow, DeviceRow.device_id == ReceivedItemRow.device_id)
        .where(ReceivedItemRow.status == "quarantined")
        .order_by(ReceivedItemRow.received_at.desc(), ReceivedItemRow.device_seq.desc())
        .limit(limit)
    ).all()
    return [
        QuarantinedItem(
            store, register, item.device_seq, item.kind, item.created_at, item.received_at,
            item.reason or "",
        )
        for item, store, register in rows
    ]  # fmt: skip


def alerts(session: Session, limit: int = 200) -> list[AlertRow]:
    return list(session.scalars(select(AlertRow).order_by(AlertRow.alert_id.desc()).limit(limit)))
