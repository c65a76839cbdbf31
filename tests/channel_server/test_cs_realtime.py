"""Real-time endpoints: customers (search, idempotent create, offline-created customers),
transactions for returns from another store, on-hand stock set by the importer and moved by
sales."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from cs_support import LiveServer, RegisterSim

from channel_server.master_data import read_changes
from channel_server.realtime import set_on_hand
from sync.protocol import CustomerRecord

ANN = {"customer_id": "C100", "name": "Ann Example", "email": "ann@example.org", "phone": "0301"}


def test_customers_are_created_once_and_found_by_name_phone_email_or_id(live: LiveServer) -> None:
    token, _ = live.activate()
    client = live.client(token)
    created = client.post("/v1/customers", json=ANN)
    assert created.status_code == 201
    assert CustomerRecord.model_validate(created.json()).price_groups == []
    replay = client.post("/v1/customers", json=ANN)  # the answer was lost: same request again
    assert replay.status_code == 200 and replay.json() == created.json()
    clash = client.post("/v1/customers", json={**ANN, "name": "Someone Else"})
    assert clash.status_code == 409 and clash.json()["code"] == "conflict"
    client.post("/v1/customers", json={"customer_id": "C200", "name": "Bob 100%"})
    for query, expected in [
        ("ann", ["C100"]),
        ("ANN EX", ["C100"]),
        ("030", ["C100"]),
        ("ann@", ["C100"]),
        ("C200", ["C200"]),
        ("bob 100%", ["C200"]),
        ("%", []),  # a wildcard is a character, not "everything"
        ("zed", []),
    ]:
        found = client.get("/v1/customers", params={"q": query}).json()["items"]
        assert [c["customer_id"] for c in found] == expected, query
    with live.db.read() as session:  # registers learn new customers through the change log
        page = read_changes(session, "S1", None, 10)
    assert [(c.entity, c.key) for c in page.items] == [("customer", "C100"), ("customer", "C200")]


def test_a_customer_created_offline_arrives_in_the_outbox(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    client = live.client(token)
    client.post("/v1/customers", json={"customer_id": "C9", "name": "Taken"})
    items = [
        reg.item("customer_created", {**ANN, "customer_id": "C7"}, journal=False),
        reg.item("customer_created", {"customer_id": "C9", "name": "Other"}, journal=False),
        reg.item("customer_created", {"customer_id": "C8"}, journal=False),
    ]
    answer = client.post("/v1/push", json=reg.batch(items)).json()
    assert [r["status"] for r in answer["results"]] == ["applied", "quarantined", "quarantined"]
    assert "already exists" in answer["results"][1]["reason"]
    assert "name: Field required" in answer["results"][2]["reason"]
    assert client.get("/v1/customers", params={"q": "C7"}).json()["items"][0]["name"] == (
        "Ann Example"
    )


def test_a_return_finds_a_sale_from_another_store(live: LiveServer) -> None:
    token_s1, device_s1 = live.activate("S1", "R1")
    token_s2, _ = live.activate("S2", "R4")
    reg = RegisterSim(device_s1)
    sale = reg.sale([("A1", Decimal("3"), Decimal("1.10"))])
    assert live.client(token_s1).post("/v1/push", json=reg.batch([sale])).status_code == 200
    found = live.client(token_s2).get("/v1/transactions", params={"receipt_number": "S1-R1-000001"})
    assert found.status_code == 200
    (record,) = found.json()["items"]
    assert (record["store_id"], record["register_id"], record["kind"]) == ("S1", "R1", "sale")
    assert record["payload"] == sale["payload"]
    none = live.client(token_s2).get("/v1/transactions", params={"receipt_number": "nope"})
    assert none.json() == {"items": []}


def test_on_hand_is_set_by_the_importer_and_moved_by_sales(live: LiveServer) -> None:
    token, device = live.activate("S1", "R1")
    live.activate("S2", "R1")
    with live.db.write() as session:
        set_on_hand(session, "S1", {"A1": Decimal("10"), "KG": Decimal("5.250")})
        set_on_hand(session, "S2", {"A1": Decimal("4")})
    reg = RegisterSim(device)
    sales = [
        reg.sale([("A1", Decimal("2"), Decimal("1")), ("KG", Decimal("0.375"), Decimal("9"))]),
        reg.sale([("A1", Decimal("1"), Decimal("1"))]),
    ]
    client = live.client(token)
    assert client.post("/v1/push", json=reg.batch(sales)).status_code == 200
    a1 = client.get("/v1/inventory", params={"item_id": "A1"}).json()["stores"]
    assert [(s["store_id"], s["quantity"]) for s in a1] == [("S1", "7.000"), ("S2", "4.000")]
    kg = client.get("/v1/inventory", params={"item_id": "KG", "store_id": "S1"}).json()
    assert kg["stores"][0]["quantity"] == "4.875"
    with live.db.write() as session:  # a stock count replaces the figure
        set_on_hand(session, "S1", {"A1": Decimal("20")})
    a1 = client.get("/v1/inventory", params={"item_id": "A1", "store_id": "S1"}).json()
    assert a1["stores"][0]["quantity"] == "20.000"


def test_registers_racing_to_create_one_customer_get_one_row(live: LiveServer) -> None:
    token, _ = live.activate()

    def create(_: int) -> int:
        with live.client(token) as client:
            return client.post("/v1/customers", json={**ANN, "customer_id": "RACE"}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(create, range(8), timeout=60))
    assert statuses == [200] * 7 + [201]
    found = live.client(token).get("/v1/customers", params={"q": "RACE"}).json()["items"]
    assert len(found) == 1
