"""Mettler Toledo 8217 scales (driver "toledo8217"), the protocol most POS scanner-scales speak.

Wire contract (Mettler Toledo 8217 / "8213 demand" mode, 9600 baud 7E1 by default):
- the register sends one ASCII character: W (weight), Z (zero), T (tare);
- a weight the scale can report comes back as STX <weight> [N] CR, e.g. STX "01.250" CR in kg
  (N marks a net weight, a tare being set);
- otherwise the scale answers STX "?" <status byte> CR. Status bits: 0 in motion, 1 over
  capacity, 2 under zero, 3 outside zero capture range, 4 centre of zero, 5 net weight,
  6 bad command (some scales keep bit 6 always set, so it counts only when nothing else does),
  7 parity.
Z and T answer with a status byte. Scales that take no tare by command answer "bad command":
the cashier then uses the scale's TARE key.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import IntFlag
from typing import ClassVar

from peripherals.device import DeviceError
from peripherals.scale_common import (
    STX,
    Refusal,
    SerialScale,
    WeightReading,
    WeightState,
    classify,
)

WEIGHT_REQUEST = b"W"
ZERO_REQUEST = b"Z"
TARE_REQUEST = b"T"

_WEIGHT = re.compile(r"\s*([+-]?\s*\d+(?:\.\d+)?)\s*(N?)\s*")


class Status(IntFlag):
    IN_MOTION = 1 << 0
    OVER_CAPACITY = 1 << 1
    UNDER_ZERO = 1 << 2
    OUTSIDE_ZERO_RANGE = 1 << 3
    CENTER_OF_ZERO = 1 << 4
    NET_WEIGHT = 1 << 5
    BAD_COMMAND = 1 << 6


def parse_reply(body: bytes, unit: str) -> WeightReading | Status:
    """A reply without its STX and CR: a weight reading, or the status byte when it has none.

    Raises ValueError for anything that is neither.
    """
    if body.startswith(b"?"):
        if len(body) != 2:
            raise ValueError(f"a status reply has one status byte, not {body[1:]!r}")
        return Status(body[1] & 0x7F)  # bit 7 is parity on a 7-bit line
    match = _WEIGHT.fullmatch(body.decode("ascii", errors="replace"))
    if match is None:
        raise ValueError(f"{body!r} is neither a weight nor a status")
    weight = Decimal(match[1].replace(" ", ""))
    return WeightReading(weight, unit, True, classify(weight, True), net=bool(match[2]))


def reading_from_status(status: Status, unit: str) -> WeightReading | None:
    """What a status-only answer to W says about the weight (None: it says nothing)."""
    net = Status.NET_WEIGHT in status
    stable = Status.IN_MOTION not in status
    if Status.OVER_CAPACITY in status:
        state = WeightState.OVER_CAPACITY
    elif Status.UNDER_ZERO in status:
        state = WeightState.UNDER_ZERO
    elif not stable:
        state = WeightState.IN_MOTION
    elif Status.CENTER_OF_ZERO in status:
        state = WeightState.ZERO
    else:
        return None
    return WeightReading(Decimal(0), unit, stable, state, net)


class Toledo8217Scale(SerialScale):
    """A scale speaking Mettler Toledo 8217 on `config.address` (option unit: "kg" or "lb")."""

    driver_name: ClassVar[str] = "toledo8217"
    protocol_name: ClassVar[str] = "Mettler Toledo 8217"
    reply_start: ClassVar[bytes] = STX

    def _ask(self, command: bytes) -> WeightReading | Status:
        body = self._exchange(command)
        try:
            return parse_reply(body, self._unit())
        except ValueError:
            raise self._garbage(body) from None

    def _weigh(self) -> WeightReading | Refusal:
        answer = self._ask(WEIGHT_REQUEST)
        if isinstance(answer, WeightReading):
            return answer
        reading = reading_from_status(answer, self._unit())
        if reading is not None:
            return reading
        if Status.BAD_COMMAND in answer:
            raise DeviceError(
                f"{self.device_id}: the scale refused the weight request as a bad command; "
                "check that it is set to the Toledo 8217 protocol"
            )
        raise DeviceError(
            f"{self.device_id}: the scale reported status {int(answer):#04x} without a weight "
            f"({_describe(answer)}); zero the scale and weigh again"
        )

    def _zero(self) -> WeightReading | Refusal:
        answer = self._ask(ZERO_REQUEST)
        if isinstance(answer, WeightReading):
            return answer if answer.state is WeightState.ZERO else self._weigh()
        if Status.IN_MOTION in answer:
            return Refusal("The scale is moving, so it did not zero: wait for it to settle.")
        if Status.CENTER_OF_ZERO in answer:
            return self._weigh()
        if Status.BAD_COMMAND in answer:
            return Refusal("This scale does not zero on command: press its ZERO key.")
        return Refusal(
            f"The scale did not zero ({_describe(answer)}): empty the platter and try again."
        )

    def _tare(self) -> WeightReading | Refusal:
        answer = self._ask(TARE_REQUEST)
        if isinstance(answer, WeightReading):
            return answer
        if Status.IN_MOTION in answer:
            return Refusal("The scale is moving, so it did not tare: wait for it to settle.")
        if Status.NET_WEIGHT in answer:
            return self._weigh()
        if Status.BAD_COMMAND in answer:
            return Refusal("This scale does not tare on command: press its TARE key.")
        if Status.CENTER_OF_ZERO in answer:
            return Refusal("There is nothing on the scale to tare: put the container on first.")
        return Refusal(f"The scale did not tare ({_describe(answer)}).")


def _describe(status: Status) -> str:
    names = [flag.name.lower().replace("_", " ") for flag in Status if flag in status and flag.name]
    return ", ".join(names) or "no status bits"
