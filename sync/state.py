"""The sync client's state as one immutable snapshot: online or not and why, what waits to be
sent, the last successes, alerts. Readers (the UI's status bar) take `current` without
blocking; listeners are called after every change, on the thread that made it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

log = logging.getLogger("tillpoint.sync")


@dataclass(frozen=True, slots=True)
class SyncState:
    online: bool | None = None  # None: not known yet (no call made)
    reason: str = "not checked yet"  # why offline / what the last change was
    changed_at: dt.datetime | None = None
    unsent: int = 0
    oldest_unsent_at: dt.datetime | None = None
    alert: str | None = None  # needs a person: payload conflict, token revoked, protocol
    last_upload_at: dt.datetime | None = None
    last_download_at: dt.datetime | None = None
    download_done: int = 0  # progress of a running download (items), 0/0 when idle
    download_total: int = 0
    last_reconciliation: str | None = None  # "2025-03-14: ok" or the differences


Listener = Callable[[SyncState], None]


class StateHolder:
    """Holds the current SyncState; every update replaces it whole."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state = SyncState()
        self._listeners: list[Listener] = []

    @property
    def current(self) -> SyncState:
        return self._state  # an attribute read: never blocks

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(state)` after every change; returns the unsubscribe function."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def update(self, **changes: object) -> SyncState:
        with self._lock:
            new = replace(self._state, **changes)  # type: ignore[arg-type]
            if new == self._state:
                return new
            self._state = new
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(new)
            except Exception:  # noqa: BLE001 - a broken listener must not stop syncing
                log.exception("sync state listener failed")
        return new

    def went_offline(self, reason: str) -> None:
        if self._state.online is not False or self._state.reason != reason:
            log.warning("sync: offline (%s)", reason)
            self.update(online=False, reason=reason, changed_at=self._clock())

    def went_online(self) -> bool:
        """Mark online; True when this is a change (was offline or unknown)."""
        if self._state.online is True:
            return False
        log.info("sync: online")
        self.update(online=True, reason="online", changed_at=self._clock())
        return True
