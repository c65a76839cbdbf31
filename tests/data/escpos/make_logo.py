"""Draw the demo receipt logo, resources/receipt-logo.png (a 1-bit PNG, 256 x 80 dots).

Run from the repository root: `.venv/bin/python tests/data/escpos/make_logo.py`. Only shapes
are drawn (no font), so the image is the same with every Pillow version; after changing it,
regenerate the golden receipts (see tests/peripherals/test_printer_golden.py).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[3]
TARGET = ROOT / "resources" / "receipt-logo.png"

# 5 x 7 dot glyphs for the letters of the name, one string of five columns per row
GLYPHS = {
    "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
    "I": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "#####"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
    "N": ["#...#", "##..#", "#.#.#", "#.#.#", "#..##", "#...#", "#...#"],
}


def draw_text(draw: ImageDraw.ImageDraw, text: str, x: int, y: int, dot: int) -> None:
    for letter in text:
        for row, bits in enumerate(GLYPHS[letter]):
            for col, bit in enumerate(bits):
                if bit == "#":
                    left, top = x + col * dot, y + row * dot
                    draw.rectangle((left, top, left + dot - 1, top + dot - 1), fill=0)
        x += 6 * dot


def main() -> None:
    image = Image.new("1", (256, 80), 1)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 255, 79), radius=12, outline=0, width=4)
    # a small till: body, display and drawer
    draw.rectangle((14, 30, 50, 62), outline=0, width=3)
    draw.rectangle((20, 14, 44, 28), fill=0)
    draw.rectangle((10, 62, 54, 68), fill=0)
    draw_text(draw, "TILLPOINT", 64, 26, 3)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    image.save(TARGET, optimize=True)
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
