"""A real uvicorn channel server on 127.0.0.1 (ephemeral port), on SQLite and on PostgreSQL.

`backend` is parametrised: every test that uses `live` runs on both. PostgreSQL comes from
$TILLPOINT_TEST_PG_DSN or, when unset, from `.ci/postgres.sh` (run once per session: it starts
or installs a server and prints the DSN). Each test gets its own SQLite file or its own
PostgreSQL schema, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cs_support import LiveServer, pg_schema_url  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PG_ENV = "TILLPOINT_TEST_PG_DSN"


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    dsn = os.environ.get(PG_ENV)
    if dsn:
        return dsn
    script = REPO / ".ci" / "postgres.sh"
    try:
        done = subprocess.run(
            ["bash", str(script)], capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{script} did not finish in 600 s (installing or starting PostgreSQL)")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        pytest.fail(
            f"PostgreSQL for the channel-server tests is not available: {script} exited "
            f"{done.returncode}\n{done.stderr[-2000:]}\n"
            f"Set {PG_ENV} to a DSN to use another server."
        )
    os.environ[PG_ENV] = lines[-1]  # subprocesses of this session reuse it
    return lines[-1]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp_path / "server.db")
        return
    dsn: str = request.getfixturevalue("pg_dsn")
    schema = "t_" + uuid.uuid4().hex[:16]
    with pg_schema_url(dsn, schema) as url:
        yield url


@pytest.fixture
def live(db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(db_url)
    try:
        yield server
    finally:
        server.stop()
