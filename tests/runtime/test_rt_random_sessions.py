"""Random cashier sessions: whatever the order of operations, the books always balance.

Hypothesis drives a register through random operations (good and bad input alike) on stores
with prices incl/excl tax, per-line/per-total tax rounding and optional 0.05 cash rounding.
After every step: a refusal changed nothing, the cart store holds exactly the open transaction,
every total is the sum of its lines and tenders, and every concluded sale is paid to the cent
with gap-free receipt numbers.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.config import TaxRounding
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    CommentLine,
    Conclude,
    OpResult,
    Recall,
    ResolveCardTender,
    SetQuantity,
    SetTaxExempt,
    SetUnit,
    Suspend,
    TenderCard,
    VoidLine,
    VoidTender,
    VoidTransaction,
)
from runtime.ports import PaymentOutcome, PaymentStatus
from runtime.transaction import Transaction, TransactionState
from tests.runtime.fakes import (
    BARCODES,
    ScriptedTerminal,
    make_runtime,
    store_config,
)

D = Decimal
ITEMS = ["COLA", "BREAD", "LEVY", "GUM", "STAMP", "SALE", "SHIRT-L-BLUE", "SHIRT-M-RED"]
QUANTITIES = st.sampled_from(["1", "2", "3", "7", "0", "-1", "1.5", "NaN", "12000"]).map(D)
AMOUNTS = st.one_of(
    st.none(),
    st.integers(1, 5000).map(lambda c: D(c) / 100),
    st.sampled_from([D("0"), D("-1"), D("0.001"), D("3000")]),
)
OUTCOMES = st.sampled_from(["approve", "decline", "partial", "timeout"])


def outcome(kind: str) -> PaymentOutcome | Exception:
    if kind == "approve":
        return PaymentOutcome(PaymentStatus.APPROVED, D("0"), "A", "VISA")
    if kind == "decline":
        return PaymentOutcome(PaymentStatus.DECLINED, message="no")
    if kind == "partial":
        return PaymentOutcome(PaymentStatus.PARTIAL, D("1.00"), "P", "MC")
    return TimeoutError("no answer")


def operation(data: st.DataObject, rt: CommerceRuntime, terminal: ScriptedTerminal) -> object:
    tx = rt.transaction
    line_ids = [line.line_id for line in tx.lines] if tx and tx.lines else ["L1"]
    tender_ids = [t.tender_line_id for t in tx.tenders] if tx and tx.tenders else ["T1"]
    line_id = data.draw(st.sampled_from(line_ids))
    tender_id = data.draw(st.sampled_from(tender_ids))
    kind = data.draw(
        st.sampled_from(
            ["item"] * 6
            + ["scan", "weigh", "qty", "unit", "void_line", "comment", "exempt"]
            + ["cash"] * 3
            + ["check", "usd", "card", "resolve", "void_tender", "conclude", "conclude"]
            + ["void_tx", "suspend", "recall"]
        )
    )
    if kind == "item":
        return rt.add_line(AddLine(item_id=data.draw(st.sampled_from(ITEMS))))
    if kind == "scan":
        return rt.add_line(
            AddLine(barcode=data.draw(st.sampled_from([*BARCODES, "4000000000099", "x\x00"])))
        )
    if kind == "weigh":
        weight = data.draw(st.sampled_from(["0.755", "1.235", "0", "2000"]))
        return rt.add_line(AddLine(item_id="BANANA", weight=D(weight)))
    if kind == "qty":
        return rt.set_quantity(SetQuantity(line_id, data.draw(QUANTITIES)))
    if kind == "unit":
        return rt.set_unit(SetUnit(line_id, data.draw(st.sampled_from(["ea", "pk6", "kg"]))))
    if kind == "void_line":
        return rt.void_line(VoidLine(line_id))
    if kind == "comment":
        return rt.comment_line(CommentLine(line_id, "note\x07"))
    if kind == "exempt":
        return rt.set_tax_exempt(SetTaxExempt(data.draw(st.booleans()), "export"))
    if kind in ("cash", "check", "usd"):
        return rt.add_tender(AddTender(kind, data.draw(AMOUNTS)))
    if kind == "card":
        terminal.script.append(outcome(data.draw(OUTCOMES)))
        return rt.tender_card(TenderCard("card", data.draw(AMOUNTS)))
    if kind == "resolve":
        return rt.resolve_card_tender(ResolveCardTender(tender_id))
    if kind == "void_tender":
        return rt.void_tender(VoidTender(tender_id))
    if kind == "conclude":
        return rt.conclude(Conclude())
    if kind == "void_tx":
        return rt.void_transaction(VoidTransaction())
    if kind == "suspend":
        return rt.suspend(Suspend())
    suspended = [t.transaction_id for t in rt.suspended()] or ["none"]
    return rt.recall(Recall(data.draw(st.sampled_from(suspended))))


def check_books(tx: Transaction, prices_include_tax: bool) -> None:
    lines = tx.active_lines
    t = tx.totals
    assert t.subtotal == sum((x.gross_amount for x in lines), D(0))
    assert t.discount_total == sum((x.discount_amount for x in lines), D(0))
    assert t.tax_total == sum((x.tax_amount for x in lines), D(0))
    assert t.total == sum((x.amount_incl_tax for x in lines), D(0))
    assert t.tax_total == sum((s.amount for s in t.tax_summary), D(0))
    counted = [x for x in tx.tenders if x.counts]
    assert t.paid == sum((x.amount for x in counted), D(0))
    assert t.cash_rounding == sum((x.rounding for x in counted), D(0))
    for x in lines:
        assert x.amount_incl_tax - x.amount_excl_tax == x.tax_amount
        assert x.net_amount == (x.amount_incl_tax if prices_include_tax else x.amount_excl_tax)
        for value in (x.gross_amount, x.net_amount, x.tax_amount, x.unit_price):
            assert value == value.quantize(D("0.01"))
        if tx.tax_exempt:
            assert x.taxes == ()


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.data(),
    st.booleans(),
    st.sampled_from(list(TaxRounding)),
    st.sampled_from([None, D("0.05")]),
)
def test_random_sessions_keep_the_books(
    data: st.DataObject,
    prices_include_tax: bool,
    tax_rounding: TaxRounding,
    cash_rounding: Decimal | None,
) -> None:
    store = store_config(
        prices_include_tax=prices_include_tax,
        tax_rounding=tax_rounding,
        cash_rounding=cash_rounding,
    )
    terminal = ScriptedTerminal()
    rt, stores = make_runtime(store, terminal=terminal)
    for _ in range(data.draw(st.integers(5, 40))):
        before = rt.transaction
        result = operation(data, rt, terminal)
        assert isinstance(result, OpResult)
        if not result.ok:
            assert rt.transaction is before
            assert not result.changes.anything
        else:
            assert result.changes.anything
        tx = rt.transaction
        assert stores.carts.get("R1") is tx
        if tx is not None:
            assert tx.state is TransactionState.OPEN
            check_books(tx, prices_include_tax)
    numbers = []
    for done in stores.finished:
        check_books(done, prices_include_tax)
        if done.state is TransactionState.CONCLUDED:
            assert done.totals.remaining == 0
            assert done.totals.balance_due == done.totals.change_due == 0
            assert not done.unresolved_tenders
            numbers.append(done.receipt_number)
            change = [x for x in done.tenders if x.is_change]
            assert len(change) <= 1
            if cash_rounding is not None:
                for x in change:
                    assert x.amount % cash_rounding == 0  # coins exist for it
        else:
            assert done.receipt_number is None
            assert not done.approved_card_tenders
    assert numbers == [f"S1-R1-20261123-{n:04d}" for n in range(1, len(numbers) + 1)]
