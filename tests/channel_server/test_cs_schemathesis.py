"""Schemathesis against the live server's own OpenAPI schema: generated valid and invalid
requests (with a real device token) never get a server error, and every answer matches the
schema (status codes, content types, bodies)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from cs_support import LiveServer, RegisterSim
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from channel_server.master_data import MasterChange, apply_changes

EXAMPLES = {"positive": 25, "negative": 15}  # per operation


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, str]]:
    """One server per backend for the whole module, with a device, a sale and master data."""
    from cs_support import pg_schema_url

    if request.param == "sqlite":
        url_context: Any = None
        url = str(tmp_path_factory.mktemp("schemathesis") / "server.db")
    else:
        url_context = pg_schema_url(
            request.getfixturevalue("pg_dsn"), "st_" + uuid.uuid4().hex[:12]
        )
        url = url_context.__enter__()
    live = LiveServer(url)
    try:
        token, device = live.activate()
        reg = RegisterSim(device)
        live.client(token).post("/v1/push", json=reg.batch([reg.shift_open(), reg.sale()]))
        with live.db.write() as session:
            apply_changes(session, [MasterChange("product", "A1", {"name": "Apple"})])
        yield live, token
    finally:
        live.stop()
        if url_context is not None:
            url_context.__exit__(None, None, None)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_server_error_and_answers_match_the_schema(
    mode: str, module_live: tuple[LiveServer, str]
) -> None:
    live, token = module_live
    device = live.client(token).get("/v1/device").json()["device_id"]

    def own_device(case: Any) -> Any:
        if isinstance(case.body, dict):
            case.body["device_id"] = device
            for n, item in enumerate(case.body.get("items") or []):
                if isinstance(item, dict) and n == 0:
                    item["device_seq"] = 3  # the next one after the module's two items
        return case

    api = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json")

    @api.auth()
    class DeviceToken:
        """The real token, applied the way schemathesis expects, so that negative cases that
        drop the Authorization header on purpose stay without it."""

        def get(self, case: Any, ctx: Any) -> str:
            return token

        def set(self, case: Any, data: str, ctx: Any) -> None:
            if case.path != "/v1/activate":
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    generation = schemathesis.GenerationMode(mode)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 9  # every route is in the schema
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=generation)
        if operation.path == "/v1/push" and mode == "positive":
            strategy = strategy.map(own_device)  # past the 403, into the ingest rules
        seen = statuses.setdefault(f"{operation.method.upper()} {operation.path}", set())
        _exercise(strategy, EXAMPLES[mode], seen)
    assert {"POST /v1/push", "GET /v1/changes", "POST /v1/customers"} <= set(statuses)
    assert not any(code >= 500 for codes in statuses.values() for code in codes)
    if mode == "positive":  # the token was applied: requests got past authentication
        for label, codes in statuses.items():
            if label != "POST /v1/activate":
                assert codes - {401}, f"{label} only ever answered 401"
        assert 200 in statuses["GET /v1/changes"] and 200 in statuses["GET /v1/device"]
        assert statuses["POST /v1/push"] & {200, 409}, statuses["POST /v1/push"]


def _exercise(strategy: Any, examples: int, seen: set[int]) -> None:
    """Run generated cases of one operation with every check but positive-data acceptance
    (schema-valid requests may still be refused for business reasons: an unknown activation
    code, a lone surrogate, items out of order), recording the statuses seen."""

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def exercise(case: Any) -> None:
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        seen.add(response.status_code)

    exercise()
