"""Device events, shaped after UnifiedPOS: data, error, status and output complete.

Drivers emit these from their worker thread into an `EventSink`; pos_app bridges the sink to a
Qt signal, tests collect them in a list. Events are frozen values so they cross threads safely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from runtime.devices import DeviceCategory

__all__ = [
    "DataEvent",
    "DeviceCategory",
    "DeviceEvent",
    "DeviceState",
    "DeviceStatus",
    "ErrorEvent",
    "EventRecorder",
    "EventSink",
    "OutputCompleteEvent",
    "StatusEvent",
    "discard",
]


class DeviceState(StrEnum):
    """Life cycle: closed → opened → claimed → enabled (and back); error from any step."""

    CLOSED = "closed"
    OPENED = "opened"
    CLAIMED = "claimed"
    ENABLED = "enabled"
    ERROR = "error"


class DeviceStatus(StrEnum):
    """Status changes a device reports on its own (UnifiedPOS StatusUpdateEvent)."""

    ONLINE = "online"
    OFFLINE = "offline"
    PAPER_OK = "paper_ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    COVER_CLOSED = "cover_closed"
    DRAWER_OPENED = "drawer_opened"
    DRAWER_CLOSED = "drawer_closed"


@dataclass(frozen=True, slots=True)
class DataEvent:
    """Input from the device: a scan, a weight, a terminal's answer."""

    device_id: str
    data: object


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """A step failed. `retryable`: the caller may `retry()` it or `clear_error()` to give up."""

    device_id: str
    message: str
    operation: str
    retryable: bool = True


@dataclass(frozen=True, slots=True)
class StatusEvent:
    device_id: str
    status: DeviceStatus
    detail: str = ""


@dataclass(frozen=True, slots=True)
class OutputCompleteEvent:
    """An asynchronous output job (a receipt, a display write) has been fully sent."""

    device_id: str
    job_id: str


DeviceEvent = DataEvent | ErrorEvent | StatusEvent | OutputCompleteEvent
EventSink = Callable[[DeviceEvent], None]


def discard(_event: DeviceEvent) -> None:
    """An event sink that drops everything (for a device nobody listens to)."""


class EventRecorder:
    """A thread-safe sink that keeps every event in order; used by tests and health pages."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._events: list[DeviceEvent] = []

    def __call__(self, event: DeviceEvent) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def events(self) -> list[DeviceEvent]:
        with self._lock:
            return list(self._events)

    def of_type(self, kind: type) -> list[DeviceEvent]:
        return [e for e in self.events if isinstance(e, kind)]
