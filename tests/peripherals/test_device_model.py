"""The device model: life cycle on a worker thread, errors with retry/clear, the null stand-in,
the driver registry (including third-party drivers from the `tillpoint.devices` entry-point
group, installed as a real distribution on sys.path) and the register's device manager."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceError, DeviceUnavailable
from peripherals.events import DeviceCategory, DeviceState, ErrorEvent, EventRecorder
from peripherals.manager import DeviceManager
from peripherals.null_device import NullDevice
from peripherals.registry import available_drivers, open_device, register_builtin
from runtime.devices import HardwareProfile


class FlakyScale(Device):
    """Fails to open `failures` times, then works; records the thread each step ran on."""

    category = DeviceCategory.SCALE
    driver_name = "flaky"
    failures = 0

    def __init__(self, config: DeviceConfig, sink: EventRecorder) -> None:
        super().__init__(config, sink)
        self.threads: set[str] = set()
        self.peers: object = None

    def bind_peers(self, lookup: object) -> None:
        self.peers = lookup

    def _do_open(self) -> None:
        self.threads.add(threading.current_thread().name)
        if FlakyScale.failures > 0:
            FlakyScale.failures -= 1
            raise DeviceError("the port is busy; close the other program")


register_builtin(DeviceCategory.SCALE, "flaky", f"{__name__}:FlakyScale")


def scale(device_id: str = "scale", driver: str = "flaky") -> DeviceConfig:
    return DeviceConfig(device_id, DeviceCategory.SCALE, driver)


def test_life_cycle_runs_on_the_devices_own_worker() -> None:
    events = EventRecorder()
    device = FlakyScale(scale(), events)
    device.start()
    assert device.state is DeviceState.ENABLED
    assert device.threads == {n for n in device.threads if n.startswith("device-scale")}
    assert threading.current_thread().name not in device.threads
    device.shutdown()
    assert device.state is DeviceState.CLOSED


def test_a_failed_step_reports_an_error_and_can_be_retried() -> None:
    FlakyScale.failures = 1
    events = EventRecorder()
    device = FlakyScale(scale(), events)
    with pytest.raises(DeviceError, match="port is busy"):
        device.open().result(5)
    assert device.state is DeviceState.ERROR
    (error,) = events.of_type(ErrorEvent)
    assert isinstance(error, ErrorEvent) and error.operation == "open" and error.retryable
    device.retry().result(5)
    assert device.state is DeviceState.OPENED
    device.shutdown()


def test_clear_error_returns_to_the_state_before() -> None:
    FlakyScale.failures = 0
    device = FlakyScale(scale(), EventRecorder())
    device.open().result(5)
    with pytest.raises(DeviceError, match="cannot enable while opened"):
        device.enable().result(5)
    assert device.state is DeviceState.ERROR
    device.clear_error()
    assert device.state is DeviceState.OPENED and device.last_error == ""
    device.shutdown()


def test_a_device_that_fails_to_open_becomes_a_null_device_that_says_why() -> None:
    FlakyScale.failures = 5
    events = EventRecorder()
    device = open_device(scale(), events)
    FlakyScale.failures = 0
    assert isinstance(device, NullDevice)
    assert device.state is DeviceState.ENABLED  # selling goes on
    report = device.health_check().result(5)
    assert not report.ok and "port is busy" in report.detail
    failed = device.read_weight()  # any category operation
    with pytest.raises(DeviceUnavailable, match="port is busy"):
        failed.result(5)
    device.shutdown()


def test_an_unknown_driver_is_a_null_device_too() -> None:
    device = open_device(scale(driver="no-such"), EventRecorder())
    assert isinstance(device, NullDevice)
    assert "no scale driver named 'no-such'" in device.reason
    device.shutdown()


def test_third_party_drivers_come_from_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "acme_scale.py"
    package.write_text(
        "from peripherals.device import Device\n"
        "from peripherals.events import DeviceCategory\n"
        "class AcmeScale(Device):\n"
        "    category = DeviceCategory.SCALE\n"
        "    driver_name = 'acme'\n"
        "    def _do_health(self):\n"
        "        return 'acme ok'\n"
    )
    dist = tmp_path / "acme_scale-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-scale\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[tillpoint.devices]\nscale:acme = acme_scale:AcmeScale\nnot-a-category:x = a:b\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert available_drivers()[(DeviceCategory.SCALE, "acme")] == "acme_scale:AcmeScale"
    device = open_device(scale(driver="acme"), EventRecorder())
    assert type(device).__name__ == "AcmeScale"
    assert device.health_check().result(5).detail == "acme ok"
    device.shutdown()
    sys.modules.pop("acme_scale", None)


def test_manager_opens_in_order_binds_peers_and_checks_health() -> None:
    FlakyScale.failures = 0
    profile = HardwareProfile(
        "P", (scale("first"), scale("second"), scale("broken", driver="no-such"))
    )
    manager = DeviceManager(profile, EventRecorder())
    manager.start()
    first, second, broken = manager.devices
    assert isinstance(second, FlakyScale) and callable(second.peers)
    assert second.peers("first") is first  # type: ignore[operator]
    assert isinstance(broken, NullDevice)
    assert manager.first(DeviceCategory.SCALE) is first
    reports = {r.device_id: r for r in manager.health()}
    assert reports["first"].ok and reports["second"].ok and not reports["broken"].ok
    manager.shutdown()
    assert first.state is DeviceState.CLOSED and manager.devices == ()


def test_a_listener_that_raises_never_breaks_the_device() -> None:
    FlakyScale.failures = 1

    def bad_sink(event: object) -> None:
        raise RuntimeError("listener bug")

    device = FlakyScale(scale(), bad_sink)  # type: ignore[arg-type]
    with pytest.raises(DeviceError):
        device.open().result(5)
    device.retry().result(5)
    assert device.state is DeviceState.OPENED
    device.shutdown()
