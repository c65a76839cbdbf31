"""Returns and the electronic journal over a real SQLite register database: partial returns
to the cent, exchanges, returns without a receipt, refusals, card refunds, journal search.
After every flow the ledger verifies whole and `returned_quantities` matches the return lines."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import (
    DEMO_ITEMS,
    Database,
    SqlCartStore,
    SqlCatalogReader,
    SqlSalesLedger,
    SqlSuspendedStore,
    load_register_config,
    load_store_config,
    open_database,
    seed_store,
    verify_ledger,
)
from local_db.journal_search import SqlJournalReader
from runtime.core import Ports
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    RefusalCode,
    TenderCard,
    VoidTransaction,
)
from runtime.pricing import BasePriceService
from runtime.return_ports import JournalQuery
from runtime.return_requests import FindReceipt, JournalSearch, ReturnItem, ReturnLines
from runtime.system import FixedClock, UuidIds
from runtime.transaction import Transaction
from tests.returns.return_support import RefundingTerminal
from tests.runtime.fakes import TrustingAccess, ok, refusal_of

D = Decimal
DAY = dt.date(2026, 3, 10)
START = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("returns") / "store.db"
    seed_store(path, products=50, today=DAY)
    return path


@dataclass
class Till:
    db: Database
    rt: CommerceRuntime
    clock: FixedClock
    terminal: RefundingTerminal
    journal: SqlJournalReader

    def rows(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with self.db.read("test") as conn:
            return list(conn.execute(sql, params))


def _open(path: Path, clock: FixedClock) -> Till:
    db = open_database(path)
    register = load_register_config(db, "R1")
    store = load_store_config(db, register.store_id)
    terminal = RefundingTerminal()
    journal = SqlJournalReader(db)
    ports = Ports(
        catalog=SqlCatalogReader(db),
        pricing=BasePriceService(),
        clock=clock,
        ids=UuidIds(),
        cart=SqlCartStore(db),
        suspended=SqlSuspendedStore(db),
        ledger=SqlSalesLedger(db, clock),
        payment=terminal,
        access=TrustingAccess(),
        journal=journal,
    )
    rt = CommerceRuntime(store, register, ports, operator_id="1001", extensions=[])
    return Till(db, rt, clock, terminal, journal)


@pytest.fixture
def till(template: Path, tmp_path: Path) -> Iterator[Till]:
    path = tmp_path / "register.db"
    shutil.copy(template, path)
    opened = _open(path, FixedClock(START))
    yield opened
    check_ledger(opened)
    opened.db.close()


def check_ledger(till: Till) -> dict[tuple[str, str], Decimal]:
    """The ledger verifies whole and returned_quantities holds exactly what the concluded
    return lines took back."""
    assert verify_ledger(till.db) == []
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for tid, line_id, quantity in till.rows(
        "SELECT l.return_of_transaction_id, l.return_of_line_id, l.quantity"
        " FROM transaction_lines AS l JOIN transactions AS t ON t.sale_no = l.sale_no"
        " WHERE l.return_of_transaction_id IS NOT NULL AND NOT l.voided"
        " AND t.state = 'concluded'"
    ):
        expected[(str(tid), str(line_id))] -= D(str(quantity))
    stored = {
        (str(t), str(line)): D(str(q))
        for t, line, q in till.rows(
            "SELECT transaction_id, line_id, quantity FROM returned_quantities"
        )
    }
    assert stored == dict(expected)
    return stored


def _sell(till: Till, *adds: AddLine, card: bool = False) -> Transaction:
    rt = till.rt
    for add in adds:
        ok(rt.add_line(add))
    if card:
        ok(rt.tender_card(TenderCard("card")))
    else:
        ok(rt.add_tender(AddTender("cash")))
    return ok(rt.conclude(Conclude())).transaction


def _settle(till: Till) -> Transaction:
    ok(till.rt.add_tender(AddTender("cash")))
    return ok(till.rt.conclude(Conclude())).transaction


def _return(till: Till, sale: Transaction, **quantities: str) -> Transaction:
    request = ReturnLines(sale.receipt_number or "", {k: D(v) for k, v in quantities.items()})
    ok(till.rt.return_lines(request))
    return _settle(till)


def test_two_partial_returns_refund_to_the_cent_and_a_third_that_exceeds_is_refused(
    till: Till,
) -> None:
    sale = _sell(
        till,
        AddLine(barcode=DEMO_ITEMS["bananas"], weight=D("0.750")),  # 1.49
        AddLine(barcode=DEMO_ITEMS["chocolate"], quantity=D(3)),  # 4.47
    )
    assert sale.totals.total == D("5.96") and sale.totals.tax_total == D("0.39")
    first = _return(till, sale, L1="0.250", L2="1")
    second = _return(till, sale, L1="0.250", L2="1")
    assert [line.net_amount for line in first.lines] == [D("-0.50"), D("-1.49")]
    assert [line.net_amount for line in second.lines] == [D("-0.49"), D("-1.49")]
    assert check_ledger(till) == {
        (sale.transaction_id, "L1"): D("0.500"),
        (sale.transaction_id, "L2"): D(2),
    }
    before = till.rows("SELECT count(*) FROM transactions")
    refusal = refusal_of(till.rt.return_lines(ReturnLines(sale.receipt_number or "", {"L2": D(2)})))
    assert refusal.code is RefusalCode.RETURN_EXCEEDS_SOLD
    assert till.rt.transaction is None and till.rows("SELECT count(*) FROM cart_header") == [(0,)]
    assert till.rows("SELECT count(*) FROM transactions") == before
    last = _return(till, sale, L1="0.250", L2="1")
    refunds = [first, second, last]
    assert sum((r.totals.total for r in refunds), D(0)) == -sale.totals.total
    assert sum((r.totals.tax_total for r in refunds), D(0)) == -sale.totals.tax_total
    view = ok(till.rt.find_receipt(FindReceipt(sale.receipt_number or "")))
    assert [line.returnable for line in view.lines] == [0, 0]
    stored = till.rows(
        "SELECT return_of_line_id, reason_code FROM transaction_lines AS l"
        " JOIN transactions AS t ON t.sale_no = l.sale_no WHERE t.transaction_id = ?",
        last.transaction_id,
    )
    assert stored == [("L1", None), ("L2", None)]


def test_an_exchange_and_its_reverse_in_one_transaction_each(till: Till) -> None:
    shirt = _sell(till, AddLine(barcode=DEMO_ITEMS["tshirt"]))  # 12.99
    ok(till.rt.return_lines(ReturnLines(shirt.receipt_number or "", {"L1": D(1)})))
    ok(till.rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])))  # 14.99
    ok(till.rt.add_tender(AddTender("cash", D("5"))))
    paid = ok(till.rt.conclude(Conclude())).transaction
    assert paid.totals.total == D("2.00") and paid.tenders[-1].amount == D("-3.00")
    ok(till.rt.return_lines(ReturnLines(paid.receipt_number or "", {"L2": D(1)})))
    ok(till.rt.add_line(AddLine(barcode=DEMO_ITEMS["cola"])))  # 0.89
    refunded = _settle(till)
    assert refunded.totals.total == D("-14.10")
    assert check_ledger(till) == {
        (shirt.transaction_id, "L1"): D(1),
        (paid.transaction_id, "L2"): D(1),
    }


def test_a_return_without_receipt_needs_a_return_reason_code(till: Till) -> None:
    espresso = DEMO_ITEMS["espresso"]
    refusal = refusal_of(
        till.rt.return_without_receipt(ReturnItem(barcode=espresso, reason_code="PAYIN-CHG"))
    )
    assert refusal.code is RefusalCode.UNKNOWN_REASON
    assert "RET-DEF: Defective item" in refusal.details
    assert till.rt.transaction is None
    line = ok(till.rt.return_without_receipt(ReturnItem(barcode=espresso, reason_code="RET-DEF")))
    assert line.amount_incl_tax == D("-14.99")
    done = _settle(till)
    assert till.rows(
        "SELECT reason_code, return_of_line_id FROM transaction_lines AS l JOIN transactions"
        " AS t ON t.sale_no = l.sale_no WHERE t.transaction_id = ?",
        done.transaction_id,
    ) == [("RET-DEF", None)]
    assert [r.code for r in till.rt.return_reasons()] == ["RET-CHG", "RET-DEF", "RET-WRONG"]


def test_refusals_change_nothing_in_the_database(till: Till) -> None:
    wrap = _sell(till, AddLine(barcode=DEMO_ITEMS["gift_wrap"], keyed_price=D("2.50")))
    ok(till.rt.add_line(AddLine(barcode=DEMO_ITEMS["cola"])))
    voided = ok(till.rt.void_transaction(VoidTransaction("customer left")))
    counts = till.rows("SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM outbox)")
    for receipt, code in (
        (wrap.receipt_number or "", RefusalCode.NOT_RETURNABLE),
        ("S001-R1-20260310-999999", RefusalCode.UNKNOWN_RECEIPT),
        (voided.transaction_id, RefusalCode.NOT_RETURNABLE),
    ):
        refusal = refusal_of(till.rt.return_lines(ReturnLines(receipt, {"L1": D(1)})))
        assert refusal.code is code, refusal
    assert till.rt.transaction is None
    assert till.rows("SELECT count(*) FROM cart_header") == [(0,)]
    assert (
        till.rows("SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM outbox)")
        == counts
    )


def test_a_card_sale_is_refunded_to_its_card_and_recorded(till: Till) -> None:
    sale = _sell(till, AddLine(barcode=DEMO_ITEMS["espresso"], quantity=D(2)), card=True)
    ok(till.rt.return_lines(ReturnLines(sale.receipt_number or "", {"L1": D(1)})))
    tender = ok(till.rt.tender_card(TenderCard("card")))
    done = ok(till.rt.conclude(Conclude())).transaction
    assert tender.amount == D("-14.99")
    ((request, reference),) = till.terminal.refunds
    assert reference == sale.tenders[0].terminal_reference and request.amount == D("14.99")
    assert till.rows(
        "SELECT kind, amount, status FROM tender_lines AS x JOIN transactions AS t"
        " ON t.sale_no = x.sale_no WHERE t.transaction_id = ?",
        done.transaction_id,
    ) == [("card", "-14.99", "approved")]


def test_a_cart_with_return_lines_survives_a_restart(till: Till, tmp_path: Path) -> None:
    sale = _sell(till, AddLine(barcode=DEMO_ITEMS["chocolate"], quantity=D(3)))
    ok(till.rt.return_lines(ReturnLines(sale.receipt_number or "", {"L1": D(2)})))
    till.db.close()
    again = _open(tmp_path / "register.db", till.clock)
    till.db = again.db  # the fixture checks and closes this one
    tx = again.rt.transaction
    assert tx is not None and tx.lines[0].return_of is not None
    done = _settle(again)
    assert done.totals.total == D("-2.98")
    assert check_ledger(again) == {(sale.transaction_id, "L1"): D(2)}


def test_journal_search_by_each_criterion_newest_first(till: Till) -> None:
    cola, espresso = DEMO_ITEMS["cola"], DEMO_ITEMS["espresso"]
    first = _sell(till, AddLine(barcode=cola))  # 0.89, day 1, operator 1001
    till.clock.advance(dt.timedelta(days=1))
    till.rt.operator_id = "1002"  # another cashier (signing in is the security tests' part)
    second = _sell(till, AddLine(barcode=espresso))  # 14.99, day 2, operator 1002
    till.clock.advance(dt.timedelta(hours=14))  # 00:00 in Berlin on day 3, 23:00 UTC day 2
    third = _sell(till, AddLine(barcode=cola, quantity=D(2)))  # 1.78, day 3 locally

    def found(**criteria: object) -> list[str]:
        result = ok(till.rt.journal_search(JournalSearch(**criteria)))  # type: ignore[arg-type]
        return [s.transaction_id for s in result]

    ids = [third.transaction_id, second.transaction_id, first.transaction_id]
    assert found() == ids
    assert found(limit=2) == ids[:2]
    assert found(receipt_number=second.receipt_number) == [second.transaction_id]
    assert found(receipt_number="nope") == []
    assert found(date_from=DAY, date_to=DAY) == [first.transaction_id]
    assert found(date_from=DAY + dt.timedelta(days=1)) == ids[:2]
    assert found(date_to=DAY + dt.timedelta(days=1)) == ids[1:]
    assert found(operator_id="1002") == [third.transaction_id, second.transaction_id]
    assert found(operator_id="1001") == [first.transaction_id]
    assert found(min_amount=D("1.78")) == ids[:2]
    assert found(max_amount=D("1.78")) == [third.transaction_id, first.transaction_id]
    assert found(min_amount=D("0.89"), max_amount=D("0.89")) == [first.transaction_id]
    assert found(item_id="1000006") == [third.transaction_id, first.transaction_id]
    assert found(item_id="1000006", operator_id="1002") == [third.transaction_id]
    summary = ok(till.rt.journal_search(JournalSearch(receipt_number=third.receipt_number)))[0]
    assert (summary.total, summary.state, summary.line_count) == (D("1.78"), "concluded", 1)
    assert summary.ended_at == third.ended_at and summary.operator_id == "1002"


def test_journal_lookups_use_their_indexes(till: Till) -> None:
    plans = {
        "receipt": JournalQuery("S001", receipt_number="X"),
        "day": JournalQuery("S001", ended_from=START, ended_to=START + dt.timedelta(days=1)),
        "item": JournalQuery("S001", item_id="1000006"),
    }
    # the unique constraint (receipt_number, register_id) is SQLite's autoindex on transactions
    expected = {
        "receipt": "(receipt_number=?)",
        "day": "ix_transactions_ended_at",
        "item": "ix_transaction_lines_item_id",
    }
    captured: list[str] = []
    till.db.connection.set_trace_callback(captured.append)
    try:
        for query in plans.values():
            till.journal.search(query)
        till.journal.find_receipt("S001", "X")
    finally:
        till.db.connection.set_trace_callback(None)
    statements = [s for s in captured if s.lstrip().upper().startswith("SELECT")]
    for name, sql in zip([*plans, "find"], statements, strict=True):
        plan = " ".join(str(row[-1]) for row in till.rows(f"EXPLAIN QUERY PLAN {sql}"))
        index = expected.get(name, expected["receipt"])
        assert index in plan and "SCAN t " not in f"{plan} ", (name, plan)
