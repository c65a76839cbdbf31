"""Card tenders through the payment-terminal port: approve, decline, partial, unknown."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from decimal import Decimal

from runtime.codec import tender_to_dict, transaction_to_dict
from runtime.facade import CommerceRuntime
from runtime.operations import (
    AddLine,
    AddTender,
    ChangeRecord,
    Conclude,
    RefusalCode,
    ResolveCardTender,
    SetQuantity,
    TenderCard,
    VoidTender,
    VoidTransaction,
)
from runtime.ports import PaymentOutcome, PaymentRequest, PaymentStatus
from runtime.receipt import TextRow
from runtime.transaction import TenderLine, TenderStatus, Transaction
from tests.runtime.fakes import (
    COLA_EAN,
    MemoryStores,
    ScriptedTerminal,
    make_runtime,
    ok,
    refusal_of,
)

D = Decimal
TENDERS = ChangeRecord(tenders=True, totals=True)


def current(rt: CommerceRuntime) -> Transaction:
    assert rt.transaction is not None
    return rt.transaction


def rows(rows_: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(r.left, r.right) for r in rows_ if isinstance(r, TextRow)]


# ---- cards ---------------------------------------------------------------------------------------


def test_split_tender_card_and_cash() -> None:
    terminal = ScriptedTerminal()
    rt, stores = make_runtime(terminal=terminal)
    ok(rt.add_line(AddLine(barcode=COLA_EAN, quantity=D("10"))))  # 11.90
    result = rt.tender_card(TenderCard("card", D("5.00")))
    card = ok(result)
    assert result.changes == TENDERS
    assert (card.status, card.amount, card.terminal_reference, card.card_brand) == (
        TenderStatus.APPROVED,
        D("5.00"),
        "REF1",
        "VISA",
    )
    assert card.request_id == terminal.requests[0].request_id
    assert current(rt).totals.balance_due == D("6.90")
    assert ok(rt.add_tender(AddTender("cash"))).amount == D("6.90")
    sale = ok(rt.conclude(Conclude()))
    tender_rows = rows(sale.receipt.tenders)
    assert tender_rows[:3] == [("Card", "5.00"), ("  VISA ref REF1", ""), ("Cash", "6.90")]
    assert stores.finished[-1].tenders == sale.transaction.tenders


def test_card_declined_leaves_the_balance() -> None:
    declined = PaymentOutcome(PaymentStatus.DECLINED, message="insufficient funds")
    rt, _ = make_runtime(terminal=ScriptedTerminal(declined))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    line = ok(rt.tender_card(TenderCard("card")))
    assert (line.status, line.message, line.counts) == (
        TenderStatus.DECLINED,
        "insufficient funds",
        False,
    )
    t = current(rt).totals
    assert (t.paid, t.balance_due) == (0, D("1.19"))
    # the declined attempt stays on the record; a second card is approved
    assert ok(rt.tender_card(TenderCard("card"))).status is TenderStatus.APPROVED
    sale = ok(rt.conclude(Conclude()))
    assert [t.status for t in sale.transaction.tenders] == [
        TenderStatus.DECLINED,
        TenderStatus.APPROVED,
    ]
    assert rows(sale.receipt.tenders)[0] == ("Card", "1.19")  # only the approved one printed


def test_partial_approval_leaves_the_rest_due() -> None:
    partial = PaymentOutcome(PaymentStatus.PARTIAL, D("4.00"), "P1", "MC")
    rt, _ = make_runtime(terminal=ScriptedTerminal(partial))
    ok(rt.add_line(AddLine(barcode=COLA_EAN, quantity=D("10"))))  # 11.90
    line = ok(rt.tender_card(TenderCard("card")))
    assert (line.status, line.amount, line.terminal_reference) == (
        TenderStatus.APPROVED,
        D("4.00"),
        "P1",
    )
    assert line.message == "partially approved: 4.00 of 11.90"
    assert current(rt).totals.balance_due == D("7.90")
    assert refusal_of(rt.conclude(Conclude())).code is RefusalCode.BALANCE_DUE


def test_unknown_outcome_blocks_the_sale_until_resolved() -> None:
    terminal = ScriptedTerminal(TimeoutError("no answer"))
    rt, _ = make_runtime(terminal=terminal)
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    line = ok(rt.tender_card(TenderCard("card")))
    assert (line.status, line.message) == (TenderStatus.UNKNOWN, "terminal error: no answer")
    assert current(rt).totals.paid == 0
    before = rt.transaction
    for call in (
        lambda: rt.conclude(Conclude()),
        lambda: rt.add_line(AddLine(barcode=COLA_EAN)),
        lambda: rt.add_tender(AddTender("cash")),
        lambda: rt.tender_card(TenderCard("card")),
        lambda: rt.void_transaction(VoidTransaction()),
        lambda: rt.void_tender(VoidTender("T1")),
        lambda: rt.set_quantity(SetQuantity("L1", D("2"))),
    ):
        assert refusal_of(call()).code is RefusalCode.PAYMENT_PENDING  # type: ignore[arg-type]
        assert rt.transaction is before
    assert len(terminal.requests) == 1  # never asked twice

    result = rt.resolve_card_tender(ResolveCardTender("T1"))
    resolved = ok(result)
    assert result.changes == TENDERS
    assert (resolved.status, resolved.terminal_reference, resolved.amount) == (
        TenderStatus.APPROVED,
        "LATE1",
        D("1.19"),
    )
    assert len(terminal.requests) == 1  # asked for the status, not authorised again
    assert refusal_of(rt.resolve_card_tender(ResolveCardTender("T1"))).code is (
        RefusalCode.WRONG_STATE
    )
    assert refusal_of(rt.resolve_card_tender(ResolveCardTender("T9"))).code is (
        RefusalCode.UNKNOWN_LINE
    )
    ok(rt.conclude(Conclude()))


def test_unknown_outcome_resolved_as_declined() -> None:
    class Forgetful(ScriptedTerminal):
        def status(self, request_id: str) -> PaymentOutcome:
            return PaymentOutcome(PaymentStatus.DECLINED, message="not found")

    rt, _ = make_runtime(terminal=Forgetful(TimeoutError("no answer")))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.tender_card(TenderCard("card")))
    resolved = ok(rt.resolve_card_tender(ResolveCardTender("T1")))
    assert resolved.status is TenderStatus.DECLINED
    assert current(rt).totals.balance_due == D("1.19")
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))  # selling goes on


def test_request_id_is_persisted_before_the_terminal_is_asked() -> None:
    seen: list[TenderLine] = []

    class Inspecting(ScriptedTerminal):
        stores: MemoryStores

        def authorize(self, request: PaymentRequest) -> PaymentOutcome:
            cart = self.stores.carts["R1"]  # what a crash right now would resume with
            seen.append(cart.tenders[-1])
            return super().authorize(request)

    terminal = Inspecting()
    rt, stores = make_runtime(terminal=terminal)
    terminal.stores = stores
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    approved = ok(rt.tender_card(TenderCard("card")))
    (pending,) = seen
    assert pending.status is TenderStatus.PENDING
    assert pending.request_id == terminal.requests[0].request_id == approved.request_id
    assert pending.amount == D("1.19")
    assert stores.carts["R1"].tenders[-1].status is TenderStatus.APPROVED


def test_void_cash_tender() -> None:
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.add_tender(AddTender("cash", D("1.00"))))
    result = rt.void_tender(VoidTender("T1"))
    assert ok(result).status is TenderStatus.VOIDED
    assert result.changes == TENDERS
    assert current(rt).totals.balance_due == D("1.19")
    before = rt.transaction
    assert refusal_of(rt.void_tender(VoidTender("T1"))).code is RefusalCode.WRONG_STATE
    assert refusal_of(rt.void_tender(VoidTender("T5"))).code is RefusalCode.UNKNOWN_LINE
    assert rt.transaction is before


def test_void_card_tender_reverses_it_at_the_terminal() -> None:
    terminal = ScriptedTerminal()
    rt, _ = make_runtime(terminal=terminal)
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    card = ok(rt.tender_card(TenderCard("card")))
    before = rt.transaction
    refusal = refusal_of(rt.void_transaction(VoidTransaction()))
    assert refusal.code is RefusalCode.CARD_TENDERED
    assert rt.transaction is before
    assert terminal.reversed == []
    assert ok(rt.void_tender(VoidTender("T1"))).status is TenderStatus.VOIDED
    assert terminal.reversed == [card.request_id]
    assert ok(rt.void_transaction(VoidTransaction())).tenders[0].status is TenderStatus.VOIDED


def test_reversal_refused_by_the_terminal_keeps_the_tender() -> None:
    class Stubborn(ScriptedTerminal):
        def reverse(self, request_id: str, reference: str | None) -> PaymentOutcome:
            self.reversed.append(request_id)
            return PaymentOutcome(PaymentStatus.DECLINED, message="too late")

    rt, _ = make_runtime(terminal=Stubborn())
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.tender_card(TenderCard("card")))
    before = rt.transaction
    refusal = refusal_of(rt.void_tender(VoidTender("T1")))
    assert refusal.code is RefusalCode.PAYMENT_DECLINED
    assert "too late" in refusal.message
    assert rt.transaction is before
    assert current(rt).totals.balance_due == 0


def test_no_terminal_connected() -> None:
    rt, _ = make_runtime()
    rt.ports = replace(rt.ports, payment=None)
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    assert refusal_of(rt.tender_card(TenderCard("card"))).code is RefusalCode.UNKNOWN_TENDER


def test_card_numbers_are_never_stored() -> None:
    forbidden = {"pan", "card_number", "card_no", "number", "track2", "cvv", "expiry"}
    names = {f.name for f in dataclasses.fields(TenderLine)}
    assert not names & forbidden
    rt, _ = make_runtime()
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    card = ok(rt.tender_card(TenderCard("card")))
    assert not set(tender_to_dict(card)) & forbidden
    sale = ok(rt.conclude(Conclude()))
    for tender in transaction_to_dict(sale.transaction)["tenders"]:
        assert not set(tender) & forbidden
    assert {f.name for f in dataclasses.fields(PaymentRequest)} == {
        "request_id",
        "amount",
        "currency",
    }


# ---- terminal failures ---------------------------------------------------------------------------


def test_status_query_failing_leaves_the_outcome_unknown() -> None:
    class Offline(ScriptedTerminal):
        def status(self, request_id: str) -> PaymentOutcome:
            raise ConnectionError("terminal offline")

    rt, _ = make_runtime(terminal=Offline(TimeoutError("no answer")))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.tender_card(TenderCard("card")))
    line = ok(rt.resolve_card_tender(ResolveCardTender("T1")))
    assert (line.status, line.message) == (TenderStatus.UNKNOWN, "terminal error: terminal offline")
    assert refusal_of(rt.conclude(Conclude())).code is RefusalCode.PAYMENT_PENDING


def test_reversal_failing_keeps_the_tender() -> None:
    class Broken(ScriptedTerminal):
        def reverse(self, request_id: str, reference: str | None) -> PaymentOutcome:
            raise ConnectionError("cable unplugged")

    rt, _ = make_runtime(terminal=Broken())
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.tender_card(TenderCard("card")))
    before = rt.transaction
    refusal = refusal_of(rt.void_tender(VoidTender("T1")))
    assert refusal.code is RefusalCode.PAYMENT_DECLINED and "cable unplugged" in refusal.message
    assert rt.transaction is before


def test_storage_failure_after_the_terminal_answered_is_recoverable() -> None:
    # the pending line is saved, the terminal approves, then saving the approval fails: the
    # register must not forget that a request is out, and must not charge the card again
    class FullDiskAfterwards(ScriptedTerminal):
        stores: MemoryStores

        def authorize(self, request: PaymentRequest) -> PaymentOutcome:
            self.stores.fail_next = True
            return super().authorize(request)

    terminal = FullDiskAfterwards()
    rt, stores = make_runtime(terminal=terminal)
    terminal.stores = stores
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    assert refusal_of(rt.tender_card(TenderCard("card"))).code is RefusalCode.STORAGE
    pending = current(rt).tenders[-1]
    assert pending.status is TenderStatus.PENDING
    assert stores.carts["R1"].tenders[-1] == pending  # what a restart would resume with
    assert refusal_of(rt.tender_card(TenderCard("card"))).code is RefusalCode.PAYMENT_PENDING
    resolved = ok(rt.resolve_card_tender(ResolveCardTender(pending.tender_line_id)))
    assert (resolved.status, resolved.terminal_reference) == (TenderStatus.APPROVED, "REF1")
    assert len(terminal.requests) == 1
    ok(rt.conclude(Conclude()))


def test_card_declined_outcome_is_not_a_refusal() -> None:
    rt, _ = make_runtime(terminal=ScriptedTerminal(PaymentOutcome(PaymentStatus.DECLINED)))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    result = rt.tender_card(TenderCard("card"))
    assert result.ok  # the decline is the tender line's status, with its change record
    assert result.changes.tenders
