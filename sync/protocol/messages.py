"""The messages of sync protocol 1: activation, health, push (up), changes (down), real time.

Part of `sync.protocol`; import from `sync.protocol`, not from here.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from sync.protocol.types import (
    MAX_PAYLOAD_CHARS,
    MAX_PUSH_ITEMS,
    PROTOCOL_VERSION,
    Entity,
    ErrorBody,
    Hex64,
    Id,
    Key,
    Kind,
    Money,
    Name,
    ProtocolVersion,
    Seq,
    Signature,
    Strict,
    UtcTime,
)

# ---- activation, health, device ------------------------------------------------------------

ActivationCode = Annotated[
    str, StringConstraints(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9 -]+$")
]


class ActivationRequest(Strict):
    code: ActivationCode
    protocol_version: ProtocolVersion = PROTOCOL_VERSION


class ActivationResponse(Strict):
    """The token is shown once; the server keeps only its sha256."""

    device_id: Id
    store_id: Id
    register_id: Id
    token: Annotated[str, StringConstraints(min_length=20, max_length=200)]
    protocol_version: int
    server_time: UtcTime


class HealthResponse(Strict):
    status: Literal["ok"]
    protocol_version: int
    min_protocol_version: int
    server_time: UtcTime


class DeviceStatus(Strict):
    """What the server holds for the calling device: where its outbox and chain stand."""

    device_id: Id
    store_id: Id
    register_id: Id
    last_seq: int
    journal_entry_no: int
    journal_hash: Hex64


# ---- push (up: outbox items) ---------------------------------------------------------------


class Category(enum.StrEnum):
    TRANSACTION = "transaction"
    SHIFT_EVENT = "shift_event"
    DRAWER_OPERATION = "drawer_operation"
    CUSTOMER_CREATED = "customer_created"


def item_category(kind: str) -> Category | None:
    """The outbox `kind` ("sale", "void", "shift_open", "drawer_safe_drop", ...) as a category;
    None for a kind this protocol version does not know (the server quarantines it)."""
    if kind in ("sale", "void"):
        return Category.TRANSACTION
    if kind.startswith("shift_"):
        return Category.SHIFT_EVENT
    if kind.startswith("drawer_"):
        return Category.DRAWER_OPERATION
    if kind == "customer_created":
        return Category.CUSTOMER_CREATED
    return None


class JournalLink(Strict):
    """The journal entry written with the outbox row: the server re-checks the chain."""

    entry_no: Seq
    prev_hash: Hex64
    entry_hash: Hex64
    signature: Signature | None = None  # "key_no:hex" Ed25519 over entry_hash


class JournalKey(Strict):
    key_no: Annotated[StrictInt, Field(ge=1, le=999_999)]
    public_key: Hex64  # raw Ed25519 public key


class PushItem(Strict):
    """One outbox row, as the register stores it (local_db `outbox` + its journal entry)."""

    device_seq: Seq
    mutation_id: Id
    kind: Kind
    subject_id: Id | None = None  # the outbox row's transaction_id column
    payload: Annotated[str, StringConstraints(min_length=2, max_length=MAX_PAYLOAD_CHARS)]
    payload_sha256: Hex64  # sha256 of the payload's UTF-8 bytes
    created_at: UtcTime
    journal: JournalLink | None = None


class PushBatch(Strict):
    protocol_version: ProtocolVersion
    device_id: Id
    items: Annotated[list[PushItem], Field(min_length=1, max_length=MAX_PUSH_ITEMS)]
    journal_keys: Annotated[list[JournalKey], Field(max_length=32)] = []

    @model_validator(mode="after")
    def _consecutive(self) -> PushBatch:
        first = self.items[0].device_seq
        for offset, item in enumerate(self.items):
            if item.device_seq != first + offset:
                raise ValueError("items must be consecutive device_seq values in ascending order")
        return self


class ItemStatus(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # seq already received with the same hash: the stored result
    QUARANTINED = "quarantined"  # kept with a reason; acknowledged, never retried
    CONFLICT = "conflict"  # the item that stopped the batch (409)


class ItemResult(Strict):
    device_seq: int
    status: ItemStatus
    original_status: Literal["applied", "quarantined"] | None = None  # for duplicates
    reason: str | None = None


class PushResponse(Strict):
    """200: every item has a result. 409: `error` says why processing stopped; the results
    before the conflicting item are committed and may be acknowledged."""

    device_id: Id
    last_seq: int
    results: list[ItemResult]
    error: ErrorBody | None = None

    def acknowledged_through(self) -> int:
        """The highest seq the register may mark acknowledged (every non-conflict result)."""
        done = [r.device_seq for r in self.results if r.status is not ItemStatus.CONFLICT]
        return max(done, default=0)


# ---- changes (down: master data) -----------------------------------------------------------


class ChangeOp(enum.StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"  # a tombstone: remove the row


class Change(Strict):
    version: Seq
    entity: Entity
    key: Key
    op: ChangeOp
    data: dict[str, Any] | None = None  # the whole row for upserts, None for deletes

    @model_validator(mode="after")
    def _data_matches_op(self) -> Change:
        if (self.op is ChangeOp.UPSERT) != (self.data is not None):
            raise ValueError("an upsert carries data and a delete carries none")
        return self


class ChangesPage(Strict):
    """A page of a store's change log, oldest first. Apply the page and store `next_cursor`
    in one local transaction; ask again while `has_more`."""

    store_id: Id
    epoch: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    items: list[Change]
    next_cursor: str
    has_more: bool
    high_water: int  # the store's latest version when the page was read


def make_cursor(epoch: str, version: int) -> str:
    return f"{epoch}.{version}"


def parse_cursor(cursor: str) -> tuple[str, int] | None:
    """(epoch, version), or None when the text is not a cursor."""
    epoch, dot, version = cursor.partition(".")
    if not dot or len(epoch) != 32 or not version.isdigit() or len(version) > 18:
        return None
    if any(c not in "0123456789abcdef" for c in epoch):
        return None
    return epoch, int(version)


# ---- real time -----------------------------------------------------------------------------


class CustomerRecord(Strict):
    """The register's customer row (local_db `customers`); also the customer_created payload
    and the data of a 'customer' change."""

    customer_id: Id
    name: Name
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    price_groups: Annotated[list[Id], Field(max_length=50)] = []
    loyalty_tier: Annotated[str, StringConstraints(max_length=40)] | None = None
    tax_exempt: StrictBool = False
    blocked: StrictBool = False


class CustomerList(Strict):
    items: list[CustomerRecord]


class TransactionRecord(Strict):
    """A received sale or void as the register sent it (the payload hashes to payload_sha256)."""

    transaction_id: Id
    store_id: Id
    register_id: Id
    receipt_number: str | None
    kind: Kind
    device_seq: int
    payload: str
    payload_sha256: Hex64
    received_at: UtcTime


class TransactionList(Strict):
    items: list[TransactionRecord]


class ReturnedLine(Strict):
    """What one received return took back of one line of an original sale (`GET /v1/returns`,
    added within protocol 1: a new endpoint and new messages, no existing message changed)."""

    line_id: Key  # the original sale's line
    quantity: Money  # positive, summed over the return's active lines for that original line
    return_transaction_id: Id
    store_id: Id
    register_id: Id
    received_at: UtcTime


class ReturnedList(Strict):
    """Every received return of an original sale, from any register of the chain."""

    transaction_id: Id
    items: list[ReturnedLine]


class OnHand(Strict):
    store_id: Id
    item_id: Key
    quantity: Money  # Decimal text; quantities are kept to 0.001
    updated_at: UtcTime


class InventoryAnswer(Strict):
    item_id: Key
    stores: list[OnHand]
