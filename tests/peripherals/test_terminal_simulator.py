"""Our nexo terminal simulator on its own, spoken to with plain HTTP (httpx): idempotent
payments, status by ServiceID, scripting by next request and by amount, clean stop, and the
command line the demo uses."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from peripherals import payment_messages as nexo
from peripherals.payment_nexo import (
    Parties,
    diagnosis_message,
    payment_message,
    status_message,
)
from peripherals.terminal_simulator import Action, Behaviour, TerminalSimulator
from runtime.ports import PaymentRequest

ROOT = Path(__file__).resolve().parents[2]
PARTIES = Parties("R1", "POI1")


@pytest.fixture
def sim() -> Iterator[TerminalSimulator]:
    with TerminalSimulator() as simulator:
        yield simulator


def _post(url: str, message: nexo.SaleToPOIRequest) -> nexo.SaleToPOIResponse:
    reply = httpx.post(url, content=nexo.encode(message), timeout=5, trust_env=False)
    assert reply.status_code == 200, reply.text
    return nexo.decode_response(reply.content, message.message_header.message_category)


def _pay(url: str, sale_tx: str, amount: str, service_id: str) -> nexo.PaymentResponse:
    request = PaymentRequest(sale_tx, Decimal(amount), "EUR")
    answer = _post(url, payment_message(PARTIES, request, service_id)).payment_response
    assert answer is not None
    return answer


def test_a_second_payment_with_the_same_sale_transaction_is_not_charged(
    sim: TerminalSimulator,
) -> None:
    first = _pay(sim.url, "sale-1", "10.00", "S1")
    second = _pay(sim.url, "sale-1", "10.00", "S2")  # a careless register retrying
    assert first.response.result is nexo.Result.SUCCESS
    assert second.poi_data == first.poi_data  # the same transaction, answered again
    assert (sim.charge_count, sim.counters.duplicates, sim.counters.payment_requests) == (1, 1, 2)


def test_status_is_found_by_the_service_id_of_the_payment(sim: TerminalSimulator) -> None:
    _pay(sim.url, "sale-1", "4.00", "S1")
    found = _post(sim.url, status_message(PARTIES, nexo.MessageCategory.PAYMENT, "S1"))
    body = found.transaction_status_response
    assert body is not None and body.response.result is nexo.Result.SUCCESS
    assert body.repeated_message_response is not None
    repeated = body.repeated_message_response.repeated_response_message_body.payment_response
    assert repeated is not None and repeated.sale_data.sale_transaction_id.transaction_id == (
        "sale-1"
    )
    missing = _post(sim.url, status_message(PARTIES, nexo.MessageCategory.PAYMENT, "NOPE"))
    assert missing.transaction_status_response is not None
    assert missing.transaction_status_response.response.error_condition is (
        nexo.ErrorCondition.NOT_FOUND
    )


def test_scripts_apply_next_request_first_then_exact_amount_then_cents(
    sim: TerminalSimulator,
) -> None:
    sim.script_amount(Decimal("5.00"), Action.DECLINE)
    sim.script_cents(92, Behaviour(Action.PARTIAL, partial_amount=Decimal("1.00")))
    sim.script_next(Action.APPROVE)
    assert _pay(sim.url, "a", "5.00", "A").response.result is nexo.Result.SUCCESS  # next wins
    assert _pay(sim.url, "b", "5.00", "B").response.result is nexo.Result.FAILURE  # amount
    partial = _pay(sim.url, "c", "3.92", "C")
    assert partial.response.result is nexo.Result.PARTIAL
    assert partial.payment_result is not None and partial.payment_result.amounts_resp
    assert partial.payment_result.amounts_resp.authorized_amount == Decimal("1.00")
    assert _pay(sim.url, "d", "3.90", "D").response.result is nexo.Result.SUCCESS  # default


def test_malformed_requests_are_refused_and_change_nothing(sim: TerminalSimulator) -> None:
    reply = httpx.post(sim.url, content=b"{not json", timeout=5, trust_env=False)
    assert reply.status_code == 400 and b"MessageFormat: not JSON" in reply.content
    wrong_path = httpx.post(sim.url + "x", content=b"{}", timeout=5, trust_env=False)
    assert wrong_path.status_code == 404
    assert sim.counters.payment_requests == 0 and sim.charge_count == 0


def test_stop_releases_a_hanging_request(sim: TerminalSimulator) -> None:
    sim.script_next(Behaviour(Action.HANG_NOT_FOUND, hang_s=60))
    outcome: list[str] = []

    def client() -> None:
        message = payment_message(PARTIES, PaymentRequest("h", Decimal("1.00"), "EUR"), "H")
        try:
            httpx.post(sim.url, content=nexo.encode(message), timeout=30, trust_env=False)
            outcome.append("answered")
        except httpx.HTTPError as exc:
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    for _ in range(1000):  # wait (boundedly) until the request is inside the simulator
        if sim.counters.payment_requests:
            break
        threading.Event().wait(0.01)
    assert sim.counters.payment_requests == 1
    sim.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert outcome == ["RemoteProtocolError"]  # dropped unanswered, as scripted
    assert sim.charge_count == 0


def test_the_command_line_serves_the_demo_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "peripherals.terminal_simulator", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=20), "the simulator printed nothing"
        first = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in first, first
        url = first.rsplit(" ", 1)[-1].strip()
        diagnosis = _post(url, diagnosis_message(PARTIES))
        assert diagnosis.diagnosis_response is not None
        assert diagnosis.diagnosis_response.poi_status is not None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        rest = proc.stdout.read()
        assert "amounts ending in .93: hang_approved" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)

