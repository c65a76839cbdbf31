"""The ESC/POS customer display against our virtual 2×20 display over TCP (and a pty)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest

from peripherals.config import DeviceConfig, Transport
from peripherals.device import DeviceError
from peripherals.events import (
    DeviceCategory,
    DeviceState,
    ErrorEvent,
    EventRecorder,
    OutputCompleteEvent,
)
from peripherals.line_display import (
    EscposLineDisplay,
    code_page,
    cursor,
    encode,
    fit,
    row,
)
from peripherals.null_device import NullDevice
from peripherals.registry import open_device
from peripherals.virtual_display import DisplayDecoder, VirtualDisplay
from peripherals.virtual_scale import PtyPair


def display_config(port: int, **options: str) -> DeviceConfig:
    return DeviceConfig(
        "display1",
        DeviceCategory.LINE_DISPLAY,
        "escpos",
        Transport.NETWORK,
        "127.0.0.1",
        port,
        timeout_s=1,
        options=options,
    )


@pytest.fixture
def rig() -> Iterator[tuple[VirtualDisplay, EscposLineDisplay, EventRecorder]]:
    virtual = VirtualDisplay()
    virtual.start()
    events = EventRecorder()
    device = open_device(display_config(virtual.port), events, timeout=5)
    assert isinstance(device, EscposLineDisplay), getattr(device, "reason", device)
    yield virtual, device, events
    device.shutdown()
    virtual.stop()


# ---------------------------------------------------------------------------- layout helpers
def test_fit_cuts_and_pads_to_twenty_columns() -> None:
    assert fit("abc") == "abc" + " " * 17
    assert fit("x" * 30) == "x" * 20
    assert fit("abc", align="right") == " " * 17 + "abc"
    assert fit("ab", align="center") == " " * 9 + "ab" + " " * 9
    assert fit("a\tb\x1bc") == "a b?c" + " " * 15  # no control byte reaches the display


def test_row_keeps_the_amount_and_shortens_the_name() -> None:
    assert row("Milk", "€1.09") == "Milk" + " " * 11 + "€1.09"
    assert row("A very long product name", "€123.45") == "A very long " + " €123.45"
    assert len(row("x" * 40, "y" * 40)) == 20


def test_encode_pins_the_code_page_and_degrades_gracefully() -> None:
    table, codec = code_page("CP858")
    assert (table, codec) == (19, "cp858")
    assert encode("€ é", codec) == b"\xd5 \x82"
    assert encode("ő", codec) == b"o"  # not in CP858: loses its accent
    assert encode("漢", codec) == b"?"
    with pytest.raises(ValueError, match="no code page 'CP999'"):
        code_page("CP999")


# ---------------------------------------------------------------------------- on the wire
def test_show_writes_both_lines(rig) -> None:
    virtual, display, events = rig
    display.show("Hello", "World").result(5)
    assert virtual.wait_for("Hello", "World")
    assert virtual.unknown == []
    assert display.shown == (fit("Hello"), fit("World"))
    assert [e.job_id for e in events.of_type(OutputCompleteEvent)] == ["display1-1"]  # type: ignore[attr-defined]


def test_connect_initialises_and_pins_the_code_page(rig) -> None:
    virtual, display, _ = rig
    display.show("a", "b").result(5)
    assert virtual.wait_for("a", "b")
    sent = bytes(virtual.received)
    assert sent.startswith(b"\x1b@\x1bt\x13\x1f\x01\x1fC\x00\x0c")
    assert cursor(1, 1) in sent and cursor(1, 2) in sent


def test_show_item_with_euro_and_accents(rig) -> None:
    virtual, display, _ = rig
    display.show_item("Crème brûlée", Decimal("4.5"), Decimal("123.45")).result(5)
    assert virtual.wait_for("Crème brûlée   €4.50", "TOTAL        €123.45")


def test_show_change(rig) -> None:
    virtual, display, _ = rig
    display.show_change(Decimal("12.34"), Decimal("20"), Decimal("7.66")).result(5)
    assert virtual.wait_for("PAID          €20.00", "CHANGE         €7.66")


def test_show_change_puts_total_and_paid_on_one_line_when_they_fit() -> None:
    with VirtualDisplay() as virtual:
        config = display_config(virtual.port, label_total="T", label_paid="P", label_change="C")
        display = EscposLineDisplay(config, EventRecorder())
        try:
            display.start(timeout=5)
            display.show_change(Decimal("3"), Decimal("5"), Decimal("2")).result(5)
            assert virtual.wait_for("T €3.00      P €5.00", "C              €2.00")
        finally:
            display.shutdown()


def test_welcome_is_centred_and_split_at_a_space(rig) -> None:
    virtual, display, _ = rig
    display.show_welcome().result(5)
    assert virtual.wait_for("      Welcome       ", "")
    display.show_welcome("Welcome to Tillpoint, have a nice day").result(5)
    assert virtual.wait_for("     Welcome to     ", "Tillpoint, have a ni")


def test_clear_blanks_both_lines(rig) -> None:
    virtual, display, _ = rig
    display.show("x", "y").result(5)
    display.clear().result(5)
    assert virtual.wait_for("", "")


def test_options_change_labels_and_currency() -> None:
    with VirtualDisplay() as virtual:
        config = display_config(
            virtual.port, label_total="SUMME", currency_symbol="Fr.", welcome="Grüezi"
        )
        display = EscposLineDisplay(config, EventRecorder())
        try:
            display.start(timeout=5)
            display.show_item("Brot", Decimal("3.2"), Decimal("3.2")).result(5)
            assert virtual.wait_for("Brot         Fr.3.20", "SUMME        Fr.3.20")
            display.show_welcome().result(5)
            assert virtual.wait_for("       Grüezi       ", "")
        finally:
            display.shutdown()


def test_a_dropped_connection_is_reopened_transparently(rig) -> None:
    virtual, display, events = rig
    display.show("one", "").result(5)
    assert virtual.wait_for("one", "")
    virtual.drop_clients()  # the display was power-cycled
    display.show("two", "").result(5)
    assert virtual.wait_for("two", "")
    assert display.state is DeviceState.ENABLED
    assert events.of_type(ErrorEvent) == []


def test_an_unreachable_display_is_an_error_and_retry_recovers(rig) -> None:
    virtual, display, events = rig
    virtual.stop()
    with pytest.raises(DeviceError, match="cannot reach the line display at 127.0.0.1"):
        display.show("lost", "").result(5)
    assert display.state is DeviceState.ERROR
    assert "check that it is on" in events.of_type(ErrorEvent)[-1].message  # type: ignore[attr-defined]
    assert not display.health_check().result(5).ok
    virtual.start()  # the same port again
    display.retry().result(5)
    assert virtual.wait_for("lost", "")
    assert display.state is DeviceState.ENABLED
    assert display.health_check().result(5).ok


def test_display_that_is_off_at_start_becomes_a_null_device() -> None:
    with VirtualDisplay() as virtual:
        port = virtual.port
    device = open_device(display_config(port), EventRecorder(), timeout=5)
    try:
        assert isinstance(device, NullDevice)
        assert "cannot reach the line display" in device.reason
    finally:
        device.shutdown()


def test_writes_need_an_enabled_display(rig) -> None:
    _virtual, display, _ = rig
    display.disable().result(5)
    with pytest.raises(DeviceError, match="is claimed"):
        display.show("x", "y").result(5)


def test_bad_transport_and_code_page_fail_at_creation() -> None:
    config = DeviceConfig("d", DeviceCategory.LINE_DISPLAY, "escpos", Transport.USB, "1:2")
    with pytest.raises(ValueError, match="connects over network or serial, not usb"):
        EscposLineDisplay(config, EventRecorder())
    bad = dataclasses.replace(display_config(9100), code_page="X")
    with pytest.raises(ValueError, match="no code page 'X'"):
        EscposLineDisplay(bad, EventRecorder())


def test_serial_display_on_a_pty() -> None:
    pty = PtyPair()
    config = DeviceConfig(
        "display2", DeviceCategory.LINE_DISPLAY, "escpos", Transport.SERIAL, pty.path, timeout_s=1
    )
    display = EscposLineDisplay(config, EventRecorder())
    decoder = DisplayDecoder()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            decoder.feed(pty.read(0.05))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        display.start(timeout=5)
        display.show_item("Äpfel", Decimal("2.99"), Decimal("2.99")).result(5)
        display.shutdown()
        done.set()
        reader.join(timeout=2)
        assert decoder.lines == (row("Äpfel", "€2.99"), row("TOTAL", "€2.99"))
        assert decoder.unknown == []
    finally:
        done.set()
        display.shutdown()
        pty.close()


# ---------------------------------------------------------------------------- the decoder
def test_decoder_follows_cursor_moves_wraps_and_split_commands() -> None:
    decoder = DisplayDecoder()
    stream = b"\x1b@\x0c" + b"x" * 22 + cursor(5, 2)[:3]
    decoder.feed(stream)
    decoder.feed(cursor(5, 2)[3:] + b"AB\x0d\x18")
    assert decoder.lines == ("x" * 20, " " * 20)  # CAN cleared line 2 after the wrap wrote "xx"
    decoder.feed(b"\x1bt\x13\xd5\x1bt\x00\x9c\x1b\x7f")
    assert decoder.lines[1].startswith("€£")
    assert decoder.unknown == [b"\x1b\x7f"]
