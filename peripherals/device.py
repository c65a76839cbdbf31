"""The device model every driver follows: UnifiedPOS life cycle on a worker thread of its own.

Each `Device` owns a single-thread executor; every step (open, claim, enable, a print job, a
weight request) runs there and returns a `Future`, so the UI thread never waits on device I/O.
A failing step moves the device to ERROR and emits an `ErrorEvent`; the caller chooses to
`retry()` the failed step or `clear_error()` and carry on without it.

Drivers subclass and override the `_do_*` hooks, which run on the worker thread and raise
`DeviceError` (with a message a cashier can act on) when the hardware misbehaves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from peripherals.config import DeviceConfig
from peripherals.events import (
    DeviceCategory,
    DeviceEvent,
    DeviceState,
    DeviceStatus,
    ErrorEvent,
    EventSink,
    StatusEvent,
)

T = TypeVar("T")


class DeviceError(Exception):
    """A device step failed; the message says what happened and what to do."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class DeviceUnavailable(DeviceError):
    """The device is not there (a null device, or closed): the caller falls back."""


@dataclass(frozen=True, slots=True)
class HealthReport:
    device_id: str
    category: DeviceCategory
    driver: str
    ok: bool
    state: DeviceState
    detail: str


_STEPS: dict[str, tuple[tuple[DeviceState, ...], DeviceState]] = {
    # step: (states it may start from, state after success)
    "open": ((DeviceState.CLOSED,), DeviceState.OPENED),
    "claim": ((DeviceState.OPENED,), DeviceState.CLAIMED),
    "enable": ((DeviceState.CLAIMED,), DeviceState.ENABLED),
    "disable": ((DeviceState.ENABLED,), DeviceState.CLAIMED),
    "release": ((DeviceState.CLAIMED,), DeviceState.OPENED),
    "close": (
        (DeviceState.OPENED, DeviceState.CLAIMED, DeviceState.ENABLED, DeviceState.ERROR),
        DeviceState.CLOSED,
    ),
}


class Device:
    """Base of every device: life cycle, worker thread, events, error/retry."""

    category: ClassVar[DeviceCategory]
    driver_name: ClassVar[str] = "base"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        self.config = config
        self._sink = sink
        self._state = DeviceState.CLOSED
        self._before_error = DeviceState.CLOSED
        self._failed: tuple[str, Callable[[], object]] | None = None
        self._last_error = ""
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"device-{config.device_id}"
        )

    # ------------------------------------------------------------------ state
    @property
    def device_id(self) -> str:
        return self.config.device_id

    @property
    def state(self) -> DeviceState:
        with self._lock:
            return self._state

    @property
    def last_error(self) -> str:
        with self._lock:
            return self._last_error

    def _set_state(self, state: DeviceState) -> None:
        with self._lock:
            self._state = state

    def emit(self, event: DeviceEvent) -> None:
        """Deliver an event; a listener that raises never breaks the driver."""
        try:
            self._sink(event)
        except Exception:  # noqa: BLE001 - a broken listener must not stop the device
            pass

    def emit_status(self, status: DeviceStatus, detail: str = "") -> None:
        self.emit(StatusEvent(self.device_id, status, detail))

    # ------------------------------------------------------------------ worker
    def submit(self, operation: str, work: Callable[[], T]) -> Future[T]:
        """Run `work` on the device's worker thread; a DeviceError puts the device in ERROR."""

        def run() -> T:
            try:
                return work()
            except DeviceError as exc:
                self._fail(operation, work, str(exc), exc.retryable)
                raise
            except Exception as exc:  # a driver bug or an OS error: report it, do not hang
                message = f"{operation} failed: {exc.__class__.__name__}: {exc}"
                self._fail(operation, work, message, True)
                raise DeviceError(message) from exc

        return self._worker.submit(run)

    def _fail(self, operation: str, work: Callable[[], object], message: str, retry: bool) -> None:
        with self._lock:
            if self._state is not DeviceState.ERROR:
                self._before_error = self._state
            self._state = DeviceState.ERROR
            self._failed = (operation, work)
            self._last_error = message
        self.emit(ErrorEvent(self.device_id, message, operation, retry))

    def retry(self) -> Future[object]:
        """Run the step that failed again, from the state the device was in before it."""
        with self._lock:
            failed = self._failed
            if failed is None:
                raise DeviceError(f"{self.device_id}: nothing to retry", retryable=False)
            self._state = self._before_error
            self._failed = None
        operation, work = failed
        return self.submit(operation, work)

    def clear_error(self) -> None:
        """Give up on the failed step and go back to the state before it."""
        with self._lock:
            if self._state is DeviceState.ERROR:
                self._state = self._before_error
            self._failed = None
            self._last_error = ""

    # ------------------------------------------------------------------ life cycle
    def _step(self, name: str, hook: Callable[[], None]) -> Future[None]:
        allowed, after = _STEPS[name]

        def work() -> None:
            current = self.state
            if current not in allowed:
                raise DeviceError(
                    f"{self.device_id}: cannot {name} while {current.value}", retryable=False
                )
            hook()
            self._set_state(after)

        return self.submit(name, work)

    def open(self) -> Future[None]:
        return self._step("open", self._do_open)

    def claim(self) -> Future[None]:
        return self._step("claim", self._do_claim)

    def enable(self) -> Future[None]:
        return self._step("enable", self._do_enable)

    def disable(self) -> Future[None]:
        return self._step("disable", self._do_disable)

    def release(self) -> Future[None]:
        return self._step("release", self._do_release)

    def close(self) -> Future[None]:
        return self._step("close", self._do_close)

    def start(self, timeout: float | None = None) -> None:
        """open → claim → enable, waiting for each; raises DeviceError on the first failure."""
        for step in (self.open, self.claim, self.enable):
            step().result(timeout if timeout is not None else self.config.timeout_s * 3)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Disable, release and close whatever state the device is in, then stop the worker."""
        for name, step in (("disable", self.disable), ("release", self.release)):
            if self.state in _STEPS[name][0]:
                try:
                    step().result(timeout)
                except Exception:  # noqa: BLE001 - shutting down regardless
                    pass
        if self.state is not DeviceState.CLOSED:
            try:
                self.close().result(timeout)
            except Exception:  # noqa: BLE001
                pass
        self._worker.shutdown(wait=True, cancel_futures=True)

    def health_check(self) -> Future[HealthReport]:
        """Ask the hardware whether it answers; never raises through the future."""

        def work() -> HealthReport:
            try:
                detail = self._do_health()
                ok = self.state is not DeviceState.ERROR
            except DeviceError as exc:
                ok, detail = False, str(exc)
            except Exception as exc:  # noqa: BLE001 - a health check reports, never raises
                ok, detail = False, f"{exc.__class__.__name__}: {exc}"
            return HealthReport(
                self.device_id, self.category, self.driver_name, ok, self.state, detail
            )

        return self._worker.submit(work)

    # ------------------------------------------------------------------ driver hooks
    def _do_open(self) -> None:
        """Connect to the hardware (socket, serial port, file)."""

    def _do_claim(self) -> None:
        """Take exclusive use of the device."""

    def _do_enable(self) -> None:
        """Start delivering input / accepting output."""

    def _do_disable(self) -> None:
        """Stop delivering input events."""

    def _do_release(self) -> None:
        """Give up exclusive use."""

    def _do_close(self) -> None:
        """Disconnect."""

    def _do_health(self) -> str:
        """Probe the hardware; return a short status text or raise DeviceError."""
        return self.state.value

    def require_enabled(self) -> None:
        """Raise a clear DeviceError unless the device is enabled (call from drivers)."""
        state = self.state
        if state is not DeviceState.ENABLED:
            detail = f": {self.last_error}" if self.last_error else ""
            raise DeviceError(f"{self.device_id} is {state.value}{detail}")
