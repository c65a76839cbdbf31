"""The push protocol: a device's outbox items, each in its own database transaction.

Per device the server keeps `last_seq` (and the head of the register's journal chain). For each
item, with the device row locked:
- `seq <= last_seq`: a duplicate. Same payload hash: answer the stored result. Different hash:
  record an alert, stop the batch and answer 409 (`payload_conflict`).
- `seq > last_seq + 1`: a gap; stop and answer 409 (`seq_gap`) with the expected seq.
- otherwise check it (business rejections are quarantined: stored with a reason, 2xx), apply
  it, check its journal link, and advance `last_seq` in the same transaction.
Items before a conflict stay committed and are listed in the 409 body, so the register can
acknowledge them.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_server import ingest_rules
from channel_server.db import Database, retry_races
from channel_server.devices import DeviceIdentity, utcnow
from channel_server.errors import ApiError, check_protocol
from channel_server.models import AlertRow, DeviceKeyRow, DeviceRow, ReceivedItemRow
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


@dataclass(frozen=True, slots=True)
class Outcome:
    result: ItemResult
    last_seq: int
    error: ErrorBody | None = None


def _alert(
    session: Session,
    kind: str,
    device_id: str,
    seq: int | None,
    message: str,
    cid: str | None,
    now: dt.datetime,
) -> None:
    log.warning("alert %s device %s seq %s [%s]: %s", kind, device_id, seq, cid, message)
    session.add(
        AlertRow(
            created_at=now,
            kind=kind,
            device_id=device_id,
            device_seq=seq,
            message=message,
            correlation_id=cid,
        )
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
    for item in batch.items:
        foreign = ingest_rules.foreign_owner(device, item)
        if foreign:
            raise ApiError(403, ErrorCode.FORBIDDEN, foreign + "; nothing was stored")
    if batch.journal_keys:
        retry_races(lambda: _record_keys(db, device, batch.journal_keys, cid))
    results: list[ItemResult] = []
    last_seq = 0
    for item in batch.items:
        outcome = retry_races(functools.partial(_one, db, device, item, cid))
        results.append(outcome.result)
        last_seq = outcome.last_seq
        if outcome.error is not None:
            return PushResponse(
                device_id=device.device_id, last_seq=last_seq, results=results, error=outcome.error
            )
    return PushResponse(device_id=device.device_id, last_seq=last_seq, results=results)


def _record_keys(
    db: Database, device: DeviceIdentity, keys: list[JournalKey], cid: str | None
) -> None:
    now = utcnow()
    with db.write() as session:
        _lock_device(session, device.device_id)
        known = {
            row.key_no: row.public_key
            for row in session.scalars(
                select(DeviceKeyRow).where(DeviceKeyRow.device_id == device.device_id)
            )
        }
        for key in keys:
            have = known.get(key.key_no)
            if have is None:
                session.add(
                    DeviceKeyRow(
                        device_id=device.device_id,
                        key_no=key.key_no,
                        public_key=key.public_key,
                        created_at=now,
                    )
                )
                known[key.key_no] = key.public_key
            elif have != key.public_key:
                _alert(
                    session,
                    "journal_key_conflict",
                    device.device_id,
                    None,
                    f"journal key {key.key_no} arrived with a different public key; the first "
                    "one is kept",
                    cid,
                    now,
                )


def _lock_device(session: Session, device_id: str) -> DeviceRow:
    row = session.scalars(
        select(DeviceRow).where(DeviceRow.device_id == device_id).with_for_update()
    ).first()
    if row is None:  # the token's device exists; only a deleted row could get here
        raise ApiError(401, ErrorCode.UNAUTHORIZED, "this device is not known any more")
    return row


def _one(db: Database, device: DeviceIdentity, item: PushItem, cid: str | None) -> Outcome:
    now = utcnow()
    seq = item.device_seq
    with db.write() as session:
        row = _lock_device(session, device.device_id)
        if seq <= row.last_seq:
            return _duplicate(session, row, item, cid, now)
        if seq > row.last_seq + 1:
            expected = row.last_seq + 1
            return Outcome(
                ItemResult(
                    device_seq=seq, status=ItemStatus.CONFLICT, reason=f"expected {expected}"
                ),
                row.last_seq,
                ErrorBody(
                    code=ErrorCode.SEQ_GAP,
                    message=f"device_seq {seq} skips ahead: the server has everything through "
                    f"{row.last_seq} and expects {expected} next; send the outbox from there",
                    correlation_id=cid,
                    expected_seq=expected,
                ),
            )
        verdict = ingest_rules.evaluate(session, device, item)
        reason = verdict.reason
        if reason is None:
            reason = ingest_rules.apply(session, device, item, verdict, now)
        _check_chain(session, row, item, cid, now)
        status = ItemStatus.APPLIED if reason is None else ItemStatus.QUARANTINED
        session.add(
            ReceivedItemRow(
                device_id=device.device_id,
                device_seq=seq,
                mutation_id=item.mutation_id,
                kind=item.kind,
                subject_id=item.subject_id,
                payload=item.payload,
                payload_sha256=item.payload_sha256,
                created_at=item.created_at,
                received_at=now,
                status=status.value,
                reason=reason,
                sale_total=verdict.sale_total if reason is None else None,
                tenders=ingest_rules.tenders_text(verdict.tenders) if reason is None else None,
            )
        )
        row.last_seq = seq
        if reason is not None:
            log.info("quarantined device %s seq %s [%s]: %s", device.device_id, seq, cid, reason)
        return Outcome(ItemResult(device_seq=seq, status=status, reason=reason), seq)


def _duplicate(
    session: Session, row: DeviceRow, item: PushItem, cid: str | None, now: dt.datetime
) -> Outcome:
    seq = item.device_seq
    stored = session.get(ReceivedItemRow, (row.device_id, seq))
    if stored is None or stored.payload_sha256 == item.payload_sha256:
        original = None if stored is None else stored.status
        return Outcome(
            ItemResult(
                device_seq=seq,
                status=ItemStatus.DUPLICATE,
                original_status=original,  # type: ignore[arg-type]
                reason=None if stored is None else stored.reason,
            ),
            row.last_seq,
        )
    message = (
        f"device_seq {seq} was received with payload {stored.payload_sha256[:12]}… and now "
        f"arrives with {item.payload_sha256[:12]}…: the register's outbox was changed or "
        "replaced; an operator must look at it"
    )
    _alert(session, "payload_conflict", row.device_id, seq, message, cid, now)
    return Outcome(
        ItemResult(device_seq=seq, status=ItemStatus.CONFLICT, reason="different payload"),
        row.last_seq,
        ErrorBody(code=ErrorCode.PAYLOAD_CONFLICT, message=message, correlation_id=cid),
    )


def _check_chain(
    session: Session, row: DeviceRow, item: PushItem, cid: str | None, now: dt.datetime
) -> None:
    link = item.journal
    if link is None:
        if item_category(item.kind) in _CHAINED:
            _alert(
                session,
                "journal_missing",
                row.device_id,
                item.device_seq,
                f"item {item.device_seq} ({item.kind}) came without its journal entry",
                cid,
                now,
            )
        return
    keys = {
        k.key_no: k.public_key
        for k in session.scalars(
            select(DeviceKeyRow).where(DeviceKeyRow.device_id == row.device_id)
        )
    }
    head = ChainHead(row.journal_entry_no, row.journal_hash, row.journal_signed)
    after, problems = check_link(
        head,
        ChainLink(link.entry_no, link.prev_hash, link.entry_hash, link.signature),
        item.payload_sha256,
        keys,
    )
    for problem in problems:
        _alert(session, "journal_break", row.device_id, item.device_seq, problem, cid, now)
    row.journal_entry_no = after.entry_no
    row.journal_hash = after.entry_hash
    row.journal_signed = after.signed_seen
