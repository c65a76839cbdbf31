"""Storage failures (locked database, full disk): refused, nothing lost, the next call works."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    OpResult,
    Recall,
    RefusalCode,
    SetQuantity,
    SetTaxExempt,
    Suspend,
    TenderCard,
    VoidLine,
    VoidTransaction,
)
from runtime.transaction import TransactionState
from tests.runtime.fakes import (
    COLA_EAN,
    ScriptedTerminal,
    make_runtime,
    ok,
    opened,
    refusal_of,
    refuse,
)

D = Decimal


# ---- storage failures ----------------------------------------------------------------------------


def test_storage_failure_on_add_keeps_the_transaction() -> None:
    rt, stores = opened()
    stores.fail_next = True
    refusal = refuse(rt, stores, lambda: rt.add_line(AddLine(item_id="BREAD")), RefusalCode.STORAGE)
    assert "database or disk is full" in refusal.message
    line = ok(rt.add_line(AddLine(item_id="BREAD")))  # the next call works
    assert line.line_id == "L2"


def test_storage_failure_on_the_first_scan_starts_nothing() -> None:
    rt, stores = make_runtime()
    stores.fail_next = True
    refuse(rt, stores, lambda: rt.add_line(AddLine(barcode=COLA_EAN)), RefusalCode.STORAGE)
    assert rt.transaction is None
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))


def test_storage_failure_on_conclude_loses_nothing() -> None:
    rt, stores = opened()
    ok(rt.add_tender(AddTender("cash", D("5.00"))))
    stores.fail_next = True
    refuse(rt, stores, lambda: rt.conclude(Conclude()), RefusalCode.STORAGE)
    assert rt.transaction is not None and rt.transaction.state is TransactionState.OPEN
    assert [t.is_change for t in rt.transaction.tenders] == [False]  # no change line yet
    assert stores.receipt_seq == {}
    sale = ok(rt.conclude(Conclude()))
    assert sale.transaction.receipt_number == "S1-R1-20261123-0001"  # no gap


@pytest.mark.parametrize(
    "operation",
    [
        lambda rt: rt.set_quantity(SetQuantity("L1", D("2"))),
        lambda rt: rt.void_line(VoidLine("L1")),
        lambda rt: rt.add_tender(AddTender("cash")),
        lambda rt: rt.void_transaction(VoidTransaction()),
        lambda rt: rt.suspend(Suspend()),
        lambda rt: rt.set_tax_exempt(SetTaxExempt(True, "export")),
    ],
)
def test_storage_failure_then_retry(
    operation: Callable[[CommerceRuntime], OpResult[object]],
) -> None:
    rt, stores = opened()
    stores.fail_next = True
    refuse(rt, stores, lambda: operation(rt), RefusalCode.STORAGE)
    assert stores.suspended_txs == {}
    ok(operation(rt))


def test_storage_failure_before_the_terminal_is_asked() -> None:
    terminal = ScriptedTerminal()
    rt, stores = opened(terminal=terminal)
    stores.fail_next = True
    refuse(rt, stores, lambda: rt.tender_card(TenderCard("card")), RefusalCode.STORAGE)
    assert terminal.requests == []  # nothing charged without a persisted request id


def test_storage_failure_on_recall_keeps_it_suspended() -> None:
    rt, stores = opened()
    tx_id = rt.transaction.transaction_id if rt.transaction else ""
    ok(rt.suspend(Suspend()))
    stores.fail_method = "recall"  # the atomic move fails: nothing moved
    assert refusal_of(rt.recall(Recall(tx_id))).code is RefusalCode.STORAGE
    assert rt.transaction is None
    assert [t.transaction_id for t in rt.suspended()] == [tx_id]  # never lost
    assert ok(rt.recall(Recall(tx_id))).transaction_id == tx_id
    assert rt.suspended() == []


def test_recall_whose_repriced_save_fails_is_still_recalled_once() -> None:
    rt, stores = opened()
    tx_id = rt.transaction.transaction_id if rt.transaction else ""
    ok(rt.suspend(Suspend()))
    stores.fail_method = "save"  # the move went through; saving the repriced cart fails
    recalled = ok(rt.recall(Recall(tx_id)))
    assert recalled.transaction_id == tx_id
    assert rt.transaction is recalled
    assert stores.carts["R1"].transaction_id == tx_id  # in the cart ...
    assert rt.suspended() == []  # ... and only there
