"""The stand-in for a device that failed to open: it says why, and selling goes on.

Every life-cycle step succeeds (so start-up never stalls on it), the health check reports the
original failure, and any category operation (print, kick the drawer, read the weight...) answers
a future failed with `DeviceUnavailable` carrying that reason, which callers already handle: a
receipt goes to the reprint queue, a weighed item asks for a keyed weight.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, ClassVar

from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceUnavailable
from peripherals.events import DeviceCategory, DeviceStatus, EventSink


class NullDevice(Device):
    """Replaces a device of any category that could not be created or opened."""

    category: ClassVar[DeviceCategory]
    driver_name: ClassVar[str] = "null"

    def __init__(self, config: DeviceConfig, sink: EventSink, reason: str) -> None:
        super().__init__(config, sink)
        self.category = config.category  # type: ignore[misc]
        self.reason = reason

    def _do_open(self) -> None:
        self.emit_status(DeviceStatus.OFFLINE, self.reason)

    def _do_health(self) -> str:
        from peripherals.device import DeviceError

        raise DeviceError(f"{self.device_id} is not available: {self.reason}", retryable=False)

    def unavailable(self, operation: str) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(
            DeviceUnavailable(f"{self.device_id} is not available: {self.reason}", retryable=False)
        )
        return future

    def __getattr__(self, name: str) -> Callable[..., Future[Any]]:
        # Only reached for names the base class lacks: a category operation such as
        # print_document or read_weight. Private names stay real AttributeErrors.
        if name.startswith("_"):
            raise AttributeError(name)

        def operation(*_args: object, **_kwargs: object) -> Future[Any]:
            return self.unavailable(name)

        return operation
