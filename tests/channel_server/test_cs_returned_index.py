"""The return index (`returned_lines`) behind `GET /v1/returns`: written at ingest with the
return sale (active return lines only; voided or quarantined transactions write nothing; a
duplicate push writes nothing twice), and filled by migration cs0002 from sales received
before it, so an upgraded server answers the same."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

from alembic import command
from alembic.config import Config
from cs_support import LiveServer, RegisterSim, make_sale
from sqlalchemy import func, inspect, select

from channel_server.db import MIGRATIONS, Database
from channel_server.models import ReturnedLineRow
from runtime.codec import transaction_to_dict
from runtime.returns import make_return_line
from runtime.transaction import Transaction, TransactionState
from sync.protocol import ReturnedList

D = Decimal
TWO_LINES = [("A1", D(3), D("1.10")), ("B2", D(2), D(5))]


def _return(
    reg: RegisterSim,
    original: Transaction,
    taken: list[tuple[str, Decimal, bool]],
    *,
    kind: str = "sale",
    same_ids: bool = False,
) -> tuple[dict[str, Any], Transaction]:
    """A return at `reg` of (original line id, quantity, voided on the return) as a push item
    (kind "void": the return voided before it concluded; `same_ids`: every line is "L1")."""
    reg.receipts += 1
    shell = make_sale(reg.store, reg.register, receipt=f"{reg.register}-R{reg.receipts}", lines=[])
    lines = []
    for n, (line_id, quantity, voided) in enumerate(taken, 1):
        line = original.line(line_id)
        assert line is not None
        made = make_return_line("L1" if same_ids else f"L{n}", original, line, quantity)
        lines.append(replace(made, voided=voided))
    tx = replace(shell, transaction_id=uuid.uuid4().hex, lines=tuple(lines))
    if kind == "void":
        tx = replace(tx, state=TransactionState.VOIDED, tenders=(), receipt_number=None)
    return reg.item(kind, transaction_to_dict(tx), subject=tx.transaction_id), tx


def _index(live: LiveServer) -> list[tuple[str, str, str, str, Decimal, str, str]]:
    with live.db.read() as session:
        rows = session.scalars(select(ReturnedLineRow)).all()
        return sorted(
            (r.return_transaction_id, r.return_line_id, r.original_transaction_id,
             r.original_line_id, r.quantity, r.store_id, r.register_id)
            for r in rows
        )  # fmt: skip


def _returns(live: LiveServer, token: str, transaction_id: str) -> ReturnedList:
    answer = live.client(token).get("/v1/returns", params={"transaction_id": transaction_id})
    assert answer.status_code == 200, answer.text
    return ReturnedList.model_validate_json(answer.content)


def test_index_rows_come_with_the_return_and_never_for_voided_or_quarantined(
    live: LiveServer,
) -> None:
    token, device = live.activate("S1", "R1")
    reg = RegisterSim(device, "S1", "R1")
    original = make_sale("S1", "R1", receipt="S1-R1-000001", lines=TWO_LINES)
    sale = reg.item("sale", transaction_to_dict(original), subject=original.transaction_id)
    # L1 and L2 both take back original L1 (summed in the answer); L3 is voided on the return
    back, back_tx = _return(reg, original, [("L1", D(1), False), ("L1", D(1), False),
                                            ("L2", D(2), True)])  # fmt: skip
    voided, _ = _return(reg, original, [("L2", D(1), False)], kind="void")
    twice, _ = _return(reg, original, [("L2", D(1), False), ("L2", D(1), False)], same_ids=True)
    batch = reg.batch([sale, back, voided, twice])
    pushed = live.client(token).post("/v1/push", json=batch)
    assert pushed.status_code == 200, pushed.text
    results = pushed.json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "quarantined"]
    assert "more than one line" in results[3]["reason"]

    tx_id = original.transaction_id
    expected = [
        (back_tx.transaction_id, "L1", tx_id, "L1", D(1), "S1", "R1"),
        (back_tx.transaction_id, "L2", tx_id, "L1", D(1), "S1", "R1"),
    ]
    assert _index(live) == expected  # the void and the quarantined return wrote nothing

    again = live.client(token).post("/v1/push", json=batch)  # a lost answer: sent again
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 4
    assert _index(live) == expected

    found = _returns(live, token, tx_id)
    assert [(r.line_id, r.quantity, r.return_transaction_id) for r in found.items] == [
        ("L1", D(2), back_tx.transaction_id)
    ]


def _migrate(db_url: str, target: str, *, down: bool = False) -> None:
    db = Database(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with db.write_engine.connect() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(config, target)
            conn.commit()
    finally:
        db.dispose()


def _tables(db_url: str) -> set[str]:
    db = Database(db_url)
    try:
        return set(inspect(db.write_engine).get_table_names())
    finally:
        db.dispose()


def test_upgrade_fills_the_index_from_returns_received_before_it(db_url: str) -> None:
    live = LiveServer(db_url)
    try:
        token1, device1 = live.activate("S1", "R1")
        token2, device2 = live.activate("S2", "R7")
        r1, r2 = RegisterSim(device1, "S1", "R1"), RegisterSim(device2, "S2", "R7")
        original = make_sale("S1", "R1", receipt="S1-R1-000001", lines=TWO_LINES)
        other = make_sale("S1", "R1", receipt="S1-R1-000002", lines=TWO_LINES)
        items = [r1.item("sale", transaction_to_dict(t), subject=t.transaction_id)
                 for t in (original, other)]  # fmt: skip
        items.append(_return(r1, original, [("L2", D(1), False), ("L1", D(1), True)])[0])
        items.append(_return(r1, other, [("L1", D(3), False)])[0])
        assert live.client(token1).post("/v1/push", json=r1.batch(items)).status_code == 200
        back = _return(r2, original, [("L1", D(2), False), ("L2", D("0.5"), False)])[0]
        assert live.client(token2).post("/v1/push", json=r2.batch([back])).status_code == 200
        before = _returns(live, token2, original.transaction_id)
        before_other = _returns(live, token2, other.transaction_id)
        rows = _index(live)
    finally:
        live.stop()
    assert len(before.items) == 3 and len(before_other.items) == 1 and len(rows) == 4

    _migrate(db_url, "cs0001", down=True)  # the schema and rows of a server before the index
    assert "returned_lines" not in _tables(db_url) and "transactions" in _tables(db_url)

    upgraded = LiveServer(db_url)  # opening the database runs the upgrade (and the backfill)
    try:
        assert _index(upgraded) == rows
        assert _returns(upgraded, token2, original.transaction_id) == before
        assert _returns(upgraded, token1, other.transaction_id) == before_other
        with upgraded.db.read() as session:
            assert session.scalar(select(func.count()).select_from(ReturnedLineRow)) == 4
    finally:
        upgraded.stop()
