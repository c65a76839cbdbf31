"""SIGKILL of the channel server (`tillpoint server run`, its own process) while a register
uploads a long queue; the server is started again on the same database file. The register
keeps resending: every sale ends up on the server exactly once, with the same totals."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fault_proxy import FaultProxy
from sf_support import (
    ClientUploader,
    ServerHandle,
    Till,
    assert_digests_match,
    assert_exactly_once,
    unacked_count,
)

from channel_server.db import open_database
from channel_server.devices import issue_activation_code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(db_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pos_app.cli", "server", "run", "--db", str(db_file),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        assert process.poll() is None, "the server process died at start"
        time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


@pytest.mark.slow  # three server processes: ~10-20 s
def test_server_killed_during_uploads_loses_and_doubles_nothing(till: Till, tmp_path: Path) -> None:
    db_file = tmp_path / "server.db"
    for _ in range(150):
        till.sell(1)
    server, url = _start(db_file)
    proxy = FaultProxy.to(url)
    setup = open_database(str(db_file))
    code = issue_activation_code(setup, "S001", "R1").code
    setup.dispose()
    uploader = ClientUploader(proxy.url, code, batch=10, timeout=2.0)
    register = till.open()
    done = threading.Event()

    def upload_until_done() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if uploader.push_once(register) is None:
                done.set()
                return
            time.sleep(0.02)

    worker = threading.Thread(target=upload_until_done)
    worker.start()
    rng = random.Random(4)
    kills = 0
    left: list[int] = []  # unacknowledged outbox rows at each kill
    try:
        for _ in range(2):
            before = unacked_count(till.db_file)
            deadline = time.monotonic() + 60
            while unacked_count(till.db_file) == before and time.monotonic() < deadline:
                time.sleep(0.005)  # until this server has acknowledged something
            time.sleep(rng.uniform(0, 0.1))
            if done.is_set():
                break
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
            kills += 1
            left.append(unacked_count(till.db_file))
            server, url = _start(db_file)
            proxy.point_to(url)
        worker.join(timeout=150)
        assert done.is_set(), "the upload did not finish"
    finally:
        done.set()
        worker.join(timeout=10)
        uploader.close()
        proxy.close()
        server.kill()
        server.wait(timeout=30)
    assert kills >= 1
    assert any(0 < n < 151 for n in left), left  # killed in the middle of the queue
    assert unacked_count(till.db_file) == 0
    check = ServerHandle(db_file)  # reads the file the killed servers wrote
    try:
        assert_exactly_once(check, till.db_file)
        assert_digests_match(check, till.db_file)
    finally:
        check.stop()
