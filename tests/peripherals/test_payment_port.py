"""The runtime's PaymentTerminal port on top of the nexo device: every failure becomes an
outcome the runtime handles (DECLINED when nothing was sent, UNKNOWN otherwise), and the
terminal's receipt text stays available by request id."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from peripherals.events import DeviceCategory, DeviceState, EventRecorder
from peripherals.null_device import NullDevice
from peripherals.payment_port import TerminalPaymentPort
from peripherals.payment_terminal import NexoTerminal
from peripherals.terminal_simulator import Action, Behaviour, TerminalSimulator
from runtime.ports import PaymentRequest, PaymentStatus, PaymentTerminal

D = Decimal


@pytest.fixture
def sim() -> Iterator[TerminalSimulator]:
    with TerminalSimulator() as simulator:
        yield simulator


def _device(sim: TerminalSimulator) -> NexoTerminal:
    config = sim.device_config("pay", 5.0, payment_timeout_s="0.3", status_interval_s="0.02")
    device = NexoTerminal(config, EventRecorder())
    device.start(timeout=10)
    return device


@pytest.fixture
def port(sim: TerminalSimulator) -> Iterator[TerminalPaymentPort]:
    device = _device(sim)
    yield TerminalPaymentPort(device)
    device.shutdown()


def test_the_port_is_the_runtimes_payment_terminal(port: TerminalPaymentPort) -> None:
    terminal: PaymentTerminal = port  # type-checks as the runtime port
    outcome = terminal.authorize(PaymentRequest("r1", D("12.50"), "EUR"))
    assert (outcome.status, outcome.approved_amount, outcome.card_brand) == (
        PaymentStatus.APPROVED,
        D("12.50"),
        "VISA",
    )
    assert port.receipt_lines("r1", "customer")[-1] == "CARDHOLDER COPY"
    assert port.receipt_lines("r1", "merchant")[-1] == "MERCHANT COPY"
    assert port.receipt_lines("unknown") == ()


def test_status_reverse_and_refund_go_through_the_terminal(
    sim: TerminalSimulator, port: TerminalPaymentPort
) -> None:
    paid = port.authorize(PaymentRequest("r1", D("8.00"), "EUR"))
    assert port.status("r1").status is PaymentStatus.APPROVED
    assert port.status("never-sent").status is PaymentStatus.DECLINED  # the terminal: not found
    assert port.reverse("r1", paid.reference).status is PaymentStatus.APPROVED
    assert "REVERSED" in port.receipt_lines("r1#reversal")
    refund = port.refund(PaymentRequest("r2", D("2.00"), "EUR"), paid.reference)
    assert refund.status is PaymentStatus.APPROVED
    assert (sim.charge_count, sim.counters.reversals, sim.counters.refunds) == (1, 1, 1)


def test_a_garbage_answer_leaves_the_outcome_unknown_with_a_clear_message(
    sim: TerminalSimulator, port: TerminalPaymentPort
) -> None:
    sim.script_next(Behaviour(Action.GARBAGE))
    outcome = port.authorize(PaymentRequest("r1", D("12.50"), "EUR"))
    assert outcome.status is PaymentStatus.UNKNOWN
    assert "cannot use" in outcome.message and "not JSON" in outcome.message
    assert port.device.state is DeviceState.ERROR
    # the runtime's ResolveCardTender path: status() is answered even in ERROR
    assert port.status("r1").status is PaymentStatus.APPROVED
    # a new payment while in ERROR is refused before anything is sent: declined, not charged
    refused = port.authorize(PaymentRequest("r2", D("1.00"), "EUR"))
    assert refused.status is PaymentStatus.DECLINED and "nothing was sent" in refused.message
    assert sim.counters.payment_requests == 1


def test_a_wait_that_runs_out_is_unknown_not_a_hang(sim: TerminalSimulator) -> None:
    config = sim.device_config("pay", 5.0)  # the device would wait 5 s for the answer
    device = NexoTerminal(config, EventRecorder())
    device.start(timeout=10)
    try:
        sim.script_next(Behaviour(Action.HANG_APPROVED, hang_s=30))
        port = TerminalPaymentPort(device, wait_s=0.2)
        outcome = port.authorize(PaymentRequest("r1", D("12.50"), "EUR"))
        assert outcome.status is PaymentStatus.UNKNOWN and "status later" in outcome.message
    finally:
        sim.stop()  # ends the hang so the device's worker finishes
        device.shutdown()
    assert sim.counters.payment_requests == 1


def test_a_null_device_declines_payments_and_leaves_status_unknown() -> None:
    from peripherals.config import DeviceConfig

    config = DeviceConfig("pay", DeviceCategory.PAYMENT_TERMINAL, "nexo")
    null = NullDevice(config, EventRecorder(), "terminal unplugged")
    null.start()
    try:
        port = TerminalPaymentPort(null)
        declined = port.authorize(PaymentRequest("r1", D("1.00"), "EUR"))
        assert declined.status is PaymentStatus.DECLINED
        assert "terminal unplugged" in declined.message and "nothing was charged" in (
            declined.message
        )
        assert port.status("r1").status is PaymentStatus.UNKNOWN
        assert port.reverse("r1", "ref").status is PaymentStatus.DECLINED
    finally:
        null.shutdown()


def test_a_shut_down_terminal_declines_without_sending(sim: TerminalSimulator) -> None:
    device = _device(sim)
    port = TerminalPaymentPort(device)
    device.shutdown()
    outcome = port.authorize(PaymentRequest("r1", D("1.00"), "EUR"))
    assert outcome.status is PaymentStatus.DECLINED and "closed" in outcome.message
    assert port.status("r1").status is PaymentStatus.UNKNOWN
    assert sim.counters.payment_requests == 0
