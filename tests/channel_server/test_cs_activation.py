"""Device activation: one-time expiring codes, hashed tokens, deactivation, store boundaries."""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor

from cs_support import LiveServer
from sqlalchemy import select

from channel_server.devices import deactivate, issue_activation_code
from channel_server.models import ActivationCodeRow, CredentialRow


def test_a_code_activates_once_and_only_its_hash_is_stored(live: LiveServer) -> None:
    issued = issue_activation_code(live.db, "S1", "R1")
    client = live.client()
    first = client.post("/v1/activate", json={"code": issued.code.lower().replace("-", " ")})
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["store_id"], body["register_id"]) == ("S1", "R1")
    token = body["token"]
    again = client.post("/v1/activate", json={"code": issued.code})
    assert again.status_code == 403
    assert (
        again.json()["code"] == "activation_invalid" and "already used" in again.json()["message"]
    )
    with live.db.read() as session:
        hashes = list(session.scalars(select(CredentialRow.token_hash)))
        codes = list(session.scalars(select(ActivationCodeRow.code_hash)))
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in hashes and issued.code.replace("-", "") not in codes
    assert live.client(token).get("/v1/device").json()["register_id"] == "R1"


def test_unknown_and_expired_codes_are_refused(live: LiveServer) -> None:
    client = live.client()
    unknown = client.post("/v1/activate", json={"code": "AAAA-BBBB-CCCC"})
    assert unknown.status_code == 403 and "unknown activation code" in unknown.json()["message"]
    old = issue_activation_code(
        live.db, "S1", "R1", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    )
    expired = client.post("/v1/activate", json={"code": old.code})
    assert expired.status_code == 403 and "expired" in expired.json()["message"]


def test_two_registers_racing_with_one_code_get_one_token(live: LiveServer) -> None:
    issued = issue_activation_code(live.db, "S1", "R1")

    def attempt(_: int) -> int:
        with live.client() as client:
            return client.post("/v1/activate", json={"code": issued.code}).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(attempt, range(6), timeout=30))
    assert sorted(statuses) == [200] + [403] * 5
    with live.db.read() as session:
        assert len(list(session.scalars(select(CredentialRow)))) == 1


def test_deactivation_makes_the_token_answer_401(live: LiveServer) -> None:
    token, _ = live.activate("S1", "R1")
    pending = issue_activation_code(live.db, "S1", "R1")  # an unused code dies with it
    client = live.client(token)
    assert client.get("/v1/device").status_code == 200
    assert deactivate(live.db, "S1", "R1") == 1
    answer = client.get("/v1/device")
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthorized" and "deactivated" in answer.json()["message"]
    assert answer.headers["www-authenticate"] == "Bearer"
    assert live.client().post("/v1/activate", json={"code": pending.code}).status_code == 403


def test_missing_or_bogus_tokens_are_401(live: LiveServer) -> None:
    assert live.client().get("/v1/changes").status_code == 401
    bogus = live.client("not-a-real-token-at-all").get("/v1/changes")
    assert bogus.status_code == 401 and "activate the register" in bogus.json()["message"]
    basic = live.client(Authorization="Basic dXNlcjpwYXNz").get("/v1/device")
    assert basic.status_code == 401


def test_a_device_reads_only_its_own_stores_digest(live: LiveServer) -> None:
    token, _ = live.activate("S1", "R1")
    live.activate("S2", "R1")
    live.activate("S1", "R2")
    client = live.client(token)
    day = {"business_day": "2025-03-14"}
    assert client.get("/v1/digest", params={**day, "register_id": "R2"}).status_code == 200
    other = client.get("/v1/digest", params={**day, "store_id": "S2"})
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    missing = client.get("/v1/digest", params={**day, "register_id": "R9"})
    assert missing.status_code == 404
