"""Toledo 8217 and SMA scale drivers against our virtual scales on pseudo-terminals."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from peripherals.config import DeviceConfig, Transport
from peripherals.device import DeviceError
from peripherals.events import DeviceCategory, DeviceState, ErrorEvent, EventRecorder
from peripherals.null_device import NullDevice
from peripherals.registry import open_device
from peripherals.scale_common import SerialScale, WeightRefused, WeightState, weight_for_sale
from peripherals.scale_sma import SmaScale
from peripherals.scale_toledo import Toledo8217Scale
from peripherals.virtual_scale import VirtualScale

PROTOCOLS = {"toledo8217": Toledo8217Scale, "sma": SmaScale}


def scale_config(driver: str, port: str, timeout_s: float = 1.0, **options: str) -> DeviceConfig:
    toledo = driver == "toledo8217"
    return DeviceConfig(
        "scale1",
        DeviceCategory.SCALE,
        driver,
        Transport.SERIAL,
        port,
        bytesize=7 if toledo else 8,
        parity="E" if toledo else "N",
        timeout_s=timeout_s,
        options=options,
    )


@pytest.fixture(params=sorted(PROTOCOLS))
def rig(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[VirtualScale, SerialScale, EventRecorder]]:
    driver = request.param
    virtual = VirtualScale(driver, capacity=Decimal("15"))
    virtual.start()
    events = EventRecorder()
    device = open_device(scale_config(driver, virtual.port, timeout_s=0.5), events, timeout=5)
    assert isinstance(device, PROTOCOLS[driver]), getattr(device, "reason", device)
    yield virtual, device, events
    device.shutdown()
    virtual.stop()


def test_reads_the_weight_on_the_platter(rig: tuple[VirtualScale, SerialScale, EventRecorder]):
    virtual, scale, _ = rig
    virtual.set_weight("1.250")
    reading = scale.read_weight().result(5)
    assert (reading.weight, reading.unit, reading.stable) == (Decimal("1.250"), "kg", True)
    assert reading.state is WeightState.STABLE
    assert weight_for_sale(reading) == Decimal("1.250")
    virtual.set_weight("0.005")
    assert scale.read_weight().result(5).weight == Decimal("0.005")


def test_empty_platter_reads_zero_and_is_not_sold(rig):
    virtual, scale, _ = rig
    virtual.set_weight("0")
    reading = scale.read_weight().result(5)
    assert reading.state is WeightState.ZERO and reading.weight == 0
    with pytest.raises(WeightRefused, match="Nothing is on the scale"):
        weight_for_sale(reading)


def test_motion_is_reported_and_refused_for_sale(rig):
    virtual, scale, _ = rig
    virtual.set_weight("2.5", stable=False)
    reading = scale.read_weight().result(5)
    assert reading.state is WeightState.IN_MOTION and not reading.stable
    with pytest.raises(WeightRefused, match="still moving"):
        weight_for_sale(reading)


def test_over_capacity_and_under_zero(rig):
    virtual, scale, _ = rig
    virtual.set_over_capacity()
    over = scale.read_weight().result(5)
    assert over.state is WeightState.OVER_CAPACITY
    with pytest.raises(WeightRefused, match="over the scale's capacity"):
        weight_for_sale(over)
    virtual.set_weight("-0.010")
    under = scale.read_weight().result(5)
    assert under.state is WeightState.UNDER_ZERO
    with pytest.raises(WeightRefused, match="less than zero"):
        weight_for_sale(under)


def test_tare_then_net_weight(rig):
    virtual, scale, _ = rig
    virtual.set_weight("0.200")  # an empty container
    tared = scale.tare().result(5)
    assert tared.net and tared.weight == 0
    virtual.set_weight("0.950")
    net = scale.read_weight().result(5)
    assert net.net and net.weight == Decimal("0.750")
    assert weight_for_sale(net) == Decimal("0.750")


def test_zero_while_stable_and_refused_while_moving(rig):
    virtual, scale, events = rig
    virtual.set_weight("0.015")
    zeroed = scale.zero().result(5)
    assert zeroed.state is WeightState.ZERO
    virtual.set_weight("0.400", stable=False)
    with pytest.raises(WeightRefused) as refused:
        scale.zero().result(5)
    assert "settle" in str(refused.value)
    assert scale.state is DeviceState.ENABLED  # a refusal is not a device error
    assert events.of_type(ErrorEvent) == []


def test_silent_scale_times_out_into_error_and_retry_recovers(rig):
    virtual, scale, events = rig
    virtual.set_weight("1.000")
    virtual.set_fault("silent")
    with pytest.raises(DeviceError, match="did not answer within 0.5 s"):
        scale.read_weight().result(5)
    assert scale.state is DeviceState.ERROR
    error = events.of_type(ErrorEvent)[-1]
    assert error.operation == "read_weight" and "check that it is on" in error.message  # type: ignore[attr-defined]
    virtual.set_fault(None)
    assert scale.retry().result(5).weight == Decimal("1.000")  # type: ignore[attr-defined]
    assert scale.state is DeviceState.ENABLED


def test_garbled_answer_is_an_error_with_the_settings_to_check(rig):
    virtual, scale, _ = rig
    virtual.set_fault("garbage")
    with pytest.raises(DeviceError) as caught:
        scale.read_weight().result(5)
    message = str(caught.value)
    assert "answered something that is not" in message and "#garbage~" in message
    assert "baud rate and parity" in message
    assert scale.state is DeviceState.ERROR
    virtual.set_fault(None)
    scale.clear_error()
    assert scale.state is DeviceState.ENABLED
    assert scale.read_weight().result(5).state is WeightState.ZERO


def test_health_check_reads_the_scale(rig):
    virtual, scale, _ = rig
    virtual.set_weight("3.210")
    report = scale.health_check().result(5)
    assert report.ok and "3.210 kg" in report.detail


def test_operations_need_an_enabled_scale(rig):
    _virtual, scale, _ = rig
    scale.disable().result(5)
    with pytest.raises(DeviceError, match="is claimed"):
        scale.read_weight().result(5)


def test_the_driver_sends_the_protocol_commands(rig):
    virtual, scale, _ = rig
    virtual.set_weight("0.100")
    scale.read_weight().result(5)
    scale.tare().result(5)
    expected = {"toledo8217": [b"W", b"W", b"T", b"W"], "sma": [b"W", b"W", b"T"]}
    assert virtual.requests == expected[virtual.protocol]  # the first W is the claim probe


def test_toledo_refuses_clear_tare_and_an_empty_tare_with_what_to_do():
    with VirtualScale("toledo8217") as virtual:
        scale = Toledo8217Scale(scale_config("toledo8217", virtual.port), EventRecorder())
        try:
            scale.start(timeout=5)
            with pytest.raises(WeightRefused, match="use its keys"):
                scale.clear_tare().result(5)
            with pytest.raises(WeightRefused, match="nothing on the scale to tare"):
                scale.tare().result(5)
        finally:
            scale.shutdown()


def test_sma_clear_tare_goes_back_to_gross():
    with VirtualScale("sma") as virtual:
        scale = SmaScale(scale_config("sma", virtual.port), EventRecorder())
        try:
            scale.start(timeout=5)
            virtual.set_weight("0.5")
            scale.tare().result(5)
            cleared = scale.clear_tare().result(5)
            assert not cleared.net and cleared.weight == Decimal("0.500")
        finally:
            scale.shutdown()


def test_a_port_without_a_scale_becomes_a_null_device():
    with VirtualScale("toledo8217") as virtual:
        virtual.set_fault("silent")  # the port exists, nothing answers on it
        events = EventRecorder()
        device = open_device(scale_config("toledo8217", virtual.port, 0.3), events, timeout=5)
        try:
            assert isinstance(device, NullDevice)
            assert "did not answer" in device.reason
            with pytest.raises(DeviceError, match="is not available"):
                device.read_weight().result(5)
        finally:
            device.shutdown()
