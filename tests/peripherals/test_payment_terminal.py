"""The nexo terminal driver against our terminal simulator over real HTTP on 127.0.0.1.

The rule under test: a payment goes on the wire at most once. Lost answers are recovered by a
TransactionStatus query; the simulator's counters prove nothing was charged twice.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from peripherals import payment_messages as nexo
from peripherals.device import DeviceError, DeviceUnavailable
from peripherals.events import (
    DataEvent,
    DeviceCategory,
    DeviceState,
    DeviceStatus,
    ErrorEvent,
    EventRecorder,
    StatusEvent,
)
from peripherals.null_device import NullDevice
from peripherals.payment_log import InMemoryPaymentRequestLog, LoggedRequest, RequestKind
from peripherals.payment_nexo import PaymentNotSent
from peripherals.payment_terminal import NexoTerminal
from peripherals.registry import open_device
from peripherals.terminal_simulator import Action, Behaviour, TerminalSimulator
from runtime.ports import PaymentRequest, PaymentStatus

D = Decimal
WAIT = 10  # seconds: an upper bound for futures, never an expectation


@pytest.fixture
def sim() -> Iterator[TerminalSimulator]:
    with TerminalSimulator() as simulator:
        yield simulator


@pytest.fixture
def events() -> EventRecorder:
    return EventRecorder()


@pytest.fixture
def terminal(sim: TerminalSimulator, events: EventRecorder) -> Iterator[NexoTerminal]:
    config = sim.device_config("pay", 5.0, payment_timeout_s="0.3", status_interval_s="0.02")
    device = NexoTerminal(config, events)
    device.start(timeout=WAIT)
    yield device
    device.shutdown()


def _pay(terminal: NexoTerminal, rid: str, amount: str = "12.50") -> object:
    return terminal.pay(PaymentRequest(rid, D(amount), "EUR")).result(WAIT)


def _hang(action: Action) -> Behaviour:
    return Behaviour(action, hang_s=60)  # far past the 0.3 s payment timeout; stop() ends it


def _log(terminal: NexoTerminal) -> InMemoryPaymentRequestLog:
    log = terminal.request_log
    assert isinstance(log, InMemoryPaymentRequestLog)
    return log


def test_an_approved_payment_has_reference_brand_and_both_receipt_copies(
    sim: TerminalSimulator, terminal: NexoTerminal, events: EventRecorder
) -> None:
    result = terminal.pay(PaymentRequest("r1", D("12.50"), "EUR")).result(WAIT)
    outcome = result.outcome
    assert (outcome.status, outcome.approved_amount, outcome.card_brand) == (
        PaymentStatus.APPROVED,
        D("12.50"),
        "VISA",
    )
    tx = sim.transaction("r1")
    assert tx is not None and outcome.reference == tx.poi_transaction_id
    assert result.receipt_lines("merchant")[-1] == "MERCHANT COPY"
    assert result.receipt_lines("customer")[-1] == "CARDHOLDER COPY"
    assert "SALE  EUR 12.50" in result.receipt_lines("customer")
    assert not result.recovered and sim.charge_count == 1
    assert [e.data for e in events.events if isinstance(e, DataEvent)] == [result]
    entry = _log(terminal).find(RequestKind.PAYMENT, "r1")
    assert entry is not None and entry.status is PaymentStatus.APPROVED


def test_a_decline_is_an_outcome_with_the_reason_and_no_charge(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    sim.script_next(Behaviour(Action.DECLINE, reason="NOT ENOUGH BALANCE"))
    result = terminal.pay(PaymentRequest("r1", D("40.00"), "EUR")).result(WAIT)
    assert result.status is PaymentStatus.DECLINED
    assert result.outcome.message == "NOT ENOUGH BALANCE (Refusal)"
    assert "DECLINED" in result.receipt_lines("customer")
    assert terminal.state is DeviceState.ENABLED and sim.charge_count == 0


def test_a_partial_approval_reports_the_approved_part(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    sim.script_next(Behaviour(Action.PARTIAL, partial_amount=D("15.00")))
    result = terminal.pay(PaymentRequest("r1", D("40.00"), "EUR")).result(WAIT)
    assert (result.status, result.outcome.approved_amount) == (PaymentStatus.PARTIAL, D("15.00"))
    assert "15.00 of 40.00" in result.outcome.message
    assert sim.counters.charged_total == D("15.00")


def test_a_hang_is_resolved_by_a_status_query_and_charged_once(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    sim.script_next(_hang(Action.HANG_APPROVED))
    result = terminal.pay(PaymentRequest("r1", D("12.50"), "EUR")).result(WAIT)
    assert (result.status, result.recovered) == (PaymentStatus.APPROVED, True)
    assert result.receipt_lines("customer"), "the status answer repeats the receipts"
    assert (sim.counters.payment_requests, sim.charge_count) == (1, 1)
    assert sim.counters.status_queries >= 1
    assert _log(terminal).unresolved() == []


def test_a_hang_the_terminal_never_registered_is_declined_and_not_charged(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    sim.script_next(_hang(Action.HANG_NOT_FOUND))
    result = terminal.pay(PaymentRequest("r1", D("12.50"), "EUR")).result(WAIT)
    assert result.status is PaymentStatus.DECLINED
    assert "no record of the payment: nothing was charged" in result.outcome.message
    assert (sim.counters.payment_requests, sim.charge_count) == (1, 0)  # never sent twice


def test_a_terminal_stuck_in_progress_gives_unknown_and_is_asked_again_later(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    sim.script_next(_hang(Action.HANG_IN_PROGRESS))
    result = terminal.pay(PaymentRequest("r1", D("12.50"), "EUR")).result(WAIT)
    assert result.status is PaymentStatus.UNKNOWN
    assert "still working on it" in result.outcome.message
    assert [e.request_id for e in _log(terminal).unresolved()] == ["r1"]
    assert terminal.state is DeviceState.ENABLED
    sim.end_hangs()  # the terminal gives up on the card holder: the payment is aborted
    deadline = time.monotonic() + WAIT
    while (tx := sim.transaction("r1")) is not None and tx.state == "in_progress":
        assert time.monotonic() < deadline, "the simulator never ended its hang"
        time.sleep(0.05)
    later = terminal.transaction_status("r1").result(WAIT)
    assert later.status is PaymentStatus.DECLINED and "Aborted" in later.outcome.message
    assert (sim.counters.payment_requests, sim.charge_count) == (1, 0)
    assert _log(terminal).unresolved() == []


def test_a_connection_dropped_after_approval_is_recovered_as_approved(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    sim.script_next(Behaviour(Action.DROP_AFTER_APPROVE))
    result = terminal.pay(PaymentRequest("r1", D("7.00"), "EUR")).result(WAIT)
    assert (result.status, result.recovered, result.outcome.approved_amount) == (
        PaymentStatus.APPROVED,
        True,
        D("7.00"),
    )
    assert (sim.counters.payment_requests, sim.charge_count) == (1, 1)


def test_the_same_request_id_is_never_sent_twice(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    first = terminal.pay(PaymentRequest("r1", D("5.00"), "EUR")).result(WAIT)
    again = terminal.pay(PaymentRequest("r1", D("5.00"), "EUR")).result(WAIT)
    assert again.outcome == first.outcome and again.recovered
    assert sim.counters.payment_requests == 1 and sim.charge_count == 1


def test_a_reversal_voids_an_approved_payment_once(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    paid = terminal.pay(PaymentRequest("r1", D("9.99"), "EUR")).result(WAIT)
    reversed_ = terminal.reverse("r1", paid.outcome.reference).result(WAIT)
    assert (reversed_.status, reversed_.outcome.approved_amount) == (
        PaymentStatus.APPROVED,
        D("9.99"),
    )
    assert "REVERSED" in reversed_.receipt_lines("customer")
    tx = sim.transaction("r1")
    assert tx is not None and tx.reversed and sim.counters.reversals == 1
    assert terminal.reverse("r1", paid.outcome.reference).result(WAIT).outcome.status is (
        PaymentStatus.APPROVED
    )
    assert sim.counters.reversals == 1  # the second ask was answered from the log


def test_a_reversal_without_reference_looks_the_payment_up_first(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    terminal.pay(PaymentRequest("r1", D("3.00"), "EUR")).result(WAIT)
    assert terminal.reverse("r1", None).result(WAIT).status is PaymentStatus.APPROVED
    assert sim.counters.reversals == 1
    nothing = terminal.reverse("never-paid", None).result(WAIT)
    assert nothing.status is PaymentStatus.DECLINED
    assert "no approved payment to reverse" in nothing.outcome.message


def test_a_lost_reversal_answer_is_recovered_by_status(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    paid = terminal.pay(PaymentRequest("r1", D("3.00"), "EUR")).result(WAIT)
    sim.script_next_reversal(Behaviour(Action.DROP_AFTER_APPROVE))
    result = terminal.reverse("r1", paid.outcome.reference).result(WAIT)
    assert (result.status, result.recovered) == (PaymentStatus.APPROVED, True)
    assert sim.counters.reversals == 1


def test_a_refund_pays_back_to_the_card(sim: TerminalSimulator, terminal: NexoTerminal) -> None:
    paid = terminal.pay(PaymentRequest("sale", D("20.00"), "EUR")).result(WAIT)
    refund = terminal.refund(PaymentRequest("ret", D("5.00"), "EUR"), paid.outcome.reference)
    result = refund.result(WAIT)
    assert (result.status, result.outcome.approved_amount) == (PaymentStatus.APPROVED, D("5.00"))
    assert "REFUND  EUR 5.00" in result.receipt_lines("customer")
    assert (sim.counters.refunds, sim.charge_count) == (1, 1)
    entry = _log(terminal).find(RequestKind.REFUND, "ret")
    assert entry is not None and entry.status is PaymentStatus.APPROVED


def test_a_garbage_answer_is_a_clear_error_and_nothing_is_sent_again(
    sim: TerminalSimulator, terminal: NexoTerminal, events: EventRecorder
) -> None:
    sim.script_next(Behaviour(Action.GARBAGE))  # the terminal charged, then spoke nonsense
    future = terminal.pay(PaymentRequest("r1", D("12.50"), "EUR"))
    with pytest.raises(DeviceError, match="gave an answer the register cannot use .*not JSON"):
        future.result(WAIT)
    assert terminal.state is DeviceState.ERROR
    errors = [e for e in events.events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and "outcome is unknown" in errors[0].message
    assert [e.request_id for e in _log(terminal).unresolved()] == ["r1"]
    # asking is allowed in ERROR, and settles it; retrying only asks, it never re-sends
    assert terminal.transaction_status("r1").result(WAIT).status is PaymentStatus.APPROVED
    assert terminal.retry().result(WAIT).status is PaymentStatus.APPROVED  # type: ignore[attr-defined]
    assert terminal.state is DeviceState.ENABLED
    assert (sim.counters.payment_requests, sim.charge_count) == (1, 1)


def test_a_terminal_that_went_away_declines_with_nothing_charged(
    sim: TerminalSimulator, terminal: NexoTerminal, events: EventRecorder
) -> None:
    sim.stop()
    result = terminal.pay(PaymentRequest("r1", D("12.50"), "EUR")).result(WAIT)
    assert result.status is PaymentStatus.DECLINED
    assert "not reached" in result.outcome.message and "nothing was charged" in (
        result.outcome.message
    )
    offline = [
        e for e in events.events if isinstance(e, StatusEvent) and e.status is DeviceStatus.OFFLINE
    ]
    assert len(offline) == 1 and terminal.state is DeviceState.ENABLED


def test_each_request_is_logged_before_it_goes_on_the_wire(
    sim: TerminalSimulator, terminal: NexoTerminal
) -> None:
    seen: list[tuple[str, int]] = []

    class Spy(InMemoryPaymentRequestLog):
        def record_sent(self, entry: LoggedRequest) -> None:
            seen.append((entry.request_id, sim.counters.payment_requests))
            super().record_sent(entry)

    terminal.use_request_log(Spy())
    terminal.pay(PaymentRequest("r1", D("1.00"), "EUR")).result(WAIT)
    assert seen == [("r1", 0)]  # logged while the terminal had seen nothing yet


def test_a_failing_log_sends_nothing(sim: TerminalSimulator, terminal: NexoTerminal) -> None:
    class Full(InMemoryPaymentRequestLog):
        def record_sent(self, entry: LoggedRequest) -> None:
            raise OSError("disk full")

    terminal.use_request_log(Full())
    with pytest.raises(PaymentNotSent, match="disk full.*nothing was sent"):
        terminal.pay(PaymentRequest("r1", D("1.00"), "EUR")).result(WAIT)
    assert sim.counters.payment_requests == 0


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("-1.00", "EUR", "positive"), ("NaN", "EUR", "positive"), ("1.00", "EURO", "ISO 4217")],
)
def test_bad_input_is_refused_without_sending_or_changing_state(
    sim: TerminalSimulator, terminal: NexoTerminal, amount: str, currency: str, expected: str
) -> None:
    with pytest.raises(PaymentNotSent, match=expected):
        terminal.pay(PaymentRequest("r1", D(amount), currency)).result(WAIT)
    assert terminal.state is DeviceState.ENABLED and sim.counters.payment_requests == 0


def test_the_health_check_is_a_diagnosis(sim: TerminalSimulator, terminal: NexoTerminal) -> None:
    report = terminal.health_check().result(WAIT)
    assert report.ok and report.detail == "terminal POI1 OK"
    assert report.category is DeviceCategory.PAYMENT_TERMINAL and report.driver == "nexo"
    sim.book.global_status = nexo.GlobalStatus.MAINTENANCE
    report = terminal.health_check().result(WAIT)
    assert not report.ok and "reports Maintenance" in report.detail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_terminal_opens_as_a_null_device(events: EventRecorder) -> None:
    with TerminalSimulator() as sim:
        config = sim.device_config("pay", 5.0)
    device = open_device(replace(config, address="127.0.0.1", port=_free_port()), events)
    try:
        assert isinstance(device, NullDevice)
        assert "does not answer" in device.reason and "address" in device.reason
        with pytest.raises(DeviceUnavailable, match="not available"):
            device.pay(PaymentRequest("r1", D("1.00"), "EUR")).result(WAIT)
    finally:
        device.shutdown()


def test_a_missing_address_is_named_in_the_null_device_reason(events: EventRecorder) -> None:
    with TerminalSimulator() as sim:
        config = sim.device_config("pay", 5.0)
    device = open_device(replace(config, address=""), events)
    try:
        assert isinstance(device, NullDevice) and "set the terminal's address" in device.reason
    finally:
        device.shutdown()



def test_something_that_is_not_a_terminal_opens_as_a_null_device(
    sim: TerminalSimulator, events: EventRecorder
) -> None:
    config = replace(sim.device_config("pay", 5.0), address=f"http://127.0.0.1:{sim.port}/x")
    device = open_device(config, events)
    try:
        assert isinstance(device, NullDevice)
        assert "cannot use (HTTP 404)" in device.reason
    finally:
        device.shutdown()


def test_the_driver_catalogue_opens_the_nexo_terminal(
    sim: TerminalSimulator, events: EventRecorder
) -> None:
    device = open_device(sim.device_config("pay", 5.0), events)
    try:
        assert isinstance(device, NexoTerminal) and device.state is DeviceState.ENABLED
        assert device.pay(PaymentRequest("r1", D("2.00"), "EUR")).result(WAIT).status is (
            PaymentStatus.APPROVED
        )
    finally:
        device.shutdown()
