"""Serial scanners on a real pseudo-terminal: codes split on the suffix, parsed, emitted while
enabled, dropped while disabled; a lost port is reported and `retry()` reopens it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from peripherals.config import DeviceConfig, Transport
from peripherals.device import DeviceError
from peripherals.events import (
    DataEvent,
    DeviceCategory,
    DeviceState,
    DeviceStatus,
    ErrorEvent,
    EventRecorder,
    StatusEvent,
)
from peripherals.null_device import NullDevice
from peripherals.registry import open_device
from peripherals.scan_parse import ScanKind, ScanResult
from peripherals.scanner import SerialScanner
from peripherals.virtual_scale import PtyPair


def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def scans(events: EventRecorder) -> list[ScanResult]:
    return [e.data for e in events.of_type(DataEvent)]  # type: ignore[attr-defined]


def config(address: str, suffix: str = "\r", **options: str) -> DeviceConfig:
    return DeviceConfig(
        "scan1",
        DeviceCategory.SCANNER,
        "serial",
        Transport.SERIAL,
        address,
        scanner_suffix=suffix,
        timeout_s=1,
        options=options,
    )


@pytest.fixture
def pty() -> Iterator[PtyPair]:
    pair = PtyPair()
    yield pair
    pair.close()


@pytest.fixture
def scanner(pty: PtyPair) -> Iterator[tuple[SerialScanner, EventRecorder]]:
    events = EventRecorder()
    device = open_device(config(pty.path), events, timeout=5)
    assert isinstance(device, SerialScanner), getattr(device, "reason", device)
    yield device, events
    device.shutdown()


def test_scans_arrive_parsed(scanner: tuple[SerialScanner, EventRecorder], pty: PtyPair) -> None:
    device, events = scanner
    pty.write(b"5901234123457\r")
    wait_until(lambda: len(scans(events)) == 1)
    result = scans(events)[0]
    assert result.ok and result.lookup_code == "5901234123457"
    assert events.of_type(DataEvent)[0].device_id == "scan1"


def test_codes_split_across_writes_and_several_in_one_write(
    scanner: tuple[SerialScanner, EventRecorder], pty: PtyPair
) -> None:
    _device, events = scanner
    pty.write(b"59012341")
    time.sleep(0.1)
    pty.write(b"23457\r96385074\r]C10109501101020917")
    pty.write(b"10LOT1\r")
    wait_until(lambda: len(scans(events)) == 3)
    got = scans(events)
    assert [r.lookup_code for r in got] == ["5901234123457", "0000096385074", "9501101020917"]
    assert got[2].batch == "LOT1" and got[2].kind is ScanKind.GS1


def test_crlf_from_the_scanner_with_a_cr_suffix_gives_no_empty_scans(
    scanner: tuple[SerialScanner, EventRecorder], pty: PtyPair
) -> None:
    _device, events = scanner
    pty.write(b"96385074\r\n73513537\r\n")
    wait_until(lambda: len(scans(events)) == 2)
    time.sleep(0.1)
    assert [r.lookup_code for r in scans(events)] == ["0000096385074", "0000073513537"]


def test_bad_codes_arrive_as_results_with_reasons(
    scanner: tuple[SerialScanner, EventRecorder], pty: PtyPair
) -> None:
    device, events = scanner
    pty.write(b"5901234123458\r\xff\xfe\x80\r")
    wait_until(lambda: len(scans(events)) == 2)
    wrong, noise = scans(events)
    assert "check digit 8 is wrong" in wrong.message
    assert "not text: check that its baud rate" in noise.message
    pty.write(b"1" * 600)  # a scanner whose suffix is set differently
    wait_until(lambda: len(scans(events)) == 3)
    assert "without its suffix '\\r'" in scans(events)[2].message
    assert device.state is DeviceState.ENABLED  # bad input never breaks the device


def test_scans_while_disabled_are_dropped_not_queued(
    scanner: tuple[SerialScanner, EventRecorder], pty: PtyPair
) -> None:
    device, events = scanner
    device.disable().result(5)
    pty.write(b"5901234123457\r")
    wait_until(lambda: device.dropped == 1)
    device.enable().result(5)
    pty.write(b"96385074\r")
    wait_until(lambda: len(scans(events)) == 1)
    time.sleep(0.05)
    assert [r.lookup_code for r in scans(events)] == ["0000096385074"]


def test_tab_suffix_from_the_profile(pty: PtyPair) -> None:
    events = EventRecorder()
    device = SerialScanner(config(pty.path, suffix="\t"), events)
    try:
        device.start(timeout=5)
        pty.write(b"96385074\t5901234123457\t")
        wait_until(lambda: len(scans(events)) == 2)
        assert [r.symbology.value for r in scans(events)] == ["EAN-8", "EAN-13"]
    finally:
        device.shutdown()


def test_lost_port_goes_offline_and_retry_reopens_it(tmp_path: Path) -> None:
    first, second = PtyPair(), PtyPair()
    link = tmp_path / "scanner"
    link.symlink_to(first.path)
    events = EventRecorder()
    device = SerialScanner(config(str(link)), events)
    try:
        device.start(timeout=5)
        first.close()  # the cable is pulled
        wait_until(lambda: device.state is DeviceState.ERROR)
        offline = [e for e in events.of_type(StatusEvent) if e.status is DeviceStatus.OFFLINE]
        assert offline and "was lost" in offline[0].detail  # type: ignore[attr-defined]
        errors = events.of_type(ErrorEvent)
        assert errors and errors[-1].operation == "reconnect"  # type: ignore[attr-defined]
        assert "check the cable or USB adapter" in errors[-1].message  # type: ignore[attr-defined]
        health = device.health_check().result(5)
        assert not health.ok
        link.unlink()
        link.symlink_to(second.path)  # plugged in again
        device.retry().result(5)
        assert device.state is DeviceState.ENABLED
        online = [e for e in events.of_type(StatusEvent) if e.status is DeviceStatus.ONLINE]
        assert online
        second.write(b"5901234123457\r")
        wait_until(lambda: len(scans(events)) == 1)
        assert device.health_check().result(5).ok
    finally:
        device.shutdown()
        first.close()
        second.close()


def test_missing_port_becomes_a_null_device_with_the_reason(tmp_path: Path) -> None:
    events = EventRecorder()
    device = open_device(config(str(tmp_path / "no-such-port")), events, timeout=5)
    try:
        assert isinstance(device, NullDevice)
        assert "cannot open the scanner port" in device.reason
        assert "check the cable or USB adapter" in device.reason
    finally:
        device.shutdown()


def test_a_scanner_needs_a_suffix_and_a_port() -> None:
    with pytest.raises(ValueError, match="needs a suffix"):
        SerialScanner(config("/dev/null", suffix=""), EventRecorder())
    device = SerialScanner(config(""), EventRecorder())
    try:
        with pytest.raises(DeviceError, match="no serial port configured"):
            device.open().result(5)
    finally:
        device.shutdown()
