"""The push protocol: a device's batch of outbox items, applied in order in one database
transaction with the device row locked.

Per device the server keeps `last_seq` (and the head of the register's journal chain). Items
are taken in `device_seq` order:
- `seq <= last_seq`: a duplicate. Same payload hash: answer the stored result. Different hash:
  record an alert, stop and answer 409 (`payload_conflict`).
- `seq > last_seq + 1`: a gap; stop and answer 409 (`seq_gap`) with the expected seq.
- otherwise check it (business rejections are quarantined: stored with a reason, 2xx), apply
  it, check its journal link, and advance `last_seq`.

Everything the batch did up to where it stopped (its items, their effects, the new `last_seq`
and chain head, alerts) commits together. That is what handling each item in its own
transaction gave, minus the per-item commits: an item's effects and its `last_seq` advance are
never apart, the committed state is always a prefix of the outbox, and a failure (a crash, a
lost race) rolls the whole batch back, which the register cannot tell from a lost answer:
nothing of it was acknowledged, so it resends. Items before a conflict are committed and listed
in the 409 body, so the register can acknowledge them.

The work per batch is a fixed number of statements (lock, keys, stored duplicates, known
transaction ids, then bulk inserts and one stock upsert), not a round trip per item. A return
sale's lines go into the return index (`returned_lines`) in one of those inserts, so
`GET /v1/returns` is a lookup that is never behind what was acknowledged.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from channel_server import ingest_rules
from channel_server.db import Database, retry_races
from channel_server.devices import DeviceIdentity, utcnow
from channel_server.errors import ApiError, check_protocol
from channel_server.models import (
    AlertRow,
    Base,
    DeviceKeyRow,
    DeviceRow,
    ReceivedItemRow,
    ReturnedLineRow,
    TransactionRow,
)
from channel_server.realtime import CustomerConflict, adjust_on_hand, create_customer
from runtime.journal_chain import ChainHead, ChainLink, check_link
from sync.protocol import (
    Category,
    ErrorBody,
    ErrorCode,
    ItemResult,
    ItemStatus,
    JournalKey,
    PushBatch,
    PushItem,
    PushResponse,
    item_category,
)

log = logging.getLogger("channel_server.ingest")
_CHAINED = (Category.TRANSACTION, Category.SHIFT_EVENT, Category.DRAWER_OPERATION)


@dataclass
class _Work:
    """What one batch writes, gathered while its items are taken in order."""

    device: DeviceIdentity
    cid: str | None
    now: dt.datetime
    results: list[ItemResult] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    returned: list[dict[str, Any]] = field(default_factory=list)  # the return index's rows
    alerts: list[dict[str, Any]] = field(default_factory=list)
    stock: dict[str, Decimal] = field(default_factory=dict)
    error: ErrorBody | None = None

    def alert(self, kind: str, seq: int | None, message: str) -> None:
        log.warning(
            "alert %s device %s seq %s [%s]: %s",
            kind,
            self.device.device_id,
            seq,
            self.cid,
            message,
        )
        self.alerts.append(
            {
                "created_at": self.now,
                "kind": kind,
                "device_id": self.device.device_id,
                "device_seq": seq,
                "message": message,
                "correlation_id": self.cid,
            }
        )


def push(db: Database, device: DeviceIdentity, batch: PushBatch, cid: str | None) -> PushResponse:
    """Handle one batch; the response's `error` is set when it stopped at a conflict (409)."""
    check_protocol(batch.protocol_version)
    if batch.device_id != device.device_id:
        raise ApiError(
            403,
            ErrorCode.FORBIDDEN,
            f"this token belongs to device {device.device_id}, not {batch.device_id}: a device "
            "uploads only its own outbox",
        )
    datas = [ingest_rules.payload_object(item.payload) for item in batch.items]  # parsed once
    for item, data in zip(batch.items, datas, strict=True):
        foreign = ingest_rules.foreign_owner(device, item, data)
        if foreign:
            raise ApiError(403, ErrorCode.FORBIDDEN, foreign + "; nothing was stored")
    return retry_races(lambda: _push(db, device, batch, datas, cid))


def _push(
    db: Database,
    device: DeviceIdentity,
    batch: PushBatch,
    datas: list[dict[str, Any] | None],
    cid: str | None,
) -> PushResponse:
    work = _Work(device, cid, utcnow())
    with db.write() as session:
        row = _lock_device(session, device.device_id)
        keys = _record_keys(session, work, batch.journal_keys)
        items = batch.items
        old = [item for item in items if item.device_seq <= row.last_seq]
        if old and not _duplicates(session, work, row, old):
            _write(session, work)
            return _answer(work, row)
        new = items[len(old) :]
        if new and new[0].device_seq != row.last_seq + 1:
            work.results.append(_gap(work, row, new[0].device_seq))
        elif new:
            _apply(session, work, row, new, datas[len(old) :], keys)
        _write(session, work)
        return _answer(work, row)


def _answer(work: _Work, row: DeviceRow) -> PushResponse:
    return PushResponse(
        device_id=work.device.device_id, last_seq=row.last_seq, results=work.results,
        error=work.error,
    )  # fmt: skip


def _lock_device(session: Session, device_id: str) -> DeviceRow:
    row = session.scalars(
        select(DeviceRow).where(DeviceRow.device_id == device_id).with_for_update()
    ).first()
    if row is None:  # the token's device exists; only a deleted row could get here
        raise ApiError(401, ErrorCode.UNAUTHORIZED, "this device is not known any more")
    return row


def _record_keys(session: Session, work: _Work, keys: list[JournalKey]) -> dict[int, str]:
    """Store journal keys the server has not seen; the device's keys, for the chain checks."""
    device_id = work.device.device_id
    known = {
        key_no: public
        for key_no, public in session.execute(
            select(DeviceKeyRow.key_no, DeviceKeyRow.public_key).where(
                DeviceKeyRow.device_id == device_id
            )
        )
    }
    for key in keys:
        have = known.get(key.key_no)
        if have is None:
            session.add(
                DeviceKeyRow(
                    device_id=device_id,
                    key_no=key.key_no,
                    public_key=key.public_key,
                    created_at=work.now,
                )
            )
            known[key.key_no] = key.public_key
        elif have != key.public_key:
            work.alert(
                "journal_key_conflict",
                None,
                f"journal key {key.key_no} arrived with a different public key; the first one "
                "is kept",
            )
    return known


def _duplicates(session: Session, work: _Work, row: DeviceRow, old: list[PushItem]) -> bool:
    """Answer items the server already has from their stored results; False when one of them
    comes with another payload (an alert, and the batch stops there)."""
    stored = {
        seq: (digest, status, reason)
        for seq, digest, status, reason in session.execute(
            select(
                ReceivedItemRow.device_seq,
                ReceivedItemRow.payload_sha256,
                ReceivedItemRow.status,
                ReceivedItemRow.reason,
            ).where(
                ReceivedItemRow.device_id == row.device_id,
                ReceivedItemRow.device_seq.between(old[0].device_seq, old[-1].device_seq),
            )
        )
    }
    for item in old:
        seq = item.device_seq
        have = stored.get(seq)
        if have is None or have[0] == item.payload_sha256:
            work.results.append(
                ItemResult(
                    device_seq=seq,
                    status=ItemStatus.DUPLICATE,
                    original_status=None if have is None else have[1],  # type: ignore[arg-type]
                    reason=None if have is None else have[2],
                )
            )
            continue
        message = (
            f"device_seq {seq} was received with payload {have[0][:12]}… and now arrives with "
            f"{item.payload_sha256[:12]}…: the register's outbox was changed or replaced; an "
            "operator must look at it"
        )
        work.alert("payload_conflict", seq, message)
        work.results.append(
            ItemResult(device_seq=seq, status=ItemStatus.CONFLICT, reason="different payload")
        )
        work.error = ErrorBody(
            code=ErrorCode.PAYLOAD_CONFLICT, message=message, correlation_id=work.cid
        )
        return False
    return True


def _gap(work: _Work, row: DeviceRow, seq: int) -> ItemResult:
    expected = row.last_seq + 1
    work.error = ErrorBody(
        code=ErrorCode.SEQ_GAP,
        message=f"device_seq {seq} skips ahead: the server has everything through "
        f"{row.last_seq} and expects {expected} next; send the outbox from there",
        correlation_id=work.cid,
        expected_seq=expected,
    )
    return ItemResult(device_seq=seq, status=ItemStatus.CONFLICT, reason=f"expected {expected}")


def _apply(
    session: Session,
    work: _Work,
    row: DeviceRow,
    items: list[PushItem],
    datas: list[dict[str, Any] | None],
    keys: dict[int, str],
) -> None:
    """Check, apply and chain-check the next items in order (the first is last_seq + 1)."""
    device = work.device
    verdicts = [ingest_rules.evaluate(item, data) for item, data in zip(items, datas, strict=True)]
    seen = ingest_rules.received_transactions(
        session, {v.transaction.transaction_id for v in verdicts if v.transaction is not None}
    )
    head = ChainHead(row.journal_entry_no, row.journal_hash, row.journal_signed)
    for item, verdict in zip(items, verdicts, strict=True):
        seq = item.device_seq
        reason = verdict.reason
        tx = verdict.transaction
        if tx is not None:
            earlier = seen.get(tx.transaction_id)
            if earlier is not None:
                reason = ingest_rules.already_received(tx.transaction_id, *earlier)
            else:
                seen[tx.transaction_id] = (device.register_id, seq)
                work.transactions.append(
                    {
                        "transaction_id": tx.transaction_id,
                        "store_id": device.store_id,
                        "register_id": device.register_id,
                        "device_id": device.device_id,
                        "device_seq": seq,
                        "kind": item.kind,
                        "receipt_number": tx.receipt_number,
                        "total": tx.totals.total,
                        "received_at": work.now,
                    }
                )
                ingest_rules.stock_deltas(tx, work.stock)
                work.returned.extend(
                    ingest_rules.returned_rows(tx, device.store_id, device.register_id, work.now)
                )
        elif reason is None and verdict.customer is not None:
            try:
                create_customer(session, verdict.customer, work.now)
            except CustomerConflict as exc:
                reason = str(exc)
        head = _check_chain(work, head, item, keys)
        status = ItemStatus.APPLIED if reason is None else ItemStatus.QUARANTINED
        work.received.append(
            {
                "device_id": device.device_id,
                "device_seq": seq,
                "mutation_id": item.mutation_id,
                "kind": item.kind,
                "subject_id": item.subject_id,
                "payload": item.payload,
                "payload_sha256": item.payload_sha256,
                "created_at": item.created_at,
                "received_at": work.now,
                "status": status.value,
                "reason": reason,
                "sale_total": verdict.sale_total if reason is None else None,
                "tenders": ingest_rules.tenders_text(verdict.tenders) if reason is None else None,
            }
        )
        if reason is not None:
            log.info(
                "quarantined device %s seq %s [%s]: %s", device.device_id, seq, work.cid, reason
            )
        work.results.append(ItemResult(device_seq=seq, status=status, reason=reason))
    row.last_seq = items[-1].device_seq
    row.journal_entry_no = head.entry_no
    row.journal_hash = head.entry_hash
    row.journal_signed = head.signed_seen


def _check_chain(work: _Work, head: ChainHead, item: PushItem, keys: dict[int, str]) -> ChainHead:
    link = item.journal
    if link is None:
        if item_category(item.kind) in _CHAINED:
            work.alert(
                "journal_missing",
                item.device_seq,
                f"item {item.device_seq} ({item.kind}) came without its journal entry",
            )
        return head
    after, problems = check_link(
        head,
        ChainLink(link.entry_no, link.prev_hash, link.entry_hash, link.signature),
        item.payload_sha256,
        keys,
    )
    for problem in problems:
        work.alert("journal_break", item.device_seq, problem)
    return after


def _write(session: Session, work: _Work) -> None:
    """The batch's rows in a few multi-row statements; stock last, in one sorted upsert, so
    concurrent batches of a store take its stock rows in one order and hold them briefly."""
    for model, rows in (
        (ReceivedItemRow, work.received),
        (TransactionRow, work.transactions),
        (ReturnedLineRow, work.returned),
        (AlertRow, work.alerts),
    ):
        if rows:  # Core executemany: the ORM's bulk path costs more than the database here
            session.execute(insert(Base.metadata.tables[model.__tablename__]), rows)
    adjust_on_hand(session, work.device.store_id, work.stock, work.now)
