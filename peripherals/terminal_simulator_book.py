"""The brain of our nexo terminal simulator: its transaction book and its scripted behaviour.

No sockets here: `TerminalBook.handle(raw)` takes a request's bytes and returns a `Reply` (what
to send, whether to hang first, whether to drop the connection). The HTTP server in
`terminal_simulator` carries it out. Like a real terminal it remembers every transaction by its
SaleTransactionID, answers TransactionStatus queries by ServiceID, reverses approved payments,
and never charges the same SaleTransactionID twice (a repeat gets the first answer back).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from urllib.parse import quote

from peripherals import payment_messages as nexo


class Action(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    PARTIAL = "partial"  # approve part of the amount
    HANG_APPROVED = "hang_approved"  # charge, answer only after `hang_s`; status says approved
    HANG_NOT_FOUND = "hang_not_found"  # never register it, never answer; status: not found
    HANG_IN_PROGRESS = "hang_in_progress"  # status: in progress until `hang_s`, then aborted
    DROP_AFTER_APPROVE = "drop_after_approve"  # charge, then close the connection unanswered
    GARBAGE = "garbage"  # charge, then answer bytes that are not a nexo message


@dataclass(frozen=True, slots=True)
class Behaviour:
    action: Action = Action.APPROVE
    partial_amount: Decimal | None = None  # PARTIAL: default half the amount
    reason: str = "NOT ENOUGH BALANCE"  # DECLINE: the refusal reason
    hang_s: float = 30.0  # the hangs (cut short when the simulator stops)
    garbage: bytes = b"\x15NAK <html>503 terminal busy"
    brand: str = "VISA"


@dataclass(frozen=True, slots=True)
class Reply:
    """body None: close the connection without answering (after `delay_s`)."""

    body: bytes | None
    delay_s: float = 0.0
    then: Callable[[], None] | None = None
    http_status: int = 200


@dataclass
class SimTransaction:
    sale_transaction_id: str
    service_id: str
    payment_type: nexo.PaymentType
    amount: Decimal
    currency: str
    poi_transaction_id: str
    poi_time: dt.datetime
    header: nexo.MessageHeader
    state: str = "in_progress"  # in_progress, approved, partial, declined, aborted
    authorized: Decimal = Decimal("0")
    response: nexo.SaleToPOIResponse | None = None
    reversed: bool = False
    reversal: nexo.ReversalResponse | None = None  # the answer that reversed it

    @property
    def charged(self) -> bool:
        return self.state in ("approved", "partial")


@dataclass
class Counters:
    payment_requests: int = 0
    charges: int = 0  # normal payments that took money
    refunds: int = 0
    duplicates: int = 0  # repeated SaleTransactionIDs (refused, answered idempotently)
    reversals: int = 0
    status_queries: int = 0
    charged_total: Decimal = field(default_factory=Decimal)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class TerminalBook:
    def __init__(self, poi_id: str = "POI1", echo: Callable[[str], None] | None = None) -> None:
        self.poi_id = poi_id
        self.global_status = nexo.GlobalStatus.OK
        self._echo = echo or (lambda _line: None)
        self._lock = threading.Lock()
        self._next: deque[Behaviour] = deque()
        self._next_reversal: deque[Behaviour] = deque()
        self._by_amount: dict[Decimal, Behaviour] = {}
        self._by_cents: dict[int, Behaviour] = {}
        self._transactions: dict[str, SimTransaction] = {}
        self._by_service: dict[str, str] = {}
        self._reversals: dict[str, nexo.SaleToPOIResponse] = {}  # by the reversal's ServiceID
        self._numbers = itertools.count(1)
        self.counters = Counters()

    # ------------------------------------------------------------------ scripting
    def script_next(self, *behaviours: Behaviour) -> None:
        """The next payment requests (payments and refunds) behave like these, in order."""
        with self._lock:
            self._next.extend(behaviours)

    def script_next_reversal(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._next_reversal.extend(behaviours)

    def script_amount(self, amount: Decimal, behaviour: Behaviour) -> None:
        """Every payment of exactly this amount behaves so (after the next-request script)."""
        with self._lock:
            self._by_amount[amount] = behaviour

    def script_cents(self, cents: int, behaviour: Behaviour) -> None:
        """Every payment whose cents are `cents` (0–99) behaves so: handy in the demo."""
        with self._lock:
            self._by_cents[cents] = behaviour

    def transaction(self, sale_transaction_id: str) -> SimTransaction | None:
        with self._lock:
            return self._transactions.get(sale_transaction_id)

    def _behaviour_for(self, amount: Decimal) -> Behaviour:
        if self._next:
            return self._next.popleft()
        if amount in self._by_amount:
            return self._by_amount[amount]
        cents = int((amount * 100) % 100)
        return self._by_cents.get(cents, Behaviour())

    # ------------------------------------------------------------------ dispatch
    def handle(self, raw: bytes) -> Reply:
        try:
            request = nexo.decode_request(raw)
        except nexo.NexoFormatError as exc:
            self._echo(f"refused a malformed request: {exc}")
            return Reply(f"MessageFormat: {exc}".encode(), http_status=400)
        header = request.message_header
        with self._lock:
            if request.payment_request is not None:
                return self._payment(header, request.payment_request)
            if request.transaction_status_request is not None:
                return self._status(header, request.transaction_status_request)
            if request.reversal_request is not None:
                return self._reversal(header, request.reversal_request)
            return self._diagnosis(header)

    def _answer(self, header: nexo.MessageHeader, **body: object) -> nexo.SaleToPOIResponse:
        reply_header = header.model_copy(update={"message_type": nexo.MessageType.RESPONSE})
        return nexo.SaleToPOIResponse(message_header=reply_header, **body)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ payments
    def _payment(self, header: nexo.MessageHeader, body: nexo.PaymentRequest) -> Reply:
        self.counters.payment_requests += 1
        sale_tx = body.sale_data.sale_transaction_id.transaction_id
        amounts = body.payment_transaction.amounts_req
        if header.service_id is None:  # nexo: a Service message pair needs its ServiceID
            missing = nexo.failure(nexo.ErrorCondition.MESSAGE_FORMAT, "ServiceID is missing")
            answer = nexo.PaymentResponse(response=missing, sale_data=body.sale_data)
            return Reply(nexo.encode(self._answer(header, payment_response=answer)))
        known = self._transactions.get(sale_tx)
        if known is not None:
            return self._repeat(header, body, known)
        behaviour = self._behaviour_for(amounts.requested_amount)
        action = behaviour.action
        kind = body.payment_type
        self._echo(f"{kind.value.upper()} {amounts.requested_amount} {amounts.currency} "
                   f"sale={sale_tx} service={header.service_id}: {action.value}")  # fmt: skip
        if action is Action.HANG_NOT_FOUND:  # the request is lost inside the terminal
            return Reply(None, delay_s=behaviour.hang_s)
        tx = SimTransaction(
            sale_tx, header.service_id, kind, amounts.requested_amount, amounts.currency,
            f"SIM{next(self._numbers):08d}", _now(), header,
        )  # fmt: skip
        self._transactions[sale_tx] = tx
        self._by_service[tx.service_id] = sale_tx
        if action is Action.HANG_IN_PROGRESS:
            return Reply(None, delay_s=behaviour.hang_s, then=lambda: self._abort(tx))
        self._decide(tx, behaviour)
        answer = self._payment_response(body, tx, behaviour)
        tx.response = self._answer(header, payment_response=answer)
        wire = nexo.encode(tx.response)
        if action is Action.HANG_APPROVED:
            return Reply(wire, delay_s=behaviour.hang_s)
        if action is Action.DROP_AFTER_APPROVE:
            return Reply(None)
        if action is Action.GARBAGE:
            return Reply(behaviour.garbage)
        return Reply(wire)

    def _decide(self, tx: SimTransaction, behaviour: Behaviour) -> None:
        if behaviour.action is Action.DECLINE:
            tx.state = "declined"
            return
        if behaviour.action is Action.PARTIAL:
            part = behaviour.partial_amount
            if part is None:
                part = (tx.amount / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            tx.state, tx.authorized = "partial", min(part, tx.amount)
        else:
            tx.state, tx.authorized = "approved", tx.amount
        if tx.payment_type is nexo.PaymentType.REFUND:
            self.counters.refunds += 1
        else:
            self.counters.charges += 1
            self.counters.charged_total += tx.authorized

    def _abort(self, tx: SimTransaction) -> None:
        with self._lock:
            if tx.state == "in_progress":
                tx.state = "aborted"
                sale = nexo.SaleData(
                    sale_transaction_id=nexo.TransactionIdentification(
                        transaction_id=tx.sale_transaction_id
                    )
                )
                failed = nexo.failure(nexo.ErrorCondition.ABORTED, "timed out at the terminal")
                tx.response = self._answer(
                    tx.header,
                    payment_response=nexo.PaymentResponse(response=failed, sale_data=sale),
                )

    def _repeat(
        self, header: nexo.MessageHeader, body: nexo.PaymentRequest, tx: SimTransaction
    ) -> Reply:
        """A SaleTransactionID seen before is never charged again."""
        self.counters.duplicates += 1
        self._echo(f"refused a second payment for sale={tx.sale_transaction_id} ({tx.state})")
        if tx.response is None or tx.response.payment_response is None:
            busy = nexo.failure(nexo.ErrorCondition.IN_PROGRESS, "this payment is in progress")
            answer = nexo.PaymentResponse(response=busy, sale_data=body.sale_data)
        else:
            answer = tx.response.payment_response
        return Reply(nexo.encode(self._answer(header, payment_response=answer)))

    def _payment_response(
        self, body: nexo.PaymentRequest, tx: SimTransaction, behaviour: Behaviour
    ) -> nexo.PaymentResponse:
        if tx.state == "declined":
            refused = nexo.Response(
                result=nexo.Result.FAILURE,
                error_condition=nexo.ErrorCondition.REFUSAL,
                additional_response=f"refusalReason={quote(behaviour.reason)}",
            )
            return nexo.PaymentResponse(
                response=refused,
                sale_data=body.sale_data,
                payment_receipt=self._receipts(tx, "DECLINED", behaviour.brand),
            )
        result = nexo.Result.PARTIAL if tx.state == "partial" else nexo.Result.SUCCESS
        return nexo.PaymentResponse(
            response=nexo.Response(result=result),
            sale_data=body.sale_data,
            poi_data=nexo.POIData(
                poi_transaction_id=nexo.TransactionIdentification(
                    transaction_id=tx.poi_transaction_id, time_stamp=tx.poi_time
                )
            ),
            payment_result=nexo.PaymentResult(
                payment_type=tx.payment_type,
                payment_instrument_data=nexo.PaymentInstrumentData(
                    card_data=nexo.CardData(
                        payment_brand=behaviour.brand, masked_pan="411111******1111"
                    )
                ),
                amounts_resp=nexo.AmountsResp(
                    currency=tx.currency, authorized_amount=tx.authorized
                ),
            ),
            payment_receipt=self._receipts(tx, "APPROVED", behaviour.brand),
        )

    def _receipts(
        self, tx: SimTransaction, verdict: str, brand: str
    ) -> tuple[nexo.PaymentReceipt, ...]:
        what = "REFUND" if tx.payment_type is nexo.PaymentType.REFUND else "SALE"
        amount = tx.authorized if tx.charged else tx.amount
        body = [
            "TILLPOINT TEST TERMINAL",
            f"POI {self.poi_id}  TX {tx.poi_transaction_id}",
            tx.poi_time.strftime("%Y-%m-%d %H:%M:%S UTC"),
            f"{brand} ************1111",
            f"{what}  {tx.currency} {amount}",
            verdict,
        ]
        if tx.state == "partial":
            body.append(f"PARTIAL: {tx.authorized} OF {tx.amount}")
        copies = []
        for qualifier, label in (
            (nexo.DocumentQualifier.CASHIER_RECEIPT, "MERCHANT COPY"),
            (nexo.DocumentQualifier.CUSTOMER_RECEIPT, "CARDHOLDER COPY"),
        ):
            lines = [*body, label]
            copies.append(nexo.receipt(qualifier, lines))
            for line in lines:
                self._echo(f"  | {line}")
        return tuple(copies)

    # ------------------------------------------------------------------ status, reversal
    def _status(self, header: nexo.MessageHeader, body: nexo.TransactionStatusRequest) -> Reply:
        self.counters.status_queries += 1
        ref = body.message_reference
        if ref.message_category is nexo.MessageCategory.REVERSAL:
            original = self._reversals.get(ref.service_id)
            found, state = original is not None, "answered" if original else "not found"
        else:
            sale_tx = self._by_service.get(ref.service_id)
            tx = self._transactions.get(sale_tx) if sale_tx else None
            original = tx.response if tx else None
            found, state = tx is not None, tx.state if tx else "not found"
        self._echo(f"STATUS {ref.message_category.value} service={ref.service_id}: {state}")
        if not found:
            status = nexo.TransactionStatusResponse(
                response=nexo.failure(nexo.ErrorCondition.NOT_FOUND, "no such transaction")
            )
        elif original is None:
            status = nexo.TransactionStatusResponse(
                response=nexo.failure(nexo.ErrorCondition.IN_PROGRESS, "in progress")
            )
        else:
            status = nexo.TransactionStatusResponse(
                response=nexo.Response(result=nexo.Result.SUCCESS),
                message_reference=ref,
                repeated_message_response=nexo.RepeatedMessageResponse(
                    message_header=original.message_header,
                    repeated_response_message_body=nexo.RepeatedResponseMessageBody(
                        payment_response=original.payment_response,
                        reversal_response=original.reversal_response,
                    ),
                ),
            )
        return Reply(nexo.encode(self._answer(header, transaction_status_response=status)))

    def _reversal(self, header: nexo.MessageHeader, body: nexo.ReversalRequest) -> Reply:
        behaviour = self._next_reversal.popleft() if self._next_reversal else Behaviour()
        poi_tx = body.original_poi_transaction.poi_transaction_id
        wanted = poi_tx.transaction_id if poi_tx else None
        self._echo(f"REVERSAL of {wanted} service={header.service_id}: {behaviour.action.value}")
        if behaviour.action is Action.HANG_NOT_FOUND:
            return Reply(None, delay_s=behaviour.hang_s)
        tx = next((t for t in self._transactions.values() if t.poi_transaction_id == wanted), None)
        if tx is not None and tx.reversal is not None:  # reversed before: the same answer
            again = self._answer(header, reversal_response=tx.reversal)
            if header.service_id is not None:
                self._reversals[header.service_id] = again
            return Reply(nexo.encode(again))
        if tx is None:
            refused = nexo.failure(nexo.ErrorCondition.NOT_FOUND, f"no transaction {wanted}")
            response = nexo.ReversalResponse(response=refused)
        elif not tx.charged:
            refused = nexo.failure(nexo.ErrorCondition.NOT_ALLOWED, f"{tx.state}: not charged")
            response = nexo.ReversalResponse(response=refused)
        elif behaviour.action is Action.DECLINE:
            response = nexo.ReversalResponse(
                response=nexo.failure(nexo.ErrorCondition.REFUSAL, behaviour.reason)
            )
        else:
            tx.reversed = True
            self.counters.reversals += 1
            response = nexo.ReversalResponse(
                response=nexo.Response(result=nexo.Result.SUCCESS),
                poi_data=nexo.POIData(
                    poi_transaction_id=nexo.TransactionIdentification(
                        transaction_id=f"SIM{next(self._numbers):08d}", time_stamp=_now()
                    )
                ),
                original_poi_transaction=body.original_poi_transaction,
                reversed_amount=tx.authorized,
                payment_receipt=self._receipts(tx, "REVERSED", behaviour.brand),
            )
            tx.reversal = response
        answer = self._answer(header, reversal_response=response)
        if header.service_id is not None:
            self._reversals[header.service_id] = answer
        wire = nexo.encode(answer)
        if behaviour.action is Action.DROP_AFTER_APPROVE:
            return Reply(None)
        if behaviour.action is Action.HANG_APPROVED:
            return Reply(wire, delay_s=behaviour.hang_s)
        if behaviour.action is Action.GARBAGE:
            return Reply(behaviour.garbage)
        return Reply(wire)

    def _diagnosis(self, header: nexo.MessageHeader) -> Reply:
        diagnosis = nexo.DiagnosisResponse(
            response=nexo.Response(result=nexo.Result.SUCCESS),
            poi_status=nexo.POIStatus(
                global_status=self.global_status, communication_ok_flag=True, printer_status="OK"
            ),
        )
        return Reply(nexo.encode(self._answer(header, diagnosis_response=diagnosis)))
