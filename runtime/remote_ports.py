"""The port for operations that need the channel server (issue #5), implemented in `sync/`.

The runtime decides *whether* to ask the server (each operation's reach, runtime.remote_ops);
the port only does the asking. Every call either answers or raises `RemoteUnavailable` (the
server could not be reached, answered garbage, or the register is offline: the caller falls
back or refuses) or `RemoteRefused` (the server answered and said no, with a reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from runtime.pricing_engine.customers import Customer
from runtime.transaction import Transaction


class RemoteUnavailable(Exception):
    """The channel server could not be asked now (offline, timeout, garbage answer)."""


class RemoteRefused(Exception):
    """The channel server answered and refused (a conflict, a bad request): the message says
    why and is meant for the cashier."""


@dataclass(frozen=True, slots=True)
class StockLevel:
    """On-hand stock of an item in one store, as the server last knew it."""

    store_id: str
    item_id: str
    quantity: Decimal
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RemoteTransaction:
    """A sale or void the server received from any register of the chain."""

    transaction: Transaction
    store_id: str
    register_id: str
    received_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RemoteReturn:
    """What one return the server received (from any register) took back of one line of an
    original sale."""

    return_transaction_id: str
    store_id: str
    register_id: str
    line_id: str  # the original sale's line
    quantity: Decimal  # positive


class RemoteDesk(Protocol):
    """What the register asks the channel server in real time."""

    def offline_reason(self) -> str | None:
        """None while the register is online; otherwise why it is offline (no I/O)."""
        ...

    def allows_offline_customers(self) -> bool:
        """Whether this store lets a register create customers while offline (queued)."""
        ...

    def stock(self, item_id: str, store_id: str | None = None) -> Sequence[StockLevel]: ...

    def search_customers(self, text: str, limit: int = 20) -> Sequence[Customer]: ...

    def create_customer(self, customer: Customer) -> Customer:
        """Create on the server (idempotent by customer_id) and keep a local copy."""
        ...

    def queue_customer(self, customer: Customer) -> Customer:
        """Offline: store the customer locally and queue a `customer_created` outbox row."""
        ...

    def find_receipts(self, receipt_number: str) -> Sequence[RemoteTransaction]:
        """Sales and voids with this receipt number from every register of the chain. A copy
        that does not match its checksum raises RemoteRefused (never half-trusted)."""
        ...

    def returns_of(self, transaction_id: str) -> Sequence[RemoteReturn]:
        """Every return of the sale `transaction_id` the server received, from any register."""
        ...
