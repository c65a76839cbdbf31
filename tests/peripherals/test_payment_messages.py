"""nexo messages: the wire shape, Decimal amounts, and every kind of unusable answer refused
with a clear NexoFormatError (never a crash, never a wrong amount acted on)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from peripherals import payment_messages as nexo
from peripherals.payment_nexo import (
    Parties,
    StillUnknown,
    payment_message,
    payment_outcome,
    service_id_for,
    status_verdict,
)
from runtime.ports import PaymentRequest, PaymentStatus

PARTIES = Parties("R1", "POI1")
REQUEST = PaymentRequest("sale-0001", Decimal("12.50"), "EUR")


def _approved(
    sale_tx: str = "sale-0001",
    amount: str = "12.50",
    currency: str = "EUR",
    result: nexo.Result = nexo.Result.SUCCESS,
) -> nexo.PaymentResponse:
    return nexo.PaymentResponse(
        response=nexo.Response(result=result),
        sale_data=nexo.SaleData(
            sale_transaction_id=nexo.TransactionIdentification(transaction_id=sale_tx)
        ),
        poi_data=nexo.POIData(
            poi_transaction_id=nexo.TransactionIdentification(transaction_id="POI-77")
        ),
        payment_result=nexo.PaymentResult(
            payment_instrument_data=nexo.PaymentInstrumentData(
                card_data=nexo.CardData(payment_brand="MC")
            ),
            amounts_resp=nexo.AmountsResp(currency=currency, authorized_amount=Decimal(amount)),
        ),
        payment_receipt=(
            nexo.receipt(nexo.DocumentQualifier.CUSTOMER_RECEIPT, ["CARD", "APPROVED"]),
        ),
    )


def _response_bytes(body: nexo.PaymentResponse, service_id: str = "S1") -> bytes:
    header = nexo.MessageHeader(
        message_category=nexo.MessageCategory.PAYMENT,
        message_type=nexo.MessageType.RESPONSE,
        service_id=service_id,
        sale_id="R1",
        poi_id="POI1",
    )
    return nexo.encode(nexo.SaleToPOIResponse(message_header=header, payment_response=body))


def test_a_payment_request_uses_the_nexo_field_names_and_json_number_amounts() -> None:
    message = payment_message(PARTIES, REQUEST, "ABC123")
    raw = nexo.encode(message)
    data = json.loads(raw, parse_float=Decimal)["SaleToPOIRequest"]
    header = data["MessageHeader"]
    assert (header["MessageCategory"], header["MessageType"], header["ServiceID"]) == (
        "Payment",
        "Request",
        "ABC123",
    )
    assert (header["SaleID"], header["POIID"], header["ProtocolVersion"]) == ("R1", "POI1", "3.0")
    body = data["PaymentRequest"]
    assert body["SaleData"]["SaleTransactionID"]["TransactionID"] == "sale-0001"
    assert body["PaymentTransaction"]["AmountsReq"] == {
        "Currency": "EUR",
        "RequestedAmount": Decimal("12.50"),
    }
    assert b'"RequestedAmount":12.50' in raw  # a JSON number, exactly as given: no float
    assert nexo.decode_request(raw) == message


def test_a_refund_is_a_payment_of_type_refund_naming_the_original() -> None:
    message = payment_message(PARTIES, REQUEST, "X", refund=True, refund_of="POI-9")
    body = json.loads(nexo.encode(message))["SaleToPOIRequest"]["PaymentRequest"]
    assert body["PaymentData"] == {"PaymentType": "Refund"}
    original = body["PaymentTransaction"]["OriginalPOITransaction"]
    assert original["POITransactionID"]["TransactionID"] == "POI-9"


def test_service_ids_are_short_stable_and_distinct_per_exchange() -> None:
    first = service_id_for("payment", "4f1c-uuid")
    assert first == service_id_for("payment", "4f1c-uuid")  # the same after a restart
    assert 1 <= len(first) <= 10
    assert first != service_id_for("reversal", "4f1c-uuid")
    assert first != service_id_for("payment", "4f1c-uuie")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\x15NAK <html>", "not JSON"),
        (b"[1, 2, 3]", "without SaleToPOIResponse"),
        (b'{"SaleToPOIResponse": {"MessageHeader": {}}}', "MessageHeader.MessageCategory"),
        (b"x" * (nexo.MAX_MESSAGE_BYTES + 1), "more than a nexo message"),
    ],
)
def test_garbage_answers_are_refused_with_a_clear_message(raw: bytes, expected: str) -> None:
    with pytest.raises(nexo.NexoFormatError, match=expected):
        nexo.decode_response(raw, nexo.MessageCategory.PAYMENT)


def test_an_answer_to_another_message_is_refused() -> None:
    raw = _response_bytes(_approved(), service_id="OTHER")
    with pytest.raises(nexo.NexoFormatError, match="ServiceID 'OTHER'"):
        nexo.decode_response(raw, nexo.MessageCategory.PAYMENT, "MINE")
    with pytest.raises(nexo.NexoFormatError, match="asked for Reversal"):
        nexo.decode_response(raw, nexo.MessageCategory.REVERSAL)
    assert nexo.decode_response(raw, nexo.MessageCategory.PAYMENT, "OTHER").payment_response


def test_an_approval_without_its_amounts_or_with_two_bodies_is_refused() -> None:
    data = json.loads(_response_bytes(_approved()), parse_float=Decimal)
    del data["SaleToPOIResponse"]["PaymentResponse"]["PaymentResult"]
    with pytest.raises(nexo.NexoFormatError, match="needs PaymentResult.AmountsResp"):
        nexo.decode_response(json.dumps(data, default=str).encode(), nexo.MessageCategory.PAYMENT)
    data = json.loads(_response_bytes(_approved()))
    data["SaleToPOIResponse"]["DiagnosisResponse"] = {"Response": {"Result": "Success"}}
    with pytest.raises(nexo.NexoFormatError, match="exactly one PaymentResponse"):
        nexo.decode_response(json.dumps(data).encode(), nexo.MessageCategory.PAYMENT)
    data = json.loads(_response_bytes(_approved()))
    data["SaleToPOIResponse"]["PaymentResponse"]["PaymentResult"]["AmountsResp"][
        "AuthorizedAmount"
    ] = -5
    with pytest.raises(nexo.NexoFormatError, match="AuthorizedAmount"):
        nexo.decode_response(json.dumps(data).encode(), nexo.MessageCategory.PAYMENT)


def test_unknown_vendor_fields_are_ignored() -> None:
    data = json.loads(_response_bytes(_approved()))
    data["SaleToPOIResponse"]["PaymentResponse"]["VendorExtra"] = {"anything": [1, 2]}
    message = nexo.decode_response(json.dumps(data).encode(), nexo.MessageCategory.PAYMENT)
    assert message.payment_response is not None


def test_an_approval_becomes_an_outcome_with_reference_brand_and_receipt() -> None:
    result = payment_outcome("sale-0001", _approved(), Decimal("12.50"), "EUR")
    outcome = result.outcome
    assert (outcome.status, outcome.approved_amount, outcome.reference, outcome.card_brand) == (
        PaymentStatus.APPROVED,
        Decimal("12.50"),
        "POI-77",
        "MC",
    )
    assert result.receipt_lines("customer") == ("CARD", "APPROVED")
    assert result.receipt_lines("merchant") == ()


def test_less_than_asked_is_a_partial_approval() -> None:
    result = payment_outcome("sale-0001", _approved(amount="5.00"), Decimal("12.50"), "EUR")
    assert (result.status, result.outcome.approved_amount) == (
        PaymentStatus.PARTIAL,
        Decimal("5.00"),
    )
    assert "5.00 of 12.50" in result.outcome.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_approved(sale_tx="someone-else"), "sale transaction 'someone-else'"),
        (_approved(currency="USD"), "approved USD"),
        (_approved(amount="99.00"), "more than the 12.50"),
    ],
)
def test_an_answer_that_contradicts_the_request_is_refused(
    body: nexo.PaymentResponse, expected: str
) -> None:
    with pytest.raises(nexo.NexoFormatError, match=expected):
        payment_outcome("sale-0001", body, Decimal("12.50"), "EUR")


def test_a_refusal_reason_travels_url_encoded_and_comes_back_readable() -> None:
    declined = nexo.PaymentResponse(
        response=nexo.Response(
            result=nexo.Result.FAILURE,
            error_condition=nexo.ErrorCondition.REFUSAL,
            additional_response="refusalReason=NOT%20ENOUGH%20BALANCE&tid=1",
        ),
        sale_data=_approved().sale_data,
    )
    result = payment_outcome("sale-0001", declined, Decimal("12.50"), "EUR")
    assert result.status is PaymentStatus.DECLINED
    assert result.outcome.message == "NOT ENOUGH BALANCE (Refusal)"


def test_status_answers_not_found_and_in_progress() -> None:
    not_found = nexo.TransactionStatusResponse(
        response=nexo.failure(nexo.ErrorCondition.NOT_FOUND, "no such transaction")
    )
    verdict = status_verdict("r", nexo.MessageCategory.PAYMENT, not_found, None, None)
    assert not isinstance(verdict, StillUnknown)
    assert verdict.status is PaymentStatus.DECLINED
    assert "nothing was charged" in verdict.outcome.message
    busy = nexo.TransactionStatusResponse(response=nexo.failure(nexo.ErrorCondition.IN_PROGRESS))
    assert isinstance(
        status_verdict("r", nexo.MessageCategory.PAYMENT, busy, None, None), StillUnknown
    )
    with pytest.raises(ValueError, match="needs RepeatedMessageResponse"):
        nexo.TransactionStatusResponse(response=nexo.Response(result=nexo.Result.SUCCESS))
