"""Receipts of returns, gift receipts, reprints marked as copies, and the journal search
request (store-local days to UTC bounds) in the runtime."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from runtime.operations import AddLine, RefusalCode
from runtime.receipt_text import render_text
from runtime.return_requests import FindReceipt, JournalSearch, ReturnItem, ReturnLines
from tests.returns.return_support import refund_cash, return_runtime, sell
from tests.runtime.fakes import COLA_EAN, SHIRT_EAN, ok, refuse

D = Decimal
MONEY = re.compile(r"\d+\.\d\d")


def test_a_return_receipt_names_the_original_receipt_per_line() -> None:
    rt, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=COLA_EAN, quantity=D(2)), AddLine(barcode=SHIRT_EAN))
    number = sale.receipt_number or ""
    ok(rt.return_lines(ReturnLines(number, {"L1": D(1), "L2": D(1)})))
    ok(rt.return_without_receipt(ReturnItem(item_id="BREAD", reason_code="RET-CHG")))
    done = refund_cash(rt)
    document = rt.receipt(done)
    text = render_text(document)
    assert document.kind == "return"
    assert "*** RETURN ***" in text
    assert f"  Return of {number} L1\n" in text
    assert f"  Return of {number} L2\n" in text
    assert "Return without receipt (RET-CHG)" in text
    assert re.search(r"REFUND\s+-18\.68", text)  # 1.19 + 15.00 + 2.49
    assert re.search(r"Cash refund\s+-18\.68", text)


def test_a_gift_receipt_shows_items_and_quantities_but_no_money() -> None:
    rt, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=COLA_EAN, quantity=D(2)), AddLine(barcode=SHIRT_EAN))
    document = rt.gift_receipt(sale)
    text = render_text(document)
    assert document.kind == "gift"
    assert document.totals == () and document.tax == () and document.tenders == ()
    assert "GIFT RECEIPT" in text and "Cola 0.5l" in text and "2 ea" in text
    assert "T-Shirt" in text
    assert not MONEY.search(text), text  # no price, total or payment anywhere
    assert f"|| {sale.receipt_number} ||" in text  # the barcode to return the gift with
    view = ok(rt.find_receipt(FindReceipt(sale.receipt_number or "")))  # and it finds the sale
    assert view.transaction.transaction_id == sale.transaction_id


def test_a_reprint_is_marked_as_a_copy_and_audited() -> None:
    rt, *_ = return_runtime()
    sale = sell(rt, AddLine(barcode=COLA_EAN))
    original = rt.receipt(sale)
    copy = ok(rt.reprint(FindReceipt(sale.receipt_number or "")))
    assert copy.kind == "copy" and original.kind == "sale"
    assert "*** COPY ***" in render_text(copy) and "*** COPY ***" not in render_text(original)
    assert copy.lines == original.lines and copy.totals == original.totals
    access = rt.ports.access
    assert access is not None
    assert ("1001", "audit", "reprint a receipt") in access.asked  # type: ignore[attr-defined]


def test_show_receipt_finds_voided_transactions_too() -> None:
    from runtime.operations import VoidTransaction

    rt, *_ = return_runtime()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    voided = ok(rt.void_transaction(VoidTransaction("test")))
    shown = ok(rt.show_receipt(FindReceipt(voided.transaction_id)))
    assert shown.state.value == "voided"
    assert rt.receipt(shown, copy=True).kind == "copy"


def test_journal_search_turns_store_local_days_into_utc_bounds() -> None:
    rt, _, journal, _, _ = return_runtime()
    sell(rt, AddLine(barcode=COLA_EAN))
    summaries = ok(
        rt.journal_search(
            JournalSearch(
                date_from=dt.date(2026, 11, 23),
                date_to=dt.date(2026, 11, 24),
                operator_id=" 1001 ",
                min_amount=D("1"),
                max_amount=D("2"),
                item_id="COLA",
                receipt_number=" S1-R1-20261123-0001\n",
                limit=5,
            )
        )
    )
    (query,) = journal.queries
    # Berlin is UTC+1 in November: the day starts at 23:00 UTC the evening before
    assert query.ended_from == dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.UTC)
    assert query.ended_to == dt.datetime(2026, 11, 24, 23, 0, tzinfo=dt.UTC)
    assert (query.operator_id, query.item_id, query.limit) == ("1001", "COLA", 5)
    assert query.receipt_number == "S1-R1-20261123-0001"
    assert (query.min_total, query.max_total, query.store_id) == (D("1"), D("2"), "S1")
    assert [s.receipt_number for s in summaries] == ["S1-R1-20261123-0001"]


def test_summer_days_use_summer_time() -> None:
    rt, _, journal, _, _ = return_runtime()
    ok(rt.journal_search(JournalSearch(date_from=dt.date(2026, 7, 1))))
    (query,) = journal.queries
    assert query.ended_from == dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)
    assert query.ended_to is None


@pytest.mark.parametrize(
    "search",
    [
        JournalSearch(limit=0),
        JournalSearch(limit=100_000),
        JournalSearch(min_amount=D("5"), max_amount=D("1")),
        JournalSearch(min_amount=D("NaN")),
        JournalSearch(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1)),
    ],
)
def test_bad_journal_searches_are_refused(search: JournalSearch) -> None:
    rt, stores, journal, _, _ = return_runtime()
    refusal = refuse(
        rt,
        stores,
        lambda: rt.journal_search(search),
        RefusalCode(RefusalCode.WRONG_STATE if search.date_from else RefusalCode.INVALID_AMOUNT),
    )
    assert refusal.message and journal.queries == []
