"""Fixtures of the exactly-once proofs: a live server on an SQLite file behind a fault proxy,
and registers copied from the session's seeded store."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "channel_server"))

from cs_support import pg_schema_url  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from sf_support import ServerHandle, Till  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "cs_conftest", Path(__file__).resolve().parents[1] / "channel_server" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_cs_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cs_conftest)
pg_dsn = _cs_conftest.pg_dsn  # the channel-server tests' PostgreSQL (same DSN rules)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    handle = ServerHandle(tmp_path / "server.db")
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerHandle]:
    """The server on SQLite and on PostgreSQL (a schema of its own)."""
    if request.param == "sqlite":
        handle = ServerHandle(tmp_path / "server.db")
        try:
            yield handle
        finally:
            handle.stop()
        return
    dsn: str = request.getfixturevalue("pg_dsn")
    with pg_schema_url(dsn, "sf_" + uuid.uuid4().hex[:16]) as url:
        handle = ServerHandle(url)
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
