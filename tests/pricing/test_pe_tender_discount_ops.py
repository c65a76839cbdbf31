"""Tender-based discounts earned at payment: the demo store gives 2 % off when 100.00 or more is
paid by card (TD-CARD). The discount lands on the lines when the card tender is added, and
leaves again when that payment is declined or voided."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from local_db import DEMO_ITEMS
from runtime.operations import AddLine, AddTender, Conclude, TenderCard, VoidTender
from runtime.ports import PaymentOutcome, PaymentStatus
from runtime.transaction import TenderStatus
from tests.pricing.test_pe_db_support import Till, discounts_by_id, ok, open_till, seeded
from tests.runtime.fakes import ScriptedTerminal

D = Decimal


def _basket(tmp_path: Path, terminal: ScriptedTerminal) -> Till:
    till = open_till(seeded(tmp_path))
    till.runtime.ports = replace(till.runtime.ports, payment=terminal)
    ok(till.runtime.add_line(AddLine(barcode=DEMO_ITEMS["espresso"], quantity=D(8))))
    return till


def test_paying_by_card_earns_the_tender_discount_and_the_sale_adds_up(tmp_path: Path) -> None:
    till = _basket(tmp_path, ScriptedTerminal())
    rt = till.runtime
    try:
        before = rt.transaction.totals.total  # type: ignore[union-attr]
        assert before >= D("100")
        tender = ok(rt.tender_card(TenderCard("card")))
        tx = rt.transaction
        assert tx is not None and tender.status is TenderStatus.APPROVED
        earned = discounts_by_id(tx)["TD-CARD"]
        assert before == D("113.92")  # 8 x 14.99 less the 5 % basket discount (6.00)
        assert before - tx.totals.total == sum(D(a) for a in earned) == D("2.28")  # 2 %
        assert tender.amount == tx.totals.total  # the payment was the discounted amount
        sale = ok(rt.conclude(Conclude()))
        assert sale.transaction.totals.paid == sale.transaction.totals.total
    finally:
        till.close()


def test_a_declined_card_takes_its_discount_back(tmp_path: Path) -> None:
    declined = PaymentOutcome(PaymentStatus.DECLINED, message="insufficient funds")
    till = _basket(tmp_path, ScriptedTerminal(declined))
    rt = till.runtime
    try:
        before = rt.transaction.totals.total  # type: ignore[union-attr]
        tender = ok(rt.tender_card(TenderCard("card")))
        assert tender.status is TenderStatus.DECLINED
        tx = rt.transaction
        assert tx is not None and "TD-CARD" not in discounts_by_id(tx)
        assert tx.totals.total == before and tx.tender_discounts == ()
    finally:
        till.close()


def test_voiding_the_card_payment_removes_the_discount_and_cash_earns_none(
    tmp_path: Path,
) -> None:
    till = _basket(tmp_path, ScriptedTerminal())
    rt = till.runtime
    try:
        before = rt.transaction.totals.total  # type: ignore[union-attr]
        tender = ok(rt.tender_card(TenderCard("card")))
        assert rt.transaction.totals.total < before  # type: ignore[union-attr]
        ok(rt.void_tender(VoidTender(tender.tender_line_id)))
        tx = rt.transaction
        assert tx is not None and tx.totals.total == before and tx.tender_discounts == ()
        ok(rt.add_tender(AddTender("cash", D("200"))))
        assert "TD-CARD" not in discounts_by_id(rt.transaction)  # type: ignore[arg-type]
        sale = ok(rt.conclude(Conclude()))
        assert sale.transaction.totals.total == before
    finally:
        till.close()


def test_a_small_card_payment_earns_nothing(tmp_path: Path) -> None:
    till = open_till(seeded(tmp_path))
    till.runtime.ports = replace(till.runtime.ports, payment=ScriptedTerminal())
    rt = till.runtime
    try:
        ok(rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])))
        before = rt.transaction.totals.total  # type: ignore[union-attr]
        ok(rt.tender_card(TenderCard("card")))
        assert rt.transaction is not None and rt.transaction.totals.total == before
    finally:
        till.close()
