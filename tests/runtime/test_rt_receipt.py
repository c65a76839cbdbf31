"""Receipt documents and their plain-text rendering."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.operations import (
    AddLine,
    AddTender,
    CommentLine,
    Conclude,
    TenderCard,
    VoidTransaction,
)
from runtime.receipt import (
    Align,
    BarcodeBlock,
    ReceiptDocument,
    Separator,
    TextRow,
    build_receipt,
)
from runtime.receipt_text import render_text
from runtime.system import FixedClock
from runtime.tender_ops import ConcludedSale
from tests.runtime.fakes import (
    PRODUCTS,
    DiscountPricing,
    make_runtime,
    ok,
    store_config,
)

D = Decimal
NUMBER = "S1-R1-20261123-0001"


def full_sale(**kw: object) -> ConcludedSale:
    """Cola x2 with a 0.20 promotion, weighed bananas, a phone with serial and comment;
    paid 100.00 by card and 110.00 cash."""
    rt, _ = make_runtime(pricing=DiscountPricing("COLA", D("0.20")), **kw)  # type: ignore[arg-type]
    ok(rt.add_line(AddLine(item_id="COLA", quantity=D("2"))))
    ok(rt.add_line(AddLine(item_id="BANANA", weight=D("0.755"))))
    ok(rt.add_line(AddLine(item_id="PHONE", serial_number="SN-1")))
    ok(rt.comment_line(CommentLine("L3", "gift")))
    ok(rt.tender_card(TenderCard("card", D("100.00"))))
    ok(rt.add_tender(AddTender("cash", D("110.00"))))
    return ok(rt.conclude(Conclude()))


def test_receipt_document_sections() -> None:
    sale = full_sale()
    doc = sale.receipt
    assert doc.kind == "sale"
    assert doc.receipt_number == NUMBER
    assert doc.header == (
        TextRow("Test Market", align=Align.CENTER, bold=True, double=True),
        TextRow("1 Market Street", align=Align.CENTER),
        Separator(),
        TextRow(f"Receipt {NUMBER}"),
        TextRow("2026-11-23 10:30", "Reg R1 Op 1001"),  # 09:30 UTC in Berlin (CET)
        Separator(),
    )
    assert doc.lines == (
        TextRow("Cola 0.5l", "2.38"),  # 2 x 1.19
        TextRow("  2 ea x 1.19"),
        TextRow("  Promo", "-0.20"),
        TextRow("Bananas", "1.50"),  # 0.755 x 1.99 = 1.50245
        TextRow("  0.755 kg x 1.99"),
        TextRow("Phone", "199.00"),
        TextRow("  S/N SN-1"),
        TextRow("  gift"),
    )
    assert doc.totals == (
        Separator(),
        TextRow("Subtotal", "202.88"),  # 2.38 + 1.50 + 199.00
        TextRow("Discounts", "-0.20"),
        TextRow("TOTAL", "202.68", bold=True, double=True),
    )
    # VAT19: cola 2.18 * 19/119 = 0.3481 -> 0.35 (net 1.83); phone 199 * 19/119 = 31.7731
    #        -> 31.77 (net 167.23); base 1.83 + 167.23 = 169.06, tax 32.12
    # VAT7: bananas 1.50 * 7/107 = 0.0981 -> 0.10, net 1.40
    assert doc.tax == (
        TextRow("Tax", "rate    net     tax"),
        TextRow("  VAT19", "   19%  169.06   32.12"),
        TextRow("  VAT7", "    7%    1.40    0.10"),
    )
    # 100.00 + 110.00 - 202.68 = 7.32 change
    assert doc.tenders == (
        Separator(),
        TextRow("Card", "100.00"),
        TextRow("  VISA ref REF1"),
        TextRow("Cash", "110.00"),
        TextRow("Change", "7.32", bold=True),
    )
    assert doc.footer == (
        Separator(),
        TextRow("Thank you!", align=Align.CENTER),
        BarcodeBlock(NUMBER),
    )
    assert doc.meta == {
        "transaction_id": sale.transaction.transaction_id,
        "local_time": "2026-11-23T10:30:00+01:00",
    }


def test_receipt_time_is_store_local_in_summer_too() -> None:
    clock = FixedClock(dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC))
    sale = full_sale(clock=clock)
    assert TextRow("2026-07-01 11:30", "Reg R1 Op 1001") in sale.receipt.header  # CEST
    assert sale.transaction.receipt_number == "S1-R1-20260701-0001"


def test_excl_tax_receipt_shows_the_tax_added() -> None:
    rt, _ = make_runtime(store_config(prices_include_tax=False))
    ok(rt.add_line(AddLine(item_id="COLA")))
    ok(rt.add_tender(AddTender("cash")))
    doc = ok(rt.conclude(Conclude())).receipt
    # 1.19 + 0.2261 -> 0.23 = 1.42
    assert doc.totals == (
        Separator(),
        TextRow("Tax", "0.23"),
        TextRow("TOTAL", "1.42", bold=True, double=True),
    )


def test_copy_and_void_markers() -> None:
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(item_id="COLA")))
    ok(rt.add_tender(AddTender("cash")))
    sale = ok(rt.conclude(Conclude()))
    copy = rt.receipt(sale.transaction, copy=True)
    assert copy.kind == "copy"
    assert TextRow("*** COPY ***", align=Align.CENTER, bold=True) in copy.header
    assert "*** COPY ***" not in render_text(sale.receipt)
    assert "*** COPY ***" in render_text(copy)
    # a voided transaction's document says so and has no number
    ok(rt.add_line(AddLine(item_id="COLA")))
    voided = ok(rt.void_transaction(VoidTransaction()))
    doc = rt.receipt(voided)
    assert doc.kind == "void"
    assert TextRow("*** VOIDED ***", align=Align.CENTER, bold=True) in doc.header
    assert TextRow("Receipt -") in doc.header
    assert not any(isinstance(e, BarcodeBlock) for e in doc.elements)


# ---- text rendering ------------------------------------------------------------------------------


def test_render_text_at_42_columns() -> None:
    text = render_text(full_sale().receipt, 42)
    lines = text.splitlines()
    assert text.endswith("\n")
    assert lines[0] == "TEST MARKET".center(42).rstrip()  # double size: capitals
    assert "-" * 42 in lines
    assert "Cola 0.5l" + " " * 29 + "2.38" in lines  # amount flush right at column 42
    assert "  Promo" + " " * 30 + "-0.20" in lines
    assert "TOTAL" + " " * 31 + "202.68" in lines
    assert "Change" + " " * 32 + "7.32" in lines
    assert f"|| {NUMBER} ||".center(42).rstrip() in lines
    assert "2026-11-23 10:30" + " " * 12 + "Reg R1 Op 1001" in lines


@pytest.mark.parametrize("width", [32, 42, 48])
def test_every_row_fits_with_long_names(width: int) -> None:
    rt, _ = make_runtime(
        store_config(
            name="The Extraordinarily Long Named Corner Market And Delicatessen",
            address_lines=("Unit 17b, Industriestraße 245, 80939 München-Freimann, Bavaria",),
            receipt_footer=("Returns within 30 days with this receipt. " * 3,),
        ),
        mask="FILIALE-{store}-KASSE-{register}-{yyyy}{mm}{dd}-{seq:010}",
    )
    ok(rt.add_line(AddLine(item_id="LONG", quantity=D("3"))))
    ok(rt.comment_line(CommentLine("L1", "please wrap this very long comment " * 5)))
    ok(rt.add_line(AddLine(item_id="SHIRT-L-BLUE")))
    ok(rt.add_tender(AddTender("cash", D("2000"))))
    ok(rt.tender_card(TenderCard("card")))
    sale = ok(rt.conclude(Conclude()))
    text = render_text(sale.receipt, width)
    for row in text.splitlines():
        assert len(row) <= width, row
    squeezed = re.sub(r"\s+", "", text)
    name = re.sub(r"\s+", "", PRODUCTS["LONG"].name)
    assert name in squeezed  # wrapped, not cut
    assert "3703.68" in text  # 3 x 1234.56, kept whole on its row
    assert re.sub(r"\s+", "", "please wrap this very long comment " * 5) in squeezed
    assert sale.transaction.receipt_number is not None
    assert sale.transaction.receipt_number in squeezed  # the number survives, if not as barcode


text_rows = st.builds(
    TextRow,
    left=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120),
    right=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=60),
    align=st.sampled_from(list(Align)),
)


@given(st.lists(text_rows, min_size=1, max_size=8), st.sampled_from([32, 42, 48]))
def test_rendering_fits_and_loses_no_text(rows: list[TextRow], width: int) -> None:
    text = render_text(ReceiptDocument("sale", lines=tuple(rows)), width)
    assert all(len(row) <= width for row in text.splitlines())
    expected = "".join(re.sub(r"\s+", "", r.left + r.right) for r in rows)
    assert re.sub(r"\s+", "", text) == expected


def test_build_receipt_directly_for_an_unnumbered_transaction() -> None:
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(item_id="STAMP")))
    assert rt.transaction is not None
    doc = build_receipt(rt.transaction, rt.store, rt.register)
    assert doc.receipt_number is None
    assert doc.tax == ()  # untaxed stamp: no tax summary
    assert TextRow("TOTAL", "0.95", bold=True, double=True) in doc.totals


def test_quantities_print_plainly() -> None:
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(item_id="COLA", quantity=D("1E+1"))))  # a valid way to write 10
    ok(rt.add_line(AddLine(item_id="BANANA", weight=D("1.500"))))
    ok(rt.add_tender(AddTender("cash")))
    doc = ok(rt.conclude(Conclude())).receipt
    assert TextRow("  10 ea x 1.19") in doc.lines  # 10 x 1.19 = 11.90
    assert TextRow("Cola 0.5l", "11.90") in doc.lines
    assert TextRow("  1.5 kg x 1.99") in doc.lines  # 1.5 x 1.99 = 2.985 -> 2.99
    assert TextRow("Bananas", "2.99") in doc.lines


class TickingClock(FixedClock):
    """Moves one second on every reading, like a real clock between two calls."""

    def now(self) -> dt.datetime:
        moment = self.at
        self.advance(dt.timedelta(seconds=1))
        return moment


def test_receipt_number_date_and_printed_time_agree_at_midnight() -> None:
    # the sale ends at 23:59:5x local time; a second reading of the clock may be past midnight
    clock = TickingClock(dt.datetime(2026, 11, 30, 22, 59, 55, tzinfo=dt.UTC))
    rt, _ = make_runtime(clock=clock)
    ok(rt.add_line(AddLine(item_id="COLA")))
    ok(rt.add_tender(AddTender("cash")))
    clock.at = dt.datetime(2026, 11, 30, 22, 59, 59, tzinfo=dt.UTC)
    sale = ok(rt.conclude(Conclude()))
    assert sale.transaction.ended_at == dt.datetime(2026, 11, 30, 22, 59, 59, tzinfo=dt.UTC)
    assert TextRow("2026-11-30 23:59", "Reg R1 Op 1001") in sale.receipt.header
    assert sale.transaction.receipt_number == "S1-R1-20261130-0001"
