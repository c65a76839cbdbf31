"""ESC/POS rendering of receipt documents with python-escpos.

`render_escpos` turns a runtime `ReceiptDocument` into the bytes of one print job. It talks to no
device: drivers send the bytes over network, serial, USB or file.

Layout mirrors `runtime.receipt_text` (same wrapping of left/right rows), so the printed receipt
lines up like the text one; double-size rows get half the columns. The job starts with ESC @
and pins the profile's code page once (ESC t n); every character is encoded in that code page,
one byte per character, and what it cannot encode prints as "?". The code page is never switched
mid-receipt and no character raises. A profile's logo prints first, as a 1-bit raster image.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata

from escpos.image import EscposImage  # type: ignore[import-untyped]
from escpos.printer import Dummy  # type: ignore[import-untyped]

from peripherals.receipt_profile import ReceiptProfile
from runtime.receipt import (
    Align,
    BarcodeBlock,
    Element,
    QrBlock,
    ReceiptDocument,
    Separator,
    TextRow,
)
from runtime.receipt_text import _fit

__all__ = ["ReceiptProfile", "render_escpos"]

_ALIGN = {Align.LEFT: "left", Align.CENTER: "center", Align.RIGHT: "right"}
_BARCODE_HEIGHT = 64  # dots
_CODE128_QUIET = 20  # modules of quiet zone, both sides together
_FEED_LINES = 6  # lines fed before a cut (python-escpos' own figure) or a tear-off
_LOGO_THRESHOLD = 128  # grey levels below this print black (no dithering: crisp, repeatable)
_RASTER_ROWS = 960  # rows per GS v 0 command (python-escpos' fragment height)


def _clean(text: str) -> str:
    """One printable character per column: composed accents, no control bytes.

    Control characters would pass straight through the encoder and act as printer commands
    (a product name holding ESC p would kick the drawer), so they print as "?"; line breaks
    and tabs become spaces.
    """
    text = unicodedata.normalize("NFC", text)
    return "".join(
        " " if ch in "\t\n\r" else "?" if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch
        for ch in text
    )


def _code128_modules(data: str) -> int:
    """Width in modules of `data` as CODE128 code set B, with start, check, stop and quiet."""
    return (len(data) + 2) * 11 + 13 + _CODE128_QUIET


_DIGIT_RUN = re.compile(r"[0-9]{4,}")


def _code128_compact(data: str) -> tuple[str, int]:
    """GS k data for `data` with runs of digits in code set C, and its count of symbol
    characters (start and code set switches included, check character not).

    A run goes to code set C when that saves symbols: four digits at either end, six in the
    middle (the switch there and back costs two). An odd run leaves its first digit in B.
    """
    segments: list[tuple[str, str]] = []
    done = 0
    for run in _DIGIT_RUN.finditer(data):
        start, end = run.span()
        start += (end - start) % 2
        length = end - start
        if length < 4 or (length < 6 and 0 < start and end < len(data)):
            continue
        if start > done:
            segments.append(("B", data[done:start]))
        segments.append(("C", data[start:end]))
        done = end
    if done < len(data):
        segments.append(("B", data[done:]))
    parts, symbols = [], 0
    for code_set, text in segments:
        parts.append("{" + code_set)  # the start code, then a switch: one symbol each
        if code_set == "B":
            parts.append(text.replace("{", "{{"))
            symbols += 1 + len(text)
        else:
            parts.append("".join(chr(int(text[i : i + 2])) for i in range(0, len(text), 2)))
            symbols += 1 + len(text) // 2
    return "".join(parts), symbols


class _Renderer:
    def __init__(self, profile: ReceiptProfile) -> None:
        self.profile = profile
        self.p = Dummy(profile=profile.escpos_profile)
        # ValueError for a code page the printer profile does not know: a configuration error
        self.code_page = self.p.magic.encoder.get_encoding_name(profile.code_page)

    def start(self) -> None:
        self.p.hw("INIT")  # ESC @: clear buffer and modes (this also resets the code page)
        # ESC t n, and from now on MagicEncode encodes only in this code page, "?" otherwise
        self.p.charcode(self.code_page)
        self._print_logo()

    def _print_logo(self) -> None:
        """The profile's logo, centred, as GS v 0 raster images (see `logo_raster`)."""
        if self.profile.logo is None:
            return
        width_bytes, height, raster = logo_raster(self.profile.logo, self.profile.dots)
        # centred by the image itself: some printers ignore ESC a for raster images
        self.p.set(align="left")
        for top in range(0, height, _RASTER_ROWS):
            rows = min(_RASTER_ROWS, height - top)
            # GS v 0 m xL xH yL yH d1...dk: m = 0 (normal density), x in bytes, y in dots
            header = b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
            self.p._raw(header + raster[top * width_bytes : (top + rows) * width_bytes])

    def element(self, element: Element) -> None:
        if isinstance(element, Separator):
            rule = _clean(element.char or "-") * self.profile.columns
            self.p.set(align="left")
            self.p.text(rule[: self.profile.columns] + "\n")
        elif isinstance(element, TextRow):
            self.row(element)
        elif isinstance(element, BarcodeBlock):
            if self.profile.print_barcode:
                self.barcode(element)
        elif isinstance(element, QrBlock):
            if self.profile.print_qr:
                self.qr(element.data)

    def row(self, row: TextRow) -> None:
        width = self.profile.columns // 2 if row.double else self.profile.columns
        lines = _fit(_clean(row.left), _clean(row.right), width)
        if row.align is not Align.LEFT:
            lines = [line.strip() for line in lines]  # the printer aligns (ESC a)
        self.p.set(align=_ALIGN[row.align])
        if row.double:
            self.p.set(custom_size=True, width=2, height=2)  # GS ! 0x11
        if row.bold:
            self.p.set(bold=True)  # ESC E 1
        self.p.text("".join(line.rstrip() + "\n" for line in lines))
        if row.bold:
            self.p.set(bold=False)  # ESC E 0
        if row.double:
            self.p.set(custom_size=True, width=1, height=1)  # GS ! 0x00

    def barcode(self, block: BarcodeBlock) -> None:
        data = block.data
        symbology = block.symbology.upper()
        # GS k 73 n "{B" data: function B, code set B; a literal "{" is sent as "{{"
        code = "{B" + data.replace("{", "{{")
        fits = [w for w in (3, 2) if _code128_modules(code[2:]) * w <= self.profile.dots]
        if not fits and data.isascii() and data.isprintable():
            # too wide in code set B: digit runs in code set C (two digits per symbol)
            code, symbols = _code128_compact(data)
            modules = (symbols + 1) * 11 + 13 + _CODE128_QUIET
            fits = [w for w in (3, 2) if modules * w <= self.profile.dots]
        if symbology != "CODE128" or not data or not data.isascii() or not fits:
            # a code the printer could not render (or that does not fit): its data as text
            self.row(TextRow(data, align=Align.CENTER))
            return
        # python-escpos' public barcode() only picks this renderer (the printer's own) after
        # print()ing "Using hardware barcode renderer" to stdout on every receipt; the
        # hardware path is what we want anyway, so call it directly (same bytes).
        self.p._hw_barcode(
            code,
            "CODE128",
            height=_BARCODE_HEIGHT,
            width=fits[0],
            pos="BELOW",
            font="A",
            align_ct=True,
            function_type="B",
            check=True,
        )
        self.p.text("\n")

    def qr(self, data: str) -> None:
        if not data:
            return
        self.p.set(align="center")
        self.p.qr(data, size=self.profile.qr_size, native=True)  # GS ( k, model 2
        self.p.text("\n")

    def finish(self) -> None:
        if self.profile.cut:
            self.p.cut()  # ESC d 6, GS V 0
        else:
            self.p.print_and_feed(_FEED_LINES)  # ESC d 6: past the tear-off bar

    def output(self) -> bytes:
        return bytes(self.p.output)


def logo_raster(path: str, dots: int) -> tuple[int, int, bytes]:
    """(width in bytes, height in dots, GS v 0 raster data) of the logo at `path`.

    The image goes onto white (transparency is paper), to grey, scaled down to `dots` when
    wider, to 1 bit at a fixed threshold, and is padded on the left so it is centred on a
    `dots`-wide line. Cached per file version, so a receipt does not decode the PNG again.
    """
    stat = os.stat(path)
    return _logo_raster(path, stat.st_mtime_ns, stat.st_size, dots)


@functools.lru_cache(maxsize=8)
def _logo_raster(path: str, _mtime_ns: int, _size: int, dots: int) -> tuple[int, int, bytes]:
    from PIL import Image

    with Image.open(path) as source:
        rgba = source.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    paper.alpha_composite(rgba)
    grey = paper.convert("L")
    if grey.width > dots:
        height = max(1, round(grey.height * dots / grey.width))
        grey = grey.resize((dots, height), Image.Resampling.LANCZOS)
    mono = grey.point(lambda v: 255 if v >= _LOGO_THRESHOLD else 0, mode="1")
    left = (dots - mono.width) // 2
    line = Image.new("1", (left + mono.width, mono.height), 1)
    line.paste(mono, (left, 0))
    image = EscposImage(line)  # python-escpos: ink = 1 bits, rows padded to whole bytes
    return image.width_bytes, image.height, bytes(image.to_raster_format())


def render_escpos(document: ReceiptDocument, profile: ReceiptProfile | None = None) -> bytes:
    """The ESC/POS bytes of `document` laid out by `profile` (80 mm, CP858 by default).

    Sections print in order (header, lines, totals, tax, tenders, footer). With
    `profile.print_qr` a QR code of the receipt number follows when the document has no QR block.
    """
    renderer = _Renderer(profile or ReceiptProfile())
    renderer.start()
    for element in document.elements:
        renderer.element(element)
    if (
        renderer.profile.print_qr
        and document.receipt_number
        and not any(isinstance(e, QrBlock) for e in document.elements)
    ):
        renderer.qr(document.receipt_number)
    renderer.finish()
    return renderer.output()
