"""Scanned-code hygiene before any lookup: reject what no label can carry.

Full symbology parsing (GS1 element strings, in-store price/weight layouts) belongs to the
scanner layer; the runtime only guarantees a lookup is never attempted with garbage.
"""

from __future__ import annotations

MAX_CODE_LENGTH = 48
GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits before the check digit."""
    total = 0
    for position, char in enumerate(reversed(body)):
        weight = 3 if position % 2 == 0 else 1
        total += int(char) * weight
    return (10 - total % 10) % 10


def with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


def malformed_reason(code: str) -> str | None:
    """Why `code` cannot be a barcode, or None when it may be looked up."""
    if not code or not code.strip():
        return "the code is empty"
    if code != code.strip():
        return "the code has leading or trailing spaces"
    if len(code) > MAX_CODE_LENGTH:
        return f"the code is longer than {MAX_CODE_LENGTH} characters"
    if any(not ch.isprintable() for ch in code):
        return "the code contains control characters"
    # ASCII digits only: str.isdigit() also accepts e.g. superscripts, which int() refuses
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS:
        expected = gtin_check_digit(code[:-1])
        if int(code[-1]) != expected:
            return (
                f"check digit {code[-1]} is wrong for a {len(code)}-digit GTIN "
                f"(expected {expected})"
            )
    return None
