"""The register's sync client: one `SyncService` owning the transport, the state and the
scheduled jobs (apscheduler BackgroundScheduler: upload, download, health, nightly
reconciliation; one instance each, missed runs coalesced).

A concluded sale calls `trigger_upload()`, which only sets a flag and moves the upload job's
next run to now: the upload runs on the scheduler's thread, never on the caller's. A failing
or slow call switches the state offline (the transport reports it); while offline only the
health job talks to the server, and its success switches back online and uploads at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from local_db.database import Database
from local_db.store import load_store_config
from runtime.ports import UnsentSummary
from sync.client import ChannelClient
from sync.config import SyncConfig, load_config, offline_customers_allowed
from sync.credentials import load_token
from sync.download import Downloader, DownloadResult, DownloadStopped
from sync.protocol import PROTOCOL_VERSION, ErrorCode
from sync.reconcile import Reconciliation, reconcile_day
from sync.remote import ServerDesk
from sync.state import Listener, StateHolder, SyncState
from sync.transport import RetryPolicy, ServerRefused, ServerUnavailable, SyncFailure, Transport
from sync.upload import Uploader, UploadResult, UploadStopped

log = logging.getLogger("tillpoint.sync")
Progress = Callable[[str, int, int], None]


class NotActivated(Exception):
    """The register has no server configuration or no token: run `tillpoint activate`."""


@dataclass(frozen=True, slots=True)
class SyncIntervals:
    upload: float = 30.0  # seconds; a sale also triggers an upload at once
    download: float = 300.0
    health: float = 15.0
    reconcile_at: dt.time = dt.time(2, 30)  # store-local time of the nightly reconciliation


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one `run_cycle` did; `ok` when the server was reachable and nothing needs a
    person."""

    online: bool
    reason: str
    upload: UploadResult | None = None
    download: DownloadResult | None = None
    reconciliations: tuple[Reconciliation, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.online and not self.problems


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _store_timezone(db: Database, store_id: str) -> str:
    """The store's business-day timezone; UTC until the store's master data has arrived."""
    try:
        return load_store_config(db, store_id).timezone
    except LookupError:
        return "UTC"


class SyncService:
    """Sync for one register database. Implements the runtime's `SyncStatus` port
    (`unsent()`, `online()`); `desk` is its `RemoteDesk` port."""

    def __init__(
        self,
        db: Database,
        config: SyncConfig,
        token: str,
        *,
        timezone: str | None = None,
        intervals: SyncIntervals | None = None,
        retry: RetryPolicy | None = None,
        page_limit: int = 5000,
        batch_size: int = 500,
        clock: Callable[[], dt.datetime] = _utcnow,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] | None = None,
        http_transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
        realtime_timeout: float = 3.0,
    ) -> None:
        self.db, self.config = db, config
        self.clock = clock
        self.intervals = intervals or SyncIntervals()
        self.timezone = timezone or _store_timezone(db, config.store_id)
        self._state = StateHolder(clock)
        extra: dict[str, Any] = {}
        if sleep is not None:
            extra["sleep"] = sleep
        if rand is not None:
            extra["rand"] = rand
        self.transport = Transport(
            config.server_url, token, retry=retry, timeout=timeout,
            transport=http_transport, on_unavailable=self._state.went_offline, **extra,
        )  # fmt: skip
        self.client = ChannelClient(self.transport, realtime_timeout=realtime_timeout)
        self.uploader = Uploader(
            db, self.client, config.device_id, config.register_id, clock=clock,
            batch_size=batch_size,
        )  # fmt: skip
        self.downloader = Downloader(
            db, self.client, config.store_id, register_id=config.register_id,
            page_limit=page_limit,
        )  # fmt: skip
        self.desk = ServerDesk(
            db, self.client, config.register_id, self._state,
            allow_offline_customers=lambda: offline_customers_allowed(db), clock=clock,
            after_queue=self.trigger_upload, on_refused=self._refused,
        )  # fmt: skip
        self._upload_lock = threading.Lock()
        self._download_lock = threading.Lock()
        self._upload_wanted = threading.Event()
        self._trigger_lock = threading.Lock()
        self._upload_running = False
        self._scheduler: Any = None
        self._alert_source: str | None = None
        self._refresh_unsent()

    @classmethod
    def from_database(cls, db: Database, **options: Any) -> SyncService:
        """The service for an activated register (settings in the database, token in the
        keyring); raises NotActivated otherwise."""
        config = load_config(db)
        if config is None:
            raise NotActivated(
                "this register is not activated: run `tillpoint activate --server URL --code "
                "CODE --db PATH`"
            )
        token = load_token(config.server_url, config.device_id)
        if not token:
            raise NotActivated(
                f"no device token in the keyring for {config.server_url}: activate the "
                "register again"
            )
        return cls(db, config, token, **options)

    # ---- state ----------------------------------------------------------------------------------

    @property
    def state(self) -> SyncState:
        return self._state.current

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._state.subscribe(listener)

    def online(self) -> bool:
        return self._state.current.online is True

    def unsent(self) -> UnsentSummary:
        current = self._state.current
        return UnsentSummary(current.unsent, current.oldest_unsent_at)

    def _refresh_unsent(self) -> None:
        count, oldest = self.uploader.pending()
        self._state.update(unsent=count, oldest_unsent_at=oldest)

    def _refused(self, exc: ServerRefused) -> None:
        """A refusal that needs a person becomes the alert (and the register stops calling)."""
        if exc.status == 401:
            self._alert(
                "the server no longer accepts this register's token: activate it again", "auth"
            )
            self._state.went_offline("device token refused (401)")
        elif exc.code is ErrorCode.PROTOCOL_UNSUPPORTED:
            self._alert(f"protocol versions differ: {exc.error.message}", "protocol")
            self._state.went_offline("protocol version not supported")
        elif exc.status == 403:
            self._alert(f"the server refused this register: {exc.error.message}", "auth")

    def _alert(self, message: str, source: str) -> None:
        """Raise the alert a person must see; it stays until a later success of the same
        kind of step (`_clear_alert`)."""
        log.error("sync alert: %s", message)
        self._alert_source = source
        self._state.update(alert=message)

    def clear_alert(self) -> None:
        """A person looked at the alert (e.g. restored the register or the server): the
        scheduled upload, stopped by an upload alert, resumes."""
        self._alert_source = None
        self._state.update(alert=None)
        self.trigger_upload()

    def _clear_alert(self, *sources: str) -> None:
        if self._state.current.alert is not None and self._alert_source in sources:
            self._alert_source = None
            self._state.update(alert=None)

    # ---- the steps ------------------------------------------------------------------------------

    def check_health(self) -> bool:
        """GET /v1/health; True (and online) when the server answers and speaks our version."""
        try:
            health = self.client.health()
        except ServerRefused as exc:
            self._refused(exc)
            self._state.went_offline(f"health check refused: {exc}")
            return False
        except ServerUnavailable:
            return False
        if not health.min_protocol_version <= PROTOCOL_VERSION <= health.protocol_version:
            newer = health.min_protocol_version > PROTOCOL_VERSION
            self._alert(
                f"the server speaks protocol {health.min_protocol_version}.."
                f"{health.protocol_version}, this register {PROTOCOL_VERSION}: update "
                f"{'the register' if newer else 'the server'}",
                "protocol",
            )
            self._state.went_offline("protocol version not supported")
            return False
        self._clear_alert("protocol")
        self._state.went_online()
        return True

    def upload(self, progress: Progress | None = None) -> UploadResult | None:
        """Push the outbox (blocking). None when offline or failed (the state says why)."""
        with self._upload_lock:
            try:
                result = self.uploader.upload(progress)
            except ServerUnavailable:
                return None
            except ServerRefused as exc:
                self._refused(exc)
                if self._state.current.alert is None:  # 400/413/422: not ours to retry blindly
                    self._alert(f"upload refused by the server: {exc}", "upload")
                return None
            except UploadStopped as exc:
                self._alert(str(exc), "upload")
                return None
            finally:
                self._refresh_unsent()
            self._state.update(last_upload_at=self.clock())
            self._clear_alert("upload", "auth")
            return result

    def download(self, progress: Progress | None = None) -> DownloadResult | None:
        """Fetch and apply master data (blocking). None when offline or stopped."""

        def report(stage: str, done: int, total: int) -> None:
            self._state.update(download_done=done, download_total=total)
            if progress is not None:
                progress(stage, done, total)

        with self._download_lock:
            try:
                result = self.downloader.download(report)
            except ServerUnavailable:
                return None
            except ServerRefused as exc:
                self._refused(exc)
                if self._state.current.alert is None:
                    self._alert(f"master data download refused: {exc}", "download")
                return None
            except DownloadStopped as exc:
                self._alert(str(exc), "download")
                return None
            finally:
                self._state.update(download_done=0, download_total=0)
            self._state.update(last_download_at=self.clock())
            self._clear_alert("download", "auth")
            if result.incomplete:  # held open for headquarters: someone must import the rest
                self._alert(result.incomplete, "download")
            return result

    def reconcile(self, day: dt.date) -> Reconciliation | None:
        try:
            result = reconcile_day(
                self.db, self.client, self.config.store_id, self.config.register_id, day,
                self.timezone, self.clock(),
            )  # fmt: skip
        except ServerRefused as exc:
            self._refused(exc)
            return None
        except SyncFailure:
            return None
        except ValueError as exc:  # the store's timezone is not one this machine knows
            log.error("reconciliation of %s not possible: %s", day, exc)
            return None
        self._state.update(last_reconciliation=result.summary())
        return result

    def local_today(self) -> dt.date:
        from zoneinfo import ZoneInfo

        return self.clock().astimezone(ZoneInfo(self.timezone)).date()

    def run_cycle(
        self, progress: Progress | None = None, days: Sequence[dt.date] | None = None
    ) -> CycleReport:
        """One full cycle on the caller's thread: health, upload, download, and the digest of
        `days` (default yesterday and today)."""
        if not self.check_health():
            current = self._state.current
            return CycleReport(False, current.reason, problems=tuple(filter(None, [current.alert])))
        uploaded = self.upload(progress)
        downloaded = self.download(progress) if self.online() else None
        results: list[Reconciliation] = []
        if self.online():
            today = self.local_today()
            for day in days if days is not None else (today - dt.timedelta(days=1), today):
                outcome = self.reconcile(day)
                if outcome is not None:
                    results.append(outcome)
        current = self._state.current
        problems = [current.alert] if current.alert else []
        problems += [r.summary() for r in results if not r.matches]
        return CycleReport(
            current.online is True, current.reason, uploaded, downloaded, tuple(results),
            tuple(problems),
        )  # fmt: skip

    # ---- scheduling -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background jobs (idempotent)."""
        if self._scheduler is not None:
            return
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler = BackgroundScheduler(
            timezone=dt.UTC, job_defaults={"max_instances": 1, "coalesce": True,
                                           "misfire_grace_time": 60},
        )  # fmt: skip
        now = dt.datetime.now(dt.UTC)
        iv = self.intervals
        scheduler.add_job(self._health_job, IntervalTrigger(seconds=iv.health), id="health",
                          next_run_time=now)  # fmt: skip
        scheduler.add_job(self._upload_job, IntervalTrigger(seconds=iv.upload), id="upload")
        scheduler.add_job(self._download_job, IntervalTrigger(seconds=iv.download), id="download")
        scheduler.add_job(
            self._reconcile_job,
            CronTrigger(hour=iv.reconcile_at.hour, minute=iv.reconcile_at.minute,
                        timezone=self.timezone),
            id="reconcile",
        )  # fmt: skip
        from apscheduler.events import EVENT_JOB_MAX_INSTANCES

        scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        """Stop the jobs, waiting for a running one to finish; close the connection."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        self.transport.close()

    def trigger_upload(self) -> None:
        """Upload soon, on the scheduler's thread. Returns at once (safe from any thread).

        While an upload job runs it just leaves a flag the job checks before it ends, so a
        sale concluded during an upload is sent by the same job."""
        with self._trigger_lock:
            self._upload_wanted.set()
            if self._upload_running:
                return
        self._run_soon("upload")

    def _run_soon(self, job_id: str, delay: float = 0.0) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
        try:
            scheduler.modify_job(job_id, next_run_time=when)
        except Exception:  # noqa: BLE001 - stopping, or the job is gone: the schedule remains
            log.debug("could not reschedule %s", job_id, exc_info=True)

    def _skipped(self, event: Any) -> None:
        """A run skipped because the job was still finishing (max_instances=1): a trigger
        that came in that moment runs the job again shortly."""
        if event.job_id == "upload" and self._upload_wanted.is_set():
            self._run_soon("upload", delay=0.05)

    def _health_job(self) -> None:
        was_online = self.online()
        if self.check_health() and not was_online:
            self._run_soon("upload")
            self._run_soon("download")

    def _upload_job(self) -> None:
        with self._trigger_lock:
            self._upload_running = True
            self._upload_wanted.clear()
        try:
            while True:
                self._refresh_unsent()
                if not self.online() or self._state.current.unsent == 0:
                    return
                if self._alert_source == "upload":  # stopped for a person (`clear_alert`)
                    return
                if self.upload() is None:
                    return
                with self._trigger_lock:
                    if not self._upload_wanted.is_set():
                        return
                    self._upload_wanted.clear()
        finally:
            with self._trigger_lock:
                self._upload_running = False
                again = self._upload_wanted.is_set() and self.online()
            if again:  # a trigger after the last look: run again as soon as this one ended
                self._run_soon("upload", delay=0.05)

    def _download_job(self) -> None:
        if self.online():
            self.download()

    def _reconcile_job(self) -> None:
        if self.online():
            self.reconcile(self.local_today() - dt.timedelta(days=1))
