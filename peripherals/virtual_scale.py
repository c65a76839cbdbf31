"""Virtual scales of our own: Toledo 8217 and SMA spoken on a pseudo-terminal.

The driver opens the pty's path exactly as it opens /dev/ttyUSB0, so tests and the demo run
the real protocol code. The weight, motion and a fault (a silent scale, a garbled answer) are
set from the test or, with `python -m peripherals.virtual_scale`, from the keyboard:

    python -m peripherals.virtual_scale --protocol toledo8217 --weight 1.25 --link /tmp/scale
    > 0.730        put 0.730 kg on the platter      > motion / stable / over / zero / quit
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import sys
import threading
import time
import tty
from decimal import Decimal, InvalidOperation
from pathlib import Path

from peripherals.scale_toledo import Status

STX, CR, LF = b"\x02", b"\r", b"\n"
PROTOCOLS = ("toledo8217", "sma")


class PtyPair:
    """A raw pseudo-terminal: our side is `master`, the driver opens `path` (the slave)."""

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation: bytes pass as they are
        self.path = os.ttyname(self._slave)
        self._closed = False

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def read(self, timeout: float) -> bytes:
        """What the driver wrote, waiting at most `timeout` (b"" if nothing)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self.master, 4096)
        except OSError:
            return b""

    def close(self) -> None:
        """Both ends go: a driver reading the path sees the port vanish (a pulled cable)."""
        if not self._closed:
            self._closed = True
            for fd in (self.master, self._slave):
                try:
                    os.close(fd)
                except OSError:
                    pass


class ScaleModel:
    """The platter: gross weight (kg), tare, motion, capacity. Thread-safe."""

    def __init__(self, capacity: Decimal = Decimal("15"), weight: Decimal = Decimal(0)) -> None:
        self._lock = threading.Lock()
        self.capacity = capacity
        self.weight = weight
        self.tare = Decimal(0)
        self.stable = True
        self.fault: str | None = None  # "silent" or "garbage"

    def set(self, weight: Decimal | None = None, stable: bool | None = None) -> None:
        with self._lock:
            if weight is not None:
                self.weight = Decimal(weight)
            if stable is not None:
                self.stable = stable

    def snapshot(self) -> tuple[Decimal, Decimal, bool]:
        with self._lock:
            return self.weight, self.tare, self.stable

    def zero(self) -> bool:
        with self._lock:
            if not self.stable:
                return False
            self.weight, self.tare = Decimal(0), Decimal(0)
            return True

    def take_tare(self) -> bool:
        with self._lock:
            if not self.stable:
                return False
            self.tare = max(self.weight, Decimal(0))
            return True

    def clear_tare(self) -> None:
        with self._lock:
            self.tare = Decimal(0)


def _kg(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.001')):f}"


def toledo_status(model: ScaleModel, extra: Status | None = None) -> bytes:
    weight, tare, stable = model.snapshot()
    flags = extra or Status(0)
    if not stable:
        flags |= Status.IN_MOTION
    if weight > model.capacity:
        flags |= Status.OVER_CAPACITY
    if weight - tare < 0:
        flags |= Status.UNDER_ZERO
    if weight == 0:
        flags |= Status.CENTER_OF_ZERO
    if tare:
        flags |= Status.NET_WEIGHT
    return STX + b"?" + bytes([int(flags)]) + CR


def toledo_answer(request: bytes, model: ScaleModel) -> bytes:
    """The Toledo 8217 reply to one request byte (b"" for line terminators)."""
    if request in (CR, LF):
        return b""
    if request == b"W":
        weight, tare, stable = model.snapshot()
        net = weight - tare
        if not stable or weight > model.capacity or net < 0:
            return toledo_status(model)
        return STX + _kg(net).rjust(6, "0").encode() + (b"N" if tare else b"") + CR
    if request == b"Z":
        model.zero()
        return toledo_status(model)
    if request == b"T":
        model.take_tare()
        return toledo_status(model)
    return toledo_status(model, Status.BAD_COMMAND)


def sma_reply(model: ScaleModel, error: str = "") -> bytes:
    weight, tare, stable = model.snapshot()
    net = weight - tare
    if error:
        status, field = error, "-" * 10
    else:
        status = (
            "O" if weight > model.capacity else "U" if net < 0 else "Z" if weight == 0 else " "
        )
        field = _kg(net).rjust(10)
    body = f"{status}1{'N' if tare else 'G'}{' ' if stable else 'M'} {field}kg_"
    return LF + body.encode("ascii") + CR


def sma_answer(frame: bytes, model: ScaleModel) -> bytes:
    """The SMA reply to one command frame (the bytes between LF and CR)."""
    letter = frame[:1]
    if letter == b"W":
        return sma_reply(model)
    if letter == b"Z":
        return sma_reply(model, "" if model.zero() else "E")
    if letter == b"T":
        return sma_reply(model, "" if model.take_tare() else "T")
    if letter == b"C":
        model.clear_tare()
        return sma_reply(model)
    return LF + b"?" + CR


class VirtualScale:
    """A scale on a pty speaking `protocol` ("toledo8217" or "sma"); `start()` → the port path."""

    def __init__(
        self,
        protocol: str = "toledo8217",
        *,
        capacity: Decimal = Decimal("15"),
        weight: Decimal = Decimal(0),
    ) -> None:
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown scale protocol {protocol!r}; use one of {PROTOCOLS}")
        self.protocol = protocol
        self.model = ScaleModel(capacity, weight)
        self.requests: list[bytes] = []
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def port(self) -> str:
        if self._pty is None:
            raise RuntimeError("the virtual scale is not started")
        return self._pty.path

    def start(self) -> str:
        self._pty = PtyPair()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="virtual-scale", daemon=True)
        self._thread.start()
        return self._pty.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    def __enter__(self) -> VirtualScale:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ what is on the platter
    def set_weight(self, kg: Decimal | str, stable: bool = True) -> None:
        self.model.set(Decimal(kg), stable)

    def set_motion(self, moving: bool) -> None:
        self.model.set(stable=not moving)

    def set_over_capacity(self) -> None:
        self.model.set(self.model.capacity + Decimal("0.005"), True)

    def set_fault(self, fault: str | None) -> None:
        """None, "silent" (answers nothing) or "garbage" (answers noise)."""
        if fault not in (None, "silent", "garbage"):
            raise ValueError(f"unknown fault {fault!r}; use None, 'silent' or 'garbage'")
        self.model.fault = fault

    # ------------------------------------------------------------------ serving
    def _serve(self) -> None:
        pty = self._pty
        assert pty is not None
        frame = bytearray()
        in_frame = False
        while not self._stop.is_set():
            data = pty.read(0.05)
            for byte in data:
                b = bytes([byte])
                if self.protocol == "toledo8217":
                    if b not in (CR, LF):  # line terminators between commands are ignored
                        self._reply(pty, b)
                elif b == LF:
                    frame.clear()
                    in_frame = True
                elif b == CR and in_frame:
                    in_frame = False
                    self._reply(pty, bytes(frame))
                elif in_frame:
                    frame += b

    def _reply(self, pty: PtyPair, request: bytes) -> None:
        self.requests.append(request)
        fault = self.model.fault
        if fault == "silent":
            return
        if fault == "garbage":
            start = STX if self.protocol == "toledo8217" else LF
            reply = start + b"#garbage~" + CR
        elif self.protocol == "toledo8217":
            reply = toledo_answer(request, self.model)
        else:
            reply = sma_answer(request, self.model)
        try:
            pty.write(reply)
        except OSError:
            pass


def _command(scale: VirtualScale, line: str) -> bool:
    """One keyboard command; False to quit."""
    word = line.strip().lower()
    if word in ("quit", "exit"):
        return False
    if word == "motion":
        scale.set_motion(True)
    elif word == "stable":
        scale.set_motion(False)
    elif word == "over":
        scale.set_over_capacity()
    elif word == "zero":
        scale.model.zero()
    elif word:
        try:
            scale.set_weight(Decimal(word))
        except InvalidOperation:
            print(f"? {word!r}: type a weight in kg (0.730), motion, stable, over, zero or quit")
            return True
    weight, tare, stable = scale.model.snapshot()
    print(f"weight {weight} kg, tare {tare} kg, {'stable' if stable else 'in motion'}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A virtual serial scale on a pseudo-terminal.")
    parser.add_argument("--protocol", choices=PROTOCOLS, default="toledo8217")
    parser.add_argument("--weight", default="0", help="kilograms on the platter at start")
    parser.add_argument("--capacity", default="15", help="capacity in kilograms")
    parser.add_argument("--link", help="also publish the port as this symlink")
    args = parser.parse_args(argv)
    scale = VirtualScale(args.protocol, capacity=Decimal(args.capacity))
    scale.set_weight(Decimal(args.weight))
    path = scale.start()
    link = Path(args.link) if args.link else None
    if link is not None:
        link.unlink(missing_ok=True)
        link.symlink_to(path)
    print(f"{args.protocol} scale on {link or path}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for line in sys.stdin:
            if not _command(scale, line):
                break
        else:
            while True:  # stdin closed (run in the background): serve until stopped
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        scale.stop()
        if link is not None:
            link.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
