"""The channel server's endpoints as typed calls (docs/sync-protocol.md), over `Transport`.

Bodies are built with the protocol's models and sent as bytes; answers come back as the
protocol's models. Real-time calls (customers, receipts, inventory) use a short timeout and
no retries: a cashier is waiting, and the runtime falls back or refuses instead.
"""

from __future__ import annotations

import datetime as dt

from sync.pages import Page, parse_changes_page
from sync.protocol import (
    ActivationRequest,
    ActivationResponse,
    CustomerList,
    CustomerRecord,
    DeviceStatus,
    HealthResponse,
    InventoryAnswer,
    PushResponse,
    RegisterDayDigest,
    TransactionList,
)
from sync.transport import NO_RETRY, RetryPolicy, Transport

REALTIME_TIMEOUT = 3.0  # seconds: a slow answer counts as offline for the operation


class ChannelClient:
    """One register's view of the server. Thread-safe like its transport."""

    def __init__(self, transport: Transport, *, realtime_timeout: float = REALTIME_TIMEOUT):
        self.transport = transport
        self.realtime_timeout = realtime_timeout

    def close(self) -> None:
        self.transport.close()

    # ---- sync -----------------------------------------------------------------------------------

    def health(self, retry: RetryPolicy | None = NO_RETRY) -> HealthResponse:
        return self.transport.call_model(
            "GET", "/v1/health", HealthResponse, retry=retry, timeout=self.realtime_timeout
        )[1]

    def activate(self, code: str) -> ActivationResponse:
        body = ActivationRequest(code=code).model_dump_json().encode()
        return self.transport.call_model("POST", "/v1/activate", ActivationResponse, body=body)[1]

    def device(self) -> DeviceStatus:
        return self.transport.call_model("GET", "/v1/device", DeviceStatus)[1]

    def push(self, body: bytes) -> PushResponse:
        """POST /v1/push with a PushBatch body; a 409 (seq gap, payload conflict) comes back
        as the PushResponse carrying its `error`."""
        return self.transport.call_model(
            "POST", "/v1/push", PushResponse, body=body, accept=(200, 409)
        )[1]

    def changes(self, since: str | None, limit: int) -> Page:
        """A page of the change log, read by the fast strict reader (sync.pages)."""
        params: dict[str, str | int] = {"limit": limit}
        if since:
            params["since"] = since
        return self.transport.call_parsed("GET", "/v1/changes", parse_changes_page, params=params)

    def digest(self, day: dt.date, timezone: str) -> RegisterDayDigest:
        params: dict[str, str | int] = {"business_day": day.isoformat(), "timezone": timezone}
        return self.transport.call_model("GET", "/v1/digest", RegisterDayDigest, params=params)[1]

    # ---- real time ------------------------------------------------------------------------------

    def search_customers(self, text: str, limit: int = 20) -> CustomerList:
        return self.transport.call_model(
            "GET", "/v1/customers", CustomerList, params={"q": text, "limit": limit},
            retry=NO_RETRY, timeout=self.realtime_timeout,
        )[1]  # fmt: skip

    def create_customer(self, record: CustomerRecord) -> CustomerRecord:
        return self.transport.call_model(
            "POST", "/v1/customers", CustomerRecord, body=record.model_dump_json().encode(),
            accept=(200, 201), retry=NO_RETRY, timeout=self.realtime_timeout,
        )[1]  # fmt: skip

    def transactions(self, receipt_number: str) -> TransactionList:
        return self.transport.call_model(
            "GET", "/v1/transactions", TransactionList, params={"receipt_number": receipt_number},
            retry=NO_RETRY, timeout=self.realtime_timeout,
        )[1]  # fmt: skip

    def inventory(self, item_id: str, store_id: str | None = None) -> InventoryAnswer:
        params: dict[str, str | int] = {"item_id": item_id}
        if store_id:
            params["store_id"] = store_id
        return self.transport.call_model(
            "GET", "/v1/inventory", InventoryAnswer, params=params,
            retry=NO_RETRY, timeout=self.realtime_timeout,
        )[1]  # fmt: skip
