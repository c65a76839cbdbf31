"""Fixtures of the exactly-once proofs: a live server on an SQLite file behind a fault proxy,
and registers copied from the session's seeded store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fault_proxy import FaultProxy  # noqa: E402
from sf_support import ServerHandle, Till  # noqa: E402


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    handle = ServerHandle(tmp_path / "server.db")
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def proxy(server: ServerHandle) -> Iterator[FaultProxy]:
    with FaultProxy.to(server.base_url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def till(seeded_store: Path, tmp_path: Path) -> Iterator[Till]:
    register = Till.from_template(seeded_store, tmp_path / "register")
    try:
        yield register
    finally:
        register.close()
