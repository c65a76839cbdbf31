"""The runtime's `RemoteDesk` port over the channel server's real-time endpoints.

A failed or slow call raises `RemoteUnavailable` (and the transport has switched the register
offline); a refusal with a readable reason raises `RemoteRefused`. Customers the server sends
or creates are kept in the local customers table, so they are known offline later. A customer
created offline is written locally with a `customer_created` outbox row in one transaction
(the server creates it when the row is uploaded; the register chose its id, so a replay is
harmless).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from local_db.customers import upsert_customers
from local_db.database import Database
from local_db.ledger import DEVICE_SEQ_COUNTER
from local_db.timefmt import format_utc
from runtime.codec import canonical_json, sha256_hex, transaction_from_dict
from runtime.pricing_engine.customers import Customer
from runtime.remote_ports import (
    RemoteRefused,
    RemoteReturn,
    RemoteTransaction,
    RemoteUnavailable,
    StockLevel,
)
from runtime.transaction import Transaction
from sync.client import ChannelClient
from sync.protocol import CustomerRecord, ReturnedList, TransactionRecord
from sync.state import StateHolder
from sync.transport import NO_RETRY, ServerRefused, ServerUnavailable, SyncFailure

log = logging.getLogger("tillpoint.sync")
T = TypeVar("T")

_ENSURE = "INSERT OR IGNORE INTO counters (register_id, name, value) VALUES (?, ?, 0)"
_BUMP = "UPDATE counters SET value = value + 1 WHERE register_id = ? AND name = ? RETURNING value"
_OUTBOX = (
    "INSERT INTO outbox (register_id, device_seq, mutation_id, kind, transaction_id, payload,"
    " payload_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def record_of(customer: Customer) -> CustomerRecord:
    return CustomerRecord(
        customer_id=customer.customer_id,
        name=customer.name,
        email=customer.email,
        phone=customer.phone,
        price_groups=list(customer.price_groups),
        loyalty_tier=customer.loyalty_tier,
        tax_exempt=customer.tax_exempt,
        blocked=customer.blocked,
    )


def customer_of(record: CustomerRecord) -> Customer:
    return Customer(
        customer_id=record.customer_id,
        name=record.name,
        email=record.email,
        phone=record.phone,
        price_groups=tuple(record.price_groups),
        loyalty_tier=record.loyalty_tier,
        tax_exempt=record.tax_exempt,
        blocked=record.blocked,
    )


def queue_customer_created(
    db: Database, register_id: str, customer: Customer, now: dt.datetime
) -> int:
    """Store the customer and append its `customer_created` outbox row (next gap-free
    device_seq; no journal entry, per the protocol) in one write transaction."""
    record = record_of(customer)
    payload = canonical_json(record.model_dump(mode="json")).decode()
    with db.write("queue a new customer for the server") as conn:
        upsert_customers(conn, [customer])
        conn.execute(_ENSURE, (register_id, DEVICE_SEQ_COUNTER))
        seq = int(conn.execute(_BUMP, (register_id, DEVICE_SEQ_COUNTER)).fetchone()[0])
        conn.execute(
            _OUTBOX,
            (register_id, seq, uuid.uuid4().hex, "customer_created", customer.customer_id,
             payload, sha256_hex(payload.encode()), format_utc(now)),
        )  # fmt: skip
    return seq


class ServerDesk:
    """`runtime.remote_ports.RemoteDesk` for one register."""

    def __init__(
        self,
        db: Database,
        client: ChannelClient,
        register_id: str,
        state: StateHolder,
        *,
        allow_offline_customers: Callable[[], bool],
        clock: Callable[[], dt.datetime],
        after_queue: Callable[[], None] = lambda: None,
        on_refused: Callable[[ServerRefused], None] = lambda exc: None,
    ) -> None:
        self.db, self.client, self.register_id, self.state = db, client, register_id, state
        self._allow_offline = allow_offline_customers
        self._clock = clock
        self._after_queue = after_queue
        self._on_refused = on_refused

    def offline_reason(self) -> str | None:
        current = self.state.current
        if current.online is False:
            return current.reason
        return None  # online, or not known yet: try (a failure switches offline)

    def allows_offline_customers(self) -> bool:
        return self._allow_offline()

    def stock(self, item_id: str, store_id: str | None = None) -> Sequence[StockLevel]:
        answer = self._ask(lambda: self.client.inventory(item_id, store_id))
        return [
            StockLevel(row.store_id, row.item_id, row.quantity, row.updated_at)
            for row in answer.stores
        ]

    def search_customers(self, text: str, limit: int = 20) -> Sequence[Customer]:
        answer = self._ask(lambda: self.client.search_customers(text, limit))
        found = [customer_of(record) for record in answer.items]
        self._keep(found)
        return found

    def create_customer(self, customer: Customer) -> Customer:
        made = customer_of(self._ask(lambda: self.client.create_customer(record_of(customer))))
        self._keep([made])
        return made

    def queue_customer(self, customer: Customer) -> Customer:
        queue_customer_created(self.db, self.register_id, customer, self._clock())
        self._after_queue()
        return customer

    def find_receipts(self, receipt_number: str) -> Sequence[RemoteTransaction]:
        answer = self._ask(lambda: self.client.transactions(receipt_number))
        found: list[RemoteTransaction] = []
        for record in answer.items:
            tx = _verified(record)
            if tx is not None:
                found.append(RemoteTransaction(tx, record.store_id, record.register_id,
                                               record.received_at))  # fmt: skip
        return found

    def returns_of(self, transaction_id: str) -> Sequence[RemoteReturn]:
        client = self.client
        params: dict[str, str | int] = {"transaction_id": transaction_id}

        def ask() -> ReturnedList:
            return client.transport.call_model(
                "GET", "/v1/returns", ReturnedList, params=params,
                retry=NO_RETRY, timeout=client.realtime_timeout,
            )[1]  # fmt: skip

        answer = self._ask(ask)
        if answer.transaction_id != transaction_id:
            raise RemoteUnavailable("the server answered for another transaction")
        return [
            RemoteReturn(r.return_transaction_id, r.store_id, r.register_id, r.line_id, r.quantity)
            for r in answer.items
        ]

    def _ask(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except ServerUnavailable as exc:
            raise RemoteUnavailable(str(exc)) from exc
        except ServerRefused as exc:
            self._on_refused(exc)
            raise RemoteRefused(f"The server refused: {exc.error.message}") from exc
        except SyncFailure as exc:  # pragma: no cover - the two above are all there are
            raise RemoteUnavailable(str(exc)) from exc

    def _keep(self, customers: Sequence[Customer]) -> None:
        if not customers:
            return
        try:
            with self.db.write("keep customers from the server") as conn:
                upsert_customers(conn, customers)
        except Exception:  # noqa: BLE001 - a local copy is a convenience, never a failure
            log.exception("could not keep customers from the server locally")


def _verified(record: TransactionRecord) -> Transaction | None:
    """The server's copy of a transaction, only if it is the register's canonical payload as
    sent (it hashes to `payload_sha256`) and is the transaction the record names. A copy
    that fails is refused outright: a return must never refund from altered amounts. An
    unreadable but intact payload (a newer register's format) is skipped with a log line."""
    where = f"receipt {record.receipt_number} of register {record.store_id}/{record.register_id}"
    if sha256_hex(record.payload.encode()) != record.payload_sha256:
        log.warning("server copy of %s fails its checksum", where)
        raise RemoteRefused(
            f"The channel server's copy of {where} does not match its checksum: it was "
            "damaged or altered, so it cannot be used for a return. Tell the head office."
        )
    try:
        tx = transaction_from_dict(json.loads(record.payload))
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("%s unreadable: %s", where, type(exc).__name__)
        return None
    if tx.transaction_id != record.transaction_id or tx.receipt_number != record.receipt_number:
        raise RemoteRefused(
            f"The channel server's copy of {where} names another transaction; it cannot be "
            "used for a return. Tell the head office."
        )
    return tx
