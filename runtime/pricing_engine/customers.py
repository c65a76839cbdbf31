"""Customers as pricing and the register see them, and the port that finds them.

A customer brings price groups (their own and affiliations / catalogs, in `price_groups`;
their loyalty tier's groups through the price book's tier links), a tax exemption and a
blocked flag. Local storage implements `CustomerDirectory` (local_db.customers); tests use
`InMemoryCustomers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    price_groups: tuple[str, ...] = ()
    loyalty_tier: str | None = None
    tax_exempt: bool = False
    blocked: bool = False


@runtime_checkable
class CustomerDirectory(Protocol):
    """Finds a customer by id (None: unknown). May raise `StorageError`."""

    def find_customer(self, customer_id: str) -> Customer | None: ...


class InMemoryCustomers:
    """`CustomerDirectory` over a list, for tests and scenarios."""

    def __init__(self, customers: Iterable[Customer] = ()) -> None:
        self.customers = {c.customer_id: c for c in customers}

    def find_customer(self, customer_id: str) -> Customer | None:
        return self.customers.get(customer_id)
