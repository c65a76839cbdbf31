"""`GET /v1/returns`: what received returns from any register took back of an original sale's
lines (the server reads the return lines' `return_of` from the stored payloads)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

from cs_support import LiveServer, RegisterSim, make_sale

from runtime.codec import transaction_to_dict
from runtime.returns import make_return_line
from runtime.transaction import Transaction
from sync.protocol import ReturnedList


def _return_of(
    reg: RegisterSim, original: Transaction, taken: list[tuple[str, Decimal]], *, voided: str = ""
) -> dict[str, Any]:
    """A concluded return (at `reg`) of `taken` (original line id, quantity) as a push item;
    the line named by `voided` is voided on the return."""
    reg.receipts += 1
    shell = make_sale(reg.store, reg.register, receipt=f"{reg.store}-{reg.register}-"
                      f"{reg.receipts:06d}", lines=[])  # fmt: skip
    lines = []
    for n, (line_id, quantity) in enumerate(taken, 1):
        line = original.line(line_id)
        assert line is not None
        made = make_return_line(f"L{n}", original, line, quantity)
        lines.append(replace(made, voided=made.line_id == voided))
    tx = replace(shell, transaction_id=uuid.uuid4().hex, lines=tuple(lines))
    return reg.item("sale", transaction_to_dict(tx), subject=tx.transaction_id)


def test_returns_from_every_register_are_counted_per_original_line(live: LiveServer) -> None:
    token1, device1 = live.activate("S1", "R1")
    token2, device2 = live.activate("S1", "R2")
    token3, device3 = live.activate("S2", "R7")
    r1, r2, r3 = (
        RegisterSim(device1, "S1", "R1"),
        RegisterSim(device2, "S1", "R2"),
        RegisterSim(device3, "S2", "R7"),
    )
    two_lines = [("A1", Decimal(3), Decimal("1.10")), ("B2", Decimal(1), Decimal(5))]
    original = make_sale("S1", "R1", receipt="S1-R1-000001", lines=two_lines)
    other = make_sale("S1", "R1", receipt="S1-R1-000002", lines=[("A1", Decimal(1), Decimal(1))])
    sale = r1.item("sale", transaction_to_dict(original), subject=original.transaction_id)
    sale2 = r1.item("sale", transaction_to_dict(other), subject=other.transaction_id)
    back1 = _return_of(r1, original, [("L1", Decimal(1))])
    pushed = live.client(token1).post("/v1/push", json=r1.batch([sale, sale2, back1]))
    assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * 3
    back2 = _return_of(r2, original, [("L1", Decimal(1)), ("L2", Decimal(1))], voided="L2")
    back3 = _return_of(r3, original, [("L2", Decimal(1))])
    back_other = _return_of(r3, other, [("L1", Decimal(1))])
    assert live.client(token2).post("/v1/push", json=r2.batch([back2])).status_code == 200
    assert live.client(token3).post("/v1/push", json=r3.batch([back3, back_other])).status_code == (
        200
    )

    answer = live.client(token3).get(
        "/v1/returns", params={"transaction_id": original.transaction_id}
    )
    assert answer.status_code == 200, answer.text
    found = ReturnedList.model_validate_json(answer.content)
    assert found.transaction_id == original.transaction_id
    rows = sorted((r.register_id, r.line_id, r.quantity) for r in found.items)
    # R2's voided return line counts for nothing; the other sale's return is not listed
    assert rows == [("R1", "L1", Decimal(1)), ("R2", "L1", Decimal(1)), ("R7", "L2", Decimal(1))]
    assert {r.store_id for r in found.items if r.register_id == "R7"} == {"S2"}

    nothing = live.client(token1).get("/v1/returns", params={"transaction_id": "unknown"})
    assert nothing.status_code == 200 and nothing.json() == {"transaction_id": "unknown",
                                                             "items": []}  # fmt: skip


def test_bad_returns_queries_are_refused(live: LiveServer) -> None:
    token, _ = live.activate("S1", "R1")
    client = live.client(token)
    assert client.get("/v1/returns").status_code == 422
    assert client.get("/v1/returns", params={"transaction_id": "bad id!"}).status_code == 422
    assert client.get("/v1/returns", params={"transaction_id": "x%"}).status_code == 422
    assert live.client().get("/v1/returns", params={"transaction_id": "abc"}).status_code == 401
