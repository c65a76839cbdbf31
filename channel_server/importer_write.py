"""Writing a checked import: stores and devices, then the change log (only what changed), the
server's customer table and on-hand stock, all in one database transaction.

`apply_changes` compares every row with the store's current row and records only the ones
that differ, so handing it the whole catalogue again is how a re-import finds its changes.
Upserts go parents first (importer_specs.ORDER), deletes children first, so a register
applying a page never meets a child whose parent is missing within one import. A store new
to the change log first gets the chain-wide rows another store already has, so that a store
added later is as complete as the others even when this import carries only some files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from channel_server.db import Database, insert_for
from channel_server.devices import ensure_device, ensure_store, utcnow
from channel_server.importer_progress import Progress
from channel_server.importer_read import Catalog
from channel_server.importer_specs import CHAIN_WIDE, NEVER_DELETED, ORDER, STORE_SCOPED
from channel_server.master_data import MasterChange, apply_changes, canonical_text
from channel_server.models import ChangeRow, CustomerRow, StoreRow
from channel_server.realtime import set_on_hand
from sync.protocol import ChangeOp

CHUNK = 20_000  # changes per apply_changes call: bounds the memory of one call's texts
ANALYZE_FROM = 10_000  # change-log rows written before the first statistics refresh (PostgreSQL)
_UPSERT = ChangeOp.UPSERT.value


@dataclass
class ImportReport:
    """What an import found and recorded; `changed`/`deleted` are rows per entity and store."""

    mode: str
    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, dict[str, int]] = field(default_factory=dict)
    deleted: dict[str, dict[str, int]] = field(default_factory=dict)
    stores_created: list[str] = field(default_factory=list)
    devices_created: int = 0
    stock_rows: int = 0

    def count(self, what: dict[str, dict[str, int]], entity: str, done: dict[str, int]) -> None:
        for store, n in done.items():
            if n:
                per_store = what.setdefault(entity, {})
                per_store[store] = per_store.get(store, 0) + n

    def changes_of(self, entity: str) -> tuple[int, int]:
        """(changed, deleted) rows of an entity: summed over stores for store-scoped
        entities, the largest store's count for chain-wide ones (the same change in each)."""

        def merge(per_store: dict[str, int]) -> int:
            if entity in STORE_SCOPED:
                return sum(per_store.values())
            return max(per_store.values(), default=0)

        return merge(self.changed.get(entity, {})), merge(self.deleted.get(entity, {}))

    def recorded(self) -> dict[str, int]:
        """Change-log rows recorded per store (upserts and tombstones)."""
        total: dict[str, int] = {}
        for what in (self.changed, self.deleted):
            for per_store in what.values():
                for store, n in per_store.items():
                    total[store] = total.get(store, 0) + n
        return total


def stored_keys(session: Session, entity: str) -> set[str]:
    """Keys of an entity that some store's log holds as a live (not deleted) row."""
    return set(
        session.scalars(
            select(ChangeRow.key)
            .where(ChangeRow.entity == entity, ChangeRow.op == _UPSERT)
            .distinct()
        )
    )


def stored_data(session: Session, entity: str) -> dict[str, Any]:
    """key -> data of an entity's live rows (chain-wide entities: the same in every log)."""
    rows = session.execute(
        select(ChangeRow.key, ChangeRow.data).where(
            ChangeRow.entity == entity, ChangeRow.op == _UPSERT
        )
    )
    return {key: json.loads(data) for key, data in rows if data is not None}


def _store_keys(session: Session, store_id: str, entity: str) -> set[str]:
    return set(
        session.scalars(
            select(ChangeRow.key).where(
                ChangeRow.store_id == store_id, ChangeRow.entity == entity, ChangeRow.op == _UPSERT
            )
        )
    )


def _chunks(changes: Iterable[MasterChange], size: int = CHUNK) -> Iterator[list[MasterChange]]:
    chunk: list[MasterChange] = []
    for change in changes:
        chunk.append(change)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Writer:
    def __init__(
        self, session: Session, catalog: Catalog, report: ImportReport, progress: Progress
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.report = report
        self.progress = progress
        self.now = utcnow()
        self.partial = False
        self.analyze = False  # PostgreSQL: refresh the change log's statistics as it grows
        self._since_analyze = 0  # change-log rows written since the last ANALYZE
        self._analyzed_at = 0  # rows this import had written at the last ANALYZE

    def apply(
        self, entity: str, changes: Iterable[MasterChange], stores: Sequence[str] | None,
        total: int, deletes: bool = False,
    ) -> None:  # fmt: skip
        what = self.report.deleted if deletes else self.report.changed
        label = f"{'deleting' if deletes else 'writing'} {entity}"
        with self.progress.bar(label, total) as bar:
            for chunk in _chunks(changes):
                self._statistics()
                done = apply_changes(self.session, chunk, stores, now=self.now)
                self.report.count(what, entity, done)
                self._since_analyze += sum(done.values())
                bar.advance(len(chunk))

    def _statistics(self) -> None:
        """ANALYZE the change log on PostgreSQL each time this import has doubled what it
        wrote (from ANALYZE_FROM rows on). Without fresh statistics (a new table, or rows added
        inside this very transaction) the planner takes the table for tiny and reads every row
        of the entity for each 500-key lookup of apply_changes, which makes a big import
        quadratic; ANALYZE counts the transaction's own rows, and the planner scales its
        figures with the table's current size, so a few refreshes per import suffice."""
        if self.analyze and self._since_analyze >= max(ANALYZE_FROM, self._analyzed_at):
            self.session.execute(text("ANALYZE change_log"))
            self._analyzed_at += self._since_analyze
            self._since_analyze = 0

    def stores(self) -> list[str]:
        """Create the stores of the import; returns the stores whose log is still empty."""
        for (store_id, _), entry in self.catalog.entities.get("store", {}).items():
            existed = self.session.get(StoreRow, store_id) is not None
            ensure_store(self.session, store_id, entry.data["name"], now=self.now)
            if not existed:
                self.report.stores_created.append(store_id)
        return list(self.session.scalars(select(StoreRow.store_id).where(StoreRow.version == 0)))

    def seed(self, empty: list[str]) -> None:
        """Give stores with an empty log the chain-wide rows of the fullest other store."""
        donor = self.session.scalars(
            select(StoreRow.store_id)
            .where(StoreRow.version > 0)
            .order_by(StoreRow.version.desc(), StoreRow.store_id)
        ).first()
        if donor is None or not empty:
            return
        for entity in CHAIN_WIDE:
            if not self.partial and self._wanted(entity) is not None:
                continue  # the import's own complete file reaches every store anyway
            rows = self.session.execute(
                select(ChangeRow.key, ChangeRow.data)
                .where(
                    ChangeRow.store_id == donor, ChangeRow.entity == entity, ChangeRow.op == _UPSERT
                )
                .order_by(ChangeRow.version)
            )
            changes = (MasterChange(entity, k, json.loads(d)) for k, d in rows if d is not None)
            with self.progress.bar(f"copying {entity} to new stores", 0) as bar:
                for chunk in _chunks(changes):
                    done = apply_changes(self.session, chunk, empty, now=self.now)
                    self.report.count(self.report.changed, entity, done)
                    bar.advance(len(chunk))

    def devices(self) -> None:
        from channel_server.devices import _device

        for store_id, register_id in self.catalog.entities.get("register", {}):
            if _device(self.session, store_id, register_id) is None:
                self.report.devices_created += 1
            ensure_device(self.session, store_id, register_id, now=self.now)

    def upserts(self) -> None:
        catalog = self.catalog
        for entity in ORDER:
            if entity == "product":
                if "products" in catalog.files:
                    items = catalog.products
                    self.report.rows[entity] = len(items)
                    changes = (MasterChange(entity, i, catalog.product_data(i)) for i in items)
                    self.apply(entity, changes, None, len(items))
                continue
            if entity in catalog.pricing:
                docs = catalog.pricing[entity]
                self.report.rows[entity] = len(docs)
                doc_changes = [MasterChange(entity, k, e.data) for k, e in docs.items()]
                self.apply(entity, doc_changes, None, len(docs))
                continue
            entries = catalog.entities.get(entity)
            if entries is None:
                continue
            self.report.rows[entity] = len(entries)
            if entity not in STORE_SCOPED:
                simple = [MasterChange(entity, key, e.data) for (_, key), e in entries.items()]
                self.apply(entity, simple, None, len(simple))
                continue
            by_store: dict[str, list[MasterChange]] = {}
            for (store_id, key), e in entries.items():
                by_store.setdefault(store_id, []).append(MasterChange(entity, key, e.data))
            for store_id, scoped in sorted(by_store.items()):
                self.apply(entity, scoped, [store_id], len(scoped))

    def deletes(self) -> None:
        """Tombstones for rows the import's complete files no longer have (children first)."""
        all_stores = list(
            self.session.scalars(select(StoreRow.store_id).order_by(StoreRow.store_id))
        )
        for entity in reversed(ORDER):
            if entity in NEVER_DELETED:
                continue
            wanted = self._wanted(entity)
            if wanted is None:
                continue
            for store_id in all_stores:
                keep = wanted.get(store_id, set()) if entity in STORE_SCOPED else wanted
                gone = sorted(
                    k for k in _store_keys(self.session, store_id, entity) if k not in keep
                )
                if gone:
                    changes = [MasterChange(entity, key, None) for key in gone]
                    self.apply(entity, changes, [store_id], len(changes), deletes=True)

    def _wanted(self, entity: str) -> Any:
        """The keys the import keeps (a dict store -> keys for store-scoped entities), or
        None when the import has no file of the entity."""
        catalog = self.catalog
        if entity == "product":
            return catalog.products if "products" in catalog.files else None
        if entity in catalog.pricing:
            return catalog.pricing[entity]
        entries = catalog.entities.get(entity)
        if entries is None:
            return None
        if entity not in STORE_SCOPED:
            return {key for _, key in entries}
        per_store: dict[str, set[str]] = {}
        for store_id, key in entries:
            per_store.setdefault(store_id, set()).add(key)
        return per_store

    def customers(self) -> None:
        """The server's own customer table (real-time search) follows the imported rows."""
        entries = self.catalog.entities.get("customer", {})
        if not entries:
            return
        insert = insert_for(self.session)
        values = [
            {
                "customer_id": key,
                "name": e.data["name"],
                "email": e.data.get("email"),
                "phone": e.data.get("phone"),
                "data": canonical_text(e.data),
                "created_at": self.now,
            }
            for (_, key), e in sorted(entries.items())
        ]
        stmt = insert(CustomerRow)
        stmt = stmt.on_conflict_do_update(
            index_elements=["customer_id"],
            set_={k: stmt.excluded[k] for k in ("name", "email", "phone", "data")},
        )
        for start in range(0, len(values), 1000):
            self.session.execute(stmt, values[start : start + 1000])

    def stock(self) -> None:
        for store_id, quantities in sorted(self.catalog.stock.items()):
            items = sorted(quantities.items())
            with self.progress.bar(f"writing stock of {store_id}", len(items)) as bar:
                for start in range(0, len(items), 5000):
                    part = {item: Decimal(q) for item, q in items[start : start + 5000]}
                    set_on_hand(self.session, store_id, part, now=self.now)
                    bar.advance(len(part))
            self.report.stock_rows += len(items)


def write_catalog(
    db: Database, catalog: Catalog, partial: bool, progress: Progress, now: dt.datetime | None
) -> ImportReport:
    """Everything in one transaction: an error anywhere leaves the server as it was."""
    report = ImportReport(mode="partial" if partial else "full")
    with db.write() as session:
        writer = Writer(session, catalog, report, progress)
        writer.analyze = not db.is_sqlite
        writer.partial = partial
        if now is not None:
            writer.now = now
        empty = writer.stores()
        writer.seed(empty)
        writer.devices()
        writer.upserts()
        if not partial:
            writer.deletes()
        writer.customers()
        writer.stock()
    return report
