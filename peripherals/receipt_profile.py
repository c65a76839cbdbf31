"""Receipt profiles: how a receipt printer lays out a document (paper width, code page, codes).

A profile is data; hardware profiles loaded from the database pick one per printer. Nothing here
talks to a device.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The demo store's logo (a 1-bit PNG, 256 x 80 dots); regenerate with
# `.venv/bin/python tests/data/escpos/make_logo.py`.
DEMO_LOGO = str(Path(__file__).resolve().parent.parent / "resources" / "receipt-logo.png")


@dataclass(frozen=True, slots=True)
class ReceiptProfile:
    """Layout settings of one receipt printer.

    columns: characters per line in font A at normal size (42 on 80 mm paper, 32 on 58 mm);
        double-size rows get half of them.
    dots: printable width in dots, used to size the barcode and the logo (576 on 80 mm, 384 on
        58 mm).
    code_page: the code page pinned for the whole receipt, by its python-escpos name ("CP858" has
        the euro sign); characters it cannot encode print as "?".
    escpos_profile: python-escpos capabilities profile (printer model) that maps the code page
        name to the printer's ESC t table number; "default" is Epson's numbering.
    print_barcode: print BarcodeBlocks (the receipt number as CODE128).
    print_qr: print QrBlocks, and a QR code of the receipt number when the document has none.
    qr_size: QR module size in dots (1-16).
    cut: cut the paper after the receipt (otherwise feed so it can be torn off).
    logo: path of an image (PNG, BMP, GIF, JPEG) printed centred above the header as a 1-bit
        raster image, scaled down to `dots` when wider. Checked when the profile is made, so a
        missing or unreadable file is a configuration error, not a failed receipt.
    """

    columns: int = 42
    dots: int = 576
    code_page: str = "CP858"
    escpos_profile: str = "default"
    print_barcode: bool = True
    print_qr: bool = False
    qr_size: int = 6
    cut: bool = True
    logo: str | None = None

    def __post_init__(self) -> None:
        if self.columns < 8:
            raise ValueError(f"a receipt needs at least 8 columns, not {self.columns}")
        if self.dots < 1:
            raise ValueError(f"printable width must be positive, not {self.dots} dots")
        if not 1 <= self.qr_size <= 16:
            raise ValueError(f"QR module size must be 1-16, not {self.qr_size}")
        if self.logo is not None:
            object.__setattr__(self, "logo", _checked_logo(self.logo))


def _checked_logo(logo: str | os.PathLike[str]) -> str:
    """The logo's path as text, after making sure Pillow can read the image's header."""
    from PIL import Image, UnidentifiedImageError

    path = os.fspath(logo)
    if not path:
        raise ValueError("receipt logo: the path is empty; give an image file or leave logo=None")
    try:
        with Image.open(path) as image:
            width, height = image.size
    except FileNotFoundError:
        raise ValueError(
            f"receipt logo {path!r} does not exist; fix the path or leave logo=None"
        ) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(
            f"receipt logo {path!r} is not an image Pillow can read ({exc}); use a PNG or BMP file"
        ) from None
    if width < 1 or height < 1:
        raise ValueError(f"receipt logo {path!r} is empty ({width} x {height})")
    return path


PAPER_80MM = ReceiptProfile(columns=42, dots=576)
PAPER_58MM = ReceiptProfile(columns=32, dots=384)
