"""The ESC/POS wire protocol as our virtual printer reads it: tokens, status bytes, print jobs.

`Tokenizer` splits a byte stream into text runs and whole commands (it knows the length rules
of every command python-escpos and our drivers send, including binary payloads such as raster
images and barcodes, so a DLE EOT byte pair inside image data is not taken for a request).
`JobBuilder` turns the tokens of one connection into `PrintedJob`s: the text lines in the code
page selected with ESC t, barcodes, QR codes, raster images and whether a cut ended the job.
`status_byte` answers DLE EOT n from a `PanelState` with the Epson bit layout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
LF, CR, HT = 0x0A, 0x0D, 0x09

# ESC t n -> Python codec (Epson numbering, as python-escpos' "default" profile uses)
CODE_PAGES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
}

_ESC_2 = set(b"@2<=")
_ESC_3 = set(b"tadEGM!-J3{VrRSTU e")
_GS_3 = set(b"!hwfHBraIb/E")
_GS_4 = set(b"LWPT\\")
_CUT_WITH_FEED = {65, 66, 97, 98, 103, 104}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "text", "command" or "realtime"
    raw: bytes

    @property
    def name(self) -> bytes:
        return self.raw[:2] if self.kind != "text" else b""


class Tokenizer:
    """Incremental: `feed` returns the complete tokens and keeps an unfinished command."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> list[Token]:
        buf = self._pending + data
        out: list[Token] = []
        i = 0
        while i < len(buf):
            b = buf[i]
            if b >= 0x20 or b in (LF, CR, HT):
                j = i
                while j < len(buf) and (buf[j] >= 0x20 or buf[j] in (LF, CR, HT)):
                    j += 1
                out.append(Token("text", buf[i:j]))
                i = j
                continue
            n = command_length(buf, i)
            if n is None:
                break
            raw = buf[i : i + n]
            kind = "realtime" if b == DLE and raw[1:2] in (b"\x04", b"\x05", b"\x14") else "command"
            out.append(Token(kind, raw))
            i += n
        self._pending = buf[i:]
        return out

    @property
    def pending(self) -> bytes:
        return self._pending


def _nul_terminated(buf: bytes, start: int, i: int) -> int | None:
    end = buf.find(b"\x00", start)
    return None if end < 0 else end + 1 - i


def command_length(buf: bytes, i: int) -> int | None:
    """Bytes in the command starting at buf[i], or None when more bytes are needed."""
    avail = len(buf) - i

    def need(n: int) -> int | None:
        return n if avail >= n else None

    b0 = buf[i]
    if avail < 2:
        return None if b0 in (ESC, GS, DLE, FS) else 1
    b1 = buf[i + 1]
    if b0 == ESC:
        if b1 in _ESC_2:
            return 2
        if b1 in _ESC_3:
            return need(3)
        if b1 == ord("p"):
            return need(5)
        if b1 in (ord("$"), ord("\\")):
            return need(4)
        if b1 == ord("c"):
            return need(4)
        if b1 == ord("*"):
            if avail < 5:
                return None
            columns = buf[i + 3] + 256 * buf[i + 4]
            return need(5 + columns * (1 if buf[i + 2] in (0, 1) else 3))
        if b1 in (ord("D"), ord("B")):
            return _nul_terminated(buf, i + 2, i)
        return 2
    if b0 == GS:
        if b1 in _GS_3:
            return need(3)
        if b1 in _GS_4:
            return need(4)
        if b1 == ord("V"):
            if avail < 3:
                return None
            return need(4) if buf[i + 2] in _CUT_WITH_FEED else 3
        if b1 == ord("k"):
            if avail < 4:
                return None
            if buf[i + 2] <= 6:
                return _nul_terminated(buf, i + 3, i)
            return need(4 + buf[i + 3])
        if b1 == ord("("):
            if avail < 5:
                return None
            return need(5 + buf[i + 3] + 256 * buf[i + 4])
        if b1 == ord("8"):
            if avail < 7:
                return None
            return need(7 + int.from_bytes(buf[i + 3 : i + 7], "little"))
        if b1 == ord("v"):
            if avail < 8:
                return None
            width, height = buf[i + 4] + 256 * buf[i + 5], buf[i + 6] + 256 * buf[i + 7]
            return need(8 + width * height)
        if b1 == ord("*"):
            if avail < 4:
                return None
            return need(4 + buf[i + 2] * buf[i + 3] * 8)
        return 2
    if b0 == DLE:
        if b1 == 0x14:  # DLE DC4 fn ...: fn 1 and 2 take two more bytes, fn 8 seven
            if avail < 3:
                return None
            return need({1: 5, 2: 5, 8: 10}.get(buf[i + 2], 3))
        return need(3) if b1 in (0x04, 0x05) else 2
    if b0 == FS:
        if b1 in (ord("!"), ord("C"), ord("-"), ord("W")):
            return need(3)
        if b1 == ord("p"):
            return need(4)
        return 2
    return 1  # another control byte (NUL, FF, CAN...): a command of its own


@dataclass(frozen=True, slots=True)
class PanelState:
    """What the printer's sensors say; the answers to DLE EOT and GS r come from it."""

    paper_near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    offline: bool = False
    drawer_pin3_high: bool = False

    @property
    def stopped(self) -> bool:
        return self.paper_out or self.cover_open or self.offline


def status_byte(n: int, state: PanelState) -> bytes | None:
    """The reply to DLE EOT n (Epson layout, 0xx1xx10), or None for an n we do not answer."""
    status = 0x12
    if n == 1:
        status |= 0x04 if state.drawer_pin3_high else 0
        status |= 0x08 if state.stopped else 0
    elif n == 2:
        status |= 0x04 if state.cover_open else 0
        status |= 0x20 if state.paper_out else 0
    elif n == 3:
        pass
    elif n == 4:
        status |= 0x0C if state.paper_near_end or state.paper_out else 0
        status |= 0x60 if state.paper_out else 0
    else:
        return None
    return bytes([status])


def gs_r_byte(n: int, state: PanelState) -> bytes | None:
    """The reply to GS r n: 1/49 paper sensor, 2/50 drawer."""
    if n in (1, 49):
        value = 0x03 if state.paper_near_end or state.paper_out else 0
        return bytes([value | (0x0C if state.paper_out else 0)])
    if n in (2, 50):
        return bytes([0x01 if state.drawer_pin3_high else 0])
    return None


@dataclass(frozen=True, slots=True)
class Kick:
    """A drawer pulse: pin 2 or 5, ON time, and whether it came as real-time DLE DC4."""

    pin: int
    on_ms: int
    realtime: bool = False


@dataclass(frozen=True, slots=True)
class RasterImage:
    width_bytes: int
    height: int
    data: bytes

    def row(self, y: int) -> str:
        """Row `y` as "#" (ink) and "." (paper), for tests and the console."""
        chunk = self.data[y * self.width_bytes : (y + 1) * self.width_bytes]
        return "".join(f"{b:08b}" for b in chunk).replace("1", "#").replace("0", ".")


@dataclass
class PrintedJob:
    """One receipt as the printer got it. `cut`: a cut ended it (else the connection did)."""

    lines: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    images: list[RasterImage] = field(default_factory=list)
    code_pages: list[int] = field(default_factory=list)
    unknown: list[bytes] = field(default_factory=list)
    raw: bytearray = field(default_factory=bytearray)
    lost_bytes: int = 0  # print data that arrived while the printer could not print
    cut: bool = False
    ended_at: float = 0.0  # time.perf_counter() when the job's last byte arrived

    @property
    def has_content(self) -> bool:
        return bool(self.lines or self.barcodes or self.qr_codes or self.images or self.lost_bytes)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _barcode_data(raw: bytes) -> str:
    """The text a GS k barcode encodes; CODE128 code set switches ("{A", "{B", "{C") and "{{"
    decoded, code set C digits as pairs."""
    data = raw[3:-1] if raw[2] <= 6 else raw[4:]
    if raw[2] != 73 or data[:1] != b"{":
        return data.decode("latin-1")
    text, code_set, i = [], "B", 0
    while i < len(data):
        byte = data[i]
        if byte == 0x7B and i + 1 < len(data):  # "{": a code set switch or a literal "{"
            i += 1
            follower = chr(data[i])
            if follower in "ABC":
                code_set = follower
            elif follower == "{":
                text.append("{")
        elif code_set == "C":
            text.append(f"{byte:02d}")
        else:
            text.append(chr(byte))
        i += 1
    return "".join(text)


class JobBuilder:
    """Interprets one connection's print tokens (not the real-time ones) into jobs."""

    def __init__(self) -> None:
        self.job = PrintedJob()
        self.code_page = 0
        self._line = bytearray()
        self._qr_data = ""

    def _decode(self, data: bytes) -> str:
        codec = CODE_PAGES.get(self.code_page, "latin-1")
        return data.decode(codec, errors="replace")

    def _end_line(self) -> None:
        self.job.lines.append(self._decode(bytes(self._line)).rstrip())
        self._line.clear()

    def add(self, token: Token, printing: bool) -> PrintedJob | None:
        """Take one token; returns the finished job when this token ended one: a cut, or an
        ESC @ (initialize) that starts a new job after an unfinished one."""
        ended = None
        if printing and token.name == b"\x1b@" and self.job.has_content:
            ended = self.finish()
        job = self.job
        job.raw += token.raw
        if not printing:  # paper out, cover open, offline: nothing reaches the paper
            if token.kind == "text" or token.name in (b"\x1dv", b"\x1dk", b"\x1d("):
                job.lost_bytes += len(token.raw) + len(self._line)
                self._line.clear()  # a line not yet fed out is lost with the paper
            return None
        if token.kind == "text":
            for byte in token.raw:
                if byte == LF:
                    self._end_line()
                elif byte != CR:
                    self._line.append(byte if byte != HT else 0x20)
            return None
        raw, name = token.raw, token.name
        if name == b"\x1b@":
            self.code_page = 0
            return ended
        elif name == b"\x1bt":
            self.code_page = raw[2]
            job.code_pages.append(raw[2])
        elif name in (b"\x1bd", b"\x1bJ"):
            if self._line:
                self._end_line()
        elif name == b"\x1dv":
            job.images.append(RasterImage(raw[4] + 256 * raw[5], raw[6] + 256 * raw[7], raw[8:]))
        elif name == b"\x1dk":
            job.barcodes.append(_barcode_data(raw))
        elif name == b"\x1d(" and raw[2:3] == b"k" and len(raw) >= 8 and raw[5] == 49:
            if raw[6] == 80:  # store the QR data
                self._qr_data = raw[8:].decode("latin-1")
            elif raw[6] == 81:  # print it
                job.qr_codes.append(self._qr_data)
        elif name == b"\x1dV":
            if self._line:
                self._end_line()
            job.cut = True
            return self.finish()
        elif raw[:1] in (b"\x1b", b"\x1d", b"\x1c") and not _known(raw):
            job.unknown.append(raw)
        return None

    def finish(self) -> PrintedJob | None:
        """End the current job (cut or connection closed); None when it printed nothing."""
        if self._line:
            self._end_line()
        job, self.job = self.job, PrintedJob()
        job.ended_at = time.perf_counter()
        return job if job.has_content or job.cut else None


_KNOWN = {bytes([ESC, c]) for c in b"@2<=tadEGM!-J3{VrRSTU ec$\\*p"} | {
    bytes([GS, c]) for c in b"!hwfHBraIbLWPVk(8v*/"
}


def _known(raw: bytes) -> bool:
    return raw[:2] in _KNOWN
