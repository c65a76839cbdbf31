"""What a scanned code means: symbology, the code to look up, and the data it carries.

Pure logic, no I/O: scanners (serial, keyboard wedge) hand their text to `parse_scan`, which
never raises. A scanner may prefix an AIM symbology identifier (ISO/IEC 15424: "]E0" EAN/UPC,
"]C1" GS1-128, "]e0" GS1 DataBar, "]A0" Code 39...); it is stripped and tells how to read the
rest. biip validates GTINs, UPCs and GS1 element strings (check digits, dates, AI formats);
in-store price/weight codes are read with the store's own layouts (`scan_parse_layouts`).

A bad code comes back as a ScanResult with `errors` saying what was wrong and what to do, so
the register shows it and nothing is looked up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_messages import GS1Message
from biip.symbology import SymbologyIdentifier
from biip.upc import Upc

from peripherals.scan_parse_layouts import (
    BarcodeLayout,
    InStoreCode,
    ValueKind,
    decode_in_store,
    find_layout,
)
from runtime.barcodes import malformed_reason

__all__ = ["BarcodeLayout", "ScanKind", "ScanResult", "Symbology", "invalid_scan", "parse_scan"]

MAX_SCAN_LENGTH = 200
GROUP_SEPARATOR = "\x1d"  # how scanners send FNC1 between GS1 element strings
RESCAN = "scan it again or key the code in"


class Symbology(StrEnum):
    EAN_13 = "EAN-13"
    EAN_8 = "EAN-8"
    UPC_A = "UPC-A"
    UPC_E = "UPC-E"
    GS1_128 = "GS1-128"
    GS1_DATABAR = "GS1 DataBar"
    GS1_DATAMATRIX = "GS1 DataMatrix"
    GS1_QR = "GS1 QR Code"
    CODE_128 = "Code 128"
    CODE_39 = "Code 39"
    ITF = "ITF"
    CODABAR = "Codabar"
    QR = "QR Code"
    DATA_MATRIX = "Data Matrix"
    PDF417 = "PDF417"
    OTHER = "other"
    UNKNOWN = "unknown"  # no AIM identifier: the scanner did not say


class ScanKind(StrEnum):
    GTIN = "gtin"  # a trade item number (EAN/UPC/GTIN-14)
    IN_STORE = "in_store"  # a store's own code with an embedded price or weight
    GS1 = "gs1"  # GS1 element strings: a GTIN plus batch, expiry, weight...
    ITEM_CODE = "item_code"  # any other text a catalogue may know (internal code, PLU)
    INVALID = "invalid"


EAN_FAMILY = frozenset({Symbology.EAN_13, Symbology.EAN_8, Symbology.UPC_A, Symbology.UPC_E})
GS1_FAMILY = frozenset(
    {Symbology.GS1_128, Symbology.GS1_DATABAR, Symbology.GS1_DATAMATRIX, Symbology.GS1_QR}
)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One scan, read. `lookup_codes` are the catalogue codes to try, best first.

    gtin: the GTIN as 13 digits (14 for a GTIN-14 with an indicator digit); for an in-store code
        the code with its price/weight zeroed, which is how catalogues store such items.
    item_code: the item digits of an in-store code, or the text of a non-GTIN code.
    price / weight: embedded values (weight in `weight_unit`, "kg" unless a GS1 AI says "lb").
    """

    raw: str
    symbology: Symbology
    kind: ScanKind
    aim_id: str | None = None
    gtin: str | None = None
    item_code: str | None = None
    price: Decimal | None = None
    weight: Decimal | None = None
    weight_unit: str | None = None
    batch: str | None = None
    expiry: date | None = None
    best_before: date | None = None
    serial: str | None = None
    add_on: str | None = None
    layout: str | None = None
    lookup_codes: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def lookup_code(self) -> str | None:
        """The first code to look up, or None for a bad scan."""
        return self.lookup_codes[0] if self.ok and self.lookup_codes else None

    @property
    def message(self) -> str:
        return "; ".join(self.errors)

    def is_expired(self, today: date) -> bool:
        return self.expiry is not None and self.expiry < today


def parse_scan(raw: str, layouts: Sequence[BarcodeLayout] = ()) -> ScanResult:
    """Read one scanned code with the store's in-store layouts; never raises."""
    try:
        return _parse(raw, tuple(layouts))
    except Exception as exc:  # noqa: BLE001 - a scan must never break the register
        return _invalid(
            raw, Symbology.UNKNOWN, None, f"could not read {_shown(raw)} ({exc}); {RESCAN}"
        )


def invalid_scan(raw: str, message: str) -> ScanResult:
    """A scan that could not be read at all (a transport problem), with what to do about it."""
    return _invalid(raw, Symbology.UNKNOWN, None, message)


# ---------------------------------------------------------------------------- dispatch
def _parse(raw: str, layouts: tuple[BarcodeLayout, ...]) -> ScanResult:
    text = raw.strip(" \r\n\t")
    problem = _text_problem(text)
    if problem:
        return _invalid(raw, Symbology.UNKNOWN, None, problem)
    aim: str | None = None
    symbology = Symbology.UNKNOWN
    data = text
    if text.startswith("]"):
        try:
            ident = SymbologyIdentifier.extract(text)
        except (ParseError, IndexError, ValueError):
            return _invalid(
                raw,
                Symbology.UNKNOWN,
                None,
                f"{text[:3]!r} is not an AIM symbology identifier the register knows; check the "
                "scanner's AIM ID setting, or turn AIM IDs off",
            )
        aim, data = ident.value, text[len(ident.value) :]
        symbology = _symbology(ident.value)
        if not data:
            return _invalid(raw, symbology, aim, f"the scanner sent {aim} with no code; {RESCAN}")
    if symbology in GS1_FAMILY:
        return _gs1(raw, data, symbology, aim)
    if symbology in EAN_FAMILY or aim == "]E3":
        if not (data.isascii() and data.isdigit()):
            problem = f"{symbology} carries digits only, not {_shown(data)}; {RESCAN}"
            return _invalid(raw, symbology, aim, problem)
        add_on = None
        if aim == "]E3" and len(data) in (15, 18):  # EAN-13 with a 2- or 5-digit add-on
            data, add_on = data[:13], data[13:]
        return _gtin(raw, data, symbology, aim, layouts, add_on)
    # No identifier, or a symbology that does not say: go by the content.
    if GROUP_SEPARATOR in data or data.startswith("("):
        return _gs1(raw, data, symbology, aim)
    if data.isascii() and data.isdigit():
        if len(data) in (8, 12, 13, 14):
            return _gtin(raw, data, symbology, aim, layouts, None)
        if len(data) > 14:
            return _gs1(raw, data, symbology, aim)
    reason = malformed_reason(data)
    if reason:
        return _invalid(raw, symbology, aim, f"{_shown(data)} cannot be looked up: {reason}")
    return ScanResult(
        raw, symbology, ScanKind.ITEM_CODE, aim, item_code=data, lookup_codes=(data,)
    )


def _text_problem(text: str) -> str | None:
    if not text:
        return f"the scan was empty; {RESCAN}"
    if len(text) > MAX_SCAN_LENGTH:
        return (
            f"the scan is {len(text)} characters long (at most {MAX_SCAN_LENGTH}): the scanner's "
            "suffix is probably missing, so codes ran together; check its suffix setting"
        )
    if "\ufffd" in text:
        return (
            "the scanner sent bytes that are not text: check that its baud rate, data bits "
            "and parity match the register's settings"
        )
    bad = next((ch for ch in text if ch != GROUP_SEPARATOR and not ch.isprintable()), None)
    if bad is not None:
        return (
            f"the scan contains the control character U+{ord(bad):04X} in {_shown(text)}; check "
            "the scanner's prefix/suffix settings, then scan again"
        )
    return None


def _symbology(aim: str) -> Symbology:
    code, modifier = aim[1], aim[2:]
    if code == "E":
        return {"4": Symbology.EAN_8, "0": Symbology.EAN_13, "3": Symbology.EAN_13}.get(
            modifier, Symbology.OTHER
        )
    table = {
        "A": Symbology.CODE_39,
        "C": Symbology.GS1_128 if modifier == "1" else Symbology.CODE_128,
        "e": Symbology.GS1_DATABAR,
        "I": Symbology.ITF,
        "F": Symbology.CODABAR,
        "Q": Symbology.GS1_QR if modifier == "3" else Symbology.QR,
        "d": Symbology.GS1_DATAMATRIX if modifier == "2" else Symbology.DATA_MATRIX,
        "L": Symbology.PDF417,
    }
    return table.get(code, Symbology.OTHER)


# ---------------------------------------------------------------------------- GTINs
def _gtin(
    raw: str,
    digits: str,
    symbology: Symbology,
    aim: str | None,
    layouts: tuple[BarcodeLayout, ...],
    add_on: str | None,
) -> ScanResult:
    n = len(digits)
    if n in (6, 7, 8) and symbology in (Symbology.UPC_E, Symbology.EAN_13, Symbology.UNKNOWN):
        upc = _upc_e(digits)
        if isinstance(upc, Upc) and (n < 8 or _eight_digits_read_as_upc_e(digits, symbology)):
            upc_a = upc.as_upc_a()
            gtin = "0" + upc_a
            return ScanResult(
                raw,
                Symbology.UPC_E,
                ScanKind.GTIN,
                aim,
                gtin=gtin,
                add_on=add_on,
                lookup_codes=_distinct(gtin, upc_a, digits),
            )
        if symbology is not Symbology.UNKNOWN:  # the scanner said EAN/UPC: 8 digits are UPC-E
            reason = upc if isinstance(upc, str) else "it is not a UPC-E code"
            return _invalid(raw, Symbology.UPC_E, aim, f"{digits}: {reason}; {RESCAN}")
    if n not in (8, 12, 13, 14):
        return _invalid(
            raw,
            symbology,
            aim,
            f"{symbology} {digits} has {n} digits; EAN/UPC codes have 8, 12 or 13; {RESCAN}",
        )
    symbology = _gtin_symbology(digits, symbology)
    expected = gs1_standard_check_digit(digits[:-1])
    if int(digits[-1]) != expected:
        return _invalid(
            raw,
            symbology,
            aim,
            f"check digit {digits[-1]} is wrong for {_label(symbology, n)} {digits} (expected "
            f"{expected}): the label is damaged or was misread; {RESCAN}",
        )
    in_store = _in_store(digits, layouts)
    if isinstance(in_store, str):
        return _invalid(raw, symbology, aim, in_store)
    if in_store is not None:
        gtin = in_store.normalized.zfill(13)
        weighed = in_store.layout.kind is ValueKind.WEIGHT
        return ScanResult(
            raw,
            symbology,
            ScanKind.IN_STORE,
            aim,
            gtin=gtin,
            item_code=in_store.item_code,
            price=in_store.price,
            weight=in_store.weight,
            weight_unit="kg" if weighed else None,
            add_on=add_on,
            layout=in_store.layout.name,
            lookup_codes=_distinct(gtin, in_store.item_code),
        )
    gtin = digits[1:] if n == 14 and digits[0] == "0" else digits.zfill(13)
    return ScanResult(
        raw,
        symbology,
        ScanKind.GTIN,
        aim,
        gtin=gtin,
        add_on=add_on,
        lookup_codes=_distinct(gtin, digits),
    )


def _upc_e(digits: str) -> Upc | str:
    try:
        return Upc.parse(digits)
    except ParseError as exc:
        return _biip_reason(str(exc))


def _eight_digits_read_as_upc_e(digits: str, symbology: Symbology) -> bool:
    """An 8-digit code valid as both EAN-8 and UPC-E: UPC-E unless it is a valid EAN-8 not
    starting with 0 (EAN-8 codes starting 0 are only company-internal numbers)."""
    if symbology in (Symbology.UPC_E, Symbology.EAN_13):  # ]E0 sends EAN-8 as ]E4, never so
        return True
    ean8_valid = int(digits[-1]) == gs1_standard_check_digit(digits[:-1])
    return not ean8_valid or digits[0] == "0"


def _gtin_symbology(digits: str, given: Symbology) -> Symbology:
    """The EAN/UPC symbology by length, unless the scanner named a different symbology."""
    if given not in (Symbology.UNKNOWN, Symbology.EAN_13):
        return given
    n = len(digits)
    if n == 8:
        return Symbology.EAN_8
    if n == 12 or (n == 13 and digits[0] == "0"):
        return Symbology.UPC_A  # a UPC-A sent as 13 digits carries a leading 0
    if n == 13:
        return Symbology.EAN_13
    return given


def _label(symbology: Symbology, n: int) -> str:
    return str(symbology) if symbology in EAN_FAMILY else f"{n}-digit GTIN"


def _in_store(digits: str, layouts: tuple[BarcodeLayout, ...]) -> InStoreCode | str | None:
    layout = find_layout(digits, layouts)
    if layout is None and len(digits) == 13 and digits[0] == "0":
        digits = digits[1:]  # a UPC-A in-store code sent as 13 digits
        layout = find_layout(digits, layouts)
    if layout is None:
        return None
    return decode_in_store(digits, layout)


# ---------------------------------------------------------------------------- GS1
def _gs1(raw: str, data: str, symbology: Symbology, aim: str | None) -> ScanResult:
    try:
        if data.startswith("("):
            message = GS1Message.parse_hri(data)
        else:
            message = GS1Message.parse(data)
    except ParseError as exc:
        return _invalid(
            raw,
            symbology,
            aim,
            f"{_shown(data)} is not a valid GS1 code: {_gs1_reason(str(exc))}; {RESCAN}",
        )
    fields: dict[str, object] = {}
    errors: list[str] = []
    for element in message.element_strings:
        ai = element.ai.ai
        if ai == "01":
            if element.gtin is None:
                reason = _biip_reason(str(element.gtin_error))
                errors.append(f"the GTIN (01) {element.value} is wrong ({reason}); {RESCAN}")
            else:
                value = element.value
                fields["gtin"] = value[1:] if value[0] == "0" else value
        elif ai == "10":
            fields["batch"] = element.value
        elif ai == "15":
            fields["best_before"] = element.date
        elif ai == "17":
            fields["expiry"] = element.date
        elif ai == "21":
            fields["serial"] = element.value
        elif ai.startswith("310") or ai.startswith("320"):
            fields["weight"] = element.decimal
            fields["weight_unit"] = "kg" if ai.startswith("310") else "lb"
        elif ai[:3] in ("392", "393"):
            fields["price"] = element.decimal
    if not errors and "gtin" not in fields:
        errors.append(
            f"the GS1 code {_shown(data)} carries no GTIN (AI 01), so there is no item to look "
            "up; scan the item's product barcode instead"
        )
    if errors:
        return _invalid(raw, symbology, aim, "; ".join(errors))
    gtin = str(fields["gtin"])
    return ScanResult(
        raw,
        symbology,
        ScanKind.GS1,
        aim,
        lookup_codes=(gtin,),
        **fields,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------- helpers
def _invalid(raw: str, symbology: Symbology, aim: str | None, message: str) -> ScanResult:
    return ScanResult(raw, symbology, ScanKind.INVALID, aim, errors=(message,))


def _distinct(*codes: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _shown(text: str) -> str:
    """The code as a cashier can read it in a message (control characters escaped, cut short)."""
    return repr(text[:40]) + ("…" if len(text) > 40 else "")


def _gs1_reason(message: str) -> str:
    """biip's reason, without the regular expression it quotes when a value has a bad format."""
    found = re.search(r"GS1 AI \((\d+)\) pattern", message)
    if found:
        return f"the value of AI ({found[1]}) does not have the format GS1 defines for it"
    return _biip_reason(message)


def _biip_reason(message: str) -> str:
    """biip's message without its trailing full stop, to embed in ours."""
    return message.rstrip(".")
