"""Fixtures of the sync client tests: a real uvicorn channel server on an SQLite file, real
register databases copied from the session's seeded store, and a file-backed keyring in the
test's temp folder (the system keyring is never touched)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "channel_server"))

from cs_support import LiveServer  # noqa: E402
from sync_support import FileKeyring, Rig  # noqa: E402


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[FileKeyring]:
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring" / "secrets.json")
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(str(tmp_path / "server.db"))
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def register_db(seeded_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "register" / "store.db"
    path.parent.mkdir()
    shutil.copy(seeded_store, path)
    return path


@pytest.fixture
def rig(server: LiveServer, register_db: Path, file_keyring: FileKeyring) -> Iterator[Rig]:
    """An activated register R1 of store S001 with its sync service (not started)."""
    with Rig.activated(server, register_db) as activated:
        yield activated
