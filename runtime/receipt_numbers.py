"""Receipt numbers from a per-register mask: store, register, local date parts and a sequence.

The sequence is allocated by the ledger inside the same database transaction that writes the
sale, so numbers are gap-free per register.
"""

from __future__ import annotations

import datetime as dt
import string

MASK_FIELDS = frozenset({"store", "register", "yyyy", "yy", "mm", "dd", "seq"})


def validate_mask(mask: str) -> str | None:
    """Why the mask cannot number receipts, or None when it can."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(mask) if f is not None]
    except ValueError as exc:
        return f"receipt mask is malformed: {exc}"
    unknown = sorted(set(fields) - MASK_FIELDS)
    if unknown:
        return f"receipt mask has unknown fields: {', '.join(unknown)}"
    if "seq" not in fields:
        return "receipt mask must contain {seq}"
    try:  # format specs and conversions are only checked when formatting, e.g. {seq:abc}
        format_receipt_number(mask, "S", "R", dt.date(2000, 1, 1), 1)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        return f"receipt mask cannot be formatted: {exc}"
    return None


def format_receipt_number(
    mask: str, store_id: str, register_id: str, local_day: dt.date, seq: int
) -> str:
    return mask.format(
        store=store_id,
        register=register_id,
        yyyy=f"{local_day.year:04d}",
        yy=f"{local_day.year % 100:02d}",
        mm=f"{local_day.month:02d}",
        dd=f"{local_day.day:02d}",
        seq=seq,
    )
