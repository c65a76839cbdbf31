"""The payment request log: every request id is written down before it goes on the wire.

The runtime already persists a pending tender line before it asks the terminal. The driver keeps
its own log as well, because it is the driver that decides whether a request *was* sent, and
because a reversal or a refund has no cart line of its own. After a crash, `unresolved()` lists
the requests whose outcome nobody saw, so the register asks the terminal about them instead of
sending them again.

`PaymentRequestLog` is the seam; `InMemoryPaymentRequestLog` serves tests and the demo, and
local_db implements the durable (SQLite) one.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from runtime.ports import PaymentOutcome, PaymentStatus


class RequestKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    REVERSAL = "reversal"


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request to the terminal. `status` is None until an answer (or a verdict) is known.

    request_id: the runtime's id (the card line's request id; for a reversal, the id of the
    payment being reversed). service_id: the nexo ServiceID the request travelled under, which
    a status query names. Never holds card data.
    """

    request_id: str
    kind: RequestKind
    service_id: str
    sent_at: dt.datetime
    amount: Decimal | None = None
    currency: str | None = None
    status: PaymentStatus | None = None
    approved_amount: Decimal | None = None
    reference: str | None = None
    card_brand: str | None = None
    message: str = ""
    resolved_at: dt.datetime | None = None

    @property
    def resolved(self) -> bool:
        return self.status is not None and self.status is not PaymentStatus.UNKNOWN

    def outcome(self) -> PaymentOutcome | None:
        if self.status is None:
            return None
        return PaymentOutcome(
            self.status,
            self.approved_amount if self.approved_amount is not None else Decimal("0"),
            self.reference,
            self.card_brand,
            self.message,
        )


class PaymentRequestLog(Protocol):
    def record_sent(self, entry: LoggedRequest) -> None:
        """Durably note a request before it is sent. Raising stops the send (nothing charged).

        A second entry for the same (kind, request_id) must be refused: the driver never sends
        a request twice.
        """
        ...

    def record_outcome(
        self, kind: RequestKind, request_id: str, outcome: PaymentOutcome, at: dt.datetime
    ) -> None:
        """Note what became of a request; an unknown (kind, request_id) is ignored."""
        ...

    def find(self, kind: RequestKind, request_id: str) -> LoggedRequest | None: ...

    def unresolved(self) -> Sequence[LoggedRequest]:
        """Requests sent whose outcome is not known (no answer yet, or UNKNOWN), oldest first."""
        ...


class InMemoryPaymentRequestLog:
    """The log for tests and the demo; thread-safe, forgets everything on exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[RequestKind, str], LoggedRequest] = {}

    def record_sent(self, entry: LoggedRequest) -> None:
        key = (entry.kind, entry.request_id)
        with self._lock:
            if key in self._entries:
                raise ValueError(
                    f"{entry.kind.value} {entry.request_id} was already sent; "
                    "ask the terminal for its status instead of sending it again"
                )
            self._entries[key] = entry

    def record_outcome(
        self, kind: RequestKind, request_id: str, outcome: PaymentOutcome, at: dt.datetime
    ) -> None:
        key = (kind, request_id)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            self._entries[key] = replace(
                entry,
                status=outcome.status,
                approved_amount=outcome.approved_amount,
                reference=outcome.reference,
                card_brand=outcome.card_brand,
                message=outcome.message,
                resolved_at=at,
            )

    def find(self, kind: RequestKind, request_id: str) -> LoggedRequest | None:
        with self._lock:
            return self._entries.get((kind, request_id))

    def unresolved(self) -> Sequence[LoggedRequest]:
        with self._lock:
            pending = [e for e in self._entries.values() if not e.resolved]
        return sorted(pending, key=lambda e: e.sent_at)

    def entries(self) -> list[LoggedRequest]:
        """Everything, in the order it was sent (tests and diagnostics)."""
        with self._lock:
            return sorted(self._entries.values(), key=lambda e: e.sent_at)
