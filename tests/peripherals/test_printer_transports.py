"""The printer over its other transports: serial on a pseudo-terminal, a file, USB (which has no
device here and must fail clearly), and the null device when the printer cannot be reached."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from peripherals.config import Transport
from peripherals.device import DeviceError, DeviceUnavailable
from peripherals.events import (
    DeviceState,
    DeviceStatus,
    EventRecorder,
    OutputCompleteEvent,
    StatusEvent,
)
from peripherals.null_device import NullDevice
from peripherals.printer import EscposPrinter
from peripherals.printer_transport import parse_usb_ids
from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import PAPER_58MM, PAPER_80MM
from peripherals.registry import open_device
from peripherals.virtual_printer import VirtualPrinter
from tests.peripherals.printer_support import (
    escpos_printer,
    expected_lines,
    printed,
    printer_config,
    sale_receipt,
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serial_printer_on_a_pseudo_terminal() -> None:
    sale = sale_receipt()
    with VirtualPrinter().start() as vp:
        path = vp.start_pty()
        config = printer_config(transport=Transport.SERIAL, address=path, timeout_s=1.0)
        with escpos_printer(config) as (printer, events):
            vp.set_panel(paper_near_end=True)
            printer.print_document(sale, "serial-1").result(timeout=5)
            (job,) = vp.wait_for_jobs(1, timeout=5)
            printer.kick_drawer(2).result(timeout=5)
            assert printer.drawer_pin3_high().result(timeout=5) is True
            vp.answer_status("garbage")
            with pytest.raises(DeviceError, match="garbage answer"):
                printer.read_status().result(timeout=5)
    assert printed(job.lines) == expected_lines(sale, PAPER_80MM) and job.cut
    assert vp.kicks[0].pin == 2
    assert [e.status for e in events.of_type(StatusEvent)] == [DeviceStatus.PAPER_NEAR_END]  # type: ignore[attr-defined]
    assert events.of_type(OutputCompleteEvent) == [OutputCompleteEvent("front", "serial-1")]


def test_serial_port_that_does_not_exist_gives_a_null_device(tmp_path: Path) -> None:
    config = printer_config(transport=Transport.SERIAL, address=str(tmp_path / "ttyUSB9"))
    device = open_device(config, EventRecorder())
    try:
        assert isinstance(device, NullDevice)
        assert "cannot open the printer at" in device.reason and "ttyUSB9" in device.reason
    finally:
        device.shutdown()


def test_unknown_flow_control_is_refused() -> None:
    config = printer_config(transport=Transport.SERIAL, address="loop://", flow="maybe")
    device = open_device(config, EventRecorder())
    try:
        assert isinstance(device, NullDevice) and "flow control 'maybe' is unknown" in device.reason
    finally:
        device.shutdown()


def test_file_printer_writes_the_job_and_skips_status(tmp_path: Path) -> None:
    sale = sale_receipt()
    spool = tmp_path / "lp0"
    config = printer_config(transport=Transport.FILE, address=str(spool))
    with escpos_printer(config) as (printer, events):
        printer.print_document(sale, "f-1").result(timeout=5)
        printer.print_document(sale, "f-2").result(timeout=5)
        health = printer.health_check().result(timeout=5)
        with pytest.raises(DeviceError, match="cannot read its status: it is connected by file"):
            printer.read_status().result(timeout=5)
    assert spool.read_bytes() == render_escpos(sale, PAPER_80MM) * 2
    assert health.ok and "no status reporting" in health.detail
    assert len(events.of_type(OutputCompleteEvent)) == 2


def test_58mm_paper_lays_out_on_32_columns(tmp_path: Path) -> None:
    from dataclasses import replace

    sale = sale_receipt()
    spool = tmp_path / "lp0"
    config = replace(
        printer_config(transport=Transport.FILE, address=str(spool)), paper_width_mm=58
    )
    with escpos_printer(config) as (printer, _):
        assert printer.receipt_profile.columns == 32
        printer.print_document(sale, "f-1").result(timeout=5)
    assert spool.read_bytes() == render_escpos(sale, PAPER_58MM)


def test_usb_printer_that_is_not_there_fails_to_open_clearly() -> None:
    config = printer_config(transport=Transport.USB, address="04b8:0e15")
    printer = EscposPrinter(config, EventRecorder())
    try:
        with pytest.raises(DeviceError) as failed:
            printer.start()
        message = str(failed.value)
        assert message.startswith("front: ") and "USB printer 04b8:0e15" in message
        assert any(
            hint in message
            for hint in ("USB support is not installed", "was found", "libusb is installed")
        ), message
        assert printer.state is DeviceState.ERROR
    finally:
        printer.shutdown()
    device = open_device(config, EventRecorder())
    try:
        assert isinstance(device, NullDevice) and "USB printer 04b8:0e15" in device.reason
    finally:
        device.shutdown()


@pytest.mark.parametrize("address", ["04b8", "04b8:zz", "0:0e15", ""])
def test_usb_address_must_be_vendor_colon_product(address: str) -> None:
    with pytest.raises(DeviceError, match="vendor:product|0001-ffff"):
        parse_usb_ids("front", address)
    assert parse_usb_ids("front", "04B8:0e15") == (0x04B8, 0x0E15)


def test_unreachable_printer_becomes_a_null_device_that_says_why() -> None:
    sale = sale_receipt()
    events = EventRecorder()
    port = closed_port()
    device = open_device(printer_config(port), events)
    try:
        assert isinstance(device, NullDevice)
        assert f"cannot open the printer at 127.0.0.1:{port}" in device.reason
        assert "check that it is switched on" in device.reason
        with pytest.raises(DeviceUnavailable, match="front is not available: .*cannot open"):
            device.print_document(sale, "r-1").result(timeout=5)  # type: ignore[attr-defined]
        assert device.health_check().result(timeout=5).ok is False
        offline = [e for e in events.of_type(StatusEvent) if e.status is DeviceStatus.OFFLINE]  # type: ignore[attr-defined]
        assert len(offline) == 1
    finally:
        device.shutdown()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"columns": "wide"}, "option columns='wide' must be a whole number"),
        ({"cut": "perhaps"}, "option cut='perhaps' must be yes or no"),
        ({"logo": "/nowhere/logo.png"}, "receipt logo '/nowhere/logo.png' does not exist"),
        ({"status": "sometimes"}, "option status='sometimes' must be yes or no"),
    ],
)
def test_bad_options_give_a_null_device_with_the_reason(
    options: dict[str, str], reason: str
) -> None:
    with VirtualPrinter().start() as vp:
        device = open_device(printer_config(vp.port, **options), EventRecorder())
        try:
            assert isinstance(device, NullDevice) and reason in device.reason
        finally:
            device.shutdown()


def test_transport_none_is_refused() -> None:
    device = open_device(printer_config(transport=Transport.NONE), EventRecorder())
    try:
        assert isinstance(device, NullDevice)
        assert "connects over network, serial, usb or file, not 'none'" in device.reason
    finally:
        device.shutdown()
