"""The push protocol over HTTP: apply, duplicates from the stored result, payload conflicts and
gaps as 409, quarantine, ownership, journal-chain alerts, the digest."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from cs_support import NOW, LiveServer, RegisterSim
from sqlalchemy import select

from channel_server.models import AlertRow, ReceivedItemRow, TransactionRow
from sync.protocol import PushResponse


def _push(live: LiveServer, token: str, body: dict) -> tuple[int, PushResponse]:
    answer = live.client(token).post("/v1/push", json=body)
    assert answer.status_code in (200, 409), answer.text
    return answer.status_code, PushResponse.model_validate(answer.json())


def _alerts(live: LiveServer) -> list[tuple[str, int | None, str]]:
    with live.db.read() as session:
        return [
            (a.kind, a.device_seq, a.message)
            for a in session.scalars(select(AlertRow).order_by(AlertRow.alert_id))
        ]


def test_items_apply_in_order_and_a_replay_answers_the_stored_results(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    items = [reg.shift_open(), reg.sale(), reg.sale(tender="card"), reg.sale(voided=True)]
    status, first = _push(live, token, reg.batch(items))
    assert status == 200
    assert [r.status for r in first.results] == ["applied"] * 4
    assert first.last_seq == 4 and first.acknowledged_through() == 4

    status, again = _push(live, token, reg.batch(items))  # the response was lost: resend
    assert status == 200
    assert [(r.status, r.original_status) for r in again.results] == [("duplicate", "applied")] * 4
    with live.db.read() as session:
        assert session.query(ReceivedItemRow).count() == 4
        assert session.query(TransactionRow).count() == 3  # two sales and a void
    assert _alerts(live) == []  # a correctly signed chain raises nothing
    status_now = live.client(token).get("/v1/device").json()
    assert status_now["last_seq"] == 4 and status_now["journal_entry_no"] == 4


def test_a_known_seq_with_another_payload_is_409_and_an_alert(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    items = [reg.sale(), reg.sale()]
    assert _push(live, token, reg.batch(items))[0] == 200
    forged = dict(items[1])
    other = RegisterSim(device)
    other.sale()
    forged_item = other.sale()
    forged.update(payload=forged_item["payload"], payload_sha256=forged_item["payload_sha256"])
    status, answer = _push(live, token, reg.batch([items[0], forged]))
    assert status == 409
    assert answer.error is not None and answer.error.code == "payload_conflict"
    assert [r.status for r in answer.results] == ["duplicate", "conflict"]
    assert answer.acknowledged_through() == 1
    alerts = _alerts(live)
    assert [(kind, seq) for kind, seq, _ in alerts] == [("payload_conflict", 2)]
    with live.db.read() as session:  # the stored item is untouched
        stored = session.get(ReceivedItemRow, (device, 2))
        assert stored is not None and stored.payload_sha256 == items[1]["payload_sha256"]


def test_a_gap_is_409_with_the_expected_seq_and_stores_nothing(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    items = [reg.sale() for _ in range(4)]
    assert _push(live, token, reg.batch(items[:1]))[0] == 200
    status, answer = _push(live, token, reg.batch(items[2:]))
    assert status == 409
    assert answer.error is not None
    assert (answer.error.code, answer.error.expected_seq) == ("seq_gap", 2)
    assert answer.results[0].status == "conflict" and answer.last_seq == 1
    # a batch that overlaps what the server has and goes on is fine
    status, answer = _push(live, token, reg.batch(items))
    assert status == 200
    assert [r.status for r in answer.results] == ["duplicate", "applied", "applied", "applied"]


def test_business_rejections_are_quarantined_with_a_reason_and_the_queue_moves_on(
    live: LiveServer,
) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    good = reg.sale()
    items = [
        good,
        reg.item("sale", {"transaction_id": "x"}, subject="x"),  # not a transaction
        reg.item("teleport", {"register_id": "R1"}),  # a kind protocol 1 does not know
        reg.item("sale", "[1, 2]"),  # not an object
        reg.item("sale", good["payload"], subject=good["subject_id"]),  # the same sale again
        reg.sale(),
    ]
    status, answer = _push(live, token, reg.batch(items))
    assert status == 200
    assert [r.status for r in answer.results] == [
        "applied", "quarantined", "quarantined", "quarantined", "quarantined", "applied",
    ]  # fmt: skip
    reasons = [r.reason or "" for r in answer.results]
    assert "not a readable transaction" in reasons[1]
    assert "unknown kind 'teleport'" in reasons[2]
    assert "not a JSON object" in reasons[3]
    assert "already received as seq 1" in reasons[4]
    again = _push(live, token, reg.batch(items[1:2]))[1].results[0]
    assert (again.status, again.original_status) == ("duplicate", "quarantined")
    assert again.reason == reasons[1]


def test_a_device_uploads_only_its_own_register_and_store(live: LiveServer) -> None:
    token, device = live.activate("S1", "R1")
    _, other_device = live.activate("S2", "R1")
    client = live.client(token)

    other_store = RegisterSim(device, store="S2")
    answer = client.post("/v1/push", json=other_store.batch([other_store.sale()]))
    assert answer.status_code == 403 and "store 'S2'" in answer.json()["message"]

    other_register = RegisterSim(device, register="R7")
    answer = client.post("/v1/push", json=other_register.batch([other_register.sale()]))
    assert answer.status_code == 403 and "register 'R7'" in answer.json()["message"]

    huge = RegisterSim(device, store="X" * 5000)  # named in the message, shortened
    answer = client.post("/v1/push", json=huge.batch([huge.sale()]))
    assert answer.status_code == 403 and len(answer.json()["message"]) < 300

    impostor = RegisterSim(other_device)  # S2's device id with S1's token
    answer = client.post("/v1/push", json=impostor.batch([impostor.shift_open()]))
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert client.get("/v1/device").json()["last_seq"] == 0  # nothing was stored


def test_a_journal_break_is_an_alert_not_a_rejection(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    first, second, third = reg.sale(), reg.sale(), reg.sale()
    # entry 2 was deleted from the register's journal: entry 3 links to a hash we never saw
    second["journal"] = None
    second_alerts_before = len(_alerts(live))
    status, answer = _push(live, token, reg.batch([first, second]))
    assert status == 200 and [r.status for r in answer.results] == ["applied", "applied"]
    assert [k for k, _, _ in _alerts(live)[second_alerts_before:]] == ["journal_missing"]

    # a forged signature on the next one
    assert third["journal"] is not None
    third["journal"]["signature"] = "1:" + "ab" * 64
    status, answer = _push(live, token, reg.batch([third]))
    assert status == 200 and answer.results[0].status == "applied"
    kinds = [(k, seq) for k, seq, _ in _alerts(live)]
    assert ("journal_break", 3) in kinds
    messages = " ".join(m for _, _, m in _alerts(live))
    assert "entries missing" in messages and "signature is not valid" in messages


def test_sales_are_queryable_move_stock_and_add_up_in_the_digest(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    evening = dt.datetime(2025, 3, 14, 23, 30, tzinfo=dt.UTC)  # already the 15th in Berlin
    items = [
        reg.sale([("A1", Decimal("2"), Decimal("1.25")), ("B2", Decimal("1.5"), Decimal("4"))]),
        reg.sale([("A1", Decimal("1"), Decimal("1.25"))], tender="card"),
        reg.sale([("A1", Decimal("-1"), Decimal("1.25"))]),  # a return puts one back
        reg.sale(voided=True),
        reg.sale([("B2", Decimal("1"), Decimal("4"))], at=evening),
    ]
    assert _push(live, token, reg.batch(items))[0] == 200
    client = live.client(token)

    found = client.get("/v1/transactions", params={"receipt_number": "S1-R1-000002"}).json()
    assert len(found["items"]) == 1
    assert found["items"][0]["payload_sha256"] == items[1]["payload_sha256"]

    stock = client.get("/v1/inventory", params={"item_id": "A1"}).json()
    assert stock["stores"][0]["quantity"] == "-2.000"  # -2 -1 +1

    day = client.get("/v1/digest", params={"business_day": "2025-03-14"}).json()
    assert day["counts"] == {"sale": 4, "void": 1}
    assert Decimal(day["sales_total"]) == Decimal("2.5") + Decimal("6") + Decimal("1.25") - Decimal(
        "1.25"
    ) + Decimal("4")
    assert {k: Decimal(v) for k, v in day["tenders"].items()} == {
        "cash": Decimal("11.25"),
        "card": Decimal("1.25"),
    }
    assert day["max_seq"] == 5
    berlin = client.get(
        "/v1/digest", params={"business_day": "2025-03-15", "timezone": "Europe/Berlin"}
    ).json()
    assert berlin["counts"] == {"sale": 1} and berlin["max_seq"] == 5
    assert NOW.date().isoformat() == "2025-03-14"


def test_the_same_batch_pushed_concurrently_lands_exactly_once(live: LiveServer) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    body = reg.batch([reg.sale() for _ in range(20)])

    def push(_: int) -> tuple[int, list[str]]:
        with live.client(token) as client:
            answer = client.post("/v1/push", json=body)
            return answer.status_code, [r["status"] for r in answer.json()["results"]]

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(push, range(4), timeout=60))
    assert all(status == 200 for status, _ in answers)
    for n in range(20):  # every item applied by exactly one of the pushes
        assert sorted(statuses[n] for _, statuses in answers) == ["applied"] + ["duplicate"] * 3
    with live.db.read() as session:
        assert session.query(TransactionRow).count() == 20
    stock = live.client(token).get("/v1/inventory", params={"item_id": "A1"}).json()
    assert stock["stores"][0]["quantity"] == "-20.000"
