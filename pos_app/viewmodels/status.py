"""The status bar's figures: sync (online/offline, unsent sales and the age of the oldest),
device health, operator and shift.

Sync: when the runtime offers a sync status (the sync helper's `sync_status()`), it is used;
until then the outbox is read directly and the bar says sync is not configured. Reads only: run
on the background pool, never on the UI thread.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pos_app.viewmodels.views import DeviceLight, StatusSnapshot

if TYPE_CHECKING:
    from pos_app.composition import Register


def age_text(seconds: float) -> str:
    """A short age: 45 s, 12 min, 3 h, 2 d."""
    if seconds < 90:
        return f"{int(seconds)} s"
    if seconds < 90 * 60:
        return f"{int(seconds // 60)} min"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def _parse_when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


class StatusViewModel:
    """`sync`: the register's running sync service (anything with a `state` SyncState), or
    None when the register is not activated."""

    def __init__(self, register: Register, sync: Any = None) -> None:
        self.register = register
        self.sync = sync

    def snapshot(self, now: dt.datetime | None = None) -> StatusSnapshot:
        now = now or dt.datetime.now(dt.UTC)
        rt = self.register.runtime
        sync_text, sync_state, unsent, oldest = self._sync(now)
        session = rt.session
        operator = ""
        if session.operator_id is not None:
            operator = f"{session.operator_name or session.operator_id} ({session.operator_id})"
            if session.locked_by:
                operator += " · locked"
        shift = rt.current_shift
        return StatusSnapshot(
            sync_text, sync_state, unsent, oldest, self.devices(), operator,
            shift.label if shift is not None else "",
        )

    def _sync(self, now: dt.datetime) -> tuple[str, str, int, str]:
        rt = self.register.runtime
        if self.sync is not None:
            return self._from_sync_state(self.sync.state, now)
        status_call = getattr(rt, "sync_status", None)
        if callable(status_call):  # the sync helper's port, once it exists
            status = status_call()
            online = bool(getattr(status, "online", False))
            unsent = int(getattr(status, "unsent", getattr(status, "pending", 0)) or 0)
            oldest_at = _parse_when(getattr(status, "oldest_unsent_at", None))
            oldest = age_text((now - oldest_at).total_seconds()) if oldest_at else ""
            text = "Online" if online else "Offline"
            state = "ok" if online else ("error" if unsent else "warn")
            return text, state, unsent, oldest
        from local_db.outbox import pending_summary  # off the start-up path

        count, oldest_iso = pending_summary(self.register.database, rt.register.register_id)
        oldest_at = _parse_when(oldest_iso)
        oldest = age_text(max(0.0, (now - oldest_at).total_seconds())) if oldest_at else ""
        return "Sync not configured", "warn", count, oldest

    @staticmethod
    def _from_sync_state(state: Any, now: dt.datetime) -> tuple[str, str, int, str]:
        """The sync service's snapshot: online/offline (and why), unsent, oldest, alerts."""
        unsent = int(state.unsent)
        oldest_at = _parse_when(state.oldest_unsent_at)
        oldest = age_text(max(0.0, (now - oldest_at).total_seconds())) if oldest_at else ""
        if state.alert:
            return f"Sync needs attention: {state.alert}", "error", unsent, oldest
        if state.online is None:
            return "Connecting…", "warn", unsent, oldest
        if state.online:
            return "Online", "ok", unsent, oldest
        return f"Offline: {state.reason}", "error" if unsent else "warn", unsent, oldest

    def devices(self) -> tuple[DeviceLight, ...]:
        """Each device's state as last seen (no I/O): a null device or an error is not ok."""
        devices = self.register.devices
        if devices is None:
            return ()
        from peripherals.events import DeviceState
        from peripherals.null_device import NullDevice

        lights = []
        for device in devices.manager.devices:
            if isinstance(device, NullDevice):
                lights.append(DeviceLight(device.device_id, False, device.reason))
                continue
            state = device.state
            ok = state is DeviceState.ENABLED
            lights.append(DeviceLight(device.device_id, ok, state.value))
        return tuple(lights)
