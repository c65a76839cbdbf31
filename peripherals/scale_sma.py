"""SMA scales (driver "sma"): the Scale Manufacturers Association serial protocol (SCP-0499).

Wire contract, levels 1 and 2 as far as a register needs them:
- commands are LF <letter> CR: W weight, Z zero, T tare, C clear tare;
- the standard reply is LF <s><r><n><m><f><weight, 10 chars><unit, 3 chars> CR where
  s = status: "Z" centre of zero, "O" over capacity, "U" under zero, "E" zero error,
      "I" initial zero error, "T" tare error, " " none of these;
  r = range ("1"), n = "G" gross / "N" net / "T" tare (lower case: high resolution),
  m = "M" in motion or " " stable, f = reserved (" "),
  the weight right-justified (dashes on an error), the unit "kg_", "lb_", "g__", "oz_";
- LF "?" CR answers a command the scale does not know.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import ClassVar

from peripherals.device import DeviceError
from peripherals.scale_common import (
    LF,
    Refusal,
    SerialScale,
    WeightReading,
    WeightState,
    classify,
)

UNKNOWN_COMMAND = b"?"
_ERRORS = {
    "E": "The scale could not zero: empty the platter, wait for it to settle, then zero again.",
    "I": "The scale could not find zero when it started: empty the platter and switch it "
    "off and on.",
    "T": "The scale could not tare: wait for the weight to settle, then tare again.",
}


def command(letter: str) -> bytes:
    return LF + letter.encode("ascii") + b"\r"


def parse_reply(body: bytes) -> WeightReading | str:
    """A standard reply without its LF and CR: the reading, or the message of an error status.

    Raises ValueError for anything that is not a standard reply (including LF ? CR).
    """
    text = body.decode("ascii", errors="replace")
    if len(text) < 9 or not text[1].isdigit():
        raise ValueError(f"{body!r} is not an SMA standard reply")
    status, gross_net, motion, rest = text[0], text[2], text[3], text[5:]
    if status not in " ZOUEIT" or gross_net not in "GNTgnt" or motion not in " M":
        raise ValueError(f"{body!r} has unknown status fields")
    if status in _ERRORS:
        return _ERRORS[status]
    unit = rest[-3:].strip("_ ") or "?"
    try:
        weight = Decimal(rest[:-3].replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"{body!r} has no readable weight") from None
    stable = motion == " "
    net = gross_net in "Nn"
    if status == "O":
        state = WeightState.OVER_CAPACITY
    elif status == "U":
        state = WeightState.UNDER_ZERO
    elif status == "Z" and stable:
        state = WeightState.ZERO
    else:
        state = classify(weight, stable)
    return WeightReading(weight, unit, stable, state, net)


class SmaScale(SerialScale):
    """A scale speaking the SMA protocol on `config.address`; the unit comes from each reply."""

    driver_name: ClassVar[str] = "sma"
    protocol_name: ClassVar[str] = "SMA (SCP-0499)"
    reply_start: ClassVar[bytes] = LF

    def _ask(self, letter: str) -> WeightReading | str | None:
        """The parsed reply; None when the scale does not know the command."""
        body = self._exchange(command(letter))
        if body == UNKNOWN_COMMAND:
            return None
        try:
            return parse_reply(body)
        except ValueError:
            raise self._garbage(body) from None

    def _weigh(self) -> WeightReading | Refusal:
        answer = self._ask("W")
        if answer is None:
            raise DeviceError(
                f"{self.device_id}: the scale does not know the SMA weight request; check that "
                "it is set to the SMA protocol"
            )
        return Refusal(answer) if isinstance(answer, str) else answer

    def _zero(self) -> WeightReading | Refusal:
        answer = self._ask("Z")
        if answer is None:
            return Refusal("This scale does not zero on command: press its ZERO key.")
        if isinstance(answer, str):
            return Refusal(answer)
        if answer.state is not WeightState.ZERO:
            return Refusal(
                "The scale did not reach zero: empty the platter, wait for it to settle, then "
                "zero again."
            )
        return answer

    def _tare(self) -> WeightReading | Refusal:
        answer = self._ask("T")
        if answer is None:
            return Refusal("This scale does not tare on command: press its TARE key.")
        if isinstance(answer, str):
            return Refusal(answer)
        return answer

    def _clear_tare(self) -> WeightReading | Refusal:
        answer = self._ask("C")
        if answer is None:
            return Refusal("This scale does not clear its tare on command: use its keys.")
        return Refusal(answer) if isinstance(answer, str) else answer
