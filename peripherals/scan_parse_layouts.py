"""In-store price and weight barcodes: per-store layouts as data, and their decoding.

EAN-13 codes starting 02 or 20-29 (and UPC-A codes starting 2) are Restricted Circulation
Numbers: each country, sometimes each chain, decides what their digits mean (a price or a
weight, how many item digits, whether a price check digit sits before the value). So the layout
is configuration a store keeps, never code: a `BarcodeLayout` says, left to right,

    prefix | item digits | [price/weight check digit] | value digits | check digit

and `decode_in_store` reads a code with the first layout of the store whose prefix and length
match. The check digits are GS1's (biip computes them); a wrong one is a misread label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from biip.checksums import gs1_price_weight_check_digit, gs1_standard_check_digit

EAN_LENGTHS = (12, 13)  # UPC-A (type 2) and EAN-13


class ValueKind(StrEnum):
    """What the value digits of an in-store code carry."""

    PRICE = "price"
    WEIGHT = "weight"


class LayoutError(ValueError):
    """A layout that cannot describe a barcode; the message lists every problem."""


def parse_prefixes(spec: str) -> tuple[str, ...]:
    """"2", "02", "20-29" or "20-22,28" as the tuple of literal prefixes it stands for.

    Raises LayoutError with a message saying what is wrong and how a prefix is written.
    """
    how = (
        'write prefixes as digits ("2", "02"), ranges of equal width ("20-29"), '
        'or a list ("20,28")'
    )
    if not spec or not spec.strip():
        raise LayoutError(f"the prefix is empty; {how}")
    found: list[str] = []
    for part in spec.replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        if not dash:
            high = low
        if not (low.isascii() and low.isdigit() and high.isascii() and high.isdigit()):
            raise LayoutError(f"prefix {part!r} is not made of digits; {how}")
        if len(low) != len(high):
            raise LayoutError(f"prefix range {part!r} has ends of different widths; {how}")
        if int(low) > int(high):
            raise LayoutError(f"prefix range {part!r} runs backwards; {how}")
        found += [f"{n:0{len(low)}d}" for n in range(int(low), int(high) + 1)]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class BarcodeLayout:
    """One in-store barcode layout of a store.

    name: shown in messages and on ScanResult ("weight 21-29", "price 02").
    prefix: the literal leading digits, as "2", "02", "20-29" or "20-22,28".
    item_digits: how many digits name the item (its code in the catalogue).
    kind: whether the value is a price or a weight.
    value_digits: how many digits hold the value.
    decimals: implied decimals of the value (2 for a price in cents, 3 for kilograms in grams).
    price_check_digit: a GS1 price/weight check digit stands right before the value (the value
        must then be 4 or 5 digits, the lengths GS1 defines that check digit for).
    length: 13 for EAN-13, 12 for UPC-A; prefix + item + check + value + check digit must fill it.
    """

    name: str
    prefix: str
    item_digits: int
    kind: ValueKind
    value_digits: int
    decimals: int
    price_check_digit: bool = False
    length: int = 13

    def __post_init__(self) -> None:
        label = self.name or "(unnamed)"
        try:
            object.__setattr__(self, "kind", ValueKind(self.kind))
        except ValueError:
            raise LayoutError(
                f"barcode layout {label}: kind must be 'price' or 'weight', not {self.kind!r}"
            ) from None
        problems = layout_problems(self)
        if problems:
            raise LayoutError(f"barcode layout {label}: " + "; ".join(problems))

    @property
    def prefixes(self) -> tuple[str, ...]:
        return parse_prefixes(self.prefix)

    @property
    def prefix_width(self) -> int:
        return len(self.prefixes[0])

    def matches(self, digits: str) -> bool:
        """Whether `digits` (a full code) has this layout's length and one of its prefixes."""
        return len(digits) == self.length and digits.startswith(self.prefixes)


def layout_problems(layout: BarcodeLayout) -> list[str]:
    """Every reason `layout` cannot describe a code (empty when it is sound)."""
    problems: list[str] = []
    if not layout.name.strip():
        problems.append("give the layout a name")
    try:
        prefixes = parse_prefixes(layout.prefix)
    except LayoutError as exc:
        problems.append(str(exc))
        prefixes = ()
    if layout.length not in EAN_LENGTHS:
        problems.append(f"length must be 13 (EAN-13) or 12 (UPC-A), not {layout.length}")
    if layout.item_digits < 1:
        problems.append(f"item digits must be at least 1, not {layout.item_digits}")
    if layout.value_digits < 1:
        problems.append(f"value digits must be at least 1, not {layout.value_digits}")
    if not 0 <= layout.decimals <= max(layout.value_digits, 0):
        problems.append(
            f"decimals must be between 0 and the {layout.value_digits} value digits, "
            f"not {layout.decimals}"
        )
    if layout.price_check_digit and layout.value_digits not in (4, 5):
        problems.append(
            f"a price check digit needs a 4- or 5-digit value, not {layout.value_digits} digits"
        )
    if prefixes and layout.length in EAN_LENGTHS:
        used = (
            len(prefixes[0])
            + layout.item_digits
            + int(layout.price_check_digit)
            + layout.value_digits
            + 1
        )
        if used != layout.length:
            problems.append(
                f"prefix {len(prefixes[0])} + item {layout.item_digits} + price check "
                f"{int(layout.price_check_digit)} + value {layout.value_digits} + check digit 1 "
                f"= {used} digits, but the code has {layout.length}"
            )
    return problems


def check_layouts(layouts: Sequence[BarcodeLayout]) -> list[str]:
    """Problems of a store's set of layouts: two layouts claiming the same codes.

    A UPC-A code is an EAN-13 code with a leading 0 (scanners send either), so a 12-digit
    layout "2" and a 13-digit layout "02" claim the same labels.
    """
    problems: list[str] = []
    for i, first in enumerate(layouts):
        for second in layouts[i + 1 :]:
            shared = [
                a
                for a in _as_ean13(first)
                for b in _as_ean13(second)
                if a.startswith(b) or b.startswith(a)
            ]
            if shared:
                problems.append(
                    f"layouts {first.name!r} and {second.name!r} both claim {layout_codes(shared)}"
                    " codes; only the first would ever be used"
                )
    return problems


def _as_ean13(layout: BarcodeLayout) -> tuple[str, ...]:
    return layout.prefixes if layout.length == 13 else tuple("0" + p for p in layout.prefixes)


def layout_codes(prefixes: Sequence[str]) -> str:
    return ", ".join(f"{p}…" for p in prefixes[:4]) + (" and more" if len(prefixes) > 4 else "")


@dataclass(frozen=True, slots=True)
class InStoreCode:
    """What an in-store code says: which item, its price or weight, and how to look it up."""

    layout: BarcodeLayout
    item_code: str
    value: Decimal
    normalized: str  # the code with its value (and price check) zeroed: how catalogues store it

    @property
    def price(self) -> Decimal | None:
        return self.value if self.layout.kind is ValueKind.PRICE else None

    @property
    def weight(self) -> Decimal | None:
        return self.value if self.layout.kind is ValueKind.WEIGHT else None


def find_layout(digits: str, layouts: Sequence[BarcodeLayout]) -> BarcodeLayout | None:
    return next((layout for layout in layouts if layout.matches(digits)), None)


def decode_in_store(digits: str, layout: BarcodeLayout) -> InStoreCode | str:
    """Read `digits` (whose GTIN check digit is already valid) with `layout`.

    Returns the decoded code, or a message saying why it cannot be (a wrong price check digit).
    """
    pos = layout.prefix_width
    item = digits[pos : pos + layout.item_digits]
    pos += layout.item_digits
    check_at = pos if layout.price_check_digit else None
    pos += int(layout.price_check_digit)
    raw_value = digits[pos : pos + layout.value_digits]
    if check_at is not None:
        expected = gs1_price_weight_check_digit(raw_value)
        if int(digits[check_at]) != expected:
            return (
                f"{layout.kind.value} check digit {digits[check_at]} does not match the "
                f"{layout.kind.value} {raw_value} (expected {expected}) in {digits} "
                f"({layout.name}): the label is misprinted or misread; scan it again or key "
                "the item in"
            )
    value = Decimal(int(raw_value)).scaleb(-layout.decimals)
    zeroed = digits[: layout.prefix_width + layout.item_digits] + "0" * (
        int(layout.price_check_digit) + layout.value_digits
    )
    normalized = zeroed + str(gs1_standard_check_digit(zeroed))
    return InStoreCode(layout, item, value, normalized)


def encode_in_store(layout: BarcodeLayout, prefix: str, item_code: str, value: Decimal) -> str:
    """The digits of an in-store code (for tests, the demo and label printing)."""
    if prefix not in layout.prefixes:
        raise LayoutError(f"{prefix!r} is not a prefix of layout {layout.name!r}")
    if len(item_code) != layout.item_digits or not item_code.isdigit():
        raise LayoutError(f"item code must be {layout.item_digits} digits, not {item_code!r}")
    units = value.scaleb(layout.decimals)
    if units != units.to_integral_value() or units < 0 or units >= 10**layout.value_digits:
        raise LayoutError(
            f"{value} does not fit {layout.value_digits} digits with {layout.decimals} decimals"
        )
    raw_value = f"{int(units):0{layout.value_digits}d}"
    check = str(gs1_price_weight_check_digit(raw_value)) if layout.price_check_digit else ""
    body = prefix + item_code + check + raw_value
    return body + str(gs1_standard_check_digit(body))
