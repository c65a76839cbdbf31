"""Exactly-once under every network fault: a real register database and runtime sells, the
upload goes through the fault proxy to a real uvicorn server, and after recovery each concluded
sale is on the server once with the same total to the cent (rows and reconciliation digest)."""

from __future__ import annotations

import dataclasses
import random

import pytest
from fault_proxy import EVERY_FAULT, Fault, FaultProxy, Kind, Request
from sf_support import (
    ClientUploader,
    MiniPusher,
    ServerHandle,
    Till,
    acked_sales,
    assert_digests_match,
    assert_exactly_once,
    unacked_count,
)

# the delay outlasts the uploader's timeout: the server commits, the client gives up
PROOF_FAULTS = tuple(
    dataclasses.replace(f, seconds=1.5) if f.kind is Kind.DELAY else f for f in EVERY_FAULT
)


def _pusher(server: ServerHandle, proxy: FaultProxy) -> MiniPusher:
    pusher = MiniPusher.activate(proxy.url, server.code("R1"), batch=3)
    pusher.client.timeout = type(pusher.client.timeout)(1.0)
    return pusher


def _uploader(kind: str, server: ServerHandle, proxy: FaultProxy) -> MiniPusher | ClientUploader:
    if kind == "mini":
        return _pusher(server, proxy)
    return ClientUploader(proxy.url, server.code("R1"), batch=3, timeout=1.0)


@pytest.mark.parametrize("fault", PROOF_FAULTS, ids=lambda f: f"{f.kind.value}-{f.status}")
def test_every_sale_arrives_once_under(
    server: ServerHandle, proxy: FaultProxy, till: Till, fault: Fault
) -> None:
    """The register's sync client: faults on the first two pushes (its retries see them
    within one upload), and on one more after further sales."""
    pusher = _uploader("client", server, proxy)
    register = till.open()
    for _ in range(4):
        till.sell()
    proxy.enqueue(fault, fault, path="/v1/push")
    pusher.sync(register, rounds=30)
    for _ in range(3):
        till.sell()
    proxy.enqueue(fault, path="/v1/push")
    pusher.sync(register, rounds=30)
    pusher.close()
    assert proxy.faults_applied() == [fault.kind] * 3
    if isinstance(pusher, ClientUploader) and fault.retry_after is not None:
        assert float(fault.retry_after) in pusher.sleeps  # Retry-After honoured
    assert unacked_count(till.db_file) == 0
    assert_exactly_once(server, till.db_file)
    assert_digests_match(server, till.db_file)


@pytest.mark.parametrize("kind", ["client", "mini"])
def test_fault_storm_with_register_restarts(
    any_server: ServerHandle, till: Till, kind: str
) -> None:
    """Random faults on half the pushes, sales between sync steps, the register closed and
    reopened twice: nothing lost, nothing doubled, acknowledged rows are on the server. With
    the sync client and with the reference uploader ("mini", the protocol read literally)."""
    rng = random.Random(5)
    server = any_server
    proxy = FaultProxy.to(server.base_url)

    def storm(request: Request) -> Fault | None:
        if request.path != "/v1/push" or rng.random() < 0.5:
            return None
        return rng.choice(PROOF_FAULTS[:3] + PROOF_FAULTS[4:])  # no slow delays here

    pusher = _uploader(kind, server, proxy)
    proxy.rule = storm
    for round_no in range(12):
        for _ in range(rng.randint(0, 3)):
            till.sell()
        pusher.push_once(till.open())
        assert acked_sales(till.db_file) <= set(server.sale_counts())
        if round_no in (4, 9):
            till.close()
    proxy.rule = None
    pusher.sync(till.open(), rounds=100)
    pusher.close()
    proxy.close()
    assert len(set(proxy.faults_applied())) > 3
    assert_exactly_once(server, till.db_file)
    assert_digests_match(server, till.db_file)
