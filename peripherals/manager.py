"""The devices of one register, opened from its hardware profile.

Devices open in profile order (a printer before the drawer kicked through it); each one that
fails becomes a NullDevice that says why, so the register starts and sells regardless. The
manager lists the devices, runs a health check on each in parallel (every device on its own
worker) and shuts them all down.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future

from peripherals.device import Device, HealthReport
from peripherals.events import DeviceCategory, DeviceState, EventSink, discard
from peripherals.null_device import NullDevice
from peripherals.registry import open_device
from runtime.devices import HardwareProfile


class DeviceManager:
    def __init__(self, profile: HardwareProfile | None, sink: EventSink = discard) -> None:
        self.profile = profile
        self._sink = sink
        self._devices: dict[str, Device] = {}

    def start(self, timeout: float | None = None) -> None:
        """Open, claim and enable every device of the profile, in order."""
        if self.profile is None:
            return
        for config in self.profile.devices:
            self._devices[config.device_id] = open_device(
                config, self._sink, timeout, peers=self._devices.get
            )

    @property
    def devices(self) -> Sequence[Device]:
        return tuple(self._devices.values())

    def get(self, device_id: str) -> Device | None:
        return self._devices.get(device_id)

    def first(self, category: DeviceCategory) -> Device | None:
        """The first working device of `category`, else its null stand-in, else None."""
        found = [d for d in self._devices.values() if d.category is category]
        for device in found:
            if not isinstance(device, NullDevice) and device.state is DeviceState.ENABLED:
                return device
        return found[0] if found else None

    def health(self, timeout: float = 10.0) -> list[HealthReport]:
        """A health check on every device, run side by side; a device that does not answer
        within `timeout` is reported as not answering."""
        pending: list[tuple[Device, Future[HealthReport]]] = [
            (d, d.health_check()) for d in self._devices.values()
        ]
        reports: list[HealthReport] = []
        for device, future in pending:
            try:
                reports.append(future.result(timeout))
            except Exception as exc:  # noqa: BLE001 - a timeout or a dead worker is a report
                reports.append(
                    HealthReport(
                        device.device_id, device.category, device.driver_name, False,
                        device.state, f"no answer to the health check ({exc or 'timeout'})",
                    )
                )  # fmt: skip
        return reports

    def shutdown(self, timeout: float = 5.0) -> None:
        """Close every device, last opened first (the drawer before its printer)."""
        for device in reversed(list(self._devices.values())):
            device.shutdown(timeout)
        self._devices.clear()
