"""Ports for shifts and the cash drawer (issue #4): what the shift rules need from storage.

local_db.shifts.SqlShiftStore implements it over SQLite; tests use an in-memory fake.
Reads raise nothing but StorageError; `record` writes one shift change atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from runtime.shifts import (
    Denomination,
    DrawerOperation,
    ReasonCode,
    SalesFigures,
    Shift,
    ShiftChange,
    ShiftSettings,
    ShiftStatus,
)


class ShiftStore(Protocol):
    """Shifts, drawer operations, declarations and the sales figures of a shift."""

    def settings(self, store_id: str, register_id: str) -> ShiftSettings:
        """The register's shift model and the store's "require start amount and tender
        declaration before close" option."""
        ...

    def open_shift(self, register_id: str) -> Shift | None:
        """The shift open on this register, if any."""
        ...

    def shift(self, shift_id: str) -> Shift | None: ...

    def shifts(self, store_id: str, status: ShiftStatus) -> Sequence[Shift]:
        """The store's shifts in one status (suspended ones to resume, blind-closed ones to
        declare and close), oldest first."""
        ...

    def last_closed(self, register_id: str) -> Shift | None:
        """The shift most recently closed (Z report) on this register."""
        ...

    def operations(self, shift_id: str) -> Sequence[DrawerOperation]:
        """The shift's drawer operations in the order they were made."""
        ...

    def reason_code(self, store_id: str, code: str) -> ReasonCode | None: ...

    def denominations(self, currency: str) -> Sequence[Denomination]: ...

    def sales_figures(self, shift_id: str) -> SalesFigures:
        """The shift's concluded and voided transactions, added up."""
        ...

    def z_report(self, shift_id: str) -> Mapping[str, object] | None:
        """The Z report data stored when the shift closed."""
        ...

    def record(self, change: ShiftChange) -> Shift:
        """Write the shift's new state and its drawer operations with one journal entry and
        outbox row, in one transaction; a new shift gets its number. Returns it as stored."""
        ...
