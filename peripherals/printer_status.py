"""Real-time status of an ESC/POS printer: DLE EOT n replies, decoded and checked.

python-escpos' `paper_status()`/`is_online()` read whatever comes back and call an empty answer
"paper adequate"; a register must not print into a printer that cannot answer, so the replies
are read here with a timeout and every byte is checked against the fixed bits the ESC/POS
reference gives (0xx1xx10: bits 1 and 4 set, bits 0 and 7 clear). Anything else is a garbage
answer and fails the job, since the stream is then out of step with the printer.

Status bits (Epson ESC/POS reference, DLE EOT):
- n = 1 printer: bit 2 drawer kick-out connector pin 3 high, bit 3 offline;
- n = 2 offline cause: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 error;
- n = 3 error cause: bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable;
- n = 4 roll paper sensor: bits 2-3 near end, bits 5-6 paper not present.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from escpos.constants import RT_STATUS  # type: ignore[import-untyped]

from peripherals.events import DeviceStatus

DLE_EOT = bytes(RT_STATUS)  # DLE EOT, followed by n


class Paper(enum.StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


class GarbageReply(Exception):
    """A status request got bytes that are not an ESC/POS status byte."""


def request(n: int) -> bytes:
    """The DLE EOT n transmit-real-time-status command."""
    return DLE_EOT + bytes([n])


def check_reply(n: int, reply: bytes) -> int:
    """The status byte of a DLE EOT n reply; GarbageReply unless it is exactly one valid byte."""
    if len(reply) != 1 or reply[0] & 0x93 != 0x12:
        shown = reply[:16].hex(" ") or "nothing"
        raise GarbageReply(f"DLE EOT {n} was answered with {shown}, not an ESC/POS status byte")
    return reply[0]


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer said about itself in one round of DLE EOT 1, 2 and 4."""

    online: bool = True
    paper: Paper = Paper.OK
    cover_open: bool = False
    error: bool = False
    drawer_pin3_high: bool = False

    @classmethod
    def decode(cls, printer: int, offline_cause: int, paper_sensor: int) -> PrinterStatus:
        if paper_sensor & 0x60 or offline_cause & 0x20:
            paper = Paper.OUT
        elif paper_sensor & 0x0C:
            paper = Paper.NEAR_END
        else:
            paper = Paper.OK
        return cls(
            online=not printer & 0x08,
            paper=paper,
            cover_open=bool(offline_cause & 0x04),
            error=bool(offline_cause & 0x40),
            drawer_pin3_high=bool(printer & 0x04),
        )

    @property
    def can_print(self) -> bool:
        return self.online and self.paper is not Paper.OUT and not self.cover_open

    def problem(self) -> str:
        """Why the printer cannot print, in words a cashier can act on ("" when it can)."""
        if self.paper is Paper.OUT:
            return "the paper is out: load a new roll"
        if self.cover_open:
            return "the cover is open: close it"
        if self.error:
            return "the printer reports an error: switch it off and on"
        if not self.online:
            return "the printer is offline: check it is switched on and ready"
        return ""

    def describe(self) -> str:
        parts = ["online" if self.online else "offline", f"paper {self.paper.value}"]
        if self.cover_open:
            parts.append("cover open")
        if self.error:
            parts.append("error")
        return ", ".join(parts)


_PAPER_STATUS = {
    Paper.OK: DeviceStatus.PAPER_OK,
    Paper.NEAR_END: DeviceStatus.PAPER_NEAR_END,
    Paper.OUT: DeviceStatus.PAPER_OUT,
}


def status_changes(before: PrinterStatus, after: PrinterStatus) -> list[DeviceStatus]:
    """The status events to emit when the printer's status goes from `before` to `after`."""
    changes: list[DeviceStatus] = []
    if before.online != after.online:
        changes.append(DeviceStatus.ONLINE if after.online else DeviceStatus.OFFLINE)
    if before.paper is not after.paper:
        changes.append(_PAPER_STATUS[after.paper])
    if before.cover_open != after.cover_open:
        changes.append(DeviceStatus.COVER_OPEN if after.cover_open else DeviceStatus.COVER_CLOSED)
    return changes
