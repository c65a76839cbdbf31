"""Scales and scanners against emupos, an independent emulator of POS hardware.

emupos runs from its own venv (`make emupos`) through the shared harness: a Toledo 8217 scale
and an SMA scale on pseudo-terminals, a serial scanner, and a keyboard scanner whose keys the
test types itself (emupos hands them out with `typed_by: client`, as it does for a remote POS).
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from emupos_harness import Emupos, scale, serial_scanner

from peripherals.config import DeviceConfig, Transport
from peripherals.events import DataEvent, DeviceCategory, EventRecorder
from peripherals.registry import open_device
from peripherals.scale_common import WeightRefused, WeightState, weight_for_sale
from peripherals.scale_sma import SmaScale
from peripherals.scale_toledo import Toledo8217Scale
from peripherals.scan_parse import ScanKind, ScanResult, parse_scan
from peripherals.scan_parse_layouts import BarcodeLayout, ValueKind
from peripherals.scanner import SerialScanner
from peripherals.scanner_wedge import WedgeScanner

KEYBOARD_SCANNER = {
    "id": "lane1",
    "type": "scanner",
    "mode": "keyboard",
    "suffix": "enter",
    "inter_key_delay_ms": 5,
    "typed_by": "client",
}

# US keyboard layout: HID usage (page 0x07) → (plain, shifted) character
_US_KEYS: dict[int, tuple[str, str]] = {0x28: ("\r", "\r"), 0x2B: ("\t", "\t"), 0x2C: (" ", " ")}
for _first, _plain, _shifted in (
    (0x04, "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    (0x1E, "1234567890", "!@#$%^&*()"),
    (0x2D, "-=[]\\", "_+{}|"),
    (0x33, ";'`,./", ':"~<>?'),
):
    for _i, (_p, _s) in enumerate(zip(_plain, _shifted, strict=True)):
        _US_KEYS[_first + _i] = (_p, _s)


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    devices = [
        scale("deli"),
        scale("counter", profile="sma-15kg"),
        serial_scanner("lane2"),
        KEYBOARD_SCANNER,
    ]
    emupos = Emupos(tmp_path_factory.mktemp("emupos-input"), devices).start()
    yield emupos
    emupos.stop()


def post(emu: Emupos, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        emu.api + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def serial_config(device_id: str, category: DeviceCategory, driver: str, path: str, **kw: Any):
    return DeviceConfig(device_id, category, driver, Transport.SERIAL, path, timeout_s=2, **kw)


# ---------------------------------------------------------------------------- scales
@pytest.fixture
def toledo(emu: Emupos) -> Iterator[Toledo8217Scale]:
    emu.set_weight("deli", 0)
    emu.zero("deli")  # also clears a tare an earlier test left
    config = serial_config(
        "deli", DeviceCategory.SCALE, "toledo8217", emu.serial_path("deli"), bytesize=7, parity="E"
    )
    device = open_device(config, EventRecorder(), timeout=10)
    assert isinstance(device, Toledo8217Scale), getattr(device, "reason", device)
    yield device
    device.shutdown()


@pytest.fixture
def sma(emu: Emupos) -> Iterator[SmaScale]:
    emu.set_weight("counter", 0)
    emu.zero("counter")
    config = serial_config("counter", DeviceCategory.SCALE, "sma", emu.serial_path("counter"))
    device = open_device(config, EventRecorder(), timeout=10)
    assert isinstance(device, SmaScale), getattr(device, "reason", device)
    yield device
    device.shutdown()


@pytest.mark.parametrize(
    ("grams", "kilograms"),
    [(1250, "1.250"), (5, "0.005"), (1253, "1.255"), (1252, "1.250"), (14995, "14.995")],
)
def test_toledo_weights_read_right(
    emu: Emupos, toledo: Toledo8217Scale, grams: int, kilograms: str
) -> None:
    emu.set_weight("deli", grams)
    reading = toledo.read_weight().result(5)
    assert reading.weight == Decimal(kilograms)  # rounded to the scale's 5 g division
    assert reading.state is WeightState.STABLE and reading.unit == "kg"
    assert weight_for_sale(reading) == Decimal(kilograms)


def test_toledo_states_from_emupos(emu: Emupos, toledo: Toledo8217Scale) -> None:
    cases = [
        (0, True, WeightState.ZERO),
        (800, False, WeightState.IN_MOTION),
        (15001, True, WeightState.OVER_CAPACITY),
        (-20, True, WeightState.UNDER_ZERO),
    ]
    for grams, stable, state in cases:
        emu.set_weight("deli", grams, stable=stable)
        reading = toledo.read_weight().result(5)
        assert reading.state is state, (grams, reading)
        with pytest.raises(WeightRefused):
            weight_for_sale(reading)


def test_toledo_zero_and_tare_commands_emupos_does_not_take(
    emu: Emupos, toledo: Toledo8217Scale
) -> None:
    emu.set_weight("deli", 300)
    with pytest.raises(WeightRefused, match="press its ZERO key"):
        toledo.zero().result(5)
    with pytest.raises(WeightRefused, match="press its TARE key"):
        toledo.tare().result(5)
    emu.tare("deli")  # the scale's own TARE key
    emu.set_weight("deli", 1050)
    net = toledo.read_weight().result(5)
    assert net.net and net.weight == Decimal("0.750")


def test_sma_weights_tare_and_zero(emu: Emupos, sma: SmaScale) -> None:
    emu.set_weight("counter", 1250)
    reading = sma.read_weight().result(5)
    assert (reading.weight, reading.unit, reading.state) == (
        Decimal("1.250"),
        "kg",
        WeightState.STABLE,
    )
    emu.set_weight("counter", 200)
    assert sma.tare().result(5).net
    emu.set_weight("counter", 1700)
    assert sma.read_weight().result(5).weight == Decimal("1.500")
    assert sma.clear_tare().result(5).weight == Decimal("1.700")
    emu.set_weight("counter", 15001)
    assert sma.read_weight().result(5).state is WeightState.OVER_CAPACITY
    emu.set_weight("counter", 10)
    assert sma.zero().result(5).state is WeightState.ZERO


# ---------------------------------------------------------------------------- scanners
@pytest.fixture
def serial_scanner_device(emu: Emupos) -> Iterator[tuple[SerialScanner, EventRecorder]]:
    events = EventRecorder()
    config = serial_config("lane2", DeviceCategory.SCANNER, "serial", emu.serial_path("lane2"))
    device = open_device(config, events, timeout=10)
    assert isinstance(device, SerialScanner), getattr(device, "reason", device)
    yield device, events
    device.shutdown()


def scan_results(events: EventRecorder) -> list[ScanResult]:
    return [e.data for e in events.of_type(DataEvent)]  # type: ignore[attr-defined]


def test_a_scanned_barcode_arrives_from_the_serial_scanner(
    emu: Emupos, serial_scanner_device: tuple[SerialScanner, EventRecorder]
) -> None:
    _device, events = serial_scanner_device
    post(emu, "/devices/lane2/scans", {"data": "5901234123457", "countdown_seconds": 0})
    wait_until(lambda: len(scan_results(events)) == 1)
    post(emu, "/devices/lane2/scans", {"data": "5901234123458", "countdown_seconds": 0})
    wait_until(lambda: len(scan_results(events)) == 2)
    good, bad = scan_results(events)
    assert good.ok and good.lookup_code == "5901234123457"
    assert "check digit 8 is wrong" in bad.message


def test_gs1_with_aim_prefix_and_group_separator_over_serial(
    emu: Emupos, serial_scanner_device: tuple[SerialScanner, EventRecorder]
) -> None:
    _device, events = serial_scanner_device
    data = "]C1" + "0109501101020917" + "10LOT42" + "\x1d" + "17261231" + "3103000425"
    post(emu, "/devices/lane2/scans", {"data": data, "countdown_seconds": 0})
    wait_until(lambda: len(scan_results(events)) == 1)
    result = scan_results(events)[0]
    assert result.ok, result.errors
    assert (result.gtin, result.batch) == ("9501101020917", "LOT42")
    assert result.weight == Decimal("0.425")


def test_emupos_weighed_barcodes_decode_with_our_layout(
    emu: Emupos, serial_scanner_device: tuple[SerialScanner, EventRecorder]
) -> None:
    device, events = serial_scanner_device
    weight_21 = BarcodeLayout("weight 21", "21", 5, ValueKind.WEIGHT, 5, 3)
    price_23 = BarcodeLayout("price 23", "23", 5, ValueKind.PRICE, 5, 2)
    device.set_layouts((weight_21, price_23))
    weighed = post(emu, "/barcodes/weighed", {"layout": "weight-21", "item": 4711, "grams": 1234})
    priced = post(emu, "/barcodes/weighed", {"layout": "price-23", "item": 42, "price_minor": 1999})
    for count, digits in enumerate((weighed["digits"], priced["digits"]), start=1):
        post(emu, "/devices/lane2/scans", {"data": digits, "countdown_seconds": 0})
        wait_until(lambda count=count: len(scan_results(events)) == count)  # type: ignore[misc]
    by_weight, by_price = scan_results(events)
    assert (by_weight.kind, by_weight.item_code, by_weight.weight) == (
        ScanKind.IN_STORE,
        "04711",
        Decimal("1.234"),
    )
    assert (by_price.item_code, by_price.price) == ("00042", Decimal("19.99"))
    assert parse_scan(weighed["digits"], (weight_21,)) == by_weight


def test_keyboard_wedge_scan_typed_at_the_scanner_pace(emu: Emupos) -> None:
    events = EventRecorder()
    config = DeviceConfig(
        "lane1", DeviceCategory.SCANNER, "wedge", Transport.KEYBOARD, scanner_suffix="\r"
    )
    wedge = open_device(config, events, timeout=5)
    assert isinstance(wedge, WedgeScanner)
    try:
        accepted = post(
            emu, "/devices/lane1/scans", {"data": "96385074", "countdown_seconds": 0}
        )
        assert accepted["typed_by"] == "client"
        gap = accepted["inter_key_delay_ms"] / 1000
        start = time.monotonic()
        typed = 0
        for i, key in enumerate(accepted["keys"]):
            plain, shifted = _US_KEYS[key["usage"]]
            wedge.feed(shifted if key["shift"] else plain, start + i * gap)
            typed += 1
        post(emu, f"/devices/lane1/scans/{accepted['id']}/typed", {"outcome": "delivered"})
        results = scan_results(events)
        assert len(results) == 1 and typed == 9
        assert results[0].ok and results[0].lookup_code == "0000096385074"
        assert wedge.take_human_keys() == ""
    finally:
        wedge.shutdown()
