"""The nightly reconciliation digest: one fold that the register and the server both run, so
a difference means the data differs, never the arithmetic.

Part of `sync.protocol`; import from `sync.protocol`, not from here.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from sync.protocol.types import Id, Money, Strict

# ---- reconciliation digest -----------------------------------------------------------------


class RegisterDayDigest(Strict):
    """What one register sent for one business day: compared nightly, register vs server.

    The business day of an item is the date of its `created_at` in the store's timezone.
    Counts are per outbox kind; money is summed from sales (`sale_facts`)."""

    store_id: Id
    register_id: Id
    business_day: dt.date
    timezone: str
    counts: dict[str, int]
    sales_total: Money
    tenders: dict[str, Money]  # tender_type_id -> approved amount (change is negative)
    max_seq: int  # 0: nothing that day


def business_day_bounds(day: dt.date, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local business day, in UTC. Raises ValueError for an unknown zone or
    a day at the edge of the calendar."""
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown timezone {timezone!r}") from exc
    try:
        start = dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(f"business day {day} is out of range") from exc
    return start, end


def sale_facts(kind: str, payload: str) -> tuple[Decimal, dict[str, Decimal]] | None:
    """(total, approved tender amounts per tender type) of a sale payload; None for other
    kinds or a payload that is not a readable sale."""
    if kind != "sale":
        return None
    try:
        data = json.loads(payload)
        total = Decimal(data["totals"]["total"])
        tenders: dict[str, Decimal] = {}
        for tender in data.get("tenders", []):
            if tender.get("status") == "approved":
                key = str(tender["tender_type_id"])
                tenders[key] = tenders.get(key, Decimal(0)) + Decimal(tender["amount"])
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation):
        return None
    return total, tenders


def build_digest(
    store_id: str,
    register_id: str,
    day: dt.date,
    timezone: str,
    items: Iterable[tuple[int, str, Decimal | None, dict[str, Decimal] | None]],
) -> RegisterDayDigest:
    """Fold (device_seq, kind, sale total, tender amounts) of one day's items into a digest."""
    counts: dict[str, int] = {}
    tenders: dict[str, Decimal] = {}
    total, max_seq = Decimal(0), 0
    for seq, kind, sale_total, amounts in items:
        counts[kind] = counts.get(kind, 0) + 1
        max_seq = max(max_seq, seq)
        if sale_total is not None:
            total += sale_total
        for key, amount in (amounts or {}).items():
            tenders[key] = tenders.get(key, Decimal(0)) + amount
    return RegisterDayDigest(
        store_id=store_id,
        register_id=register_id,
        business_day=day,
        timezone=timezone,
        counts=counts,
        sales_total=total,
        tenders=tenders,
        max_seq=max_seq,
    )


def compare_digests(local: RegisterDayDigest, remote: RegisterDayDigest) -> list[str]:
    """What differs, in words (empty: the day reconciles)."""
    problems: list[str] = []
    for kind in sorted(set(local.counts) | set(remote.counts)):
        mine, theirs = local.counts.get(kind, 0), remote.counts.get(kind, 0)
        if mine != theirs:
            problems.append(f"{kind}: {mine} on the register, {theirs} on the server")
    if local.sales_total != remote.sales_total:
        problems.append(
            f"sales total: {local.sales_total} on the register, {remote.sales_total} on the server"
        )
    for key in sorted(set(local.tenders) | set(remote.tenders)):
        mine_amount = local.tenders.get(key, Decimal(0))
        theirs_amount = remote.tenders.get(key, Decimal(0))
        if mine_amount != theirs_amount:
            problems.append(
                f"tender {key}: {mine_amount} on the register, {theirs_amount} on the server"
            )
    if local.max_seq != remote.max_seq:
        problems.append(f"last seq: {local.max_seq} here, {remote.max_seq} on the server")
    return problems
