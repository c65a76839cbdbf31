"""Bad input to the shift and drawer operations: each is refused with a clear message and
changes nothing (no shift change recorded, the register's shift as it was)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from runtime.facade import CommerceRuntime
from runtime.operations import AddLine, OpResult, RefusalCode
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
from runtime.shifts import ShiftModel
from tests.runtime.fakes import ok
from tests.shifts.shift_support import Rig, refused_with, rig

D = Decimal
Call = Callable[[CommerceRuntime], OpResult[object]]


def _refused_unchanged(r: Rig, call: Call, code: RefusalCode) -> str:
    shift, shift_id = r.rt.current_shift, r.rt.shift_id
    events, ops, tx = list(r.shifts.events), list(r.shifts.ops), r.rt.transaction
    refusal = refused_with(call(r.rt), code)
    assert r.shifts.events == events and r.shifts.ops == ops
    assert (r.rt.current_shift, r.rt.shift_id, r.rt.transaction) == (shift, shift_id, tx)
    return refusal.message


def _open() -> Rig:
    r = rig()
    ok(r.rt.open_shift(OpenShift(start_amounts={"cash": "100"})))
    return r


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ({"cash": {"20": -1}}, "negative"),
        ({"cash": {"20": "two"}}, "not a count"),
        ({"cash": {"20": "1.5"}}, "whole"),
        ({"cash": {"20": 1.0}}, "not a count"),  # floats are inexact
        ({"cash": {"20": "NaN"}}, "not a count"),
        ({"cash": {"20": True}}, "not a count"),
        ({"cash": {"25": 1}}, "not a EUR denomination"),
        ({"cash": {"abc": 1}}, "not a EUR denomination"),
        ({"cash": {"20": 1, "20.00": 1}}, "twice"),
        ({"usd": {"0.50": 1}}, "not a USD denomination"),
        ({"cash": "66.17"}, "by denomination"),
        ({"card": {"20": 1}}, "one amount"),
        ({"card": "-1"}, "zero or more"),
        ({"card": "ten"}, "not an amount"),
        ({}, "at least one"),
    ],
)
def test_a_bad_declaration_is_refused(counts: dict[str, object], words: str) -> None:
    r = _open()
    message = _refused_unchanged(
        r, lambda rt: rt.declare_tenders(DeclareTenders(counts)), RefusalCode.INVALID_COUNT
    )
    assert words in message


def test_declaring_an_unknown_tender_is_refused() -> None:
    r = _open()
    _refused_unchanged(
        r, lambda rt: rt.declare_tenders(DeclareTenders({"gold": "1"})), RefusalCode.UNKNOWN_TENDER
    )


def test_closing_a_closed_shift_is_refused() -> None:
    r = _open()
    shift_id = ok(r.rt.close_shift()).shift.shift_id
    message = _refused_unchanged(
        r, lambda rt: rt.close_shift(CloseShift(shift_id)), RefusalCode.SHIFT_CLOSED
    )
    assert "already closed" in message
    _refused_unchanged(r, lambda rt: rt.close_shift(), RefusalCode.NO_SHIFT)
    _refused_unchanged(
        r,
        lambda rt: rt.declare_tenders(DeclareTenders({"card": "1"}, shift_id=shift_id)),
        RefusalCode.SHIFT_CLOSED,
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda rt: rt.float_entry(FloatEntry("10")),
        lambda rt: rt.tender_removal(TenderRemoval("10")),
        lambda rt: rt.safe_drop(SafeDrop("10")),
        lambda rt: rt.bank_drop(BankDrop("10", "B1")),
        lambda rt: rt.pay_in(PayIn("PAYIN-CHG", "10")),
        lambda rt: rt.pay_out(PayOut("PAYOUT-SUP", "10")),
        lambda rt: rt.no_sale(NoSale()),
        lambda rt: rt.declare_start_amount(DeclareStartAmount({"cash": "10"})),
        lambda rt: rt.declare_tenders(DeclareTenders({"card": "10"})),
        lambda rt: rt.x_report(),
        lambda rt: rt.blind_close(),
        lambda rt: rt.suspend_shift(),
    ],
)
def test_a_drawer_operation_with_no_open_shift_is_refused(call: Call) -> None:
    r = rig()
    _refused_unchanged(r, call, RefusalCode.NO_SHIFT)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda rt: rt.pay_out(PayOut("NOPE", "10")), RefusalCode.UNKNOWN_REASON),
        (lambda rt: rt.pay_out(PayOut("PAYIN-CHG", "10")), RefusalCode.UNKNOWN_REASON),
        (lambda rt: rt.pay_in(PayIn("PAYOUT-SUP", "10")), RefusalCode.UNKNOWN_REASON),
        (lambda rt: rt.no_sale(NoSale("RET-DEF")), RefusalCode.UNKNOWN_REASON),
        (lambda rt: rt.float_entry(FloatEntry("-5")), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.float_entry(FloatEntry("0")), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.float_entry(FloatEntry(5.0)), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.safe_drop(SafeDrop("1.005")), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.safe_drop(SafeDrop(D("Infinity"))), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.safe_drop(SafeDrop("1e20")), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.safe_drop(SafeDrop("10", "card")), RefusalCode.UNKNOWN_TENDER),
        (lambda rt: rt.safe_drop(SafeDrop("10", "gold")), RefusalCode.UNKNOWN_TENDER),
        (lambda rt: rt.bank_drop(BankDrop("10", "  ")), RefusalCode.INVALID_TEXT),
        (lambda rt: rt.safe_drop(SafeDrop("10", comment="x" * 500)), RefusalCode.INVALID_TEXT),
        (lambda rt: rt.no_sale(NoSale(comment="x" * 500)), RefusalCode.INVALID_TEXT),
        (lambda rt: rt.declare_start_amount(DeclareStartAmount({})), RefusalCode.INVALID_AMOUNT),
        (lambda rt: rt.open_shift(OpenShift()), RefusalCode.SHIFT_OPEN),
        (lambda rt: rt.resume_shift(ResumeShift("nope")), RefusalCode.SHIFT_OPEN),
        (lambda rt: rt.z_report("nope"), RefusalCode.NO_SHIFT),
        (lambda rt: rt.last_z_report(), RefusalCode.NO_SHIFT),
    ],
)
def test_bad_drawer_input_is_refused(call: Call, code: RefusalCode) -> None:
    _refused_unchanged(_open(), call, code)


def test_opening_a_second_shift_says_which_one_is_open() -> None:
    r = _open()
    message = _refused_unchanged(r, lambda rt: rt.open_shift(OpenShift()), RefusalCode.SHIFT_OPEN)
    assert "R1-1" in message


def test_opening_with_a_bad_start_amount_opens_nothing() -> None:
    r = rig()
    _refused_unchanged(
        r,
        lambda rt: rt.open_shift(OpenShift(start_amounts={"cash": "-1"})),
        RefusalCode.INVALID_AMOUNT,
    )
    assert r.shifts.shifts_by_id == {}


def test_resuming_a_fixed_till_shift_is_refused() -> None:
    r = rig(R2=ShiftModel.FIXED)
    fixed = ok(r.runtime("R2").open_shift(OpenShift())).shift
    message = _refused_unchanged(
        r, lambda rt: rt.resume_shift(ResumeShift(fixed.shift_id)), RefusalCode.WRONG_STATE
    )
    assert "fixed-till" in message


def test_resuming_a_shift_that_is_open_elsewhere_is_refused() -> None:
    r = rig(R2=ShiftModel.FLOATING)
    other = ok(r.runtime("R2").open_shift(OpenShift())).shift
    _refused_unchanged(
        r, lambda rt: rt.resume_shift(ResumeShift(other.shift_id)), RefusalCode.SHIFT_ELSEWHERE
    )


def test_the_shift_cannot_change_under_a_sale_in_progress() -> None:
    r = _open()
    ok(r.rt.add_line(AddLine(item_id="COLA")))
    _refused_unchanged(r, lambda rt: rt.close_shift(), RefusalCode.TRANSACTION_OPEN)
    _refused_unchanged(r, lambda rt: rt.blind_close(), RefusalCode.TRANSACTION_OPEN)
    _refused_unchanged(r, lambda rt: rt.suspend_shift(), RefusalCode.TRANSACTION_OPEN)


def test_a_storage_failure_changes_nothing() -> None:
    r = _open()
    r.sales.fail_method = "record"
    _refused_unchanged(r, lambda rt: rt.safe_drop(SafeDrop("10")), RefusalCode.STORAGE)
    r.sales.fail_method = "record"
    _refused_unchanged(r, lambda rt: rt.close_shift(), RefusalCode.STORAGE)
    assert r.rt.current_shift is not None


def test_nobody_signed_in_may_open_a_shift() -> None:
    r = rig()
    r.rt.operator_id = None
    _refused_unchanged(r, lambda rt: rt.open_shift(OpenShift()), RefusalCode.NOT_SIGNED_IN)
