"""What the register says to a nexo terminal and what it makes of the answers (no I/O here).

Builds the SaleToPOIRequest messages for a payment, a refund, a status query, a reversal and a
diagnosis, and turns the terminal's answers into the runtime's `PaymentOutcome` plus the receipt
text the terminal wants printed. An answer that contradicts the request (another sale
transaction, another currency, more than was asked) is rejected as malformed: acting on it could
charge the wrong amount.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from peripherals import payment_messages as nexo
from peripherals.device import DeviceError
from runtime.ports import PaymentOutcome, PaymentRequest, PaymentStatus

_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class PaymentNotSent(DeviceError):
    """Nothing reached the terminal, so nothing was charged (or reversed)."""


def service_id_for(exchange: str, request_id: str) -> str:
    """The ServiceID (≤ 10 characters) a request travels under, derived from its request id.

    Derived, not random, so that after a crash the register can name the lost message in a
    TransactionStatus query knowing only the request id it persisted. `exchange` is "payment"
    (payments and refunds: one request id is only ever one of them) or "reversal".
    """
    number = int.from_bytes(hashlib.sha256(f"{exchange}:{request_id}".encode()).digest()[:8])
    digits = []
    for _ in range(10):
        number, rest = divmod(number, 36)
        digits.append(_BASE36[rest])
    return "".join(digits)


def new_service_id() -> str:
    """A fresh ServiceID for an exchange nobody will ask about later (status, diagnosis)."""
    return secrets.token_hex(5).upper()


@dataclass(frozen=True, slots=True)
class TerminalReceipt:
    """The text the terminal asks the register to print (it has no printer of its own)."""

    qualifier: nexo.DocumentQualifier
    lines: tuple[str, ...]
    signature_required: bool = False

    @property
    def copy(self) -> str:
        """"merchant" for the cashier's copy, "customer" for the card holder's."""
        merchant = self.qualifier is nexo.DocumentQualifier.CASHIER_RECEIPT
        return "merchant" if merchant else "customer"


@dataclass(frozen=True, slots=True)
class TerminalOutcome:
    """The terminal's verdict on one request, with its receipts.

    recovered: the answer was lost on the wire and learnt through a TransactionStatus query.
    """

    request_id: str
    outcome: PaymentOutcome
    receipts: tuple[TerminalReceipt, ...] = ()
    recovered: bool = False
    poi_time: dt.datetime | None = None

    @property
    def status(self) -> PaymentStatus:
        return self.outcome.status

    def receipt_lines(self, copy: str = "customer") -> tuple[str, ...]:
        for receipt in self.receipts:
            if receipt.copy == copy:
                return receipt.lines
        return ()


@dataclass(frozen=True, slots=True)
class Parties:
    """Who talks: our SaleID and the terminal's POIID."""

    sale_id: str
    poi_id: str

    def header(
        self, category: nexo.MessageCategory, service_id: str, *, version: bool = True
    ) -> nexo.MessageHeader:
        return nexo.MessageHeader(
            protocol_version=nexo.PROTOCOL_VERSION if version else None,
            message_category=category,
            message_type=nexo.MessageType.REQUEST,
            service_id=service_id,
            sale_id=self.sale_id,
            poi_id=self.poi_id,
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_request(request: PaymentRequest) -> str:
    """What is wrong with a payment request before anything is sent ("" when nothing)."""
    if not request.request_id:
        return "a payment request needs a request id"
    amount = request.amount
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        return f"the amount must be a positive Decimal, not {amount!r}"
    if amount.as_tuple().exponent < -6:  # type: ignore[operator]
        return f"the amount {amount} has more decimals than a terminal takes"
    if not (len(request.currency) == 3 and request.currency.isalpha()):
        return f"the currency must be an ISO 4217 code such as EUR, not {request.currency!r}"
    return ""


def payment_message(
    parties: Parties,
    request: PaymentRequest,
    service_id: str,
    *,
    refund_of: str | None = None,
    refund: bool = False,
) -> nexo.SaleToPOIRequest:
    original = None
    if refund and refund_of:
        original = nexo.OriginalPOITransaction(
            sale_id=parties.sale_id,
            poi_transaction_id=nexo.TransactionIdentification(transaction_id=refund_of),
        )
    return nexo.SaleToPOIRequest(
        message_header=parties.header(nexo.MessageCategory.PAYMENT, service_id),
        payment_request=nexo.PaymentRequest(
            sale_data=nexo.SaleData(
                sale_transaction_id=nexo.TransactionIdentification(
                    transaction_id=request.request_id, time_stamp=_now()
                )
            ),
            payment_transaction=nexo.PaymentTransaction(
                amounts_req=nexo.AmountsReq(
                    currency=request.currency.upper(), requested_amount=request.amount
                ),
                original_poi_transaction=original,
            ),
            payment_data=nexo.PaymentData(
                payment_type=nexo.PaymentType.REFUND if refund else nexo.PaymentType.NORMAL
            ),
        ),
    )


def status_message(
    parties: Parties, category: nexo.MessageCategory, about_service_id: str
) -> nexo.SaleToPOIRequest:
    return nexo.SaleToPOIRequest(
        message_header=parties.header(nexo.MessageCategory.TRANSACTION_STATUS, new_service_id()),
        transaction_status_request=nexo.TransactionStatusRequest(
            message_reference=nexo.MessageReference(
                message_category=category,
                service_id=about_service_id,
                sale_id=parties.sale_id,
                poi_id=parties.poi_id,
            )
        ),
    )


def reversal_message(
    parties: Parties, request_id: str, reference: str, service_id: str
) -> nexo.SaleToPOIRequest:
    return nexo.SaleToPOIRequest(
        message_header=parties.header(nexo.MessageCategory.REVERSAL, service_id),
        reversal_request=nexo.ReversalRequest(
            original_poi_transaction=nexo.OriginalPOITransaction(
                sale_id=parties.sale_id,
                poi_id=parties.poi_id,
                poi_transaction_id=nexo.TransactionIdentification(transaction_id=reference),
            ),
            reversal_reason="MerchantCancel",
            sale_data=nexo.SaleData(
                sale_transaction_id=nexo.TransactionIdentification(
                    transaction_id=request_id, time_stamp=_now()
                )
            ),
        ),
    )


def diagnosis_message(parties: Parties) -> nexo.SaleToPOIRequest:
    return nexo.SaleToPOIRequest(
        message_header=parties.header(nexo.MessageCategory.DIAGNOSIS, new_service_id()),
        diagnosis_request=nexo.DiagnosisRequest(poi_id=parties.poi_id),
    )


# ---------------------------------------------------------------------------- answers


def receipts_of(receipts: tuple[nexo.PaymentReceipt, ...]) -> tuple[TerminalReceipt, ...]:
    return tuple(
        TerminalReceipt(r.document_qualifier, r.lines, r.required_signature_flag) for r in receipts
    )


def _reason(response: nexo.Response) -> str:
    detail = nexo.detail_of(response)
    condition = response.error_condition.value if response.error_condition else ""
    if detail and condition:
        return f"{detail} ({condition})"
    return detail or condition or "no reason given"


def payment_outcome(
    request_id: str,
    body: nexo.PaymentResponse,
    requested: Decimal | None,
    currency: str | None,
) -> TerminalOutcome:
    """A PaymentResponse as the runtime's outcome; raises NexoFormatError if it contradicts
    the request."""
    answered_for = body.sale_data.sale_transaction_id.transaction_id
    if answered_for != request_id:
        raise nexo.NexoFormatError(
            f"the answer is for sale transaction {answered_for!r}, not {request_id!r}"
        )
    receipts = receipts_of(body.payment_receipt)
    response = body.response
    if response.result is nexo.Result.FAILURE:
        declined = PaymentOutcome(PaymentStatus.DECLINED, message=_reason(response))
        return TerminalOutcome(request_id, declined, receipts)
    assert body.poi_data is not None and body.payment_result is not None  # validated
    amounts = body.payment_result.amounts_resp
    assert amounts is not None
    if currency is not None and amounts.currency != currency.upper():
        raise nexo.NexoFormatError(
            f"the terminal approved {amounts.currency}, the register asked for {currency}"
        )
    authorized = amounts.authorized_amount
    if requested is not None and authorized > requested:
        raise nexo.NexoFormatError(
            f"the terminal approved {authorized}, more than the {requested} asked for"
        )
    instrument = body.payment_result.payment_instrument_data
    brand = instrument.card_data.payment_brand if instrument and instrument.card_data else None
    poi_tx = body.poi_data.poi_transaction_id
    if authorized == 0:
        status, message = PaymentStatus.DECLINED, "the terminal approved nothing"
    elif response.result is nexo.Result.PARTIAL or (
        requested is not None and authorized < requested
    ):
        asked = f" of {requested}" if requested is not None else ""
        status, message = PaymentStatus.PARTIAL, f"partially approved: {authorized}{asked}"
    else:
        status, message = PaymentStatus.APPROVED, ""
    outcome = PaymentOutcome(status, authorized, poi_tx.transaction_id, brand, message)
    return TerminalOutcome(request_id, outcome, receipts, poi_time=poi_tx.time_stamp)


def reversal_outcome(request_id: str, body: nexo.ReversalResponse) -> TerminalOutcome:
    """APPROVED means the reversal went through (the runtime's reading)."""
    receipts = receipts_of(body.payment_receipt)
    if body.response.result is nexo.Result.FAILURE:
        outcome = PaymentOutcome(
            PaymentStatus.DECLINED, message=f"not reversed: {_reason(body.response)}"
        )
        return TerminalOutcome(request_id, outcome, receipts)
    reference = body.poi_data.poi_transaction_id.transaction_id if body.poi_data else None
    amount = body.reversed_amount if body.reversed_amount is not None else Decimal("0")
    outcome = PaymentOutcome(PaymentStatus.APPROVED, amount, reference, None, "reversed")
    return TerminalOutcome(request_id, outcome, receipts)


@dataclass(frozen=True, slots=True)
class StillUnknown:
    """A status answer that settles nothing yet (in progress, busy, refused)."""

    reason: str


def status_verdict(
    request_id: str,
    category: nexo.MessageCategory,
    body: nexo.TransactionStatusResponse,
    requested: Decimal | None,
    currency: str | None,
) -> TerminalOutcome | StillUnknown:
    """What a TransactionStatus answer says about the lost request."""
    response = body.response
    if response.result is nexo.Result.FAILURE:
        condition = response.error_condition
        if condition is nexo.ErrorCondition.NOT_FOUND:
            if category is nexo.MessageCategory.REVERSAL:
                text = "the terminal has no record of the reversal: the payment was not reversed"
            else:
                text = "the terminal has no record of the payment: nothing was charged"
            return TerminalOutcome(request_id, PaymentOutcome(PaymentStatus.DECLINED, message=text))
        if condition in (nexo.ErrorCondition.IN_PROGRESS, nexo.ErrorCondition.BUSY):
            return StillUnknown("the terminal is still working on it")
        return StillUnknown(f"the status query was refused: {_reason(response)}")
    assert body.repeated_message_response is not None  # validated
    repeated = body.repeated_message_response.repeated_response_message_body
    if category is nexo.MessageCategory.REVERSAL:
        if repeated.reversal_response is None:
            raise nexo.NexoFormatError("a reversal status answer without its ReversalResponse")
        return reversal_outcome(request_id, repeated.reversal_response)
    if repeated.payment_response is None:
        raise nexo.NexoFormatError("a payment status answer without its PaymentResponse")
    return payment_outcome(request_id, repeated.payment_response, requested, currency)
