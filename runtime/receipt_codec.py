"""Receipt documents to and from plain JSON-able dicts, so a receipt that could not be printed
survives a restart in the reprint queue exactly as it was built (same time, same number)."""

from __future__ import annotations

from typing import Any

from runtime.receipt import (
    Align,
    BarcodeBlock,
    Element,
    QrBlock,
    ReceiptDocument,
    Separator,
    TextRow,
)

Json = dict[str, Any]
_SECTIONS = ("header", "lines", "totals", "tax", "tenders", "footer")


def _element_to_dict(e: Element) -> Json:
    if isinstance(e, TextRow):
        row: Json = {"t": "row", "left": e.left}
        if e.right:
            row["right"] = e.right
        if e.align is not Align.LEFT:
            row["align"] = e.align.value
        if e.bold:
            row["bold"] = True
        if e.double:
            row["double"] = True
        return row
    if isinstance(e, Separator):
        return {"t": "sep", "char": e.char}
    if isinstance(e, BarcodeBlock):
        return {"t": "barcode", "data": e.data, "symbology": e.symbology}
    return {"t": "qr", "data": e.data}


def _element_from_dict(d: Json) -> Element:
    kind = d.get("t")
    if kind == "row":
        return TextRow(
            str(d["left"]),
            str(d.get("right", "")),
            Align(d.get("align", "left")),
            bool(d.get("bold", False)),
            bool(d.get("double", False)),
        )
    if kind == "sep":
        return Separator(str(d.get("char", "-")))
    if kind == "barcode":
        return BarcodeBlock(str(d["data"]), str(d.get("symbology", "CODE128")))
    if kind == "qr":
        return QrBlock(str(d["data"]))
    raise ValueError(f"unknown receipt element type {kind!r}")


def document_to_dict(doc: ReceiptDocument) -> Json:
    out: Json = {"kind": doc.kind, "receipt_number": doc.receipt_number, "meta": dict(doc.meta)}
    for name in _SECTIONS:
        out[name] = [_element_to_dict(e) for e in getattr(doc, name)]
    return out


def document_from_dict(d: Json) -> ReceiptDocument:
    """Raises ValueError/KeyError on a malformed dict (a corrupt queue row is reported)."""
    sections = {name: tuple(_element_from_dict(e) for e in d.get(name, ())) for name in _SECTIONS}
    number = d.get("receipt_number")
    return ReceiptDocument(
        kind=str(d["kind"]),
        receipt_number=None if number is None else str(number),
        meta={str(k): str(v) for k, v in dict(d.get("meta", {})).items()},
        **sections,
    )
