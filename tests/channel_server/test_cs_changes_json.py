"""The served change-log page (stored data texts spliced in, channel_server.changes_read) is
the page `read_changes` builds with the models, for plain rows and for the odd ones."""

from __future__ import annotations

import json

from cs_support import LiveServer

from channel_server.changes_read import read_changes_json
from channel_server.master_data import MasterChange, apply_changes, read_changes
from sync.pages import parse_changes_page
from sync.protocol import ChangesPage


def test_the_json_page_is_the_models_page(live: LiveServer) -> None:
    token, _ = live.activate("S1", "R1")
    odd = {
        "item_id": "Q", "name": 'Käse "Alpen" \\ 🧀\u2028', "nested": {"b": [1, 2.5, None]},
        "weird": float("nan"),  # json.dumps stores NaN; the models serve it as null
    }  # fmt: skip
    with live.db.write() as session:
        apply_changes(session, [
            MasterChange("product", "A", {"item_id": "A", "name": "Apple", "price": "1.00"}),
            MasterChange("product", 'S1|"quoted" \\ key', {"item_id": "x", "name": "n"}),
            MasterChange("product", "Q", odd),
            MasterChange("product", "Ümlaut", {"name": "ü"}),
            MasterChange("category", "C", {"category_id": "C", "name": "Fruit"}),
        ], stores=["S1"])  # fmt: skip
        apply_changes(session, [MasterChange("category", "C", None)], stores=["S1"])
    since = None
    for limit in (2, 2, 2, 2):  # three pages of two, one empty after the end
        with live.db.read() as session:
            body = read_changes_json(session, "S1", since, limit)
            model = read_changes(session, "S1", since, limit)
        page = ChangesPage.model_validate_json(body)
        assert body == model.model_dump_json().encode()  # byte for byte
        assert json.loads(body) == json.loads(model.model_dump_json())
        assert (
            parse_changes_page(body).items
            == parse_changes_page(model.model_dump_json().encode()).items
        )
        since = page.next_cursor
    assert not page.has_more and page.items == []

    client = live.client(token)  # the route serves it
    answer = client.get("/v1/changes", params={"limit": 10})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    served = ChangesPage.model_validate_json(answer.content)
    assert [c.key for c in served.items] == [
        "A", 'S1|"quoted" \\ key', "Q", "Ümlaut", "C",
    ]  # fmt: skip
    assert served.items[2].data == {**odd, "weird": None}
    assert served.items[4].op.value == "delete" and served.items[4].data is None
