"""SIGKILL of a register process in the middle of uploading its outbox, again and again; then a
restart syncs the rest. Kills land between the server's commit and the register's
acknowledgement, so batches are resent: nothing may be lost and nothing doubled."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sf_support import (
    ServerHandle,
    ServiceSync,
    Till,
    assert_digests_match,
    assert_exactly_once,
    local_sales,
    unacked_count,
)

CHILD = Path(__file__).with_name("sync_child.py")
SALES = 120
BATCH = 2


def _acked(db_file: Path) -> int:
    return _outbox_size(db_file) - unacked_count(db_file)


def _outbox_size(db_file: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


def _wait_for_progress(db_file: Path, since: int, child: subprocess.Popen[str]) -> None:
    """Until the child has had something more acknowledged (so the kill lands mid-upload,
    however slow the machine is)."""
    deadline = time.monotonic() + 60
    while _acked(db_file) <= since and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def test_sigkill_during_upload_loses_and_doubles_nothing(server: ServerHandle, till: Till) -> None:
    from sync.client import ChannelClient
    from sync.transport import Transport

    for _ in range(SALES):
        till.sell(1)
    till.close()
    total = _outbox_size(till.db_file)
    anonymous = ChannelClient(Transport(server.base_url))
    activation = anonymous.activate(server.code("R1"))
    anonymous.close()
    argv = [
        sys.executable,
        str(CHILD),
        str(till.db_file),
        "R1",
        server.base_url,
        activation.token,
        activation.device_id,
        str(BATCH),
    ]
    rng = random.Random(9)
    progress: list[int] = []
    kills = 0
    for _ in range(6):
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        _wait_for_progress(till.db_file, progress[-1] if progress else 0, child)
        time.sleep(rng.uniform(0, 0.1))  # then somewhere in the middle of the next batches
        os.kill(child.pid, signal.SIGKILL)
        returncode = child.wait(timeout=30)
        child.stdout.close()
        if returncode == -signal.SIGKILL:
            kills += 1
        progress.append(_acked(till.db_file))
        if progress[-1] == total:
            break
    assert kills >= 3, progress
    assert any(0 < acked < total for acked in progress), progress  # killed mid-upload
    assert progress == sorted(progress), progress  # acknowledgements only move forward

    # restart: the register finishes its upload
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ready", "done"]
    assert unacked_count(till.db_file) == 0
    assert_exactly_once(server, till.db_file)
    assert_digests_match(server, till.db_file)


@pytest.mark.slow  # three register processes started and killed: ~10-20 s
def test_sigkill_while_selling_and_uploading_in_the_app_path(
    server: ServerHandle, till: Till, tmp_path: Path
) -> None:
    """The register process sells and its started sync client uploads after every sale; it is
    killed three times at random moments, then restarted: every sale it saw concluded is in its
    database, and after a sync exactly once on the server."""
    repo = Path(__file__).resolve().parents[2]
    keyring_file = tmp_path / "keyring.json"
    sync = ServiceSync(till, server.base_url, server.code("R1"), keyring_file)
    sync.service.stop()
    till.close()  # the child processes open the register
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(repo / "tests" / "sync"), str(repo / "tests" / "channel_server")]
    )
    env["PYTHON_KEYRING_BACKEND"] = "sync_support.FileKeyring"
    env["TILLPOINT_TEST_KEYRING_FILE"] = str(keyring_file)
    log = tmp_path / "concluded.log"
    rng = random.Random(3)
    uploaded: list[int] = []
    try:
        for round_no in range(3):
            argv = [sys.executable, str(CHILD), "sell", str(till.db_file), "R1", str(log)]
            child = subprocess.Popen([*argv, str(round_no)], stdout=subprocess.PIPE, env=env)
            assert child.stdout is not None
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.4, 1.0))
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
            child.stdout.close()
            uploaded.append(len(server.sale_counts()))
        concluded = log.read_text().split()
        assert len(concluded) > 10
        assert set(concluded) <= set(local_sales(till.db_file))  # durable before it was logged
        assert uploaded[-1] > 0, uploaded  # the scheduler did upload between the kills
        sync.reopen()
        report = sync.cycle(reconcile=True)
        assert report.ok, report
    finally:
        sync.close()
    assert unacked_count(till.db_file) == 0
    assert_exactly_once(server, till.db_file)
    assert_digests_match(server, till.db_file)
