"""What every scale shares: readings, the rule for selling by weight, and the serial exchange.

A scale answers a weight request with a weight or a status (in motion, over capacity, under
zero); `WeightReading` holds either. Whether a reading may price an item is decided once, in
`weight_for_sale`: an unstable, zero, negative or over-capacity weight is refused with a
message the cashier can act on, and the weighed item takes its quantity only from a weight it
accepted.

`SerialScale` is the device base of the protocol drivers (Toledo 8217, SMA): each request is
one exchange on the worker thread (write a command, read one framed reply within the timeout).
A refusal (zero while moving, tare the scale does not take by command) fails the future with
`WeightRefused` and leaves the device as it was; a silent or garbled scale is a DeviceError and
puts the device in ERROR until `retry()` or `clear_error()`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

import serial  # type: ignore[import-untyped]

from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceError
from peripherals.events import DeviceCategory, EventSink

CR = b"\r"
LF = b"\n"
STX = b"\x02"
MAX_REPLY = 64  # no scale reply is longer; more is noise on the line


class WeightState(StrEnum):
    STABLE = "stable"
    IN_MOTION = "in_motion"
    OVER_CAPACITY = "over_capacity"
    UNDER_ZERO = "under_zero"
    ZERO = "zero"


@dataclass(frozen=True, slots=True)
class WeightReading:
    """One answer of the scale. `weight` is 0 when the scale reported only a status."""

    weight: Decimal
    unit: str
    stable: bool
    state: WeightState
    net: bool = False  # a tare is set: the weight is net


class WeightRefused(DeviceError):
    """The scale (or the sale rules) refused: nothing is wrong with the device, act and retry."""


def weight_for_sale(reading: WeightReading, unit: str = "kg") -> Decimal:
    """The weight a weighed item may be sold by, or WeightRefused saying what to do."""
    if reading.state is WeightState.OVER_CAPACITY:
        raise WeightRefused(
            "The weight is over the scale's capacity: take the item off and weigh it in parts."
        )
    if reading.state is WeightState.UNDER_ZERO or reading.weight < 0:
        raise WeightRefused(
            "The scale shows less than zero: empty the platter, zero the scale, then weigh again."
        )
    if reading.state is WeightState.IN_MOTION or not reading.stable:
        raise WeightRefused(
            "The scale is still moving: wait until the weight settles, then weigh again."
        )
    if reading.state is WeightState.ZERO or reading.weight == 0:
        raise WeightRefused("Nothing is on the scale: put the item on it, then weigh again.")
    if reading.unit != unit:
        raise WeightRefused(
            f"The scale weighs in {reading.unit} but items are sold by {unit}: set the scale "
            f"to {unit}."
        )
    return reading.weight


def classify(weight: Decimal, stable: bool) -> WeightState:
    """The state of a weight the scale did report (as opposed to a status-only answer)."""
    if not stable:
        return WeightState.IN_MOTION
    if weight < 0:
        return WeightState.UNDER_ZERO
    if weight == 0:
        return WeightState.ZERO
    return WeightState.STABLE


def open_serial_port(config: DeviceConfig, timeout: float, what: str) -> serial.SerialBase:
    """Open `config.address` (a device path or pyserial URL) with the profile's line settings.

    Shared by the serial scanner, the scales and the line display; a port that cannot be opened
    is a DeviceError naming the port and what to check.
    """
    if not config.address:
        raise DeviceError(
            f"{config.device_id}: no serial port configured for the {what}; set its address "
            "in the hardware profile",
            retryable=False,
        )
    try:
        try:
            return _open(config, timeout, config.bytesize, config.parity)
        except Exception:
            if not _linux_pty(config.address) or (config.bytesize, config.parity) == (8, "N"):
                raise
            # A Linux pseudo-terminal always carries 8 bits without parity and refuses (EINVAL)
            # a request for 7E1 once it is already in that state; real UARTs honour the bits.
            return _open(config, timeout, 8, "N")
    except Exception as exc:  # noqa: BLE001 - pyserial raises OS, termios and value errors
        raise DeviceError(
            f"{config.device_id}: cannot open the {what} port {config.address} ({exc}); check "
            "the cable or USB adapter and the port name in the hardware profile"
        ) from None


def _open(config: DeviceConfig, timeout: float, bytesize: int, parity: str) -> serial.SerialBase:
    port = serial.serial_for_url(config.address, do_not_open=True)
    port.baudrate = config.baudrate
    port.bytesize = bytesize
    port.parity = parity
    port.stopbits = config.stopbits
    port.timeout = timeout
    port.write_timeout = config.timeout_s
    port.open()
    return port


def _linux_pty(address: str) -> bool:
    return sys.platform == "linux" and os.path.realpath(address).startswith("/dev/pts/")


@dataclass(frozen=True, slots=True)
class Refusal:
    message: str


class SerialScale(Device):
    """Base of the serial scale drivers: requests are exchanges on the worker thread."""

    category: ClassVar[DeviceCategory] = DeviceCategory.SCALE
    protocol_name: ClassVar[str] = "scale"
    reply_start: ClassVar[bytes] = STX

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self._port: serial.SerialBase | None = None

    # ------------------------------------------------------------------ public operations
    def read_weight(self) -> Future[WeightReading]:
        """Ask the scale for its weight now."""
        return self._refusable("read_weight", self._weigh)

    def zero(self) -> Future[WeightReading]:
        """Zero the empty scale; answers the reading after zeroing."""
        return self._refusable("zero", self._zero)

    def tare(self) -> Future[WeightReading]:
        """Take the weight on the platter (a container) as tare; answers the net reading."""
        return self._refusable("tare", self._tare)

    def clear_tare(self) -> Future[WeightReading]:
        """Drop the tare: readings are gross again."""
        return self._refusable("clear_tare", self._clear_tare)

    # ------------------------------------------------------------------ protocol hooks
    def _weigh(self) -> WeightReading | Refusal:
        raise NotImplementedError

    def _zero(self) -> WeightReading | Refusal:
        raise NotImplementedError

    def _tare(self) -> WeightReading | Refusal:
        raise NotImplementedError

    def _clear_tare(self) -> WeightReading | Refusal:
        return Refusal("This scale does not clear its tare on command: use its keys.")

    # ------------------------------------------------------------------ life cycle hooks
    def _do_open(self) -> None:
        self._port = open_serial_port(self.config, 0.05, "scale")

    def _do_claim(self) -> None:
        """Make sure a scale answers on the port (an empty port would otherwise look fine)."""
        if self.config.option("probe", "yes") != "no":
            self._weigh()

    def _do_close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (OSError, serial.SerialException):
                pass

    def _do_health(self) -> str:
        answer = self._weigh()
        if isinstance(answer, Refusal):
            return f"answers: {answer.message}"
        return f"answers: {answer.state.value} {answer.weight} {answer.unit}"

    # ------------------------------------------------------------------ helpers
    def _refusable(
        self, operation: str, work: Callable[[], WeightReading | Refusal]
    ) -> Future[WeightReading]:
        """Run `work` enabled-only on the worker; a Refusal fails the future, not the device."""

        def run() -> WeightReading | Refusal:
            self.require_enabled()
            return work()

        inner = self.submit(operation, run)
        outer: Future[WeightReading] = Future()

        def settle(done: Future[WeightReading | Refusal]) -> None:
            error = done.exception()
            if error is not None:
                outer.set_exception(error)
                return
            answer = done.result()
            if isinstance(answer, Refusal):
                outer.set_exception(WeightRefused(answer.message))
            else:
                outer.set_result(answer)

        inner.add_done_callback(settle)
        return outer

    def _unit(self) -> str:
        return self.config.option("unit", "kg")

    def _exchange(self, command: bytes) -> bytes:
        """Write `command`, read one reply framed `reply_start` … CR; returns what is between.

        A scale that stays silent past the timeout, or answers noise, is a DeviceError.
        """
        port = self._port
        if port is None:
            raise DeviceError(f"{self.device_id}: the scale port is not open; reopen the device")
        try:
            port.reset_input_buffer()
            port.write(command)
            port.flush()
            return self._read_reply(port)
        except (OSError, serial.SerialException) as exc:
            raise DeviceError(
                f"{self.device_id}: the scale port {self.config.address} failed ({exc}); check "
                "the cable, then retry"
            ) from None

    def _read_reply(self, port: serial.SerialBase) -> bytes:
        deadline = time.monotonic() + self.config.timeout_s
        reply = bytearray()
        started = False
        noise = 0
        while time.monotonic() < deadline:
            chunk = port.read(port.in_waiting or 1)
            for byte in chunk:
                b = bytes([byte])
                if not started:
                    if b == self.reply_start:
                        started = True
                    elif b not in (CR, LF):
                        noise += 1
                    continue
                if b == CR:
                    return bytes(reply)
                reply += b
                if len(reply) > MAX_REPLY:
                    raise self._garbage(bytes(reply))
            if noise > MAX_REPLY:
                raise self._garbage(b"")
        if started or noise:
            raise self._garbage(bytes(reply))
        raise DeviceError(
            f"{self.device_id}: the scale did not answer within {self.config.timeout_s:g} s; "
            f"check that it is on, the cable, and that it speaks {self.protocol_name} at "
            f"{self.config.baudrate} baud"
        )

    def _garbage(self, reply: bytes) -> DeviceError:
        return DeviceError(
            f"{self.device_id}: the scale answered something that is not {self.protocol_name} "
            f"({reply[:32]!r}); check the scale's protocol setting and the port's baud rate "
            f"and parity ({self.config.baudrate} {self.config.bytesize}{self.config.parity}"
            f"{self.config.stopbits})"
        )
