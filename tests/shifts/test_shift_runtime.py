"""Shift and drawer rules in the runtime, over an in-memory shift store: the whole cash-up
with exact expected, declared and over/short amounts, X/Z reports, blind close, floating tills."""

from __future__ import annotations

from decimal import Decimal

from runtime.operations import AddLine, AddTender, Approval, Conclude, Permission, RefusalCode
from runtime.receipt_text import render_text
from runtime.shift_report import report_from_dict, report_to_dict
from runtime.shift_requests import (
    BankDrop,
    CloseShift,
    DeclareStartAmount,
    DeclareTenders,
    FloatEntry,
    NoSale,
    OpenShift,
    PayIn,
    PayOut,
    ResumeShift,
    SafeDrop,
    TenderRemoval,
)
from runtime.shifts import DrawerKind, ShiftModel, ShiftStatus
from tests.runtime.fakes import ok
from tests.shifts.shift_support import DenyingAccess, refused_with, rig, sell_card, sell_cash

D = Decimal
CASH_66_17 = {"50": 1, "10": 1, "5": 1, "1": 1, "0.10": 1, "0.05": 1, "0.02": 1}


def _full_shift() -> tuple[object, object]:
    r = rig()
    rt = r.rt
    opened = ok(rt.open_shift(OpenShift(start_amounts={"cash": "100.00"})))
    assert opened.open_drawer and opened.shift.number == 1
    sell_cash(rt, "5", "COLA", "BREAD")  # 3.68, change 1.32
    sell_card(rt, "COLA")  # 1.19
    assert ok(rt.float_entry(FloatEntry(D("20")))).open_drawer
    ok(rt.tender_removal(TenderRemoval("10")))
    ok(rt.safe_drop(SafeDrop(D("30"))))
    ok(rt.bank_drop(BankDrop(D("15"), " BAG-7 ")))
    ok(rt.pay_in(PayIn("PAYIN-CHG", D("5"))))
    ok(rt.pay_out(PayOut("PAYOUT-SUP", "7.50")))
    ok(rt.no_sale(NoSale("NOSALE-CHG")))
    declared = ok(rt.declare_tenders(DeclareTenders({"cash": CASH_66_17, "card": "1.19"})))
    assert [op.amount for op in declared.operations] == [D("66.17"), D("1.19")]
    return r, ok(rt.close_shift(CloseShift()))


def test_a_whole_shift_closes_with_exact_expected_declared_and_over_short() -> None:
    r, closed = _full_shift()
    report = closed.report  # type: ignore[attr-defined]
    cash, card = report.tender("cash"), report.tender("card")
    # 100 + 20 + 3.68 - 10 - 30 (safe) - 15 (bank) + 5 - 7.50
    assert (cash.expected, cash.declared, cash.over_short) == (D("66.18"), D("66.17"), D("-0.01"))
    assert (card.expected, card.declared, card.over_short) == (D("1.19"), D("1.19"), D("0"))
    f = report.figures
    assert (f.sales_count, f.sales_amount, f.returns_count, f.voided_count) == (2, D("4.87"), 0, 0)
    assert [(t.tender_type_id, t.count, t.amount) for t in f.tenders] == [
        ("card", 1, D("1.19")),
        ("cash", 1, D("3.68")),
    ]
    assert [(x.code, x.base, x.amount) for x in f.taxes] == [
        ("VAT19", D("2.00"), D("0.38")),
        ("VAT7", D("2.33"), D("0.16")),
    ]
    assert report.drawer_total(DrawerKind.SAFE_DROP).amount == D("30")
    assert report.drawer_total(DrawerKind.BANK_DROP).count == 1
    assert report.drawer_total(DrawerKind.NO_SALE).count == 1
    assert report.drawer_total(DrawerKind.PAY_OUT, "cash").amount == D("7.50")
    shift = closed.shift  # type: ignore[attr-defined]
    assert shift.status is ShiftStatus.CLOSED and shift.z_number == 1
    rt = r.rt  # type: ignore[attr-defined]
    assert rt.current_shift is None and rt.shift_id is None
    text = render_text(closed.document)  # type: ignore[attr-defined]
    assert closed.document.kind == "z_report"  # type: ignore[attr-defined]
    assert "Z REPORT" in text and "Short" in text and "66.18" in text
    bank = [op for op in r.shifts.ops if op.kind is DrawerKind.BANK_DROP]  # type: ignore[attr-defined]
    assert bank[0].bag_number == "BAG-7"
    payout = [op for op in r.shifts.ops if op.kind is DrawerKind.PAY_OUT][0]  # type: ignore[attr-defined]
    assert (payout.reason_code, payout.account) == ("PAYOUT-SUP", "4930")


def test_sales_carry_the_open_shift_and_a_restart_finds_it_again() -> None:
    r = rig()
    shift = ok(r.rt.open_shift(OpenShift())).shift
    assert r.rt.shift_id == shift.shift_id
    sell_cash(r.rt, "2", "COLA")
    assert r.sales.finished[-1].shift_id == shift.shift_id
    again = r.runtime("R1")  # the register restarts
    assert again.current_shift == shift and again.shift_id == shift.shift_id


def test_an_empty_cart_follows_the_shift_it_will_be_sold_in() -> None:
    r = rig()
    from runtime.operations import StartTransaction

    ok(r.rt.start(StartTransaction("1001")))
    assert r.rt.transaction is not None and r.rt.transaction.shift_id is None
    shift = ok(r.rt.open_shift(OpenShift())).shift
    assert r.rt.transaction.shift_id == shift.shift_id
    assert r.sales.carts["R1"].shift_id == shift.shift_id


def test_x_report_is_a_mid_shift_read_that_closes_nothing() -> None:
    r = rig()
    ok(r.rt.open_shift(OpenShift(start_amounts={"cash": "50"})))
    sell_cash(r.rt, "10", "BREAD")
    x = ok(r.rt.x_report())
    assert x.report.kind == "x" and x.document.kind == "x_report"
    assert x.report.tender("cash").expected == D("52.49")
    assert x.report.tender("cash").declared is None
    assert r.rt.current_shift is not None and len(r.shifts.events) == 1
    assert ("1001", "xz_reports", "print an X report") in r.access.asked
    assert "X REPORT" in render_text(x.document)


def test_the_last_z_report_reprints_exactly_what_was_closed() -> None:
    r, closed = _full_shift()
    rt = r.rt  # type: ignore[attr-defined]
    again = ok(rt.last_z_report())
    assert again.report == closed.report  # type: ignore[attr-defined]
    assert again.document.meta["reprint"] == "1"
    assert "REPRINT" in render_text(again.document)
    by_id = ok(rt.z_report(closed.shift.shift_id))  # type: ignore[attr-defined]
    assert by_id.report == closed.report  # type: ignore[attr-defined]
    assert report_from_dict(report_to_dict(again.report)) == again.report


def test_require_start_amount_and_declaration_blocks_the_close_until_both_are_done() -> None:
    r = rig(require=True)
    ok(r.rt.open_shift(OpenShift()))
    sell_cash(r.rt, "5", "COLA")
    refusal = refused_with(r.rt.close_shift(), RefusalCode.DECLARATION_REQUIRED)
    assert "start amount" in refusal.message and "Cash" in refusal.message
    ok(r.rt.declare_start_amount(DeclareStartAmount({"cash": "0"})))
    refused_with(r.rt.close_shift(), RefusalCode.DECLARATION_REQUIRED)
    ok(r.rt.declare_tenders(DeclareTenders({"cash": {"1": 1, "0.10": 1, "0.05": 1, "0.02": 2}})))
    closed = ok(r.rt.close_shift())
    cash = closed.report.tender("cash")
    assert (cash.expected, cash.declared, cash.over_short) == (D("1.19"), D("1.19"), D("0"))


def test_the_last_declaration_of_a_tender_is_the_one_that_counts() -> None:
    r = rig()
    ok(r.rt.open_shift(OpenShift(start_amounts={"cash": "20"})))
    ok(r.rt.declare_tenders(DeclareTenders({"cash": {"10": 1}})))
    ok(r.rt.declare_tenders(DeclareTenders({"cash": {"20": 1}})))
    cash = ok(r.rt.close_shift()).report.tender("cash")
    assert (cash.declared, cash.over_short) == (D("20"), D("0"))


def test_blind_close_hides_the_expected_amounts_and_the_shift_is_declared_later() -> None:
    r = rig()
    shift = ok(r.rt.open_shift(OpenShift(start_amounts={"cash": "100"}))).shift
    sell_cash(r.rt, "20", "BREAD")
    blind = ok(r.rt.blind_close())
    assert blind.shift.status is ShiftStatus.BLIND_CLOSED
    assert not hasattr(blind, "report")  # nothing about expected amounts
    assert r.rt.current_shift is None
    assert [s.shift_id for s in r.rt.blind_closed_shifts()] == [shift.shift_id]
    second = ok(r.rt.open_shift(OpenShift())).shift  # the till is free for the next shift
    assert second.number == 2
    ok(r.rt.declare_tenders(DeclareTenders({"cash": {"100": 1, "2": 1}}, shift_id=shift.shift_id)))
    closed = ok(r.rt.close_shift(CloseShift(shift.shift_id)))
    cash = closed.report.tender("cash")
    assert (cash.expected, cash.declared, cash.over_short) == (D("102.49"), D("102"), D("-0.49"))
    assert r.rt.current_shift == second  # closing the blind-closed one left the open one alone
    assert ("1001", "blind_close", "blind close the shift") in r.access.asked


def test_a_floating_till_is_suspended_here_and_resumed_on_another_register() -> None:
    r = rig(R2=ShiftModel.FIXED)
    shift = ok(r.rt.open_shift(OpenShift(start_amounts={"cash": "10"}))).shift
    suspended = ok(r.rt.suspend_shift()).shift
    assert suspended.status is ShiftStatus.SUSPENDED and r.rt.shift_id is None
    refused_with(r.rt.safe_drop(SafeDrop("1")), RefusalCode.NO_SHIFT)
    r2 = r.runtime("R2")
    assert [s.shift_id for s in r2.suspended_shifts()] == [shift.shift_id]
    resumed = ok(r2.resume_shift(ResumeShift(shift.shift_id))).shift
    assert (resumed.status, resumed.register_id) == (ShiftStatus.OPEN, "R2")
    assert r2.shift_id == shift.shift_id
    sell_cash(r2, "1.19", "COLA")
    cash = ok(r2.close_shift()).report.tender("cash")
    assert cash.expected == D("11.19")


def test_a_fixed_till_shift_cannot_be_suspended() -> None:
    r = rig(R1=ShiftModel.FIXED)
    ok(r.rt.open_shift(OpenShift()))
    refused_with(r.rt.suspend_shift(), RefusalCode.WRONG_STATE)
    assert r.rt.current_shift is not None and len(r.shifts.events) == 1


def test_a_shared_shift_needs_the_channel_server() -> None:
    r = rig(R1=ShiftModel.SHARED)
    refusal = refused_with(r.rt.open_shift(OpenShift()), RefusalCode.NEEDS_SERVER)
    assert "channel server" in refusal.message
    assert r.shifts.events == []


def test_the_drawer_hook_refuses_cash_without_a_shift_only_when_shifts_are_kept() -> None:
    r = rig()
    refusal = r.rt._drawer_refusal("take cash")
    assert refusal is not None and refusal.code is RefusalCode.NO_SHIFT
    ok(r.rt.open_shift(OpenShift()))
    assert r.rt._drawer_refusal("take cash") is None
    from tests.runtime.fakes import make_runtime

    plain, _ = make_runtime()  # no shift store: no drawer rules
    assert plain._drawer_refusal("take cash") is None


def test_drawer_operations_ask_for_their_permission_and_take_a_manager_override() -> None:
    access = DenyingAccess(Permission.DRAWER_OPERATIONS, Permission.NO_SALE)
    r = rig(access=access)
    ok(r.rt.open_shift(OpenShift()))
    before = len(r.shifts.events)
    refused_with(r.rt.safe_drop(SafeDrop("5")), RefusalCode.PERMISSION_REQUIRED)
    refused_with(r.rt.no_sale(), RefusalCode.PERMISSION_REQUIRED)
    assert len(r.shifts.events) == before
    done = ok(r.rt.safe_drop(SafeDrop("5", approval=Approval("9001", "9999"))))
    assert done.operations[0].approver_id == "9001"
    asked = [(p, a) for _, p, a in access.asked]
    assert ("drawer_operations", "make a safe drop") in asked
    assert ("no_sale", "open the drawer without a sale") in asked


def test_start_amount_and_declarations_need_the_declarations_permission() -> None:
    r = rig(access=DenyingAccess(Permission.DECLARATIONS))
    refused_with(
        r.rt.open_shift(OpenShift(start_amounts={"cash": "10"})), RefusalCode.PERMISSION_REQUIRED
    )
    assert r.shifts.events == [] and r.rt.current_shift is None
    ok(r.rt.open_shift(OpenShift()))
    refused_with(
        r.rt.declare_tenders(DeclareTenders({"card": "0"})), RefusalCode.PERMISSION_REQUIRED
    )


def test_foreign_currency_is_expected_and_counted_in_its_own_notes() -> None:
    r = rig()
    ok(r.rt.open_shift(OpenShift(start_amounts={"usd": "20"})))
    ok(r.rt.add_line(AddLine(item_id="COLA")))
    ok(r.rt.add_tender(AddTender("usd", D("5"))))  # 4.50 EUR at 0.90, change in EUR cash
    ok(r.rt.conclude(Conclude()))
    x = ok(r.rt.x_report()).report
    usd, cash = x.tender("usd"), x.tender("cash")
    assert (usd.expected, usd.currency) == (D("25"), "USD")
    assert cash.expected == D("-3.31")  # change paid from an empty cash drawer
    ok(r.rt.declare_tenders(DeclareTenders({"usd": {"20": 1, "5": 1}})))
    assert ok(r.rt.close_shift()).report.tender("usd").over_short == D("0")
