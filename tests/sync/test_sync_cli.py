"""`tillpoint activate` and `tillpoint sync` as a person runs them: separate processes, the
token in a (file-backed test) keyring, progress on stderr, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cs_support import LiveServer
from sync_support import KEYRING_FILE_ENV, REGISTER, STORE, Rig

from channel_server.devices import issue_activation_code
from pos_app.composition import ensure_open_shift, open_register

HERE = Path(__file__).parent


def tillpoint(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos_app.cli", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.slow  # five interpreter start-ups
def test_activate_then_sync_from_the_command_line(
    server: LiveServer, register_db: Path, tmp_path: Path
) -> None:
    register = open_register(register_db, REGISTER, operator_id="1001", extensions=[])
    try:
        ensure_open_shift(register.runtime)
        rig = Rig(server, register_db, register, service=None)  # type: ignore[arg-type]
        from local_db import sample_barcodes

        rig.barcodes = sample_barcodes(register.database, 5, seed=3)
        rig.sell()
        rig.sell()
    finally:
        register.close()
    keyring_file = tmp_path / "cli-keyring" / "secrets.json"
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "sync_support.FileKeyring",
        KEYRING_FILE_ENV: str(keyring_file),
        "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent / "channel_server")]),
    }
    code = issue_activation_code(server.db, STORE, REGISTER).code

    bad = tillpoint(env, "activate", "--server", server.base_url, "--code", "WXYZ-WXYZ-WXYZ",
                    "--db", str(register_db))  # fmt: skip
    assert bad.returncode == 1 and "refused the activation" in bad.stderr

    done = tillpoint(env, "activate", "--server", server.base_url, "--code", code,
                     "--db", str(register_db), "--register", REGISTER)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Activated register {REGISTER} of store {STORE}" in done.stdout
    assert keyring_file.exists()

    synced = tillpoint(env, "sync", "--db", str(register_db))
    assert synced.returncode == 0, synced.stderr
    assert "upload: 3 sent, acknowledged through seq 3, 0 waiting" in synced.stdout
    assert "matches the server" in synced.stdout
    assert "sync [" in synced.stderr  # the progress bar

    server.stop()
    offline = tillpoint(env, "sync", "--db", str(register_db))
    assert offline.returncode == 1
    assert "Offline:" in offline.stderr and "0 records wait" in offline.stderr

    wrong = tillpoint(env, "sync", "--db", str(register_db), "--register", "R9")
    assert wrong.returncode == 2 and "not R9" in wrong.stderr


def test_sync_of_a_register_never_activated_says_what_to_do(register_db: Path) -> None:
    done = tillpoint(dict(os.environ), "sync", "--db", str(register_db))
    assert done.returncode == 2 and "tillpoint activate" in done.stderr
