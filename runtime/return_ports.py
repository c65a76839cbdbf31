"""Ports for returns and the electronic journal (issue #4): finding past transactions and
how much of each of their lines is still returnable.

local_db.journal_search.SqlJournalReader implements it over the register's database; runtime
tests use an in-memory fake. Reads raise nothing but StorageError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from runtime.transaction import Transaction

LineKey = tuple[str, str]  # (transaction_id, line_id) of an original sale line


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """A finished transaction as the journal holds it, with what was returned of its lines
    by later, concluded returns (line id -> quantity, positive)."""

    transaction: Transaction
    returned: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """A journal search; every given criterion must hold. Times are UTC: `ended_from`
    inclusive, `ended_to` exclusive (the runtime turns store-local days into them)."""

    store_id: str
    receipt_number: str | None = None
    ended_from: dt.datetime | None = None
    ended_to: dt.datetime | None = None
    operator_id: str | None = None
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    item_id: str | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class JournalSummary:
    """One row of a journal search, newest first."""

    transaction_id: str
    register_id: str
    receipt_number: str | None
    ended_at: dt.datetime | None
    operator_id: str
    total: Decimal
    state: str  # concluded / voided
    line_count: int


@dataclass(frozen=True, slots=True)
class ReturnReason:
    """A reason code of the store (`kind` "return" for returns without a receipt)."""

    code: str
    kind: str
    name: str


class JournalReader(Protocol):
    """Finished transactions of this store's registers, as the local database holds them."""

    def find_receipt(self, store_id: str, receipt_number: str) -> Sequence[JournalRecord]:
        """Every finished transaction of the store with this receipt number (one per register
        at most; several only when the registers' receipt masks do not name the register)."""
        ...

    def find_transaction(self, transaction_id: str) -> JournalRecord | None: ...

    def returned_quantities(self, keys: Sequence[LineKey]) -> Mapping[LineKey, Decimal]:
        """What concluded returns took back of each original line (missing: nothing)."""
        ...

    def search(self, query: JournalQuery) -> Sequence[JournalSummary]: ...

    def reason(self, store_id: str, code: str) -> ReturnReason | None: ...

    def reasons(self, store_id: str, kind: str) -> Sequence[ReturnReason]: ...
