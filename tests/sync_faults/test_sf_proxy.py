"""The fault proxy itself, with plain httpx against the real server: each fault does to the
client what it claims, and the server has (or has not) committed the push behind it."""

from __future__ import annotations

import httpx
import pytest
from cs_support import RegisterSim
from fault_proxy import EVERY_FAULT, Fault, FaultProxy, Kind, Request
from sf_support import ServerHandle

# fault kind -> did the server commit the push?
COMMITTED = {
    Kind.DROP_REQUEST: False,
    Kind.DROP_RESPONSE: True,
    Kind.DUPLICATE: True,
    Kind.DELAY: True,
    Kind.RESET_REQUEST: False,
    Kind.RESET_RESPONSE: True,
    Kind.STATUS: False,
    Kind.TRUNCATE: True,
    Kind.GARBAGE: True,
}


def _device(server: ServerHandle, register_id: str) -> tuple[RegisterSim, str]:
    token, device_id = server.live.activate("S1", register_id)
    return RegisterSim(device_id, "S1", register_id), token


def _last_seq(server: ServerHandle, token: str) -> int:
    answer = server.live.client(token).get("/v1/device")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["last_seq"])


@pytest.mark.parametrize("fault", EVERY_FAULT, ids=lambda f: f"{f.kind.value}-{f.status}")
def test_each_fault_reaches_the_client_and_the_server_as_described(
    server: ServerHandle, proxy: FaultProxy, fault: Fault
) -> None:
    sim, token = _device(server, "R1")
    batch = sim.batch([sim.sale(), sim.sale()])
    proxy.enqueue(fault, method="POST", path="/v1/push")
    with httpx.Client(
        base_url=proxy.url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=0.2 if fault.kind is Kind.DELAY else 20,  # only the delay outlasts it
    ) as client:
        try:
            answer: httpx.Response | Exception = client.post("/v1/push", json=batch)
        except httpx.HTTPError as exc:
            answer = exc
        # the proxy still passes the next request on the same client
        assert client.get("/v1/health").status_code == 200
    committed = _last_seq(server, token) == 2
    assert committed is COMMITTED[fault.kind], (fault, answer)
    kinds = proxy.faults_applied()
    assert kinds == [fault.kind]
    if fault.kind is Kind.STATUS:
        assert isinstance(answer, httpx.Response) and answer.status_code == fault.status
        assert answer.headers.get("retry-after") == (
            None if fault.retry_after is None else str(fault.retry_after)
        )
    elif fault.kind is Kind.DUPLICATE:
        assert isinstance(answer, httpx.Response) and answer.status_code == 200
        statuses = [r["status"] for r in answer.json()["results"]]
        assert statuses == ["duplicate", "duplicate"]  # the server's answer to the 2nd copy
    elif fault.kind is Kind.GARBAGE:
        assert isinstance(answer, httpx.Response) and answer.status_code == 200
        with pytest.raises(ValueError):
            answer.json()
    else:  # lost, reset, truncated or too late: the client sees a transport error
        assert isinstance(answer, httpx.TransportError), answer


def test_queue_matches_method_and_path_and_the_rule_sees_every_request(
    server: ServerHandle, proxy: FaultProxy
) -> None:
    sim, token = _device(server, "R2")
    proxy.enqueue(Fault.status_answer(503, retry_after=2), path="/v1/push")
    seen: list[str] = []

    def rule(request: Request) -> Fault | None:
        seen.append(request.path)
        return Fault.status_answer(500) if request.path == "/v1/device" else None

    proxy.rule = rule
    with httpx.Client(base_url=proxy.url, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.get("/v1/health").status_code == 200  # not a push: passes
        assert client.post("/v1/push", json=sim.batch([sim.sale()])).status_code == 503
        assert client.get("/v1/device").status_code == 500
        assert client.post("/v1/push", json=sim.batch([sim.sale()], keys=True)).status_code == 409
    assert proxy.pending_faults() == 0
    assert seen == ["/v1/health", "/v1/device", "/v1/push"]  # queued faults bypass the rule
    assert [s.upstream_status for s in proxy.seen] == [200, None, None, 409]


def test_a_restarted_server_on_another_port_is_reached_through_the_same_url(
    server: ServerHandle, proxy: FaultProxy
) -> None:
    sim, token = _device(server, "R3")
    with httpx.Client(base_url=proxy.url, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.post("/v1/push", json=sim.batch([sim.sale()])).status_code == 200
        old = server.base_url
        proxy.point_to(server.restart())
        assert server.base_url != old
        assert client.post("/v1/push", json=sim.batch([sim.sale()])).status_code == 200
        server.stop()
        assert client.get("/v1/health").status_code == 502  # down: a gateway error
        server.live = type(server.live)(str(server.db_file))
        proxy.point_to(server.base_url)
        assert client.get("/v1/device").json()["last_seq"] == 2
