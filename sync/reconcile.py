"""Nightly reconciliation: the register's digest of a business day from its own outbox,
compared with what the server holds (`GET /v1/digest`), with the same fold on both sides
(`sync.protocol.sale_facts` / `build_digest`), so a difference means the data differs.

The result is logged, kept in `sync_settings` (`reconciliation:<day>` and
`last_reconciliation`, JSON) and returned for the CLI and the status bar.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from local_db.database import Database
from local_db.outbox import acked_through
from local_db.sync_state import get_setting, set_setting
from local_db.timefmt import format_utc
from sync.client import ChannelClient
from sync.config import LAST_RECONCILIATION
from sync.protocol import RegisterDayDigest, build_digest, business_day_bounds, compare_digests
from sync.protocol import sale_facts as facts_of

log = logging.getLogger("tillpoint.sync")

_DAY_ROWS = (
    "SELECT device_seq, kind, payload FROM outbox WHERE register_id = ?"
    " AND created_at >= ? AND created_at < ? ORDER BY device_seq"
)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    day: dt.date
    register_id: str
    problems: tuple[str, ...]  # empty: the day matches
    unsent: int  # items of the day the server has not acknowledged yet
    checked_at: dt.datetime

    @property
    def matches(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.matches:
            return f"{self.day}: register {self.register_id} matches the server"
        head = f"{self.day}: register {self.register_id} differs from the server"
        if self.unsent:
            head += f" ({self.unsent} items of the day not uploaded yet)"
        return head + ": " + "; ".join(self.problems)


def local_digest(
    db: Database, store_id: str, register_id: str, day: dt.date, timezone: str
) -> tuple[RegisterDayDigest, int]:
    """The register's own digest of a business day, and how many of its items are not yet
    acknowledged by the server."""
    start, end = business_day_bounds(day, timezone)
    with db.read("read a business day's outbox") as conn:
        rows = conn.execute(_DAY_ROWS, (register_id, format_utc(start), format_utc(end))).fetchall()
    items = []
    for seq, kind, payload in rows:
        facts = facts_of(kind, payload)
        items.append((int(seq), kind, None if facts is None else facts[0],
                      None if facts is None else facts[1]))  # fmt: skip
    acked = acked_through(db, register_id)
    unsent = sum(1 for seq, *_ in items if seq > acked)
    return build_digest(store_id, register_id, day, timezone, items), unsent


def reconcile_day(
    db: Database,
    client: ChannelClient,
    store_id: str,
    register_id: str,
    day: dt.date,
    timezone: str,
    now: dt.datetime,
) -> Reconciliation:
    """Compare one business day with the server and store the outcome. Raises the
    transport's errors when the server cannot be asked."""
    mine, unsent = local_digest(db, store_id, register_id, day, timezone)
    theirs = client.digest(day, timezone)
    result = Reconciliation(day, register_id, tuple(compare_digests(mine, theirs)), unsent, now)
    if result.matches:
        log.info("reconciliation %s", result.summary())
    else:
        log.warning("reconciliation %s", result.summary())
    record = json.dumps(
        {
            "day": day.isoformat(),
            "register_id": register_id,
            "matches": result.matches,
            "problems": list(result.problems),
            "unsent": unsent,
            "checked_at": format_utc(now),
        }
    )
    set_setting(db, f"reconciliation:{day.isoformat()}", record)
    set_setting(db, LAST_RECONCILIATION, record)
    return result


def last_reconciliation(db: Database) -> dict[str, object] | None:
    text = get_setting(db, LAST_RECONCILIATION)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
