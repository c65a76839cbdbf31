"""End to end: the real runtime on a real SQLite register, paying through the nexo driver at
our terminal simulator. A lost answer must end in exactly one charge and one concluded sale."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import DEMO_ITEMS
from peripherals.events import EventRecorder
from peripherals.payment_port import TerminalPaymentPort
from peripherals.payment_terminal import NexoTerminal
from peripherals.terminal_simulator import Action, Behaviour, TerminalSimulator
from pos_app.composition import Register, ensure_open_shift, open_register
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    RefusalCode,
    ResolveCardTender,
    TenderCard,
    VoidTender,
)
from runtime.transaction import TenderStatus

ESPRESSO = DEMO_ITEMS["espresso"]


@dataclass
class Till:
    register: Register
    sim: TerminalSimulator
    port: TerminalPaymentPort
    db: Path


@pytest.fixture
def till(tmp_path: Path, seeded_store: Path) -> Iterator[Till]:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    with TerminalSimulator() as sim:
        device = NexoTerminal(
            sim.device_config(
                "terminal", 5.0, payment_timeout_s="0.3", status_interval_s="0.02"
            ),
            EventRecorder(),
        )
        device.start(timeout=10)
        port = TerminalPaymentPort(device)
        register = open_register(db, "R1", operator_id="1001", payment=port, extensions=[])
        try:
            ensure_open_shift(register.runtime)
            yield Till(register, sim, port, db)
        finally:
            register.close()
            sim.stop()
            device.shutdown()


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_a_hang_then_approved_concludes_the_sale_exactly_once(till: Till) -> None:
    rt = till.register.runtime
    assert rt.add_line(AddLine(barcode=ESPRESSO)).ok
    till.sim.script_next(Behaviour(Action.HANG_APPROVED, hang_s=30))
    card = rt.tender_card(TenderCard("card"))
    line = card.value
    assert line is not None, card.refusal
    assert line.status is TenderStatus.APPROVED and line.amount == Decimal("14.99")
    tx = till.sim.transaction(line.request_id or "")
    assert tx is not None and line.terminal_reference == tx.poi_transaction_id
    assert (till.sim.counters.payment_requests, till.sim.charge_count) == (1, 1)
    assert till.port.receipt_lines(line.request_id or "")[-1] == "CARDHOLDER COPY"
    done = rt.conclude(Conclude())
    assert done.value is not None, done.refusal
    assert rt.conclude(Conclude()).refusal is not None  # nothing left to conclude
    assert _count(till.db, "SELECT count(*) FROM transactions") == 1
    assert till.sim.charge_count == 1


def test_a_payment_the_terminal_never_saw_is_declined_and_cash_finishes_the_sale(
    till: Till,
) -> None:
    rt = till.register.runtime
    rt.add_line(AddLine(barcode=ESPRESSO))
    till.sim.script_next(Behaviour(Action.HANG_NOT_FOUND, hang_s=30))
    line = rt.tender_card(TenderCard("card")).value
    assert line is not None and line.status is TenderStatus.DECLINED
    assert "nothing was charged" in line.message
    assert rt.add_tender(AddTender("cash", Decimal("20"))).ok
    assert rt.conclude(Conclude()).ok
    assert till.sim.charge_count == 0


def test_an_unknown_outcome_keeps_the_line_pending_until_the_terminal_answers(
    till: Till,
) -> None:
    rt = till.register.runtime
    rt.add_line(AddLine(barcode=ESPRESSO))
    till.sim.script_next(Behaviour(Action.HANG_IN_PROGRESS, hang_s=60))
    line = rt.tender_card(TenderCard("card")).value
    assert line is not None and line.status is TenderStatus.UNKNOWN
    refused = rt.conclude(Conclude()).refusal
    assert refused is not None and refused.code is RefusalCode.PAYMENT_PENDING
    till.sim.end_hangs()  # the terminal gives up: the payment is aborted there
    deadline = time.monotonic() + 10
    while (tx := till.sim.transaction(line.request_id or "")) and tx.state == "in_progress":
        assert time.monotonic() < deadline, "the simulator never ended its hang"
        time.sleep(0.05)
    resolved = rt.resolve_card_tender(ResolveCardTender(line.tender_line_id)).value
    assert resolved is not None and resolved.status is TenderStatus.DECLINED
    assert rt.add_tender(AddTender("cash", Decimal("20"))).ok
    assert rt.conclude(Conclude()).ok
    assert (till.sim.counters.payment_requests, till.sim.charge_count) == (1, 0)


def test_voiding_an_approved_card_line_reverses_it_at_the_terminal(till: Till) -> None:
    rt = till.register.runtime
    rt.add_line(AddLine(barcode=ESPRESSO))
    line = rt.tender_card(TenderCard("card")).value
    assert line is not None and line.status is TenderStatus.APPROVED
    voided = rt.void_tender(VoidTender(line.tender_line_id)).value
    assert voided is not None and voided.status is TenderStatus.VOIDED
    tx = till.sim.transaction(line.request_id or "")
    assert tx is not None and tx.reversed and till.sim.counters.reversals == 1
