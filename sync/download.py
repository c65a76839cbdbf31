"""Down: master data by `GET /v1/changes`, a page at a time, each page applied together with
its cursor in one SQLite transaction (local_db.master_apply), so an interrupted download
resumes at the last applied page. The first start is a full download; later runs ask for
changes after the stored cursor; a 410 starts a full download again.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from pydantic import ValidationError

from local_db.database import Database
from local_db.master_apply import ApplyResult, MasterApplyError, apply_page
from local_db.sync_state import read_cursor, start_full_download
from runtime.ports import StorageError
from sync.client import ChannelClient
from sync.pages import Page, parse_changes_page
from sync.protocol import MAX_PAGE_ITEMS, ErrorCode, parse_cursor
from sync.transport import ServerRefused

log = logging.getLogger("tillpoint.sync")
Progress = Callable[[str, int, int], None]


class DownloadStopped(Exception):
    """A page could not be applied: the download stopped, the cursor is where it was."""


@dataclass(frozen=True, slots=True)
class DownloadResult:
    pages: int
    items: int
    full: bool  # a full download ran (first start, resumed, or after a 410)
    high_water: int
    cursor: str | None
    problems: tuple[str, ...] = ()  # rows the register could not apply (kept, reported)
    incomplete: str | None = None  # why a full download was held open (needs headquarters)


# Items per page after the full download. A page is one SQLite transaction holding the
# database lock, and a sale waits for it: 1,000 changed products apply in 50-120 ms (a
# catalogue of 100,000 to 1,000,000), 5,000 (the full download's pages, when there is
# nothing to sell yet) in several hundred.
DELTA_PAGE_ITEMS = 1000


class Downloader:
    prefetch = True  # fetch the next page while applying this one

    def __init__(
        self,
        db: Database,
        client: ChannelClient,
        store_id: str,
        *,
        register_id: str | None = None,
        page_limit: int = 5000,
    ) -> None:
        self.db, self.client, self.store_id = db, client, store_id
        self.register_id = register_id
        self.page_limit = max(1, min(page_limit, MAX_PAGE_ITEMS))
        self.delta_limit = min(self.page_limit, DELTA_PAGE_ITEMS)

    def download(self, progress: Progress | None = None) -> DownloadResult:
        """Fetch and apply pages until the server has no more. Raises the transport's errors
        (offline: the applied pages stay, the next run resumes) and DownloadStopped.

        A full download runs with the cyclic garbage collector paused (it is switched back on
        after, if it was on): its pages allocate millions of short-lived objects and no cycles
        to speak of, and the collections they set off cost a third of the client's CPU
        (200,000 products: 11.4 s instead of 8.0 s; docs/sync-client.md)."""
        state = read_cursor(self.db)
        full = (
            state is None or state.store_id != self.store_id or state.full_download
            or state.cursor is None
        )  # fmt: skip
        enabled = full and gc.isenabled()
        if enabled:
            gc.disable()
        try:
            return self._download(progress)
        finally:
            if enabled:
                gc.enable()

    def _download(self, progress: Progress | None) -> DownloadResult:
        state = read_cursor(self.db)
        if state is None or state.store_id != self.store_id:
            state = start_full_download(self.db, self.store_id, force=True)
        elif state.cursor is None and not state.full_download:
            state = start_full_download(self.db, self.store_id)
        full = state.full_download  # first start, or resuming an interrupted one
        since = state.cursor
        restarted = False
        pages = items = high_water = 0
        problems: list[str] = []
        incomplete: str | None = None
        # the next page is fetched while this one is applied (the server's work and the
        # network overlap the local write); it is only ever applied after this one committed
        with ThreadPoolExecutor(1, thread_name_prefix="tillpoint-download") as pool:
            ahead: Future[bytes] | None = None
            while True:
                try:
                    limit = self.page_limit if full else self.delta_limit
                    if ahead is not None:
                        page = self._read(ahead.result(), since, limit)
                    else:
                        page = self.client.changes(since, limit)
                except ServerRefused as exc:
                    if exc.code is not ErrorCode.CURSOR_EXPIRED or restarted:
                        raise
                    log.warning("download: %s; starting a full download", exc.error.message)
                    start_full_download(self.db, self.store_id, force=True)
                    since, full, restarted, ahead = None, True, True, None
                    continue
                ahead = None
                if full and since is None and page.high_water == 0 and not page.items:
                    # a server with no master data for the store (not imported yet): a full
                    # download would sweep the register's whole catalogue away; keep it
                    problems.append(
                        f"the server has no master data for store {self.store_id} yet; "
                        "the register keeps its own"
                    )
                    log.warning("download: %s", problems[-1])
                    break
                if page.store_id != self.store_id:
                    raise DownloadStopped(
                        f"the server sent store {page.store_id}'s data to store {self.store_id}"
                    )
                if page.has_more and self.prefetch:
                    ahead = pool.submit(self._fetch, page.next_cursor, limit)
                held = ""
                if full and not page.has_more:
                    missing = self._missing_essentials(page)
                    if missing:  # finishing now would sweep what the register needs to sell
                        held = (
                            f"the server's master data for store {self.store_id} has no "
                            f"{', '.join(missing)} yet: the register keeps its own, and the full "
                            "download finishes once they arrive"
                        )
                        log.warning("download: %s", held)
                        page = replace(page, has_more=True)  # applied, not swept
                applied = self._apply(page, since)
                if held:
                    incomplete = held
                if applied.problems:
                    log.warning("download: %d rows not applied, first: %s",
                                len(applied.problems), applied.problems[0])  # fmt: skip
                    problems.extend(applied.problems[: max(0, 50 - len(problems))])
                pages += 1
                items += len(page.items)
                high_water = page.high_water
                since = page.next_cursor
                if progress is not None:
                    parsed = parse_cursor(page.next_cursor)
                    done = parsed[1] if parsed else high_water
                    progress("download", min(done, high_water), high_water)
                if not page.has_more or held:
                    break
        return DownloadResult(pages, items, full, high_water, since, tuple(problems), incomplete)

    def _fetch(self, since: str, limit: int) -> bytes:
        """The next page's body, read ahead on the pool's thread. Only the bytes: parsing it
        there as well held the GIL against the applying thread, whose SQLite statements hand
        the GIL over at every row, so the apply waited a switch interval per row and took
        twice as long as alone."""
        params: dict[str, str | int] = {"limit": limit, "since": since}
        return self.client.transport.call("GET", "/v1/changes", params=params).content

    def _read(self, body: bytes, since: str | None, limit: int) -> Page:
        """A page read ahead, parsed here; an answer that does not parse is asked for again
        the usual way (retried, and counted as the server being unavailable if it stays bad)."""
        try:
            return parse_changes_page(body)
        except ValidationError:
            log.warning("download: a page read ahead (after %s) is not valid; asking again", since)
            return self.client.changes(since, limit)

    def _missing_essentials(self, page: Page) -> list[str]:
        """What the last page of a full download would sweep that the register cannot sell
        without: its own store or register row, or every staff member or tender type (rows
        listed stale and not in this page)."""
        sent = {(item.entity, item.key) for item in page.items if item.op == "upsert"}
        entities = {entity for entity, _ in sent}
        missing: list[str] = []
        with self.db.read("check a full download before it finishes") as conn:

            def stale(entity: str, key: str) -> bool:
                row = conn.execute(
                    "SELECT 1 FROM sync_stale WHERE entity = ? AND key = ?", (entity, key)
                ).fetchone()
                return row is not None and (entity, key) not in sent

            def all_stale(entity: str, table: str) -> bool:
                if entity in entities:
                    return False
                total = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                listed = conn.execute(
                    "SELECT count(*) FROM sync_stale WHERE entity = ?", (entity,)
                ).fetchone()[0]
                return bool(total) and listed >= total

            if stale("store", self.store_id):
                missing.append(f"store row {self.store_id}")
            if self.register_id and stale("register", self.register_id):
                missing.append(f"register row {self.register_id}")
            if all_stale("staff", "operators"):
                missing.append("staff")
            if all_stale("tender_type", "tender_types"):
                missing.append("tender types")
        return missing

    def _apply(self, page: Page, since: str | None) -> ApplyResult:
        try:
            return apply_page(
                self.db,
                store_id=self.store_id,
                epoch=page.epoch,
                items=page.items,
                next_cursor=page.next_cursor,
                has_more=page.has_more,
                high_water=page.high_water,
            )
        except (MasterApplyError, StorageError) as exc:
            raise DownloadStopped(
                f"a master-data page (after {since or 'the start'}) could not be applied: "
                f"{exc}; the download stopped and will retry from the same cursor"
            ) from exc
