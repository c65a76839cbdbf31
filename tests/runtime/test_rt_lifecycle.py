"""The transaction lifecycle through the facade: lines, units, voids, suspend/recall, conclude."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from runtime.facade import CommerceRuntime
from runtime.line_rules import MAX_COMMENT
from runtime.operations import (
    AddLine,
    AddTender,
    ChangeRecord,
    CommentLine,
    Conclude,
    Recall,
    RefusalCode,
    SetQuantity,
    SetUnit,
    StartTransaction,
    Suspend,
    VoidLine,
    VoidTender,
    VoidTransaction,
)
from runtime.system import FixedClock
from runtime.transaction import SaleLine, TenderStatus, Transaction, TransactionState
from tests.runtime.fakes import (
    BREAD_EAN,
    COLA_3_EAN,
    COLA_EAN,
    COLA_PK6_EAN,
    NOW,
    SHIRT_EAN,
    MemoryStores,
    make_runtime,
    ok,
    refusal_of,
)

D = Decimal


def current(rt: CommerceRuntime) -> Transaction:
    assert rt.transaction is not None
    return rt.transaction


def scan(rt: CommerceRuntime, code: str, **kw: object) -> SaleLine:
    return ok(rt.add_line(AddLine(barcode=code, **kw)))  # type: ignore[arg-type]


def add(rt: CommerceRuntime, item_id: str, **kw: object) -> SaleLine:
    return ok(rt.add_line(AddLine(item_id=item_id, **kw)))  # type: ignore[arg-type]


# ---- adding lines ------------------------------------------------------------------------------


def test_first_scan_starts_a_transaction_and_names_the_line() -> None:
    rt, stores = make_runtime()
    assert rt.transaction is None
    result = rt.add_line(AddLine(barcode=COLA_EAN))
    line = ok(result)
    assert result.changes == ChangeRecord(lines_added=frozenset({"L1"}), totals=True, state=True)
    assert (line.line_id, line.item_id, line.quantity, line.unit) == ("L1", "COLA", 1, "ea")
    assert (line.barcode, line.unit_price, line.gross_amount) == (COLA_EAN, D("1.19"), D("1.19"))
    assert line.price_source == "base price"
    tx = current(rt)
    assert (tx.state, tx.operator_id, tx.started_at) == (TransactionState.OPEN, "1001", NOW)
    assert stores.carts["R1"] is tx  # persisted on every change
    assert stores.saved_lines[-1] == frozenset({"L1"})

    result = rt.add_line(AddLine(barcode=BREAD_EAN))
    assert result.changes == ChangeRecord(lines_added=frozenset({"L2"}), totals=True)
    assert current(rt).transaction_id == tx.transaction_id
    assert current(rt).totals.total == D("3.68")  # 1.19 + 2.49


def test_add_by_item_id_and_variant_id() -> None:
    rt, _ = make_runtime()
    bread = add(rt, " BREAD ")  # a search pick's id, whitespace tolerated
    assert (bread.item_id, bread.barcode, bread.gross_amount) == ("BREAD", None, D("2.49"))
    blue = add(rt, "SHIRT-L-BLUE")
    assert (blue.item_id, blue.variant_id) == ("SHIRT", "SHIRT-L-BLUE")
    assert blue.unit_price == D("17.00")  # the variant's own price
    assert blue.price_source == "variant SHIRT-L-BLUE price"
    assert blue.description == "T-Shirt Blue / L"  # dimension values sorted by name
    red = scan(rt, SHIRT_EAN)  # the barcode names the variant
    assert (red.variant_id, red.unit_price) == ("SHIRT-M-RED", D("15.00"))  # master's price
    assert red.description == "T-Shirt Red / M"


def test_barcode_with_a_unit_prices_through_the_conversion() -> None:
    rt, _ = make_runtime()
    pack = scan(rt, COLA_PK6_EAN)
    # 1 pk6 = 6 ea: 6 x 1.19 = 7.14
    assert (pack.unit, pack.quantity, pack.unit_price, pack.gross_amount) == (
        "pk6",
        D("1"),
        D("7.14"),
        D("7.14"),
    )
    assert pack.price_source == "base price x 6 ea/pk6"
    two = scan(rt, COLA_PK6_EAN, quantity=D("2"))
    assert (two.quantity, two.gross_amount) == (D("2"), D("14.28"))  # 2 x 7.14
    keyed_unit = add(rt, "COLA", unit="pk6")
    assert keyed_unit.gross_amount == D("7.14")


def test_barcode_with_a_quantity_multiplies_the_entered_quantity() -> None:
    rt, _ = make_runtime()
    band = scan(rt, COLA_3_EAN)
    assert (band.quantity, band.gross_amount) == (D("3"), D("3.57"))  # 3 x 1.19
    two_bands = scan(rt, COLA_3_EAN, quantity=D("2"))
    assert (two_bands.quantity, two_bands.gross_amount) == (D("6"), D("7.14"))  # 2 x 3 x 1.19


def test_weighed_item_takes_the_scale_weight() -> None:
    rt, _ = make_runtime()
    line = add(rt, "BANANA", weight=D("0.755"))
    # 0.755 kg x 1.99 = 1.50245 -> 1.50
    assert (line.quantity, line.unit, line.weighed) == (D("0.755"), "kg", True)
    assert line.gross_amount == D("1.50")
    # 1.50 * 7 / 107 = 0.098130.. -> 0.10
    assert line.tax_amount == D("0.10")


def test_keyed_price_serial_and_age_verified_items() -> None:
    rt, _ = make_runtime()
    gift = add(rt, "GIFT", keyed_price=D("3.50"))
    assert (gift.unit_price, gift.price_source, gift.keyed_price) == (
        D("3.50"),
        "keyed-in price",
        D("3.50"),
    )
    phone = add(rt, "PHONE", serial_number="  SN-123  ")
    assert phone.serial_number == "SN-123"
    wine = add(rt, "WINE", age_verified=True)
    assert wine.gross_amount == D("8.99")
    # a fixed-price item does not take a keyed price: that would be an unchecked price override
    refused_cola = rt.add_line(AddLine(item_id="COLA", keyed_price=D("0.01")))
    assert refused_cola.refusal is not None
    assert refused_cola.refusal.code is RefusalCode.PRICE_NOT_KEYED


# ---- changing lines ----------------------------------------------------------------------------


def test_set_quantity() -> None:
    rt, stores = make_runtime()
    scan(rt, COLA_EAN)
    scan(rt, BREAD_EAN)
    result = rt.set_quantity(SetQuantity("L1", D("4")))
    line = ok(result)
    assert result.changes == ChangeRecord(lines_changed=frozenset({"L1"}), totals=True)
    assert (line.quantity, line.gross_amount) == (D("4"), D("4.76"))  # 4 x 1.19
    assert current(rt).totals.total == D("7.25")  # 4.76 + 2.49
    assert stores.saved_lines[-1] == frozenset({"L1"})


def test_set_unit_to_pack_and_back() -> None:
    rt, _ = make_runtime()
    scan(rt, COLA_EAN, quantity=D("2"))
    result = rt.set_unit(SetUnit("L1", "pk6"))
    line = ok(result)
    assert result.changes == ChangeRecord(lines_changed=frozenset({"L1"}), totals=True)
    # the quantity stays, the unit changes: 2 pk6 x 7.14 = 14.28
    assert (line.unit, line.quantity, line.unit_price, line.gross_amount) == (
        "pk6",
        D("2"),
        D("7.14"),
        D("14.28"),
    )
    line = ok(rt.set_unit(SetUnit("L1", "ea")))
    assert (line.unit, line.unit_price, line.gross_amount) == ("ea", D("1.19"), D("2.38"))
    # a pack scanned as pk6 can be changed to single units too (inverse conversion)
    scan(rt, COLA_PK6_EAN)
    assert ok(rt.set_unit(SetUnit("L2", "ea"))).gross_amount == D("1.19")


def test_void_line() -> None:
    rt, _ = make_runtime()
    scan(rt, COLA_EAN)
    scan(rt, BREAD_EAN)
    result = rt.void_line(VoidLine("L1"))
    line = ok(result)
    assert line.voided
    assert result.changes == ChangeRecord(lines_changed=frozenset({"L1"}), totals=True)
    tx = current(rt)
    assert [x.line_id for x in tx.active_lines] == ["L2"]
    assert len(tx.lines) == 2  # the voided line stays on the record
    assert tx.totals.total == D("2.49")
    assert tx.totals.tax_summary[0].code == "VAT7"  # VAT19 gone with the cola
    before = rt.transaction
    assert refusal_of(rt.void_line(VoidLine("L1"))).code is RefusalCode.WRONG_STATE
    assert refusal_of(rt.void_line(VoidLine("L9"))).code is RefusalCode.UNKNOWN_LINE
    assert rt.transaction is before
    # the next line number is not reused
    assert scan(rt, COLA_EAN).line_id == "L3"


def test_comment_line() -> None:
    rt, _ = make_runtime()
    scan(rt, COLA_EAN)
    result = rt.comment_line(CommentLine("L1", "  gift\x07 for\tMum\n\x1b[31m "))
    line = ok(result)
    assert line.comment == "gift for Mum [31m"  # control characters become spaces, collapsed
    assert result.changes == ChangeRecord(lines_changed=frozenset({"L1"}), totals=False)
    # the limit counts the cleaned text
    assert ok(rt.comment_line(CommentLine("L1", "a" * MAX_COMMENT + "\x00\x00"))).comment == (
        "a" * MAX_COMMENT
    )
    before = rt.transaction
    refusal = refusal_of(rt.comment_line(CommentLine("L1", "b" * (MAX_COMMENT + 1))))
    assert refusal.code is RefusalCode.INVALID_TEXT
    assert rt.transaction is before


# ---- void, suspend, recall ---------------------------------------------------------------------


def test_void_transaction_writes_it_to_the_ledger() -> None:
    rt, stores = make_runtime()
    scan(rt, COLA_EAN)
    tx_id = current(rt).transaction_id
    result = rt.void_transaction(VoidTransaction("  customer left "))
    voided = ok(result)
    assert result.changes == ChangeRecord(totals=True, state=True)
    assert (voided.state, voided.receipt_number, voided.void_reason) == (
        TransactionState.VOIDED,
        None,
        "customer left",
    )
    assert voided.ended_at == NOW
    assert [t.transaction_id for t in stores.finished] == [tx_id]
    assert stores.finished[0].state is TransactionState.VOIDED
    assert stores.finished[0].receipt_number is None
    assert stores.receipt_seq == {}  # no receipt number was spent
    assert "R1" not in stores.carts
    assert rt.transaction is None
    assert rt.last_finished == voided
    # the next scan starts a fresh transaction
    result = rt.add_line(AddLine(barcode=COLA_EAN))
    assert result.changes.state
    assert current(rt).transaction_id != tx_id
    assert ok(result).line_id == "L1"


def test_void_transaction_with_cash_tendered() -> None:
    rt, stores = make_runtime()
    scan(rt, COLA_EAN)
    cash = ok(rt.add_tender(AddTender("cash", D("0.50"))))
    refused_void = rt.void_transaction(VoidTransaction())
    assert refused_void.refusal is not None
    assert refused_void.refusal.code is RefusalCode.TENDERED  # the drawer would be off
    ok(rt.void_tender(VoidTender(cash.tender_line_id)))  # money handed back
    voided = ok(rt.void_transaction(VoidTransaction()))
    assert voided.tenders[0].status is TenderStatus.VOIDED
    assert stores.finished[-1].state is TransactionState.VOIDED


def test_suspend_and_recall() -> None:
    rt, stores = make_runtime()
    scan(rt, COLA_EAN)
    scan(rt, BREAD_EAN)
    tx_id = current(rt).transaction_id
    result = rt.suspend(Suspend())
    suspended = ok(result)
    assert result.changes == ChangeRecord(totals=True, state=True)
    assert suspended.state is TransactionState.SUSPENDED
    assert rt.transaction is None
    assert "R1" not in stores.carts
    assert [t.transaction_id for t in rt.suspended()] == [tx_id]
    # a new sale in between
    scan(rt, COLA_EAN)
    ok(rt.add_tender(AddTender("cash")))
    ok(rt.conclude(Conclude()))

    result = rt.recall(Recall(tx_id))
    recalled = ok(result)
    assert result.changes == ChangeRecord(
        lines_added=frozenset({"L1", "L2"}), totals=True, state=True
    )
    assert (recalled.transaction_id, recalled.state) == (tx_id, TransactionState.OPEN)
    assert recalled.totals.total == D("3.68")
    assert rt.suspended() == []
    assert stores.carts["R1"] is recalled
    assert scan(rt, COLA_EAN).line_id == "L3"


def test_recall_reprices_for_the_new_day() -> None:
    clock = FixedClock(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC))
    rt, _ = make_runtime(clock=clock)
    line = add(rt, "SALE")
    assert line.unit_price == D("3.99")  # sales price until 2026-11-30
    tx_id = current(rt).transaction_id
    ok(rt.suspend(Suspend()))
    clock.advance(dt.timedelta(days=1))
    recalled = ok(rt.recall(Recall(tx_id)))
    assert recalled.lines[0].unit_price == D("5.00")  # back to the base price


def test_recall_of_another_registers_transaction_is_refused() -> None:
    stores = MemoryStores()
    other, _ = make_runtime(stores=stores, register_id="R2")
    scan(other, COLA_EAN)
    other_id = current(other).transaction_id
    ok(other.suspend(Suspend()))
    rt, _ = make_runtime(stores=stores)
    assert rt.suspended() == []
    refusal = refusal_of(rt.recall(Recall(other_id)))
    assert refusal.code is RefusalCode.NOT_SUSPENDED
    assert rt.transaction is None
    assert [t.transaction_id for t in other.suspended()] == [other_id]  # still there
    assert ok(other.recall(Recall(other_id))).register_id == "R2"


def test_suspend_refusals() -> None:
    rt, _ = make_runtime()
    assert refusal_of(rt.suspend(Suspend())).code is RefusalCode.NO_TRANSACTION
    ok(rt.start(StartTransaction("1001")))
    assert refusal_of(rt.suspend(Suspend())).code is RefusalCode.WRONG_STATE  # empty
    scan(rt, COLA_EAN)
    ok(rt.add_tender(AddTender("cash", D("0.50"))))
    before = rt.transaction
    refusal = refusal_of(rt.suspend(Suspend()))
    assert refusal.code is RefusalCode.WRONG_STATE
    assert "tender" in refusal.message
    assert rt.transaction is before


def test_recall_refused_while_a_transaction_is_open() -> None:
    rt, _ = make_runtime()
    scan(rt, COLA_EAN)
    first = current(rt).transaction_id
    ok(rt.suspend(Suspend()))
    scan(rt, BREAD_EAN)
    before = rt.transaction
    refusal = refusal_of(rt.recall(Recall(first)))
    assert refusal.code is RefusalCode.TRANSACTION_OPEN
    assert rt.transaction is before
    assert [t.transaction_id for t in rt.suspended()] == [first]
    assert refusal_of(rt.recall(Recall("nope"))).code is RefusalCode.TRANSACTION_OPEN


def test_recall_refused_while_the_open_transaction_has_voided_lines() -> None:
    # voided lines are part of the record (loss prevention): the transaction must be voided or
    # concluded, not silently replaced by the recalled one
    rt, _ = make_runtime()
    scan(rt, COLA_EAN)
    first = current(rt).transaction_id
    ok(rt.suspend(Suspend()))
    scan(rt, BREAD_EAN)
    ok(rt.void_line(VoidLine("L1")))
    before = rt.transaction
    assert refusal_of(rt.recall(Recall(first))).code is RefusalCode.TRANSACTION_OPEN
    assert rt.transaction is before


def test_recall_into_an_empty_started_transaction() -> None:
    rt, _ = make_runtime()
    scan(rt, COLA_EAN)
    first = current(rt).transaction_id
    ok(rt.suspend(Suspend()))
    ok(rt.start(StartTransaction("1001")))
    assert ok(rt.recall(Recall(first))).transaction_id == first
    assert refusal_of(rt.recall(Recall("nope"))).code is RefusalCode.TRANSACTION_OPEN


def test_recall_unknown_id() -> None:
    rt, _ = make_runtime()
    refusal = refusal_of(rt.recall(Recall("tx-999999")))
    assert refusal.code is RefusalCode.NOT_SUSPENDED
    assert "tx-999999" in refusal.message


# ---- start and conclude ------------------------------------------------------------------------


def test_explicit_start() -> None:
    rt, stores = make_runtime()
    # a sale belongs to the signed-in operator (1001); starting one for another is refused
    assert refusal_of(rt.start(StartTransaction("2002"))).code is RefusalCode.NOT_SIGNED_IN
    result = rt.start(StartTransaction("1001"))
    tx = ok(result)
    assert result.changes == ChangeRecord(totals=True, state=True)
    assert (tx.operator_id, tx.lines, tx.totals.total) == ("1001", (), 0)
    assert stores.carts["R1"] is tx
    assert refusal_of(rt.start(StartTransaction("1001"))).code is RefusalCode.TRANSACTION_OPEN
    assert rt.transaction is tx


def test_conclude_numbers_receipts_gap_free_and_adds_change() -> None:
    rt, stores = make_runtime()
    numbers = []
    for _ in range(2):
        scan(rt, COLA_EAN)
        ok(rt.add_tender(AddTender("cash", D("5.00"))))
        result = rt.conclude(Conclude())
        sale = ok(result)
        assert result.changes == ChangeRecord(totals=True, tenders=True, state=True)
        numbers.append(sale.transaction.receipt_number)
        assert sale.receipt.receipt_number == sale.transaction.receipt_number
    # a voided transaction in between spends no number
    scan(rt, COLA_EAN)
    ok(rt.void_transaction(VoidTransaction()))
    scan(rt, BREAD_EAN)
    ok(rt.add_tender(AddTender("cash")))
    sale = ok(rt.conclude(Conclude()))
    numbers.append(sale.transaction.receipt_number)
    # 09:30 UTC is 10:30 on 2026-11-23 in Berlin
    assert numbers == ["S1-R1-20261123-0001", "S1-R1-20261123-0002", "S1-R1-20261123-0003"]
    assert [t.receipt_number for t in stores.finished] == [
        "S1-R1-20261123-0001",
        "S1-R1-20261123-0002",
        None,
        "S1-R1-20261123-0003",
    ]
    assert sale.device_seq == 4  # every finished transaction has an outbox sequence

    first = stores.finished[0]
    assert first.state is TransactionState.CONCLUDED and first.ended_at == NOW
    # 5.00 cash for 1.19: change 3.81 as a negative cash line
    change = first.tenders[-1]
    assert (change.tender_line_id, change.tender_type_id, change.amount, change.is_change) == (
        "T2",
        "cash",
        D("-3.81"),
        True,
    )
    assert first.totals.paid == D("1.19")  # 5.00 - 3.81
    assert first.totals.balance_due == first.totals.change_due == 0


def test_concluded_transaction_stays_last_finished() -> None:
    rt, _ = make_runtime()
    scan(rt, COLA_EAN)
    ok(rt.add_tender(AddTender("cash")))
    sale = ok(rt.conclude(Conclude()))
    assert rt.transaction is None
    assert rt.last_finished == sale.transaction
    # a reprint is available from the runtime
    assert rt.receipt(sale.transaction, copy=True).kind == "copy"


def test_first_scan_after_a_sale_starts_the_next_one() -> None:
    rt, stores = make_runtime()
    scan(rt, COLA_EAN)
    ok(rt.add_tender(AddTender("cash")))
    done = ok(rt.conclude(Conclude())).transaction
    result = rt.add_line(AddLine(barcode=BREAD_EAN))
    assert result.changes == ChangeRecord(lines_added=frozenset({"L1"}), totals=True, state=True)
    tx = current(rt)
    assert tx.transaction_id != done.transaction_id
    assert (tx.state, tx.receipt_number, tx.totals.total) == (
        TransactionState.OPEN,
        None,
        D("2.49"),
    )
    assert stores.carts["R1"] is tx


def test_a_new_runtime_resumes_the_saved_cart() -> None:
    rt, stores = make_runtime()
    scan(rt, COLA_EAN)
    saved = current(rt)
    again, _ = make_runtime(stores=stores)  # the register restarted after a crash
    assert again.transaction is saved
    assert scan(again, BREAD_EAN).line_id == "L2"


def test_search_goes_to_the_catalogue() -> None:
    rt, _ = make_runtime()
    assert [hit.item_id for hit in rt.search("red wi")] == ["WINE"]
