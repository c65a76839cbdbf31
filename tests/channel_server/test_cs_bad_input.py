"""Bad input gets a clear 4xx with a message and a correlation id, and changes nothing."""

from __future__ import annotations

import socket

import pytest
from cs_support import LiveServer, RegisterSim

from sync.protocol import MAX_BODY_BYTES


@pytest.fixture
def authed(live: LiveServer) -> tuple[LiveServer, str, RegisterSim]:
    token, device = live.activate()
    return live, token, RegisterSim(device)


def _nothing_stored(live: LiveServer, token: str) -> None:
    assert live.client(token).get("/v1/device").json()["last_seq"] == 0


def test_malformed_json_and_a_wrong_content_type(authed: tuple) -> None:
    live, token, _ = authed
    client = live.client(token)
    broken = client.post(
        "/v1/push", content=b'{"protocol_version": 1,', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "invalid_json" and "not valid JSON" in broken.json()["message"]
    text = client.post("/v1/push", content=b"hello", headers={"content-type": "text/plain"})
    assert text.status_code == 400 and "Content-Type: application/json" in text.json()["message"]
    _nothing_stored(live, token)


def test_wrong_types_unknown_fields_and_out_of_order_items(authed: tuple) -> None:
    live, token, reg = authed
    client = live.client(token)
    item = reg.sale()
    wrong_type = client.post("/v1/push", json=reg.batch([{**item, "device_seq": "one"}]))
    assert wrong_type.status_code == 422
    assert "items.0.device_seq" in wrong_type.json()["message"]
    unknown = client.post("/v1/push", json={**reg.batch([item]), "priority": "high"})
    assert unknown.status_code == 422 and "priority: Extra inputs" in unknown.json()["message"]
    as_string = client.post("/v1/push", json=reg.batch([{**item, "device_seq": "1"}]))
    assert as_string.status_code == 422  # strict: no silent coercion of "1" to 1
    shuffled = client.post("/v1/push", json=reg.batch([reg.sale(), item]))
    assert shuffled.status_code == 422 and "consecutive" in shuffled.json()["message"]
    _nothing_stored(live, token)
    customer = {"customer_id": "C1", "name": "Ann", "tax_exempt": "yes"}
    assert client.post("/v1/customers", json=customer).status_code == 422
    number = client.post("/v1/customers", json={"customer_id": "C1", "name": 5})
    assert number.status_code == 422


def test_oversized_bodies_are_413_before_parsing(authed: tuple) -> None:
    live, token, _ = authed
    big = b'{"x": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'
    answer = live.client(token).post(
        "/v1/push", content=big, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json()["code"] == "body_too_large"

    def chunks():  # no Content-Length: counted while it streams
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536

    streamed = live.client(token).post(
        "/v1/push", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    _nothing_stored(live, token)


def test_a_newer_client_protocol_is_told_to_update_the_server(authed: tuple) -> None:
    live, token, reg = authed
    newer = live.client(token, **{"X-Tillpoint-Protocol": "2"}).get("/v1/changes")
    assert newer.status_code == 400 and newer.json()["code"] == "protocol_unsupported"
    assert "update the channel server" in newer.json()["message"]
    body = {**reg.batch([reg.sale()]), "protocol_version": 3}
    field = live.client(token).post("/v1/push", json=body)
    assert field.status_code == 400 and "speaks 3" in field.json()["message"]
    old = live.client(token, **{"X-Tillpoint-Protocol": "0"}).get("/v1/health")
    assert old.status_code == 400 and "update the register" in old.json()["message"]
    activation = live.client().post("/v1/activate", json={"code": "AAAA", "protocol_version": 9})
    assert activation.status_code == 400 and activation.json()["code"] == "protocol_unsupported"
    _nothing_stored(live, token)


def test_every_answer_carries_the_correlation_id(authed: tuple) -> None:
    live, token, _ = authed
    given = live.client(token, **{"X-Correlation-ID": "till-42.abc"})
    for answer in (
        given.get("/v1/device"),
        given.get("/v1/nope"),
        given.delete("/v1/push"),
        given.post("/v1/push", content=b"{", headers={"content-type": "application/json"}),
    ):
        assert answer.headers["x-correlation-id"] == "till-42.abc"
        if answer.status_code >= 400:
            assert answer.json()["correlation_id"] == "till-42.abc"
    made = live.client().get("/v1/health")
    assert len(made.headers["x-correlation-id"]) == 32  # generated when not given
    odd = live.client(**{"X-Correlation-ID": "no spaces or <tags> please"}).get("/v1/health")
    assert odd.headers["x-correlation-id"] != "no spaces or <tags> please"


def test_unknown_routes_and_methods(authed: tuple) -> None:
    live, token, _ = authed
    missing = live.client(token).get("/v2/changes")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    method = live.client(token).put("/v1/push", json={})
    assert method.status_code == 405 and "PUT is not allowed" in method.json()["message"]


def test_bad_query_values(authed: tuple) -> None:
    live, token, _ = authed
    client = live.client(token)
    assert client.get("/v1/changes", params={"limit": 0}).status_code == 422
    assert client.get("/v1/changes", params={"limit": "lots"}).status_code == 422
    bad_day = client.get("/v1/digest", params={"business_day": "2025-13-40"})
    assert bad_day.status_code == 422 and "business_day" in bad_day.json()["message"]
    zone = client.get("/v1/digest", params={"business_day": "2025-01-01", "timezone": "Mars/Base"})
    assert zone.status_code == 400 and "unknown timezone" in zone.json()["message"]
    control = client.get("/v1/inventory", params={"item_id": "a\x01b"})
    assert control.status_code == 422


def test_a_raw_garbage_request_does_not_break_the_server(authed: tuple) -> None:
    live, token, _ = authed
    host, port = live.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01\x02\x00garbage that is not http\r\n\r\n")
        sock.settimeout(5)
        try:
            reply = sock.recv(1024)
        except (ConnectionResetError, TimeoutError):
            reply = b""
    assert not reply.startswith(b"HTTP/1.1 5")
    assert live.client().get("/v1/health").status_code == 200
