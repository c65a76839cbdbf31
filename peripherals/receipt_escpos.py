"""ESC/POS rendering of receipt documents with python-escpos.

`render_escpos` turns a runtime `ReceiptDocument` into the bytes of one print job. It talks to no
device: drivers send the bytes over network, serial, USB or file.

Layout mirrors `runtime.receipt_text` (same wrapping of left/right rows), so the printed receipt
lines up like the text one; double-size rows get half the columns. The job starts with ESC @
and pins the profile's code page once (ESC t n); every character is encoded in that code page,
one byte per character, and what it cannot encode prints as "?". The code page is never switched
mid-receipt and no character raises.
"""

from __future__ import annotations

import unicodedata

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
        """Hook for the monochrome logo (`ReceiptProfile.logo`, not supported yet)."""
        assert self.profile.logo is None

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
        fits = [
            w for w in (3, 2) if _code128_modules(data.replace("{", "{{")) * w <= self.profile.dots
        ]
        if symbology != "CODE128" or not data or not data.isascii() or not fits:
            # a code the printer could not render (or that does not fit): its data as text
            self.row(TextRow(data, align=Align.CENTER))
            return
        # GS k 73 n "{B" data: function B, code set B; a literal "{" is sent as "{{"
        self.p.barcode(
            "{B" + data.replace("{", "{{"),
            "CODE128",
            height=_BARCODE_HEIGHT,
            width=fits[0],
            pos="BELOW",
            align_ct=True,
            function_type="B",
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
