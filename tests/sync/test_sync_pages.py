"""The fast change-page reader says exactly what ChangesPage says: same values for valid
pages (also those only the models' slow path reads), a ValidationError for every invalid one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from local_db.master_apply import MasterItem
from sync.pages import parse_changes_page
from sync.protocol import ChangesPage

EPOCH = "0123456789abcdef0123456789abcdef"


def page(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "store_id": "S1", "epoch": EPOCH, "next_cursor": f"{EPOCH}.3", "has_more": False,
        "high_water": 3,
        "items": [
            {"version": 1, "entity": "product", "key": "P1", "op": "upsert",
             "data": {"item_id": "P1", "name": "Tea", "base_price": "1.20", "barcodes": []}},
            {"version": 2, "entity": "barcode", "key": "S1|123", "op": "delete", "data": None},
            {"version": 3, "entity": "customer", "key": "C 1", "op": "upsert",
             "data": {"customer_id": "C1", "name": "Zoë", "n": 1.5, "big": 10**30}},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def as_models(body: bytes) -> list[MasterItem]:
    parsed = ChangesPage.model_validate_json(body)
    return [MasterItem(c.version, c.entity, c.key, c.op.value, c.data) for c in parsed.items]


def item(**changes: Any) -> dict[str, Any]:
    return page(items=[{**page()["items"][0], **changes}])


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(page()).encode(),
        json.dumps(page(), ensure_ascii=False).encode(),
        json.dumps(page(items=[])).encode(),
        # only the models' path reads these (escaped emoji, a lax boolean); same result
        json.dumps(item(data={"name": "\U0001f600"})).encode(),
        json.dumps(page(has_more="true")).encode(),
        json.dumps(page(high_water="3")).encode(),
        json.dumps(item(key="S1|é 1", data={"d": "line\nbreak\t"})).encode(),  # escapes
    ],
)
def test_valid_pages_read_the_same(body: bytes) -> None:
    fast = parse_changes_page(body)
    reference = ChangesPage.model_validate_json(body)
    assert fast.items == as_models(body)
    assert (fast.store_id, fast.epoch, fast.next_cursor, fast.has_more, fast.high_water) == (
        reference.store_id, reference.epoch, reference.next_cursor, reference.has_more,
        reference.high_water,
    )  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        b"<html>proxy error</html>",
        json.dumps(page()).encode()[:-40],  # cut short
        json.dumps(page()).encode("utf-16"),
        json.dumps(page(extra=1)).encode(),
        json.dumps(page(store_id="bad id")).encode(),
        json.dumps(page(epoch="XYZ")).encode(),
        json.dumps(item(version=1.0)).encode(),
        json.dumps(item(version="1")).encode(),
        json.dumps(item(version=0)).encode(),
        json.dumps(item(entity="Product")).encode(),
        json.dumps(item(key="")).encode(),
        json.dumps(item(key="a\x01b")).encode(),
        json.dumps(item(key="x" * 201)).encode(),
        json.dumps(item(op="replace")).encode(),
        json.dumps(item(data=None)).encode(),
        json.dumps(item(op="delete")).encode(),
        json.dumps(item(data=[1])).encode(),
        json.dumps(item(more=1)).encode(),
        json.dumps(item(key="\ud800")).encode(),
        json.dumps(item(entity=["product"])).encode(),
        json.dumps(item(entity={"product": 1})).encode(),
        json.dumps(item(key=["P1"])).encode(),
        json.dumps(item(key="a\nb", data={"d": "x"})).encode(),
    ],
)
def test_invalid_pages_are_refused_like_the_models_refuse_them(body: bytes) -> None:
    with pytest.raises(ValidationError):
        ChangesPage.model_validate_json(body)
    with pytest.raises(ValidationError):
        parse_changes_page(body)
