"""Plain-text rendering of receipt documents: for the demo, the journal and tests.

Double-size rows are rendered in capitals; barcodes as their data between markers, since a
text file has no symbology.
"""

from __future__ import annotations

from runtime.receipt import Align, BarcodeBlock, QrBlock, ReceiptDocument, Separator, TextRow


def _chunks(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, max(len(text), 1), width)]


def _fit(left: str, right: str, width: int) -> list[str]:
    if not right:
        return _chunks(left, width)
    room = width - len(right) - 1
    if room < 1:  # no room beside the right part: both wrap, nothing is cut
        return [*_chunks(left, width), *(part.rjust(width) for part in _chunks(right, width))]
    if len(left) <= room:
        return [left.ljust(room) + " " + right]
    head = _chunks(left, width)
    last = head.pop()
    if len(last) <= room:
        return [*head, last.ljust(room) + " " + right]
    return [*head, last, right.rjust(width)]


def render_text(document: ReceiptDocument, width: int = 42) -> str:
    """Render to `width` columns; every row fits, long names wrap, amounts stay right-aligned."""
    out: list[str] = []
    for element in document.elements:
        if isinstance(element, Separator):
            out.append(element.char * width)
        elif isinstance(element, BarcodeBlock):
            marked = f"|| {element.data} ||"
            if len(marked) <= width:
                out.append(marked.center(width).rstrip())
            else:  # too wide for the markers: the data itself, wrapped
                out += [part.center(width).rstrip() for part in _chunks(element.data, width)]
        elif isinstance(element, QrBlock):
            out.append(f"[QR {element.data}]".center(width)[:width])
        elif isinstance(element, TextRow):
            left = element.left.upper() if element.double else element.left
            for row in _fit(left, element.right, width):
                if element.align is Align.CENTER:
                    row = row.strip().center(width)
                elif element.align is Align.RIGHT:
                    row = row.strip().rjust(width)
                out.append(row.rstrip())
    return "\n".join(out) + "\n"
