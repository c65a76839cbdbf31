"""Cash drawers against our virtual printer: kicked through the printer (pin 2 or 5, sensor via
DLE EOT 1) and on a serial port of their own (a pseudo-terminal)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from peripherals.config import DeviceConfig, Transport
from peripherals.device import Device, DeviceError
from peripherals.drawer import PrinterKickDrawer, SerialDrawer
from peripherals.events import DeviceCategory, DeviceStatus, EventRecorder, StatusEvent
from peripherals.null_device import NullDevice
from peripherals.printer import EscposPrinter
from peripherals.registry import open_device
from peripherals.virtual_printer import VirtualPrinter
from peripherals.virtual_printer_protocol import Kick
from tests.peripherals.printer_support import printer_config, running


def drawer_config(driver: str = "printer_kick", pin: int = 2, **options: str) -> DeviceConfig:
    return DeviceConfig(
        "till",
        DeviceCategory.CASH_DRAWER,
        driver,
        Transport.NONE,
        drawer_pin=pin,
        timeout_s=1.0,
        options={"printer": "front", "poll_ms": "10", "settle_ms": "0", **options},
    )


def drawer_events(events: EventRecorder) -> list[DeviceStatus]:
    return [
        e.status  # type: ignore[attr-defined]
        for e in events.of_type(StatusEvent)
        if e.status in (DeviceStatus.DRAWER_OPENED, DeviceStatus.DRAWER_CLOSED)  # type: ignore[attr-defined]
    ]


@pytest.fixture
def vp() -> Iterator[VirtualPrinter]:
    with VirtualPrinter().start() as printer:
        yield printer


@pytest.fixture
def printer(vp: VirtualPrinter) -> Iterator[EscposPrinter]:
    device = EscposPrinter(printer_config(vp.port), EventRecorder())
    with running(device):
        yield device


def kick_drawer(
    printer: Device, pin: int = 2, **options: str
) -> tuple[PrinterKickDrawer, EventRecorder]:
    events = EventRecorder()
    drawer = PrinterKickDrawer(drawer_config(pin=pin, **options), events)
    drawer.bind_peers({"front": printer}.get)
    return drawer, events


@pytest.mark.parametrize("pin", [2, 5])
def test_kick_through_the_printer_on_the_configured_pin(
    vp: VirtualPrinter, printer: EscposPrinter, pin: int
) -> None:
    drawer, events = kick_drawer(printer, pin)
    with running(drawer):
        assert drawer.is_open().result(timeout=5) is False
        drawer.open_drawer().result(timeout=5)
        assert vp.wait_for_kicks(1, timeout=5) == [Kick(pin, 100)]
        assert drawer.is_open().result(timeout=5) is True
        vp.close_drawer()
        assert drawer.wait_for_close(2).result(timeout=5) is True
    assert drawer_events(events) == [DeviceStatus.DRAWER_OPENED, DeviceStatus.DRAWER_CLOSED]


def test_wait_for_close_gives_false_when_the_drawer_stays_open(
    vp: VirtualPrinter, printer: EscposPrinter
) -> None:
    drawer, events = kick_drawer(printer)
    with running(drawer):
        drawer.open_drawer().result(timeout=5)
        assert drawer.wait_for_close(0.2).result(timeout=5) is False
        assert vp.drawer_open
    assert drawer_events(events) == [DeviceStatus.DRAWER_OPENED]


def test_wait_for_close_sees_the_drawer_closed_later(
    vp: VirtualPrinter, printer: EscposPrinter
) -> None:
    drawer, events = kick_drawer(printer)
    with running(drawer):
        drawer.open_drawer().result(timeout=5)
        waiting = drawer.wait_for_close(5)
        threading.Timer(0.2, vp.close_drawer).start()
        assert waiting.result(timeout=10) is True
    assert drawer_events(events) == [DeviceStatus.DRAWER_OPENED, DeviceStatus.DRAWER_CLOSED]


def test_settle_time_keeps_a_slow_drawer_from_counting_as_closed(
    vp: VirtualPrinter, printer: EscposPrinter
) -> None:
    vp.drawer_follows_kick = False  # the drawer has not sprung open (yet)
    rounds = []
    for settle in ("0", "300"):
        drawer, _ = kick_drawer(printer, settle_ms=settle)
        with running(drawer):
            drawer.open_drawer().result(timeout=5)
            before = vp.status_requests
            assert drawer.wait_for_close(5).result(timeout=10) is True
            rounds.append((vp.status_requests - before) // 3)  # DLE EOT 1, 2, 4 per reading
    # without settling the first closed reading ends the wait; with it, the sensor is read
    # again until the settle time after the kick is over
    assert rounds[0] == 1 and rounds[1] >= 2


def test_a_sensor_wired_the_other_way_round(printer: EscposPrinter) -> None:
    drawer, _ = kick_drawer(printer, open_level="low")
    with running(drawer):
        assert drawer.is_open().result(timeout=5) is True  # pin 3 low reads open


def test_drawer_opens_while_the_paper_is_out(vp: VirtualPrinter, printer: EscposPrinter) -> None:
    vp.set_panel(paper_out=True)
    drawer, _ = kick_drawer(printer)
    with running(drawer):
        drawer.open_drawer().result(timeout=5)
        assert vp.wait_for_kicks(1, timeout=5) == [Kick(2, 100, realtime=True)]


def test_a_failing_printer_fails_the_drawer_clearly(
    vp: VirtualPrinter, printer: EscposPrinter
) -> None:
    drawer, _ = kick_drawer(printer)
    with running(drawer):
        vp.answer_status("garbage")
        with pytest.raises(DeviceError, match="till: cannot read the drawer sensor: .*garbage"):
            drawer.is_open().result(timeout=5)


def test_no_sensor_means_no_reading(printer: EscposPrinter) -> None:
    drawer, _ = kick_drawer(printer, sensor="off")
    with running(drawer):
        drawer.open_drawer().result(timeout=5)  # the kick still goes out
        with pytest.raises(DeviceError, match="has no sensor"):
            drawer.wait_for_close(1).result(timeout=5)


def test_the_drawer_needs_its_printer() -> None:
    alone = PrinterKickDrawer(drawer_config(), EventRecorder())
    try:
        with pytest.raises(DeviceError, match="printer 'front' is not in this register's"):
            alone.start()
    finally:
        alone.shutdown()
    device = open_device(drawer_config(printer=""), EventRecorder())
    try:
        assert isinstance(device, NullDevice) and "needs options['printer']" in device.reason
    finally:
        device.shutdown()


def test_a_drawer_on_a_null_printer_reports_the_printer_problem() -> None:
    null = NullDevice(printer_config(9), EventRecorder(), "cannot open the printer")
    null.start()
    drawer, _ = kick_drawer(null)
    try:  # it does not open, so the register replaces it by a null device that says why
        with pytest.raises(DeviceError, match="kicked through is not available .*cannot open"):
            drawer.start()
    finally:
        drawer.shutdown()
        null.shutdown()


def test_serial_drawer_on_a_pseudo_terminal(vp: VirtualPrinter) -> None:
    path = vp.start_pty()
    events = EventRecorder()
    config = replace(drawer_config("serial", pin=5), transport=Transport.SERIAL, address=path)
    drawer = SerialDrawer(config, events)
    with running(drawer):
        assert drawer.is_open().result(timeout=5) is False
        drawer.open_drawer().result(timeout=5)
        assert vp.wait_for_kicks(1, timeout=5) == [Kick(5, 100)]
        assert drawer.is_open().result(timeout=5) is True
        vp.close_drawer()
        assert drawer.wait_for_close(2).result(timeout=5) is True
    assert drawer_events(events) == [DeviceStatus.DRAWER_OPENED, DeviceStatus.DRAWER_CLOSED]


def test_serial_drawer_with_its_own_commands(vp: VirtualPrinter) -> None:
    path = vp.start_pty()
    options = {"open_command": "10140100 02", "status_command": "1d7202", "status_mask": "01"}
    config = replace(drawer_config("serial", **options), transport=Transport.SERIAL, address=path)
    with running(SerialDrawer(config, EventRecorder())) as drawer:
        drawer.open_drawer().result(timeout=5)  # type: ignore[attr-defined]
        assert vp.wait_for_kicks(1, timeout=5) == [Kick(2, 200, realtime=True)]
        assert drawer.is_open().result(timeout=5) is True  # type: ignore[attr-defined]  # GS r 2


def test_serial_drawer_that_does_not_answer_times_out(vp: VirtualPrinter) -> None:
    path = vp.start_pty()
    vp.answer_status("silent")
    config = replace(
        drawer_config("serial"), transport=Transport.SERIAL, address=path, timeout_s=0.2
    )
    with running(SerialDrawer(config, EventRecorder())) as drawer:
        with pytest.raises(DeviceError, match="did not answer its status request within 0.2 s"):
            drawer.is_open().result(timeout=5)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"open_command": "zz"}, "open_command='zz' must be hex bytes"),
        ({"status_mask": "0102"}, "status_mask must be one non-zero byte"),
        ({"open_level": "sideways"}, "open_level must be high or low"),
        ({"poll_ms": "soon"}, "poll_ms must be a whole number of milliseconds"),
    ],
)
def test_bad_serial_drawer_options_are_named(
    vp: VirtualPrinter, options: dict[str, str], reason: str
) -> None:
    path = vp.start_pty()
    config = replace(drawer_config("serial", **options), transport=Transport.SERIAL, address=path)
    device = open_device(config, EventRecorder())
    try:
        assert isinstance(device, NullDevice) and reason in device.reason
    finally:
        device.shutdown()


def test_the_drawer_opens_after_a_receipt_failed_for_want_of_paper(
    vp: VirtualPrinter, printer: EscposPrinter
) -> None:
    from tests.peripherals.printer_support import sale_receipt

    vp.set_panel(paper_out=True)
    with pytest.raises(DeviceError, match="the paper is out"):
        printer.print_document(sale_receipt(), "r-1").result(timeout=5)
    assert printer.state.value == "error"
    drawer, events = kick_drawer(printer)
    with running(drawer):
        drawer.open_drawer().result(timeout=5)  # the cashier can still give change
        assert vp.wait_for_kicks(1, timeout=5) == [Kick(2, 100, realtime=True)]
        assert drawer.is_open().result(timeout=5) is True
    assert drawer_events(events) == [DeviceStatus.DRAWER_OPENED]
    assert printer.state.value == "error"  # the receipt's failure is still there to handle
