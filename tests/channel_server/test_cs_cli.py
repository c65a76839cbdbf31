"""`tillpoint server ...` as separate processes: run with no set-up, register a device, see the
quarantine and alerts, deactivate; mistakes end with one line and exit code 2. Also: the
migrations build exactly the tables the models describe."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cs_support import RegisterSim

COMMAND = [sys.executable, "-m", "channel_server.cli", "server"]
REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TILLPOINT_SERVER_DB", None)
    return subprocess.run(
        [*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def running(backend: str, db_url: str, tmp_path: Path) -> Iterator[tuple[str, list[str], Path]]:
    """`server run` in an empty directory; SQLite uses the default file there."""
    db_args = [] if backend == "sqlite" else ["--db", db_url]
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TILLPOINT_SERVER_DB", None)
    process = subprocess.Popen(
        [*COMMAND, "run", "--port", str(port), *db_args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"tillpoint server run did not come up:\n{output}")
            time.sleep(0.05)
        yield base, db_args, tmp_path
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_run_register_quarantine_alerts_and_deactivate(
    running: tuple[str, list[str], Path], backend: str
) -> None:
    base, db_args, cwd = running
    if backend == "sqlite":
        assert (cwd / "tillpoint-server.db").exists()  # no set-up: a file in the current dir
    made = _cli("register-device", "--store", "S1", "--register", "R1", *db_args, cwd=cwd)
    assert made.returncode == 0, made.stderr
    code = made.stdout.split(": ")[1].split()[0]
    assert len(code) == 14 and code.count("-") == 2
    with httpx.Client(base_url=base, timeout=10) as client:
        activated = client.post("/v1/activate", json={"code": code})
        assert activated.status_code == 200, activated.text
        token, device = activated.json()["token"], activated.json()["device_id"]
        headers = {"Authorization": f"Bearer {token}"}
        reg = RegisterSim(device)
        bad = reg.item("sale", {"nonsense": True}, subject="t1")
        pushed = client.post("/v1/push", json=reg.batch([bad]), headers=headers)
        assert pushed.json()["results"][0]["status"] == "quarantined"

        listed = _cli("quarantine", *db_args, cwd=cwd)
        assert listed.returncode == 0
        assert "S1/R1 seq 1 sale" in listed.stdout and "not a readable transaction" in listed.stdout
        alerts = _cli("alerts", *db_args, cwd=cwd)
        assert alerts.returncode == 0 and "No alerts." in alerts.stdout

        off = _cli("deactivate-device", "--store", "S1", "--register", "R1", *db_args, cwd=cwd)
        assert off.returncode == 0 and "1 token(s) revoked" in off.stdout
        assert client.get("/v1/device", headers=headers).status_code == 401


def test_mistakes_end_with_one_line_and_exit_code_2(tmp_path: Path) -> None:
    cases = [
        (["register-device", "--store", "S 1", "--register", "R1"], "--store 'S 1'"),
        (["deactivate-device", "--store", "S1", "--register", "R9"], "no register R9"),
        (["quarantine", "--db", "mysql://somewhere/db"], "unsupported database 'mysql'"),
        (["alerts", "--db", "postgresql://u:p@127.0.0.1:1/x"], "database error"),
        (["register-device", "--store", "S", "--register", "R", "--valid-hours", "0"], "--valid"),
    ]
    for args, expected in cases:
        out = _cli(*args, cwd=tmp_path)
        assert out.returncode == 2, (args, out.stderr)
        assert expected in out.stderr and "Traceback" not in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_migrations_match_the_models(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from channel_server.db import open_database
    from channel_server.models import Base

    db = open_database(db_url)
    try:
        with db.write_engine.connect() as conn:
            context = MigrationContext.configure(conn)
            diff = compare_metadata(context, Base.metadata)
    finally:
        db.dispose()
    assert diff == []
