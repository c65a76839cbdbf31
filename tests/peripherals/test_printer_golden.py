"""Golden bytes of the receipt layout (python-escpos Dummy printer), and the monochrome logo.

The .bin files under tests/data/escpos/ are the exact jobs the renderer must produce. After an
intended layout change, regenerate them and review the difference (e.g. with the virtual
printer's text, `cmp -l`, or `git diff --stat`):

    TILLPOINT_REGEN_GOLDEN=1 .venv/bin/pytest -q tests/peripherals/test_printer_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from peripherals.receipt_escpos import logo_raster, render_escpos
from peripherals.receipt_profile import DEMO_LOGO, PAPER_58MM, PAPER_80MM, ReceiptProfile
from peripherals.virtual_printer_protocol import JobBuilder, PrintedJob, Tokenizer
from runtime.receipt import BarcodeBlock, ReceiptDocument, TextRow
from tests.peripherals.printer_support import (
    NUMBER,
    expected_lines,
    printed,
    report_documents,
    sale_receipt,
)

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "escpos"
REGENERATE = os.environ.get("TILLPOINT_REGEN_GOLDEN") == "1"

LOGO_80 = ReceiptProfile(logo=DEMO_LOGO, print_qr=True)
CASES: dict[str, tuple[Callable[[], ReceiptDocument], ReceiptProfile]] = {
    "receipt_80mm_logo_qr.bin": (sale_receipt, LOGO_80),
    "receipt_58mm.bin": (sale_receipt, PAPER_58MM),
    "z_report_80mm.bin": (lambda: report_documents()[1], ReceiptProfile()),
}


def parse_finished(data: bytes) -> PrintedJob:
    """The job as our virtual printer reads it; it must end with a cut and hold no unknown
    command."""
    builder = JobBuilder()
    done = None
    for token in Tokenizer().feed(data):
        done = builder.add(token, printing=True) or done
    assert done is not None and done.cut and done.unknown == []
    return done


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_bytes(name: str) -> None:
    make, profile = CASES[name]
    document = make()
    out = render_escpos(document, profile)
    path = GOLDEN / name
    if REGENERATE:
        path.write_bytes(out)
    assert path.exists(), f"{path} is missing: regenerate with TILLPOINT_REGEN_GOLDEN=1"
    golden = path.read_bytes()
    if out != golden:
        at = next((i for i, (a, b) in enumerate(zip(out, golden, strict=False)) if a != b), None)
        at = min(len(out), len(golden)) if at is None else at
        pytest.fail(
            f"{name}: {len(out)} bytes rendered, {len(golden)} in the golden file; first "
            f"difference at byte {at}: {out[at : at + 24]!r} vs {golden[at : at + 24]!r}. "
            "If the change is intended, regenerate with TILLPOINT_REGEN_GOLDEN=1."
        )
    # the golden job reads back as the document: a wrong golden file cannot hide here
    job = parse_finished(golden)
    assert printed(job.lines) == expected_lines(
        document, profile, barcodes_as_text=not job.barcodes
    )


def test_golden_receipt_has_logo_barcode_and_qr() -> None:
    job = parse_finished((GOLDEN / "receipt_80mm_logo_qr.bin").read_bytes())
    assert job.barcodes == [NUMBER] and job.qr_codes == [NUMBER] and job.code_pages == [19]
    (logo,) = job.images
    assert (logo.width_bytes, logo.height) == (52, 80)


def test_logo_is_centred_one_bit_and_matches_the_png() -> None:
    width_bytes, height, raster = logo_raster(DEMO_LOGO, 576)
    assert (width_bytes, height, len(raster)) == (52, 80, 52 * 80)
    left = (576 - 256) // 2
    with Image.open(DEMO_LOGO) as png:
        source = png.convert("1")
    for y in (0, 2, 40, 79):
        bits = "".join(f"{b:08b}" for b in raster[y * width_bytes : (y + 1) * width_bytes])
        assert bits[:left] == "0" * left  # the margin is paper
        ink = "".join("1" if source.getpixel((x, y)) == 0 else "0" for x in range(256))
        assert bits[left : left + 256] == ink


def test_a_wide_logo_is_scaled_to_the_paper(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    image = Image.new("RGBA", (1000, 200), (0, 0, 0, 0))  # transparent: paper
    for x in range(0, 1000, 100):
        for y in range(200):
            image.putpixel((x, y), (0, 0, 0, 255))
            image.putpixel((x + 1, y), (0, 0, 0, 255))
    image.save(path)
    width_bytes, height, raster = logo_raster(str(path), 384)
    assert (width_bytes, height) == (48, 77)  # 384 dots wide, aspect kept (200 * 384 / 1000)
    assert any(raster) and raster.count(0) > len(raster) // 2  # mostly paper, some ink
    out = render_escpos(ReceiptDocument("sale", lines=(TextRow("x"),)), replace_logo(path))
    assert out.count(b"\x1dv0\x00\x30\x00\x4d\x00") == 1  # GS v 0, 48 bytes x 77 dots


def replace_logo(path: Path) -> ReceiptProfile:
    return ReceiptProfile(columns=32, dots=384, logo=str(path))


def test_a_changed_logo_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    Image.new("1", (16, 4), 0).save(path)
    first = logo_raster(str(path), 576)
    Image.new("1", (16, 8), 1).save(path)
    os.utime(path, ns=(1, 1))
    assert logo_raster(str(path), 576) != first


def test_rendering_with_a_logo_is_deterministic() -> None:
    document = sale_receipt()
    assert render_escpos(document, LOGO_80) == render_escpos(document, LOGO_80)


def test_logo_validation(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        ReceiptProfile(logo=str(tmp_path / "missing.png"))
    text = tmp_path / "logo.png"
    text.write_text("not an image")
    with pytest.raises(ValueError, match="is not an image Pillow can read"):
        ReceiptProfile(logo=str(text))
    with pytest.raises(ValueError, match="the path is empty"):
        ReceiptProfile(logo="")
    assert ReceiptProfile(logo=Path(DEMO_LOGO)).logo == DEMO_LOGO  # type: ignore[arg-type]


def test_a_long_receipt_number_fits_with_code_set_c() -> None:
    number = "S001-R1-20261123-000001"  # 23 characters: 616 dots in code set B, too wide
    document = ReceiptDocument("sale", footer=(BarcodeBlock(number),), receipt_number=number)
    out = render_escpos(document, PAPER_80MM)
    data = b"{BS001-R1-{C\x14\x1a\x0b\x17{B-{C\x00\x00\x01"  # 20 symbols: 528 dots
    assert b"\x1dw\x02" in out and b"\x1dkI" + bytes([len(data)]) + data in out
    assert parse_finished(out).barcodes == [number]
    # where even code set C cannot make it fit, the number prints as text
    narrow = parse_finished(render_escpos(document, PAPER_58MM))
    assert narrow.barcodes == [] and printed(narrow.lines) == [number]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("1234", "{C\x0c\x22"),  # digits only: start in C
        ("AB123456", "{BAB{C\x0c\x22\x38"),  # four or more at the end
        ("A1234B", "{BA1234B"),  # four in the middle save nothing
        ("A12345678B", "{BA{C\x0c\x22\x38\x4e{BB"),  # eight in the middle do
        ("{123456", "{B{{{C\x0c\x22\x38"),  # a literal brace stays escaped
        ("7123456", "{B7{C\x0c\x22\x38"),  # an odd run leaves its first digit in B
    ],
)
def test_code_set_c_compaction(data: str, code: str) -> None:
    from peripherals.receipt_escpos import _code128_compact

    assert _code128_compact(data)[0] == code
    out = render_escpos(ReceiptDocument("sale", footer=(BarcodeBlock(data),)), PAPER_80MM)
    assert parse_finished(out).barcodes == [data]
