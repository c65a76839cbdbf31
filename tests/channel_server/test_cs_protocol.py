"""The wire protocol's own rules, without a server: strict models, cursors, item categories and
the digest fold that register and server share."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from sync.protocol import (
    Change,
    CustomerRecord,
    OnHand,
    PushBatch,
    PushResponse,
    build_digest,
    business_day_bounds,
    compare_digests,
    item_category,
    make_cursor,
    parse_cursor,
    sale_facts,
)

ITEM = {
    "device_seq": 1,
    "mutation_id": "m1",
    "kind": "sale",
    "payload": "{}",
    "payload_sha256": "0" * 64,
    "created_at": "2025-03-14T10:00:00+01:00",
}


def test_models_are_strict() -> None:
    batch = PushBatch.model_validate({"protocol_version": 1, "device_id": "d", "items": [ITEM]})
    assert batch.items[0].created_at == dt.datetime(2025, 3, 14, 9, tzinfo=dt.UTC)
    bad = [
        {**ITEM, "extra": 1},  # unknown field
        {**ITEM, "device_seq": "1"},  # a string for an integer
        {**ITEM, "device_seq": 0},
        {**ITEM, "created_at": "2025-03-14T10:00:00"},  # no timezone
        {**ITEM, "payload_sha256": "ABC"},
        {**ITEM, "kind": "Sale!"},
        {**ITEM, "payload": "\x00{}"},
        {**ITEM, "payload": "{\"a\": \"\ud800\"}"},  # a lone surrogate no database can store
    ]
    for item in bad:
        with pytest.raises(ValidationError):
            PushBatch.model_validate({"protocol_version": 1, "device_id": "d", "items": [item]})
    with pytest.raises(ValidationError):
        PushBatch.model_validate({"protocol_version": 1, "device_id": "d", "items": []})
    with pytest.raises(ValidationError):
        OnHand(store_id="S", item_id="A", quantity=1.5, updated_at=dt.datetime.now(dt.UTC))
    with pytest.raises(ValidationError):
        Change(version=1, entity="product", key="A", op="delete", data={"x": 1})
    with pytest.raises(ValidationError):
        CustomerRecord.model_validate({"customer_id": "C", "name": "N", "blocked": "no"})


def test_cursors_and_categories() -> None:
    epoch = "0123456789abcdef0123456789abcdef"
    assert parse_cursor(make_cursor(epoch, 42)) == (epoch, 42)
    for garbage in (
        "",
        "42",
        f"{epoch}.",
        f"{epoch}.-1",
        f"{epoch.upper()}.1",
        "x.1",
        f"{epoch}.1e3",
    ):
        assert parse_cursor(garbage) is None, garbage
    assert [item_category(k) for k in ("sale", "void", "shift_close", "drawer_safe_drop")] == [
        "transaction",
        "transaction",
        "shift_event",
        "drawer_operation",
    ]
    assert item_category("customer_created") == "customer_created"
    assert item_category("refund") is None


def test_acknowledged_through_skips_the_conflict() -> None:
    answer = PushResponse.model_validate(
        {
            "device_id": "d",
            "last_seq": 6,
            "results": [
                {"device_seq": 5, "status": "duplicate", "original_status": "applied"},
                {"device_seq": 6, "status": "quarantined", "reason": "x"},
                {"device_seq": 7, "status": "conflict"},
            ],
            "error": {"code": "payload_conflict", "message": "m"},
        }
    )
    assert answer.acknowledged_through() == 6


def _sale(total: str, tenders: list[tuple[str, str, str]]) -> str:
    return json.dumps(
        {
            "totals": {"total": total},
            "tenders": [{"tender_type_id": t, "amount": a, "status": s} for t, a, s in tenders],
        }
    )


def test_the_digest_fold_and_comparison() -> None:
    assert sale_facts("void", _sale("1", [])) is None
    assert sale_facts("sale", "not json") is None
    facts = sale_facts(
        "sale",
        _sale("10.00", [("card", "4.00", "declined"), ("cash", "20.00", "approved"),
                        ("cash", "-10.00", "approved")]),
    )  # fmt: skip
    assert facts == (Decimal("10.00"), {"cash": Decimal("10.00")})
    day = dt.date(2025, 3, 14)
    local = build_digest("S1", "R1", day, "UTC", [(1, "shift_open", None, None),
                                                   (2, "sale", *facts)])  # fmt: skip
    assert local.counts == {"shift_open": 1, "sale": 1} and local.max_seq == 2
    assert compare_digests(local, local) == []
    remote = build_digest("S1", "R1", day, "UTC", [(1, "shift_open", None, None)])
    problems = compare_digests(local, remote)
    assert "sale: 1 on the register, 0 on the server" in problems
    assert any(p.startswith("tender cash: 10.00") for p in problems)
    assert any(p.startswith("last seq: 2 here, 1") for p in problems)


def test_business_days_follow_the_stores_timezone() -> None:
    start, end = business_day_bounds(dt.date(2025, 3, 30), "Europe/Berlin")  # clocks go forward
    assert start == dt.datetime(2025, 3, 29, 23, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=23)
    with pytest.raises(ValueError, match="unknown timezone"):
        business_day_bounds(dt.date(2025, 3, 30), "Mars/Olympus")
    with pytest.raises(ValueError, match="out of range"):
        business_day_bounds(dt.date.max, "UTC")
