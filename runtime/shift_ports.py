"""Ports for shifts and the cash drawer (issue #4): what the shift rules need from storage.

STUB written by the integrator; the shifts work fills it in (local_db implements it).
"""

from __future__ import annotations

from typing import Protocol


class ShiftStore(Protocol):
    """Shifts, drawer operations, declarations and the sales figures of a shift."""
