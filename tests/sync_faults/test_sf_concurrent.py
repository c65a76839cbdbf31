"""Copies of one push arriving at the same time (a retry racing the original, two sync runs of
one register), and overlapping batches racing each other, on SQLite and PostgreSQL: each item is
applied once, every answer is a clean 200 or 409, and resending finishes the job."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from cs_support import LiveServer, RegisterSim
from sf_support import ServerHandle
from sqlalchemy import select

from channel_server.models import ReceivedItemRow

COPIES = 4


@pytest.fixture
def live(any_server: ServerHandle) -> LiveServer:
    return any_server.live


def _race(live: LiveServer, token: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """POST each body from its own thread, all released at once."""
    barrier = threading.Barrier(len(bodies))
    answers: list[httpx.Response | None] = [None] * len(bodies)

    def send(index: int) -> None:
        with httpx.Client(
            base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            barrier.wait()
            answers[index] = client.post("/v1/push", json=bodies[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert all(a is not None for a in answers), "a push did not come back"
    return [a for a in answers if a is not None]


def _received(live: LiveServer) -> Counter[str]:
    with live.db.read() as session:
        rows = session.execute(select(ReceivedItemRow.subject_id)).scalars().all()
    return Counter(str(s) for s in rows)


def test_racing_copies_and_overlapping_batches_apply_each_item_once(live: LiveServer) -> None:
    token, device_id = live.activate("S1", "R1")
    sim = RegisterSim(device_id, "S1", "R1")
    items = [sim.sale() for _ in range(30)]
    applied: Counter[int] = Counter()

    # the same batch four times at once
    answers = _race(live, token, [sim.batch(items[:10])] * COPIES)
    assert [a.status_code for a in answers] == [200] * COPIES, [a.text for a in answers]
    for answer in answers:
        for result in answer.json()["results"]:
            applied[result["device_seq"]] += result["status"] == "applied"
    assert all(applied[seq] == 1 for seq in range(1, 11)), applied

    # overlapping batches at once: 11-20, 15-25, 18-30; a later one may find a gap (409)
    bodies = [sim.batch(items[10:20]), sim.batch(items[14:25]), sim.batch(items[17:30])]
    answers = _race(live, token, bodies)
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    for answer in answers:
        body = answer.json()
        if answer.status_code == 409:
            assert body["error"]["code"] == "seq_gap"
        for result in body["results"]:
            applied[result["device_seq"]] += result["status"] == "applied"

    # resend what is left, as a register would, until acknowledged through 30
    with live.client(token) as client:
        last = client.get("/v1/device").json()["last_seq"]
        while last < 30:
            answer = client.post("/v1/push", json=sim.batch(items[last:]))
            assert answer.status_code == 200, answer.text
            for result in answer.json()["results"]:
                applied[result["device_seq"]] += result["status"] == "applied"
            last = answer.json()["last_seq"]
    assert all(applied[seq] == 1 for seq in range(1, 31)), applied
    received = _received(live)
    assert len(received) == 30 and set(received.values()) == {1}
