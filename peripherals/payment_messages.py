"""nexo Sale-to-POI messages (the JSON shape of the Adyen Terminal API) as validated models.

Semi-integrated terminals speak "nexo Retailer" as JSON over HTTP: a `SaleToPOIRequest` with a
`MessageHeader` (ServiceID, SaleID, POIID, MessageCategory) and one body (PaymentRequest,
TransactionStatusRequest, ReversalRequest, DiagnosisRequest), answered by a `SaleToPOIResponse`.
Models carry the nexo names; fields are snake_case with the wire spelling as alias
(`poi_transaction_id` <-> "POITransactionID", see `wire_name`).

Both sides use these models: the register's driver and our terminal simulator. Anything that
does not validate raises `NexoFormatError` with a message a technician can act on; amounts are
`Decimal` on both ends (JSON numbers are parsed as Decimal, never float).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote, unquote

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

PROTOCOL_VERSION = "3.0"
MAX_MESSAGE_BYTES = 256 * 1024  # a terminal answer is a few kB; more is not a terminal talking


class NexoFormatError(ValueError):
    """A message is not a valid nexo message (garbage, wrong shape, wrong answer)."""


class MessageClass(StrEnum):
    SERVICE = "Service"
    DEVICE = "Device"
    EVENT = "Event"


class MessageCategory(StrEnum):
    PAYMENT = "Payment"
    TRANSACTION_STATUS = "TransactionStatus"
    REVERSAL = "Reversal"
    DIAGNOSIS = "Diagnosis"


class MessageType(StrEnum):
    REQUEST = "Request"
    RESPONSE = "Response"


class Result(StrEnum):
    SUCCESS = "Success"
    FAILURE = "Failure"
    PARTIAL = "Partial"


class ErrorCondition(StrEnum):
    ABORTED = "Aborted"
    BUSY = "Busy"
    CANCEL = "Cancel"
    DEVICE_OUT = "DeviceOut"
    IN_PROGRESS = "InProgress"
    INSERTED_CARD = "InsertedCard"
    INVALID_CARD = "InvalidCard"
    LOGGED_OUT = "LoggedOut"
    MESSAGE_FORMAT = "MessageFormat"
    NOT_ALLOWED = "NotAllowed"
    NOT_FOUND = "NotFound"
    PAYMENT_RESTRICTION = "PaymentRestriction"
    REFUSAL = "Refusal"
    UNAVAILABLE_DEVICE = "UnavailableDevice"
    UNAVAILABLE_SERVICE = "UnavailableService"
    UNREACHABLE_HOST = "UnreachableHost"
    WRONG_PIN = "WrongPIN"


class PaymentType(StrEnum):
    NORMAL = "Normal"
    REFUND = "Refund"


class DocumentQualifier(StrEnum):
    CASHIER_RECEIPT = "CashierReceipt"  # the merchant's copy
    CUSTOMER_RECEIPT = "CustomerReceipt"
    SALE_RECEIPT = "SaleReceipt"
    JOURNAL = "Journal"
    DOCUMENT = "Document"
    VOUCHER = "Voucher"


class GlobalStatus(StrEnum):
    OK = "OK"
    BUSY = "Busy"
    MAINTENANCE = "Maintenance"
    UNREACHABLE = "Unreachable"


_WORDS = {"id": "ID", "poi": "POI", "ok": "OK"}


def wire_name(field: str) -> str:
    """poi_transaction_id -> POITransactionID: the nexo spelling of a Python field name."""
    return "".join(_WORDS.get(w, w.capitalize()) for w in field.split("_"))


Text = Annotated[str, Field(min_length=1, max_length=200)]
ServiceId = Annotated[str, Field(min_length=1, max_length=10)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Positive = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=6)]
NonNegative = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=6)]


class _Model(BaseModel):
    # Terminals add vendor fields: unknown ones are ignored, known ones are validated.
    model_config = ConfigDict(
        extra="ignore", frozen=True, alias_generator=wire_name, populate_by_name=True
    )


class MessageHeader(_Model):
    protocol_version: str | None = PROTOCOL_VERSION
    message_class: MessageClass = MessageClass.SERVICE
    message_category: MessageCategory
    message_type: MessageType
    service_id: ServiceId | None = None
    sale_id: Text
    poi_id: Text


class TransactionIdentification(_Model):
    transaction_id: Text
    time_stamp: AwareDatetime | None = None


class SaleData(_Model):
    sale_transaction_id: TransactionIdentification
    operator_id: Text | None = None


class AmountsReq(_Model):
    currency: CurrencyCode
    requested_amount: Positive


class OriginalPOITransaction(_Model):
    sale_id: Text | None = None
    poi_id: Text | None = None
    poi_transaction_id: TransactionIdentification | None = None


class PaymentTransaction(_Model):
    amounts_req: AmountsReq
    original_poi_transaction: OriginalPOITransaction | None = None


class PaymentData(_Model):
    payment_type: PaymentType = PaymentType.NORMAL


class PaymentRequest(_Model):
    sale_data: SaleData
    payment_transaction: PaymentTransaction
    payment_data: PaymentData | None = None

    @property
    def payment_type(self) -> PaymentType:
        return self.payment_data.payment_type if self.payment_data else PaymentType.NORMAL


class Response(_Model):
    result: Result
    error_condition: ErrorCondition | None = None
    additional_response: str | None = Field(default=None, max_length=4000)


class AmountsResp(_Model):
    currency: CurrencyCode
    authorized_amount: NonNegative


class CardData(_Model):
    payment_brand: Text | None = None
    masked_pan: Text | None = None


class PaymentInstrumentData(_Model):
    payment_instrument_type: str = "Card"
    card_data: CardData | None = None


class PaymentResult(_Model):
    payment_type: PaymentType | None = None
    payment_instrument_data: PaymentInstrumentData | None = None
    amounts_resp: AmountsResp | None = None


class OutputText(_Model):
    text: str = Field(max_length=200)


class OutputContent(_Model):
    output_format: str = "Text"
    output_text: tuple[OutputText, ...] = ()


class PaymentReceipt(_Model):
    document_qualifier: DocumentQualifier
    required_signature_flag: bool = False
    output_content: OutputContent

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.output_content.output_text)


class POIData(_Model):
    poi_transaction_id: TransactionIdentification
    poi_reconciliation_id: str | None = None


class PaymentResponse(_Model):
    response: Response
    sale_data: SaleData
    poi_data: POIData | None = None
    payment_result: PaymentResult | None = None
    payment_receipt: tuple[PaymentReceipt, ...] = ()

    @model_validator(mode="after")
    def _approved_needs_amounts(self) -> PaymentResponse:
        if self.response.result is not Result.FAILURE:
            if self.poi_data is None:
                raise ValueError("an approved payment needs POIData.POITransactionID")
            if self.payment_result is None or self.payment_result.amounts_resp is None:
                raise ValueError("an approved payment needs PaymentResult.AmountsResp")
        return self


class MessageReference(_Model):
    message_category: MessageCategory
    service_id: ServiceId
    sale_id: Text | None = None
    poi_id: Text | None = None


class TransactionStatusRequest(_Model):
    message_reference: MessageReference


class ReversalRequest(_Model):
    original_poi_transaction: OriginalPOITransaction
    reversal_reason: str = "MerchantCancel"
    reversed_amount: NonNegative | None = None
    sale_data: SaleData | None = None


class ReversalResponse(_Model):
    response: Response
    poi_data: POIData | None = None
    original_poi_transaction: OriginalPOITransaction | None = None
    reversed_amount: NonNegative | None = None
    payment_receipt: tuple[PaymentReceipt, ...] = ()


class RepeatedResponseMessageBody(_Model):
    payment_response: PaymentResponse | None = None
    reversal_response: ReversalResponse | None = None


class RepeatedMessageResponse(_Model):
    message_header: MessageHeader
    repeated_response_message_body: RepeatedResponseMessageBody


class TransactionStatusResponse(_Model):
    response: Response
    message_reference: MessageReference | None = None
    repeated_message_response: RepeatedMessageResponse | None = None

    @model_validator(mode="after")
    def _success_repeats_the_answer(self) -> TransactionStatusResponse:
        if self.response.result is Result.SUCCESS and self.repeated_message_response is None:
            raise ValueError("a successful status answer needs RepeatedMessageResponse")
        return self


class DiagnosisRequest(_Model):
    poi_id: Text | None = None
    host_diagnosis_flag: bool = False


class POIStatus(_Model):
    global_status: GlobalStatus
    communication_ok_flag: bool | None = None
    printer_status: str | None = None


class DiagnosisResponse(_Model):
    response: Response
    poi_status: POIStatus | None = None


# Which body goes with which category, for requests and responses (Python field names).
_BODIES: dict[MessageCategory, str] = {
    MessageCategory.PAYMENT: "payment",
    MessageCategory.TRANSACTION_STATUS: "transaction_status",
    MessageCategory.REVERSAL: "reversal",
    MessageCategory.DIAGNOSIS: "diagnosis",
}


class SaleToPOIRequest(_Model):
    message_header: MessageHeader
    payment_request: PaymentRequest | None = None
    transaction_status_request: TransactionStatusRequest | None = None
    reversal_request: ReversalRequest | None = None
    diagnosis_request: DiagnosisRequest | None = None

    @model_validator(mode="after")
    def _one_body_matching_the_header(self) -> SaleToPOIRequest:
        _check_body(self, self.message_header, MessageType.REQUEST)
        return self


class SaleToPOIResponse(_Model):
    message_header: MessageHeader
    payment_response: PaymentResponse | None = None
    transaction_status_response: TransactionStatusResponse | None = None
    reversal_response: ReversalResponse | None = None
    diagnosis_response: DiagnosisResponse | None = None

    @model_validator(mode="after")
    def _one_body_matching_the_header(self) -> SaleToPOIResponse:
        _check_body(self, self.message_header, MessageType.RESPONSE)
        return self


def _check_body(message: BaseModel, header: MessageHeader, kind: MessageType) -> None:
    if header.message_type is not kind:
        raise ValueError(f"MessageType is {header.message_type.value}, expected {kind.value}")
    suffix = "_request" if kind is MessageType.REQUEST else "_response"
    present = [wire_name(b + suffix) for b in _BODIES.values() if getattr(message, b + suffix)]
    expected = wire_name(_BODIES[header.message_category] + suffix)
    if present != [expected]:
        raise ValueError(
            f"a {header.message_category.value} {kind.value.lower()} carries exactly one "
            f"{expected}; found {', '.join(present) or 'none'}"
        )


# ---------------------------------------------------------------------------- wire encoding


def _json(value: Any) -> str:
    """JSON text with Decimal amounts as plain JSON numbers (never through float)."""
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return json.dumps(value.isoformat())
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} in a nexo message")


def encode(message: SaleToPOIRequest | SaleToPOIResponse) -> bytes:
    envelope = type(message).__name__
    data = message.model_dump(mode="python", by_alias=True, exclude_none=True)
    return _json({envelope: data}).encode("utf-8")


def _short(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "message"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _load(raw: bytes, envelope: str) -> object:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise NexoFormatError(f"the message is {len(raw)} bytes, more than a nexo message can be")
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        preview = raw[:40].decode("utf-8", "replace")
        raise NexoFormatError(f"not JSON ({exc.__class__.__name__}: {preview!r})") from None
    if not isinstance(data, dict) or envelope not in data:
        raise NexoFormatError(f"a JSON message without {envelope}")
    return data[envelope]


def decode_request(raw: bytes) -> SaleToPOIRequest:
    body = _load(raw, "SaleToPOIRequest")
    try:
        return SaleToPOIRequest.model_validate(body)
    except ValidationError as exc:
        raise NexoFormatError(f"invalid SaleToPOIRequest: {_short(exc)}") from None


def decode_response(
    raw: bytes, category: MessageCategory, service_id: str | None = None
) -> SaleToPOIResponse:
    """Parse an answer and check it answers *this* request (category and ServiceID)."""
    body = _load(raw, "SaleToPOIResponse")
    try:
        message = SaleToPOIResponse.model_validate(body)
    except ValidationError as exc:
        raise NexoFormatError(f"invalid SaleToPOIResponse: {_short(exc)}") from None
    header = message.message_header
    if header.message_category is not category:
        raise NexoFormatError(
            f"asked for {category.value}, the answer is about {header.message_category.value}"
        )
    if service_id is not None and header.service_id != service_id:
        raise NexoFormatError(
            f"the answer is for ServiceID {header.service_id!r}, not {service_id!r}"
        )
    return message


# ---------------------------------------------------------------------------- small builders


def receipt(
    qualifier: DocumentQualifier, lines: list[str], signature: bool = False
) -> PaymentReceipt:
    return PaymentReceipt(
        document_qualifier=qualifier,
        required_signature_flag=signature,
        output_content=OutputContent(output_text=tuple(OutputText(text=line) for line in lines)),
    )


def failure(condition: ErrorCondition, detail: str = "") -> Response:
    """A Failure result; the detail travels URL-encoded in AdditionalResponse as on Adyen."""
    additional = f"message={quote(detail)}" if detail else None
    return Response(
        result=Result.FAILURE, error_condition=condition, additional_response=additional
    )


def detail_of(response: Response) -> str:
    """The human part of AdditionalResponse (`message=...` or `refusalReason=...`), if any."""
    for part in (response.additional_response or "").split("&"):
        key, _, value = part.partition("=")
        if key in ("refusalReason", "message") and value:
            return unquote(value)
    return ""
