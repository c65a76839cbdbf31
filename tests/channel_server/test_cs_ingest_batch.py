"""A push batch is applied in one database transaction: a failure inside it keeps none of it
(the register resends and gets each sale applied once), and registers of one store pushing at
the same moment neither lose stock updates nor deadlock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from cs_support import LiveServer, RegisterSim
from sqlalchemy import text

from channel_server.models import ReceivedItemRow, TransactionRow

_SQLITE_TRIGGER = (
    "CREATE TRIGGER fail_seq3 BEFORE INSERT ON received_items WHEN NEW.device_seq = 3 "
    "BEGIN SELECT RAISE(ABORT, 'disk said no'); END"
)
_PG_TRIGGER = (
    "CREATE FUNCTION fail_seq3() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.device_seq = 3 THEN RAISE EXCEPTION 'disk said no'; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER fail_seq3 BEFORE INSERT ON received_items FOR EACH ROW "
    "EXECUTE FUNCTION fail_seq3()",
)


def _run(live: LiveServer, *statements: str) -> None:
    with live.db.write_engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def _stock(live: LiveServer, token: str, item: str) -> str:
    stores = live.client(token).get("/v1/inventory", params={"item_id": item}).json()["stores"]
    return str(stores[0]["quantity"]) if stores else "none"


def test_a_failure_inside_a_batch_keeps_none_of_it_and_a_resend_applies_it_once(
    live: LiveServer,
) -> None:
    token, device = live.activate()
    reg = RegisterSim(device)
    client = live.client(token)
    first = reg.sale([("A1", Decimal("1"), Decimal("2"))])
    assert client.post("/v1/push", json=reg.batch([first])).status_code == 200
    rest = [reg.sale([("A1", Decimal("2"), Decimal("2"))]) for _ in range(4)]  # seqs 2..5
    if live.db.is_sqlite:
        _run(live, _SQLITE_TRIGGER)
    else:
        _run(live, *_PG_TRIGGER)

    failed = client.post("/v1/push", json=reg.batch(rest))  # seq 3's row cannot be written
    assert failed.status_code == 500 and failed.json()["code"] == "internal_error"
    assert client.get("/v1/device").json()["last_seq"] == 1  # seq 2 went back with the rest
    with live.db.read() as session:
        assert session.query(ReceivedItemRow).count() == 1
        assert session.query(TransactionRow).count() == 1
    assert _stock(live, token, "A1") == "-1.000"

    _run(live, "DROP TRIGGER fail_seq3" + ("" if live.db.is_sqlite else " ON received_items"))
    again = client.post("/v1/push", json=reg.batch(rest))
    assert again.status_code == 200
    assert [r["status"] for r in again.json()["results"]] == ["applied"] * 4
    assert again.json()["last_seq"] == 5
    assert _stock(live, token, "A1") == "-9.000"  # 1 + 4 x 2, each sale once
    with live.db.read() as session:
        assert session.query(TransactionRow).count() == 5
        chained = session.execute(text("SELECT journal_entry_no FROM devices")).scalar_one()
        assert chained == 5  # the chain head moved with the committed items only


def test_registers_of_one_store_pushing_at_once_keep_stock_exact(live: LiveServer) -> None:
    """Batches of one store touch the same stock rows in different orders within their
    sales; the stock upsert takes them in one sorted order, so nothing deadlocks or is lost."""
    registers = []
    for n in range(4):
        token, device = live.activate("S1", f"R{n}")
        registers.append((token, RegisterSim(device, register=f"R{n}")))
    items = ["A1", "B2", "C3", "D4", "E5"]
    bodies = []
    for n, (token, reg) in enumerate(registers):
        batches = []
        for b in range(3):
            sales = []
            for s in range(15):
                order = items[(n + b + s) % 5 :] + items[: (n + b + s) % 5]
                sales.append(reg.sale([(item, Decimal("1"), Decimal("1")) for item in order[:3]]))
            batches.append(reg.batch(sales))
        bodies.append((token, batches))

    def push(work: tuple[str, list[dict]]) -> list[int]:
        token, batches = work
        with live.client(token) as client:
            return [client.post("/v1/push", json=body).status_code for body in batches]

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(push, bodies, timeout=120))
    assert statuses == [[200, 200, 200]] * 4
    token = registers[0][0]
    total = sum(_stock_of(live, token, item) for item in items)
    assert total == Decimal(-4 * 3 * 15 * 3)  # every line of every sale, once
    with live.db.read() as session:
        assert session.query(TransactionRow).count() == 4 * 3 * 15


def _stock_of(live: LiveServer, token: str, item: str) -> Decimal:
    return Decimal(_stock(live, token, item))
