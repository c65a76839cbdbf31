"""A semi-integrated payment terminal speaking nexo (JSON over HTTP), on its device thread.

The rule that shapes everything here: a payment is sent at most once. Each request id is
written to the `PaymentRequestLog` before it goes on the wire. When the answer is lost (a
timeout, a dropped connection) the driver asks the terminal for the transaction status under
the same ServiceID, a bounded number of times, and acts on what it hears: approved, declined,
not found (nothing charged). If the terminal stays silent the outcome is UNKNOWN and the
runtime keeps the card line pending; asking again later (`transaction_status`) settles it.

Transport trouble (unreachable, silent) is reported as OFFLINE/ONLINE status events and leaves
the device enabled; an answer that is not usable nexo puts it in ERROR. Settings: see
`peripherals.payment_settings`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import ClassVar, TypeVar

import httpx

from peripherals import payment_messages as nexo
from peripherals.config import DeviceConfig
from peripherals.device import Device, DeviceError
from peripherals.events import DataEvent, DeviceCategory, DeviceState, DeviceStatus, EventSink
from peripherals.payment_log import (
    InMemoryPaymentRequestLog,
    LoggedRequest,
    PaymentRequestLog,
    RequestKind,
)
from peripherals.payment_nexo import (
    Parties,
    PaymentNotSent,
    StillUnknown,
    TerminalOutcome,
    check_request,
    diagnosis_message,
    payment_message,
    payment_outcome,
    reversal_message,
    reversal_outcome,
    service_id_for,
    status_message,
    status_verdict,
)
from peripherals.payment_settings import NexoSettings
from runtime.ports import PaymentOutcome, PaymentRequest, PaymentStatus

T = TypeVar("T")
_CATEGORY = {
    RequestKind.PAYMENT: nexo.MessageCategory.PAYMENT,
    RequestKind.REFUND: nexo.MessageCategory.PAYMENT,
    RequestKind.REVERSAL: nexo.MessageCategory.REVERSAL,
}


@dataclass(frozen=True, slots=True)
class _Ask:
    """One request as the flows see it: what, under which ServiceID, for how much."""

    kind: RequestKind
    request_id: str
    service_id: str
    amount: Decimal | None = None
    currency: str | None = None


class _NotDelivered(Exception):
    """The connection was never made: the terminal did not see the request."""


class _NoAnswer(Exception):
    """The request may have arrived but no answer came back (timeout, dropped connection)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NexoTerminal(Device):
    """Payment terminal driver: pay, refund, reverse and ask, each returning a Future."""

    category: ClassVar[DeviceCategory] = DeviceCategory.PAYMENT_TERMINAL
    driver_name: ClassVar[str] = "nexo"

    def __init__(self, config: DeviceConfig, sink: EventSink) -> None:
        super().__init__(config, sink)
        self._log: PaymentRequestLog = InMemoryPaymentRequestLog()
        self._settings: NexoSettings | None = None
        self._parties = Parties(config.device_id, "POI1")
        self._client: httpx.Client | None = None
        self._offline = False

    # ------------------------------------------------------------------ wiring
    def use_request_log(self, log: PaymentRequestLog) -> None:
        """Give the driver the durable log (local_db's): before `start()`, or at the latest
        before the first payment (the device manager starts devices itself)."""
        self._log = log

    @property
    def request_log(self) -> PaymentRequestLog:
        return self._log

    @property
    def settings(self) -> NexoSettings:
        if self._settings is None:
            self._settings = NexoSettings.from_config(self.config)
        return self._settings

    def worst_case_s(self) -> float:
        """The longest any one operation can take: a caller's upper bound for waiting."""
        s = self.settings
        exchange = 2 * s.timeout_s  # connect + answer
        payment = s.timeout_s + s.payment_timeout_s
        recovery = s.status_tries * (exchange + s.status_interval_s)
        return payment + exchange + recovery + 1.0

    # ------------------------------------------------------------------ life cycle hooks
    def _do_open(self) -> None:
        try:
            settings = self.settings
        except ValueError as exc:
            raise DeviceError(f"{self.device_id}: {exc}", retryable=False) from None
        self._parties = Parties(settings.sale_id, settings.poi_id)
        self._client = httpx.Client(
            transport=httpx.HTTPTransport(
                retries=0, limits=httpx.Limits(max_keepalive_connections=0)
            ),
            trust_env=False,  # a terminal on the shop's LAN is never reached through a proxy
            timeout=httpx.Timeout(settings.timeout_s),
        )
        try:
            self._diagnose()
        except Exception:
            self._client.close()
            self._client = None
            raise

    def _do_close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _do_health(self) -> str:
        return self._diagnose()

    def _diagnose(self) -> str:
        where = self.settings.url
        try:
            answer = self._exchange(
                diagnosis_message(self._parties), nexo.MessageCategory.DIAGNOSIS, None
            )
        except (_NotDelivered, _NoAnswer) as exc:
            raise DeviceError(
                f"the payment terminal at {where} does not answer ({exc}); check that it is "
                "switched on and that the address is right"
            ) from None
        body = answer.diagnosis_response
        assert body is not None
        status = body.poi_status.global_status if body.poi_status else None
        failed = body.response.result is nexo.Result.FAILURE
        if failed or status not in (None, nexo.GlobalStatus.OK):
            state = status.value if status else nexo.detail_of(body.response) or "failure"
            raise DeviceError(f"the payment terminal at {where} reports {state}")
        return f"terminal {answer.message_header.poi_id} OK"

    # ------------------------------------------------------------------ operations
    def pay(self, request: PaymentRequest) -> Future[TerminalOutcome]:
        """Charge a card. Declines and lost answers are outcomes, not errors."""
        return self._start("pay", request, lambda: self._transact(RequestKind.PAYMENT, request))

    def refund(
        self, request: PaymentRequest, original_reference: str | None
    ) -> Future[TerminalOutcome]:
        """Pay `request.amount` (positive) back to a card, referring to the original sale."""
        return self._start(
            "refund",
            request,
            lambda: self._transact(RequestKind.REFUND, request, original_reference),
        )

    def reverse(self, request_id: str, reference: str | None) -> Future[TerminalOutcome]:
        """Void an approved payment; APPROVED means the reversal went through."""
        if not request_id:
            return _failed(PaymentNotSent("a reversal needs the payment's request id"))
        return self._start("reverse", None, lambda: self._reverse(request_id, reference))

    def transaction_status(self, request_id: str) -> Future[TerminalOutcome]:
        """Ask what became of a payment or refund; allowed in ERROR too (it changes nothing)."""
        if not request_id:
            return _failed(DeviceError("a status query needs a request id", retryable=False))
        return self.submit("transaction_status", lambda: self._status(request_id))

    # ------------------------------------------------------------------ flows (worker thread)
    def _start(
        self,
        operation: str,
        request: PaymentRequest | None,
        work: Callable[[], TerminalOutcome],
    ) -> Future[TerminalOutcome]:
        """Refuse bad input and a device that is not enabled without touching its state."""
        problem = check_request(request) if request is not None else ""
        if not problem and self.state is not DeviceState.ENABLED:
            error = f": {self.last_error}" if self.last_error else ""
            problem = f"{self.device_id} is {self.state.value}{error}"
        if problem:
            return _failed(PaymentNotSent(f"{problem}; nothing was sent", retryable=False))
        return self.submit(operation, work)

    def _must_be_enabled(self) -> None:
        try:
            self.require_enabled()
        except DeviceError as exc:
            raise PaymentNotSent(f"{exc}; nothing was sent", retryable=False) from None

    def _transact(
        self, kind: RequestKind, request: PaymentRequest, refund_of: str | None = None
    ) -> TerminalOutcome:
        self._must_be_enabled()
        rid = request.request_id
        ask = _Ask(kind, rid, service_id_for("payment", rid), request.amount, request.currency)
        seen = self._resume(ask)
        if seen is not None:
            return seen
        self._record_sent(ask)
        refund = kind is RequestKind.REFUND
        message = payment_message(
            self._parties, request, ask.service_id, refund_of=refund_of, refund=refund
        )
        try:
            answer = self._exchange(
                message,
                nexo.MessageCategory.PAYMENT,
                ask.service_id,
                self.settings.payment_timeout_s,
            )
        except _NotDelivered as exc:
            return self._not_delivered(ask, str(exc))
        except _NoAnswer as exc:
            return self._recover(ask, str(exc))
        body = answer.payment_response
        assert body is not None
        if body.response.error_condition is nexo.ErrorCondition.IN_PROGRESS:
            return self._recover(ask, "the terminal says it is still in progress")
        return self._settle(
            ask, self._judge(lambda: payment_outcome(rid, body, ask.amount, ask.currency))
        )

    def _reverse(self, request_id: str, reference: str | None) -> TerminalOutcome:
        self._must_be_enabled()
        ask = _Ask(RequestKind.REVERSAL, request_id, service_id_for("reversal", request_id))
        seen = self._resume(ask)
        if seen is not None:
            return seen
        if reference is None:  # learn the terminal's reference of the payment first
            found = self._status(request_id)
            reference = found.outcome.reference
            charged = found.status in (PaymentStatus.APPROVED, PaymentStatus.PARTIAL)
            if not charged or not reference:
                text = f"there is no approved payment to reverse ({found.outcome.message})"
                nothing = PaymentOutcome(PaymentStatus.DECLINED, message=text)
                return TerminalOutcome(request_id, nothing)
        self._record_sent(ask)
        message = reversal_message(self._parties, request_id, reference, ask.service_id)
        try:
            answer = self._exchange(message, nexo.MessageCategory.REVERSAL, ask.service_id)
        except _NotDelivered as exc:
            return self._not_delivered(ask, str(exc))
        except _NoAnswer as exc:
            return self._recover(ask, str(exc))
        body = answer.reversal_response
        assert body is not None
        return self._settle(ask, self._judge(lambda: reversal_outcome(request_id, body)))

    def _status(self, request_id: str) -> TerminalOutcome:
        if self.state not in (DeviceState.ENABLED, DeviceState.ERROR):
            raise DeviceError(f"{self.device_id} is {self.state.value}", retryable=False)
        entry = self._log.find(RequestKind.PAYMENT, request_id) or self._log.find(
            RequestKind.REFUND, request_id
        )
        service_id = service_id_for("payment", request_id)
        if entry is None:
            ask = _Ask(RequestKind.PAYMENT, request_id, service_id)
        else:
            ask = _Ask(entry.kind, request_id, service_id, entry.amount, entry.currency)
        return self._recover(ask, "asked by the register")

    def _resume(self, ask: _Ask) -> TerminalOutcome | None:
        """A request already sent is never sent again: its known outcome, or a status query."""
        entry = self._log.find(ask.kind, ask.request_id)
        if entry is None:
            return None
        known = entry.outcome()
        if entry.resolved and known is not None:
            return TerminalOutcome(ask.request_id, known, recovered=True)
        return self._recover(ask, "it was sent before and its answer is unknown")

    def _recover(self, ask: _Ask, why: str) -> TerminalOutcome:
        """Ask the terminal (a bounded number of times) what became of a request."""
        category = _CATEGORY[ask.kind]
        settings = self.settings
        last, silent = why, True
        for attempt in range(settings.status_tries):
            if attempt and settings.status_interval_s:
                time.sleep(settings.status_interval_s)
            message = status_message(self._parties, category, ask.service_id)
            status_id = message.message_header.service_id
            try:
                answer = self._exchange(message, nexo.MessageCategory.TRANSACTION_STATUS, status_id)
            except (_NotDelivered, _NoAnswer) as exc:
                last = str(exc)
                continue
            silent = False
            body = answer.transaction_status_response
            assert body is not None
            verdict = self._judge(
                partial(status_verdict, ask.request_id, category, body, ask.amount, ask.currency)
            )
            if isinstance(verdict, StillUnknown):
                last = verdict.reason
                continue
            return self._settle(ask, replace(verdict, recovered=True))
        text = (
            f"the terminal did not confirm the {ask.kind.value} ({last}); it was not sent "
            "again. Ask the terminal for its status once it answers."
        )
        unknown = PaymentOutcome(PaymentStatus.UNKNOWN, message=text)
        if silent:
            self._online(False, f"no answer to status queries: {last}")
        self._log.record_outcome(ask.kind, ask.request_id, unknown, _now())
        return TerminalOutcome(ask.request_id, unknown)

    def _not_delivered(self, ask: _Ask, why: str) -> TerminalOutcome:
        verb = "reversed" if ask.kind is RequestKind.REVERSAL else "charged"
        text = f"the terminal was not reached ({why}): nothing was {verb}"
        declined = PaymentOutcome(PaymentStatus.DECLINED, message=text)
        return self._settle(ask, TerminalOutcome(ask.request_id, declined))

    def _settle(self, ask: _Ask, result: TerminalOutcome) -> TerminalOutcome:
        self._log.record_outcome(ask.kind, ask.request_id, result.outcome, _now())
        self.emit(DataEvent(self.device_id, result))
        return result

    def _record_sent(self, ask: _Ask) -> None:
        entry = LoggedRequest(
            ask.request_id, ask.kind, ask.service_id, _now(), ask.amount, ask.currency
        )
        try:
            self._log.record_sent(entry)
        except Exception as exc:  # noqa: BLE001 - any storage failure stops the send
            raise PaymentNotSent(
                f"the {ask.kind.value} could not be written to the request log ({exc}); "
                "nothing was sent to the terminal",
                retryable=False,
            ) from exc

    def _judge(self, decide: Callable[[], T]) -> T:
        """Run an answer check; an answer that contradicts the request is a device error."""
        try:
            return decide()
        except nexo.NexoFormatError as exc:
            raise self._garbled(str(exc)) from None

    def _garbled(self, why: str) -> DeviceError:
        return DeviceError(
            f"the payment terminal at {self.settings.url} gave an answer the register cannot "
            f"use ({why}). The outcome is unknown and nothing will be sent again: check the "
            "terminal, then ask it for the transaction status."
        )

    # ------------------------------------------------------------------ HTTP
    def _exchange(
        self,
        message: nexo.SaleToPOIRequest,
        category: nexo.MessageCategory,
        service_id: str | None,
        read_timeout: float | None = None,
    ) -> nexo.SaleToPOIResponse:
        """POST one message and parse the answer; raises _NotDelivered, _NoAnswer or
        DeviceError (an answer that is not a usable nexo message)."""
        if self._client is None:
            raise _NotDelivered("the connection to the terminal is closed")
        s = self.settings
        timeout = httpx.Timeout(
            s.timeout_s, read=read_timeout if read_timeout is not None else s.timeout_s
        )
        try:
            reply = self._client.post(
                s.url,
                content=nexo.encode(message),
                headers={"Content-Type": "application/json"},
                timeout=timeout,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            self._online(False, str(exc))
            raise _NotDelivered(f"cannot connect: {exc or exc.__class__.__name__}") from None
        except httpx.TimeoutException as exc:
            raise _NoAnswer(f"no answer within {timeout.read} s") from exc
        except httpx.TransportError as exc:  # reset, closed mid-answer, protocol breakage
            raise _NoAnswer(f"the connection dropped: {exc or exc.__class__.__name__}") from exc
        except httpx.HTTPError as exc:  # an answer httpx cannot even read (bad encoding)
            raise self._garbled(f"{exc.__class__.__name__}: {exc}") from None
        self._online(True)
        if reply.status_code != 200:
            raise self._garbled(f"HTTP {reply.status_code}")
        try:
            return nexo.decode_response(reply.content, category, service_id)
        except nexo.NexoFormatError as exc:
            raise self._garbled(str(exc)) from None

    def _online(self, ok: bool, detail: str = "") -> None:
        if ok and self._offline:
            self._offline = False
            self.emit_status(DeviceStatus.ONLINE)
        elif not ok and not self._offline:
            self._offline = True
            self.emit_status(DeviceStatus.OFFLINE, detail)


def _failed(exc: Exception) -> Future[TerminalOutcome]:
    future: Future[TerminalOutcome] = Future()
    future.set_exception(exc)
    return future
