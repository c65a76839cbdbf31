"""Transactions to and from JSON-able dicts; canonical JSON and its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from runtime.codec import (
    canonical_json,
    header_to_dict,
    line_from_dict,
    line_to_dict,
    sha256_hex,
    transaction_from_dict,
    transaction_from_parts,
    transaction_to_dict,
)
from runtime.operations import (
    AddLine,
    AddTender,
    CommentLine,
    Conclude,
    SetTaxExempt,
    TenderCard,
    VoidLine,
)
from runtime.ports import PaymentOutcome, PaymentStatus
from runtime.transaction import TenderStatus, Transaction
from tests.runtime.fakes import (
    COLA_PK6_EAN,
    SHIRT_EAN,
    DiscountPricing,
    ScriptedTerminal,
    make_runtime,
    ok,
)

D = Decimal


def complex_sale() -> Transaction:
    """Variants, a pack unit, a weighed item, a serial, a voided line, a discount, tax exemption,
    a declined and an approved card, foreign currency and change."""
    declined = PaymentOutcome(PaymentStatus.DECLINED, message="declined")
    rt, _ = make_runtime(
        pricing=DiscountPricing("BREAD", D("0.25"), "Day-old"),
        terminal=ScriptedTerminal(declined),
    )
    ok(rt.add_line(AddLine(barcode=SHIRT_EAN)))
    ok(rt.add_line(AddLine(item_id="SHIRT-L-BLUE")))
    ok(rt.add_line(AddLine(barcode=COLA_PK6_EAN, quantity=D("2"))))
    ok(rt.add_line(AddLine(item_id="BANANA", weight=D("1.235"))))
    ok(rt.add_line(AddLine(item_id="PHONE", serial_number="IMEI-35-209900-176148-1")))
    ok(rt.add_line(AddLine(item_id="BREAD")))
    ok(rt.add_line(AddLine(item_id="GIFT", keyed_price=D("2.50"))))
    ok(rt.void_line(VoidLine("L2")))
    ok(rt.comment_line(CommentLine("L1", "Größe prüfen — ok")))
    ok(rt.set_tax_exempt(SetTaxExempt(True, "export")))
    assert ok(rt.tender_card(TenderCard("card", D("50.00")))).status is TenderStatus.DECLINED
    ok(rt.tender_card(TenderCard("card", D("50.00"))))
    ok(rt.add_tender(AddTender("usd", D("200.00"))))
    sale = ok(rt.conclude(Conclude())).transaction
    assert sale.tenders[-1].is_change
    return sale


def test_round_trip_of_a_complex_transaction() -> None:
    sale = complex_sale()
    data = transaction_to_dict(sale)
    back = transaction_from_dict(data)
    assert back == sale
    assert transaction_to_dict(back) == data
    # through real JSON text too
    again = transaction_from_dict(json.loads(canonical_json(data)))
    assert again == sale
    assert again.started_at.tzinfo is not None
    assert again.lines[3].quantity == D("1.235") and str(again.lines[3].quantity) == "1.235"
    assert again.lines[1].voided and again.tax_exempt


def test_round_trip_of_an_open_transaction_from_parts() -> None:
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(item_id="COLA")))
    tx = rt.transaction
    assert tx is not None
    header = json.loads(canonical_json(header_to_dict(tx)))
    lines = [line_from_dict(json.loads(canonical_json(line_to_dict(x)))) for x in tx.lines]
    assert transaction_from_parts(header, lines) == tx


def test_dict_uses_strings_for_decimals_and_utc_z_times() -> None:
    sale = complex_sale()
    data = transaction_to_dict(sale)
    assert data["started_at"] == "2026-11-23T09:30:00Z"
    assert data["ended_at"] == "2026-11-23T09:30:00Z"
    assert data["totals"]["total"] == str(sale.totals.total)
    assert isinstance(data["lines"][0]["quantity"], str)


def test_times_in_other_zones_are_stored_as_utc() -> None:
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(item_id="COLA")))
    assert rt.transaction is not None
    cet = dt.timezone(dt.timedelta(hours=1))
    local = replace(rt.transaction, started_at=dt.datetime(2026, 11, 23, 10, 30, tzinfo=cet))
    assert transaction_to_dict(local)["started_at"] == "2026-11-23T09:30:00Z"
    naive = replace(rt.transaction, started_at=dt.datetime(2026, 11, 23, 10, 30))
    with pytest.raises(ValueError, match="naive"):
        transaction_to_dict(naive)


def test_canonical_json_is_stable() -> None:
    a = {"b": 1, "a": {"y": [1, 2, {"z": None, "c": True}], "x": "é"}}
    b = {"a": {"x": "é", "y": [1, 2, {"c": True, "z": None}]}, "b": 1}
    expected = '{"a":{"x":"é","y":[1,2,{"c":true,"z":null}]},"b":1}'.encode()
    assert canonical_json(a) == canonical_json(b) == expected


def test_canonical_json_of_a_transaction_has_no_whitespace_outside_strings() -> None:
    payload = canonical_json(transaction_to_dict(complex_sale()))
    decoded = json.loads(payload)
    assert canonical_json(decoded) == payload  # a fixed point
    outside_strings = b"".join(payload.split(b'"')[0::2])
    assert b" " not in outside_strings and b"\n" not in outside_strings


def test_sha256_matches_hashlib() -> None:
    payload = canonical_json(transaction_to_dict(complex_sale()))
    assert sha256_hex(payload) == hashlib.sha256(payload).hexdigest()
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    # the same sale hashes the same however its dict was built
    reordered = dict(reversed(list(transaction_to_dict(complex_sale()).items())))
    assert sha256_hex(canonical_json(reordered)) == sha256_hex(payload)
