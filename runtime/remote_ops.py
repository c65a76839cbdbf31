"""Operations that reach the channel server, and each operation's reach (ARCHITECTURE.md,
"Real time"): LOCAL_ONLY runs on the register's own data, REMOTE_ONLY needs the server and is
refused with a reason while offline, REMOTE_FIRST asks the server when online and falls back
to local data (or a queued local write) when not.

The runtime decides here; the asking goes through the `RemoteDesk` port (sync implements it)
and the status bar reads the `SyncStatus` port. Nothing here blocks for long: the port's
real-time calls have short timeouts and a failed call counts as offline.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol, cast, runtime_checkable

from runtime.core import Step, refused
from runtime.operations import ChangeRecord, OpResult, Refusal, RefusalCode
from runtime.ports import NoSync, SyncStatus, UnsentSummary
from runtime.pricing_engine.customers import Customer
from runtime.remote_ports import (
    RemoteDesk,
    RemoteRefused,
    RemoteTransaction,
    RemoteUnavailable,
    StockLevel,
)
from runtime.tender_ops import TenderOperations
from runtime.transaction import Transaction

NO_CHANGE = ChangeRecord()
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@#-]{0,63}$")  # sync protocol's Id


class Reach(enum.StrEnum):
    LOCAL_ONLY = "local_only"
    REMOTE_ONLY = "remote_only"
    REMOTE_FIRST = "remote_first"


# Every operation not named here is LOCAL_ONLY (selling never waits for the server).
REACH: Mapping[str, Reach] = MappingProxyType(
    {
        "lookup_stock": Reach.REMOTE_ONLY,  # other stores' on-hand
        "search_customers": Reach.REMOTE_FIRST,  # local customers table offline
        "create_customer": Reach.REMOTE_FIRST,  # offline: local row + customer_created outbox
        "find_receipt_anywhere": Reach.REMOTE_FIRST,  # local journal first, then the server
        # a return by receipt: another register's sale from the server, and every register's
        # returns counted; offline, local receipts only (runtime.return_ops)
        "find_receipt": Reach.REMOTE_FIRST,
        "return_lines": Reach.REMOTE_FIRST,
        # declared for the UI (disabled offline); not implemented yet
        "edit_customer": Reach.REMOTE_ONLY,
        "gift_card": Reach.REMOTE_ONLY,
        "loyalty_redemption": Reach.REMOTE_ONLY,
        "customer_order": Reach.REMOTE_ONLY,
    }
)


def reach_of(operation: str) -> Reach:
    return REACH.get(operation, Reach.LOCAL_ONLY)


# ---- requests and answers ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LookupStock:
    item_id: str
    store_id: str | None = None  # None: every store of the chain


@dataclass(frozen=True, slots=True)
class SearchCustomers:
    text: str
    limit: int = 20


@dataclass(frozen=True, slots=True)
class CreateCustomer:
    name: str
    email: str | None = None
    phone: str | None = None
    customer_id: str | None = None  # None: the runtime's id generator picks one


@dataclass(frozen=True, slots=True)
class FindReceiptAnywhere:
    receipt_number: str


class Source(enum.StrEnum):
    SERVER = "server"
    LOCAL = "local"
    QUEUED = "queued"  # written locally, sent to the server with the outbox


@dataclass(frozen=True, slots=True)
class StockAnswer:
    item_id: str
    levels: tuple[StockLevel, ...]


@dataclass(frozen=True, slots=True)
class CustomerMatches:
    customers: tuple[Customer, ...]
    source: Source
    note: str = ""  # why local data was used (for the cashier)


@dataclass(frozen=True, slots=True)
class CustomerCreated:
    customer: Customer
    source: Source


@dataclass(frozen=True, slots=True)
class ReceiptMatches:
    found: tuple[RemoteTransaction, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class SyncView:
    """The status bar: online or not, unsent records and the age of the oldest."""

    online: bool
    unsent: UnsentSummary
    oldest_age: dt.timedelta | None


@runtime_checkable
class LocalCustomerSearch(Protocol):
    """A customers port that can also search (local_db's directory can)."""

    def search(self, text: str, limit: int = 20) -> Sequence[Customer]: ...


def _offline(what: str, reason: str) -> Refusal:
    return refused(
        RefusalCode.NEEDS_SERVER,
        f"{what} needs the channel server, and the register is offline ({reason}).",
        "offline",
    )


class RemoteOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""

    # ---- status ---------------------------------------------------------------------------------

    def _sync_port(self) -> SyncStatus:
        return self.ports.sync or NoSync()

    def online(self) -> bool:
        return self._sync_port().online()

    def unsent(self) -> UnsentSummary:
        return self._sync_port().unsent()

    def sync_view(self) -> SyncView:
        port = self._sync_port()
        unsent = port.unsent()
        age = None
        if unsent.oldest_at is not None:
            age = max(self.ports.clock.now() - unsent.oldest_at, dt.timedelta(0))
        return SyncView(port.online(), unsent, age)

    def remote_refusal(self, operation: str) -> Refusal | None:
        """Why `operation` cannot run now because of its reach (None: it can). The UI uses it
        to disable a REMOTE_ONLY button with the reason while offline."""
        if reach_of(operation) is not Reach.REMOTE_ONLY:
            return None
        desk = self.ports.remote
        if desk is None:
            return refused(
                RefusalCode.NEEDS_SERVER,
                "This register is not connected to a channel server (activate it first).",
                "no_server",
            )
        reason = desk.offline_reason()
        return None if reason is None else _offline(_WHAT.get(operation, operation), reason)

    # ---- operations -----------------------------------------------------------------------------

    def lookup_stock(self, request: LookupStock) -> OpResult[StockAnswer]:
        """On-hand stock in other stores (REMOTE_ONLY)."""

        def step() -> Step[StockAnswer] | Refusal:
            item = request.item_id.strip()
            if not item or len(item) > 200 or any(ord(c) < 32 for c in item):
                return refused(RefusalCode.UNKNOWN_ITEM, "Give the item id to look up.")
            refusal = self.remote_refusal("lookup_stock")
            if refusal:
                return refusal
            desk = cast(RemoteDesk, self.ports.remote)
            try:
                levels = tuple(desk.stock(item, request.store_id))
            except RemoteUnavailable as exc:
                return _offline(_WHAT["lookup_stock"], str(exc))
            except RemoteRefused as exc:
                return refused(RefusalCode.NEEDS_SERVER, str(exc), "server_refused")
            return cast(Transaction, self._tx), NO_CHANGE, StockAnswer(item, levels)

        return self._run("lookup_stock", request, step)

    def search_customers(self, request: SearchCustomers) -> OpResult[CustomerMatches]:
        """Customers by id, name, phone or e-mail start: the server's when online, else the
        customers this register knows (REMOTE_FIRST)."""

        def step() -> Step[CustomerMatches] | Refusal:
            text = request.text.strip()
            if not text or len(text) > 100 or any(ord(c) < 32 for c in text):
                return refused(RefusalCode.INVALID_TEXT, "Type a name, phone, e-mail or id.")
            limit = min(max(request.limit, 1), 50)
            desk = self.ports.remote
            why = "no channel server"
            if desk is not None:
                reason = desk.offline_reason()
                if reason is None:
                    try:
                        found = tuple(desk.search_customers(text, limit))
                        return (
                            cast(Transaction, self._tx),
                            NO_CHANGE,
                            CustomerMatches(found, Source.SERVER),
                        )
                    except (RemoteUnavailable, RemoteRefused) as exc:
                        reason = str(exc)
                why = f"offline: {reason}"
            local = self.ports.customers
            if not isinstance(local, LocalCustomerSearch):
                return _offline("Customer search", why)
            note = f"{why}; this register's own customers"
            matches = CustomerMatches(tuple(local.search(text, limit)), Source.LOCAL, note)
            return cast(Transaction, self._tx), NO_CHANGE, matches

        return self._run("search_customers", request, step)

    def create_customer(self, request: CreateCustomer) -> OpResult[CustomerCreated]:
        """A new customer on the server (REMOTE_FIRST); offline, where the store allows it,
        created locally and queued for the server with the outbox."""

        def step() -> Step[CustomerCreated] | Refusal:
            customer = self._new_customer(request)
            if isinstance(customer, Refusal):
                return customer
            desk = self.ports.remote
            if desk is None:
                return refused(
                    RefusalCode.NEEDS_SERVER,
                    "This register is not connected to a channel server (activate it first).",
                    "no_server",
                )
            reason = desk.offline_reason()
            if reason is None:
                try:
                    made = desk.create_customer(customer)
                    return (
                        cast(Transaction, self._tx),
                        NO_CHANGE,
                        CustomerCreated(made, Source.SERVER),
                    )
                except RemoteRefused as exc:
                    return refused(RefusalCode.WRONG_STATE, str(exc), "server_refused")
                except RemoteUnavailable as exc:
                    reason = str(exc)
            if not desk.allows_offline_customers():
                return _offline("Creating a customer", reason)
            queued = desk.queue_customer(customer)
            return cast(Transaction, self._tx), NO_CHANGE, CustomerCreated(queued, Source.QUEUED)

        return self._run("create_customer", request, step)

    def _new_customer(self, request: CreateCustomer) -> Customer | Refusal:
        name = request.name.strip()
        if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
            return refused(RefusalCode.INVALID_TEXT, "Give the customer's name (1-200 characters).")
        email = (request.email or "").strip() or None
        phone = (request.phone or "").strip() or None
        if email is not None and (len(email) > 254 or "@" not in email):
            return refused(RefusalCode.INVALID_TEXT, "That is not an e-mail address.")
        if phone is not None and len(phone) > 40:
            return refused(RefusalCode.INVALID_TEXT, "A phone number has at most 40 characters.")
        cid = (request.customer_id or "").strip() or self.ports.ids.new_id()
        if not _ID.match(cid):
            return refused(
                RefusalCode.INVALID_TEXT,
                "A customer id is 1-64 letters, digits or . _ : @ # - (starting with a letter "
                "or digit).",
            )
        return Customer(customer_id=cid, name=name, email=email, phone=phone)

    def find_receipt_anywhere(self, request: FindReceiptAnywhere) -> OpResult[ReceiptMatches]:
        """A receipt for a return: this register's journal first, then every register of the
        chain through the server (REMOTE_FIRST)."""

        def step() -> Step[ReceiptMatches] | Refusal:
            number = "".join(c for c in request.receipt_number if c.isprintable()).strip()
            if not number or len(number) > 64:
                return refused(
                    RefusalCode.UNKNOWN_RECEIPT, "Scan the receipt's barcode or type its number."
                )
            journal = self.ports.journal
            if journal is not None:
                local = journal.find_receipt(self.store.store_id, number)
                if local:
                    found = tuple(_local_match(r.transaction) for r in local)
                    return (
                        cast(Transaction, self._tx),
                        NO_CHANGE,
                        ReceiptMatches(found, Source.LOCAL),
                    )
            desk = self.ports.remote
            if desk is None:
                return refused(
                    RefusalCode.UNKNOWN_RECEIPT, f"No receipt {number} in this register's journal."
                )
            reason = desk.offline_reason()
            if reason is None:
                try:
                    remote = tuple(desk.find_receipts(number))
                except RemoteUnavailable as exc:
                    reason = str(exc)
                except RemoteRefused as exc:
                    return refused(RefusalCode.UNKNOWN_RECEIPT, str(exc), "server_refused")
                else:
                    if not remote:
                        return refused(
                            RefusalCode.UNKNOWN_RECEIPT,
                            f"No receipt {number} here or on the channel server.",
                        )
                    return (
                        cast(Transaction, self._tx),
                        NO_CHANGE,
                        ReceiptMatches(remote, Source.SERVER),
                    )
            return _offline(
                f"Receipt {number} is not in this register's journal; finding it", reason
            )

        return self._run("find_receipt_anywhere", request, step)


_WHAT = {
    "lookup_stock": "Stock in other stores",
    "edit_customer": "Editing a customer",
    "gift_card": "Gift cards",
    "loyalty_redemption": "Redeeming loyalty points",
    "customer_order": "Customer orders",
}


def _local_match(tx: Transaction) -> RemoteTransaction:
    return RemoteTransaction(
        transaction=tx,
        store_id=tx.store_id,
        register_id=tx.register_id,
        received_at=tx.ended_at or tx.started_at,
    )
